# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The :class:`Container` (event loop plus connection and link factories), its helpers, link
options, timers, cross-thread event injection, reconnect and transactions.

The loop itself is compiled (``_cproton.CReactor``); this module adds the python-qpid-proton
API around it.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import operator
import os
import queue
import threading
import uuid
import weakref
from typing import (
    TYPE_CHECKING, Any, Callable, Deque, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Type, Union,
)

from . import _cproton
from ._condition import Condition
from ._data import Described, symbol, ulong
from ._delivery import Delivery
from ._endpoints import Connection, Endpoint, Link, Receiver, Sender, Session, Terminus
from ._events import Collector, Event, EventBase, EventType
from ._exceptions import SSLUnavailable
from ._handler import Handler
from ._handlers import OutgoingMessageHandler
from ._io import IOHandler, TimerSelectable, _GlobalOverrides, _is_native, _SocketSelectable
from ._message import Message
from ._reconnect import Backoff, delay_iter
from ._selectable import Selectable
from ._transport import SSL, SSLDomain, Transport
from ._url import Url

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Unpack

    from ._handlers import TransactionHandler
    from ._typing import ConnectOptions

_logger = logging.getLogger("proton")


def _generate_uuid() -> uuid.UUID:
    return uuid.uuid4()


# -- timers -------------------------------------------------------------------------------------

class Task:
    """A scheduled call: at its deadline the container sends ``on_timer_task`` to its handler."""

    def __init__(self, reactor: Reactor, deadline: float, handler: Any) -> None:
        self._deadline = deadline
        self._handler = handler
        self._reactor = reactor
        self._cancelled = False
        self._fired = False      # set by the loop when it queues the task's event

    def __lt__(self, other: Task) -> bool:
        return self._deadline < other._deadline

    def cancel(self) -> None:
        """Do not run this task. Harmless when it was cancelled already, or has run."""
        pending = not (self._cancelled or self._fired)
        self._cancelled = True
        if pending:
            self._reactor._timer_cancelled()  # the loop counts live timers, to know when none is left

    handler = property(operator.attrgetter("_handler"), doc="What is sent ``on_timer_task``.")
    container = property(operator.attrgetter("_reactor"), doc="The container the task belongs to.")


# -- listening ----------------------------------------------------------------------------------

class Acceptor(Handler):
    """A listening socket made by :meth:`Container.listen`; each client becomes a server-side
    connection handled by the container's handler (or the one given).

    :attr:`handshake_timeout` (seconds; None or 0: none) ends an accepted connection whose peer has
    not sent its AMQP open that long after the accept; :attr:`idle_timeout` (seconds; None: the
    engine's default, none) is set on the transport of every accepted connection. Both start as the
    container's values and apply to connections accepted after they are changed. (The handshake
    timeout is kept by the container's own I/O, the default; not yet when another event loop drives
    the sockets through selectables.)"""

    def __init__(self, reactor: Container, host: str, port: int, handler: Optional[Handler] = None) -> None:
        self._ssl_domain: Optional[SSLDomain] = None
        self._reactor = reactor
        self._handler = handler
        self.handshake_timeout: Optional[float] = getattr(reactor, "handshake_timeout", None)
        self.idle_timeout: Optional[float] = None
        native = reactor._native_io
        self._source = reactor._listen(host or "0.0.0.0", port, self, not native)
        self._selectable: Optional[Selectable] = None
        if not native:
            # selectable I/O: the listener is a selectable whose readable events reach this handler
            selectable = reactor.selectable(handler=self, delegate=self._source)
            selectable.reading = True
            selectable._transport = None
            self._selectable = selectable
            reactor.update(selectable)

    @property
    def address(self) -> Tuple[str, int]:
        """(host, port) actually listened on (useful after listening on port 0)."""
        return self._source.address  # type: ignore[no-any-return]

    @property
    def port(self) -> int:
        """The port actually listened on."""
        return int(self._source.address[1])

    def set_ssl_domain(self, ssl_domain: SSLDomain) -> None:
        """Use TLS with ``ssl_domain`` for every accepted connection."""
        self._ssl_domain = ssl_domain

    def close(self) -> None:
        """Stop listening (connections already accepted go on)."""
        selectable = self._selectable
        if selectable is None:
            self._source.close()
        elif not selectable.is_terminal:
            selectable.terminate()
            selectable.update()

    def on_selectable_readable(self, event: Event) -> None:
        self._source._accept()

    def _accepted(self, fd: int, peer: Tuple[str, int]) -> None:
        reactor = self._reactor
        _logger.info("Accepted connection from %s:%s", peer[0], peer[1])
        conn = reactor.connection(self._handler or reactor.handler)
        conn._acceptor = self
        conn.url = Url(host=peer[0], port=peer[1])
        transport = Transport(Transport.SERVER)
        if self._ssl_domain:
            transport.ssl(self._ssl_domain)
        sasl_setup = getattr(reactor, "_server_sasl", None)
        if sasl_setup is not None:
            sasl_setup(transport)
        if self.idle_timeout:
            transport.idle_timeout = self.idle_timeout
        transport.bind(conn)
        if self._selectable is None:
            reactor._attach_socket(fd, transport, peer, False, self.handshake_timeout or 0)
        else:
            sock = reactor._attach_socket(fd, transport, peer, True)
            IOHandler.update(transport, _SocketSelectable(sock, reactor, transport), reactor.now)


# -- events from other threads -----------------------------------------------------------------

class ApplicationEvent(EventBase):
    """An event of the application's own type (``on_<typename>`` is called), optionally about a
    connection, session, link or delivery and carrying any ``subject``.

    Give it to :meth:`EventInjector.trigger` to have it dispatched on the container's thread.
    """

    TYPES: Dict[str, EventType] = {}

    def __init__(self, typename: str, connection: Optional[Connection] = None, session: Optional[Session] = None,
                 link: Optional[Link] = None, delivery: Optional[Delivery] = None, subject: Any = None) -> None:
        etype: Optional[EventType]
        if isinstance(typename, EventType):
            etype = typename
        else:
            etype = self.TYPES.get(typename)
            if etype is None:
                etype = self.TYPES.setdefault(typename, EventType(typename))
        _cproton._init_event(self, etype, context=None, connection=connection, session=session, link=link,
                             delivery=delivery)
        self.subject = subject

    @property
    def context(self) -> ApplicationEvent:
        """The event itself."""
        return self

    # As in python-qpid-proton, where they are plain attributes, a program may set these before it
    # hands the event to an EventInjector (``event.container = container``, say).
    def _settable(name: str) -> property:  # type: ignore[misc]
        read = getattr(_cproton.CEvent, name)

        def write(self: ApplicationEvent, value: Any) -> None:
            _cproton._assign_event(self, name, value)

        return property(read.__get__, write, doc=read.__doc__)

    container = _settable("container")
    connection = _settable("connection")
    session = _settable("session")
    link = _settable("link")
    delivery = _settable("delivery")
    transport = _settable("transport")
    del _settable

    def __repr__(self) -> str:
        parts = [p for p in (self.connection, self.session, self.link, self.delivery, self.subject) if p is not None]
        return f"{self.type}({', '.join(map(str, parts))})"


