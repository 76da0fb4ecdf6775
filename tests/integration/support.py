# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Peers for the integration tests, written with the public API only.

Everything here runs unchanged on cyproton and on python-qpid-proton 0.40, so the same tests
check both. The module imports only the standard library and ``proton`` (``server_prog.py`` runs
it under the reference interpreter as a separate process).

- :class:`Broker`: a small queue broker (a ``MessagingHandler``) that also records what every
  client asked for (connection properties, link termini, settle modes, ...). What it does with a
  message depends on the address it is sent to, see :meth:`Broker.on_message`.
- :class:`BrokerThread`: a :class:`Broker` in a ``Container`` on a background thread, listening on
  a free port picked beforehand (the reference's acceptor cannot report a port chosen by the OS).
  Commands reach the broker's thread through an ``EventInjector``; :meth:`BrokerThread.stop`
  closes every connection and joins the thread.
- :class:`TcpProxy`: a byte relay (e.g. from ``[::1]`` to the broker on ``127.0.0.1``), which can
  stop relaying to simulate a peer that stops reading, and can do the SASL PLAIN exchange itself
  to see the credentials a client sends.
"""

import collections
import importlib.util
import itertools
import selectors
import socket
import struct
import threading
import time

from proton import UNDESCRIBED, Array, Condition, Data, Delivery, Described, Endpoint, Message, symbol, ulong
from proton.handlers import MessagingHandler
from proton.reactor import ApplicationEvent, Container, EventInjector

#: True when ``proton`` is cyproton (its compiled core), False for python-qpid-proton. Only for
#: ``xfail`` conditions on known cyproton bugs: the tests themselves never branch on it.
CYPROTON = importlib.util.find_spec("proton._cproton") is not None

__all__ = [
    "CYPROTON", "Broker", "BrokerThread", "TcpProxy", "data_value", "free_port", "url_for", "wait_for",
]

#: What the broker does with a message, by the first part of the address ("reject/x" -> reject).
#: Any other address is a plain queue.
BEHAVIOURS = ("reject", "release", "modify", "hold", "service", "chain", "sink")


def free_port(host="127.0.0.1"):
    """A TCP port nobody listens on right now (the kernel's pick, released again)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def url_for(host, port, scheme=None, path=None):
    """``host:port`` as a URL (IPv6 literals get brackets)."""
    text = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if scheme:
        text = f"{scheme}://{text}"
    if path:
        text = f"{text}/{path}"
    return text


def wait_for(predicate, timeout=5.0, interval=0.005, what=None):
    """Poll ``predicate`` until it is true; fail with AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)


def data_value(data):
    """The (first) value held by a ``proton.Data`` (a terminus filter or properties), or None."""
    if data is None:
        return None
    data.rewind()
    if data.next() is None:
        return None
    return data.get_object()


def _terminus(t):
    return {
        "address": t.address,
        "dynamic": bool(t.dynamic),
        "durability": t.durability,
        "expiry_policy": t.expiry_policy,
        "distribution_mode": t.distribution_mode,
        "timeout": t.timeout,
        "filter": data_value(t.filter),
        "properties": data_value(t.properties),
        "capabilities": data_value(t.capabilities),
    }


def _behaviour(address):
    head = (address or "").split("/", 1)[0]
    return head if head in BEHAVIOURS else "queue"


class Broker(MessagingHandler):
    """A queue broker that remembers what its clients did.

    Addresses (the part before the first ``/`` chooses the behaviour):

    - ``reject/...``, ``release/...``, ``modify/...``: the message is stored in :attr:`received`
      and answered with that outcome (``reject`` carries the condition ``test:rejected``, ``modify``
      is delivery-failed, undeliverable-here, with the annotation ``x-opt-reason: busy``);
    - ``hold/...``: stored, never answered (the sender waits forever);
    - ``service/...``: a responder; the reply goes to the request's ``reply_to`` with the request's
      correlation id (or its id) and the body upper-cased when it is a string;
    - ``chain/...``: a queue whose producer hears the outcome only once a consumer has accepted
      the message (end-to-end acknowledgement); released by the consumer or lost with its
      connection, the message is queued again;
    - ``sink/...``: accepted and forgotten (only :attr:`received` keeps it);
    - anything else: a plain queue, accepted on arrival.

    A dynamic source gets the address ``dynamic/<n>``, a queue like any other.

    :ivar connections: one dict per connection a client opened (what the peer announced).
    :ivar links: one dict per link a client attached (names, termini, settle modes).
    :ivar received: (address, Message) for every message received, in order.
    :ivar received_tags: the delivery tag of each of them; :ivar received_settled: whether it came settled.
    :ivar outcomes: (address, body, remote state, delivery) for every message a client settled.
    :ivar events: names of the connection-level events seen, in order (for coarse checks).
    """

    def __init__(self, listen_url=None, idle_timeout=None, offered_capabilities=None, properties=None, **kwargs):
        kwargs.setdefault("auto_accept", False)
        super().__init__(**kwargs)
        self.listen_url = listen_url
        self.idle_timeout = idle_timeout
        self.offered_capabilities = offered_capabilities
        self.properties = properties
        self.acceptor = None
        self.container = None
        self.injector = EventInjector()
        self.ready = threading.Event()
        self.connections = []
        self.links = []
        self.received = []
        self.received_tags = []
        self.received_settled = []
        self.outcomes = []
        self.events = []
        self.queues = collections.defaultdict(collections.deque)
        self._open = []  # server-side connections not yet finished
        self._consumers = []  # broker senders (client receivers)
        self._dynamic = itertools.count(1)
        self.stopping = False

    # -- life -------------------------------------------------------------------------------------

    def on_start(self, event):
        self.container = event.container
        self.acceptor = event.container.listen(self.listen_url)
        event.container.selectable(self.injector)
        self.ready.set()

    def on_broker_call(self, event):
        fn, box = event.subject
        try:
            box["result"] = fn(self)
        except BaseException as exc:  # handed to the calling thread
            box["error"] = exc
        box["done"].set()

    def on_broker_stop(self, event):
        self.stopping = True
        if self.acceptor is not None:
            self.acceptor.close()
        self.close_connections(grace=0.05)
        self.injector.close()

    def close_connections(self, condition=None, grace=0.1):
        """Close every client connection (with ``condition``), then, ``grace`` seconds later, cut
        whatever is left at the socket: as a broker going down does, without waiting for the
        client's answer (which a client told ``amqp:connection:forced`` never sends)."""
        closing = list(self._open)
        for conn in closing:
            if not conn.state & Endpoint.LOCAL_CLOSED:
                if condition is not None:
                    conn.condition = condition
                conn.close()
        self._open = []
        self.container.schedule(grace, _Cut(closing))

    def drop_connections(self):
        """Cut every client connection at the socket, without an AMQP close."""
        _Cut(self._open).on_timer_task(None)
        self._open = []

    def link(self, name):
        """The broker's end of the latest link a client attached under ``name``."""
        for info in reversed(self.links):
            if info["name"] == name:
                return info["link"]
        raise KeyError(name)

    def close_link(self, name, condition=None):
        link = self.link(name)
        if condition is not None:
            link.condition = condition
        link.close()

    def close_session_of(self, name, condition=None):
        session = self.link(name).session
        if condition is not None:
            session.condition = condition
        session.close()

    def close_connection_of(self, name, condition=None):
        conn = self.link(name).connection
        if condition is not None:
            conn.condition = condition
        conn.close()

    # -- connections ------------------------------------------------------------------------------

    def on_connection_opening(self, event):
        conn = event.connection
        self._open.append(conn)
        self.events.append("connection_opening")
        conn.container = self.container.container_id  # accepted connections announce no id by themselves
        if self.offered_capabilities is not None:
            conn.offered_capabilities = self.offered_capabilities
        if self.properties is not None:
            conn.properties = self.properties
        info = {
            "container": conn.remote_container,
            "hostname": conn.remote_hostname,
            "offered_capabilities": conn.remote_offered_capabilities,
            "desired_capabilities": conn.remote_desired_capabilities,
            "properties": conn.remote_properties,
            "connection": conn,
        }
        try:
            transport = event.transport
            if self.idle_timeout:
                transport.idle_timeout = self.idle_timeout
            info.update(max_frame_size=transport.remote_max_frame_size, idle_timeout=transport.remote_idle_timeout,
                        user=transport.user)
        except Exception as exc:  # recorded, so that only the tests that look at these fail
            info.update(max_frame_size=exc, idle_timeout=exc, user=exc)
        self.connections.append(info)

    def on_connection_closing(self, event):
        self.events.append("connection_closing")
        self._forget(event.connection)

    def on_connection_error(self, event):
        self.events.append("connection_error")
        self._forget(event.connection)

    def on_connection_closed(self, event):
        self.events.append("connection_closed")
        self._forget(event.connection)

    def on_disconnected(self, event):
        self.events.append("disconnected")
        self._forget(event.connection)

    def on_transport_error(self, event):
        self.events.append("transport_error")

    def _forget(self, conn):
        if conn is None:
            return
        if conn in self._open:
            self._open.remove(conn)
        for link in [c for c in self._consumers if c.connection == conn]:
            self._drop_consumer(link)

    # -- links ------------------------------------------------------------------------------------

    def on_link_opening(self, event):
        link = event.link
        link.source.copy(link.remote_source)
        link.target.copy(link.remote_target)
        if link.is_sender and link.remote_source.dynamic:
            link.source.address = f"dynamic/{next(self._dynamic)}"
        self.links.append({
            "name": link.name,
            "is_sender": bool(link.is_sender),  # the broker's end: True for a client's receiver
            "source": _terminus(link.remote_source),
            "target": _terminus(link.remote_target),
            "snd_settle_mode": link.remote_snd_settle_mode,
            "rcv_settle_mode": link.remote_rcv_settle_mode,
            "assigned_address": link.source.address if link.is_sender else link.target.address,
            "link": link,
        })
        if link.is_sender:
            link.in_flight = {}
            self._consumers.append(link)

    def on_link_closing(self, event):
        if event.link.is_sender:
            self._drop_consumer(event.link)

    def on_link_closed(self, event):
        if event.link.is_sender:
            self._drop_consumer(event.link)

    def _drop_consumer(self, link):
        if link in self._consumers:
            self._consumers.remove(link)
        in_flight = getattr(link, "in_flight", None) or {}
        for outgoing, entry in list(in_flight.items()):
            self._requeue(link.source.address, entry)
        link.in_flight = {}

    # -- messages in ------------------------------------------------------------------------------

    def on_message(self, event):
        delivery = event.delivery
        message = event.message
        address = event.link.target.address or message.address
        self.received.append((address, message))
        self.received_tags.append(delivery.tag)
        self.received_settled.append(delivery.settled)
        behaviour = _behaviour(address)
        if behaviour == "reject":
            delivery.local.condition = Condition("test:rejected", "rejected by the test broker")
            self.settle(delivery, Delivery.REJECTED)
        elif behaviour == "release":
            self.settle(delivery, Delivery.RELEASED)
        elif behaviour == "modify":
            delivery.local.failed = True
            delivery.local.undeliverable = True
            delivery.local.annotations = {symbol("x-opt-reason"): "busy"}
            self.settle(delivery, Delivery.MODIFIED)
        elif behaviour == "hold":
            pass
        elif behaviour == "sink":
            self.accept(delivery)
        elif behaviour == "service":
            body = message.body.upper() if isinstance(message.body, str) else message.body
            corr = message.correlation_id if message.correlation_id is not None else message.id
            reply = Message(address=message.reply_to, correlation_id=corr, body=body)
            self.accept(delivery)
            self._enqueue(message.reply_to, (reply, None))
        elif behaviour == "chain":
            self._enqueue(address, (message, delivery))
        else:
            self.accept(delivery)
            self._enqueue(address, (message, None))

    def _enqueue(self, address, entry):
        self.queues[address].append(entry)
        for link in list(self._consumers):
            if link.source.address == address:
                self._pump(link)

    def _requeue(self, address, entry):
        self.queues[address].appendleft(entry)

    # -- messages out -----------------------------------------------------------------------------

    def on_sendable(self, event):
        self._pump(event.link)

    def _pump(self, link):
        if link not in self._consumers:
            return
        queue = self.queues[link.source.address]
        while queue and link.credit > 0 and link.state & Endpoint.REMOTE_ACTIVE:
            entry = queue.popleft()
            outgoing = link.send(entry[0])
            link.in_flight[outgoing] = entry

    def on_accepted(self, event):
        entry = self._finish(event)
        if entry is not None and entry[1] is not None:
            self._settle_upstream(entry[1], Delivery.ACCEPTED)

    def on_rejected(self, event):
        entry = self._finish(event)
        if entry is not None and entry[1] is not None:
            self._settle_upstream(entry[1], Delivery.REJECTED)

    def on_released(self, event):
        entry = self._finish(event)
        if entry is not None:
            self._requeue(event.link.source.address, entry)
            self._pump(event.link)

    def _finish(self, event):
        delivery = event.delivery
        entry = self._in_flight_entry(event)
        body = entry[0].body if entry is not None else None
        self.outcomes.append((event.link.source.address, body, delivery.remote_state, delivery))
        if not delivery.settled:
            delivery.settle()  # the outcome is final: settle even when the client waits for us to
        return entry

    def _in_flight_entry(self, event):
        in_flight = getattr(event.link, "in_flight", None)
        if in_flight is None:
            return None
        return in_flight.pop(event.delivery, None)

    def _settle_upstream(self, delivery, state):
        link = delivery.link
        if link is not None and link.state & Endpoint.REMOTE_ACTIVE and link.state & Endpoint.LOCAL_ACTIVE:
            self.settle(delivery, state)


class _Cut:
    """Closes both ends of the transports of ``connections`` (a timer task)."""

    def __init__(self, connections):
        self.connections = list(connections)

    def on_timer_task(self, event):
        for conn in self.connections:
            transport = conn.transport
            if transport is not None:
                transport.close_head()
                transport.close_tail()


class BrokerThread:
    """A :class:`Broker` in its own ``Container``, run by a background thread.

    :param host: the address to listen on (a free port is picked there).
    :param port: a port to use instead of a free one.
    :param broker: the broker (a new :class:`Broker` when omitted).
    :param container_id: the broker container's id.
    """

    def __init__(self, host="127.0.0.1", port=None, broker=None, container_id="test-broker"):
        self.host = host
        self.port = port or free_port(host)
        self.broker = broker if broker is not None else Broker()
        self.broker.listen_url = url_for(host, self.port)
        self.container = Container(self.broker, container_id=container_id)
        self.error = None
        self._thread = threading.Thread(target=self._run, name=f"broker-{self.port}", daemon=True)

    @property
    def url(self):
        """``host:port`` of the broker."""
        return url_for(self.host, self.port)

    def address(self, path):
        """A URL for the broker with ``path`` as its address."""
        return url_for(self.host, self.port, path=path)

    def start(self):
        self._thread.start()
        if not self.broker.ready.wait(10):
            raise RuntimeError(f"broker did not start: {self.error!r}")
        if self.error is not None:
            raise self.error
        return self

    def _run(self):
        try:
            self.container.run()
        except BaseException as exc:
            self.error = exc
            self.broker.ready.set()

    @property
    def alive(self):
        return self._thread.is_alive()

    def call(self, fn, timeout=5.0):
        """Run ``fn(broker)`` on the broker's thread and return its result."""
        box = {"done": threading.Event()}
        self.broker.injector.trigger(ApplicationEvent("broker_call", subject=(fn, box)))
        if not box["done"].wait(timeout):
            raise AssertionError("broker did not answer a call")
        if "error" in box:
            raise box["error"]
        return box.get("result")

    def stop(self, timeout=10.0):
        """Close every connection and the listener, let the container finish, join the thread."""
        if self._thread.is_alive():
            self.broker.injector.trigger(ApplicationEvent("broker_stop"))
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise AssertionError("broker thread did not finish")
        self.container = None
        if self.error is not None:
            raise self.error

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# -- a byte relay -----------------------------------------------------------------------------------

_SASL_HEADER = b"AMQP\x03\x01\x00\x00"
_AMQP_HEADER = b"AMQP\x00\x01\x00\x00"


def _frame(body, frame_type):
    data = Data()
    data.put_object(body)
    payload = data.encode()
    return struct.pack(">IBBH", 8 + len(payload), 2, frame_type, 0) + payload


def _read_exact(sock, n):
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise ConnectionError("peer closed during the SASL exchange")
        out += chunk
    return out


def _read_frame(sock):
    size, doff = struct.unpack(">IB", _read_exact(sock, 5))
    rest = _read_exact(sock, size - 5)
    data = Data()
    data.decode(rest[doff * 4 - 5:])
    data.rewind()
    data.next()
    return _detach(data.get_object())


def _detach(value):
    """Binary values may be views into the decoder's memory (python-qpid-proton): copy them out."""
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, Described):
        return Described(value.descriptor, _detach(value.value))
    if isinstance(value, list):
        return [_detach(v) for v in value]
    return value


class TcpProxy:
    """Relays TCP connections from ``listen_host`` (a free port) to ``target``, on its own thread.

    :param target: (host, port) to relay to.
    :param listen_host: where to listen (``"::1"`` for IPv6).
    :param sasl_plain: when true, the proxy answers the client's SASL layer itself, offering only
        PLAIN, records each ``(authzid, user, password, hostname)`` in :attr:`credentials`, and
        relays the rest of the conversation from the AMQP header on.

    :attr:`relaying` may be set False to stop moving bytes (neither direction is read).
    """

    def __init__(self, target, listen_host="127.0.0.1", sasl_plain=False):
        self.target = target
        self.sasl_plain = sasl_plain
        self.credentials = []
        self.mechanisms_chosen = []
        self.relaying = True
        self.accepted = 0
        family = socket.AF_INET6 if ":" in listen_host else socket.AF_INET
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((listen_host, 0))
        self._listener.listen(8)
        self.host = listen_host
        self.port = self._listener.getsockname()[1]
        self._stop_r, self._stop_w = socket.socketpair()
        self._pairs = {}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"proxy-{self.port}", daemon=True)
        self._thread.start()

    @property
    def url(self):
        return url_for(self.host, self.port)

    def _run(self):
        sel = selectors.DefaultSelector()
        sel.register(self._listener, selectors.EVENT_READ, "accept")
        sel.register(self._stop_r, selectors.EVENT_READ, "stop")
        socks = []
        try:
            while True:
                for key, _ in sel.select(0.02 if not self.relaying else 0.2):
                    if key.data == "stop":
                        return
                    if key.data == "accept":
                        client, _ = self._listener.accept()
                        self.accepted += 1
                        try:
                            first = self._handshake(client)
                            upstream = socket.create_connection(self.target, timeout=5)
                        except OSError:
                            client.close()
                            continue
                        upstream.sendall(first)
                        for s in (client, upstream):
                            s.setblocking(False)
                            socks.append(s)
                        self._pairs[client] = upstream
                        self._pairs[upstream] = client
                        sel.register(client, selectors.EVENT_READ, "data")
                        sel.register(upstream, selectors.EVENT_READ, "data")
                        continue
                    if not self.relaying:
                        continue
                    src = key.fileobj
                    dst = self._pairs.get(src)
                    try:
                        chunk = src.recv(65536)
                    except OSError:
                        chunk = b""
                    if chunk and dst is not None:
                        try:
                            dst.setblocking(True)
                            dst.sendall(chunk)
                            dst.setblocking(False)
                            continue
                        except OSError:
                            pass
                    for s in (src, dst):
                        if s is not None and s in self._pairs:
                            sel.unregister(s)
                            del self._pairs[s]
                            s.close()
                if not self.relaying:
                    time.sleep(0.01)
        finally:
            for s in socks:
                s.close()
            sel.close()

    def _handshake(self, client):
        """Do the SASL PLAIN exchange with ``client``; return the bytes to send upstream first."""
        if not self.sasl_plain:
            return b""
        client.settimeout(5)
        header = _read_exact(client, 8)
        if header != _SASL_HEADER:
            return header  # no SASL layer: relay as it came
        offer = Array(UNDESCRIBED, Data.SYMBOL, symbol("PLAIN"))
        client.sendall(_SASL_HEADER + _frame(Described(ulong(0x40), [offer]), 1))  # sasl-mechanisms
        init = _read_frame(client)
        fields = list(init.value) + [None, None, None]
        mechanism, response, hostname = fields[0], fields[1], fields[2]
        self.mechanisms_chosen.append(str(mechanism))
        parts = bytes(response or b"").split(b"\0")
        if len(parts) == 3:
            self.credentials.append((parts[0].decode(), parts[1].decode(), parts[2].decode(), hostname))
        client.sendall(_frame(Described(ulong(0x44), [0]), 1))  # outcome: ok
        header = _read_exact(client, 8)
        client.settimeout(None)
        return header

    def close(self):
        self._stop_w.send(b"x")
        self._thread.join(10)
        self._listener.close()
        self._stop_r.close()
        self._stop_w.close()
        if self._thread.is_alive():
            raise AssertionError("proxy thread did not finish")
