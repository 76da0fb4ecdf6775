# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Queues: made on demand, shared by several producers and consumers, declared up front, refused
when missing (``auto_create=False``), reached through the anonymous relay."""

from __future__ import annotations

from typing import Any, List

import pytest

from proton import Message
from proton.utils import BlockingConnection, LinkDetached


def drain(receiver: Any, timeout: float = 0.5) -> List[Any]:
    """Receive (and accept) until nothing arrives for ``timeout`` seconds."""
    from proton import Timeout

    bodies = []
    while True:
        try:
            message = receiver.receive(timeout=timeout)
        except Timeout:
            return bodies
        receiver.accept()
        bodies.append(message.body)


def test_queue_made_on_demand_and_fifo(broker: Any, tools: Any) -> None:
    address = tools.unique()
    connection = BlockingConnection(broker.url)
    try:
        sender = connection.create_sender(address)
        for number in range(20):
            sender.send(Message(body=number))
        assert broker.queue_depth(address) == 20
        receiver = connection.create_receiver(address)
        assert drain(receiver) == list(range(20))
        assert broker.queue_depth(address) == 0
    finally:
        connection.close()


def test_many_producers_and_consumers_share_a_queue(broker: Any, tools: Any) -> None:
    address = tools.unique()
    producers = [BlockingConnection(broker.url) for _ in range(3)]
    consumers = [BlockingConnection(broker.url) for _ in range(3)]
    try:
        receivers = [c.create_receiver(address, credit=5, name=f"r{i}") for i, c in enumerate(consumers)]
        senders = [p.create_sender(address) for p in producers]
        for round_number in range(10):
            for index, sender in enumerate(senders):
                sender.send(Message(body=f"{index}:{round_number}"))
        got = [drain(receiver) for receiver in receivers]
        everything = sorted(body for bodies in got for body in bodies)
        assert everything == sorted(f"{i}:{r}" for i in range(3) for r in range(10))
        assert all(bodies for bodies in got), "every consumer should get a share"
        for bodies in got:               # each producer's messages stay in order on every consumer
            for index in range(3):
                mine = [int(b.split(":")[1]) for b in bodies if b.startswith(f"{index}:")]
                assert mine == sorted(mine)
    finally:
        for connection in producers + consumers:
            connection.close()


def test_round_robin_between_consumers_with_credit(broker: Any, tools: Any) -> None:
    address = tools.unique()
    one, two = BlockingConnection(broker.url), BlockingConnection(broker.url)
    try:
        first = one.create_receiver(address, credit=10)
        second = two.create_receiver(address, credit=10)
        sender = one.create_sender(address)
        for number in range(10):
            sender.send(Message(body=number))
        a, b = drain(first), drain(second)
        assert sorted(a + b) == list(range(10))
        assert abs(len(a) - len(b)) <= 1
    finally:
        one.close()
        two.close()


def test_no_auto_create_refuses_unknown_nodes(make_broker: Any) -> None:
    broker = make_broker(auto_create=False, queues=["known"])
    connection = BlockingConnection(broker.url)
    try:
        with pytest.raises(LinkDetached) as refused:
            connection.create_receiver("unknown")
        assert refused.value.condition == "amqp:not-found"
        assert "unknown" in refused.value.link.remote_condition.description
        with pytest.raises(LinkDetached) as refused_sender:
            connection.create_sender("unknown-too", name="s-unknown")
        assert refused_sender.value.condition == "amqp:not-found"
        # the connection is still good, and a declared queue works
        sender = connection.create_sender("known")
        sender.send(Message(body="here"))
        assert drain(connection.create_receiver("known")) == ["here"]
        assert "unknown" not in broker.stats()["queues"]
    finally:
        connection.close()


def test_declare_queue_while_running(make_broker: Any) -> None:
    broker = make_broker(auto_create=False)
    broker.declare_queue("late")
    connection = BlockingConnection(broker.url)
    try:
        connection.create_sender("late").send(Message(body=1))
        assert broker.queue_depth("late") == 1
    finally:
        connection.close()


def test_anonymous_relay_routes_by_to(broker: Any, tools: Any) -> None:
    red, blue = tools.unique("red"), tools.unique("blue")
    connection = BlockingConnection(broker.url)
    other = BlockingConnection(broker.url)
    try:
        assert "ANONYMOUS-RELAY" in [str(c) for c in (connection.conn.remote_offered_capabilities or [])]
        relay = connection.create_sender(None)
        for number in range(4):
            relay.send(Message(address=red if number % 2 else blue, body=number))
        assert drain(other.create_receiver(red)) == [1, 3]
        assert drain(other.create_receiver(blue)) == [0, 2]
    finally:
        connection.close()
        other.close()


def test_anonymous_relay_rejects_unroutable(make_broker: Any) -> None:
    from proton.utils import SendException

    broker = make_broker(auto_create=False, queues=["exists"])
    connection = BlockingConnection(broker.url)
    try:
        relay = connection.create_sender(None)
        with pytest.raises(SendException):
            relay.send(Message(address="nowhere", body="lost"))
        with pytest.raises(SendException):
            relay.send(Message(body="no address at all"))
        relay.send(Message(address="exists", body="fine"))
        assert broker.queue_depth("exists") == 1
    finally:
        connection.close()


def test_reference_client_round_trip(broker: Any, tools: Any, ref_client: Any) -> None:
    address = tools.unique()
    out = ref_client(f"""
        from proton import Message
        from proton.utils import BlockingConnection
        c = BlockingConnection(URL)
        s = c.create_sender({address!r})
        for i in range(5):
            s.send(Message(body={{"n": i}}, properties={{"k": i}}))
        r = c.create_receiver({address!r})
        for i in range(5):
            m = r.receive(timeout=5)
            r.accept()
            print(m.body["n"], m.properties["k"])
        c.close()
    """, broker.url)
    assert out.split("\n")[:5] == [f"{i} {i}" for i in range(5)]
    assert broker.queue_depth(address) == 0


def test_ours_and_reference_share_a_queue(broker: Any, tools: Any, ref_client: Any) -> None:
    address = tools.unique()
    connection = BlockingConnection(broker.url)
    try:
        sender = connection.create_sender(address)
        for number in range(6):
            sender.send(Message(body=number))
        out = ref_client(f"""
            from proton.utils import BlockingConnection
            c = BlockingConnection(URL)
            r = c.create_receiver({address!r}, credit=1)
            for i in range(3):
                print(r.receive(timeout=5).body)
                r.accept()
            c.close()
        """, broker.url)
        assert [int(x) for x in out.split()] == [0, 1, 2]
        assert drain(connection.create_receiver(address)) == [3, 4, 5]
    finally:
        connection.close()
