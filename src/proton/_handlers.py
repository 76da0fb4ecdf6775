# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Ready-made handlers. :class:`MessagingHandler` is the one most programs subclass: it turns
engine events into ``on_start``, ``on_sendable``, ``on_message``, ``on_accepted`` ... callbacks,
grants credit, accepts and settles.

The per-delivery work (credit, receiving and decoding, accepting, settling, on_sendable) runs in
the compiled extension. The Python methods below state the same behaviour; they run when a
subclass overrides one of them, and they document what happens.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Union

from . import _cproton
from ._delivery import Delivery
from ._endpoints import Endpoint
from ._events import Event, _dispatch
from ._exceptions import ProtonException
from ._handler import Handler, _noop

if TYPE_CHECKING:
    from ._delivery import DispositionType
    from ._reactor import Transaction

log = logging.getLogger("proton")


class Reject(ProtonException):
    """Raise from ``on_message`` to reject the message (outcome ``rejected``)."""


class Release(ProtonException):
    """Raise from ``on_message`` to release the message for redelivery (outcome ``modified``)."""


def _forward(name: str, doc: str) -> Callable[[Any, Event], None]:
    """A method that passes the event on to the handler's delegate, if it has one."""

    def method(self: Any, event: Event) -> None:
        if self.delegate is not None:
            _dispatch(self.delegate, name, event)

    method.__name__ = name
    method.__doc__ = doc
    method._cyproton_forward = True  # type: ignore[attr-defined]
    return method


def _empty(name: str, doc: str) -> Callable[[Any, Event], None]:
    """A callback that does nothing until a subclass overrides it."""

    def method(self: Any, event: Event) -> None:
        pass

    method.__name__ = name
    method.__doc__ = doc
    return _noop(method)


class Acking:
    """Settling helpers for received deliveries."""

    def accept(self, delivery: Delivery) -> None:
        """Accept ``delivery`` (it was processed) and settle it."""
        self.settle(delivery, Delivery.ACCEPTED)

    def reject(self, delivery: Delivery) -> None:
        """Reject ``delivery`` (it cannot be processed) and settle it."""
        self.settle(delivery, Delivery.REJECTED)

    def release(self, delivery: Delivery, delivered: bool = True) -> None:
        """Give ``delivery`` back for redelivery and settle it: as ``modified`` (counting the
        attempt) when ``delivered``, else as ``released``."""
        self.settle(delivery, Delivery.MODIFIED if delivered else Delivery.RELEASED)

    def settle(self, delivery: Delivery, state: Optional[Union[int, DispositionType]] = None) -> None:
        """Settle ``delivery``, first setting its outcome to ``state`` when given."""
        if state:
            delivery.update(state)
        delivery.settle()


class FlowController(_cproton.CFlowController, Handler):
    """Keeps each receiving link's credit at ``window`` messages.

    :param window: the credit to maintain.
    """

    def __init__(self, window: int = 1024) -> None:
        self._window = window
        self._drained = 0

    # on_link_local_open, on_link_remote_open, on_link_flow and on_delivery (each can leave credit
    # short) are CFlowController's, in C (cython/handlers.pyx)


# python-qpid-proton also exposes the credit handler under this name.
CFlowController = FlowController


def _answer_peer(kind: str, opening: bool) -> "staticmethod[[Event], None]":
    """Handshaker's reply to the peer opening (or closing) a ``kind`` endpoint: do the same here,
    unless this end already has. A link opened back mirrors the peer's source and target."""
    not_yet = Endpoint.LOCAL_UNINIT if opening else Endpoint.LOCAL_ACTIVE | Endpoint.LOCAL_UNINIT

    def reply(event: Event) -> None:
        endpoint = getattr(event, kind)
        if not endpoint.state & not_yet:
            return
        if not opening:
            endpoint.close()
            return
        if kind == "link":
            endpoint.source.copy(endpoint.remote_source)
            endpoint.target.copy(endpoint.remote_target)
        endpoint.open()

    return staticmethod(reply)


class Handshaker(Handler):
    """Opens whatever the peer opens and closes whatever the peer closes."""

    on_connection_remote_open = _answer_peer("connection", opening=True)
    on_session_remote_open = _answer_peer("session", opening=True)
    on_link_remote_open = _answer_peer("link", opening=True)
    on_connection_remote_close = _answer_peer("connection", opening=False)
    on_session_remote_close = _answer_peer("session", opening=False)
    on_link_remote_close = _answer_peer("link", opening=False)


