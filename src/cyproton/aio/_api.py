# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Connections, links and deliveries as asyncio objects.

Every :func:`connect` or :func:`listen` runs one :class:`proton.reactor.Container` in selectable
mode: :class:`_LoopBridge` is its global handler and hands each selectable to the asyncio loop,
:class:`_Core` is its handler and turns engine events into future results. All of it runs on the
loop's thread; after anything that changes the engine, :meth:`_LoopBridge.kick` has the container
process once more so that frames go out.
"""

from __future__ import annotations

import asyncio
import collections
from typing import TYPE_CHECKING, Any, AsyncIterator, Awaitable, Callable, Deque, Dict, List, Optional, Set, Union

from proton import Condition, Disposition, Link, Message, _cproton
from proton.handlers import (
    IncomingMessageHandler, IOHandler, MessagingHandler, OutgoingMessageHandler, TransactionHandler,
)
from proton.reactor import Backoff, Container

from ._errors import (
    ConnectionClosed,
    DeliveryFailed,
    DeliveryModified,
    DeliveryRejected,
    DeliveryReleased,
    LinkClosed,
    TransactionFailed,
)

Event = Any

#: how many kicks (sends, settlements) a task may make before the container is processed at once
FLUSH_EVERY = 256


class _LoopBridge:
    """Global handler of a container: its selectables are watched by an asyncio loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.io = IOHandler()
        self.container: Optional[Container] = None
        self.live = 0
        self.watched: Dict[int, Any] = {}       # fd -> selectable
        self.readers: Set[int] = set()
        self.writers: Set[int] = set()
        self.finished: asyncio.Future[None] = loop.create_future()
        # the sockets of the selectables: closed at the end, which also cuts the tie the engine
        # keeps from a transport to its socket (and so to the container)
        self.sockets: List[Any] = []
        self._kicked = False
        self._ops = 0               # kicks since the last pump
        self._pumping = False

    # -- container events ------------------------------------------------------------------------
    def on_reactor_init(self, event: Event) -> None:
        self.container = event.container

    def on_reactor_quiesced(self, event: Event) -> None:
        event.container.yield_()

    def _to_io(self, event: Event) -> None:
        event.dispatch(self.io)

    # the IOHandler's part; the other events (deliveries, flow...) find no method here and cost
    # nothing on their way past
    on_connection_local_open = on_connection_bound = on_transport = on_transport_closed = _to_io
    on_selectable_readable = on_selectable_writable = on_selectable_error = on_selectable_expired = _to_io

    def on_selectable_init(self, event: Event) -> None:
        selectable = event.context
        self.live += 1
        sock = getattr(selectable, "_delegate", None)
        if isinstance(sock, _cproton.SocketConn):
            self.sockets.append(sock)
        self._watch(selectable)

    def on_selectable_updated(self, event: Event) -> None:
        self._watch(event.context)

    def on_selectable_final(self, event: Event) -> None:
        selectable = event.context
        fd = selectable.fileno()
        if fd >= 0:
            self._unwatch(fd)
        selectable.close()
        self.live -= 1
        if self.live == 0:
            self.loop.call_soon(self._finish)

    # -- the asyncio side ------------------------------------------------------------------------
    def _watch(self, selectable: Any) -> None:
        fd = selectable.fileno()
        if fd >= 0:
            self.watched[fd] = selectable
            if selectable.reading and fd not in self.readers:
                self.readers.add(fd)
                self.loop.add_reader(fd, self._ready, fd, True)
            elif not selectable.reading and fd in self.readers:
                self.readers.discard(fd)
                self.loop.remove_reader(fd)
            if selectable.writing and fd not in self.writers:
                self.writers.add(fd)
                self.loop.add_writer(fd, self._ready, fd, False)
            elif not selectable.writing and fd in self.writers:
                self.writers.discard(fd)
                self.loop.remove_writer(fd)
        deadline = selectable.deadline
        if deadline and self.container is not None:
            # the deadline is on the container's clock; call_at wants the loop's
            when = self.loop.time() + max(0.0, deadline - self.container.now)
            self.loop.call_at(when, self._expire, selectable, deadline)

    def _unwatch(self, fd: int) -> None:
        self.watched.pop(fd, None)
        if fd in self.readers:
            self.readers.discard(fd)
            self.loop.remove_reader(fd)
        if fd in self.writers:
            self.writers.discard(fd)
            self.loop.remove_writer(fd)

    def _ready(self, fd: int, reading: bool) -> None:
        selectable = self.watched.get(fd)
        if selectable is None:
            return
        if reading:
            selectable.readable()
        else:
            selectable.writable()
        self.pump()

    def _expire(self, selectable: Any, deadline: float) -> None:
        if self.container is None or selectable.deadline != deadline or selectable.is_terminal:
            return
        self.container.mark()
        selectable.expired()
        self.pump()

    def pump(self) -> None:
        self._kicked = False
        self._ops = 0
        container = self.container
        if container is None or self.finished.done() or self._pumping:
            return
        self._pumping = True
        try:
            container.process()
            # write now what is ready to go, rather than on the loop's next turn
            eager = [s for fd, s in self.watched.items() if fd in self.writers and not s.is_terminal
                     and not getattr(getattr(s, "_delegate", None), "is_connecting", True)]
            if eager:
                for selectable in eager:
                    selectable.writable()
                container.process()
        finally:
            self._pumping = False
        if not container.quiesced:
            self.kick()

    def kick(self) -> None:
        """Process the container again soon (after a change made outside an event); every
        FLUSH_EVERY kicks without a turn of the loop, at once (so that a task that goes on sending
        or accepting without waiting still has its frames go out as it works)."""
        self._ops += 1
        if self._ops >= FLUSH_EVERY and not self._pumping:
            self.pump()
        elif not self._kicked:
            self._kicked = True
            self.loop.call_soon(self.pump)

    def _finish(self) -> None:
        if self.live == 0 and not self.finished.done():
            for fd in list(self.watched):
                self._unwatch(fd)
            container, self.container = self.container, None
            if container is not None:
                container.stop()
                # what the end of Container.run() does: pending events, sockets and handlers go,
                # so that nothing of this connection keeps the container alive
                container.stop_events()
                container._shutdown_io()
                for sock in self.sockets:
                    sock.close()
                self.sockets.clear()
                container._set_global(None, None, container._native_io)
                container._handler = None
                container._release_loop()      # its own epoll and eventfd, which this loop never used
            self.finished.set_result(None)