class EventInjector:
    """Lets other threads hand events to a container's thread.

    Register it with ``container.selectable(injector)``, then call :meth:`trigger` from any
    thread; each event is dispatched on the container's thread, in order. :meth:`close` it when
    done so that the container can finish.

    ``queue`` holds the events not yet taken by the loop and ``pipe`` is the (read end, write end)
    pair whose read end (:meth:`fileno`) the loop watches, as in python-qpid-proton. Unlike there,
    wake-ups are coalesced: at most one byte is waiting in the pipe, however many events are
    triggered before the loop looks, so :meth:`trigger` never blocks, not even when called
    millions of times from the container's own thread.
    """

    def __init__(self) -> None:
        self.queue: queue.Queue[Any] = queue.Queue()
        self.pipe = os.pipe()  # (read end, write end); a byte written wakes the loop
        for end in self.pipe:
            os.set_blocking(end, False)
        self._closed = False
        self._transport = None
        # _wake_pending: a byte is (or is about to be) in the pipe and the loop has not yet
        # looked at the queue since. Set by _wake_loop, cleared by the loop after it has emptied
        # the pipe and before it takes from the queue (see _take_queued for why in that order).
        # _lock also orders the pipe's closing against writes to it from other threads.
        self._wake_pending = False
        self._pipe_closed = False
        self._lock = threading.Lock()

    def fileno(self) -> int:
        return self.pipe[0]

    def on_selectable_init(self, event: Event) -> None:
        event.context.reading = True   # the read end of the pipe is what the loop watches
        event.context.update()

    def _take_queued(self) -> Iterator[Any]:
        # Empty the pipe, then accept new wake-ups, then take what is queued. A trigger() whose
        # wake-up was skipped (one was pending) put its event before this clears the flag, so the
        # event is counted below; a later trigger() finds the flag clear and writes a new byte.
        # Only the events queued at that moment are taken: producers faster than the loop cannot
        # keep it here for ever, and what they add meanwhile comes with a wake-up of its own.
        with contextlib.suppress(BlockingIOError, InterruptedError):
            while os.read(self.pipe[0], 4096):
                pass
        with self._lock:
            self._wake_pending = False
        for _ in range(self.queue.qsize()):
            try:
                yield self.queue.get_nowait()
            except queue.Empty:
                return

    def on_selectable_readable(self, event: Event) -> None:
        watched = event.context
        for injected in self._take_queued():
            watched.push_event(injected.context, injected.type)
        if self._closed and self.queue.empty():
            watched.terminate()
            watched.update()

    def trigger(self, event: ApplicationEvent) -> None:
        """Queue ``event`` for dispatch on the container's thread (thread-safe, never blocks)."""
        self.queue.put(event)
        self._wake_loop()

    def close(self) -> None:
        """Stop once the events already triggered have been dispatched (thread-safe)."""
        self._closed = True
        self._wake_loop()

    def _wake_loop(self) -> None:
        if self._wake_pending:   # fast path; a stale True is safe, see _take_queued
            return
        with self._lock:
            if self._wake_pending or self._pipe_closed:
                return
            self._wake_pending = True
            try:
                os.write(self.pipe[1], b"!")
            except BlockingIOError:   # a full pipe wakes the loop just as well
                pass

    def on_selectable_final(self, event: Event) -> None:
        # The I/O handler closes the selectable next, which calls close() here: the pipe must be
        # marked closed first (under the lock other threads write with), so that nothing is
        # written to a descriptor number reused since.
        with self._lock:
            self._pipe_closed = True
            for end in self.pipe:
                with contextlib.suppress(OSError):
                    os.close(end)


# -- link options -------------------------------------------------------------------------------

class LinkOption:
    """Something applied to a link before it opens; :meth:`test` says whether it applies."""

    def apply(self, link: Link) -> None:
        """Change ``link``."""

    def test(self, link: Link) -> bool:
        """Whether this option applies to ``link``."""
        return True


class AtMostOnce(LinkOption):
    """Messages are sent settled: fast, but lost if the connection fails."""

    def apply(self, link: Link) -> None:
        link.snd_settle_mode = Link.SND_SETTLED


class AtLeastOnce(LinkOption):
    """Messages are settled after the receiver's outcome: resent after a failure, never lost."""

    def apply(self, link: Link) -> None:
        link.snd_settle_mode = Link.SND_UNSETTLED
        link.rcv_settle_mode = Link.RCV_FIRST


class SenderOption(LinkOption):
    """An option only for senders."""

    def apply(self, sender: Sender) -> None:  # type: ignore[override]  # test() admits senders only
        """Change ``sender``."""

    def test(self, link: Link) -> bool:
        return bool(link.is_sender)


class ReceiverOption(LinkOption):
    """An option only for receivers."""

    def apply(self, receiver: Receiver) -> None:  # type: ignore[override]  # test() admits receivers only
        """Change ``receiver``."""

    def test(self, link: Link) -> bool:
        return bool(link.is_receiver)


class DynamicNodeProperties(LinkOption):
    """Properties for a node the peer creates on demand (dynamic source or target).

    :param props: the properties (str keys become symbols).
    """

    def __init__(self, props: Dict[Any, Any] = {}) -> None:  # noqa: B006 - same signature as python-qpid-proton
        self.properties = {symbol(k) if not isinstance(k, symbol) else k: v for k, v in props.items()}

    def apply(self, link: Link) -> None:
        terminus = link.source if link.is_receiver else link.target
        terminus.properties.put_dict(self.properties)


class Filter(ReceiverOption):
    """A filter set for the receiver's source.

    :param filter_set: filter name (symbol) to filter (usually a :class:`Described`).
    """

    def __init__(self, filter_set: Dict[symbol, Described] = {}) -> None:  # noqa: B006
        self.filter_set = filter_set

    def apply(self, receiver: Receiver) -> None:  # type: ignore[override]  # test() admits receivers only
        receiver.source.filter.put_dict(self.filter_set)


