# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The blocking API: :class:`BlockingConnection` with :class:`BlockingSender` and
:class:`BlockingReceiver`, and :class:`SyncRequestResponse` for request/reply.

Each call runs the container's loop on the calling thread until what was asked for has happened
or the timeout passes (:class:`~proton.Timeout`). A connection or link closed by the peer raises
:class:`ConnectionClosed` or :class:`LinkDetached`.
"""

from __future__ import annotations

import collections
import contextlib
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Deque, List, Optional, Tuple, Union, cast

from ._delivery import Delivery
from ._endpoints import Connection, Endpoint, Link
from ._exceptions import ConnectionException, LinkException, ProtonException, Timeout
from ._handler import Handler
from ._handlers import IncomingMessageHandler, MessagingHandler
from ._reactor import Container
from ._url import Url, redacted

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._delivery import DispositionType
    from ._endpoints import Receiver, Sender
    from ._events import Event
    from ._message import Message
    from ._reconnect import Backoff
    from ._typing import ConnectOptions
    from ._transport import SSLDomain


class LinkDetached(LinkException):
    """The peer closed a link of a blocking connection.

    :ivar link: the link. :ivar condition: the name of the peer's error condition, or None.
    """

    def __init__(self, link: Link) -> None:
        self.link = link
        if link.is_sender:
            text = f"sender {link.name} to {link.target.address} closed"
        else:
            text = f"receiver {link.name} from {link.source.address} closed"
        cond = link.remote_condition
        self.condition = cond.name if cond else None
        text += f" due to: {cond}" if cond else " by peer"
        super().__init__(text)


class ConnectionClosed(ConnectionException):
    """The peer closed a blocking connection.

    :ivar connection: the connection. :ivar condition: the name of the peer's error condition, or None.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        cond = connection.remote_condition
        self.condition = cond.name if cond else None
        text = f"Connection {connection.hostname} closed"
        text += f" due to: {cond}" if cond else " by peer"
        super().__init__(text)


class SendException(ProtonException):
    """A message sent with :meth:`BlockingSender.send` ended in an error state.

    :ivar state: the delivery's remote state (e.g. ``Delivery.REJECTED``).
    """

    def __init__(self, state: int) -> None:
        self.state = state
        super().__init__(f"message not delivered: remote state {state}")


class BlockingLink:
    """Shared parts of the blocking sender and receiver: waits for the link to open and turns
    a peer's close into :class:`LinkDetached`."""

    def __init__(self, connection: BlockingConnection, link: Union[Sender, Receiver]) -> None:
        self.connection = connection
        self.link = link
        self._wait_until(lambda: not link.state & Endpoint.REMOTE_UNINIT, "Opening")
        self._raise_if_detached()

    def _wait_until(self, done: Callable[[], Any], doing: str, timeout: Union[None, bool, float] = False) -> None:
        self.connection.wait(done, timeout=timeout, msg=f"{doing} link {self.link.name}")

    def _refuse_other_node(self, end: str, role: str) -> None:
        """Raise LinkException when the peer attached ``end`` ("source" or "target") to another node
        than the one asked for (or LinkDetached, when the peer says why by detaching)."""
        asked = getattr(self.link, end)
        if not asked or not asked.address or asked.address == getattr(self.link, "remote_" + end).address:
            return
        # such an attach is normally followed at once by a detach carrying the reason
        with contextlib.suppress(Timeout):
            self._wait_until(lambda: self.link.state & Endpoint.REMOTE_CLOSED, "Closing", timeout=1)
        self._raise_if_detached()
        self.link.close()
        raise LinkException(f"Failed to open {role} {self.link.name}, {end} does not match")

    def _raise_if_detached(self) -> None:
        link = self.link
        if not link.state & Endpoint.REMOTE_CLOSED:
            return
        link.close()
        if not self.connection.closing:   # while closing everything, a detach is expected
            raise LinkDetached(link)

    def close(self) -> None:
        """Close the link and wait until the peer has too."""
        self.link.close()
        self._wait_until(lambda: not self.link.state & Endpoint.REMOTE_ACTIVE, "Closing")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.link, name)


def _settled_or_presettled(delivery: Delivery) -> bool:
    return bool(delivery.settled or delivery.link.snd_settle_mode == Link.SND_SETTLED)