def _fail(future: asyncio.Future[Any], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)
        future.exception()      # retrieved: nobody may be waiting any more


class _Core(MessagingHandler):
    """The container's handler: engine events become results of the aio objects' futures."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(prefetch=0, auto_accept=False, auto_settle=True, peer_close_is_error=False)
        # deliveries and flow of the aio links in C, ahead of the incoming and outgoing handlers
        # (which it calls for everything else)
        incoming, outgoing = self.handlers[-2:]
        assert isinstance(incoming, IncomingMessageHandler) and isinstance(outgoing, OutgoingMessageHandler)
        self.handlers[-2:] = [_cproton.AioFastPath(incoming, outgoing)]
        self.loop = loop
        self.bridge = _LoopBridge(loop)
        self.connections: Dict[Any, Connection] = {}
        self.links: Dict[Any, Union[Sender, Receiver]] = {}
        self.server: Optional[Server] = None

    def make(self) -> Container:
        container = Container(self, global_handler=self.bridge)
        self.bridge.container = container
        return container

    def start(self) -> None:
        """Start the container (after the first connect or listen, or it would end at once)."""
        container = self.bridge.container
        assert container is not None
        container.start()
        container.process()

    # -- connections -----------------------------------------------------------------------------
    def _conn(self, event: Event) -> Optional[Connection]:
        connection = event.connection
        if connection is None:
            return None
        found = self.connections.get(connection)
        if found is None and self.server is not None:
            found = Connection(self, connection, server=self.server)
            self.connections[connection] = found
        return found

    def on_connection_opened(self, event: Event) -> None:
        conn = self._conn(event)
        if conn is None:
            return
        if not conn._opened.done():
            conn._opened.set_result(None)
            if conn._server is not None:
                conn._server._put(conn)

    def on_connection_closing(self, event: Event) -> None:
        conn = self._conn(event)
        if conn is not None:
            conn._ended(ConnectionClosed("connection closed by the peer", event.connection.remote_condition))

    def on_connection_error(self, event: Event) -> None:
        conn = self._conn(event)
        if conn is not None:
            conn._ended(ConnectionClosed("connection closed by the peer", event.connection.remote_condition))

    def on_session_error(self, event: Event) -> None:
        session = event.session
        error = LinkClosed("session closed by the peer", session.remote_condition)
        for link, obj in list(self.links.items()):
            if link.session == session:
                obj._ended(error)

    def on_session_closing(self, event: Event) -> None:
        self.on_session_error(event)

    def on_connection_closed(self, event: Event) -> None:
        conn = self._conn(event)
        if conn is not None:
            conn._ended(ConnectionClosed("connection closed"))

    def on_transport_closed(self, event: Event) -> None:
        conn = self._conn(event)
        if conn is None:
            return
        condition = event.transport.condition if event.transport is not None else None
        if self._reconnecting(event):
            conn._lost(condition)
            return
        conn._ended(ConnectionClosed("connection lost", condition))
        conn._gone()

    def on_transport_error(self, event: Event) -> None:
        conn = self._conn(event)
        if conn is not None and not self._reconnecting(event):
            condition = event.transport.condition if event.transport is not None else None
            conn._ended(ConnectionClosed("connection failed", condition))

    def _reconnecting(self, event: Event) -> bool:
        conn = self._conn(event)
        return conn is not None and conn._reconnect and not conn._closing

    # -- links -----------------------------------------------------------------------------------
    def on_link_opening(self, event: Event) -> None:
        # a link the peer opened: MessagingHandler has opened our end; announce it
        conn = self._conn(event)
        link = event.link
        if conn is None or link in self.links:
            return
        link.source.copy(link.remote_source)
        link.target.copy(link.remote_target)
        obj: Union[Sender, Receiver]
        if link.is_sender:
            # a peer that receives at-most-once gets its messages presettled
            presettled = link.remote_snd_settle_mode == Link.SND_SETTLED
            if presettled:
                link.snd_settle_mode = Link.SND_SETTLED
            obj = Sender(conn, link, settled=presettled)
        else:
            obj = Receiver(conn, link, credit=0)     # its window is set when it is handed out
        self.links[link] = obj
        obj._opened.set_result(None)
        conn._incoming._put(obj)

    def on_link_opened(self, event: Event) -> None:
        obj = self.links.get(event.link)
        if obj is not None and not obj._opened.done():
            if event.link.remote_source.address is None and event.link.remote_target.address is None:
                return      # refused: the close follows
            obj._opened.set_result(None)

    def on_link_closing(self, event: Event) -> None:
        obj = self.links.get(event.link)
        if obj is not None:
            obj._ended(LinkClosed("link closed by the peer", event.link.remote_condition))

    def on_link_error(self, event: Event) -> None:
        self.on_link_closing(event)

    def on_link_closed(self, event: Event) -> None:
        obj = self.links.pop(event.link, None)
        if obj is not None:
            obj._ended(LinkClosed("link closed"))
            if not obj._detached.done():
                obj._detached.set_result(None)

    # Deliveries and flow of the aio links (sending on credit, outcomes, arrivals, a drain's end)
    # are AioFastPath's, in C (cython/aio.pyx): no on_sendable, on_message or outcome callback here.


class _Queue:
    """Items for waiters; :meth:`end` wakes every waiter with an exception."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.items: Deque[Any] = collections.deque()
        self.waiters: Deque[asyncio.Future[Any]] = collections.deque()
        self.error: Optional[BaseException] = None

    def _put(self, item: Any) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(item)
                return
        self.items.append(item)

    def end(self, error: BaseException) -> None:
        if self.error is None:
            self.error = error
        while self.waiters:
            _fail(self.waiters.popleft(), error)

    async def get(self, timeout: Optional[float] = None) -> Any:
        if self.items:
            return self.items.popleft()
        if self.error is not None:
            raise self.error
        waiter: asyncio.Future[Any] = self.loop.create_future()
        self.waiters.append(waiter)
        try:
            if timeout is None:
                return await waiter
            return await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except (asyncio.CancelledError, asyncio.TimeoutError):
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self.items.appendleft(waiter.result())      # handed over as we gave up: keep it
            else:
                waiter.cancel()
            raise


