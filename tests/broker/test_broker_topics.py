# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Topics: fan-out to every subscriber, the ``topic://`` prefix and its alternatives, selectors on
subscriptions, and durable subscriptions that outlive a detach."""

from __future__ import annotations

from typing import Any, List

from proton import Message, Timeout, symbol
from proton.reactor import DurableSubscription, LinkOption, Selector
from proton.utils import BlockingConnection


def take(receiver: Any, timeout: float = 0.5) -> List[Any]:
    bodies = []
    while True:
        try:
            message = receiver.receive(timeout=timeout)
        except Timeout:
            return bodies
        receiver.accept()
        bodies.append(message.body)


class TopicCapability(LinkOption):
    """Marks the receiver's source (or the sender's target) with the capability ``topic``."""

    def apply(self, link: Any) -> None:
        terminus = link.source if link.is_receiver else link.target
        terminus.capabilities.put_object([symbol("topic")])


def test_every_subscriber_gets_every_message(broker: Any, tools: Any) -> None:
    topic = "topic://" + tools.unique("news")
    subscribers = [BlockingConnection(broker.url) for _ in range(3)]
    publisher = BlockingConnection(broker.url)
    try:
        receivers = [c.create_receiver(topic, credit=20) for c in subscribers]
        tools.wait_for(lambda: broker.stats()["topics"].get(topic[len("topic://"):]) == 3, what="3 subscriptions")
        sender = publisher.create_sender(topic)
        for number in range(5):
            sender.send(Message(body=number))
        for receiver in receivers:
            assert take(receiver) == [0, 1, 2, 3, 4]
    finally:
        for connection in subscribers + [publisher]:
            connection.close()


def test_topic_keeps_nothing_without_subscribers(broker: Any, tools: Any) -> None:
    topic = "topic://" + tools.unique("void")
    connection = BlockingConnection(broker.url)
    try:
        connection.create_sender(topic).send(Message(body="nobody listens"))
        late = connection.create_receiver(topic)
        assert take(late) == []
        connection.create_sender(topic, name="again").send(Message(body="now someone does"))
        assert take(late) == ["now someone does"]
    finally:
        connection.close()


def test_a_queue_and_a_topic_of_the_same_name_are_separate(broker: Any, tools: Any) -> None:
    name = tools.unique("same")
    connection = BlockingConnection(broker.url)
    try:
        subscriber = connection.create_receiver("topic://" + name, name="sub")
        connection.create_sender(name, name="to-queue").send(Message(body="queued"))
        connection.create_sender("topic://" + name, name="to-topic").send(Message(body="published"))
        assert take(subscriber) == ["published"]
        assert take(connection.create_receiver(name, name="queue-reader")) == ["queued"]
    finally:
        connection.close()


def test_topic_capability_and_declared_topics(make_broker: Any, tools: Any) -> None:
    broker = make_broker(topics=["alerts"], topic_prefix="")
    connection = BlockingConnection(broker.url)
    try:
        first = connection.create_receiver("alerts", name="a")                       # declared: a topic
        second = connection.create_receiver("prices", name="b", options=TopicCapability())
        third = connection.create_receiver("prices", name="c", options=TopicCapability())
        connection.create_sender("alerts", name="s1").send(Message(body="fire"))
        prices = connection.create_sender("prices", name="s2", options=TopicCapability())
        prices.send(Message(body=101))
        assert take(first) == ["fire"]
        assert take(second) == [101] and take(third) == [101]
        assert broker.queue_depth("alerts") == 0 and "prices" in broker.stats()["topics"]
        # with the prefix turned off, topic:// is an ordinary queue name
        connection.create_sender("topic://x", name="s3").send(Message(body="kept"))
        assert broker.queue_depth("topic://x") == 1
    finally:
        connection.close()


def test_custom_topic_prefix(make_broker: Any) -> None:
    broker = make_broker(topic_prefix="/topics/")
    connection = BlockingConnection(broker.url)
    try:
        one = connection.create_receiver("/topics/t", name="one")
        two = connection.create_receiver("/topics/t", name="two")
        connection.create_sender("/topics/t").send(Message(body="hi"))
        assert take(one) == ["hi"] and take(two) == ["hi"]
    finally:
        connection.close()


def test_subscriber_selectors(broker: Any, tools: Any) -> None:
    topic = "topic://" + tools.unique("sel")
    connection = BlockingConnection(broker.url)
    try:
        small = connection.create_receiver(topic, name="small", options=Selector("size < 10"))
        large = connection.create_receiver(topic, name="large", options=Selector("size >= 10"))
        everything = connection.create_receiver(topic, name="all")
        sender = connection.create_sender(topic)
        for size in (1, 50, 5, 10):
            sender.send(Message(body=size, properties={"size": size}))
        assert take(small) == [1, 5]
        assert take(large) == [50, 10]
        assert take(everything) == [1, 50, 5, 10]
    finally:
        connection.close()


def _detach(broker: Any, tools: Any, connection: Any, receiver: Any, subscription: str) -> None:
    """Detach (not close) ``receiver``; returns once the broker has let go of the subscriber.

    A detach changes no endpoint state flags, so the broker's view is what tells it happened."""
    receiver.link.detach()
    key = tuple(subscription.split("/", 1))
    tools.wait_for(lambda: (connection.container.process() or True) and
                   broker.call(lambda h: key in h.durable and not h.durable[key].consumers),
                   what="the broker to see the detach")


