# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""An embedded AMQP 1.0 broker, written only against the public ``proton`` API.

It serves demos, tests, examples and small deployments. Start it in-process::

    with Broker(address="127.0.0.1:0") as broker:     # port 0: the system picks a free one
        print(broker.url)                              # amqp://127.0.0.1:<port>
        ...                                            # clients connect to broker.url

or from the command line with ``cyproton broker --address 127.0.0.1:5672``.

Addresses
---------

* **Queues.** Any address names a queue, made the first time a link names it (unless the broker
  was built with ``auto_create=False``: then only the queues and topics declared up front exist,
  and a link to anything else is refused with ``amqp:not-found``). Each message on a queue goes
  to one consumer, round robin among those with credit.
* **Topics.** An address that starts with the topic prefix (``topic://`` by default, see
  ``topic_prefix``), an address declared with ``topics=[...]`` or :meth:`Broker.declare_topic`,
  or a link whose terminus carries the capability ``topic``, names a topic: every subscriber gets
  its own copy of each message published after it subscribed. ``topic://news`` and the capability
  form on ``news`` are the same topic. A topic keeps nothing for absent subscribers, except
  durable subscriptions (below).
* **Dynamic queues.** A receiver whose source is *dynamic* gets a fresh queue named
  ``tmp/<32 hex digits>``; the name comes back as the address of the attached source, ready for a
  ``reply_to``. The queue lives as long as that link. A sender with a dynamic target gets one the
  same way.
* **Anonymous relay.** A sender with no target address may send to any address: each message goes
  where its ``to`` field (``Message.address``) says. The broker offers ``ANONYMOUS-RELAY``.

Delivery guarantees
-------------------

The broker follows each link's settle mode. Messages from a sender that presettles are stored and
never acknowledged; unsettled ones are accepted once stored. On the way out, a consumer that asks
for presettled deliveries (at-most-once) has each message removed as it is sent; otherwise the
message waits for the consumer's outcome: *accepted* removes it, *rejected* drops it (or moves it
to the ``dead_letter`` queue when one is configured), *released* puts it back at the head of the
queue as it was, and *modified* puts it back too, with its header's ``delivery_count`` raised by
one and any message annotations from the outcome merged in. (The count goes up for every
*modified*, whether or not ``delivery-failed`` is set, since clients such as python-qpid-proton's
``release(delivered=True)`` leave the flag unset; ``undeliverable-here`` is not honoured: the
message may come back to the same consumer.) A consumer that settles without giving an outcome has
consumed the message. Messages still unsettled when a consumer goes away are put back at the
head, with the count raised, in their original order.

The broker never sends beyond a consumer's credit. When a consumer drains, the broker sends what
it has for it and then gives up the rest of the credit (``sender.drained()``).

Browsing, selectors, durable subscriptions
------------------------------------------

* A receiver whose source asks for distribution mode *copy* browses a queue: it gets copies of the
  messages, which stay for the other consumers.
* A source filter named anything with descriptor ``apache.org:selector-filter:string`` (or the
  numeric descriptor ``0x0000468C00000004``) holds a JMS selector (:mod:`cyproton.selector`); only
  matching messages reach that consumer. The broker echoes the filter in its attached source, so
  the client can see it was taken. A selector that does not parse, or any other filter, refuses
  the link with ``amqp:invalid-field``.
* A topic subscriber whose source has durability *deliveries* (or expiry policy *never*) has a
  durable subscription, named by its container id and link name. Detaching keeps it, and messages
  published meanwhile wait for the subscriber to attach again with the same name; closing the
  link (rather than detaching it) ends the subscription.

Transactions
------------

A sender whose target is a coordinator (``amqp:local-transactions``) declares and discharges
local transactions. Messages sent with a transactional state are held and published at commit
(dropped at rollback); outcomes given with a transactional state are applied at commit and undone
at rollback (the messages become available again). Transactions still open when their
coordinator link or connection goes away are rolled back.

Errors
------

A link the broker cannot serve is refused with a condition: ``amqp:not-found`` (no such node and
``auto_create=False``), ``amqp:invalid-field`` (a bad selector or an unknown filter, a consumer
without an address), ``amqp:not-implemented`` (an unknown transaction control). A client that
sends nonsense or vanishes affects only its own connection: the broker goes on serving the others.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from typing import Any, Callable, Deque, Dict, Iterable, List, Optional, Tuple, Union

from proton import Condition, Delivery, Described, Endpoint, Handler, Message, Terminus, symbol, ulong
from proton._reactor import DEFAULT_HANDSHAKE_TIMEOUT
from proton.reactor import ApplicationEvent, Container, EventInjector

from .selector import Selector, SelectorError

__all__ = ["Broker", "DEFAULT_ADDRESS", "PRODUCT", "STAT_ADDRESS", "main"]

_log = logging.getLogger("cyproton.broker")

#: Where ``cyproton broker`` listens when not told otherwise.
DEFAULT_ADDRESS = "127.0.0.1:5672"
#: The broker's statistics node: a message sent there with a ``reply_to`` address is answered with a
#: map describing the broker (:meth:`Broker.report`), as ``cyproton stat`` asks.
STAT_ADDRESS = "$cyproton-stat"

_SELECTOR_DESCRIPTORS = (symbol("apache.org:selector-filter:string"), ulong(0x0000468C00000004))
_DECLARE = (symbol("amqp:declare:list"), ulong(0x31))
_DISCHARGE = (symbol("amqp:discharge:list"), ulong(0x32))
_TXN_DECLARED = 0x33
_TXN_STATE = 0x34
_ACCEPTED_OUTCOME = Described(ulong(0x24), [])
_ANONYMOUS_RELAY = symbol("ANONYMOUS-RELAY")
_PRODUCT = symbol("product")
#: The ``product`` connection property the broker announces (``cyproton stat`` looks for it).
PRODUCT = "cyproton-broker"
_TOPIC_CAPABILITY = "topic"

# The handler's custom event names (dispatched as on_<name>).
_CALL_EVENT = "cyproton_broker_call"


def _parse_address(address: str) -> Tuple[str, int]:
    """``host:port`` (``amqp://`` allowed, IPv6 in brackets) into its parts."""
    text = address.strip()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0]
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = text, "5672"
    host = host.strip("[]") or "127.0.0.1"
    try:
        return host, int(port)
    except ValueError:
        raise ValueError(f"not a HOST:PORT address: {address!r}") from None


