# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""``proton.Url``: a small, mutable AMQP address.

An address looks like ``scheme://user:password@host:port/path``, and every piece may be left out.
Text without a ``scheme://`` prefix is read as ``host[:port][/path]``, so ``"localhost"`` and
``"broker:5673"`` work as-is.

The parsing rules follow python-qpid-proton 0.40 to the letter, including its oddities, because
programs compare ``str(url)`` and read the parts back:

* the port is kept as the text it was given (``"amqps"`` stays ``"amqps"`` in ``str()``) and is
  only turned into a number when :attr:`Url.port` is read, so a bad port raises ``ValueError`` at
  that moment, not when the address is parsed;
* the host and the scheme are lower-cased when parsed (not when assigned);
* anything after a second ``:`` in ``host:port`` is ignored, and a bare IPv6 literal without
  brackets (``"::1"``) parses to no host at all;
* :meth:`Url.defaults` fills the scheme with ``amqp``, the host with ``0.0.0.0`` and the port
  with the scheme's service name;
* a ``Url`` compares equal to anything whose ``str()`` is the same text, and is not hashable
  (it is mutable). :class:`Url.Port` is not hashable either.

Deliberate departures, all where python-qpid-proton fails with an unrelated internal error:
assigning ``None`` to :attr:`Url.host`, or ``None`` or ``""`` to :attr:`Url.path`, clears it; a
value that is neither a string nor a ``Url`` raises ``TypeError``; and a ``port=`` keyword replaces
an unreadable port in the text instead of raising ``ValueError`` while the keyword is checked.

This is a leaf module: it imports only the standard library.
"""

from __future__ import annotations

import re
import socket
from typing import Any, Optional, Tuple, Union
from urllib.parse import quote, unquote, urlparse, urlunparse

__all__ = ["Url"]

#: How a password is written wherever an address is shown rather than used: ``repr()`` of a
#: :class:`Url`, exception texts, log lines, the ``cyproton`` command's messages. Literally, never
#: percent-encoded (``%2A%2A%2A``), so that what users read is what the documentation says.
REDACTED = "***"

# the credentials of any "scheme://user:password@" in free text
_CREDENTIALS_IN_TEXT = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s/@:]*:)[^\s/@]*@")

# Service names that must resolve even on hosts whose services database lacks them.
_FALLBACK_SERVICES = {"amqp": 5672, "amqps": 5671}

# The instance state a copy takes over from its original.
_FIELDS = ("scheme", "username", "password", "_host", "_port", "_path", "_params", "_query", "_fragment")

# What defaults() puts in an empty host: every local interface.
_WILDCARD_HOST = "0.0.0.0"


def _service_port(text: Any) -> int:
    """Resolve ``text`` (a number, numeric text or a service name) to a port number.

    :raise ValueError: if ``text`` is neither numeric nor a known service name.
    """
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return socket.getservbyname(text)
    except OSError:
        known = _FALLBACK_SERVICES.get(text)
        if known is None:
            raise ValueError("Not a valid port number or service name: '%s'" % text) from None
        return known


def _is_bracketed(text: str) -> bool:
    return text.startswith("[") and text.endswith("]")


def _has_scheme(text: str) -> bool:
    """True when ``text`` starts with ``name://`` where the name holds no slash."""
    head, colon, rest = text.partition(":")
    return bool(colon) and "/" not in head and rest.startswith("//")


def _unquoted(text: Optional[str]) -> Optional[str]:
    return unquote(text) if text else text


def _host_and_port(netloc: str) -> Tuple[Optional[str], Optional[str]]:
    """Split the network location of a parsed address into (host, port text).

    Credentials before the last ``@`` are skipped. A bracketed IPv6 literal keeps its brackets
    and any colons in it; after the host only the text up to a further colon counts as the port.
    """
    location = netloc.rpartition("@")[2]
    if "]" in location:
        literal = location[:location.index("]") + 1]
        tail = location[location.rindex("]") + 1:]
    else:
        literal, tail = "", location
    name, _, port_text = tail.partition(":")
    port_text = port_text.split(":", 1)[0]
    return (literal + name).lower() or None, port_text or None


