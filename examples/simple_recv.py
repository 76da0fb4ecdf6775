#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Receive a given number of messages and print each body.

Messages are accepted automatically as they are handled. Pair it with ``simple_send.py``::

    python simple_recv.py --url amqp://127.0.0.1:5672 --address examples --count 10
"""

import argparse
import sys
from typing import Any, Optional, Set

from proton import Event
from proton.handlers import MessagingHandler
from proton.reactor import Container


class Collector(MessagingHandler):
    """Prints message bodies until ``count`` distinct ones have arrived; a message whose id was
    already seen (a redelivery) is not printed twice."""

    def __init__(self, url: str, address: str, count: int, timeout: float) -> None:
        super().__init__()
        self.url = url
        self.address = address
        self.count = count
        self.timeout = timeout
        self.seen: Set[Any] = set()
        self.guard: Optional[Any] = None
        self.status = 1

    def on_start(self, event: Event) -> None:
        event.container.create_receiver(self.url.rstrip("/") + "/" + self.address)
        self.guard = event.container.schedule(self.timeout, self)

    def on_message(self, event: Event) -> None:
        message = event.message
        key = message.id if message.id is not None else ("anonymous", len(self.seen))
        if key not in self.seen:
            self.seen.add(key)
            print(message.body)
            self.maybe_done(event.connection)

    def maybe_done(self, connection: Any) -> None:
        if len(self.seen) < self.count:
            return
        print(f"received {self.count} messages")
        self.status = 0
        if self.guard is not None:
            self.guard.cancel()
        connection.close()     # closing the connection also ends the receiver

    def on_timer_task(self, event: Event) -> None:
        print(f"only {len(self.seen)} of {self.count} messages within {self.timeout:g}s", file=sys.stderr)
        event.container.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description="Receive and print a number of messages.")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="queue to read (default %(default)s)")
    parser.add_argument("--count", type=int, default=10, help="how many messages (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=10.0, help="give up after this many seconds")
    args = parser.parse_args()
    handler = Collector(args.url, args.address, args.count, args.timeout)
    Container(handler).run()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
