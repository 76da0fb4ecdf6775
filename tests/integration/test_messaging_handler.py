# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""MessagingHandler: every callback fires, at the right time, with the right event attributes.

Most tests talk to the test broker (which records outcomes and can close endpoints on request);
the ones about what a *receiver* does to a *sender* connect two ends inside one container.
"""

import itertools
import uuid

from proton import (
    Condition, Connection, Delivery, Endpoint, Message, Receiver, Sender, Session, char, symbol, ulong,
)
from proton.handlers import MessagingHandler, Reject, Release
from proton.reactor import AtMostOnce, Container

import support


def _wait_then(container, predicate, action, interval=0.02):
    """Run ``action()`` on the container's thread once ``predicate()`` holds."""
    class Poll:
        def on_timer_task(self, event):
            if predicate():
                action()
            else:
                container.schedule(interval, self)
    container.schedule(interval, Poll())


# -- sending and receiving --------------------------------------------------------------------------

class SendReceive(MessagingHandler):
    """Sends ``count`` messages to ``address`` and receives them back from the same queue."""

    def __init__(self, url, address, count=5, **kwargs):
        super().__init__(**kwargs)
        self.url = url
        self.address = address
        self.count = count
        self.sent = 0
        self.log = []
        self.received = []
        self.settled = 0

    def on_start(self, event):
        self.log.append(("start", event.container))
        self.conn = event.container.connect(self.url)
        self.sender = event.container.create_sender(self.conn, self.address, name="sr-sender")
        self.receiver = event.container.create_receiver(self.conn, self.address, name="sr-receiver")

    def on_sendable(self, event):
        self.log.append(("sendable", event.sender, event.link, event.connection, event.sender.credit))
        while event.sender.credit and self.sent < self.count:
            event.sender.send(Message(id=self.sent, body=f"m{self.sent}"))
            self.sent += 1

    def on_accepted(self, event):
        self.log.append(("accepted", event.delivery, event.delivery.remote_state, event.link))

    def on_settled(self, event):
        self.settled += 1
        self.log.append(("settled", event.delivery, event.delivery.settled))
        self._maybe_done()

    def on_message(self, event):
        self.received.append(event.message)
        self.log.append(("message", event.receiver, event.link, event.delivery, event.delivery.link))
        self._maybe_done()

    def _maybe_done(self):
        if self.settled == self.count and len(self.received) == self.count:
            self.conn.close()


def test_send_and_receive_callbacks_and_event_attributes(broker):
    handler = SendReceive(broker.url, "q")
    container = Container(handler)
    container.run()
    kinds = [entry[0] for entry in handler.log]
    assert handler.log[0] == ("start", container)
    assert [m.body for m in handler.received] == [f"m{i}" for i in range(5)]
    assert [m.id for m in handler.received] == list(range(5))
    sendable = [e for e in handler.log if e[0] == "sendable"]
    assert sendable
    assert all(e[1] == handler.sender and e[2] == handler.sender and e[3] == handler.conn for e in sendable)
    assert all(isinstance(e[1], Sender) and e[4] > 0 for e in sendable)
    accepted = [e for e in handler.log if e[0] == "accepted"]
    assert len(accepted) == 5
    assert all(e[2] == Delivery.ACCEPTED and e[3] == handler.sender and e[1].link == handler.sender for e in accepted)
    settled = [e for e in handler.log if e[0] == "settled"]
    assert len(settled) == 5 and all(e[2] for e in settled)
    for entry in [e for e in handler.log if e[0] == "message"]:
        assert isinstance(entry[1], Receiver) and entry[1] == handler.receiver and entry[2] == handler.receiver
        assert entry[4] == handler.receiver
    # on_accepted comes before on_settled for each delivery
    assert kinds.index("accepted") < kinds.index("settled")