def _peer_trouble(kind: str, what: str) -> Callable[[Any, Event], None]:
    """``on_<kind>_error`` (the peer closed with a condition) or ``on_<kind>_closing`` (the peer
    closed first). Both go to the delegate when there is one. Without one, an error is logged and,
    for a session or a link, takes its connection down; a plain close counts as an error only
    with ``peer_close_is_error``."""
    name = f"on_{kind}_{what}"
    error_name = f"on_{kind}_error"

    def method(self: Any, event: Event) -> None:
        if self.delegate is not None:
            _dispatch(self.delegate, name, event)
        elif what == "closing":
            if self.peer_close_is_error:
                getattr(self, error_name)(event)
        else:
            self.print_error(getattr(event, kind), kind)
            if kind != "connection":
                event.connection.close()

    method.__name__ = name
    method.__doc__ = ("The peer closed the %s with an error condition." if what == "error"
                      else "The peer closed the %s first (it is closed back).") % kind
    return method


def _when_peer_already(kind: str, peer_state: int, outcome: str) -> Callable[[Any, Event], None]:
    """The handler of a local open/close of a ``kind`` endpoint: ``on_<kind>_<outcome>`` follows
    when the peer's endpoint is already in ``peer_state``."""
    callback = f"on_{kind}_{outcome}"

    def local_change(self: Any, event: Event) -> None:
        if getattr(event, kind).state & peer_state:
            getattr(self, callback)(event)

    local_change.__name__ = f"on_{kind}_local_{'open' if outcome == 'opened' else 'close'}"
    return local_change


class EndpointStateHandler(_cproton.CEndpointStateHandler, Handler):
    """Turns open/close events into ``on_<endpoint>_opening/opened/closing/closed/error`` calls
    on the delegate, and answers the peer's open or close in kind.

    :param peer_close_is_error: without a delegate, report a peer's close as an error.
    :param delegate: the handler to call.
    """

    def __init__(self, peer_close_is_error: bool = False, delegate: Optional[Handler] = None) -> None:
        self.delegate = delegate
        self.peer_close_is_error = peer_close_is_error

    @classmethod
    def is_local_open(cls, endpoint: Endpoint) -> bool:
        return bool(endpoint.state & Endpoint.LOCAL_ACTIVE)

    @classmethod
    def is_local_uninitialised(cls, endpoint: Endpoint) -> bool:
        return bool(endpoint.state & Endpoint.LOCAL_UNINIT)

    @classmethod
    def is_local_closed(cls, endpoint: Endpoint) -> bool:
        return bool(endpoint.state & Endpoint.LOCAL_CLOSED)

    @classmethod
    def is_remote_open(cls, endpoint: Endpoint) -> bool:
        return bool(endpoint.state & Endpoint.REMOTE_ACTIVE)

    @classmethod
    def is_remote_closed(cls, endpoint: Endpoint) -> bool:
        return bool(endpoint.state & Endpoint.REMOTE_CLOSED)

    @classmethod
    def print_error(cls, endpoint: Endpoint, endpoint_type: str) -> None:
        """Log why ``endpoint`` was closed by the peer."""
        cond = endpoint.remote_condition
        if cond:
            log.error(cond.description or cond.name)
        elif cls.is_local_open(endpoint) and cls.is_remote_closed(endpoint):
            log.error("%s closed by peer", endpoint_type)

    # -- the peer opened or closed something ----------------------------------------------------

    def _remote_closed(self, endpoint: Any, kind: str, event: Event) -> None:
        if endpoint.remote_condition:
            getattr(self, f"on_{kind}_error")(event)
        elif self.is_local_closed(endpoint):
            getattr(self, f"on_{kind}_closed")(event)
        else:
            getattr(self, f"on_{kind}_closing")(event)
        endpoint.close()

    def on_link_remote_close(self, event: Event) -> None:
        self._remote_closed(event.link, "link", event)

    def on_session_remote_close(self, event: Event) -> None:
        self._remote_closed(event.session, "session", event)

    def on_connection_remote_close(self, event: Event) -> None:
        cond = event.connection.remote_condition
        if cond and cond.name == "amqp:connection:forced":
            # The peer is going away on purpose: like a dropped socket, this is a chance to reconnect.
            return
        self._remote_closed(event.connection, "connection", event)

    def _remote_opened(self, endpoint: Any, kind: str, event: Event) -> None:
        if self.is_local_open(endpoint):
            getattr(self, f"on_{kind}_opened")(event)
        elif self.is_local_uninitialised(endpoint):
            getattr(self, f"on_{kind}_opening")(event)
            endpoint.open()

    def on_connection_remote_open(self, event: Event) -> None:
        self._remote_opened(event.connection, "connection", event)

    def on_session_remote_open(self, event: Event) -> None:
        self._remote_opened(event.session, "session", event)

    def on_link_remote_open(self, event: Event) -> None:
        self._remote_opened(event.link, "link", event)

    # -- this end opened or closed something ----------------------------------------------------
    # Each completes a pair when the peer's half has already happened.

    on_connection_local_open = _when_peer_already("connection", Endpoint.REMOTE_ACTIVE, "opened")
    on_session_local_open = _when_peer_already("session", Endpoint.REMOTE_ACTIVE, "opened")
    on_link_local_open = _when_peer_already("link", Endpoint.REMOTE_ACTIVE, "opened")
    on_connection_local_close = _when_peer_already("connection", Endpoint.REMOTE_CLOSED, "closed")
    on_session_local_close = _when_peer_already("session", Endpoint.REMOTE_CLOSED, "closed")
    on_link_local_close = _when_peer_already("link", Endpoint.REMOTE_CLOSED, "closed")

    # -- what the delegate hears --------------------------------------------------------------------

    on_connection_opened = _forward("on_connection_opened", "Both ends have opened the connection.")
    on_session_opened = _forward("on_session_opened", "Both ends have opened the session.")
    on_link_opened = _forward("on_link_opened", "Both ends have opened the link.")
    on_connection_opening = _forward("on_connection_opening", "The peer opened a connection; it is opened back.")
    on_session_opening = _forward("on_session_opening", "The peer opened a session; it is opened back.")
    on_link_opening = _forward("on_link_opening", "The peer opened a link; it is opened back.")
    on_connection_closed = _forward("on_connection_closed", "Both ends have closed the connection.")
    on_session_closed = _forward("on_session_closed", "Both ends have closed the session.")
    on_link_closed = _forward("on_link_closed", "Both ends have closed the link.")

    on_connection_error = _peer_trouble("connection", "error")
    on_session_error = _peer_trouble("session", "error")
    on_link_error = _peer_trouble("link", "error")
    on_connection_closing = _peer_trouble("connection", "closing")
    on_session_closing = _peer_trouble("session", "closing")
    on_link_closing = _peer_trouble("link", "closing")

    def on_transport_tail_closed(self, event: Event) -> None:
        self.on_transport_closed(event)

    def on_transport_closed(self, event: Event) -> None:
        """The socket went away while the connection was open: ``on_disconnected``."""
        if self.delegate is not None and event.connection and self.is_local_open(event.connection):
            _dispatch(self.delegate, "on_disconnected", event)


