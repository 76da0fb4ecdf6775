# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The :class:`Container` (event loop plus connection and link factories), its helpers, link
options, timers, cross-thread event injection, reconnect and transactions.

The loop itself is compiled (``_cproton.CReactor``); this module adds the python-qpid-proton
API around it.
"""

from __future__ import annotations

import logging
import os
import queue
import uuid
import weakref
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Tuple, Type, Union

from . import _cproton
from ._condition import Condition
from ._data import Described, symbol, ulong
from ._delivery import Delivery
from ._endpoints import Connection, Endpoint, Link, Receiver, Sender, Session, Terminus
from ._events import Collector, Event, EventBase, EventType
from ._exceptions import SSLUnavailable
from ._handler import Handler
from ._handlers import OutgoingMessageHandler
from ._message import Message
from ._reconnect import Backoff, delay_iter
from ._selectable import Selectable
from ._transport import SSL, SSLDomain, Transport
from ._url import Url

if TYPE_CHECKING:
    from types import TracebackType

    from ._handlers import TransactionHandler

_logger = logging.getLogger("proton")


def _generate_uuid() -> uuid.UUID:
    return uuid.uuid4()


# -- timers -------------------------------------------------------------------------------------

class Task:
    """A scheduled call: at its deadline the container sends ``on_timer_task`` to its handler."""

    def __init__(self, reactor: Container, deadline: float, handler: Any) -> None:
        self._deadline = deadline
        self._handler = handler
        self._reactor = reactor
        self._cancelled = False

    def __lt__(self, other: Task) -> bool:
        return self._deadline < other._deadline

    def cancel(self) -> None:
        """Do not run this task."""
        if not self._cancelled:
            self._cancelled = True
            self._reactor._timer_cancelled()

    @property
    def handler(self) -> Any:
        return self._handler

    @property
    def container(self) -> Container:
        return self._reactor


# -- listening ----------------------------------------------------------------------------------

class Acceptor(Handler):
    """A listening socket made by :meth:`Container.listen`; each client becomes a server-side
    connection handled by the container's handler (or the one given)."""

    def __init__(self, reactor: Container, host: str, port: int, handler: Optional[Handler] = None) -> None:
        self._ssl_domain: Optional[SSLDomain] = None
        self._reactor = reactor
        self._handler = handler
        self._source = reactor._listen(host or "0.0.0.0", port, self)

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
        self._source.close()

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
        transport.bind(conn)
        reactor._attach_socket(fd, transport, peer)


# -- events from other threads -----------------------------------------------------------------

class ApplicationEvent(EventBase):
    """An event of the application's own type (``on_<typename>`` is called), optionally about a
    connection, session, link or delivery and carrying any ``subject``.

    Give it to :meth:`EventInjector.trigger` to have it dispatched on the container's thread.
    """

    TYPES: Dict[str, EventType] = {}

    def __init__(self, typename: str, connection: Optional[Connection] = None, session: Optional[Session] = None,
                 link: Optional[Link] = None, delivery: Optional[Delivery] = None, subject: Any = None) -> None:
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

    def __repr__(self) -> str:
        parts = [p for p in (self.connection, self.session, self.link, self.delivery, self.subject) if p is not None]
        return f"{self.type}({', '.join(map(str, parts))})"


class EventInjector:
    """Lets other threads hand events to a container's thread.

    Register it with ``container.selectable(injector)``, then call :meth:`trigger` from any
    thread; each event is dispatched on the container's thread, in order. :meth:`close` it when
    done so that the container can finish.
    """

    def __init__(self) -> None:
        self.queue: queue.Queue[Any] = queue.Queue()
        self.pipe = os.pipe()
        os.set_blocking(self.pipe[0], False)
        self._transport = None
        self._closed = False

    def trigger(self, event: ApplicationEvent) -> None:
        """Queue ``event`` for dispatch on the container's thread (thread-safe)."""
        self.queue.put(event)
        os.write(self.pipe[1], b"!")

    def close(self) -> None:
        """Stop once the events already triggered have been dispatched (thread-safe)."""
        self._closed = True
        os.write(self.pipe[1], b"!")

    def fileno(self) -> int:
        return self.pipe[0]

    def on_selectable_init(self, event: Event) -> None:
        selectable = event.context
        selectable.reading = True
        selectable.update()

    def on_selectable_readable(self, event: Event) -> None:
        selectable = event.context
        try:
            while os.read(self.pipe[0], 4096):
                pass
        except BlockingIOError:
            pass
        while True:
            try:
                requested = self.queue.get_nowait()
            except queue.Empty:
                break
            selectable.push_event(requested.context, requested.type)
        if self._closed:
            selectable.terminate()
            selectable.update()

    def on_selectable_final(self, event: Event) -> None:
        for end in self.pipe:
            try:
                os.close(end)
            except OSError:
                pass


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

    def apply(self, sender: Sender) -> None:
        """Change ``sender``."""

    def test(self, link: Link) -> bool:
        return bool(link.is_sender)