def test_outcomes_rejected_released_modified(broker):
    class Outcomes(MessagingHandler):
        def __init__(self):
            super().__init__()
            self.results = {}

        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            for address in ("reject/a", "release/a", "modify/a"):
                event.container.create_sender(self.conn, address, name=address)
            self.sent = set()

        def on_sendable(self, event):
            name = event.sender.name
            if name not in self.sent:
                self.sent.add(name)
                event.sender.send(Message(body=name))

        def on_rejected(self, event):
            cond = event.delivery.remote.condition
            self.results[event.link.name] = ("rejected", event.delivery.remote_state, cond and cond.name,
                                             cond and cond.description)

        def on_released(self, event):
            d = event.delivery
            annotations = d.remote.annotations
            self.results[event.link.name] = ("released", d.remote_state, d.remote.failed, d.remote.undeliverable,
                                             dict(annotations) if annotations else None)

        def on_settled(self, event):
            if len(self.results) == 3:
                self.conn.close()

    handler = Outcomes()
    Container(handler).run()
    assert handler.results["reject/a"] == ("rejected", Delivery.REJECTED, "test:rejected",
                                           "rejected by the test broker")
    assert handler.results["release/a"][:2] == ("released", Delivery.RELEASED)
    assert handler.results["modify/a"] == ("released", Delivery.MODIFIED, True, True,
                                           {symbol("x-opt-reason"): "busy"})


def test_auto_settle_false_leaves_deliveries_for_the_application(broker):
    class Manual(MessagingHandler):
        def __init__(self):
            super().__init__(auto_settle=False)
            self.accepted = []

        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            self.sender = event.container.create_sender(self.conn, "sink/manual")

        def on_sendable(self, event):
            if not self.accepted and self.sender.unsettled == 0 and not getattr(self, "sent", False):
                self.sent = True
                for i in range(3):
                    event.sender.send(Message(body=i))

        def on_accepted(self, event):
            self.accepted.append(event.delivery)

        def on_settled(self, event):
            if len(self.accepted) == 3:
                self.unsettled_before = self.sender.unsettled
                for d in self.accepted:
                    d.settle()
                self.unsettled_after = self.sender.unsettled
                self.conn.close()

    handler = Manual()
    Container(handler).run()
    assert handler.unsettled_before == 3
    assert handler.unsettled_after == 0


def test_auto_settle_true_settles_locally(broker):
    class Auto(MessagingHandler):
        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            self.sender = event.container.create_sender(self.conn, "sink/auto")
            self.counts = []

        def on_sendable(self, event):
            if not getattr(self, "sent", False):
                self.sent = True
                for i in range(3):
                    event.sender.send(Message(body=i))

        def on_settled(self, event):
            self.counts.append(event.delivery.settled)
            if len(self.counts) == 3:
                _wait_then(event.container, lambda: self.sender.unsettled == 0, self.conn.close)

    handler = Auto()
    Container(handler).run()
    assert handler.sender.unsettled == 0


def test_prefetch_zero_gives_no_credit_until_flow(broker):
    broker.call(lambda b: b.queues["pq"].extend((Message(body=i), None) for i in range(3)))

    class Zero(MessagingHandler):
        def __init__(self):
            super().__init__(prefetch=0)
            self.got = []

        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            self.receiver = event.container.create_receiver(self.conn, "pq")

        def on_link_opened(self, event):
            self.credit_at_open = event.receiver.credit
            event.container.schedule(0.2, self)

        def on_timer_task(self, event):
            self.before_flow = list(self.got)
            self.receiver.flow(2)

        def on_message(self, event):
            self.got.append(event.message.body)
            if len(self.got) == 2:
                event.container.schedule(0.2, Closer(self.conn))

    class Closer:
        def __init__(self, conn):
            self.conn = conn

        def on_timer_task(self, event):
            self.conn.close()

    handler = Zero()
    Container(handler).run()
    assert handler.credit_at_open == 0
    assert handler.before_flow == []
    assert handler.got == [0, 1]  # exactly the credit given


