# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Typed user code that ``mypy --strict`` must accept (tests/test_sourcecode.py checks it; it is
never run). It uses the public API the way applications do: every line here is something the
stubs and annotations must type precisely, not as ``Any``."""

from __future__ import annotations

import uuid
from typing import List, Optional

from proton import Condition, Delivery, Event, Message, SSLDomain, Url, symbol
from proton.handlers import MessagingHandler
from proton.reactor import AtLeastOnce, Container, DynamicNodeProperties
from proton.utils import BlockingConnection, BlockingReceiver, BlockingSender


class Echo(MessagingHandler):
    def __init__(self, url: str) -> None:
        super().__init__(prefetch=10, auto_accept=False)
        self.url = url
        self.bodies: List[str] = []

    def on_start(self, event: Event) -> None:
        connection = event.container.connect(self.url, allowed_mechs="PLAIN", user="me", password="secret",
                                             reconnect=False, heartbeat=5.0, max_frame_size=65536,
                                             properties={"product": "typed"})
        event.container.create_sender(connection, "queue", options=AtLeastOnce())
        event.container.create_receiver(connection, None, dynamic=True, options=DynamicNodeProperties({}))

    def on_sendable(self, event: Event) -> None:
        sender = event.sender
        if sender.credit > 0:
            delivery: Delivery = sender.send(Message(body="hi", id=uuid.uuid4(), durable=True, priority=7,
                                                     ttl=1.5, subject="greeting", properties={"n": 1}))
            tag: object = delivery.tag
            assert tag

    def on_message(self, event: Event) -> None:
        message: Message = event.message
        body = message.body
        self.bodies.append(str(body))
        subject: Optional[str] = message.subject
        encoded: bytes = message.encode()
        durable: bool = message.durable
        priority: int = message.priority
        ttl: float = message.ttl
        content_type: symbol = message.content_type
        print(subject, encoded, durable, priority, ttl, content_type)
        self.accept(event.delivery)
        event.receiver.flow(1)

    def on_transport_error(self, event: Event) -> None:
        condition: Optional[Condition] = event.transport.condition
        if condition is not None:
            print(condition.name, condition.description)


def blocking(url: Url) -> str:
    connection = BlockingConnection(url, timeout=5, user="me", password="secret")
    try:
        sender: BlockingSender = connection.create_sender("queue")
        sender.send(Message(body=b"\x00"))
        receiver: BlockingReceiver = connection.create_receiver("queue", credit=1)
        message = receiver.receive(timeout=2)
        receiver.accept()
        return repr(message.body)
    finally:
        connection.close()


def tls() -> SSLDomain:
    domain = SSLDomain(SSLDomain.MODE_CLIENT)
    domain.set_trusted_ca_db("/etc/ssl/certs/ca-certificates.crt")
    domain.set_peer_authentication(SSLDomain.VERIFY_PEER_NAME)
    return domain


def run() -> None:
    handler = Echo("amqp://127.0.0.1:5672")
    Container(handler).run()
    print(blocking(Url("amqp://127.0.0.1:5672")), tls(), handler.bodies)


# The asyncio API (cyproton.aio) is typed the same way when it lands: its coroutines go here, used as
# an application uses them (connect, send, receive), so that mypy --strict checks them like the rest.