class IncomingMessageHandler(_cproton.CIncomingMessageHandler, Handler, Acking):
    """Receives complete deliveries as messages: ``on_message`` with ``event.message`` set, then
    (with ``auto_accept``) accepts and settles them. Raising :class:`Reject` or :class:`Release`
    from ``on_message`` settles with that outcome instead.

    :param auto_accept: accept each message once ``on_message`` returns.
    :param delegate: the handler whose ``on_message`` is called.
    """

    def __init__(self, auto_accept: bool = True, delegate: Optional[Handler] = None) -> None:
        self.auto_accept = auto_accept
        self.delegate = delegate

    # on_delivery is CIncomingMessageHandler's, in C (cython/handlers.pyx): it reads a complete
    # message, calls on_message and settles as auto_accept, Reject or Release say

    on_message = _forward("on_message", "A message arrived: ``event.message``.")
    on_settled = _forward("on_settled", "The peer settled a delivery this end had not settled.")
    on_aborted = _forward("on_aborted", "The sender aborted a delivery part way.")


class OutgoingMessageHandler(_cproton.COutgoingMessageHandler, Handler):
    """Calls ``on_sendable`` while a sender has credit, and ``on_accepted`` / ``on_rejected`` /
    ``on_released`` / ``on_settled`` as the peer reports outcomes; with ``auto_settle``, settles
    deliveries the peer has settled.

    :param auto_settle: settle each delivery once the peer has.
    :param delegate: the handler to call.
    """

    def __init__(self, auto_settle: bool = True, delegate: Optional[Handler] = None) -> None:
        self.delegate = delegate
        self.auto_settle = auto_settle

    # on_link_flow (on_sendable while there is credit) and on_delivery (the outcome callbacks, and
    # auto_settle) are COutgoingMessageHandler's, in C (cython/handlers.pyx)

    on_sendable = _forward("on_sendable", "The sender has credit: messages may be sent.")
    on_accepted = _forward("on_accepted", "The peer accepted a message.")
    on_rejected = _forward("on_rejected", "The peer rejected a message.")
    on_released = _forward("on_released", "The peer released (or modified) a message.")
    on_settled = _forward("on_settled", "The peer settled a delivery.")