def test_prefetch_sets_the_receivers_credit(broker):
    class Prefetch(MessagingHandler):
        def __init__(self):
            super().__init__(prefetch=7)

        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            event.container.create_receiver(self.conn, "empty-queue", name="prefetch-7")

        def on_link_opened(self, event):
            self.credit = event.receiver.credit
            self.conn.close()

    handler = Prefetch()
    Container(handler).run()
    assert handler.credit == 7


def test_auto_accept_false_and_explicit_dispositions(broker):
    broker.call(lambda b: b.queues["aq"].extend((Message(body=i), None) for i in range(4)))

    class Manual(MessagingHandler):
        def __init__(self):
            super().__init__(auto_accept=False)
            self.deliveries = []
            self.settled_by_peer = []

        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            event.container.create_receiver(self.conn, "aq")

        def on_message(self, event):
            self.deliveries.append(event.delivery)
            assert not event.delivery.settled
            if len(self.deliveries) == 4:
                d0, d1, d2, d3 = self.deliveries
                self.accept(d0)
                self.reject(d1)
                self.release(d2, delivered=False)
                d3.update(Delivery.ACCEPTED)  # outcome without settling: the peer settles
                _wait_then(event.container, lambda: len(broker.broker.outcomes) >= 4 and self.settled_by_peer,
                           self.conn.close)

        def on_settled(self, event):
            self.settled_by_peer.append(event.delivery)

    handler = Manual()
    Container(handler).run()
    outcomes = {body: state for _, body, state, _ in broker.broker.outcomes}
    assert outcomes[0] == Delivery.ACCEPTED
    assert outcomes[1] == Delivery.REJECTED
    assert outcomes[2] == Delivery.RELEASED
    assert outcomes[3] == Delivery.ACCEPTED
    assert handler.settled_by_peer == [handler.deliveries[3]]


def _text(tag):
    return tag if isinstance(tag, str) else bytes(tag).decode()


def test_delivery_tags_from_a_generator_and_explicit(broker):
    class Tagged(MessagingHandler):
        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            generated = (f"gen-{i}" for i in itertools.count(1))
            event.container.create_sender(self.conn, "sink/tags", tags=generated)
            self.accepted = 0

        def on_sendable(self, event):
            if not getattr(self, "sent", False):
                self.sent = True
                event.sender.send(Message(body=1))
                event.sender.send(Message(body=2), tag="explicit")
                event.sender.send(Message(body=3))

        def on_accepted(self, event):
            self.accepted += 1
            if self.accepted == 3:
                self.conn.close()

    Container(Tagged()).run()
    assert [_text(t) for t in broker.broker.received_tags] == ["gen-1", "explicit", "gen-2"]


def test_at_most_once_sends_settled_and_hears_no_outcome(broker):
    class Fire(MessagingHandler):
        def __init__(self):
            super().__init__()
            self.outcomes = []

        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            self.sender = event.container.create_sender(self.conn, "sink/amo", options=AtMostOnce())

        def on_sendable(self, event):
            if not getattr(self, "sent", False):
                self.sent = True
                for i in range(5):
                    assert event.sender.send(Message(body=i)).settled is False  # remote: not yet
                _wait_then(event.container, lambda: len(broker.broker.received) >= 5, self.conn.close)

        def on_accepted(self, event):
            self.outcomes.append("accepted")

        def on_settled(self, event):
            self.outcomes.append("settled")

    handler = Fire()
    Container(handler).run()
    assert [m.body for _, m in broker.broker.received] == list(range(5))
    assert broker.broker.received_settled == [True] * 5
    assert handler.outcomes == []
    assert handler.sender.unsettled == 0