class Connection:
    """An AMQP connection (from :func:`connect`, or accepted by a :class:`Server`)."""

    def __init__(self, core: _Core, connection: Any, server: Optional[Server] = None,
                 reconnect: bool = False, resend: bool = False) -> None:
        self._core = core
        self._loop = core.loop
        self._connection = connection
        self._server = server
        self._reconnect = reconnect
        self._resend = resend
        self._closing = False
        self._opened: asyncio.Future[None] = self._loop.create_future()
        self._error: Optional[ConnectionClosed] = None
        self._incoming = _Queue(self._loop)
        self._links: List[Union[Sender, Receiver]] = []

    @property
    def container_id(self) -> Optional[str]:
        """The peer's container id."""
        return self._connection.remote_container  # type: ignore[no-any-return]

    @property
    def proton_connection(self) -> Any:
        """The underlying :class:`proton.Connection` (use it on the loop's thread only)."""
        return self._connection

    @property
    def closed(self) -> bool:
        return self._error is not None

    def _check(self) -> None:
        if self._error is not None:
            raise self._error

    def _ended(self, error: ConnectionClosed) -> None:
        if self._error is None:
            self._error = error
        _fail(self._opened, self._error)
        self._incoming.end(self._error)
        for link in list(self._links):
            link._ended(self._error)

    def _lost(self, condition: Optional[Condition]) -> None:
        """The transport is gone and the container reconnects. With resend_unsettled (aio's default
        then) what the peer had not settled is sent again and its futures wait for the new
        outcome; without, they fail now: whether the peer got those messages is unknown."""
        if self._resend:
            return
        error = ConnectionClosed("connection lost before the peer settled the message (it may or may not "
                                 "have it; reconnecting)", condition)
        for link in self._links:
            if isinstance(link, Sender):
                for future in link._state.take_unsettled():
                    _fail(future, error)

    def _gone(self) -> None:
        if self._server is None:
            return
        self._core.connections.pop(self._connection, None)

    async def _wait_open(self) -> Connection:
        await self._opened
        return self

    async def open_sender(self, address: Optional[str], **options: Any) -> Sender:
        """Open a sending link to ``address`` and wait for the peer to attach.

        ``options`` are those of :meth:`proton.reactor.Container.create_sender` (``name``,
        ``options``, ``handler`` excepted); ``settled=True`` sends presettled.
        """
        self._check()
        container = self._core.bridge.container
        assert container is not None
        settled = options.pop("settled", False)
        if settled:
            from proton.reactor import AtMostOnce
            options["options"] = AtMostOnce()
        link = container.create_sender(self._connection, address, **options)
        sender = Sender(self, link, settled=settled)
        self._core.links[link] = sender
        self._core.bridge.kick()
        await sender._opened
        return sender

    async def open_receiver(self, address: Optional[str], credit: int = 10, **options: Any) -> Receiver:
        """Open a receiving link from ``address`` with a window of ``credit`` messages (0: only
        what :meth:`Receiver.flow` grants) and wait for the peer to attach."""
        self._check()
        container = self._core.bridge.container
        assert container is not None
        link = container.create_receiver(self._connection, address, **options)
        receiver = Receiver(self, link, credit=credit)
        self._core.links[link] = receiver
        receiver._flow_to_window()
        self._core.bridge.kick()
        await receiver._opened
        return receiver

    async def open_requester(self, address: str, credit: int = 100) -> Requester:
        """A :class:`Requester` for the service at ``address``: a sender to it and a receiver from
        a dynamic node (the peer names it) where the replies come."""
        sender = await self.open_sender(address)
        receiver = await self.open_receiver(None, credit=credit, dynamic=True)
        return Requester(sender, receiver)

    def transaction(self) -> Transaction:
        """A local transaction: ``async with conn.transaction() as txn:`` commits at the end of the
        block, or aborts when it raises (the peer must have a transaction coordinator)."""
        self._check()
        return Transaction(self)

    async def incoming_links(self, credit: int = 10) -> AsyncIterator[Union[Sender, Receiver]]:
        """The links the peer opens on this connection, until it closes. A receiver gets a window
        of ``credit`` messages (0: only what :meth:`Receiver.flow` grants) as it is handed out."""
        while True:
            try:
                link = await self._incoming.get()
            except ConnectionClosed:
                return
            if isinstance(link, Receiver):
                link._state.window = credit
                if link._flow_to_window():
                    self._core.bridge.kick()
            yield link

    async def close(self, condition: Optional[Condition] = None) -> None:
        """Close the connection and wait until the peer has answered (or the transport ended)."""
        self._closing = True
        if self._error is None:
            if condition is not None:
                self._connection.condition = condition
            self._connection.close()
            self._core.bridge.kick()
        if self._server is None:
            await self._core.bridge.finished
        else:
            while self._error is None:
                await asyncio.sleep(0.005)

    async def __aenter__(self) -> Connection:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()