class Url:
    """A mutable AMQP address, ``scheme://user:password@host:port/path``.

    python-qpid-proton marks this class as deprecated in favour of plain strings; it is kept
    because the API still accepts and returns it.

    :param url: the text to parse, or another :class:`Url` to copy; ``None`` or ``""`` start
        empty.
    :type url: ``str``, :class:`Url` or ``None``
    :param defaults: when true (the default), call :meth:`defaults` once the parts are set.
    :type defaults: bool
    :param kwargs: parts to set after parsing, by attribute name: ``scheme``, ``username``,
        ``password``, ``host``, ``port``, ``path``. (There is no ``user`` keyword.)
    :raise AttributeError: if a keyword names no attribute of a ``Url``.
    :raise ValueError: if the text is not a parseable address (e.g. an unclosed ``[``), or if
        ``defaults`` needs the port of a scheme that has no known service port.
    :raise TypeError: if ``url`` is neither a string nor a :class:`Url`.

    :ivar scheme: the scheme, e.g. ``"amqp"`` or ``"amqps"``, or ``None``.
    :ivar username: the user name, percent-decoded, or ``None``.
    :ivar password: the password, percent-decoded, or ``None``.
    """

    AMQP = "amqp"
    """The scheme of plain AMQP."""

    AMQPS = "amqps"
    """The scheme of AMQP over TLS."""

    class Port(int):
        """A port number that remembers how it was written.

        Built from an ``int``, numeric text or a service name (``"amqp"`` is 5672 and
        ``"amqps"`` is 5671 even without a services database). It behaves as the number, but
        ``str()`` gives back the original text, and it compares equal both to that text and to
        the number.

        :param value: the port as a number, numeric text or a service name.
        :raise ValueError: if ``value`` is not numeric and not a known service name.
        """

        name: str

        def __new__(cls, value: Any) -> "Url.Port":
            number = super().__new__(cls, _service_port(value))
            number.name = str(value)
            return number

        def __str__(self) -> str:
            return self.name

        def __eq__(self, other: object) -> bool:
            if self.name == other:
                return True
            return int(self) == other

        def __ne__(self, other: object) -> bool:
            return not self.__eq__(other)

        __hash__ = None  # type: ignore[assignment]

    scheme: Optional[str]
    username: Optional[str]
    password: Optional[str]

    def __init__(self, url: Union[str, "Url", None] = None, defaults: bool = True, **kwargs: Any) -> None:
        self.scheme = None
        self.username = None
        self.password = None
        self._host: Optional[str] = None
        self._port: Any = None
        self._path: Optional[str] = None
        self._params: Optional[str] = None
        self._query: Optional[str] = None
        self._fragment: Optional[str] = None
        if isinstance(url, Url):
            for field in _FIELDS:
                setattr(self, field, getattr(url, field))
        elif isinstance(url, str):
            if url:
                self._parse(url)
        elif url:
            raise TypeError("Url() takes a str or a Url, not %s" % type(url).__name__)
        for name, value in kwargs.items():
            if name not in self.__dict__ and not hasattr(type(self), name):
                raise AttributeError("'%s' object has no attribute '%s'" % (type(self).__name__, name))
            setattr(self, name, value)
        if defaults:
            self.defaults()

    def _parse(self, text: str) -> None:
        if not text.startswith("//") and not _has_scheme(text):
            text = "//" + text
        parts = urlparse(text)
        self.scheme = parts.scheme or None
        self.username = _unquoted(parts.username)
        self.password = _unquoted(parts.password)
        self._host, self._port = _host_and_port(parts.netloc)
        self._path = parts.path or None
        self._params = parts.params
        self._query = parts.query
        self._fragment = parts.fragment

    @property
    def host(self) -> Optional[str]:
        """The host name or address, or ``None``.

        An IPv6 literal reads back without its brackets; assigning one without brackets adds
        them, so ``str()`` stays a valid address.

        :type: ``str``
        """
        stored = self._host
        if stored and _is_bracketed(stored):
            return stored[1:-1]
        return stored

    @host.setter
    def host(self, value: Optional[str]) -> None:
        if value and ":" in value and not _is_bracketed(value):
            value = "[%s]" % value
        self._host = value

    @property
    def port(self) -> Any:
        """The port as a :class:`Url.Port`, or the unset value (normally ``None``).

        Any value may be assigned (number, text, service name); it is checked only when read.

        :type: :class:`Url.Port`
        :raise ValueError: if the stored port is not a number or a known service name.
        """
        if not self._port:
            return self._port
        return Url.Port(self._port)

    @port.setter
    def port(self, value: Any) -> None:
        self._port = value

    @property
    def path(self) -> Optional[str]:
        """The path without its leading ``/``, or ``None``. A leading ``/`` is added on assignment.

        :type: ``str``
        """
        stored = self._path
        if stored and stored.startswith("/"):
            return stored[1:]
        return stored

    @path.setter
    def path(self, value: Optional[str]) -> None:
        if not value:
            self._path = None
        else:
            self._path = value if value.startswith("/") else "/" + value

    def defaults(self) -> "Url":
        """Fill in what is missing: scheme ``amqp``, host ``0.0.0.0``, the scheme's service port.

        :return: this same object.
        :raise ValueError: if the port is missing and the scheme is not a known service name.
        """
        if not self.scheme:
            self.scheme = self.AMQP
        if not self._host:
            self._host = _WILDCARD_HOST
        if not self._port:
            self._port = Url.Port(self.scheme)
        return self

    def _location(self, shown_secret: Optional[str] = None) -> str:
        """The ``user:password@host:port`` part, credentials percent-encoded; a password is
        replaced by ``shown_secret`` (as it is, not encoded) when that is given."""
        address = self._host or ""
        if self._port:
            address = "%s:%s" % (address, self._port)
        user, secret = self.username, self.password
        if not (user or secret):
            return address
        credentials = quote(user) if user else ""
        if secret:
            credentials = "%s:%s" % (credentials, shown_secret if shown_secret is not None else quote(secret))
        return "%s@%s" % (credentials, address)

    def _text(self, shown_secret: Optional[str] = None) -> str:
        location = self._location(shown_secret)
        rest = (self._path, self._params, self._query, self._fragment)
        if self.scheme and not location and not any(rest):
            return self.scheme + "://"
        return urlunparse((self.scheme or "", location) + tuple(piece or "" for piece in rest))

    def __str__(self) -> str:
        return self._text()

    def __repr__(self) -> str:
        # Unlike str() (the address to connect to, as in python-qpid-proton), a repr may end up
        # in logs: the password is shown as "***".
        return "Url('%s')" % self._text(REDACTED)

    def __eq__(self, other: object) -> bool:
        return str(other) == str(self)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]