def test_messages_bigger_than_the_frame_size_arrive_whole(broker):
    bodies = [bytes([i]) * (150_000 + i) for i in range(3)]

    class Big(SendReceive):
        def on_start(self, event):
            self.conn = event.container.connect(self.url, max_frame_size=1024)
            self.sender = event.container.create_sender(self.conn, self.address)
            self.receiver = event.container.create_receiver(self.conn, self.address)

        def on_sendable(self, event):
            while event.sender.credit and self.sent < self.count:
                event.sender.send(Message(body=bodies[self.sent], properties={"n": self.sent}))
                self.sent += 1

    handler = Big(broker.url, "big-q", count=3)
    Container(handler).run()
    assert [bytes(m.body) for m in handler.received] == bodies
    assert [m.properties["n"] for m in handler.received] == [0, 1, 2]
    assert broker.broker.connections[0]["max_frame_size"] == 1024


# -- two ends in one container ----------------------------------------------------------------------------

class PeerServer(MessagingHandler):
    """The listening end: ``on_message`` is given by the test."""

    def __init__(self, on_message=None, **kwargs):
        super().__init__(**kwargs)
        self.messages = []
        self.callback = on_message
        self.events = []
        self.client = None
        self.port = None

    def on_start(self, event):
        self.acceptor = event.container.listen(self.client.url)
        self.client.start(event.container)

    def on_connection_opening(self, event):
        self.events.append(("connection_opening", event.connection))

    def on_session_opening(self, event):
        self.events.append(("session_opening", event.session))

    def on_link_opening(self, event):
        self.events.append(("link_opening", event.link))
        event.link.target.copy(event.link.remote_target)
        event.link.source.copy(event.link.remote_source)

    def on_connection_opened(self, event):
        self.events.append(("connection_opened", event.connection))

    def on_session_opened(self, event):
        self.events.append(("session_opened", event.session))

    def on_link_opened(self, event):
        self.events.append(("link_opened", event.link))

    def on_connection_closing(self, event):
        self.events.append(("connection_closing", event.connection))

    def on_connection_closed(self, event):
        self.events.append(("connection_closed", event.connection))
        self.acceptor.close()

    def on_message(self, event):
        self.messages.append(event.message)
        if self.callback is not None:
            self.callback(event)


class PeerClient(MessagingHandler):
    """The connecting end: sends ``messages`` on one link, records every outcome."""

    def __init__(self, url, messages, **kwargs):
        super().__init__(**kwargs)
        self.url = url
        self.to_send = list(messages)
        self.expected = len(self.to_send)
        self.outcomes = []
        self.bodies = {}

    def start(self, container):
        self.conn = container.connect(self.url, handler=self)
        self.sender = container.create_sender(self.conn, "peer-target", name="peer-link")

    def on_sendable(self, event):
        while self.to_send and event.sender.credit:
            msg = self.to_send.pop(0)
            self.bodies[event.sender.send(msg)] = msg.body

    def _record(self, kind, event):
        d = event.delivery
        self.outcomes.append((kind, d.remote_state, d.remote.failed, d.remote.undeliverable, self.bodies.get(d)))

    def on_accepted(self, event):
        self._record("accepted", event)

    def on_rejected(self, event):
        self._record("rejected", event)

    def on_released(self, event):
        self._record("released", event)

    def on_settled(self, event):
        if len(self.outcomes) == self.expected:
            self.conn.close()


def run_peers(messages, on_message=None, server_kwargs=None, client_kwargs=None):
    """Listen in a container, connect to it from the same container and send ``messages``."""
    port = support.free_port()
    server = PeerServer(on_message, **(server_kwargs or {}))
    client = PeerClient(f"127.0.0.1:{port}", messages, **(client_kwargs or {}))
    server.client = client
    Container(server).run()
    return server, client


def test_reject_and_release_raised_in_on_message_reach_the_sender():
    def on_message(event):
        body = event.message.body
        if body == "reject":
            raise Reject()
        if body == "release":
            raise Release()

    server, client = run_peers([Message(body=b) for b in ("ok", "reject", "release")], on_message)
    assert [m.body for m in server.messages] == ["ok", "reject", "release"]
    by_body = {body: (kind, state) for kind, state, _, _, body in client.outcomes}
    assert by_body == {"ok": ("accepted", Delivery.ACCEPTED), "reject": ("rejected", Delivery.REJECTED),
                       "release": ("released", Delivery.MODIFIED)}