class Selector(Filter):
    """A JMS-style message selector, e.g. ``Selector("colour = 'red' AND size > 3")``.

    :param value: the selector expression.
    :param name: the filter's name in the filter set.
    """

    def __init__(self, value: str, name: str = "selector") -> None:
        super().__init__({symbol(name): Described(symbol("apache.org:selector-filter:string"), value)})


class DurableSubscription(ReceiverOption):
    """Ask for a subscription that survives detach: durable deliveries, never expires."""

    def apply(self, receiver: Receiver) -> None:  # type: ignore[override]  # test() admits receivers only
        receiver.source.durability = Terminus.DELIVERIES
        receiver.source.expiry_policy = Terminus.EXPIRE_NEVER


class Move(ReceiverOption):
    """Take messages off the source (the default for queues)."""

    def apply(self, receiver: Receiver) -> None:  # type: ignore[override]  # test() admits receivers only
        receiver.source.distribution_mode = Terminus.DIST_MODE_MOVE


class Copy(ReceiverOption):
    """Browse: receive copies, leaving the messages on the source."""

    def apply(self, receiver: Receiver) -> None:  # type: ignore[override]  # test() admits receivers only
        receiver.source.distribution_mode = Terminus.DIST_MODE_COPY


def _apply_link_options(options: Any, link: Link) -> None:
    if not options:
        return
    for option in options if isinstance(options, list) else [options]:
        if option.test(link):
            option.apply(link)


# connect() keywords that go into the connection's open frame as they are
_OPEN_FRAME_KEYWORDS = ("offered_capabilities", "desired_capabilities", "properties")
#: How long an accepted connection may take to send its AMQP open (seconds), unless the container
#: or :meth:`Container.listen` says otherwise.
DEFAULT_HANDSHAKE_TIMEOUT = 10.0
_CONTAINER_DEFAULT: Any = object()

# connect() keywords for which the container's attribute of the same name is the default
_CONTAINER_DEFAULTED_KEYWORDS = ("allow_insecure_mechs", "allowed_mechs", "sasl_enabled", "user", "password")


# -- transactions -------------------------------------------------------------------------------

class Transaction:
    """A local transaction on a connection (see :meth:`Container.declare_transaction`).

    :meth:`send` and :meth:`accept` work inside it; :meth:`commit` or :meth:`abort` ends it. The
    outcome arrives at ``handler`` as ``on_transaction_committed`` / ``aborted`` / ``commit_failed``.
    """

    # AMQP descriptors: the coordinator's two requests, and the delivery state that puts a
    # transfer or a disposition inside a transaction.
    _DECLARE = symbol("amqp:declare:list")
    _DISCHARGE = symbol("amqp:discharge:list")
    _TRANSACTIONAL_STATE = 0x34
    # (asked to roll back, the coordinator rejected the discharge) -> what the handler hears
    _DISCHARGE_NEWS = {(False, False): "on_transaction_committed", (False, True): "on_transaction_commit_failed",
                       (True, False): "on_transaction_aborted"}

    def __init__(self, txn_ctrl: Sender, handler: TransactionHandler, settle_before_discharge: bool = False) -> None:
        self.txn_ctrl = txn_ctrl
        self.handler = handler
        self.settle_before_discharge = settle_before_discharge
        self.id: Any = None
        self.failed = False
        self._declare: Optional[Delivery] = None
        self._discharge: Optional[Delivery] = None
        self._pending: List[Delivery] = []   # accepted inside, settled by the outcome
        self.declare()

    def commit(self) -> None:
        """Commit the transaction."""
        self.discharge(False)

    def abort(self) -> None:
        """Roll the transaction back."""
        self.discharge(True)

    def declare(self) -> None:
        """Ask the peer's coordinator for a transaction id."""
        self._declare = self._request(self._DECLARE, [None])

    def discharge(self, failed: bool) -> None:
        """End the transaction: roll back when ``failed``, else commit."""
        self.failed = failed
        self._discharge = self._request(self._DISCHARGE, [self.id, failed])

    def _request(self, descriptor: symbol, fields: List[Any]) -> Delivery:
        request = self.txn_ctrl.send(Message(body=Described(descriptor, fields)))
        request.transaction = self
        return request

    def _enlist(self, delivery: Delivery, outcome: Optional[int] = None) -> None:
        # transactional-state: [txn-id] for a transfer, [txn-id, outcome] for a disposition
        state: List[Any] = [self.id]
        if outcome:
            state.append(Described(ulong(outcome), []))
        delivery.local.data = state
        delivery.update(self._TRANSACTIONAL_STATE)

    def send(self, sender: Sender, msg: Message, tag: Optional[str] = None) -> Delivery:
        """Send ``msg`` on ``sender`` as part of this transaction."""
        delivery = sender.send(msg, tag=tag)
        self._enlist(delivery)
        return delivery

    def accept(self, delivery: Delivery) -> None:
        """Accept a received ``delivery`` as part of this transaction."""
        self.update(delivery, Delivery.ACCEPTED)
        if not self.settle_before_discharge:
            self._pending.append(delivery)
            return
        delivery.settle()

    def update(self, delivery: Delivery, state: Optional[Union[int, ulong]] = None) -> None:
        """Set ``delivery``'s outcome to ``state`` inside this transaction."""
        if state:
            self._enlist(delivery, state)

    def handle_outcome(self, event: Event) -> None:
        """Called with the coordinator's answer to a declare or discharge."""
        answer = event.delivery
        if answer == self._declare:
            self._declared(event, answer)
        elif answer == self._discharge:
            self._discharged(event, answer)

    def _declared(self, event: Event, answer: Delivery) -> None:
        granted = answer.remote.data
        if granted:
            self.id = granted[0]
            self.handler.on_transaction_declared(event)
            return
        if answer.remote_state != Delivery.REJECTED:
            _logger.warning("Unexpected outcome for declare: %s", answer.remote_state)
        self.handler.on_transaction_declare_failed(event)

    def _discharged(self, event: Event, answer: Delivery) -> None:
        rejected = answer.remote_state == Delivery.REJECTED
        news = self._DISCHARGE_NEWS.get((self.failed, rejected))
        if news is not None:
            getattr(self.handler, news)(event)
        undone = self._pending if self.failed != rejected else []
        self._pending = []
        for delivery in undone:   # their accepts were rolled back: give the messages back
            delivery.update(Delivery.RELEASED)
            delivery.settle()