class _Link:
    def __init__(self, conn: Connection, link: Any) -> None:
        self._conn = conn
        self._link = link
        self._loop = conn._loop
        self._opened: asyncio.Future[None] = self._loop.create_future()
        self._error: Optional[BaseException] = None
        self._detached: asyncio.Future[None] = self._loop.create_future()
        self._kick: Callable[[], None] = conn._core.bridge.kick   # process the container soon
        conn._links.append(self)  # type: ignore[arg-type]

    @property
    def address(self) -> Optional[str]:
        """The node's address: a sender's target (or its source, for a link the peer opened to
        receive from that node), a receiver's source (or its target)."""
        link = self._link
        first, second = (link.target, link.source) if link.is_sender else (link.source, link.target)
        return first.address or second.address  # type: ignore[no-any-return]

    @property
    def proton_link(self) -> Any:
        return self._link

    def _check(self) -> None:
        if self._error is not None:
            raise self._error

    def _ended(self, error: BaseException) -> None:
        if self._error is None:
            self._error = error
        _fail(self._opened, self._error)

    async def close(self) -> None:
        """Close the link and wait for the peer's answer (or the end of the connection)."""
        if self._error is None:
            self._link.close()
            self._conn._core.bridge.kick()
            self._error = LinkClosed("link closed")
            self._ended(self._error)
            if self._conn._error is None:
                ended = self._conn._core.bridge.finished
                await asyncio.wait([self._detached, ended], return_when=asyncio.FIRST_COMPLETED)


