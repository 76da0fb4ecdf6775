#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Send a batch of messages as fast as credit allows, and count the acknowledgements.

Message ``n`` has the id ``n`` and a map body ``{"n": n, "square": n * n}``. The program ends when the
peer has accepted every one of them::

    python simple_send.py --url amqp://127.0.0.1:5672 --address examples --count 10
"""

import argparse
import sys
from typing import Any, Optional

from proton import Event, Message
from proton.handlers import MessagingHandler
from proton.reactor import Container


class BatchSender(MessagingHandler):
    """Sends ``count`` numbered messages, then waits until all are accepted."""

    def __init__(self, url: str, address: str, count: int, timeout: float) -> None:
        super().__init__()
        self.url = url
        self.address = address
        self.count = count
        self.timeout = timeout
        self.next_number = 1
        self.accepted = 0
        self.refused = 0
        self.guard: Optional[Any] = None
        self.status = 1

    def on_start(self, event: Event) -> None:
        event.container.create_sender(self.url.rstrip("/") + "/" + self.address)
        self.guard = event.container.schedule(self.timeout, self)

    def on_sendable(self, event: Event) -> None:
        sender = event.sender
        while sender.credit > 0 and self.next_number <= self.count:
            number = self.next_number
            sender.send(Message(id=number, body={"n": number, "square": number * number}))
            self.next_number += 1

    def on_accepted(self, event: Event) -> None:
        self.accepted += 1
        self.check_done(event)

    def on_rejected(self, event: Event) -> None:
        self.refused += 1
        self.check_done(event)

    def check_done(self, event: Event) -> None:
        if self.accepted + self.refused < self.count:
            return
        print(f"{self.accepted} of {self.count} messages accepted")
        self.status = 0 if self.refused == 0 else 1
        if self.guard is not None:
            self.guard.cancel()
        event.connection.close()

    def on_disconnected(self, event: Event) -> None:
        if self.accepted + self.refused < self.count:
            print("disconnected before every message was acknowledged", file=sys.stderr)

    def on_timer_task(self, event: Event) -> None:
        print(f"only {self.accepted} of {self.count} accepted within {self.timeout:g}s", file=sys.stderr)
        event.container.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description="Send numbered messages and wait for every acknowledgement.")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="queue to send to (default %(default)s)")
    parser.add_argument("--count", type=int, default=10, help="how many messages (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=10.0, help="give up after this many seconds")
    args = parser.parse_args()
    handler = BatchSender(args.url, args.address, args.count, args.timeout)
    Container(handler).run()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