class BlockingSender(BlockingLink):
    """A sender whose :meth:`send` returns once the peer has settled the message."""

    def __init__(self, connection: BlockingConnection, sender: Sender) -> None:
        super().__init__(connection, sender)
        self._refuse_other_node("target", "sender")

    def send(self, msg: Message, timeout: Union[None, bool, float] = False,
             error_states: Optional[List[DispositionType]] = None) -> Delivery:
        """Send ``msg`` and wait for the outcome.

        :param timeout: seconds to wait (False: the connection's timeout; None: forever).
        :param error_states: outcomes that raise :class:`SendException` (default: rejected, released).
        :raise SendException: the peer's outcome was one of ``error_states``.
        """
        delivery = self.link.send(msg)
        self.connection.wait(lambda: _settled_or_presettled(delivery), msg=f"Sending on sender {self.link.name}",
                             timeout=timeout)
        if delivery.link.snd_settle_mode != Link.SND_SETTLED:
            delivery.settle()
        bad = [Delivery.REJECTED, Delivery.RELEASED] if error_states is None else error_states
        if delivery.remote_state in bad:
            raise SendException(delivery.remote_state)
        return delivery


class Fetcher(MessagingHandler):
    """Collects a blocking receiver's messages until :meth:`BlockingReceiver.receive` takes them."""

    def __init__(self, connection: BlockingConnection, prefetch: Optional[int]) -> None:
        super().__init__(prefetch=prefetch or 0, auto_accept=False)
        self.connection = connection
        self.incoming: Deque[Tuple[Message, Delivery]] = collections.deque()
        self.unsettled: Deque[Delivery] = collections.deque()

    def on_message(self, event: Event) -> None:
        self.incoming.append((event.message, event.delivery))
        self.connection.container.yield_()

    def on_link_error(self, event: Event) -> None:
        if event.link.state & Endpoint.LOCAL_ACTIVE:
            event.link.close()
            if not self.connection.closing:
                raise LinkDetached(event.link)

    def on_connection_error(self, event: Event) -> None:
        if not self.connection.closing:
            raise ConnectionClosed(event.connection)

    @property
    def has_message(self) -> int:
        return len(self.incoming)

    def pop(self) -> Message:
        message, delivery = self.incoming.popleft()
        if not delivery.settled:
            self.unsettled.append(delivery)
        return message

    def settle(self, state: Optional[int] = None) -> None:  # type: ignore[override]  # python-qpid-proton's
        delivery = self.unsettled.popleft()
        if state:
            delivery.update(state)
        delivery.settle()


class BlockingReceiver(BlockingLink):
    """A receiver whose :meth:`receive` waits for the next message; settle each one with
    :meth:`accept`, :meth:`reject` or :meth:`release`."""

    def __init__(self, connection: BlockingConnection, receiver: Receiver, fetcher: Optional[Fetcher],
                 credit: int = 1) -> None:
        super().__init__(connection, receiver)
        self._refuse_other_node("source", "receiver")
        if credit:
            receiver.flow(credit)
        self.fetcher = fetcher
        self.container = connection.container

    def receive(self, timeout: Union[None, bool, float] = False) -> Message:
        """The next message (waiting up to ``timeout`` seconds; False: the connection's timeout)."""
        fetcher = self.fetcher
        if not fetcher:
            raise ProtonException("Can't call receive on this receiver as a handler was not provided")
        if not self.link.credit:
            self.link.flow(1)
        self.connection.wait(lambda: fetcher.has_message, msg=f"Receiving on receiver {self.link.name}",
                             timeout=timeout)
        return fetcher.pop()

    def accept(self) -> None:
        """Accept the oldest message received and not yet settled."""
        self.settle(Delivery.ACCEPTED)

    def reject(self) -> None:
        """Reject the oldest message received and not yet settled."""
        self.settle(Delivery.REJECTED)

    def release(self, delivered: bool = True) -> None:
        """Return the oldest unsettled message for redelivery (as modified when ``delivered``)."""
        self.settle(Delivery.MODIFIED if delivered else Delivery.RELEASED)

    def settle(self, state: Optional[DispositionType] = None) -> None:
        """Settle the oldest unsettled message, with outcome ``state`` when given."""
        if not self.fetcher:
            raise ProtonException("Can't call accept/reject etc on this receiver as a handler was not provided")
        self.fetcher.settle(state)


