# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""cyproton's batch calls of the handler API, with the embedded broker as the peer:
``Sender.send_many(items)`` (each item a Message or a body, sent while the link has credit) and
``Link.settle_many(deliveries, state)`` (the outcome and settlement of many deliveries at once)."""

import itertools

import pytest

from proton import Disposition, Message
from proton.handlers import MessagingHandler
from proton.reactor import AtMostOnce, Container

import support

if not support.CYPROTON:
    pytest.skip("send_many and settle_many are cyproton's own", allow_module_level=True)

from cyproton.broker import Broker  # noqa: E402


@pytest.fixture
def broker():
    with Broker(address="127.0.0.1:0", credit_window=16) as running:
        yield running


class BatchSender(MessagingHandler):
    """Sends ``items`` with send_many as credit comes, noting what each call sent and the outcomes."""

    def __init__(self, url, address, items, presettled=False):
        super().__init__()
        self.url, self.address, self.items, self.presettled = url, address, list(items), presettled
        self.position = 0
        self.calls = []             # (credit before, sent)
        self.outcomes = []
        self.deliveries = []

    def on_start(self, event):
        conn = event.container.connect(self.url)
        options = AtMostOnce() if self.presettled else None
        event.container.create_sender(conn, self.address, options=options)

    def on_sendable(self, event):
        sender = event.sender
        if self.position >= len(self.items):
            return
        credit = sender.credit
        sent = sender.send_many(self.items[self.position:])
        self.calls.append((credit, sent))
        self.position += sent
        if self.presettled and self.position == len(self.items):
            event.connection.close()

    def on_accepted(self, event):
        self._outcome(event, Disposition.ACCEPTED)

    def on_rejected(self, event):
        self._outcome(event, Disposition.REJECTED)

    def _outcome(self, event, state):
        self.outcomes.append(state)
        if len(self.outcomes) == len(self.items):
            event.connection.close()


class BatchReceiver(MessagingHandler):
    """Takes ``count`` messages without auto-accept and settles them with settle_many, ``batch`` at a time."""

    def __init__(self, url, address, count, batch, state=Disposition.ACCEPTED):
        super().__init__(auto_accept=False, prefetch=50)
        self.url, self.address, self.count, self.batch, self.state = url, address, count, batch, state
        self.bodies = []
        self.held = []
        self.settled = 0

    def on_start(self, event):
        conn = event.container.connect(self.url)
        event.container.create_receiver(conn, self.address)

    def on_message(self, event):
        if len(self.bodies) == self.count:
            return                  # came before the close: left unsettled, the broker takes it back
        self.bodies.append(event.message.body)
        self.held.append(event.delivery)
        if len(self.held) == self.batch or len(self.bodies) == self.count:
            self.settled += event.receiver.settle_many(self.held, self.state)
            self.held = []
        if len(self.bodies) == self.count:
            event.connection.close()


def test_send_many_sends_as_credit_allows_and_every_outcome_comes(broker):
    items = [Message(body=i, subject="message") if i % 3 == 0 else i for i in range(200)]
    sender = BatchSender(broker.url, "batch", items)
    Container(sender).run()
    assert sender.position == 200
    assert sender.outcomes == [Disposition.ACCEPTED] * 200
    assert all(sent <= credit for credit, sent in sender.calls), sender.calls
    assert len(sender.calls) > 200 // 16, "one call sent more than the broker's window"
    receiver = BatchReceiver(broker.url, "batch", 200, 25)
    Container(receiver).run()
    assert receiver.bodies == list(range(200))      # bodies and Messages alike, in order
    assert receiver.settled == 200


def test_send_many_on_a_presettled_link(broker):
    sender = BatchSender(broker.url, "batch-presettled", range(100), presettled=True)
    Container(sender).run()
    assert sender.position == 100 and sender.outcomes == []
    receiver = BatchReceiver(broker.url, "batch-presettled", 100, 10)
    Container(receiver).run()
    assert receiver.bodies == list(range(100))


class Nothing(MessagingHandler):
    """A receiver that waits half a second and notes what came."""

    def __init__(self, url, address):
        super().__init__()
        self.url, self.address, self.got = url, address, []

    def on_start(self, event):
        self.conn = event.container.connect(self.url)
        event.container.create_receiver(self.conn, self.address)
        event.container.schedule(0.5, self)

    def on_message(self, event):
        self.got.append(event.message.body)

    def on_timer_task(self, event):
        self.conn.close()


def test_settle_many_gives_its_outcome_to_the_peer(broker):
    """Seven rejected in one call are gone (a link closed with them unsettled would give them back),
    the rest accepted in calls of seven are gone too."""
    Container(BatchSender(broker.url, "batch-state", range(30))).run()
    rejecter = BatchReceiver(broker.url, "batch-state", 7, 7, state=Disposition.REJECTED)
    Container(rejecter).run()
    assert rejecter.settled == 7 and rejecter.bodies == list(range(7))
    accepter = BatchReceiver(broker.url, "batch-state", 23, 7)
    Container(accepter).run()
    assert sorted(accepter.bodies) == list(range(7, 30)) and accepter.settled == 23
    nothing = Nothing(broker.url, "batch-state")
    Container(nothing).run()
    assert nothing.got == []


def test_send_many_takes_from_an_iterator_only_what_it_sends(broker):
    source = iter(range(1000))
    taken = []

    class OneCall(MessagingHandler):
        def on_start(self, event):
            event.container.create_sender(event.container.connect(broker.url), "batch-iter")

        def on_sendable(self, event):
            if not taken:
                taken.append(event.sender.send_many(source))
                event.connection.close()

    Container(OneCall()).run()
    assert 0 < taken[0] <= 16
    assert next(source) == taken[0]      # the next item is still there


def test_settle_many_refuses_what_is_not_its_own(broker):
    problems = []

    class Mixed(MessagingHandler):
        def __init__(self):
            super().__init__(auto_accept=False)

        def on_start(self, event):
            conn = event.container.connect(broker.url)
            self.sender = event.container.create_sender(conn, "batch-mixed")
            self.other = event.container.create_receiver(conn, "batch-other")
            event.container.create_receiver(conn, "batch-mixed")

        def on_sendable(self, event):
            event.sender.send_many(itertools.repeat("x", 1))

        def on_message(self, event):
            if problems:
                return
            for bad in ([event.delivery], ["not a delivery"]):
                try:
                    self.other.settle_many(bad)
                except (ValueError, TypeError) as exc:
                    problems.append(type(exc))
            event.receiver.settle_many([event.delivery])
            event.connection.close()

    Container(Mixed()).run()
    assert problems == [ValueError, TypeError]
