# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""AMQP endpoints: :class:`Connection`, :class:`Session` and the links :class:`Sender` and
:class:`Receiver`, with their source and target :class:`Terminus`.

Each class is a thin Python subclass of a compiled base that wraps the engine object. Wrappers
are views: two wrappers of the same engine object compare equal, and attributes set on one are
seen by the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Type, TypeVar, Union

from . import _cproton
from ._condition import Condition
from ._data import PropertyDict, SymbolList
from ._handler import Handler


class Endpoint:
    """State flags shared by connections, sessions and links.

    ``state`` combines one local and one remote flag: ``LOCAL_UNINIT``, ``LOCAL_ACTIVE`` or
    ``LOCAL_CLOSED`` with ``REMOTE_UNINIT``, ``REMOTE_ACTIVE`` or ``REMOTE_CLOSED``.
    """

    LOCAL_UNINIT = 1
    LOCAL_ACTIVE = 2
    LOCAL_CLOSED = 4
    REMOTE_UNINIT = 8
    REMOTE_ACTIVE = 16
    REMOTE_CLOSED = 32

    #: The condition to send when this end closes (a :class:`Condition`), or None.
    condition: Optional[Condition] = None

    if TYPE_CHECKING:
        @property
        def state(self) -> int:
            """Local and remote state flags (each subclass's compiled base provides it)."""

    # Connection, Session and Link provide these from their compiled bases; these definitions
    # only document them for the mixin itself.
    @property
    def handler(self) -> Optional[Handler]:
        """The handler for this endpoint's events (None: the parent's applies)."""
        return None

    @handler.setter
    def handler(self, handler: Optional[Handler]) -> None:
        raise NotImplementedError("set the handler on a Connection, Session or Link")

    @property
    def remote_condition(self) -> Optional[Condition]:
        """The condition the peer sent when it closed, or None."""
        return None


_W = TypeVar("_W")


def _same(impl: Any, cls: Type[_W]) -> Optional[_W]:
    return impl if isinstance(impl, cls) else None


def _symbols(value: Any) -> Optional[SymbolList]:
    """A capability field as the peer sent it (one symbol, or an array or list of them) as a SymbolList;
    an empty or absent field gives None."""
    if not value:
        return None
    return SymbolList(value if isinstance(value, (str, list)) else list(value), raise_on_error=False)


class Connection(_cproton.CConnection, Endpoint):
    """An AMQP connection: the top of the endpoint tree (sessions, then links).

    Containers make connections with :meth:`Container.connect` and for each accepted
    client; a bare ``Connection()`` is for use with a :class:`Transport` directly.
    """

    #: Capabilities this end offers, sent at open (a list of symbols).
    offered_capabilities_list: Optional[SymbolList] = None
    #: Capabilities this end desires from the peer, sent at open.
    desired_capabilities_list: Optional[SymbolList] = None
    #: Connection properties sent at open.
    properties_dict: Optional[PropertyDict] = None
    #: The URL the connection was made to (set by the container).
    url: Any = None

    # Set by the container on its connections and kept with the engine object (declared for the
    # type checker only: a class attribute would hide the per-object value).
    _container: Any
    _acceptor: Any
    _overrides: Any
    _session_policy: Any
    _txn_ctrl: Any

    def __init__(self, impl: Any = None) -> None:
        self._new_engine_object()

    @staticmethod
    def wrap(impl: Any) -> Optional[Connection]:
        """``impl`` when it is already a Connection, else None (engine pointers are not exposed)."""
        return _same(impl, Connection)

    def open(self) -> None:
        """Open the connection: the open frame goes out with the capabilities and properties set."""
        self._open(self.offered_capabilities_list, self.desired_capabilities_list, self.properties_dict)

    @property
    def remote_offered_capabilities(self) -> Optional[SymbolList]:
        """What the peer offered in its open frame, as symbols; None before that, or when it sent none."""
        return _symbols(_cproton.CConnection.remote_offered_capabilities.__get__(self))

    @property
    def remote_desired_capabilities(self) -> Optional[SymbolList]:
        """What the peer desired in its open frame, as symbols; None before that, or when it sent none."""
        return _symbols(_cproton.CConnection.remote_desired_capabilities.__get__(self))

    @property
    def offered_capabilities(self) -> Optional[SymbolList]:
        """Capabilities offered to the peer (str items become symbols)."""
        return self.offered_capabilities_list

    @offered_capabilities.setter
    def offered_capabilities(self, value: Optional[Union[List[str], SymbolList]]) -> None:
        self.offered_capabilities_list = None if value is None else SymbolList(value, raise_on_error=False)

    @property
    def desired_capabilities(self) -> Optional[SymbolList]:
        """Capabilities desired of the peer (str items become symbols)."""
        return self.desired_capabilities_list

    @desired_capabilities.setter
    def desired_capabilities(self, value: Optional[Union[List[str], SymbolList]]) -> None:
        self.desired_capabilities_list = None if value is None else SymbolList(value, raise_on_error=False)

    @property
    def properties(self) -> Optional[PropertyDict]:
        """Connection properties sent at open (str keys become symbols)."""
        return self.properties_dict

    @properties.setter
    def properties(self, value: Optional[Dict[Any, Any]]) -> None:
        if isinstance(value, dict):
            value = PropertyDict(value, raise_on_error=False)
        self.properties_dict = value

    @property
    def connected_address(self) -> Optional[str]:
        """The URL this connection was made to (or, for an accepted one, of its peer), as text."""
        return str(self.url) if self.url else None