def test_server_side_opening_and_opened_events():
    server, client = run_peers([Message(body="x")])
    kinds = [k for k, _ in server.events]
    for kind in ("connection", "session", "link"):
        assert kinds.index(f"{kind}_opening") < kinds.index(f"{kind}_opened")
    conn = dict(server.events)["connection_opening"]
    assert isinstance(conn, Connection)
    assert isinstance(dict(server.events)["session_opening"], Session)
    link = dict(server.events)["link_opening"]
    assert isinstance(link, Receiver) and link.name == "peer-link" and link.remote_target.address == "peer-target"
    # the client closed first: the server hears "closing" and then "closed"
    assert kinds.index("connection_closing") < kinds.index("connection_closed")


def test_every_section_and_annotation_arrives_intact():
    msg = Message(
        body={"text": "héllo", "n": 1, "nested": [1, 2.5, None, True, b"\x00\x01"], "ch": char("c")},
        durable=True, priority=7, ttl=12.5, first_acquirer=True, delivery_count=3,
        id=uuid.UUID("12345678-1234-5678-1234-567812345678"), user_id=b"user-bytes", address="peer-target",
        subject="the subject", reply_to="reply/here", correlation_id=ulong(42), content_type="application/json",
        content_encoding="utf-8", expiry_time=1700000000.5, creation_time=1600000000.25, group_id="group-1",
        group_sequence=9, reply_to_group_id="rgroup",
        properties={"app-key": "v", "num": 5, "flag": False},
        annotations={symbol("x-opt-annotation"): "ann", symbol("x-opt-n"): 4},
        instructions={symbol("x-opt-delivery"): "instr", symbol("x-opt-d2"): [1, 2]},
    )
    server, client = run_peers([msg])
    got = server.messages[0]
    for field in ("body", "durable", "priority", "ttl", "first_acquirer", "delivery_count", "id", "user_id",
                  "address", "subject", "reply_to", "correlation_id", "content_type", "content_encoding",
                  "expiry_time", "creation_time", "group_id", "group_sequence", "reply_to_group_id",
                  "properties"):
        assert getattr(got, field) == getattr(msg, field), field
    assert dict(got.annotations) == {symbol("x-opt-annotation"): "ann", symbol("x-opt-n"): 4}
    assert dict(got.instructions) == {symbol("x-opt-delivery"): "instr", symbol("x-opt-d2"): [1, 2]}
    assert isinstance(got.id, uuid.UUID)
    assert isinstance(got.body["ch"], char)
    assert bytes(got.body["nested"][4]) == b"\x00\x01"
    assert client.outcomes[0][0] == "accepted"


def test_messages_kept_from_on_message_stay_intact():
    server, client = run_peers([Message(body=f"body-{i}", subject=f"s{i}", properties={"i": i}) for i in range(20)])
    assert [(m.body, m.subject, m.properties["i"]) for m in server.messages] == [
        (f"body-{i}", f"s{i}", i) for i in range(20)]


def test_events_kept_weakly_referenced_or_annotated_stay_what_they_were():
    import gc
    import weakref
    kept, weak, marked = [], [], []

    def on_message(event):
        n = event.message.properties["i"]
        if n % 3 == 0:
            kept.append((n, event))
        elif n % 3 == 1:
            weak.append((n, weakref.ref(event), event.type))
        else:
            event.seen_as = n                       # an attribute of the application's own
            marked.append((n, event))

    server, client = run_peers([Message(body=f"b{i}", properties={"i": i}) for i in range(30)], on_message)
    gc.collect()
    assert len(kept) == len(weak) == len(marked) == 10
    for n, event in kept:
        assert event.message.body == f"b{n}" and event.type.method == "on_delivery"
        assert event.delivery is not None and event.link is not None and event.connection is not None
    for n, event in marked:
        assert event.seen_as == n and event.message.body == f"b{n}"
    for n, ref, etype in weak:
        event = ref()
        assert event is None or (event.type is etype and event.message.properties["i"] == n)


