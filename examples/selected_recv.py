#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Receive only the messages a selector picks. The broker evaluates the JMS-style expression
against each message's properties; the others stay on the queue for someone else::

    python selected_send.py --address examples --count 9
    python selected_recv.py --address examples --selector "fruit = 'pear'" --count 3
"""

import argparse
import sys
from typing import Any, Optional

from proton import Event
from proton.handlers import MessagingHandler
from proton.reactor import Container, Selector


class PickyReceiver(MessagingHandler):
    """Prints the messages that match the selector, up to ``count``."""

    def __init__(self, url: str, address: str, selector: str, count: int, timeout: float) -> None:
        super().__init__()
        self.url = url
        self.address = address
        self.selector = selector
        self.count = count
        self.timeout = timeout
        self.received = 0
        self.guard: Optional[Any] = None
        self.status = 1

    def on_start(self, event: Event) -> None:
        connection = event.container.connect(self.url)
        event.container.create_receiver(connection, self.address, options=Selector(self.selector))
        self.guard = event.container.schedule(self.timeout, self)

    def on_message(self, event: Event) -> None:
        message = event.message
        self.received += 1
        properties = message.properties or {}
        print(f"{message.body} ({properties.get('fruit')}, {properties.get('weight')} g)")
        if self.received == self.count:
            print(f"received {self.count} messages matching {self.selector}")
            self.status = 0
            if self.guard is not None:
                self.guard.cancel()
            event.connection.close()

    def on_link_error(self, event: Event) -> None:
        condition = event.link.remote_condition
        print(f"the broker refused the selector: {condition.description if condition else 'no reason given'}",
              file=sys.stderr)
        if self.guard is not None:
            self.guard.cancel()
        event.connection.close()

    def on_timer_task(self, event: Event) -> None:
        print(f"{self.received} of {self.count} messages within {self.timeout:g}s", file=sys.stderr)
        event.container.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description="Receive the messages that match a selector.")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="queue to read (default %(default)s)")
    parser.add_argument("--selector", default="fruit = 'pear'", help="JMS selector (default: %(default)s)")
    parser.add_argument("--count", type=int, default=3, help="how many messages (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=10.0, help="give up after this many seconds")
    args = parser.parse_args()
    handler = PickyReceiver(args.url, args.address, args.selector, args.count, args.timeout)
    Container(handler).run()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
