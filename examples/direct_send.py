#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A sender that needs no broker: it listens, and serves messages to the first receiver that
attaches. Point ``simple_recv.py`` at it::

    python direct_send.py --listen 127.0.0.1:8888 --count 10
    python simple_recv.py --url amqp://127.0.0.1:8888 --count 10

The program ends when every message has been accepted.
"""

import argparse
import sys
from typing import Any, Optional

from proton import Event, Message
from proton.handlers import MessagingHandler
from proton.reactor import Container


class ListeningSender(MessagingHandler):
    """Accepts connections and sends numbered messages on any link a receiver attaches."""

    def __init__(self, listen: str, count: int, timeout: float) -> None:
        super().__init__()
        self.listen = listen
        self.count = count
        self.timeout = timeout
        self.listener: Optional[Any] = None
        self.guard: Optional[Any] = None
        self.next_number = 1
        self.accepted = 0
        self.status = 1

    def on_start(self, event: Event) -> None:
        self.listener = event.container.listen(self.listen)
        self.guard = event.container.schedule(self.timeout, self)
        print(f"listening on {self.listen}", flush=True)

    def on_sendable(self, event: Event) -> None:
        sender = event.sender
        while sender.credit > 0 and self.next_number <= self.count:
            number = self.next_number
            sender.send(Message(id=number, body={"n": number, "square": number * number}))
            self.next_number += 1

    def on_accepted(self, event: Event) -> None:
        self.accepted += 1
        if self.accepted == self.count:
            print(f"all {self.count} messages accepted")
            self.status = 0
            self.stop_listening()
            event.connection.close()

    def on_connection_closed(self, event: Event) -> None:
        # With the listener gone nothing is left to wait for; stopping now spares the loop its
        # idle wait before it notices that.
        if self.status == 0:
            event.container.stop()

    def on_timer_task(self, event: Event) -> None:
        print(f"{self.accepted} of {self.count} accepted within {self.timeout:g}s", file=sys.stderr)
        self.guard = None
        self.stop_listening()
        event.container.stop()

    def stop_listening(self) -> None:
        if self.guard is not None:
            self.guard.cancel()
            self.guard = None
        if self.listener is not None:
            self.listener.close()
            self.listener = None


def main() -> int:
    parser = argparse.ArgumentParser(description="Listen and send messages straight to a receiver.")
    parser.add_argument("--listen", default="127.0.0.1:8888", help="HOST:PORT to listen on (default %(default)s)")
    parser.add_argument("--count", type=int, default=10, help="how many messages (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=30.0, help="give up after this many seconds")
    args = parser.parse_args()
    handler = ListeningSender(args.listen, args.count, args.timeout)
    Container(handler).run()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