class ReceiverOption(LinkOption):
    """An option only for receivers."""

    def apply(self, receiver: Receiver) -> None:
        """Change ``receiver``."""

    def test(self, link: Link) -> bool:
        return bool(link.is_receiver)


class DynamicNodeProperties(LinkOption):
    """Properties for a node the peer creates on demand (dynamic source or target).

    :param props: the properties (str keys become symbols).
    """

    def __init__(self, props: dict = {}) -> None:  # noqa: B006 - same signature as python-qpid-proton
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

    def apply(self, receiver: Receiver) -> None:
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

    def apply(self, receiver: Receiver) -> None:
        receiver.source.durability = Terminus.DELIVERIES
        receiver.source.expiry_policy = Terminus.EXPIRE_NEVER


class Move(ReceiverOption):
    """Take messages off the source (the default for queues)."""

    def apply(self, receiver: Receiver) -> None:
        receiver.source.distribution_mode = Terminus.DIST_MODE_MOVE


class Copy(ReceiverOption):
    """Browse: receive copies, leaving the messages on the source."""

    def apply(self, receiver: Receiver) -> None:
        receiver.source.distribution_mode = Terminus.DIST_MODE_COPY


def _apply_link_options(options: Any, link: Link) -> None:
    if not options:
        return
    for option in options if isinstance(options, list) else [options]:
        if option.test(link):
            option.apply(link)


# -- transactions -------------------------------------------------------------------------------

class Transaction:
    """A local transaction on a connection (see :meth:`Container.declare_transaction`).

    :meth:`send` and :meth:`accept` work inside it; :meth:`commit` or :meth:`abort` ends it. The
    outcome arrives at ``handler`` as ``on_transaction_committed`` / ``aborted`` / ``commit_failed``.
    """

    def __init__(self, txn_ctrl: Sender, handler: TransactionHandler, settle_before_discharge: bool = False) -> None:
        self.txn_ctrl = txn_ctrl
        self.handler = handler
        self.id: Any = None
        self._declare: Optional[Delivery] = None
        self._discharge: Optional[Delivery] = None
        self.failed = False
        self._pending: List[Delivery] = []
        self.settle_before_discharge = settle_before_discharge
        self.declare()

    def commit(self) -> None:
        """Commit the transaction."""
        self.discharge(False)

    def abort(self) -> None:
        """Roll the transaction back."""
        self.discharge(True)

    def declare(self) -> None:
        """Ask the peer's coordinator for a transaction id."""
        self._declare = self._control(symbol("amqp:declare:list"), [None])

    def discharge(self, failed: bool) -> None:
        """End the transaction: roll back when ``failed``, else commit."""
        self.failed = failed
        self._discharge = self._control(symbol("amqp:discharge:list"), [self.id, failed])

    def _control(self, descriptor: symbol, fields: List[Any]) -> Delivery:
        delivery = self.txn_ctrl.send(Message(body=Described(descriptor, fields)))
        delivery.transaction = self
        return delivery  # type: ignore[no-any-return]

    def send(self, sender: Sender, msg: Message, tag: Optional[str] = None) -> Delivery:
        """Send ``msg`` on ``sender`` as part of this transaction."""
        delivery = sender.send(msg, tag=tag)
        delivery.local.data = [self.id]
        delivery.update(0x34)  # transactional-state
        return delivery  # type: ignore[no-any-return]

    def accept(self, delivery: Delivery) -> None:
        """Accept a received ``delivery`` as part of this transaction."""
        self.update(delivery, Delivery.ACCEPTED)
        if self.settle_before_discharge:
            delivery.settle()
        else:
            self._pending.append(delivery)

    def update(self, delivery: Delivery, state: Optional[ulong] = None) -> None:
        """Set ``delivery``'s outcome to ``state`` inside this transaction."""
        if state:
            delivery.local.data = [self.id, Described(ulong(state), [])]
            delivery.update(0x34)

    def _release_pending(self) -> None:
        for delivery in self._pending:
            delivery.update(Delivery.RELEASED)
            delivery.settle()
        self._pending = []

    def handle_outcome(self, event: Event) -> None:
        """Called with the coordinator's answer to a declare or discharge."""
        delivery = event.delivery
        if delivery == self._declare:
            remote_data = delivery.remote.data
            if remote_data:
                self.id = remote_data[0]
                self.handler.on_transaction_declared(event)
            else:
                if delivery.remote_state != Delivery.REJECTED:
                    _logger.warning("Unexpected outcome for declare: %s", delivery.remote_state)
                self.handler.on_transaction_declare_failed(event)
        elif delivery == self._discharge:
            if delivery.remote_state == Delivery.REJECTED:
                if not self.failed:
                    self.handler.on_transaction_commit_failed(event)
                    self._release_pending()
            elif self.failed:
                self.handler.on_transaction_aborted(event)
                self._release_pending()
            else:
                self.handler.on_transaction_committed(event)
            self._pending = []


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

    def __init__(self, values: List[Union[Url, str]]) -> None:
        self.values = [Url(v) for v in values]

    def __iter__(self) -> Iterator[Url]:
        return iter(self.values)