# -- stored messages -----------------------------------------------------------------------------

class _Entry:
    """One stored message: its encoded bytes, plus the decoded form when something needed it.

    Entries are immutable once stored (a topic shares one entry among its subscriptions); a
    redelivery that changes the header makes a new entry with the same ``seq``.
    """

    __slots__ = ("payload", "seq", "_message")

    def __init__(self, payload: bytes, seq: int) -> None:
        self.payload = payload
        self.seq = seq
        self._message: Optional[Message] = None

    def message(self) -> Optional[Message]:
        """The decoded message, or None when the bytes do not decode."""
        found = self._message
        if found is None:
            found = Message()
            try:
                found.decode(self.payload)
            except Exception:  # a client may send anything; it is simply not a message then
                return None
            self._message = found
        return found

    def redelivered(self, failed: bool, annotations: Optional[Dict[Any, Any]]) -> _Entry:
        """The entry to put back after a delivery attempt: the count raised when ``failed``, and
        ``annotations`` merged into the message annotations."""
        if not failed and not annotations:
            return self
        fresh = Message()
        try:
            fresh.decode(self.payload)
        except Exception:
            return self
        if failed:
            fresh.delivery_count = (fresh.delivery_count or 0) + 1
        if annotations:
            merged = dict(fresh.annotations or {})
            merged.update(annotations)
            fresh.annotations = merged
        return _Entry(fresh.encode(), self.seq)


def _matches(selector: Optional[Selector], entry: _Entry) -> bool:
    if selector is None:
        return True
    message = entry.message()
    return message is not None and selector.matches(message)


# -- nodes ----------------------------------------------------------------------------------------

class _Queue:
    """Messages in order, handed to consumers round robin and shown to browsers."""

    __slots__ = ("name", "entries", "consumers", "browsers", "selective", "rr", "broker", "selector",
                 "durable_key")

    def __init__(self, broker: _BrokerHandler, name: str, selector: Optional[Selector] = None) -> None:
        self.name = name
        self.entries: Deque[_Entry] = deque()
        self.consumers: List[_Outbound] = []
        self.browsers: List[_Outbound] = []
        self.selective = 0          # how many consumers carry a selector
        self.rr = 0
        self.broker = broker
        # for a topic subscription: the subscriber's selector, applied when the topic publishes
        self.selector = selector
        self.durable_key: Optional[Tuple[str, str]] = None

    # arrivals

    def publish(self, entry: _Entry) -> None:
        """Store ``entry`` and hand it on if someone can take it now."""
        if self.browsers:
            self.entries.append(entry)
            for browser in list(self.browsers):
                self.broker.browse(browser)
            self.pump()
            return
        if self.consumers and (self.selective or not self.entries):
            # Nothing older is waiting (or the older ones suit no one with credit), so only this
            # entry can be placed.
            consumer = self._pick(entry)
            if consumer is not None:
                self.broker.send(consumer, entry)
                return
        self.entries.append(entry)

    def requeue(self, entries: Iterable[_Entry]) -> None:
        """Put ``entries`` (in their original order) back at the head, then hand them out again."""
        for entry in reversed(list(entries)):
            self.entries.appendleft(entry)
        self.pump()

    def _pick(self, entry: _Entry) -> Optional[_Outbound]:
        consumers = self.consumers
        count = len(consumers)
        start = self.rr
        for step in range(count):
            consumer = consumers[(start + step) % count]
            if consumer.link.credit > 0 and (consumer.selector is None or _matches(consumer.selector, entry)):
                self.rr = (start + step + 1) % count
                return consumer
        return None

    # credit

    def pump(self) -> None:
        """Hand out waiting entries while consumers have credit."""
        entries = self.entries
        consumers = self.consumers
        if not entries or not consumers:
            return
        if self.selective:
            self._pump_selective()
            return
        send = self.broker.send
        count = len(consumers)
        at = self.rr % count
        idle = 0
        while entries:
            consumer = consumers[at]
            at = (at + 1) % count
            if consumer.link.credit > 0:
                send(consumer, entries.popleft())
                idle = 0
            else:
                idle += 1
                if idle >= count:
                    break
        self.rr = at

    def _pump_selective(self) -> None:
        ready = [c for c in self.consumers if c.link.credit > 0]
        if not ready:
            return
        kept: Deque[_Entry] = deque()
        entries = self.entries
        send = self.broker.send
        while entries and ready:
            entry = entries.popleft()
            for consumer in ready:
                if consumer.selector is None or _matches(consumer.selector, entry):
                    send(consumer, entry)
                    if consumer.link.credit <= 0:
                        ready.remove(consumer)
                    else:               # rotate, so that equals share the work
                        ready.remove(consumer)
                        ready.append(consumer)
                    break
            else:
                kept.append(entry)
        kept.extend(entries)
        self.entries = kept

    # consumers

    def add_consumer(self, consumer: _Outbound) -> None:
        if consumer.browse:
            self.browsers.append(consumer)
            return
        self.consumers.append(consumer)
        if consumer.selector is not None:
            self.selective += 1

    def remove_consumer(self, consumer: _Outbound) -> None:
        if consumer in self.browsers:
            self.browsers.remove(consumer)
        elif consumer in self.consumers:
            self.consumers.remove(consumer)
            if consumer.selector is not None:
                self.selective -= 1
            self.rr = 0


class _Topic:
    """Fan-out: each subscription (a private queue) gets every message that suits it."""

    __slots__ = ("name", "subscriptions")

    def __init__(self, name: str) -> None:
        self.name = name
        self.subscriptions: List[_Queue] = []

    def publish(self, entry: _Entry) -> None:
        for subscription in self.subscriptions:
            if subscription.selector is None or _matches(subscription.selector, entry):
                subscription.publish(entry)


