#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Hello world through a broker: one connection, a receiver and a sender on the same address.

The program sends one greeting to ``--address`` and waits for it to come back from the broker.
Start a broker first (``cyproton broker``), then::

    python helloworld.py --url amqp://127.0.0.1:5672 --address examples
"""

import argparse
import sys
from typing import Any, Optional

from proton import Event, Message
from proton.handlers import MessagingHandler
from proton.reactor import Container


class RoundTrip(MessagingHandler):
    """Sends a greeting and stops once the same greeting has been received."""

    def __init__(self, url: str, address: str, greeting: str, timeout: float) -> None:
        super().__init__()
        self.url = url
        self.address = address
        self.greeting = greeting
        self.timeout = timeout
        self.sent = False
        self.status = 1
        self.guard: Optional[Any] = None

    def on_start(self, event: Event) -> None:
        container = event.container
        connection = container.connect(self.url)
        # Receiver first, so the greeting has somewhere to go as soon as it reaches the broker.
        container.create_receiver(connection, self.address)
        container.create_sender(connection, self.address)
        self.guard = container.schedule(self.timeout, self)

    def on_sendable(self, event: Event) -> None:
        if self.sent:
            return
        event.sender.send(Message(body=self.greeting))
        self.sent = True
        print(f"sent: {self.greeting}")

    def on_message(self, event: Event) -> None:
        print(f"received: {event.message.body}")
        self.status = 0
        self.finish(event.connection)

    def on_timer_task(self, event: Event) -> None:
        print(f"no greeting came back within {self.timeout:g}s", file=sys.stderr)
        self.guard = None
        self.finish(None, event.container)

    def finish(self, connection: Any, container: Any = None) -> None:
        if self.guard is not None:
            self.guard.cancel()
            self.guard = None
        if connection is not None:
            connection.close()
        if container is not None:
            container.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description="Send 'Hello, world!' through a broker and receive it back.")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="queue to use (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=10.0, help="give up after this many seconds")
    args = parser.parse_args()
    handler = RoundTrip(args.url, args.address, "Hello, world!", args.timeout)
    Container(handler).run()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