class Session(_cproton.CSession, Endpoint):
    """A session: an ordered channel within a connection that carries links."""

    #: The session the container's default policy made (kept with the engine object).
    _container_default: Any

    def __init__(self, impl: Any) -> None:
        raise TypeError("sessions are made with Connection.session()")

    @staticmethod
    def wrap(impl: Any) -> Optional[Session]:
        """``impl`` when it is already a Session, else None."""
        return _same(impl, Session)


class Link(_cproton.CLink, Endpoint):
    """A one-way route for messages between a source and a target; see :class:`Sender` and
    :class:`Receiver`."""

    SND_UNSETTLED = 0
    SND_SETTLED = 1
    SND_MIXED = 2
    RCV_FIRST = 0
    RCV_SECOND = 1

    _properties_dict: Optional[PropertyDict] = None

    def __init__(self, impl: Any) -> None:
        raise TypeError("links are made with Session.sender() / Session.receiver() or the container")

    @staticmethod
    def wrap(impl: Any) -> Optional[Link]:
        """``impl`` when it is already a Link, else None."""
        return _same(impl, Link)

    def open(self) -> None:
        """Open (attach) the link, sending its properties."""
        self._open(self._properties_dict)

    @property
    def properties(self) -> Optional[PropertyDict]:
        """Link properties sent at attach (str keys become symbols)."""
        return self._properties_dict

    @properties.setter
    def properties(self, value: Optional[Dict[Any, Any]]) -> None:
        if isinstance(value, dict):
            value = PropertyDict(value, raise_on_error=False)
        self._properties_dict = value


class Sender(Link):
    """The sending end of a link."""

    #: Set to an iterator of tags to choose this link's delivery tags yourself.
    tag_generator: Any = None

    # Sending is compiled: Message objects are encoded and sent without leaving C.
    send = _cproton.CLink.send
    send_many = _cproton.CLink.send_many

    def delivery_tag(self) -> str:
        """A delivery tag not used before on this link ("1", "2", ...)."""
        return _cproton._delivery_tag(self)


class Receiver(Link):
    """The receiving end of a link."""


class Terminus(_cproton.CTerminus):
    """The source or target of a link: an address and how the node behaves.

    Reach one through ``link.source``, ``link.target``, ``link.remote_source`` or
    ``link.remote_target``. ``filter``, ``capabilities``, ``outcomes`` and ``properties`` are
    :class:`Data` views to fill or read.
    """

    UNSPECIFIED = 0
    SOURCE = 1
    TARGET = 2
    COORDINATOR = 3
    NONDURABLE = 0
    CONFIGURATION = 1
    DELIVERIES = 2
    DIST_MODE_UNSPECIFIED = 0
    DIST_MODE_COPY = 1
    DIST_MODE_MOVE = 2
    EXPIRE_WITH_LINK = 0
    EXPIRE_WITH_SESSION = 1
    EXPIRE_WITH_CONNECTION = 2
    EXPIRE_NEVER = 3

    def __init__(self, impl: Any) -> None:
        raise TypeError("termini are reached through a link's source and target")