class BlockingConnection(Handler):
    """A connection driven by blocking calls instead of callbacks.

    ::

        conn = BlockingConnection("amqp://localhost:5672", timeout=10)
        conn.create_sender("queue1").send(Message(body="hi"))
        print(conn.create_receiver("queue1").receive().body)
        conn.close()

    :param url: where to connect (no reconnect unless ``reconnect`` or ``urls`` is given).
    :param timeout: seconds any single wait may take (default 60); :class:`~proton.Timeout` after.
    :param container: the container to use (a new one by default).
    :param kwargs: anything :meth:`Container.connect` takes (``user``, ``password``, ...).
    """

    def __init__(self, url: Optional[Union[str, Url]] = None, timeout: Optional[float] = None,
                 container: Optional[Container] = None, ssl_domain: Optional[SSLDomain] = None,
                 heartbeat: Optional[float] = None, urls: Optional[List[str]] = None,
                 reconnect: Union[None, bool, Backoff] = None, **kwargs: Unpack[ConnectOptions]) -> None:
        self.conn: Optional[Connection] = None
        self.closing = False
        self.disconnected: Any = False   # False, or why the transport went away
        self.timeout = timeout or 60
        self.container = container or Container()
        self.container.timeout = self.timeout
        self.container.start()
        single_url = url is not None and urls is None and reconnect is None
        if single_url:   # one URL and nothing said about reconnecting: connect once, as before
            url, reconnect = Url(url).defaults(), False
        try:
            self.conn = conn = self.container.connect(url=url, urls=urls, handler=self, reconnect=reconnect,
                                                      ssl_domain=ssl_domain, heartbeat=heartbeat, **kwargs)
            self.wait(lambda: not conn.state & Endpoint.REMOTE_UNINIT, msg="Opening connection")
        except BaseException:
            if self.conn:
                self.close()
            raise

    def create_sender(self, address: Optional[str], handler: Optional[Handler] = None, name: Optional[str] = None,
                      options: Any = None) -> BlockingSender:
        """Open a sender to ``address`` and wait until the peer has attached it."""
        sender = self.container.create_sender(cast(Connection, self.conn), address, name=name, handler=handler,
                                              options=options)
        return BlockingSender(self, sender)

    def create_receiver(self, address: Optional[str] = None, credit: Optional[int] = None, dynamic: bool = False,
                        handler: Optional[Handler] = None, name: Optional[str] = None,
                        options: Any = None) -> BlockingReceiver:
        """Open a receiver from ``address`` (or a dynamic one) and wait until the peer attached it.

        :param credit: messages to prefetch (default 1).
        :param handler: receive with your own handler instead of :meth:`BlockingReceiver.receive`.
        """
        # Without a handler of its own the receiver gets a Fetcher, which queues what arrives for
        # receive(); with one, messages go to that handler and one credit is given by default.
        fetcher = None if handler else Fetcher(self, credit)
        initial_credit = 1 if handler and credit is None else credit
        receiver = self.container.create_receiver(cast(Connection, self.conn), address, name=name, dynamic=dynamic,
                                                  handler=handler or fetcher, options=options)
        return BlockingReceiver(self, receiver, fetcher, credit=initial_credit)  # type: ignore[arg-type]

    def close(self) -> None:
        """Close the connection, waiting for the peer's close, and release everything."""
        if self.closing:
            return
        self.closing = True
        self.container.errors = []
        conn = self.conn
        try:
            if conn:
                conn.close()
                self.wait(lambda: not conn.state & Endpoint.REMOTE_ACTIVE, msg="Closing connection")
                if conn.transport:
                    conn.transport.close_tail()
        finally:
            if conn:
                conn.free()
            self.run()
            if self.conn:
                self.conn.handler = None
                self.conn = None
            self._release_container()

    def _release_container(self) -> None:
        # The loop has ended: drop its pending events (they hold engine objects) and its
        # descriptors now, so that nothing of this connection outlives close() even while the
        # caller still refers to the container.
        container, self.container = self.container, None  # type: ignore[assignment]
        container.stop_events()
        container._release_loop()

    @property
    def url(self) -> Optional[str]:
        """``host:port`` of the peer."""
        return self.conn.connected_address if self.conn else None

    def _shown_url(self) -> Optional[str]:
        # Error texts end up in logs, so a password in the URL is written as "***".
        where = self.url
        return None if where is None else redacted(where)

    def _is_closed(self) -> int:
        return self.conn.state & (Endpoint.LOCAL_CLOSED | Endpoint.REMOTE_CLOSED)  # type: ignore[union-attr]

    def run(self) -> None:
        """Run the loop until nothing is left to do."""
        while self.container.process():
            pass
        self.container.stop()
        self.container.process()

    def wait(self, condition: Callable[[], Any], timeout: Union[None, bool, float] = False,
             msg: Optional[str] = None) -> None:
        """Run the loop until ``condition()`` is true.

        :param timeout: seconds (False: the connection's timeout; None: no limit).
        :raise Timeout: the time ran out.
        :raise ConnectionException: the connection was lost meanwhile.
        """
        limit = self.timeout if timeout is False else timeout
        deadline = None if limit is None else time.monotonic() + float(limit)
        saved = self.container.timeout
        if limit is not None:
            self.container.timeout = limit   # no single wait for I/O may outlast the limit
        try:
            while not (condition() or self.disconnected):
                self.container.process()
                if deadline is not None and time.monotonic() > deadline:
                    what = f"Connection {self._shown_url()} timed out"
                    raise Timeout(f"{what}: {msg}" if msg else what)
        finally:
            self.container.timeout = saved
        if self.disconnected and not self._is_closed():
            raise ConnectionException(f"Connection {self._shown_url()} disconnected: {self.disconnected}")

    def _closed_by_peer(self, endpoint: Any, error: Callable[[Any], Exception]) -> None:
        # Close our end too; unless we are closing everything anyway, the waiting caller hears of it.
        if not endpoint.state & Endpoint.LOCAL_ACTIVE:
            return
        endpoint.close()
        if not self.closing:
            raise error(endpoint)

    def on_link_remote_close(self, event: Event) -> None:
        self._closed_by_peer(event.link, LinkDetached)

    def on_connection_remote_close(self, event: Event) -> None:
        self._closed_by_peer(event.connection, ConnectionClosed)

    def on_transport_closed(self, event: Event) -> None:
        if not self.closing:
            self.disconnected = event.transport.condition or "unknown"

    # either half of the socket closing means the connection is gone
    on_transport_tail_closed = on_transport_head_closed = on_transport_closed