# -- endpoint lifecycle callbacks ------------------------------------------------------------------------

class Lifecycle(MessagingHandler):
    """Opens one connection with one receiver; then ``action(self)`` runs on the broker's thread."""

    def __init__(self, peer, action, **kwargs):
        super().__init__(**kwargs)
        self.peer = peer
        self.action = action
        self.events = []

    def on_start(self, event):
        self.conn = event.container.connect(self.peer.url, reconnect=False)
        self.receiver = event.container.create_receiver(self.conn, "lq", name="life")

    def on_link_opened(self, event):
        self.events.append(("link_opened", event.link.name))
        self.peer.call(self.action)

    def _note(self, kind, endpoint):
        cond = endpoint.remote_condition
        self.events.append((kind, cond.name if cond else None, cond.description if cond else None))

    def on_connection_opened(self, event):
        self.events.append(("connection_opened", event.connection == self.conn))

    def on_session_opened(self, event):
        self.events.append(("session_opened", event.session == self.receiver.session))

    def on_connection_closing(self, event):
        self._note("connection_closing", event.connection)

    def on_connection_closed(self, event):
        self._note("connection_closed", event.connection)

    def on_connection_error(self, event):
        self._note("connection_error", event.connection)

    def on_session_closing(self, event):
        self._note("session_closing", event.session)

    def on_session_closed(self, event):
        self._note("session_closed", event.session)
        if event.connection.state & Endpoint.LOCAL_ACTIVE:
            event.connection.close()

    def on_session_error(self, event):
        self._note("session_error", event.session)
        event.connection.close()

    def on_link_closing(self, event):
        self._note("link_closing", event.link)

    def on_link_closed(self, event):
        self._note("link_closed", event.link)
        if event.connection.state & Endpoint.LOCAL_ACTIVE:
            event.connection.close()

    def on_link_error(self, event):
        self._note("link_error", event.link)
        event.connection.close()

    def on_disconnected(self, event):
        self.events.append(("disconnected", event.connection == self.conn))


def kinds_of(handler):
    return [e[0] for e in handler.events]


def test_connection_opened_and_session_opened(broker):
    handler = Lifecycle(broker, lambda b: b.close_connection_of("life"))
    Container(handler).run()
    assert ("connection_opened", True) in handler.events
    assert ("session_opened", True) in handler.events
    assert ("link_opened", "life") in handler.events


def test_peer_closes_connection_cleanly(broker):
    handler = Lifecycle(broker, lambda b: b.close_connection_of("life"))
    Container(handler).run()
    kinds = kinds_of(handler)
    assert "connection_error" not in kinds
    assert kinds.index("connection_closing") < kinds.index("connection_closed")


def test_peer_closes_connection_with_an_error(broker):
    cond = Condition("amqp:internal-error", "broker says no")
    handler = Lifecycle(broker, lambda b: b.close_connection_of("life", cond))
    Container(handler).run()
    assert ("connection_error", "amqp:internal-error", "broker says no") in handler.events
    assert "connection_closing" not in kinds_of(handler)


def test_peer_closes_session_cleanly_and_with_an_error(broker):
    handler = Lifecycle(broker, lambda b: b.close_session_of("life"))
    Container(handler).run()
    assert "session_closing" in kinds_of(handler)
    assert "session_error" not in kinds_of(handler)

    cond = Condition("amqp:resource-limit-exceeded", "too many sessions")
    handler = Lifecycle(broker, lambda b: b.close_session_of("life", cond))
    Container(handler).run()
    assert ("session_error", "amqp:resource-limit-exceeded", "too many sessions") in handler.events
    assert "session_closing" not in kinds_of(handler)


