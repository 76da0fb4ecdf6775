# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The :class:`Transport` (the protocol engine for one connection) and its security layers:
:class:`SASL` for authentication and :class:`SSL` for TLS, configured by :class:`SSLDomain`."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, Union

from . import _cproton
from ._exceptions import SSLException, SSLUnavailable, TransportException


class Transport(_cproton.CTransport):
    """Turns a connection's endpoint state into AMQP bytes and back.

    Containers make and drive transports; use one directly to run the protocol over your own
    I/O: :meth:`bind` a connection, feed received bytes with :meth:`push`, and send what
    :meth:`peek` returns, then :meth:`pop` it.

    :param mode: ``Transport.CLIENT`` (default) or ``Transport.SERVER``.
    """

    CLIENT = 1
    SERVER = 2
    TRACE_OFF = 0
    TRACE_RAW = 1
    TRACE_FRM = 2
    TRACE_DRV = 4

    # Set on some transports by the package and kept with the engine object (declared for the type
    # checker only: a class attribute would hide the per-object value).
    _selectable: Any
    _cyproton_tls_range_chosen: bool

    def __init__(self, mode: Optional[int] = None, impl: Optional[Callable[..., Any]] = None) -> None:
        if mode not in (None, Transport.CLIENT, Transport.SERVER):
            raise TransportException(f"Cannot initialise Transport from mode: {mode}")
        self._new_engine_object(mode == Transport.SERVER)

    @staticmethod
    def wrap(impl: Any) -> Optional[Transport]:
        """``impl`` when it is already a Transport, else None."""
        return impl if isinstance(impl, Transport) else None

    def sasl(self) -> SASL:
        """The SASL layer of this transport (made on first use)."""
        return SASL(self)

    def ssl(self, domain: Optional[SSLDomain] = None, session_details: Optional[SSLSessionDetails] = None) -> SSL:
        """The TLS layer of this transport, set up with ``domain`` on first use."""
        return SSL(self, domain, session_details)


class SASL(_cproton.CSASL):
    """The SASL layer of a transport: which mechanisms to allow and, after negotiation, who
    authenticated and how.

    ``SASL.OK``, ``AUTH``, ``SYS``, ``PERM`` and ``TEMP`` are the possible :attr:`outcome` values.
    """

    OK = 0
    AUTH = 1
    SYS = 2
    PERM = 3
    TEMP = 4

    def __init__(self, transport: Transport) -> None:
        # As in python-qpid-proton, attributes a program sets on a transport's SASL object live with
        # the transport (they are the transport's attributes): the next sasl() call sees them.
        self.__dict__ = transport.__dict__

    def allowed_mechs(self, mechs: Union[str, Iterable[str]]) -> None:
        """Allow only ``mechs``: a space-separated string or a list of mechanism names."""
        super().allowed_mechs(mechs)


class SSLDomain(_cproton.CSSLDomain):
    """TLS configuration shared by many connections: credentials, trusted CAs, how to verify.

    :param mode: ``SSLDomain.MODE_CLIENT`` or ``SSLDomain.MODE_SERVER``.
    :raise SSLUnavailable: when this build has no TLS support.
    """

    MODE_CLIENT = 1
    MODE_SERVER = 2
    VERIFY_PEER = 1
    VERIFY_PEER_NAME = 3
    ANONYMOUS_PEER = 2

    def __init__(self, mode: int) -> None:
        if mode not in (SSLDomain.MODE_CLIENT, SSLDomain.MODE_SERVER):
            raise SSLException(f"unknown SSLDomain mode {mode!r}")
        if not self._create(mode):
            raise SSLUnavailable("TLS is not available in this build of cyproton")

    #: The TLS versions :meth:`set_protocol_range` knows, oldest first (OpenSSL's names).
    PROTOCOLS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
    _LEGACY_CIPHERS = "DEFAULT:!aNULL:!eNULL:@SECLEVEL=0"
    _CIPHERS = "ALL:!aNULL:!eNULL:@STRENGTH"

    def set_protocol_range(self, minimum: str = "TLSv1.2", maximum: str = "TLSv1.3") -> None:
        """Allow the TLS versions from ``minimum`` to ``maximum``, each one of :attr:`PROTOCOLS`
        (``"TLSv1.0"`` is accepted for ``"TLSv1"``). The default, without a call, is TLS 1.2 to 1.3.

        TLS 1.0 and 1.1 are obsolete (RFC 8996); allow them only for a peer that has nothing newer.
        OpenSSL 3 refuses them at its default security level, so a range that includes them also
        sets this domain's cipher list to ``DEFAULT:!aNULL:!eNULL:@SECLEVEL=0`` (security level 0,
        for every connection of the domain). A system-wide OpenSSL policy (``MinProtocol`` in
        ``openssl.cnf``, crypto-policies) may still refuse them. An extension of cyproton
        (python-qpid-proton has no such method).

        :raise SSLException: for an unknown version or an empty range.
        """
        names = {name.lower(): name for name in self.PROTOCOLS}
        names["tlsv1.0"] = "TLSv1"
        try:
            low, high = (self.PROTOCOLS.index(names[str(v).lower()]) for v in (minimum, maximum))
        except KeyError:
            raise SSLException(f"unknown TLS version in ({minimum!r}, {maximum!r}); "
                               f"known: {', '.join(self.PROTOCOLS)}") from None
        if low > high:
            raise SSLException(f"empty TLS version range: {minimum!r} is newer than {maximum!r}")
        self._set_protocols(" ".join(self.PROTOCOLS[low:high + 1]))
        legacy = low < self.PROTOCOLS.index("TLSv1.2")
        if legacy:
            self._set_ciphers(self._LEGACY_CIPHERS)
        elif getattr(self, "_legacy_tls", False):
            self._set_ciphers(self._CIPHERS)  # back to the engine's list (and the default level)
        self._legacy_tls = legacy
        self._tls_range_chosen = True


