# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Mistakes ``mypy --strict`` must flag (tests/test_sourcecode.py checks that it reports exactly
the errors marked ``# E: code`` on each line, and no others). Never run."""

from __future__ import annotations

from proton import Event, Message
from proton.handlers import MessagingHandler
from proton.reactor import Container
from proton.utils import BlockingConnection

Message(bodyy=1)  # E: call-arg
msg = Message()
msg.no_such_field = 3  # E: attr-defined
msg.durable = "yes"  # E: assignment
msg.priority = "high"  # E: assignment
msg.subject = 5  # E: assignment
print(msg.bodyy)  # E: attr-defined
Message(ttl="1s")  # E: arg-type
container = Container()
container.connect("amqp://localhost", heartbeat="5")  # E: arg-type
container.connect("amqp://localhost", user=42)  # E: arg-type
container.connect("amqp://localhost", max_frame_size="big")  # E: arg-type
container.connect("amqp://localhost", usr="me")  # E: call-arg
container.connect("amqp://localhost", reconnect="yes")  # E: arg-type
BlockingConnection("amqp://localhost", pasword="secret")  # E: call-arg
encoded: str = msg.encode()  # E: assignment


class Handler(MessagingHandler):
    def on_message(self, event: Event) -> None:
        event.mesage.body  # E: attr-defined
        event.sender.send("text")  # E: arg-type
        count: str = event.link.credit  # E: assignment
        print(count)