class _TransactionControlHandler(OutgoingMessageHandler):
    """Handles the coordinator link of a connection: routes declare/discharge outcomes."""

    def __init__(self, handler: Any) -> None:
        super().__init__(auto_settle=True)
        self._user_handler = handler

    def on_settled(self, event: Event) -> None:
        transaction = getattr(event.delivery, "transaction", None)
        if transaction is not None:
            event.transaction = transaction
            transaction.handle_outcome(event)

    def on_unhandled(self, method: str, *args: Any) -> None:
        if self._user_handler and args:
            args[0].dispatch(self._user_handler)


# -- connecting and reconnecting ----------------------------------------------------------------

class Urls:
    """The list of URLs a connection tries in turn."""

    def __init__(self, values: Sequence[Union[Url, str]]) -> None:
        self.values = [Url(v) for v in values]

    def __iter__(self) -> Iterator[Url]:
        return iter(self.values)


def _restartable(reconnect: Any) -> Any:
    """python-qpid-proton's two reconnect protocols: an object with ``reset()`` and ``next()`` (the old
    one) becomes an iterable that restarts from the top each time; anything else is iterated as it is.

    Our :class:`Backoff` has a ``reset()`` of its own (an extension), which must not make a subclass
    that defines ``next()`` look old-style: only a ``reset`` the subclass defines itself counts."""
    if isinstance(reconnect, Backoff) and type(reconnect).reset is Backoff.reset:
        return reconnect
    if hasattr(reconnect, "reset") and hasattr(reconnect, "next"):
        class _Restart:
            def __iter__(self) -> Any:
                reconnect.reset()
                return self

            def __next__(self) -> Any:
                return reconnect.next()
        return _Restart()
    return reconnect


class _SessionPerConnection:
    """Links made by the container share one session per connection.

    The session is found again through a mark in its own attributes rather than kept here: this
    object lives in the connection's engine record, and a reference from it to the session would
    keep connection and session alive for ever (a cycle the garbage collector cannot see).
    """

    def session(self, connection: Connection) -> Session:
        session = connection.session_head(0)
        while session is not None:
            if getattr(session, "_container_default", False) and not session.state & Endpoint.LOCAL_CLOSED:
                return session
            session = session.next(0)
        session = connection.session()
        session._container_default = True
        session.open()
        return session


class _UnsettledLog:
    """What a sender of a ``connect(..., resend_unsettled=True)`` connection sent and the peer has not
    settled yet: (delivery, encoded message) in the order sent. The compiled send path adds to it
    (:meth:`add`); after a lost connection :func:`_resend_unsettled` sends the rest again."""

    __slots__ = ("entries",)

    def __init__(self) -> None:
        self.entries: Deque[Tuple[Delivery, bytes]] = collections.deque()

    def add(self, delivery: Delivery, data: bytes) -> None:
        entries = self.entries
        # outcomes mostly come in the order of the sends: dropping finished ones from the front keeps
        # the log about as long as the number of messages in flight
        while entries and _finished(entries[0][0]):
            entries.popleft()
        entries.append((delivery, data))

    def take(self) -> List[Tuple[Delivery, bytes]]:
        pending = [entry for entry in self.entries if not _finished(entry[0])]
        self.entries.clear()
        return pending


_OUTCOMES = (Delivery.ACCEPTED, Delivery.REJECTED, Delivery.RELEASED, Delivery.MODIFIED)


def _finished(delivery: Delivery) -> bool:
    return bool(delivery.settled or delivery.remote_state in _OUTCOMES)


def _resend_unsettled(connection: Connection) -> int:
    """Send again, on each of ``connection``'s senders, every message the peer had not settled when the
    transport was lost: new deliveries with the same bytes, queued on the (now unbound) link so that they
    go out, in their first order, once the next transport has attached the link and has credit. The
    deliveries made on the lost transport are aborted (the engine forgets them without sending
    anything). Returns how many were queued again."""
    queued = 0
    link = connection.link_head(Endpoint.LOCAL_ACTIVE)
    while link is not None:
        log = link.__dict__.get("_unsettled_log") if link.is_sender else None
        if log is not None:
            for old, data in log.take():
                original = old.__dict__.get("resent_from")
                if original is None:
                    original = old
                carried = dict(old.__dict__)
                old.abort()
                new = link.delivery(link.delivery_tag())  # type: ignore[attr-defined]  # a sender's
                link.stream(data)
                link.advance()
                new.__dict__.update(carried)
                new.resent_from = original
                log.entries.append((new, data))
                queued += 1
        link = link.next(Endpoint.LOCAL_ACTIVE)
    return queued


