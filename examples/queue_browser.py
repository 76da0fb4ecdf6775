#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Look at a queue without taking anything: a receiver with the *copy* distribution mode gets
copies of the messages, which stay on the queue for the real consumers.

The browser stops after ``--count`` messages, or (with ``--count 0``) once the queue has had
nothing new for ``--idle`` seconds::

    python simple_send.py --address examples --count 3
    python queue_browser.py --address examples          # shows the 3 messages
    python queue_browser.py --address examples          # shows them again
    python simple_recv.py --address examples --count 3  # and they are still there to take
"""

import argparse
import sys
import time
from typing import Any, Optional

from proton import Event
from proton.handlers import MessagingHandler
from proton.reactor import Container, Copy


class Browser(MessagingHandler):
    """Prints copies of the queue's messages; ends on a count or when the queue goes quiet."""

    def __init__(self, url: str, address: str, count: int, idle: float) -> None:
        super().__init__()
        self.url = url
        self.address = address
        self.count = count
        self.idle = idle
        self.shown = 0
        self.last_seen = 0.0
        self.connection: Optional[Any] = None
        self.timer: Optional[Any] = None

    def on_start(self, event: Event) -> None:
        container = event.container
        self.connection = container.connect(self.url)
        container.create_receiver(self.connection, self.address, options=Copy())
        self.last_seen = time.monotonic()
        self.timer = container.schedule(self.idle, self)

    def on_message(self, event: Event) -> None:
        if self.connection is None:     # copies still in flight after we decided to stop
            return
        self.shown += 1
        self.last_seen = time.monotonic()
        print(event.message.body)
        if self.count and self.shown >= self.count:
            self.finish()

    def on_timer_task(self, event: Event) -> None:
        self.timer = None
        quiet_for = time.monotonic() - self.last_seen
        if quiet_for >= self.idle:
            self.finish()
        else:
            self.timer = event.container.schedule(self.idle - quiet_for, self)

    def finish(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.connection is not None:
            print(f"browsed {self.shown} messages")
            self.connection.close()
            self.connection = None


def main() -> int:
    parser = argparse.ArgumentParser(description="Show the messages on a queue without consuming them.")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="queue to browse (default %(default)s)")
    parser.add_argument("--count", type=int, default=0, help="stop after this many (default 0: when idle)")
    parser.add_argument("--idle", type=float, default=1.0, help="seconds without news that end the browse")
    args = parser.parse_args()
    handler = Browser(args.url, args.address, args.count, args.idle)
    Container(handler).run()
    if args.count and handler.shown < args.count:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