class Sender(_Link):
    """A sending link: :meth:`send` waits for the outcome, :meth:`send_nowait` returns its future."""

    def __init__(self, conn: Connection, link: Any, settled: bool = False) -> None:
        super().__init__(conn, link)
        self._pending: Deque[tuple[Message, asyncio.Future[Any]]] = collections.deque()
        # what waits for credit and what waits for an outcome, handled in C (cython/aio.pyx)
        self._state = _cproton.AioSendState(link, self._pending, settled, Disposition.ACCEPTED, _failure,
                                            self._loop, self._kick)

    if TYPE_CHECKING:
        def send_nowait(self, message: Message) -> asyncio.Future[Any]:
            """Queue ``message``; the future gets the outcome (:data:`proton.Disposition.ACCEPTED`,
            or ``None`` when presettled) or fails with a :class:`DeliveryFailed` subclass."""
    else:
        send_nowait = _cproton._aio_send_nowait     # in C: queue, send as credit allows, kick

    async def send(self, message: Message) -> Any:
        """Send ``message`` and wait for the peer's outcome (see :meth:`send_nowait`)."""
        return await self.send_nowait(message)

    @property
    def credit(self) -> int:
        return self._link.credit  # type: ignore[no-any-return]

    def _ended(self, error: BaseException) -> None:
        super()._ended(error)
        for _, future in self._pending:
            _fail(future, self._error or error)
        self._pending.clear()
        for future in self._state.take_unsettled():
            _fail(future, self._error or error)
        self._state.detach(self._link)


def _failure(delivery: Any) -> DeliveryFailed:
    """The exception of a delivery the peer rejected, released or modified (cython/aio.pyx)."""
    state = delivery.remote_state
    if state == Disposition.REJECTED:
        return DeliveryRejected("message rejected by the peer", state, delivery.remote.condition)
    if state == Disposition.MODIFIED:
        return DeliveryModified("message modified by the peer", state, None)
    return DeliveryReleased("message released by the peer", state, None)