class _Connector(Handler):
    """Makes (and remakes) the transport and socket of a connection from :meth:`Container.connect`.

    Container.connect() fills in the settings below; the class attributes are their defaults.
    """

    address: Optional[Urls] = None
    heartbeat: Optional[float] = None
    reconnect: Any = None
    ssl_domain: Optional[SSLDomain] = None
    sasl_enabled = True
    allow_insecure_mechs = True
    allowed_mechs: Optional[str] = None
    user: Optional[str] = None
    password: Optional[str] = None
    virtual_host: Optional[str] = None
    ssl_sni: Optional[str] = None
    max_frame_size: Optional[int] = None
    #: Seconds an attempt may take from the connect to the peer's AMQP open (None: the heartbeat, when
    #: there is one; 0: no limit). A node that hangs without closing (paused, overloaded, a half-open
    #: path) is given up after this long, and the next URL is tried.
    handshake_timeout: Optional[float] = None
    resend_unsettled = False

    def __init__(self, container: Container, connection: Connection) -> None:
        # A weak reference: the connector lives in the connection's engine record, which the garbage
        # collector cannot see into, so a strong one would keep the container alive for ever.
        self.container = weakref.proxy(container)
        self.connection: Optional[Connection] = connection
        self._attempts: Optional[Iterator[Tuple[float, Url]]] = None
        self._next_url: Optional[Url] = None
        self._waiting: Optional[Task] = None   # the timer of a reconnect waiting for its delay

    def _plan(self, first: bool) -> None:
        urls = list(self.address or [])
        if self.reconnect is None:
            delays: Any = delay_iter()
        elif self.reconnect is False:
            delays = delay_iter(max_tries=1) if first else None
        else:
            delays = self.reconnect
            if not first and isinstance(delays, Backoff) and delays.kwargs.get("max_tries") is None:
                # Connected again: the next failure starts from the plan's first delay (0, at once).
                # python-qpid-proton goes on with the sequence, so after a few failovers every one of
                # them waits max_delay before its first attempt. A plan with max_tries keeps counting
                # (that budget is for the connection's life, as in python-qpid-proton).
                delays.reset()
        self._attempts = None if delays is None else ((d, u) for d in delays for u in urls)

    def _open_transport(self, connection: Connection, url: Url) -> None:
        connection.url = url
        if self.virtual_host is None:
            connection.hostname = url.host
        _logger.info("Connecting to %s:%s", url.host, url.port)
        transport = Transport()
        if self.sasl_enabled:
            self._prepare_sasl(transport.sasl(), connection, url)
        transport.bind(connection)
        if self.heartbeat:
            transport.idle_timeout = self.heartbeat
        if self.max_frame_size:
            transport.max_frame_size = self.max_frame_size
        if url.scheme == "amqps":
            self._start_tls(transport, url)
        # the socket is opened when the bound event is dispatched, as in python-qpid-proton: after
        # whatever was queued before (on_start making a listener, say)

    def _prepare_sasl(self, sasl: Any, connection: Connection, url: Url) -> None:
        sasl.allow_insecure_mechs = self.allow_insecure_mechs
        if self.allowed_mechs:
            sasl.allowed_mechs(self.allowed_mechs)
        # credentials in the URL win over connect()'s user= and password=
        for field, value in (("user", url.username or self.user), ("password", url.password or self.password)):
            if value:
                setattr(connection, field, value)

    def _start_tls(self, transport: Transport, url: Url) -> None:
        domain = self.ssl_domain
        if not domain and self.container.ssl is not None:
            domain = self.container.ssl.client
        if not domain:
            raise SSLUnavailable("amqps: SSL libraries not found")
        SSL(transport, domain).peer_hostname = self.ssl_sni or self.virtual_host or url.host

    def on_connection_local_open(self, event: Event) -> None:
        if event.connection.transport is not None:
            return
        self._plan(first=True)
        assert self._attempts is not None
        _, url = next(self._attempts)
        self._open_transport(event.connection, url)

    def on_connection_remote_open(self, event: Event) -> None:
        _logger.info("Connected to %s", event.connection.hostname)
        self._plan(first=False)

    def _retry(self, connection: Connection, transport: Optional[Transport]) -> Optional[Tuple[float, Url]]:
        """The next (delay, url) to try after a lost transport, or None (and why, in the log)."""
        if not connection.state & Endpoint.LOCAL_ACTIVE:
            reason = "already closed"
        elif self._attempts is None:
            reason = "reconnect disabled"
        else:
            if transport is not None and transport.connection is not None:
                transport.unbind()
            attempt = next(self._attempts, None)
            if attempt is not None:
                return attempt
            reason = "giving up"
        _logger.info("Disconnected, %s", reason)
        return None

    def on_transport_closed(self, event: Event) -> None:
        connection = self.connection
        if connection is None:
            return
        attempt = self._retry(connection, event.transport)
        if attempt is None:
            self.connection = None
            return
        delay, url = attempt
        if self.resend_unsettled:
            resent = _resend_unsettled(connection)
            if resent:
                _logger.info("Disconnected, %d unsettled messages queued to be sent again", resent)
        if delay:
            _logger.info("Disconnected, reconnecting in %s seconds", delay)
            self._next_url = url
            self._waiting = self.container.schedule(delay, self)
        else:
            _logger.info("Disconnected, reconnecting now")
            self._open_transport(connection, url)

    def on_connection_local_close(self, event: Event) -> None:
        # Closed by the application while a reconnect waits for its delay: call the reconnect off, so
        # that the container (BlockingConnection.close(), run()) neither waits for the timer nor then opens
        # a socket for a connection nobody wants any more.
        if self._waiting is not None:
            self._waiting.cancel()
            self._waiting = None
            self._next_url = None
            self.connection = None

    def on_timer_task(self, event: Event) -> None:
        url, self._next_url = self._next_url, None
        self._waiting = None
        connection = self.connection
        if url is None or connection is None:
            return
        if not connection.state & Endpoint.LOCAL_ACTIVE:
            self.connection = None
            return
        self._open_transport(connection, url)


class SSLConfig:
    """A container's default TLS settings: one client and one server domain.

    Each domain is made when first used: making one costs tens of milliseconds (the TLS library
    loads its algorithms and the system's trusted certificates), which a container that never
    speaks TLS, or a BlockingConnection opened per request, should not pay.

    :raise SSLUnavailable: when this build has no TLS support.
    """

    def __init__(self) -> None:
        if not SSL.present():
            raise SSLUnavailable("TLS is not available in this build of cyproton")
        self._client: Optional[SSLDomain] = None
        self._server: Optional[SSLDomain] = None

    @property
    def client(self) -> SSLDomain:
        """The domain of connections made with an ``amqps`` URL and no ``ssl_domain``."""
        if self._client is None:
            self._client = SSLDomain(SSLDomain.MODE_CLIENT)
        return self._client

    @client.setter
    def client(self, domain: SSLDomain) -> None:
        self._client = domain

    @property
    def server(self) -> SSLDomain:
        """The domain of listeners on an ``amqps`` URL and no ``ssl_domain``."""
        if self._server is None:
            self._server = SSLDomain(SSLDomain.MODE_SERVER)
        return self._server

    @server.setter
    def server(self, domain: SSLDomain) -> None:
        self._server = domain

    def set_credentials(self, cert_file: str, key_file: str, password: Optional[str]) -> None:
        self.client.set_credentials(cert_file, key_file, password)
        self.server.set_credentials(cert_file, key_file, password)

    def set_trusted_ca_db(self, certificate_db: str) -> None:
        self.client.set_trusted_ca_db(certificate_db)
        self.server.set_trusted_ca_db(certificate_db)


def _handshake_limit(connection: Connection) -> float:
    """How long a client connection's attempt may take to get the peer's open (seconds; 0: no limit):
    connect(handshake_timeout=...) when given, else its heartbeat (a peer silent that long is given
    up on once connected, so it is given up on while connecting too), else none, as in
    python-qpid-proton."""
    connector = getattr(connection, "_overrides", None)
    if connector is None:
        return 0.0
    limit = connector.handshake_timeout
    if limit is None:
        limit = connector.heartbeat
    return float(limit or 0)


def _default_port(scheme: str) -> int:
    return 5671 if scheme == "amqps" else 5672


def _plain_property(attribute: str, doc: str) -> property:
    """A read-write property kept in ``attribute`` of the instance."""
    return property(lambda self: getattr(self, attribute), lambda self, value: setattr(self, attribute, value),
                    doc=doc)


# -- the container ------------------------------------------------------------------------------