def _restartable(reconnect: Any) -> Any:
    """An object with ``reset()``/``next()`` becomes an iterable that restarts from the top."""
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


class _Connector(Handler):
    """Makes (and remakes) the transport and socket of a connection from :meth:`Container.connect`."""

    def __init__(self, container: Container, connection: Connection) -> None:
        # A weak reference: the connector lives in the connection's engine record, which the garbage
        # collector cannot see into, so a strong one would keep the container alive for ever.
        self.container = weakref.proxy(container)
        self.connection: Optional[Connection] = connection
        self.address: Optional[Urls] = None
        self.heartbeat: Optional[float] = None
        self.reconnect: Any = None
        self.ssl_domain: Optional[SSLDomain] = None
        self.allow_insecure_mechs = True
        self.allowed_mechs: Optional[str] = None
        self.sasl_enabled = True
        self.user: Optional[str] = None
        self.password: Optional[str] = None
        self.virtual_host: Optional[str] = None
        self.ssl_sni: Optional[str] = None
        self.max_frame_size: Optional[int] = None
        self._attempts: Optional[Iterator[Tuple[float, Url]]] = None
        self._next_url: Optional[Url] = None

    def _plan(self, first: bool) -> None:
        urls = list(self.address or [])
        if self.reconnect is None:
            delays: Any = delay_iter()
        elif self.reconnect is False:
            delays = delay_iter(max_tries=1) if first else None
        else:
            delays = self.reconnect
        self._attempts = None if delays is None else ((d, u) for d in delays for u in urls)

    def _open_transport(self, connection: Connection, url: Url) -> None:
        connection.url = url
        if self.virtual_host is None:
            connection.hostname = url.host
        _logger.info("Connecting to %s:%s", url.host, url.port)
        transport = Transport()
        if self.sasl_enabled:
            sasl = transport.sasl()
            sasl.allow_insecure_mechs = self.allow_insecure_mechs
            user = url.username or self.user
            if user:
                connection.user = user
            password = url.password or self.password
            if password:
                connection.password = password
            if self.allowed_mechs:
                sasl.allowed_mechs(self.allowed_mechs)
        transport.bind(connection)
        if self.heartbeat:
            transport.idle_timeout = self.heartbeat
        if url.scheme == "amqps":
            if not self.ssl_domain:
                raise SSLUnavailable("amqps: SSL libraries not found")
            ssl = SSL(transport, self.ssl_domain)
            ssl.peer_hostname = self.ssl_sni or self.virtual_host or url.host
        if self.max_frame_size:
            transport.max_frame_size = self.max_frame_size
        self.container._connect_transport(transport, url.host or "localhost", int(url.port))

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

    def on_transport_closed(self, event: Event) -> None:
        connection = self.connection
        if connection is None:
            return
        if not connection.state & Endpoint.LOCAL_ACTIVE:
            _logger.info("Disconnected, already closed")
        elif self._attempts is None:
            _logger.info("Disconnected, reconnect disabled")
        else:
            try:
                if event.transport is not None and event.transport.connection is not None:
                    event.transport.unbind()
                delay, url = next(self._attempts)
                if delay == 0:
                    _logger.info("Disconnected, reconnecting now")
                    self._open_transport(connection, url)
                else:
                    _logger.info("Disconnected, reconnecting in %s seconds", delay)
                    self._next_url = url
                    self.container.schedule(delay, self)
                return
            except StopIteration:
                _logger.info("Disconnected, giving up")
        self.connection = None

    def on_timer_task(self, event: Event) -> None:
        if self._next_url is not None and self.connection is not None:
            url, self._next_url = self._next_url, None
            self._open_transport(self.connection, url)