class Delivery(_cproton.AioDelivery):
    """A message that arrived, and what to tell the sender about it (made by the receiver).

    :attr:`message`, :attr:`settled`, :meth:`accept` and :meth:`release` are in C
    (cython/aio.pyx); the outcome is given once: a second call does nothing.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        #: the message
        message: Message
        #: the engine's delivery
        _delivery: Any

        @property
        def settled(self) -> bool:
            """Whether the peer has settled it or this end has given its outcome."""

        def _settle(self, state: Any) -> None: ...

        def accept(self) -> None:
            """Accept the message and settle."""

        def release(self) -> None:
            """Give the message back unprocessed and settle."""

    def reject(self, condition: Optional[Condition] = None) -> None:
        """Reject the message (with ``condition`` saying why) and settle."""
        if condition is not None and not self.settled:
            self._delivery.local.condition = condition
        self._settle(Disposition.REJECTED)

    def modify(self, delivery_failed: bool = True, undeliverable: bool = False,
               annotations: Optional[Dict[Any, Any]] = None) -> None:
        """Give the message back modified (failed, undeliverable, annotations) and settle."""
        if self.settled:
            return
        local = self._delivery.local
        local.failed = delivery_failed
        local.undeliverable = undeliverable
        if annotations is not None:
            local.annotations = annotations
        self._settle(Disposition.MODIFIED)


class Receiver(_Link):
    """A receiving link: ``async for delivery in receiver`` or :meth:`receive`.

    The window of ``credit`` messages is topped up as deliveries are taken. Iteration ends when the
    link or its connection ends (after what had arrived); :meth:`receive` raises
    :class:`LinkClosed` or :class:`ConnectionClosed` instead.
    """

    def __init__(self, conn: Connection, link: Any, credit: int = 10) -> None:
        super().__init__(conn, link)
        self._queue = _Queue(self._loop)
        # arrivals, the credit window, a drain and a Requester's route, handled in C (cython/aio.pyx)
        self._state = _cproton.AioReceiveState(link, self._queue, credit, self._kick, Delivery)

    @property
    def _route(self) -> Optional[Callable[[Delivery], None]]:
        """A Requester's: it takes every delivery instead of the queue."""
        return self._state.route  # type: ignore[no-any-return]

    @_route.setter
    def _route(self, route: Optional[Callable[[Delivery], None]]) -> None:
        self._state.route = route

    def _flow_to_window(self) -> bool:
        return self._error is None and bool(self._state.flow_to_window(self._link))


    def _ended(self, error: BaseException) -> None:
        super()._ended(error)
        self._queue.end(self._error or error)
        if self._route is not None:
            owner = getattr(self._route, "__self__", None)
            if isinstance(owner, Requester):
                for future in owner._waiting.values():
                    _fail(future, self._error or error)
        if self._state.drained is not None:
            _fail(self._state.drained, self._error or error)
        self._state.detach(self._link)

    async def receive(self, timeout: Optional[float] = None) -> Delivery:
        """The next delivery; :class:`asyncio.TimeoutError` after ``timeout`` seconds."""
        delivery: Optional[Delivery] = self._state.take(self._link)
        if delivery is None:
            delivery = await self._queue.get(timeout)
            if self._flow_to_window():
                self._kick()
        return delivery

    def flow(self, credit: int) -> None:
        """Grant the peer ``credit`` more messages."""
        self._check()
        self._link.flow(credit)
        self._conn._core.bridge.kick()

    async def drain(self, timeout: Optional[float] = None) -> None:
        """Ask the peer to use up or give back the credit it has; return when none is left."""
        self._check()
        drained: asyncio.Future[None] = self._loop.create_future()
        self._state.drained = drained
        self._link.drain(0)
        self._conn._core.bridge.kick()
        if self._link.credit == 0:
            drained.set_result(None)
        await asyncio.wait_for(asyncio.shield(drained), timeout)

    @property
    def credit(self) -> int:
        return self._link.credit  # type: ignore[no-any-return]

    def __aiter__(self) -> Receiver:
        return self

    if TYPE_CHECKING:
        def __anext__(self) -> Awaitable[Delivery]: ...
    else:
        __anext__ = _cproton._aio_anext     # in C: what has arrived, at once; else _anext_wait()

    async def _anext_wait(self) -> Delivery:
        try:
            return await self.receive()
        except (LinkClosed, ConnectionClosed):
            if self._queue.items:
                return self._queue.items.popleft()  # type: ignore[no-any-return]
            raise StopAsyncIteration from None