class Reactor(_cproton.CReactor):
    """The event loop: dispatches events to handlers, runs timers, waits for I/O.

    :param handlers: handlers for events no connection or link handler claims.
    """

    def __init__(self, *handlers: Any, **kwargs: Any) -> None:
        self._set_collector(Collector())
        self._handler = Handler()
        self.global_handler = IOHandler()
        self.errors: List[Tuple[Type[BaseException], BaseException, TracebackType]] = []
        for handler in handlers:
            self._handler.add(handler, on_error=self.on_error)

    def on_error(self, info: Tuple[Type[BaseException], BaseException, TracebackType]) -> None:
        """Record a handler failure (python-qpid-proton compatibility); the loop yields."""
        self.errors.append(info)
        self.yield_()

    handler = _plain_property("_handler", "The default handler for events.")

    @property
    def global_handler(self) -> Any:
        """The handler that sees every event after the regular one, and does the I/O (see
        :class:`proton.handlers.IOHandler`)."""
        return self._global

    @global_handler.setter
    def global_handler(self, handler: Any) -> None:
        native = _is_native(handler)
        base = handler.base if type(handler) is _GlobalOverrides else handler
        self._set_global(handler, base if native else None, native,
                         base if type(handler) is _GlobalOverrides else None)

    @property
    def timeout(self) -> float:
        """How long :meth:`process` may wait for I/O, in seconds."""
        return self._timeout

    @timeout.setter
    def timeout(self, secs: float) -> None:
        self._timeout = float(secs or 0)

    @property
    def quiesced(self) -> bool:
        """Whether no events are waiting to be dispatched."""
        # quiet: nothing queued, or only the loop's own "nothing happened" event
        head = self._collector.peek()
        return head is None or (head.type is Event.REACTOR_QUIESCED and not self._collector.more())

    def run(self) -> None:
        """Run until there is nothing left to do (no connections, listeners, timers) or :meth:`stop`."""
        self.timeout = 3.14159265359
        self.start()
        try:
            while self.process():
                pass
            self.stop()
            self.process()
        finally:
            self._shutdown_io()
            # As python-qpid-proton does: let go of the handlers, so that nothing they refer to
            # (connections, links) keeps the container alive after run().
            self._set_global(None, None, self._native_io)
            self._handler = None
            # The loop has ended: its epoll and wake-up descriptors go now, not when the container
            # is collected (they are made again should the container be used once more).
            self._release_loop()

    def start(self) -> None:
        """Queue the ``on_reactor_init`` (``on_start``) event; with selectable I/O, also announce
        the selectable that stands for the timers."""
        self._start()
        if not self._native_io:
            selectable = self._timer_selectable = TimerSelectable(self)  # type: ignore[arg-type]  # a Container
            selectable.deadline = self.timer_deadline
            self.update(selectable)

    def stop(self) -> None:
        """End :meth:`run` once the pending events are dispatched."""
        self._request_stop()
        self.wakeup()
        if self.errors:
            exc, value, tb = self.errors[-1]
            raise (value or exc()).with_traceback(tb)

    def stop_events(self) -> None:
        """Drop pending events and collect no more."""
        self._collector.release()

    def schedule(self, delay: Union[float, int], handler: Any) -> Task:
        """Send ``on_timer_task`` to ``handler`` after ``delay`` seconds; returns a cancellable Task."""
        task = Task(self, 0.0, handler)
        self._schedule_task(delay, task)
        selectable = self._timer_selectable
        if selectable is not None:
            selectable.deadline = self._first_deadline
            self.update(selectable)
        return task

    @property
    def timer_deadline(self) -> Optional[float]:
        """When the next timer is due (seconds, on the clock of :attr:`now`), or None."""
        return self._next_deadline()  # type: ignore[no-any-return]

    def timer_tick(self) -> None:
        """Queue ``on_timer_task`` events for the timers that are due (the loop does this itself)."""
        self._fire_due_timers()

    def acceptor(self, host: Optional[str], port: Union[str, Url.Port], handler: Optional[Handler] = None) -> Acceptor:
        """Listen on ``host``:``port``; clients are handled by ``handler`` (or the container's)."""
        return Acceptor(self, host, int(port), handler)  # type: ignore[arg-type]

    def connection(self, handler: Optional[Handler] = None) -> Connection:
        """A new connection collected by this container (not yet connected anywhere)."""
        conn = Connection()
        if handler is not None:
            conn.handler = handler
        conn.collect(self._collector)
        return conn

    def connection_to_host(self, host: str, port: Union[int, str], handler: Optional[Handler] = None) -> Connection:
        """A new connection that will connect to ``host``:``port`` when opened."""
        conn = self.connection(handler)
        self.set_connection_host(conn, host, port)
        return conn

    def set_connection_host(self, connection: Connection, host: str, port: Union[int, str]) -> None:
        """Where ``connection`` connects when opened."""
        connection.url = Url(host=host, port=int(port))

    def get_connection_address(self, connection: Connection) -> Optional[str]:
        """The address ``connection`` was made to, as text."""
        return connection.connected_address

    def selectable(self, handler: Any = None, delegate: Any = None) -> Selectable:
        """A selectable for ``delegate`` (default: ``handler``, e.g. an :class:`EventInjector`) whose
        events go to ``handler``; the I/O handler watches it once it is reading or writing."""
        # (the Reactor is always a Container)
        selectable = Selectable(handler if delegate is None else delegate, self)  # type: ignore[arg-type]
        selectable.handler = handler
        return selectable

    def update(self, selectable: Selectable) -> None:
        """Announce a selectable's new reading/writing/deadline settings."""
        selectable.update()

    def do_work(self, timeout: Optional[float] = None) -> bool:
        """One :meth:`process` step, waiting at most ``timeout`` seconds."""
        if timeout:
            self.timeout = timeout
        return self.process()  # type: ignore[no-any-return]

    # -- what the I/O handler does for connections, with native I/O called by the loop -------------

    def _address_of(self, connection: Connection) -> Tuple[str, int]:
        """Where a client connection goes: its url (or hostname); credentials in the url are used
        when the connection has no user of its own."""
        url = connection.url
        if not isinstance(url, Url):
            url = Url(url or connection.hostname or "localhost")
        if not connection.user and url.username:
            connection.user = url.username
            if url.password:
                connection.password = url.password
        port = url.port
        return url.host or "localhost", (5671 if url.scheme == "amqps" else 5672) if port in (None, "") else int(port)

    def _open_plain(self, event: Event) -> None:
        """A connection opened without connect() gets a transport (python-qpid-proton's
        connection_to_host behaviour); its socket follows when the transport is bound."""
        conn = event.connection
        if conn.transport is None and conn.state & Endpoint.REMOTE_UNINIT:
            Transport().bind_nothrow(conn)

    def _connection_bound(self, event: Event) -> None:
        """A client connection's transport was bound: open its socket (native I/O)."""
        connection = event.connection
        if getattr(connection, "_acceptor", None) is not None:
            return
        host, port = self._address_of(connection)
        self._connect_transport(event.transport, host, port, False, _handshake_limit(connection))