class SSLConfig:
    """A container's default TLS settings: one client and one server domain."""

    def __init__(self) -> None:
        self.client = SSLDomain(SSLDomain.MODE_CLIENT)
        self.server = SSLDomain(SSLDomain.MODE_SERVER)

    def set_credentials(self, cert_file: str, key_file: str, password: Optional[str]) -> None:
        self.client.set_credentials(cert_file, key_file, password)
        self.server.set_credentials(cert_file, key_file, password)

    def set_trusted_ca_db(self, certificate_db: str) -> None:
        self.client.set_trusted_ca_db(certificate_db)
        self.server.set_trusted_ca_db(certificate_db)


def _default_port(scheme: str) -> int:
    return 5671 if scheme == "amqps" else 5672


# -- the container ------------------------------------------------------------------------------

class Reactor(_cproton.CReactor):
    """The event loop: dispatches events to handlers, runs timers, waits for I/O.

    :param handlers: handlers for events no connection or link handler claims.
    """

    def __init__(self, *handlers: Any, **kwargs: Any) -> None:
        self._set_collector(Collector())
        self._set_empty_handler_type(Handler)
        self._handler = Handler()
        self._global_handler = Handler()
        self.errors: List[Tuple[Type[BaseException], BaseException, TracebackType]] = []
        self._selectables: List[Selectable] = []
        for handler in handlers:
            self._handler.add(handler, on_error=self.on_error)

    def on_error(self, info: Tuple[Type[BaseException], BaseException, TracebackType]) -> None:
        """Record a handler failure (python-qpid-proton compatibility); the loop yields."""
        self.errors.append(info)
        self.yield_()

    @property
    def handler(self) -> Any:
        """The default handler for events."""
        return self._handler

    @handler.setter
    def handler(self, handler: Any) -> None:
        self._handler = handler

    @property
    def global_handler(self) -> Any:
        """A handler that sees every event after the regular one."""
        return self._global_handler

    @global_handler.setter
    def global_handler(self, handler: Any) -> None:
        self._global_handler = handler

    @property
    def timeout(self) -> float:
        """How long :meth:`process` may wait for I/O, in seconds."""
        return self._timeout  # type: ignore[no-any-return]

    @timeout.setter
    def timeout(self, secs: float) -> None:
        self._timeout = float(secs or 0)

    @property
    def quiesced(self) -> bool:
        """Whether no events are waiting to be dispatched."""
        event = self._collector.peek()
        if event is None:
            return True
        if self._collector.more():
            return False
        return event.type is Event.REACTOR_QUIESCED

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
            self._global_handler = None
            self._handler = None

    def start(self) -> None:
        """Queue the ``on_reactor_init`` (``on_start``) event."""
        self._start()

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
        deadline = _cproton.now() + delay
        task = Task(self, deadline, handler)
        self._schedule_task(deadline, task)
        return task

    @property
    def timer_deadline(self) -> Optional[float]:
        """When the next timer is due (on the loop's clock), or None."""
        return self._next_deadline()  # type: ignore[no-any-return]

    def timer_tick(self) -> None:
        """Queue ``on_timer_task`` events for the timers that are due (the loop does this itself)."""
        self._fire_due_timers()

    def acceptor(self, host: str, port: Union[str, Url.Port], handler: Optional[Handler] = None) -> Acceptor:
        """Listen on ``host``:``port``; clients are handled by ``handler`` (or the container's)."""
        return Acceptor(self, host, int(port), handler)  # type: ignore[arg-type]

    def connection(self, handler: Optional[Handler] = None) -> Connection:
        """A new connection collected by this container (not yet connected anywhere)."""
        conn = Connection()
        if handler is not None:
            conn.handler = handler
        conn._container = self
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
        """Watch ``delegate`` (default: ``handler``, e.g. an :class:`EventInjector`) for ``handler``."""
        selectable = Selectable(handler if delegate is None else delegate, self)
        selectable.handler = handler
        return selectable

    def update(self, selectable: Selectable) -> None:
        """Apply a selectable's reading/writing/deadline settings."""
        selectable.update()

    def do_work(self, timeout: Optional[float] = None) -> bool:
        """One :meth:`process` step, waiting at most ``timeout`` seconds."""
        if timeout:
            self.timeout = timeout
        return self.process()  # type: ignore[no-any-return]

    # -- selectables, driven by the loop -----------------------------------------------------------

    def _adopt_selectable(self, selectable: Selectable) -> None:
        self._selectables.append(selectable)
        self._live_selectable(True)
        self.push_event(selectable, Event.SELECTABLE_INIT)

    def _live_selectable(self, alive: bool) -> None:
        # a selectable keeps the loop running like a connection does
        if alive:
            self._source_count_up()
        else:
            self._source_count_down()

    def _update_selectable(self, selectable: Selectable) -> None:
        if selectable._terminated:
            if selectable._source is not None:
                self._unwatch(selectable._source, False)
                selectable._source = None
            if selectable in self._selectables:
                self._selectables.remove(selectable)
                self._live_selectable(False)
                if not selectable._final_sent:
                    selectable._final_sent = True
                    self.push_event(selectable, Event.SELECTABLE_FINAL)
            return
        if selectable._source is None:
            if selectable.reading or selectable.writing:
                selectable._source = self._watch_fd(selectable.fileno(), selectable, selectable.reading,
                                                    selectable.writing, False)
        else:
            self._rewatch(selectable._source, selectable.reading, selectable.writing)
        if selectable.deadline:
            self.schedule(max(0.0, selectable.deadline - self.now), _DeadlineCheck(selectable))