def test_peer_closes_link_cleanly_and_with_an_error(broker):
    handler = Lifecycle(broker, lambda b: b.close_link("life"))
    Container(handler).run()
    kinds = kinds_of(handler)
    assert "link_closing" in kinds and "link_error" not in kinds

    cond = Condition("amqp:not-found", "no such node")
    handler = Lifecycle(broker, lambda b: b.close_link("life", cond))
    Container(handler).run()
    assert ("link_error", "amqp:not-found", "no such node") in handler.events
    assert "link_closing" not in kinds_of(handler)


def test_local_close_first_gives_closed_without_closing(broker):
    class Closer(MessagingHandler):
        def __init__(self):
            super().__init__()
            self.events = []

        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            self.link = event.container.create_receiver(self.conn, "x", name="closer")

        def on_link_opened(self, event):
            event.link.close()

        def on_link_closing(self, event):
            self.events.append("link_closing")

        def on_link_closed(self, event):
            self.events.append("link_closed")
            event.session.close()

        def on_session_closed(self, event):
            self.events.append("session_closed")
            event.connection.close()

        def on_connection_closing(self, event):
            self.events.append("connection_closing")

        def on_connection_closed(self, event):
            self.events.append("connection_closed")

    handler = Closer()
    Container(handler).run()
    assert handler.events == ["link_closed", "session_closed", "connection_closed"]


def test_peer_close_is_error_variant(broker):
    # python-qpid-proton 0.40 reports a clean close by the peer as "closing" to a MessagingHandler
    # whatever peer_close_is_error says (its delegate always takes the callback); same here.
    handler = Lifecycle(broker, lambda b: b.close_connection_of("life"), peer_close_is_error=True)
    Container(handler).run()
    kinds = kinds_of(handler)
    assert "connection_closing" in kinds and "connection_closed" in kinds


def test_on_disconnected_when_the_peer_goes_away(broker):
    handler = Lifecycle(broker, lambda b: b.drop_connections())
    Container(handler).run()
    assert ("disconnected", True) in handler.events
    assert "connection_closed" not in kinds_of(handler)


def test_on_transport_error_when_the_connection_is_refused():
    port = support.free_port()

    class Refused(MessagingHandler):
        def __init__(self):
            super().__init__()
            self.errors = []
            self.disconnected = 0

        def on_start(self, event):
            self.conn = event.container.connect(f"127.0.0.1:{port}", reconnect=False)

        def on_transport_error(self, event):
            self.errors.append((event.transport.condition, event.connection == self.conn))

        def on_disconnected(self, event):
            self.disconnected += 1

    handler = Refused()
    Container(handler).run()
    assert len(handler.errors) == 1
    condition, same_connection = handler.errors[0]
    assert condition is not None and condition.name and same_connection
    assert handler.disconnected >= 1
    assert not handler.conn.state & Endpoint.REMOTE_ACTIVE


def test_closing_a_receiver_with_credit_outstanding_loses_nothing(broker):
    broker.call(lambda b: b.queues["late"].extend((Message(body=i), None) for i in range(3)))

    class Late(MessagingHandler):
        def __init__(self):
            super().__init__(prefetch=0)
            self.got = []

        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            self.receiver = event.container.create_receiver(self.conn, "late")

        def on_link_opened(self, event):
            self.receiver.flow(3)
            self.receiver.close()  # nothing that still arrives may reach on_message or be accepted

        def on_link_closed(self, event):
            self.conn.close()

        def on_message(self, event):
            self.got.append(event.message.body)

    handler = Late()
    Container(handler).run()
    assert handler.got == []
    # nothing was accepted: the broker has all three again (released, or taken back at detach)
    support.wait_for(lambda: broker.call(lambda b: len(b.queues["late"])) == 3, what="messages back in the queue")
    assert all(state != Delivery.ACCEPTED for _, _, state, _ in broker.broker.outcomes)
