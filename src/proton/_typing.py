# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Types for type checkers: the keywords :meth:`Container.connect` (and :class:`BlockingConnection`)
accept beyond the named parameters.

A leaf module: nothing here runs per message, and nothing imports upward.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence, TypedDict, Union

__all__ = ["ConnectOptions"]


class ConnectOptions(TypedDict, total=False):
    """Keywords of :meth:`Container.connect` besides ``url``, ``urls``, ``address``, ``handler``,
    ``reconnect``, ``heartbeat`` and ``ssl_domain``. Every one may be left out; None is accepted (it
    sets nothing, where leaving a keyword out takes the container's default)."""

    #: Authenticate with SASL (default: the container's ``sasl_enabled``, True).
    sasl_enabled: Optional[bool]
    #: The SASL mechanisms to allow, space separated ("PLAIN SCRAM-SHA-256").
    allowed_mechs: Optional[str]
    #: Allow mechanisms that send the password in the clear over an unencrypted connection.
    allow_insecure_mechs: Optional[bool]
    #: The user name for SASL (default: the URL's).
    user: Optional[str]
    #: The password for SASL (default: the URL's).
    password: Optional[str]
    #: The host name sent in the open frame (and for SNI) instead of the URL's.
    virtual_host: Optional[str]
    #: The host name for TLS server name indication, when it differs from ``virtual_host``.
    sni: Optional[str]
    #: The largest frame this end accepts, in bytes.
    max_frame_size: Optional[int]
    #: Capabilities offered in the open frame.
    offered_capabilities: Optional[Union[str, Sequence[str]]]
    #: Capabilities desired of the peer in the open frame.
    desired_capabilities: Optional[Union[str, Sequence[str]]]
    #: Connection properties sent in the open frame.
    properties: Optional[Mapping[str, Any]]
    #: This end's container id for this connection (default: the container's).
    container_id: Optional[str]
    #: cyproton's: after a lost connection, send again on the new one what the peer had not settled.
    resend_unsettled: Optional[bool]
    #: cyproton's: seconds an attempt may take from the connect to the peer's open (default: the
    #: heartbeat; 0: no limit); a node that hangs is given up after this long and the next URL tried.
    handshake_timeout: Optional[float]
