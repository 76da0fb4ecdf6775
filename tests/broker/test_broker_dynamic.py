# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Dynamic nodes: temporary reply queues for request/response."""

from __future__ import annotations

import threading
from typing import Any

from proton import Endpoint, Message
from proton.handlers import MessagingHandler
from proton.reactor import Container
from proton.utils import BlockingConnection, SyncRequestResponse


def test_each_dynamic_receiver_gets_its_own_queue(broker: Any) -> None:
    owners = [BlockingConnection(broker.url) for _ in range(3)]
    outsider = BlockingConnection(broker.url)
    try:
        receivers = [c.create_receiver(None, dynamic=True) for c in owners]
        addresses = [r.link.remote_source.address for r in receivers]
        assert all(a and a.startswith("tmp/") for a in addresses)
        assert len(set(addresses)) == 3
        relay = outsider.create_sender(None)
        for index, address in enumerate(addresses):
            relay.send(Message(address=address, body=f"for {index}"))
        for index, receiver in enumerate(receivers):
            assert receiver.receive(timeout=5).body == f"for {index}"
            receiver.accept()
        named = outsider.create_sender(addresses[0], name="named")
        named.send(Message(body="by name"))
        assert receivers[0].receive(timeout=5).body == "by name"
        receivers[0].accept()
    finally:
        for connection in owners + [outsider]:
            connection.close()


def test_a_dynamic_queue_ends_with_its_link(broker: Any, tools: Any) -> None:
    connection = BlockingConnection(broker.url)
    try:
        receiver = connection.create_receiver(None, dynamic=True)
        address = receiver.link.remote_source.address
        assert address in broker.stats()["queues"]
        receiver.close()
        tools.wait_for(lambda: address not in broker.stats()["queues"], what="the dynamic queue to go")
    finally:
        connection.close()


def test_a_dynamic_target(broker: Any, tools: Any) -> None:
    peer = tools.RawPeer(broker.port)
    session = peer.connection.session()
    session.open()
    sender = session.sender("dyn-out")
    sender.target.dynamic = True
    sender.open()
    peer.pump(lambda: peer.attached(sender))
    address = sender.remote_target.address
    assert address.startswith("tmp/")
    peer.pump(lambda: sender.credit > 0)
    delivery = sender.delivery("t1")
    sender.stream(Message(body="into the void").encode())
    sender.advance()
    peer.pump(lambda: delivery.remote_state)
    assert broker.queue_depth(address) == 1
    sender.close()
    peer.pump(lambda: sender.state & Endpoint.REMOTE_CLOSED)
    assert address not in broker.stats()["queues"]
    peer.abort_socket()


class _Doubler(MessagingHandler):
    """A service answering each request (a number) with twice its value, until told to stop."""

    def __init__(self, url: str, address: str, ready: threading.Event) -> None:
        super().__init__()
        self.url, self.address, self.ready = url, address, ready
        self.relay: Any = None

    def on_start(self, event: Any) -> None:
        connection = event.container.connect(self.url)
        event.container.create_receiver(connection, self.address)
        self.relay = event.container.create_sender(connection, None)

    def on_link_opened(self, event: Any) -> None:
        if event.receiver is not None:
            self.ready.set()

    def on_message(self, event: Any) -> None:
        request = event.message
        if request.body == "stop":
            event.connection.close()
            return
        self.relay.send(Message(address=request.reply_to, correlation_id=request.correlation_id,
                                body=request.body * 2))


def test_sync_request_response_from_several_clients(broker: Any, tools: Any) -> None:
    address = tools.unique("service")
    ready = threading.Event()
    service = threading.Thread(target=Container(_Doubler(broker.url, address, ready)).run, daemon=True)
    service.start()
    assert ready.wait(10)
    clients = [BlockingConnection(broker.url) for _ in range(3)]
    try:
        callers = [SyncRequestResponse(c, address) for c in clients]
        for round_number in range(4):
            for index, caller in enumerate(callers):
                answer = caller.call(Message(body=round_number * 10 + index))
                assert answer.body == (round_number * 10 + index) * 2
    finally:
        clients[0].create_sender(address, name="stopper").send(Message(body="stop"))
        for connection in clients:
            connection.close()
        service.join(10)
    assert not service.is_alive()


def test_reply_to_a_vanished_dynamic_queue(make_broker: Any) -> None:
    from proton.utils import SendException

    broker = make_broker(auto_create=False)
    owner, other = BlockingConnection(broker.url), BlockingConnection(broker.url)
    try:
        receiver = owner.create_receiver(None, dynamic=True)
        address = receiver.link.remote_source.address
        receiver.close()
        relay = other.create_sender(None)
        try:
            relay.send(Message(address=address, body="too late"))
        except SendException:
            pass
        else:
            raise AssertionError("a reply to a gone dynamic queue should be rejected")
    finally:
        owner.close()
        other.close()


def test_dynamic_reply_queue_from_the_reference_client(broker: Any, tools: Any, ref_client: Any) -> None:
    address = tools.unique("refsvc")
    ready = threading.Event()
    service = threading.Thread(target=Container(_Doubler(broker.url, address, ready)).run, daemon=True)
    service.start()
    assert ready.wait(10)
    try:
        out = ref_client(f"""
            from proton import Message
            from proton.utils import BlockingConnection, SyncRequestResponse
            c = BlockingConnection(URL)
            rpc = SyncRequestResponse(c, {address!r})
            print(rpc.reply_to.startswith("tmp/"), [rpc.call(Message(body=n)).body for n in (1, 2, 3)])
            c.close()
        """, broker.url)
        assert out.strip() == "True [2, 4, 6]"
    finally:
        stopper = BlockingConnection(broker.url)
        stopper.create_sender(address).send(Message(body="stop"))
        stopper.close()
        service.join(10)