class Requester:
    """Request and response: :meth:`request` sends a message with ``reply_to`` and a correlation id
    and returns the reply that carries the same id (see :meth:`Connection.open_requester`)."""

    def __init__(self, sender: Sender, receiver: Receiver) -> None:
        self.sender = sender
        self.receiver = receiver
        self._loop = sender._loop
        self._waiting: Dict[Any, asyncio.Future[Message]] = {}
        self._next = 0
        receiver._route = self._reply
        self.reply_to: Optional[str] = receiver.proton_link.remote_source.address

    def _reply(self, delivery: Delivery) -> None:
        delivery.accept()
        future = self._waiting.pop(delivery.message.correlation_id, None)
        if future is not None and not future.done():
            future.set_result(delivery.message)

    async def request(self, message: Message, timeout: Optional[float] = None) -> Message:
        """Send ``message`` and wait for its reply; :class:`asyncio.TimeoutError` after ``timeout``."""
        if self.receiver._error is not None:
            raise self.receiver._error
        self._next += 1
        correlation = message.correlation_id or message.id or f"aio-request-{self._next}"
        message.correlation_id = correlation
        message.reply_to = self.reply_to
        future: asyncio.Future[Message] = self._loop.create_future()
        self._waiting[correlation] = future
        try:
            await self.sender.send(message)
            return await asyncio.wait_for(future, timeout)
        finally:
            self._waiting.pop(correlation, None)

    async def close(self) -> None:
        await self.sender.close()
        await self.receiver.close()


class _TransactionNews(TransactionHandler):
    """The transaction's handler: its declare and discharge answers become future results."""

    def __init__(self, owner: Transaction) -> None:
        self.owner = owner

    def on_transaction_declared(self, event: Event) -> None:
        if not self.owner._declared.done():
            self.owner._declared.set_result(None)

    def on_transaction_declare_failed(self, event: Event) -> None:
        _fail(self.owner._declared, TransactionFailed("the transaction was not declared"))

    def on_transaction_committed(self, event: Event) -> None:
        if not self.owner._discharged.done():
            self.owner._discharged.set_result(True)

    def on_transaction_aborted(self, event: Event) -> None:
        if not self.owner._discharged.done():
            self.owner._discharged.set_result(False)

    def on_transaction_commit_failed(self, event: Event) -> None:
        _fail(self.owner._discharged, TransactionFailed("the transaction did not commit"))