class AtomicCount:
    """A counter that several threads may advance safely.

    :param start: the value before the first :meth:`next`.
    :param step: the increment.
    """

    def __init__(self, start: int = 0, step: int = 1) -> None:
        self.count = start
        self.step = step
        self.lock = threading.Lock()

    def next(self) -> int:
        """Advance and return the new value."""
        with self.lock:
            self.count += self.step
            return self.count


class SyncRequestResponse(IncomingMessageHandler):
    """Request/response over a blocking connection: :meth:`call` sends a request with a reply-to
    address (a dynamic receiver) and a fresh correlation id, and returns the matching response.

    :param connection: the blocking connection.
    :param address: where requests go (or set ``address`` on each request).
    """

    correlation_id = AtomicCount()

    def __init__(self, connection: BlockingConnection, address: Optional[str] = None) -> None:
        super().__init__()
        self.connection = connection
        self.address = address
        self.sender = connection.create_sender(address)
        self.receiver = connection.create_receiver(None, dynamic=True, credit=1, handler=self)
        self.response: Optional[Message] = None

    def call(self, request: Message) -> Message:
        """Send ``request`` and wait for its response."""
        if not self.address and not request.address:
            raise ValueError(f"Request message has no address: {request}")
        request.reply_to = self.reply_to
        correlation = str(self.correlation_id.next())
        request.correlation_id = correlation
        self.sender.send(request)

        def answered() -> bool:
            return bool(self.response and self.response.correlation_id == correlation)

        self.connection.wait(answered, msg="Waiting for response")
        response, self.response = self.response, None
        self.receiver.flow(1)
        return response  # type: ignore[return-value]

    @property
    def reply_to(self) -> str:
        """The dynamic address responses come to."""
        return self.receiver.remote_source.address  # type: ignore[no-any-return]

    def on_message(self, event: Event) -> None:
        self.response = event.message
        self.connection.container.yield_()