class _StatNode:
    """The node at :data:`STAT_ADDRESS`: each request that arrives (a message with a ``reply_to``)
    is answered with :meth:`_BrokerHandler.report` on the queue ``reply_to`` names."""

    __slots__ = ("broker", "name")

    def __init__(self, broker: _BrokerHandler) -> None:
        self.broker = broker
        self.name = STAT_ADDRESS

    def publish(self, entry: _Entry) -> None:
        request = entry.message()
        if request is None or not request.reply_to:
            _log.info("broker: a request to %s without reply_to was dropped", STAT_ADDRESS)
            return
        reply_queue = self.broker.resolve(request.reply_to, create=False)
        if reply_queue is None:
            _log.info("broker: no queue %r to answer a request to %s", request.reply_to, STAT_ADDRESS)
            return
        correlation = request.correlation_id if request.correlation_id is not None else request.id
        reply = Message(body=self.broker.report(), correlation_id=correlation, address=request.reply_to,
                        subject="stat")
        reply_queue.publish(self.broker._entry(reply.encode()))


_Node = Union[_Queue, _Topic, _StatNode]


# -- link roles -----------------------------------------------------------------------------------

class _Client:
    """What the broker knows about one connection."""

    __slots__ = ("connection", "roles", "container_id", "gone")

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.roles: List[Any] = []
        self.container_id = ""
        self.gone = False


class _Inbound:
    """A client's sender: messages come in to ``node`` (None: anonymous relay, by ``to``)."""

    __slots__ = ("link", "client", "node", "dynamic_name")

    def __init__(self, link: Any, client: _Client, node: Optional[_Node], dynamic_name: Optional[str]) -> None:
        self.link = link
        self.client = client
        self.node = node
        self.dynamic_name = dynamic_name


class _Outbound:
    """A client's receiver: messages go out from ``queue`` (for a topic: the subscription queue)."""

    __slots__ = ("link", "client", "queue", "selector", "browse", "presettled", "unacked", "tags", "cursor",
                 "topic", "dynamic_name")

    def __init__(self, link: Any, client: _Client, queue: _Queue, selector: Optional[Selector], browse: bool) -> None:
        self.link = link
        self.client = client
        self.queue = queue
        self.selector = selector
        self.browse = browse
        self.presettled = link.snd_settle_mode == link.SND_SETTLED
        self.unacked: Dict[Any, _Entry] = {}
        self.tags = 0
        self.cursor = -1              # browsers: the last seq shown
        self.topic: Optional[_Topic] = None
        self.dynamic_name: Optional[str] = None


class _Coordinator:
    """A client's transaction controller link."""

    __slots__ = ("link", "client", "txns")

    def __init__(self, link: Any, client: _Client) -> None:
        self.link = link
        self.client = client
        self.txns: List[_Txn] = []


class _Txn:
    """A local transaction: messages and outcomes held until discharge."""

    __slots__ = ("txn_id", "coordinator", "publishes", "acks")

    def __init__(self, txn_id: bytes, coordinator: _Coordinator) -> None:
        self.txn_id = txn_id
        self.coordinator = coordinator
        self.publishes: List[Tuple[_Node, _Entry]] = []
        # (consumer, delivery, entry, outcome code)
        self.acks: List[Tuple[_Outbound, Any, _Entry, int]] = []


# -- the event handler ---------------------------------------------------------------------------

def _read_filters(terminus: Any) -> Dict[Any, Any]:
    data = terminus.filter
    data.rewind()
    if data.next() is None:
        return {}
    found = data.get_object()
    return dict(found) if isinstance(found, dict) else {}


def _capabilities(terminus: Any) -> List[str]:
    data = terminus.capabilities
    data.rewind()
    if data.next() is None:
        return []
    found = data.get_object()
    if isinstance(found, (list, tuple)):
        return [str(item) for item in found]
    try:
        return [str(item) for item in found]  # an Array of symbols
    except TypeError:
        return [str(found)]


def _described(value: Any) -> Tuple[Any, Any]:
    """``(descriptor, value)`` of a described value, ``(None, value)`` for anything else."""
    descriptor = getattr(value, "descriptor", None)
    if descriptor is None:
        return None, value
    return descriptor, getattr(value, "value", None)