class SSLSessionDetails:
    """An identifier for resuming a TLS session on a later connection.

    :param session_id: any string naming the session.
    """

    def __init__(self, session_id: str) -> None:
        self._session_id = session_id

    def get_session_id(self) -> str:
        """The session identifier."""
        return self._session_id


class SSL(_cproton.CSSL):
    """The TLS layer of one transport, and what was negotiated (cipher, protocol, peer certificate).

    ``SSL(transport, domain)`` returns the transport's existing TLS layer when there is one.
    """

    CERT_COUNTRY_NAME = 0
    CERT_STATE_OR_PROVINCE = 1
    CERT_CITY_OR_LOCALITY = 2
    CERT_ORGANIZATION_NAME = 3
    CERT_ORGANIZATION_UNIT = 4
    CERT_COMMON_NAME = 5
    SHA1 = 0
    SHA256 = 1
    SHA512 = 2
    MD5 = 3
    RESUME_UNKNOWN = 0
    RESUME_NEW = 1
    RESUME_REUSED = 2

    def __new__(cls, transport: Transport, domain: Optional[SSLDomain] = None,
                session_details: Optional[SSLSessionDetails] = None) -> SSL:
        existing = transport._ssl
        if existing is not None:
            if (domain is not None and existing._domain is not domain) or \
                    (session_details is not None and existing._session_details is not session_details):
                raise SSLException("Cannot re-configure existing SSL object!")
            return existing  # type: ignore[no-any-return]
        obj = super().__new__(cls)
        obj._domain = domain
        obj._session_details = session_details
        obj._attach(transport, domain, session_details.get_session_id() if session_details else None)
        transport._ssl = obj
        if getattr(domain, "_tls_range_chosen", False):
            transport._cyproton_tls_range_chosen = True  # no "disabled by default" hint on its errors
        return obj

    def __init__(self, transport: Transport, domain: Optional[SSLDomain] = None,
                 session_details: Optional[SSLSessionDetails] = None) -> None:
        pass

    def get_cert_common_name(self) -> Optional[str]:
        """The peer certificate's common name."""
        return self.get_cert_subject_subfield(SSL.CERT_COMMON_NAME)

    def get_cert_organization(self) -> Optional[str]:
        """The peer certificate's organization."""
        return self.get_cert_subject_subfield(SSL.CERT_ORGANIZATION_NAME)

    def get_cert_organization_unit(self) -> Optional[str]:
        """The peer certificate's organizational unit."""
        return self.get_cert_subject_subfield(SSL.CERT_ORGANIZATION_UNIT)

    def get_cert_locality_or_city(self) -> Optional[str]:
        """The peer certificate's locality."""
        return self.get_cert_subject_subfield(SSL.CERT_CITY_OR_LOCALITY)

    def get_cert_country(self) -> Optional[str]:
        """The peer certificate's country."""
        return self.get_cert_subject_subfield(SSL.CERT_COUNTRY_NAME)

    def get_cert_state_or_province(self) -> Optional[str]:
        """The peer certificate's state or province."""
        return self.get_cert_subject_subfield(SSL.CERT_STATE_OR_PROVINCE)

    def get_cert_fingerprint_sha1(self) -> Optional[str]:
        """Hex SHA-1 fingerprint of the peer certificate."""
        return self.get_cert_fingerprint(41, SSL.SHA1)

    def get_cert_fingerprint_sha256(self) -> Optional[str]:
        """Hex SHA-256 fingerprint of the peer certificate."""
        return self.get_cert_fingerprint(65, SSL.SHA256)

    def get_cert_fingerprint_sha512(self) -> Optional[str]:
        """Hex SHA-512 fingerprint of the peer certificate."""
        return self.get_cert_fingerprint(129, SSL.SHA512)

    def get_cert_fingerprint_md5(self) -> Optional[str]:
        """Hex MD5 fingerprint of the peer certificate."""
        return self.get_cert_fingerprint(33, SSL.MD5)
