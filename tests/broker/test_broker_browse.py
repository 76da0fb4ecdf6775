# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Browsing: receivers in *copy* mode see the messages of a queue and leave them there."""

from __future__ import annotations

from typing import Any, List

from proton import Message, Timeout
from proton.reactor import Copy, Move, Selector
from proton.utils import BlockingConnection


def bodies(receiver: Any, timeout: float = 0.5) -> List[Any]:
    seen = []
    while True:
        try:
            seen.append(receiver.receive(timeout=timeout).body)
        except Timeout:
            return seen
        receiver.accept()


def test_browsers_see_everything_and_take_nothing(broker: Any, tools: Any) -> None:
    address = tools.unique()
    connections = [BlockingConnection(broker.url) for _ in range(3)]
    try:
        sender = connections[0].create_sender(address)
        for number in range(5):
            sender.send(Message(body=number))
        browsers = [c.create_receiver(address, name=f"b{i}", credit=10, options=Copy())
                    for i, c in enumerate(connections[1:])]
        for browser in browsers:
            assert bodies(browser) == [0, 1, 2, 3, 4]
        assert broker.queue_depth(address) == 5
        consumer = connections[0].create_receiver(address, options=Move())
        assert bodies(consumer) == [0, 1, 2, 3, 4]
        assert broker.queue_depth(address) == 0
    finally:
        for connection in connections:
            connection.close()


def test_a_browser_sees_later_arrivals_while_consumers_take_them(broker: Any, tools: Any) -> None:
    address = tools.unique()
    connection = BlockingConnection(broker.url)
    try:
        browser = connection.create_receiver(address, name="browser", credit=10, options=Copy())
        sender = connection.create_sender(address)
        for number in range(3):
            sender.send(Message(body=number))
        assert bodies(browser) == [0, 1, 2]
        consumer = connection.create_receiver(address, name="consumer", credit=10)
        assert bodies(consumer) == [0, 1, 2]
        sender.send(Message(body=3))
        assert bodies(browser) == [3]                # a copy first, then the consumer takes it
        assert bodies(consumer) == [3]
    finally:
        connection.close()


def test_a_browser_respects_credit_and_selectors(broker: Any, tools: Any) -> None:
    address = tools.unique()
    connection = BlockingConnection(broker.url)
    try:
        sender = connection.create_sender(address)
        for number in range(6):
            sender.send(Message(body=number, properties={"even": number % 2 == 0}))
        evens = connection.create_receiver(address, name="evens", credit=1,
                                           options=[Copy(), Selector("even = TRUE")])
        assert bodies(evens) == [0, 2, 4]
        one_at_a_time = connection.create_receiver(address, name="slow", credit=1, options=Copy())
        assert bodies(one_at_a_time) == [0, 1, 2, 3, 4, 5]
        assert broker.queue_depth(address) == 6
    finally:
        connection.close()


def test_browsing_from_the_reference_client(broker: Any, tools: Any, ref_client: Any) -> None:
    address = tools.unique()
    connection = BlockingConnection(broker.url)
    try:
        sender = connection.create_sender(address)
        for number in range(3):
            sender.send(Message(body=number))
    finally:
        connection.close()
    code = f"""
        from proton.reactor import Copy
        from proton.utils import BlockingConnection
        c = BlockingConnection(URL)
        r = c.create_receiver({address!r}, credit=10, options=Copy())
        print([r.receive(timeout=5).body for _ in range(3)])
        c.close()
    """
    assert ref_client(code, broker.url).strip() == "[0, 1, 2]"
    assert ref_client(code, broker.url).strip() == "[0, 1, 2]"
    assert broker.queue_depth(address) == 3
