# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Selector filters on queue consumers: who gets what, header fields, the two descriptors, the
echoed filter, and refusals for bad or unknown filters."""

from __future__ import annotations

from typing import Any, List

import pytest

from proton import Described, Message, Timeout, symbol, ulong
from proton.reactor import Filter, Selector
from proton.utils import BlockingConnection, LinkDetached


def bodies(receiver: Any, timeout: float = 0.5) -> List[Any]:
    seen = []
    while True:
        try:
            seen.append(receiver.receive(timeout=timeout).body)
        except Timeout:
            return seen
        receiver.accept()


def test_consumers_with_selectors_split_a_queue(broker: Any, tools: Any) -> None:
    address = tools.unique()
    reds, blues, producer = (BlockingConnection(broker.url) for _ in range(3))
    try:
        red = reds.create_receiver(address, credit=10, options=Selector("colour = 'red'"))
        blue = blues.create_receiver(address, credit=10, options=Selector("colour = 'blue' AND size > 1"))
        sender = producer.create_sender(address)
        for number, colour in enumerate(["red", "blue", "green", "red", "blue", "blue"]):
            sender.send(Message(body=number, properties={"colour": colour, "size": number}))
        assert bodies(red) == [0, 3]
        assert bodies(blue) == [4, 5]
        assert broker.queue_depth(address) == 2         # green, and the small blue one, stay
        rest = producer.create_receiver(address)
        assert bodies(rest) == [1, 2]
    finally:
        for connection in (reds, blues, producer):
            connection.close()


def test_a_plain_consumer_next_to_a_selective_one(broker: Any, tools: Any) -> None:
    address = tools.unique()
    connection = BlockingConnection(broker.url)
    try:
        sender = connection.create_sender(address)
        for number in range(6):
            sender.send(Message(body=number, properties={"n": number}))
        picky = connection.create_receiver(address, name="picky", credit=10, options=Selector("n >= 4"))
        assert bodies(picky) == [4, 5]
        anyone = connection.create_receiver(address, name="anyone", credit=10)
        assert bodies(anyone) == [0, 1, 2, 3]
    finally:
        connection.close()


def test_selectors_on_header_fields(broker: Any, tools: Any) -> None:
    address = tools.unique()
    connection = BlockingConnection(broker.url)
    try:
        sender = connection.create_sender(address)
        sender.send(Message(body="urgent", priority=9, durable=True, subject="alert", correlation_id="c-1"))
        sender.send(Message(body="routine", priority=2, subject="note", id="ID:routine"))
        cases = {
            "JMSPriority > 4": ["urgent"],
            "JMSDeliveryMode = 'NON_PERSISTENT'": ["routine"],
            "JMSType = 'alert'": ["urgent"],
            "JMSCorrelationID = 'c-1'": ["urgent"],
            "JMSMessageID LIKE 'ID:%'": ["routine"],
        }
        for index, (text, expected) in enumerate(cases.items()):
            browser = connection.create_receiver(address, name=f"b{index}", credit=10,
                                                 options=[Selector(text), _copy()])
            assert bodies(browser, timeout=0.3) == expected, text
    finally:
        connection.close()


def _copy() -> Any:
    from proton.reactor import Copy

    return Copy()


def test_the_numeric_descriptor_and_the_echoed_filter(broker: Any, tools: Any) -> None:
    address = tools.unique()
    connection = BlockingConnection(broker.url)
    try:
        numeric = Filter({symbol("my-selector"): Described(ulong(0x0000468C00000004), "n = 2")})
        receiver = connection.create_receiver(address, credit=10, options=numeric)
        echoed = receiver.link.remote_source.filter
        echoed.rewind()
        echoed.next()
        found = echoed.get_object()
        assert list(found.keys()) == [symbol("my-selector")]
        assert found[symbol("my-selector")].value == "n = 2"
        sender = connection.create_sender(address)
        for number in range(4):
            sender.send(Message(body=number, properties={"n": number}))
        assert bodies(receiver) == [2]
    finally:
        connection.close()


def test_bad_selectors_and_unknown_filters_are_refused(broker: Any, tools: Any) -> None:
    address = tools.unique()
    connection = BlockingConnection(broker.url)
    try:
        with pytest.raises(LinkDetached) as bad:
            connection.create_receiver(address, name="bad", options=Selector("colour = "))
        assert bad.value.condition == "amqp:invalid-field"
        assert "selector" in bad.value.link.remote_condition.description
        with pytest.raises(LinkDetached) as unknown:
            connection.create_receiver(address, name="unknown", options=Filter(
                {symbol("weird"): Described(symbol("example.org:weird-filter"), "?")}))
        assert unknown.value.condition == "amqp:invalid-field"
        assert "weird" in unknown.value.link.remote_condition.description
        with pytest.raises(LinkDetached) as not_text:
            connection.create_receiver(address, name="number", options=Filter(
                {symbol("selector"): Described(symbol("apache.org:selector-filter:string"), 42)}))
        assert not_text.value.condition == "amqp:invalid-field"
        # nothing was subscribed, and the connection still works
        connection.create_sender(address).send(Message(body="still fine"))
        assert bodies(connection.create_receiver(address, name="good")) == ["still fine"]
    finally:
        connection.close()


def test_selectors_from_the_reference_client(broker: Any, tools: Any, ref_client: Any) -> None:
    address = tools.unique()
    out = ref_client(f"""
        from proton import Message
        from proton.reactor import Selector
        from proton.utils import BlockingConnection, LinkDetached
        c = BlockingConnection(URL)
        s = c.create_sender({address!r})
        for n in range(6):
            s.send(Message(body=n, properties={{"n": n, "tag": "t%d" % n}}))
        odd = Selector("n IN (1, 3, 5) OR tag = 't0'")
        r = c.create_receiver({address!r}, name="odd", credit=10, options=odd)
        got = []
        for _ in range(4):
            got.append(r.receive(timeout=5).body)
            r.accept()
        print(got)
        try:
            c.create_receiver({address!r}, name="bad", options=Selector("n BETWEEN 1"))
        except LinkDetached as refused:
            print(refused.condition)
        c.close()
    """, broker.url)
    assert out.split("\n")[:2] == ["[0, 1, 3, 5]", "amqp:invalid-field"]
    assert broker.queue_depth(address) == 2