class _DeadlineCheck:
    """Fires ``on_selectable_expired`` when a selectable's deadline passes."""

    def __init__(self, selectable: Selectable) -> None:
        self.selectable = selectable
        self.deadline = selectable.deadline

    def on_timer_task(self, event: Event) -> None:
        s = self.selectable
        if not s.is_terminal and s.deadline == self.deadline:
            s.expired()


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
        if "global_handler" in kwargs:
            self.global_handler = kwargs["global_handler"]
        self.trigger = None
        self.container_id = kwargs.get("container_id", str(_generate_uuid()))
        self.allow_insecure_mechs = True
        self.allowed_mechs: Optional[str] = None
        self.sasl_enabled = True
        self.user: Optional[str] = None
        self.password: Optional[str] = None

    # -- connections ------------------------------------------------------------------------------

    def connect(self, url: Optional[Union[str, Url]] = None, urls: Optional[List[str]] = None,
                address: Optional[str] = None, handler: Optional[Handler] = None,
                reconnect: Union[None, bool, Backoff] = None, heartbeat: Optional[float] = None,
                ssl_domain: Optional[SSLDomain] = None, **kwargs: Any) -> Connection:
        """Open a connection to ``url`` (or to each of ``urls`` in turn on failure).

        With no url at all, the connection configuration file decides (see the README).
        Keywords: ``reconnect`` (None: reconnect with the default backoff; False: never; or a
        :class:`Backoff`), ``heartbeat`` (idle timeout, seconds), ``ssl_domain``, ``sasl_enabled``,
        ``allowed_mechs``, ``allow_insecure_mechs``, ``user``, ``password``, ``virtual_host``,
        ``sni``, ``max_frame_size``, ``offered_capabilities``, ``desired_capabilities``,
        ``properties``, ``container_id``.
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
                             kwargs: Dict[str, Any]) -> Connection:
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
        conn = self.connection(handler)
        conn.container = kwargs.get("container_id", self.container_id) or str(_generate_uuid())
        conn.offered_capabilities = kwargs.get("offered_capabilities")
        conn.desired_capabilities = kwargs.get("desired_capabilities")
        conn.properties = kwargs.get("properties")
        connector = _Connector(self, conn)
        connector.allow_insecure_mechs = kwargs.get("allow_insecure_mechs", self.allow_insecure_mechs)
        connector.allowed_mechs = kwargs.get("allowed_mechs", self.allowed_mechs)
        connector.sasl_enabled = kwargs.get("sasl_enabled", self.sasl_enabled)
        connector.user = kwargs.get("user", self.user)
        connector.password = kwargs.get("password", self.password)
        connector.virtual_host = kwargs.get("virtual_host")
        if connector.virtual_host:
            conn.hostname = connector.virtual_host
        connector.ssl_sni = kwargs.get("sni")
        connector.max_frame_size = kwargs.get("max_frame_size")
        if url:
            connector.address = Urls([url])
        elif urls:
            connector.address = Urls(urls)
        else:
            raise ValueError("One of url or urls required")
        if heartbeat:
            connector.heartbeat = heartbeat
        connector.reconnect = _restartable(reconnect)
        connector.ssl_domain = ssl_domain or (self.ssl.client if self.ssl else None)
        conn._overrides = connector
        conn._session_policy = _SessionPerConnection()
        conn.open()
        return conn

    def _open_plain(self, event: Event) -> None:
        """A connection opened without connect(): connect it to its url (connection_to_host)."""
        conn = event.connection
        if conn.transport is not None or not conn.state & Endpoint.REMOTE_UNINIT:
            return
        url = conn.url if isinstance(conn.url, Url) else Url(conn.url or conn.hostname or "localhost")
        transport = Transport()
        if not conn.user and url.username:
            conn.user = url.username
            if url.password:
                conn.password = url.password
        transport.bind(conn)
        port = url.port
        self._connect_transport(transport, url.host or "localhost", 5672 if port in (None, "") else int(port))

    def listen(self, url: Union[str, Url], ssl_domain: Optional[SSLDomain] = None) -> Acceptor:
        """Accept AMQP connections on the host and port of ``url`` (port 0: any free port)."""
        url = Url(url)
        acceptor = self.acceptor(url.host, url.port)
        ssl_config = ssl_domain
        if not ssl_config and url.scheme == "amqps":
            if self.ssl is None:
                raise SSLUnavailable("amqps: SSL libraries not found")
            ssl_config = self.ssl.server
        if ssl_config:
            acceptor.set_ssl_domain(ssl_config)
        return acceptor

    # -- links --------------------------------------------------------------------------------------

    def _link_name(self, container: str, remote: Optional[str], local: Optional[str]) -> str:
        parts = [p for p in (remote, local) if p]
        if not parts:
            parts = [str(_generate_uuid())]
        return "-".join([container, *parts])

    def _session_for(self, context: Any) -> Session:
        if isinstance(context, Url):
            return self._session_for(self.connect(url=context))
        if isinstance(context, Session):
            return context
        if isinstance(context, Connection):
            policy = getattr(context, "_session_policy", None)
            if policy is not None:
                return policy.session(context)  # type: ignore[no-any-return]
            session = context.session()
            session.open()
            return session
        return context.session()  # type: ignore[no-any-return]

    def create_sender(self, context: Union[str, Url, Connection], target: Optional[str] = None,
                      source: Optional[str] = None, name: Optional[str] = None, handler: Optional[Handler] = None,
                      tags: Optional[Callable[[], bytes]] = None, options: Any = None) -> Sender:
        """Open a sender on ``context`` (a connection, or a URL whose path is the target).

        :param target: the address to send to.
        :param name: the link name (derived from the container id and addresses when omitted).
        :param tags: a delivery tag generator for the link.
        :param options: :class:`LinkOption` objects to apply.
        """
        if isinstance(context, str):
            context = Url(context)
        if isinstance(context, Url) and not target:
            target = context.path
        session = self._session_for(context)
        sender = session.sender(name or self._link_name(session.connection.container, target, source))
        if source:
            sender.source.address = source
        if target:
            sender.target.address = target
        if handler is not None:
            sender.handler = handler
        if tags:
            sender.tag_generator = tags
        _apply_link_options(options, sender)
        sender.open()
        return sender  # type: ignore[no-any-return]

    def create_receiver(self, context: Union[Connection, Url, str], source: Optional[str] = None,
                        target: Optional[str] = None, name: Optional[str] = None, dynamic: bool = False,
                        handler: Optional[Handler] = None, options: Any = None) -> Receiver:
        """Open a receiver on ``context`` (a connection, or a URL whose path is the source).

        :param source: the address to receive from.
        :param dynamic: ask the peer to create a temporary source node (for replies).
        :param options: :class:`LinkOption` objects to apply (selectors, browsing, durability).
        """
        if isinstance(context, str):
            context = Url(context)
        if isinstance(context, Url) and not source:
            source = context.path
        session = self._session_for(context)
        receiver = session.receiver(name or self._link_name(session.connection.container, source, target))
        if source:
            receiver.source.address = source
        if dynamic:
            receiver.source.dynamic = True
        if target:
            receiver.target.address = target
        if handler is not None:
            receiver.handler = handler
        _apply_link_options(options, receiver)
        receiver.open()
        return receiver  # type: ignore[no-any-return]

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