def _password_of(address: Union[str, "Url", None]) -> Optional[str]:
    if isinstance(address, Url):
        return address.password
    if not address or "@" not in address or any(ch.isspace() for ch in address):
        return None               # free text: only _CREDENTIALS_IN_TEXT applies
    try:
        return Url(address, defaults=False).password
    except (ValueError, TypeError):
        return None


def redacted(text: Union[str, "Url", None], url: Union[str, "Url", None] = None) -> str:
    """``text`` (a :class:`Url`, or any text that may hold URLs) as text that is safe to show:
    every password written as ``***``. With ``url``, the password of that address is also masked
    wherever it appears in ``text`` (as given or percent-encoded), URL or not. Everything the
    package and the ``cyproton`` command print about an address goes through here."""
    if text is None:
        return "None"
    if isinstance(text, Url):
        return text._text(REDACTED)
    text = str(text)
    secrets = [p for p in (_password_of(text), _password_of(url)) if p]
    if not secrets and "@" not in text:
        return text
    if not url and secrets:
        parsed = Url(text, defaults=False)
        if str(parsed) == text:   # exactly one address: written again, its password replaced
            return parsed._text(REDACTED)
    # free text, or an address that does not read back the same: each known password first (as
    # given or encoded, longest first), then whatever else looks like credentials
    forms = {form for p in secrets for form in (p, quote(p), quote(p, safe=""))}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return _CREDENTIALS_IN_TEXT.sub(lambda m: m.group(1) + REDACTED + "@", text)