class _BrokerHandler(Handler):
    """The broker's event handler: all broker state lives here, on the container's thread."""

    def __init__(self, broker: Broker) -> None:
        super().__init__()
        self.options = broker
        self.queues: Dict[str, _Queue] = {}
        self.topics: Dict[str, _Topic] = {}
        self.durable: Dict[Tuple[str, str], _Queue] = {}
        self.clients: Dict[Any, _Client] = {}
        self.roles: Dict[Any, Any] = {}
        self.txns: Dict[bytes, _Txn] = {}
        self.seq = 0
        self.txn_counter = 0
        self.acceptor: Any = None
        self.injector: Optional[EventInjector] = None
        self.window = broker.credit_window
        self.low_water = max(1, broker.credit_window // 2)
        self.container_id = broker.container_id
        self.stat_node = _StatNode(self)
        for name in broker.initial_queues:
            self.queues[name] = _Queue(self, name)
        # topics whose plain name (no prefix, no capability) means the topic
        self.declared_topics = set(broker.initial_topics)
        for name in broker.initial_topics:
            self.topics[name] = _Topic(name)

    # -- guards: a client's problem must never stop the broker --------------------------------------

    def _fault(self, event: Any, where: str) -> None:
        _log.exception("broker: error while handling %s", where)
        try:
            connection = event.connection
            if connection is not None and not connection.state & Endpoint.LOCAL_CLOSED:
                connection.condition = Condition("amqp:internal-error", f"broker error in {where}")
                connection.close()
        except Exception:
            _log.exception("broker: could not close the connection after an error")

    # -- names and nodes ------------------------------------------------------------------------------

    def _split(self, address: str, capabilities: List[str]) -> Tuple[str, bool]:
        """``(node name, is a topic)`` for an address."""
        prefix = self.options.topic_prefix
        if prefix and address.startswith(prefix):
            return address[len(prefix):], True
        if _TOPIC_CAPABILITY in capabilities or address in self.declared_topics:
            return address, True
        return address, False

    def resolve(self, address: str, capabilities: List[str] = [], create: Optional[bool] = None  # noqa: B006
                ) -> Optional[Union[_Queue, _Topic]]:
        """The node for ``address``; made when missing and the broker creates on demand."""
        name, is_topic = self._split(address, capabilities)
        if create is None:
            create = self.options.auto_create
        if is_topic:
            topic = self.topics.get(name)
            if topic is None and create:
                topic = self.topics[name] = _Topic(name)
            return topic
        queue = self.queues.get(name)
        if queue is None and create:
            queue = self.queues[name] = _Queue(self, name)
        return queue

    def _dynamic_name(self) -> str:
        while True:
            name = "tmp/" + uuid.uuid4().hex
            if name not in self.queues:
                return name

    def report(self) -> Dict[str, Any]:
        """What ``cyproton stat`` shows: every queue (depth, consumers, browsers, unacknowledged), topic
        (subscriptions and their backlog), durable subscription, connection (peer, container id,
        user) with its links (role as the client sees it, address, credit, unacknowledged), and totals."""
        queues = [{"name": q.name, "depth": len(q.entries), "consumers": len(q.consumers), "browsers": len(q.browsers),
                   "unacked": sum(len(c.unacked) for c in q.consumers)}
                  for q in self.queues.values()]
        topics = [{"name": t.name, "subscriptions": len(t.subscriptions),
                   "backlog": sum(len(s.entries) for s in t.subscriptions)} for t in self.topics.values()]
        durable = [{"name": f"{k[0]}/{k[1]}", "depth": len(q.entries), "attached": bool(q.consumers)}
                   for k, q in self.durable.items()]
        connections = []
        link_count = 0
        for client in self.clients.values():
            connection = client.connection
            transport = connection.transport
            links = []
            for role in client.roles:
                link = role.link
                if isinstance(role, _Inbound):
                    kind, address = "sender", role.node.name if role.node is not None else "(anonymous relay)"
                elif isinstance(role, _Outbound):
                    kind = "receiver"
                    address = role.topic.name if role.topic is not None else role.queue.name
                else:
                    kind, address = "coordinator", "(transactions)"
                entry = {"name": link.name, "role": kind, "address": address, "credit": int(link.credit)}
                if isinstance(role, _Outbound):
                    entry["unacked"] = len(role.unacked)
                    entry["browse"] = role.browse
                links.append(entry)
            link_count += len(links)
            connections.append({"container_id": client.container_id, "peer": connection.connected_address or "",
                                "user": (transport.user if transport is not None else None) or "", "links": links})
        return {
            "container_id": self.container_id,
            "queues": queues, "topics": topics, "durable_subscriptions": durable, "connections": connections,
            "totals": {"queues": len(queues), "messages": sum(q["depth"] for q in queues), "topics": len(topics),
                       "connections": len(connections), "links": link_count, "transactions": len(self.txns)},
        }

    def _entry(self, payload: bytes) -> _Entry:
        self.seq += 1
        return _Entry(payload, self.seq)

    # -- custom events ------------------------------------------------------------------------------

    def on_cyproton_broker_call(self, event: Any) -> None:
        call = getattr(event, "subject", None)
        if call is None:
            call = event.context.subject
        call.run(self)

    # -- connections and sessions --------------------------------------------------------------------

    def on_connection_remote_open(self, event: Any) -> None:
        try:
            connection = event.connection
            client = self.clients.get(connection)
            if client is None:
                client = self.clients[connection] = _Client(connection)
            client.container_id = connection.remote_container or ""
            if connection.state & Endpoint.LOCAL_UNINIT:
                connection.container = self.container_id
                connection.offered_capabilities = [_ANONYMOUS_RELAY]
                connection.properties = {_PRODUCT: PRODUCT}
                connection.open()
        except Exception:
            self._fault(event, "connection open")

    def on_session_remote_open(self, event: Any) -> None:
        try:
            session = event.session
            if session.state & Endpoint.LOCAL_UNINIT:
                session.open()
        except Exception:
            self._fault(event, "session open")

    def on_session_remote_close(self, event: Any) -> None:
        try:
            session = event.session
            for link_role in [r for r in self.roles.values() if r.link.session == session]:
                self._drop_role(link_role, closed=False)
            if not session.state & Endpoint.LOCAL_CLOSED:
                session.close()
        except Exception:
            self._fault(event, "session close")

    def on_connection_remote_close(self, event: Any) -> None:
        try:
            connection = event.connection
            self._forget_client(connection)
            if not connection.state & Endpoint.LOCAL_CLOSED:
                connection.close()
        except Exception:
            self._fault(event, "connection close")

    def on_transport_closed(self, event: Any) -> None:
        try:
            connection = event.connection
            if connection is not None:
                self._forget_client(connection)
        except Exception:
            _log.exception("broker: error while cleaning up a closed transport")

    def on_transport_error(self, event: Any) -> None:
        condition = event.transport.condition if event.transport is not None else None
        _log.info("broker: transport error: %s", condition)

    def _forget_client(self, connection: Any) -> None:
        client = self.clients.pop(connection, None)
        if client is None or client.gone:
            return
        client.gone = True
        for link_role in list(client.roles):
            self._drop_role(link_role, closed=False)

    # -- links ----------------------------------------------------------------------------------------

    def on_link_remote_open(self, event: Any) -> None:
        link = event.link
        try:
            if not link.state & Endpoint.LOCAL_UNINIT:
                return
            connection = link.connection
            client = self.clients.get(connection)
            if client is None:
                client = self.clients[connection] = _Client(connection)
            if link.is_sender:
                self._attach_outbound(link, client)
            else:
                self._attach_inbound(link, client)
        except Exception:
            _log.exception("broker: error while attaching link %s", link.name)
            self._refuse(link, "amqp:internal-error", "the broker could not attach this link")

    def _refuse(self, link: Any, name: str, description: str) -> None:
        """Answer an attach with a null terminus, then detach with ``name``: ``description``."""
        _log.info("broker: refusing link %r: %s %s", link.name, name, description)
        try:
            if link.state & Endpoint.LOCAL_UNINIT:
                if link.is_sender:
                    link.source.type = Terminus.UNSPECIFIED
                    link.target.copy(link.remote_target)
                else:
                    link.target.type = Terminus.UNSPECIFIED
                    link.source.copy(link.remote_source)
                link.open()
            link.condition = Condition(name, description)
            link.close()
        except Exception:
            _log.exception("broker: could not refuse link %r", link.name)

    def _attach_inbound(self, link: Any, client: _Client) -> None:
        target = link.remote_target
        if target.type == Terminus.COORDINATOR:
            coordinator = _Coordinator(link, client)
            link.target.copy(target)
            link.source.copy(link.remote_source)
            self._add_role(client, coordinator)
            link.open()
            link.flow(self.window)
            return
        node: Optional[_Node] = None
        dynamic_name = None
        if target.dynamic:
            dynamic_name = self._dynamic_name()
            node = self.queues[dynamic_name] = _Queue(self, dynamic_name)
        elif target.address == STAT_ADDRESS:
            node = self.stat_node
        elif target.address:
            node = self.resolve(target.address, _capabilities(target))
            if node is None:
                self._refuse(link, "amqp:not-found", f"no node named {target.address!r}")
                return
        link.target.copy(target)
        if dynamic_name is not None:
            link.target.address = dynamic_name
        link.source.copy(link.remote_source)
        link.snd_settle_mode = link.remote_snd_settle_mode
        link.rcv_settle_mode = link.RCV_FIRST
        self._add_role(client, _Inbound(link, client, node, dynamic_name))
        link.open()
        link.flow(self.window)

    def _attach_outbound(self, link: Any, client: _Client) -> None:
        source = link.remote_source
        try:
            selector = self._selector_of(source)
        except ValueError as problem:
            self._refuse(link, "amqp:invalid-field", str(problem))
            return
        capabilities = _capabilities(source)
        dynamic_name = None
        topic: Optional[_Topic] = None
        if source.dynamic:
            dynamic_name = self._dynamic_name()
            queue = self.queues[dynamic_name] = _Queue(self, dynamic_name)
        elif not source.address:
            self._refuse(link, "amqp:invalid-field", "a receiver needs a source address (or a dynamic source)")
            return
        else:
            node = self.resolve(source.address, capabilities)
            if node is None:
                self._refuse(link, "amqp:not-found", f"no node named {source.address!r}")
                return
            if isinstance(node, _Topic):
                topic = node
                queue = self._subscription(link, client, topic, selector, source)
                selector = None     # the topic applies it when publishing
            else:
                queue = node
        link.source.copy(source)
        if dynamic_name is not None:
            link.source.address = dynamic_name
        link.target.copy(link.remote_target)
        link.snd_settle_mode = link.remote_snd_settle_mode
        browse = topic is None and source.distribution_mode == Terminus.DIST_MODE_COPY
        consumer = _Outbound(link, client, queue, selector, browse)
        consumer.topic = topic
        consumer.dynamic_name = dynamic_name
        self._add_role(client, consumer)
        queue.add_consumer(consumer)
        link.open()
        if browse:
            self.browse(consumer)
        else:
            queue.pump()

    def _selector_of(self, source: Any) -> Optional[Selector]:
        """The selector in ``source``'s filter set, None without one; ValueError for a bad filter."""
        filters = _read_filters(source)
        selector: Optional[Selector] = None
        for key, value in filters.items():
            descriptor, text = _described(value)
            if descriptor in _SELECTOR_DESCRIPTORS:
                if not isinstance(text, str):
                    raise ValueError(f"selector filter '{key}' must hold a string")
                try:
                    selector = Selector(text)
                except SelectorError as problem:
                    raise ValueError(f"invalid selector in filter '{key}': {problem}") from None
            else:
                raise ValueError(f"unsupported filter '{key}' (descriptor {descriptor}): only selector "
                                 f"filters are understood")
        return selector

    def _subscription(self, link: Any, client: _Client, topic: _Topic, selector: Optional[Selector],
                      source: Any) -> _Queue:
        durable = source.durability == Terminus.DELIVERIES or source.expiry_policy == Terminus.EXPIRE_NEVER
        if durable:
            key = (client.container_id, link.name)
            queue = self.durable.get(key)
            if queue is not None:
                for previous in list(queue.consumers):   # the same subscriber attached again
                    self._refuse_stolen(previous)
                queue.selector = selector
                if queue not in topic.subscriptions:
                    topic.subscriptions.append(queue)
                return queue
            queue = _Queue(self, f"{topic.name}#{client.container_id}/{link.name}", selector)
            queue.durable_key = key
            self.durable[key] = queue
        else:
            queue = _Queue(self, f"{topic.name}#{uuid.uuid4().hex}", selector)
        topic.subscriptions.append(queue)
        return queue

    def _refuse_stolen(self, previous: _Outbound) -> None:
        self._drop_role(previous, closed=False)
        link = previous.link
        if not link.state & Endpoint.LOCAL_CLOSED:
            link.condition = Condition("amqp:link:stolen", "the durable subscription was attached elsewhere")
            link.close()

    def _add_role(self, client: _Client, link_role: Any) -> None:
        client.roles.append(link_role)
        self.roles[link_role.link] = link_role

    def on_link_remote_close(self, event: Any) -> None:
        self._link_ended(event, closed=True)

    def on_link_remote_detach(self, event: Any) -> None:
        self._link_ended(event, closed=False)

    def _link_ended(self, event: Any, closed: bool) -> None:
        link = event.link
        try:
            link_role = self.roles.get(link)
            if link_role is not None:
                self._drop_role(link_role, closed)
            if not link.state & Endpoint.LOCAL_CLOSED:
                if closed:
                    link.close()
                else:
                    link.detach()
        except Exception:
            self._fault(event, "link detach")

    def _drop_role(self, link_role: Any, closed: bool) -> None:
        """Undo everything a link set up: consumers leave, unsettled messages go back, dynamic
        queues go, open transactions roll back. ``closed``: the link was closed, not detached."""
        if self.roles.pop(link_role.link, None) is None:
            return
        if link_role in link_role.client.roles:
            link_role.client.roles.remove(link_role)
        if isinstance(link_role, _Outbound):
            queue = link_role.queue
            queue.remove_consumer(link_role)
            if link_role.unacked and not link_role.browse:
                back = [entry.redelivered(True, None) for entry in link_role.unacked.values()]
                link_role.unacked.clear()
                if link_role.topic is None or queue.durable_key is not None or queue.consumers:
                    queue.requeue(back)
            if link_role.topic is not None:
                keep = queue.durable_key is not None and not closed
                if not keep:
                    if queue in link_role.topic.subscriptions:
                        link_role.topic.subscriptions.remove(queue)
                    if queue.durable_key is not None:
                        self.durable.pop(queue.durable_key, None)
            if link_role.dynamic_name is not None:
                self.queues.pop(link_role.dynamic_name, None)
        elif isinstance(link_role, _Inbound):
            if link_role.dynamic_name is not None:
                self.queues.pop(link_role.dynamic_name, None)
        elif isinstance(link_role, _Coordinator):
            for txn in list(link_role.txns):
                self._rollback(txn)

    # -- flow -----------------------------------------------------------------------------------------

    def on_link_flow(self, event: Any) -> None:
        link = event.link
        consumer = self.roles.get(link)
        if consumer is None or consumer.__class__ is not _Outbound:
            return
        try:
            if consumer.browse:
                self.browse(consumer)
            else:
                consumer.queue.pump()
                if link.drain_mode and link.credit > 0:
                    link.drained()
        except Exception:
            self._fault(event, "link flow")

    def browse(self, browser: _Outbound) -> None:
        """Send ``browser`` copies of the entries it has not seen yet, within its credit."""
        link = browser.link
        if link.credit > 0:
            cursor = browser.cursor
            selector = browser.selector
            for entry in list(browser.queue.entries):
                if entry.seq <= cursor or not _matches(selector, entry):
                    continue
                self.send(browser, entry)
                browser.cursor = entry.seq
                if link.credit <= 0:
                    break
        if link.drain_mode and link.credit > 0:
            link.drained()

    def send(self, consumer: _Outbound, entry: _Entry) -> None:
        """Send ``entry`` on ``consumer``'s link (the caller has checked the credit)."""
        link = consumer.link
        consumer.tags += 1
        delivery = link.delivery(str(consumer.tags))
        link.stream(entry.payload)
        link.advance()
        if consumer.presettled:
            delivery.settle()
        elif not consumer.browse:
            consumer.unacked[delivery] = entry

    # -- deliveries -----------------------------------------------------------------------------------

    def on_delivery(self, event: Any) -> None:
        link = event.link
        link_role = self.roles.get(link)
        delivery = event.delivery
        try:
            if link_role is None:
                if delivery.readable and not delivery.partial:
                    link.advance()              # a link being torn down: drop what still arrives
                    delivery.settle()
                return
            kind = link_role.__class__
            if kind is _Inbound:
                self._incoming(link_role, link, delivery)
            elif kind is _Outbound:
                self._outcome(link_role, delivery)
            else:
                self._control(link_role, link, delivery)
        except Exception:
            self._fault(event, "delivery")

    def _incoming(self, inbound: _Inbound, link: Any, delivery: Any) -> None:
        if delivery.aborted:
            link.advance()
            delivery.settle()
            return
        if delivery.partial or not delivery.readable:
            return
        payload = link.recv(delivery.pending) or b""
        link.advance()
        entry = self._entry(payload)
        node = inbound.node
        if node is None:
            node = self._route(entry, delivery)
            if node is None:
                return
        if delivery.remote_state == _TXN_STATE:
            self._held_publish(node, entry, delivery)
        else:
            node.publish(entry)
            if not delivery.settled:
                delivery.update(Delivery.ACCEPTED)
            delivery.settle()
        if link.credit < self.low_water:
            link.flow(self.window - link.credit)

    def _route(self, entry: _Entry, delivery: Any) -> Optional[_Node]:
        """Anonymous relay: the node named by the message's ``to``; rejects and returns None when
        there is none."""
        message = entry.message()
        if message is None:
            self._reject(delivery, "amqp:decode-error", "the message could not be decoded for routing")
            return None
        if not message.address:
            self._reject(delivery, "amqp:invalid-field", "a message on an anonymous link needs a 'to' address")
            return None
        node = self.resolve(message.address)
        if node is None:
            self._reject(delivery, "amqp:not-found", f"no node named {message.address!r}")
        return node

    @staticmethod
    def _reject(delivery: Any, name: str, description: str) -> None:
        if not delivery.settled:
            delivery.local.condition = Condition(name, description)
            delivery.update(Delivery.REJECTED)
        delivery.settle()

    def _outcome(self, consumer: _Outbound, delivery: Any) -> None:
        state = delivery.remote_state
        if consumer.browse:
            if state or delivery.settled:
                delivery.settle()
            return
        entry = consumer.unacked.get(delivery)
        if entry is None:
            if delivery.settled:
                delivery.settle()
            return
        if state == Delivery.ACCEPTED:
            del consumer.unacked[delivery]
        elif state == _TXN_STATE:
            self._held_outcome(consumer, delivery, entry)
            return
        elif state == Delivery.RELEASED:
            del consumer.unacked[delivery]
            consumer.queue.requeue([entry])
        elif state == Delivery.MODIFIED:
            # Every 'modified' counts as a delivery attempt, with or without the delivery-failed
            # flag: python-qpid-proton's release(delivered=True) sends it without the flag.
            del consumer.unacked[delivery]
            consumer.queue.requeue([entry.redelivered(True, delivery.remote.annotations)])
        elif state == Delivery.REJECTED:
            del consumer.unacked[delivery]
            self._dead_letter(entry)
        elif delivery.settled:          # settled without an outcome: taken as consumed
            del consumer.unacked[delivery]
        else:
            return                      # e.g. a 'received' progress report
        delivery.settle()

    def _dead_letter(self, entry: _Entry) -> None:
        name = self.options.dead_letter
        if name:
            queue = self.queues.get(name)
            if queue is None:
                queue = self.queues[name] = _Queue(self, name)
            queue.publish(entry)

    # -- transactions ------------------------------------------------------------------------------

    def _txn_of(self, delivery: Any) -> Tuple[Optional[_Txn], Any]:
        """The transaction named in a transactional state, and the outcome inside it."""
        data = delivery.remote.data or []
        txn_id = data[0] if data else None
        outcome = data[1] if len(data) > 1 else None
        if isinstance(txn_id, (bytes, bytearray, memoryview)):
            txn_id = bytes(txn_id)
        return self.txns.get(txn_id) if txn_id is not None else None, outcome

    def _held_publish(self, node: _Node, entry: _Entry, delivery: Any) -> None:
        txn, _ = self._txn_of(delivery)
        if txn is None:
            self._reject(delivery, "amqp:transaction:unknown-id", "no such transaction")
            return
        txn.publishes.append((node, entry))
        if not delivery.settled:
            delivery.local.data = [txn.txn_id, _ACCEPTED_OUTCOME]
            delivery.update(_TXN_STATE)
        delivery.settle()

    def _held_outcome(self, consumer: _Outbound, delivery: Any, entry: _Entry) -> None:
        txn, outcome = self._txn_of(delivery)
        code = int(Delivery.ACCEPTED)
        descriptor, _ = _described(outcome)
        if descriptor is not None:
            code = int(descriptor) if not isinstance(descriptor, str) else {
                "amqp:accepted:list": 0x24, "amqp:rejected:list": 0x25, "amqp:released:list": 0x26,
                "amqp:modified:list": 0x27}.get(str(descriptor), Delivery.ACCEPTED)
        del consumer.unacked[delivery]
        if txn is None:
            _log.info("broker: outcome under an unknown transaction, applied at once")
            self._apply_outcome(consumer.queue, entry, code)
            delivery.settle()
            return
        txn.acks.append((consumer, delivery, entry, code))

    def _apply_outcome(self, queue: _Queue, entry: _Entry, code: int) -> None:
        if code == Delivery.REJECTED:
            self._dead_letter(entry)
        elif code in (Delivery.RELEASED, Delivery.MODIFIED):
            queue.requeue([entry])

    def _control(self, coordinator: _Coordinator, link: Any, delivery: Any) -> None:
        if delivery.partial or not delivery.readable:
            return
        payload = link.recv(delivery.pending) or b""
        link.advance()
        if link.credit < self.low_water:
            link.flow(self.window - link.credit)
        control = Message()
        try:
            control.decode(payload)
        except Exception:
            self._reject(delivery, "amqp:decode-error", "the transaction control message does not decode")
            return
        descriptor, fields = _described(control.body)
        fields = list(fields) if isinstance(fields, (list, tuple)) else []
        if descriptor in _DECLARE:
            self.txn_counter += 1
            txn_id = b"txn-%d" % self.txn_counter
            txn = self.txns[txn_id] = _Txn(txn_id, coordinator)
            coordinator.txns.append(txn)
            delivery.local.data = [txn_id]
            delivery.update(_TXN_DECLARED)
            delivery.settle()
        elif descriptor in _DISCHARGE:
            named: Any = fields[0] if fields else None
            if isinstance(named, (bytearray, memoryview)):
                named = bytes(named)
            found = self.txns.get(named) if isinstance(named, bytes) else None
            if found is None:
                self._reject(delivery, "amqp:transaction:unknown-id", f"no transaction {named!r}")
                return
            if len(fields) > 1 and fields[1]:
                self._rollback(found)
            else:
                self._commit(found)
            delivery.update(Delivery.ACCEPTED)
            delivery.settle()
        else:
            self._reject(delivery, "amqp:not-implemented", f"unknown transaction control {descriptor!r}")

    def _end_txn(self, txn: _Txn) -> None:
        self.txns.pop(txn.txn_id, None)
        if txn in txn.coordinator.txns:
            txn.coordinator.txns.remove(txn)

    def _commit(self, txn: _Txn) -> None:
        self._end_txn(txn)
        for node, entry in txn.publishes:
            node.publish(entry)
        for consumer, delivery, entry, code in txn.acks:
            self._apply_outcome(consumer.queue, entry, code)
            delivery.settle()

    def _rollback(self, txn: _Txn) -> None:
        self._end_txn(txn)
        by_queue: Dict[int, Tuple[_Queue, List[_Entry]]] = {}
        for consumer, delivery, entry, _ in txn.acks:
            by_queue.setdefault(id(consumer.queue), (consumer.queue, []))[1].append(entry)
            delivery.settle()
        for queue, entries in by_queue.values():
            queue.requeue(entries)

    # -- shutdown -------------------------------------------------------------------------------------

    def shutdown(self, container: Any) -> None:
        if self.acceptor is not None:
            self.acceptor.close()
            self.acceptor = None
        for client in list(self.clients.values()):
            try:
                if not client.connection.state & Endpoint.LOCAL_CLOSED:
                    client.connection.close()
            except Exception:
                _log.exception("broker: error while closing a connection at shutdown")
        if self.injector is not None:
            self.injector.close()
        container.stop()


class _Call:
    """A function to run on the broker's thread, and its result for the thread that asked."""

    def __init__(self, fn: Callable[[_BrokerHandler], Any]) -> None:
        self.fn = fn
        self.done = threading.Event()
        self.result: Any = None
        self.error: Optional[BaseException] = None

    def run(self, handler: _BrokerHandler) -> None:
        try:
            self.result = self.fn(handler)
        except BaseException as problem:  # handed back to the caller's thread
            self.error = problem
        finally:
            self.done.set()


# -- the public face ----------------------------------------------------------------------------

class Broker:
    """An AMQP 1.0 broker running a :class:`proton.reactor.Container` in a background thread.

    :param address: ``HOST:PORT`` to listen on; port 0 picks a free port (see :attr:`port`).
    :param auto_create: make queues and topics the first time a link names them; when False,
        links to undeclared nodes are refused with ``amqp:not-found``.
    :param topic_prefix: an address that starts with this prefix names a topic (empty: only declared
        topics and links with the ``topic`` capability reach topics).
    :param queues: queue names that exist from the start.
    :param topics: topic names (without prefix) that exist from the start.
    :param dead_letter: queue that receives rejected messages; None drops them.
    :param credit_window: how much credit each client sender is given (topped up as it is used).
    :param container_id: the broker's AMQP container id.
    :param handshake_timeout: seconds a client may take from connecting to sending its AMQP open
        (through TLS and SASL) before it is disconnected; None or 0 for no limit.
    :param idle_timeout: seconds of silence after which a client is dropped (clients are asked for
        heartbeats at half of it); None for none.
    """

    def __init__(self, address: str = DEFAULT_ADDRESS, *, auto_create: bool = True, topic_prefix: str = "topic://",
                 queues: Iterable[str] = (), topics: Iterable[str] = (), dead_letter: Optional[str] = None,
                 credit_window: int = 512, container_id: Optional[str] = None,
                 handshake_timeout: Optional[float] = DEFAULT_HANDSHAKE_TIMEOUT,
                 idle_timeout: Optional[float] = None) -> None:
        self.host, self._requested_port = _parse_address(address)
        self.auto_create = auto_create
        self.topic_prefix = topic_prefix or ""
        self.initial_queues = list(queues)
        self.initial_topics = list(topics)
        self.dead_letter = dead_letter
        self.credit_window = max(2, int(credit_window))
        self.container_id = container_id or f"cyproton-broker-{uuid.uuid4().hex[:8]}"
        self.handshake_timeout = handshake_timeout
        self.idle_timeout = idle_timeout
        self._handler: Optional[_BrokerHandler] = None
        self._container: Optional[Container] = None
        self._thread: Optional[threading.Thread] = None
        self._port: Optional[int] = None
        self._failure: Optional[BaseException] = None

    # -- addresses --------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port listened on (the real one when the broker was asked for port 0)."""
        if self._port is None:
            raise RuntimeError("the broker is not listening yet: call start() first")
        return self._port

    @property
    def address(self) -> str:
        """``HOST:PORT`` listened on."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """``amqp://HOST:PORT`` for clients."""
        return f"amqp://{self.address}"

    # -- life cycle ---------------------------------------------------------------------------------------

    def _prepare(self) -> Container:
        handler = _BrokerHandler(self)
        container = Container(handler)
        container.container_id = self.container_id
        host = f"[{self.host}]" if ":" in self.host else self.host
        acceptor = container.listen(f"{host}:{self._requested_port}", handshake_timeout=self.handshake_timeout,
                                    idle_timeout=self.idle_timeout)
        handler.acceptor = acceptor
        port = getattr(acceptor, "port", None)
        self._port = int(port) if port is not None else self._requested_port
        injector = EventInjector()
        container.selectable(injector)
        handler.injector = injector
        self._handler = handler
        self._container = container
        return container

    def start(self) -> Broker:
        """Listen, then serve in a daemon thread. Returns the broker, so ``Broker(...).start()`` chains.

        :raise OSError: when the address cannot be listened on.
        """
        if self._thread is not None:
            raise RuntimeError("the broker is already running")
        container = self._prepare()
        self._thread = threading.Thread(target=self._serve, args=(container,), name="cyproton-broker", daemon=True)
        self._thread.start()
        return self

    def _serve(self, container: Container) -> None:
        try:
            container.run()
        except BaseException as problem:  # reported by stop() and logged here
            self._failure = problem
            _log.exception("broker: the event loop stopped with an error")

    def run(self) -> None:
        """Listen and serve in the calling thread until :meth:`stop` is called from another thread
        (or the process is interrupted)."""
        container = self._prepare()
        self._thread = threading.current_thread()
        try:
            container.run()
        finally:
            self._thread = None

    def stop(self, timeout: float = 10.0) -> None:
        """Close every connection and the listener, stop the thread and wait for it (thread-safe)."""
        thread = self._thread
        handler = self._handler
        if handler is None or thread is None:
            return
        container = self._container
        if thread is threading.current_thread():
            handler.shutdown(container)
            return
        if thread.is_alive() and handler.injector is not None:
            call = _Call(lambda h: h.shutdown(container))
            handler.injector.trigger(ApplicationEvent(_CALL_EVENT, subject=call))
            thread.join(timeout)
        if thread.is_alive():
            raise RuntimeError("the broker did not stop in time")
        # A stopped broker lets go of its event loop and state.
        self._thread = None
        self._handler = None
        self._container = None
        failure, self._failure = self._failure, None
        if failure is not None:
            raise RuntimeError("the broker's event loop had stopped with an error") from failure

    def __enter__(self) -> Broker:
        if self._thread is None:
            self.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    # -- looking inside (thread-safe) -----------------------------------------------------------------

    def call(self, fn: Callable[[Any], Any], timeout: float = 10.0) -> Any:
        """Run ``fn(state)`` on the broker's thread and return its result (for tests and tools).

        ``state`` is the broker's internal handler; prefer :meth:`queue_depth` and :meth:`stats`.
        """
        handler = self._handler
        if handler is None:
            raise RuntimeError("the broker is not running")
        thread = self._thread
        if thread is None or thread is threading.current_thread() or not thread.is_alive():
            return fn(handler)
        call = _Call(fn)
        assert handler.injector is not None
        handler.injector.trigger(ApplicationEvent(_CALL_EVENT, subject=call))
        if not call.done.wait(timeout):
            raise TimeoutError("the broker did not answer in time")
        if call.error is not None:
            raise call.error
        return call.result

    def queue_depth(self, name: str) -> int:
        """How many messages wait on queue ``name`` (0 when there is no such queue)."""
        return int(self.call(lambda h: len(h.queues[name].entries) if name in h.queues else 0))

    def stats(self) -> Dict[str, Any]:
        """A snapshot: queue depths, topics with their subscription counts, connection count,
        open transactions and durable subscriptions with their backlogs."""
        def snapshot(h: _BrokerHandler) -> Dict[str, Any]:
            return {
                "queues": {name: len(q.entries) for name, q in h.queues.items()},
                "topics": {name: len(t.subscriptions) for name, t in h.topics.items()},
                "connections": len(h.clients),
                "transactions": len(h.txns),
                "durable": {f"{k[0]}/{k[1]}": len(q.entries) for k, q in h.durable.items()},
                "unacked": sum(len(r.unacked) for r in h.roles.values() if isinstance(r, _Outbound)),
            }
        return dict(self.call(snapshot))

    def report(self) -> Dict[str, Any]:
        """Everything ``cyproton stat`` shows (queues, topics, durable subscriptions, connections with
        their links, totals), as one dict of plain values; see also :meth:`stats`."""
        return dict(self.call(lambda h: h.report()))

    def declare_queue(self, name: str) -> None:
        """Make queue ``name`` exist (also with ``auto_create=False``); before or after :meth:`start`."""
        if self._handler is None:
            self.initial_queues.append(name)
        else:
            self.call(lambda h: h.queues.setdefault(name, _Queue(h, name)))

    def declare_topic(self, name: str) -> None:
        """Make topic ``name`` (no prefix) exist, so that the plain address ``name`` means the topic."""
        if self._handler is None:
            self.initial_topics.append(name)
        else:
            self.call(lambda h: (h.declared_topics.add(name), h.topics.setdefault(name, _Topic(name))))


def main(argv: Optional[List[str]] = None) -> int:
    """``cyproton broker``: serve until interrupted. Returns the exit status."""
    from .cli import main as cli_main

    return cli_main(["broker", *(argv or [])])
