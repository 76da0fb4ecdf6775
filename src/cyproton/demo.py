# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""``python -m cyproton.demo`` (what ``make demo`` runs): a complete round trip in one process.

It starts the embedded broker on a free loopback port, sends a few orders (map bodies with
application properties and message annotations) through it with a
:class:`~proton.handlers.MessagingHandler`, receives them back on the same connection, prints
each one, and stops the broker. Apart from the port, the output is the same on every run.
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional

from proton import Message, symbol
from proton.handlers import MessagingHandler
from proton.reactor import Container

from . import __version__
from .broker import Broker

QUEUE = "demo.orders"

ORDERS: List[Dict[str, Any]] = [
    {"item": "teapot", "quantity": 1, "price": 24.5},
    {"item": "cup", "quantity": 6, "price": 3.25},
    {"item": "saucer", "quantity": 6, "price": 2.0},
    {"item": "sugar bowl", "quantity": 1, "price": 9.75},
    {"item": "milk jug", "quantity": 2, "price": 7.0},
]


def show(value: Any) -> str:
    """``value`` as text with map keys sorted, so that the output does not depend on ordering."""
    if isinstance(value, dict):
        inner = ", ".join(f"{show(k)}: {show(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0])))
        return "{" + inner + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, str):
        return repr(str(value))
    return repr(value)


class OrderRoundTrip(MessagingHandler):
    """Sends every order to the queue and prints each one as it comes back."""

    def __init__(self, url: str, orders: List[Dict[str, Any]], timeout: float = 10.0) -> None:
        super().__init__()
        self.url = url
        self.orders = orders
        self.timeout = timeout
        self.sent = 0
        self.received = 0
        self.accepted = 0
        self.guard: Optional[Any] = None
        self.ok = False

    def on_start(self, event: Any) -> None:
        container = event.container
        connection = container.connect(self.url)
        container.create_receiver(connection, QUEUE)
        container.create_sender(connection, QUEUE)
        self.guard = container.schedule(self.timeout, self)

    def on_sendable(self, event: Any) -> None:
        sender = event.sender
        while sender.credit > 0 and self.sent < len(self.orders):
            order = self.orders[self.sent]
            self.sent += 1
            total = round(order["quantity"] * order["price"], 2)
            message = Message(
                id=self.sent,
                subject="order",
                body=dict(order),
                properties={"sequence": self.sent, "priority_customer": self.sent % 2 == 1, "total": total},
                annotations={symbol("x-opt-demo-source"): "cyproton.demo"},
            )
            sender.send(message)
            print(f"sent     #{self.sent}: {show(order)}")

    def on_accepted(self, event: Any) -> None:
        self.accepted += 1
        self.check_done(event)

    def on_message(self, event: Any) -> None:
        message = event.message
        self.received += 1
        print(f"received #{message.id}: subject={message.subject!r}")
        print(f"    properties:  {show(dict(message.properties or {}))}")
        print(f"    annotations: {show({str(k): v for k, v in (message.annotations or {}).items()})}")
        print(f"    body:        {show(message.body)}")
        self.check_done(event)

    def check_done(self, event: Any) -> None:
        """Finish once every order has been both acknowledged by the broker and received back."""
        wanted = len(self.orders)
        if self.received == wanted and self.accepted == wanted and not self.ok:
            self.ok = True
            if self.guard is not None:
                self.guard.cancel()
            event.connection.close()

    def on_timer_task(self, event: Any) -> None:
        print(f"only {self.received} of {len(self.orders)} orders came back in {self.timeout:g}s", file=sys.stderr)
        event.container.stop()


def main(argv: Optional[List[str]] = None) -> int:
    """Run the demo; returns 0 when every order made the round trip."""
    print(f"cyproton {__version__} demo")
    with Broker(address="127.0.0.1:0") as broker:
        print(f"embedded broker listening on {broker.url}")
        handler = OrderRoundTrip(broker.url, ORDERS)
        Container(handler).run()
        left = broker.queue_depth(QUEUE)
    print(f"{handler.sent} sent, {handler.accepted} accepted by the broker, {handler.received} received, "
          f"{left} left on {QUEUE}")
    print("broker stopped")
    return 0 if handler.ok and left == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