class MessagingHandler(Handler, Acking):
    """The handler to subclass for messaging applications.

    Override the callbacks you need: ``on_start`` (the container started: connect and make links
    here), ``on_sendable`` (a sender has credit), ``on_message`` (``event.message`` arrived),
    ``on_accepted`` / ``on_rejected`` / ``on_released`` / ``on_settled`` (outcomes of sent messages),
    ``on_connection_opened`` / ``closed`` / ``error`` and the same for sessions and links,
    ``on_disconnected`` and ``on_transport_error``.

    :param prefetch: credit kept on each receiver (0: grant credit yourself).
    :param auto_accept: accept each message after ``on_message`` returns.
    :param auto_settle: settle sent messages once the peer has settled them.
    :param peer_close_is_error: treat a close by the peer as an error.
    """

    def __init__(self, prefetch: int = 10, auto_accept: bool = True, auto_settle: bool = True,
                 peer_close_is_error: bool = False) -> None:
        self.handlers: List[Any] = []
        if prefetch:
            self.handlers.append(FlowController(prefetch))
        # The children call back into this handler through a weak proxy, as in python-qpid-proton:
        # a strong reference would make every MessagingHandler a reference cycle that only the
        # cyclic garbage collector frees (the dispatcher in _cproton looks through the proxy).
        me = weakref.proxy(self)
        self.handlers.append(EndpointStateHandler(peer_close_is_error, me))
        self.handlers.append(IncomingMessageHandler(auto_accept, me))
        self.handlers.append(OutgoingMessageHandler(auto_settle, me))
        self.fatal_conditions = ["amqp:unauthorized-access"]

    def on_transport_error(self, event: Event) -> None:
        """The connection failed below AMQP (socket error, TLS or authentication failure): logged;
        fatal conditions (``amqp:unauthorized-access``) close the connection."""
        cond = event.transport.condition
        if cond:
            if cond.info:
                log.error("%s: %s: %s", cond.name, cond.description, cond.info)
            else:
                log.error("%s: %s", cond.name, cond.description)
            if cond.name in self.fatal_conditions:
                event.connection.close()
        else:
            log.error("Unspecified transport error")

    def on_connection_error(self, event: Event) -> None:
        """The peer closed the connection with an error condition (logged)."""
        EndpointStateHandler.print_error(event.connection, "connection")

    def on_session_error(self, event: Event) -> None:
        """The peer closed a session with an error condition (logged; the connection is closed)."""
        EndpointStateHandler.print_error(event.session, "session")
        event.connection.close()

    def on_link_error(self, event: Event) -> None:
        """The peer closed a link with an error condition (logged; the connection is closed)."""
        EndpointStateHandler.print_error(event.link, "link")
        event.connection.close()

    def on_reactor_init(self, event: Event) -> None:
        """The container started; calls :meth:`on_start`."""
        self.on_start(event)

    on_start = _empty("on_start", "The container started.")
    on_connection_closed = _empty("on_connection_closed", "Both ends closed the connection.")
    on_session_closed = _empty("on_session_closed", "Both ends closed the session.")
    on_link_closed = _empty("on_link_closed", "Both ends closed the link.")
    on_connection_closing = _empty("on_connection_closing", "The peer closed the connection first.")
    on_session_closing = _empty("on_session_closing", "The peer closed the session first.")
    on_link_closing = _empty("on_link_closing", "The peer closed the link first.")
    on_disconnected = _empty("on_disconnected", "The socket went away.")
    on_sendable = _empty("on_sendable", "A sender has credit.")
    on_accepted = _empty("on_accepted", "The peer accepted a message.")
    on_rejected = _empty("on_rejected", "The peer rejected a message.")
    on_released = _empty("on_released", "The peer released a message.")
    on_settled = _empty("on_settled", "The peer settled a delivery.")
    on_message = _empty("on_message", "A message arrived: ``event.message``.")


class TransactionHandler:
    """Callbacks about a transaction's life (see :meth:`Container.declare_transaction`)."""

    def on_transaction_declared(self, event: Event) -> None:
        """The transaction was declared: ``event.transaction`` may be used."""

    def on_transaction_declare_failed(self, event: Event) -> None:
        """The peer refused to declare the transaction."""

    def on_transaction_committed(self, event: Event) -> None:
        """The transaction was committed."""

    def on_transaction_aborted(self, event: Event) -> None:
        """The transaction was rolled back."""

    def on_transaction_commit_failed(self, event: Event) -> None:
        """The peer could not commit the transaction."""


class TransactionalClientHandler(MessagingHandler, TransactionHandler):
    """A MessagingHandler for transactional work: messages are not auto-accepted, so that
    :meth:`accept` can accept them within a transaction."""

    def __init__(self, prefetch: int = 10, auto_accept: bool = False, auto_settle: bool = True,
                 peer_close_is_error: bool = False) -> None:
        super().__init__(prefetch, auto_accept, auto_settle, peer_close_is_error)

    def accept(self, delivery: Delivery, transaction: Optional[Transaction] = None) -> None:
        """Accept ``delivery``, inside ``transaction`` when one is given."""
        if transaction:
            transaction.accept(delivery)
        else:
            super().accept(delivery)