class Container(Reactor):
    """The event loop plus factories for connections and links: the centre of an application.

    ::

        class Hello(MessagingHandler):
            def on_start(self, event):
                conn = event.container.connect("amqp://localhost:5672")
                event.container.create_sender(conn, "examples")
            ...
        Container(Hello()).run()

    :param handlers: the handlers for events (usually one MessagingHandler).
    :param container_id: the container id announced on connections (a UUID when omitted).
    """

    def __init__(self, *handlers: Any, **kwargs: Any) -> None:
        super().__init__(*handlers, **kwargs)
        try:
            self.ssl: Optional[SSLConfig] = SSLConfig()
        except SSLUnavailable:
            self.ssl = None
        self.global_handler = _GlobalOverrides(kwargs.get("global_handler", self.global_handler))
        self.trigger = None
        self.container_id = kwargs.get("container_id", str(_generate_uuid()))
        self.allow_insecure_mechs = True
        self.allowed_mechs: Optional[str] = None
        self.sasl_enabled = True
        self.user: Optional[str] = None
        self.password: Optional[str] = None
        #: Seconds an accepted connection may take from the accept to the peer's AMQP open (through
        #: TLS and SASL) before it is closed with ``amqp:resource-limit-exceeded``; None or 0: no limit
        #: (python-qpid-proton has none). The default for :meth:`listen`.
        self.handshake_timeout: Optional[float] = DEFAULT_HANDSHAKE_TIMEOUT

    # -- connections ------------------------------------------------------------------------------

    def connect(self, url: Optional[Union[str, Url]] = None, urls: Optional[List[str]] = None,
                address: Optional[str] = None, handler: Optional[Handler] = None,
                reconnect: Union[None, bool, Backoff] = None, heartbeat: Optional[float] = None,
                ssl_domain: Optional[SSLDomain] = None, **kwargs: Unpack[ConnectOptions]) -> Connection:
        """Open a connection to ``url`` (or to each of ``urls`` in turn on failure).

        With no url at all, the connection configuration file decides (see the README).
        Keywords: ``reconnect`` (None: reconnect with the default backoff; False: never; or a
        :class:`Backoff`), ``heartbeat`` (idle timeout, seconds), ``ssl_domain``, ``sasl_enabled``,
        ``allowed_mechs``, ``allow_insecure_mechs``, ``user``, ``password``, ``virtual_host``,
        ``sni``, ``max_frame_size``, ``offered_capabilities``, ``desired_capabilities``,
        ``properties``, ``container_id``, and cyproton's ``resend_unsettled`` and ``handshake_timeout``.

        ``handshake_timeout`` (seconds, a cyproton extension): how long an attempt may take from the
        connect to the peer's AMQP open. It defaults to the heartbeat: a peer that says nothing for
        that long is dropped once connected, and is given up on while connecting too, so a node that
        hangs without closing (a paused broker accepts TCP but never answers) makes the connector try
        the next URL. 0 turns it off; with no heartbeat there is no limit, as in python-qpid-proton.

        ``resend_unsettled=True`` (a cyproton extension) makes failover at-least-once without
        application code: when the transport is lost and a reconnect follows, every message sent with
        ``sender.send()`` on a sender this container opened on the connection, and not yet settled by
        the peer, is sent again on the new transport (in its first order, before anything sent later)
        as a new delivery. That delivery carries the attributes the application set on the first one,
        plus ``resent_from``: the delivery ``send()`` returned. Outcomes (``on_accepted`` ...) arrive
        for the new delivery. The peer may have taken a message whose outcome was lost with the
        connection: it then has it twice (a duplicate). Do not also resend in ``on_disconnected``.
        """
        if not url and not urls and not address:
            # As in python-qpid-proton: with no address at all, the configuration file decides;
            # ``address`` alone is not a url (and _connect says so with ValueError).
            from ._reconnect import connect_arguments_from_config
            settings = connect_arguments_from_config()
            return self._connect_from_config(settings, handler, reconnect, heartbeat, kwargs)
        return self._connect(url=url, urls=urls, handler=handler, reconnect=reconnect,
                             heartbeat=heartbeat, ssl_domain=ssl_domain, **kwargs)

    def _connect_from_config(self, settings: Dict[str, Any], handler: Any, reconnect: Any, heartbeat: Any,
                             kwargs: Mapping[str, Any]) -> Connection:
        options = dict(kwargs)
        options.update(settings.get("connect_kwargs", {}))
        ssl_domain = None
        tls = settings.get("tls")
        if tls is not None:
            ssl_domain = SSLDomain(SSLDomain.MODE_CLIENT)
            if tls.get("ca"):
                ssl_domain.set_trusted_ca_db(str(tls["ca"]))
            if not tls.get("verify", True):
                ssl_domain.set_peer_authentication(SSLDomain.ANONYMOUS_PEER, None)
            if tls.get("cert") and tls.get("key"):
                ssl_domain.set_credentials(str(tls["cert"]), str(tls["key"]), None)
        return self._connect(url=settings["url"], handler=handler, reconnect=reconnect, heartbeat=heartbeat,
                             ssl_domain=ssl_domain, **options)

    def _connect(self, url: Optional[Union[str, Url]] = None, urls: Optional[List[str]] = None,
                 handler: Optional[Handler] = None, reconnect: Any = None, heartbeat: Optional[float] = None,
                 ssl_domain: Optional[SSLDomain] = None, **kwargs: Any) -> Connection:
        addresses = [url] if url else list(urls or ())
        if not addresses:
            raise ValueError("One of url or urls required")
        conn = self.connection(handler)
        conn.container = kwargs.get("container_id", self.container_id) or str(_generate_uuid())
        for name in _OPEN_FRAME_KEYWORDS:
            setattr(conn, name, kwargs.get(name))
        connector = _Connector(self, conn)
        for name in _CONTAINER_DEFAULTED_KEYWORDS:
            setattr(connector, name, kwargs.get(name, getattr(self, name)))
        connector.ssl_sni = kwargs.get("sni")
        connector.max_frame_size = kwargs.get("max_frame_size")
        connector.handshake_timeout = kwargs.get("handshake_timeout")
        connector.virtual_host = kwargs.get("virtual_host")
        connector.resend_unsettled = bool(kwargs.get("resend_unsettled", False))
        if connector.virtual_host:   # an empty one keeps the host of the URL
            conn.hostname = connector.virtual_host
        connector.address = Urls(addresses)
        connector.heartbeat = heartbeat or connector.heartbeat
        connector.reconnect = _restartable(reconnect)
        # amqps URLs without a domain of their own use the container's client domain (looked up
        # only then, see _Connector._start_tls: it is made on first use)
        connector.ssl_domain = ssl_domain
        conn._overrides = connector
        conn._session_policy = _SessionPerConnection()
        conn.open()
        return conn

    def listen(self, url: Union[str, Url], ssl_domain: Optional[SSLDomain] = None, *,
               handshake_timeout: Any = _CONTAINER_DEFAULT, idle_timeout: Optional[float] = None) -> Acceptor:
        """Accept AMQP connections on the host and port of ``url`` (port 0: any free port).

        :param ssl_domain: TLS settings for accepted connections (amqps URLs without one use the
            container's server domain).
        :param handshake_timeout: seconds from the accept until the peer's AMQP open must have come
            (silent peers, and peers that dribble their handshake, are closed with
            ``amqp:resource-limit-exceeded``); None or 0 for no limit; by default
            :attr:`handshake_timeout` of the container (10 seconds unless changed).
        :param idle_timeout: the idle timeout (seconds) of every accepted connection: a peer that
            sends nothing for that long is dropped, and peers are asked for heartbeats at half of it.
        """
        url = Url(url)
        acceptor = self.acceptor(url.host, url.port)
        if handshake_timeout is not _CONTAINER_DEFAULT:
            acceptor.handshake_timeout = handshake_timeout
        acceptor.idle_timeout = idle_timeout
        ssl_config = ssl_domain
        if not ssl_config and url.scheme == "amqps":
            if self.ssl is None:
                raise SSLUnavailable("amqps: SSL libraries not found")
            ssl_config = self.ssl.server
        if ssl_config:
            acceptor.set_ssl_domain(ssl_config)
        return acceptor

    # -- links --------------------------------------------------------------------------------------

    def _link_name(self, container: Optional[str], remote: Optional[str], local: Optional[str]) -> str:
        parts = [p for p in (remote, local) if p]
        if not parts:
            parts = [str(_generate_uuid())]
        return "-".join([container or "", *parts])

    def _session_for(self, context: Any) -> Session:
        """The session a new link on ``context`` goes into: a session is used as it is, a URL is
        connected to first, and a connection's session policy (if it has one) picks or opens one."""
        if isinstance(context, Session):
            return context
        if isinstance(context, Url):
            context = self.connect(url=context)
        policy = getattr(context, "_session_policy", None)
        if policy is not None:
            return policy.session(context)  # type: ignore[no-any-return]
        session = context.session()
        if isinstance(context, Connection):
            session.open()
        return session  # type: ignore[no-any-return]

    def _open_link(self, context: Union[str, Url, Connection], sending: bool, peer_node: Optional[str],
                   own_node: Optional[str], name: Optional[str], handler: Optional[Handler], options: Any,
                   dynamic: bool = False, tags: Optional[Callable[[], bytes]] = None) -> Link:
        # ``peer_node`` is the far end's address (a sender's target, a receiver's source); a URL's
        # path stands in for it when it is not given.
        if isinstance(context, str):
            context = Url(context)
        if not peer_node and isinstance(context, Url):
            peer_node = context.path
        session = self._session_for(context)
        link_name = name or self._link_name(session.connection.container, peer_node, own_node)
        link = session.sender(link_name) if sending else session.receiver(link_name)
        far, near = (link.target, link.source) if sending else (link.source, link.target)
        for terminus, address in ((far, peer_node), (near, own_node)):
            if address:
                terminus.address = address
        if dynamic:
            far.dynamic = True
        if tags:
            link.tag_generator = tags  # type: ignore[union-attr]  # a sender's: tags are given only for senders
        if handler is not None:
            link.handler = handler
        if sending and getattr(getattr(session.connection, "_overrides", None), "resend_unsettled", False):
            link._unsettled_log = _UnsettledLog()  # type: ignore[union-attr]  # a sender's
        _apply_link_options(options, link)
        link.open()
        return link

    def create_sender(self, context: Union[str, Url, Connection], target: Optional[str] = None,
                      source: Optional[str] = None, name: Optional[str] = None, handler: Optional[Handler] = None,
                      tags: Optional[Callable[[], bytes]] = None, options: Any = None) -> Sender:
        """Open a sender on ``context`` (a connection, or a URL whose path is the target).

        :param target: the address to send to.
        :param name: the link name (derived from the container id and addresses when omitted).
        :param tags: a delivery tag generator for the link.
        :param options: :class:`LinkOption` objects to apply.
        """
        return self._open_link(context, True, target, source, name, handler, options,  # type: ignore[return-value]
                               tags=tags)

    def create_receiver(self, context: Union[Connection, Url, str], source: Optional[str] = None,
                        target: Optional[str] = None, name: Optional[str] = None, dynamic: bool = False,
                        handler: Optional[Handler] = None, options: Any = None) -> Receiver:
        """Open a receiver on ``context`` (a connection, or a URL whose path is the source).

        :param source: the address to receive from.
        :param dynamic: ask the peer to create a temporary source node (for replies).
        :param options: :class:`LinkOption` objects to apply (selectors, browsing, durability).
        """
        return self._open_link(context, False, source, target, name, handler, options,  # type: ignore[return-value]
                               dynamic=dynamic)

    def declare_transaction(self, context: Connection, handler: Optional[TransactionHandler] = None,
                            settle_before_discharge: bool = False) -> Transaction:
        """Start a local transaction on ``context``; ``handler`` hears how it ends."""
        controller = getattr(context, "_txn_ctrl", None)
        if controller is None:
            controller = self.create_sender(context, None, name="txn-ctrl",
                                            handler=_TransactionControlHandler(handler))
            controller.target.type = Terminus.COORDINATOR
            controller.target.capabilities.put_object(symbol("amqp:local-transactions"))
            context._txn_ctrl = controller
        return Transaction(controller, handler, settle_before_discharge)  # type: ignore[arg-type]


__all__ = [
    "Acceptor", "ApplicationEvent", "AtLeastOnce", "AtMostOnce", "Backoff", "Container", "Copy",
    "DurableSubscription", "DynamicNodeProperties", "EventInjector", "Filter", "Handler", "LinkOption", "Move",
    "ReceiverOption", "Selector", "SenderOption", "Task", "Transaction", "Condition",
]