def test_durable_subscription_survives_detach(broker: Any, tools: Any) -> None:
    topic = "topic://" + tools.unique("durable")
    subscriber_id = tools.unique("subscriber")
    publisher = BlockingConnection(broker.url)
    try:
        first = BlockingConnection(broker.url, container_id=subscriber_id)
        receiver = first.create_receiver(topic, name="my-sub", options=DurableSubscription())
        sender = publisher.create_sender(topic)
        sender.send(Message(body="while attached"))
        assert take(receiver) == ["while attached"]
        _detach(broker, tools, first, receiver, f"{subscriber_id}/my-sub")
        first.close()
        for number in range(3):
            sender.send(Message(body=f"while away {number}"))
        assert broker.stats()["durable"] == {f"{subscriber_id}/my-sub": 3}
        # a non-durable subscriber attached meanwhile does not see the old ones
        again = BlockingConnection(broker.url, container_id=subscriber_id)
        try:
            resumed = again.create_receiver(topic, name="my-sub", options=DurableSubscription())
            assert take(resumed) == [f"while away {n}" for n in range(3)]
            sender.send(Message(body="after"))
            assert take(resumed) == ["after"]
            # closing (not detaching) ends the subscription
            resumed.close()
            tools.wait_for(lambda: broker.stats()["durable"] == {}, what="the subscription to end")
        finally:
            again.close()
    finally:
        publisher.close()


def test_durable_subscription_kept_when_the_connection_drops(broker: Any, tools: Any) -> None:
    topic = "topic://" + tools.unique("dropped")
    peer = tools.RawPeer(broker.port, container_id="raw-durable")
    session = peer.connection.session()
    session.open()
    link = session.receiver("sub-1")
    link.source.address = topic
    link.source.durability = 2          # deliveries
    link.source.expiry_policy = 3       # never
    link.open()
    peer.pump(lambda: peer.attached(link))
    peer.abort_socket()
    tools.wait_for(lambda: broker.stats()["connections"] == 0, what="the raw peer to be gone")
    publisher = BlockingConnection(broker.url)
    subscriber = BlockingConnection(broker.url, container_id="raw-durable")
    try:
        publisher.create_sender(topic).send(Message(body="kept for you"))
        receiver = subscriber.create_receiver(topic, name="sub-1", options=DurableSubscription())
        assert take(receiver) == ["kept for you"]
    finally:
        publisher.close()
        subscriber.close()


def test_two_durable_subscribers_are_independent(broker: Any, tools: Any) -> None:
    topic = "topic://" + tools.unique("pair")
    publisher = BlockingConnection(broker.url)
    alice = BlockingConnection(broker.url, container_id="alice")
    bob = BlockingConnection(broker.url, container_id="bob")
    try:
        ra = alice.create_receiver(topic, name="sub", options=DurableSubscription())
        rb = bob.create_receiver(topic, name="sub", options=DurableSubscription())
        _detach(broker, tools, bob, rb, "bob/sub")
        sender = publisher.create_sender(topic)
        sender.send(Message(body=1))
        sender.send(Message(body=2))
        assert take(ra) == [1, 2]
        stats = broker.stats()["durable"]
        assert stats == {"alice/sub": 0, "bob/sub": 2}
        rb2 = bob.create_receiver(topic, name="sub", options=DurableSubscription())
        assert take(rb2) == [1, 2]
    finally:
        for connection in (publisher, alice, bob):
            connection.close()


def test_durable_subscription_from_the_reference_client(broker: Any, tools: Any, ref_client: Any) -> None:
    topic = "topic://" + tools.unique("refdur")
    code = f"""
        from proton.reactor import DurableSubscription
        from proton.utils import BlockingConnection
        c = BlockingConnection(URL, container_id="ref-sub")
        r = c.create_receiver({topic!r}, name="ref", options=DurableSubscription())
        got = []
        while True:
            try:
                m = r.receive(timeout=0.5)
            except Exception:
                break
            r.accept()
            got.append(m.body)
        print(got)
        r.link.detach()
        c.close()
    """
    assert ref_client(code, broker.url).strip() == "[]"
    publisher = BlockingConnection(broker.url)
    try:
        publisher.create_sender(topic).send(Message(body="for the reference"))
    finally:
        publisher.close()
    assert ref_client(code, broker.url).strip() == "['for the reference']"
