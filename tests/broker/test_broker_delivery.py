# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Delivery guarantees: settle modes both ways, outcomes (accepted, rejected, released, modified),
redelivery after a consumer vanishes, and credit (never exceeded; drain gives the rest back)."""

from __future__ import annotations

from typing import Any, List

from proton import Delivery, Endpoint, Message, Timeout, symbol
from proton.handlers import MessagingHandler
from proton.reactor import AtMostOnce
from proton.utils import BlockingConnection


def fill(broker: Any, address: str, bodies: List[Any]) -> None:
    connection = BlockingConnection(broker.url)
    try:
        sender = connection.create_sender(address)
        for body in bodies:
            sender.send(Message(body=body))
    finally:
        connection.close()


def take_all(receiver: Any, timeout: float = 0.5) -> List[Any]:
    messages = []
    while True:
        try:
            messages.append(receiver.receive(timeout=timeout))
        except Timeout:
            return messages
        receiver.accept()


def test_rejected_messages_are_dropped(broker: Any, tools: Any) -> None:
    address = tools.unique()
    fill(broker, address, ["bad", "good"])
    connection = BlockingConnection(broker.url)
    try:
        receiver = connection.create_receiver(address, credit=1)
        assert receiver.receive(timeout=5).body == "bad"
        receiver.reject()
        assert [m.body for m in take_all(receiver)] == ["good"]
        assert broker.queue_depth(address) == 0
    finally:
        connection.close()


def test_rejected_messages_go_to_the_dead_letter_queue(make_broker: Any, tools: Any) -> None:
    broker = make_broker(dead_letter="dead")
    address = tools.unique()
    fill(broker, address, ["poison"])
    connection = BlockingConnection(broker.url)
    try:
        receiver = connection.create_receiver(address, credit=1)
        receiver.receive(timeout=5)
        receiver.reject()
        dead = take_all(connection.create_receiver("dead"))
        assert [m.body for m in dead] == ["poison"]
        assert broker.queue_depth(address) == 0
    finally:
        connection.close()


def test_released_message_goes_back_to_the_head(broker: Any, tools: Any) -> None:
    address = tools.unique()
    fill(broker, address, ["a", "b", "c"])
    first, second = BlockingConnection(broker.url), BlockingConnection(broker.url)
    try:
        picky = first.create_receiver(address, credit=1)
        assert picky.receive(timeout=5).body == "a"
        picky.release(delivered=False)
        # A blocking connection only moves frames while one of its calls runs: let it send the
        # release, and see the link closed, before the other consumer starts.
        picky.link.close()
        first.wait(lambda: picky.link.state & Endpoint.REMOTE_CLOSED)
        everything = take_all(second.create_receiver(address, credit=10))
        assert [m.body for m in everything] == ["a", "b", "c"]
    finally:
        first.close()
        second.close()


def test_modified_failed_counts_each_attempt(broker: Any, tools: Any) -> None:
    address = tools.unique()
    fill(broker, address, ["flaky"])
    connection = BlockingConnection(broker.url)
    try:
        receiver = connection.create_receiver(address, credit=1)
        counts = []
        for _ in range(3):
            message = receiver.receive(timeout=5)
            counts.append(message.delivery_count)
            receiver.release(delivered=True)          # modified: a delivery attempt
        final = receiver.receive(timeout=5)
        receiver.accept()
        assert counts == [0, 1, 2] and final.delivery_count == 3
        assert broker.queue_depth(address) == 0
    finally:
        connection.close()


class _Modifier(MessagingHandler):
    """Answers the first delivery with 'modified' carrying annotations, accepts the second."""

    def __init__(self, url: str, address: str) -> None:
        super().__init__(auto_accept=False)
        self.url, self.address = url, address
        self.seen: List[Any] = []

    def on_start(self, event: Any) -> None:
        event.container.create_receiver(event.container.connect(self.url), self.address)

    def on_message(self, event: Any) -> None:
        self.seen.append(event.message)
        delivery = event.delivery
        if len(self.seen) == 1:
            delivery.local.annotations = {symbol("x-opt-note"): "looked at"}
            delivery.local.failed = True
            delivery.update(Delivery.MODIFIED)
            delivery.settle()
        else:
            self.accept(delivery)
            event.connection.close()
            self.deadline_task.cancel()


def test_modified_merges_annotations(broker: Any, tools: Any, run_handler: Any) -> None:
    address = tools.unique()
    connection = BlockingConnection(broker.url)
    try:
        connection.create_sender(address).send(Message(body="x", annotations={symbol("x-opt-kept"): 1}))
    finally:
        connection.close()
    handler = run_handler(_Modifier(broker.url, address))
    again = handler.seen[1]
    assert again.body == "x" and again.delivery_count == 1
    assert {str(k): v for k, v in again.annotations.items()} == {"x-opt-kept": 1, "x-opt-note": "looked at"}


def _raw_receiver(tools: Any, broker: Any, address: str, credit: int, presettled: bool = False) -> Any:
    peer = tools.RawPeer(broker.port)
    session = peer.connection.session()
    session.open()
    link = session.receiver(tools.unique("raw-recv"))
    link.source.address = address
    link.target.address = address
    if presettled:
        link.snd_settle_mode = link.SND_SETTLED
    link.open()
    peer.pump(lambda: peer.attached(link))
    if credit:
        link.flow(credit)
    return peer, link


def test_unsettled_messages_return_when_a_consumer_vanishes(broker: Any, tools: Any) -> None:
    address = tools.unique()
    fill(broker, address, [1, 2, 3, 4])
    peer, link = _raw_receiver(tools, broker, address, credit=3)
    peer.pump(lambda: link.queued == 3)
    tools.wait_for(lambda: broker.stats()["unacked"] == 3, what="3 unsettled deliveries")
    assert broker.queue_depth(address) == 1
    peer.abort_socket()
    connection = BlockingConnection(broker.url)
    try:
        back = take_all(connection.create_receiver(address, credit=10))
        assert [m.body for m in back] == [1, 2, 3, 4]
        assert [m.delivery_count for m in back] == [1, 1, 1, 0]
    finally:
        connection.close()


def test_presettled_deliveries_are_not_redelivered(broker: Any, tools: Any) -> None:
    address = tools.unique()
    fill(broker, address, [1, 2, 3])
    peer, link = _raw_receiver(tools, broker, address, credit=2, presettled=True)
    peer.pump(lambda: link.queued == 2)
    assert link.remote_snd_settle_mode == link.SND_SETTLED
    delivery = link.current
    assert delivery.settled                      # the broker settled it when sending
    peer.abort_socket()
    tools.wait_for(lambda: broker.stats()["connections"] == 0, what="the peer to go")
    assert broker.queue_depth(address) == 1
    connection = BlockingConnection(broker.url)
    try:
        assert [m.body for m in take_all(connection.create_receiver(address))] == [3]
    finally:
        connection.close()


def test_at_most_once_sender_messages_are_stored(broker: Any, tools: Any) -> None:
    address = tools.unique()
    senders = [BlockingConnection(broker.url) for _ in range(2)]
    try:
        for index, connection in enumerate(senders):
            sender = connection.create_sender(address, options=AtMostOnce())
            assert sender.link.remote_snd_settle_mode == sender.link.SND_SETTLED
            for number in range(5):
                sender.send(Message(body=[index, number]))   # returns at once: nothing to wait for
    finally:
        for connection in senders:
            connection.close()                             # sends what is still buffered
    tools.wait_for(lambda: broker.queue_depth(address) == 10, what="10 presettled messages")


def test_credit_is_never_exceeded(broker: Any, tools: Any) -> None:
    address = tools.unique()
    fill(broker, address, list(range(10)))
    small_peer, small = _raw_receiver(tools, broker, address, credit=2)
    big_peer, big = _raw_receiver(tools, broker, address, credit=5)
    try:
        small_peer.pump(lambda: small.queued == 2)
        big_peer.pump(lambda: big.queued == 5)
        for _ in range(20):                      # give the broker every chance to overshoot
            small_peer.pump()
            big_peer.pump()
        assert (small.queued, big.queued) == (2, 5)
        assert broker.queue_depth(address) == 3
        small.flow(1)
        small_peer.pump(lambda: small.queued == 3)
        assert broker.queue_depth(address) == 2
    finally:
        small_peer.abort_socket()
        big_peer.abort_socket()


def test_drain_gives_back_unused_credit(broker: Any, tools: Any) -> None:
    address = tools.unique()
    fill(broker, address, ["x", "y"])
    peer, link = _raw_receiver(tools, broker, address, credit=0)
    other_peer, other = _raw_receiver(tools, broker, address, credit=0)
    try:
        link.drain(5)
        peer.pump(lambda: link.queued == 2 and not link.draining())
        assert link.drained() == 3                    # credit the broker gave back
        # draining with nothing to send answers at once
        other.drain(4)
        other_peer.pump(lambda: not other.draining())
        assert other.queued == 0 and other.drained() == 4 and other.credit == 0
        # more messages than credit: the credit is used up, the rest stays
        fill(broker, address, ["p", "q", "r"])
        other.drain(2)
        other_peer.pump(lambda: other.queued == 2 and not other.draining())
        assert other.drained() == 0
        assert broker.queue_depth(address) == 1
    finally:
        peer.abort_socket()
        other_peer.abort_socket()


def test_settle_modes_from_the_reference_client(broker: Any, tools: Any, ref_client: Any) -> None:
    address = tools.unique()
    out = ref_client(f"""
        from proton import Message
        from proton.reactor import AtMostOnce, AtLeastOnce
        from proton.utils import BlockingConnection
        c = BlockingConnection(URL)
        fast = c.create_sender({address!r}, options=AtMostOnce())
        for i in range(3):
            fast.send(Message(body=i))
        safe = c.create_sender({address!r}, name="safe", options=AtLeastOnce())
        safe.send(Message(body=3))
        r = c.create_receiver({address!r}, options=AtMostOnce())
        got = [r.receive(timeout=5).body for _ in range(4)]
        print(got, r.link.remote_snd_settle_mode)
        c.close()
    """, broker.url)
    assert out.strip() == "[0, 1, 2, 3] 1"
    assert broker.queue_depth(address) == 0


def test_senders_get_a_bounded_credit_window(make_broker: Any, tools: Any) -> None:
    broker = make_broker(credit_window=4)
    address = tools.unique()
    peers = [tools.RawPeer(broker.port) for _ in range(2)]
    try:
        senders = []
        for index, peer in enumerate(peers):
            session = peer.connection.session()
            session.open()
            sender = session.sender(f"bounded-{index}")
            sender.target.address = address
            sender.open()
            peer.pump(lambda: sender.credit > 0)
            assert sender.credit == 4                # the window, no more
            senders.append(sender)
        for peer, sender in zip(peers, senders):
            deliveries = []
            for number in range(10):                 # more than the window: the rest waits here
                delivery = sender.delivery(f"d{number}")
                sender.stream(Message(body=number).encode())
                sender.advance()
                deliveries.append(delivery)
            peer.pump(lambda: all(d.remote_state for d in deliveries))
            assert all(d.remote_state == Delivery.ACCEPTED for d in deliveries)
            assert 0 < sender.credit <= 4             # topped up as it was used, never beyond the window
        assert broker.queue_depth(address) == 20
    finally:
        for peer in peers:
            peer.abort_socket()
