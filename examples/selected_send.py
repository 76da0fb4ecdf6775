#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Send messages tagged with a ``fruit`` property (apple, pear, plum in turn) and a ``weight``
in grams, for ``selected_recv.py`` to pick from::

    python selected_send.py --address examples --count 9
"""

import argparse
import sys
from typing import Any, Optional

from proton import Event, Message
from proton.handlers import MessagingHandler
from proton.reactor import Container

BASKET = ("apple", "pear", "plum")


class TaggedSender(MessagingHandler):
    """Sends ``count`` messages with application properties; ends when all are accepted."""

    def __init__(self, url: str, address: str, count: int, timeout: float) -> None:
        super().__init__()
        self.url = url
        self.address = address
        self.count = count
        self.timeout = timeout
        self.sent = 0
        self.accepted = 0
        self.guard: Optional[Any] = None
        self.status = 1

    def on_start(self, event: Event) -> None:
        connection = event.container.connect(self.url)
        event.container.create_sender(connection, self.address)
        self.guard = event.container.schedule(self.timeout, self)

    def on_sendable(self, event: Event) -> None:
        while event.sender.credit > 0 and self.sent < self.count:
            fruit = BASKET[self.sent % len(BASKET)]
            self.sent += 1
            event.sender.send(Message(body=f"{fruit} #{self.sent}",
                                      properties={"fruit": fruit, "weight": self.sent * 10}))

    def on_accepted(self, event: Event) -> None:
        self.accepted += 1
        if self.accepted == self.count:
            print(f"sent {self.count} tagged messages")
            self.status = 0
            if self.guard is not None:
                self.guard.cancel()
            event.connection.close()

    def on_timer_task(self, event: Event) -> None:
        print(f"{self.accepted} of {self.count} accepted within {self.timeout:g}s", file=sys.stderr)
        event.container.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description="Send messages with fruit and weight properties.")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="queue to send to (default %(default)s)")
    parser.add_argument("--count", type=int, default=9, help="how many messages (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=10.0, help="give up after this many seconds")
    args = parser.parse_args()
    handler = TaggedSender(args.url, args.address, args.count, args.timeout)
    Container(handler).run()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