class Transaction:
    """A local transaction on a connection (see :meth:`Connection.transaction`)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        loop = conn._loop
        self._declared: asyncio.Future[None] = loop.create_future()
        self._discharged: asyncio.Future[bool] = loop.create_future()
        container = conn._core.bridge.container
        assert container is not None
        self._txn = container.declare_transaction(conn._connection, handler=_TransactionNews(self))
        conn._core.bridge.kick()

    async def _ready(self) -> None:
        await asyncio.wait([self._declared, self._conn._core.bridge.finished], return_when=asyncio.FIRST_COMPLETED)
        self._conn._check()
        await self._declared

    async def send(self, sender: Sender, message: Message) -> None:
        """Send ``message`` on ``sender`` inside the transaction (it counts once committed)."""
        await self._ready()
        while sender.credit <= 0:
            sender._check()
            await asyncio.sleep(0.001)
        self._txn.send(sender._link, message)
        self._conn._core.bridge.kick()

    def accept(self, delivery: Delivery) -> None:
        """Accept ``delivery`` inside the transaction (settled when the transaction ends)."""
        self._txn.accept(delivery._delivery)
        self._conn._core.bridge.kick()

    async def _discharge(self, failed: bool) -> bool:
        await self._ready()
        self._txn.discharge(failed)
        self._conn._core.bridge.kick()
        return await self._discharged

    async def commit(self) -> None:
        """Commit; :class:`TransactionFailed` if the coordinator refuses."""
        await self._discharge(False)

    async def abort(self) -> None:
        """Roll back everything done inside the transaction."""
        await self._discharge(True)

    async def __aenter__(self) -> Transaction:
        await self._ready()
        return self

    async def __aexit__(self, exc_type: Any, *exc_info: Any) -> None:
        if exc_type is None:
            await self.commit()
        elif not self._discharged.done() and self._conn._error is None:
            await self.abort()


class Server:
    """Accepted connections (``async for conn in server``); :meth:`close` stops listening."""

    def __init__(self, core: _Core) -> None:
        self._core = core
        self._queue = _Queue(core.loop)
        self._acceptor: Any = None

    def _put(self, conn: Connection) -> None:
        self._queue._put(conn)

    async def accept(self, timeout: Optional[float] = None) -> Connection:
        conn: Connection = await self._queue.get(timeout)
        return conn

    def __aiter__(self) -> Server:
        return self

    async def __anext__(self) -> Connection:
        try:
            return await self.accept()
        except ConnectionClosed:
            raise StopAsyncIteration from None

    async def close(self) -> None:
        """Stop listening, close the accepted connections, wait until every socket is gone."""
        self._queue.end(ConnectionClosed("server closed"))
        if self._acceptor is not None:
            self._acceptor.close()
            self._acceptor = None
        for conn in list(self._core.connections.values()):
            if conn._error is None:
                conn._connection.close()
        self._core.bridge.kick()
        await self._core.bridge.finished

    async def __aenter__(self) -> Server:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()


async def connect(url: str, **options: Any) -> Connection:
    """Open a connection to ``url`` and wait until the peer has answered the open.

    ``options`` are those of :meth:`proton.reactor.Container.connect` (``urls``, ``reconnect``,
    ``ssl_domain``, ``user``, ``password``, ``allowed_mechs``, ``heartbeat``, ``properties``...),
    but ``reconnect`` is off unless given (``True`` or ``None``: a default :class:`Backoff`).
    With ``reconnect``, ``resend_unsettled`` is on unless given: what the peer had not settled
    when the connection was lost is sent again on the next one, and its futures get the outcome
    from there (at least once); with ``resend_unsettled=False`` they fail with
    :class:`ConnectionClosed` instead. Raises
    :class:`ConnectionClosed` if it cannot connect.
    """
    loop = asyncio.get_running_loop()
    core = _Core(loop)
    container = core.make()
    reconnect = options.setdefault("reconnect", False)
    if reconnect is True or reconnect is None:
        options["reconnect"] = reconnect = Backoff()       # Container.connect's default plan
    if reconnect is not False:
        options.setdefault("resend_unsettled", True)
    connection = container.connect(url, **options)
    conn = Connection(core, connection, reconnect=reconnect is not False,
                      resend=bool(options.get("resend_unsettled")))
    core.connections[connection] = conn
    core.start()
    try:
        return await conn._wait_open()
    except BaseException:
        if not core.bridge.finished.done():
            connection.close()
            core.bridge.kick()
            await core.bridge.finished
        raise


_SERVER_SASL_OPTIONS = ("allowed_mechs", "allow_insecure_mechs", "sasl_config_path", "sasl_config_name",
                        "require_auth", "require_encryption")


def _server_sasl(options: Dict[str, Any]) -> Optional[Callable[[Any], None]]:
    """What each accepted transport gets of the SASL options (None when there are none)."""
    if not options:
        return None

    def setup(transport: Any) -> None:
        if options.get("require_auth"):
            transport.require_auth(True)
        if options.get("require_encryption"):
            transport.require_encryption(True)
        sasl = transport.sasl()
        if options.get("sasl_config_path"):
            sasl.config_path(options["sasl_config_path"])
        if options.get("sasl_config_name"):
            sasl.config_name(options["sasl_config_name"])
        if options.get("allowed_mechs"):
            sasl.allowed_mechs(options["allowed_mechs"])
        if "allow_insecure_mechs" in options:
            sasl.allow_insecure_mechs = bool(options["allow_insecure_mechs"])
    return setup


async def listen(address: str, **options: Any) -> Server:
    """Listen on ``address`` (``host:port``).

    ``options`` are those of :meth:`proton.reactor.Container.listen` (``ssl_domain``,
    ``handshake_timeout``, ``idle_timeout``) and, for the SASL layer of every accepted connection,
    ``allowed_mechs`` (e.g. ``"PLAIN SCRAM-SHA-256"``), ``allow_insecure_mechs``,
    ``sasl_config_path`` and ``sasl_config_name`` (a Cyrus configuration: its sasldb checks the
    passwords), ``require_auth`` and ``require_encryption``. The peer's authenticated name is
    ``conn.proton_connection.transport.user``. Cyrus SASL reads its server configuration once per
    process (as with python-qpid-proton): the first SASL server of a process sets the
    configuration every later one uses.
    """
    loop = asyncio.get_running_loop()
    core = _Core(loop)
    server = Server(core)
    core.server = server
    container = core.make()
    sasl_setup = _server_sasl({name: options.pop(name) for name in _SERVER_SASL_OPTIONS if name in options})
    if sasl_setup is not None:
        container._server_sasl = sasl_setup  # type: ignore[attr-defined]  # read by the acceptor
    server._acceptor = container.listen(address, **options)
    core.start()
    return server
