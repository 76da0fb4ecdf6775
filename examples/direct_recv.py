#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A receiver that needs no broker: it listens and takes messages from whoever connects and
sends. Point ``simple_send.py`` at it::

    python direct_recv.py --listen 127.0.0.1:8888 --count 10
    python simple_send.py --url amqp://127.0.0.1:8888 --count 10

The program ends after ``--count`` messages.
"""

import argparse
import sys
from typing import Any, Optional

from proton import Event
from proton.handlers import MessagingHandler
from proton.reactor import Container


class ListeningReceiver(MessagingHandler):
    """Accepts connections and prints the bodies of the messages that arrive."""

    def __init__(self, listen: str, count: int, timeout: float) -> None:
        super().__init__()
        self.listen = listen
        self.count = count
        self.timeout = timeout
        self.listener: Optional[Any] = None
        self.guard: Optional[Any] = None
        self.received = 0
        self.status = 1

    def on_start(self, event: Event) -> None:
        self.listener = event.container.listen(self.listen)
        self.guard = event.container.schedule(self.timeout, self)
        print(f"listening on {self.listen}", flush=True)

    def on_message(self, event: Event) -> None:
        self.received += 1
        print(event.message.body)
        if self.received == self.count:
            print(f"received {self.count} messages")
            self.status = 0
            self.stop_listening()
            # The accept for this last message is sent before the connection closes.
            event.connection.close()

    def on_connection_closed(self, event: Event) -> None:
        # With the listener gone nothing is left to wait for; stopping now spares the loop its
        # idle wait before it notices that.
        if self.status == 0:
            event.container.stop()

    def on_timer_task(self, event: Event) -> None:
        print(f"{self.received} of {self.count} messages within {self.timeout:g}s", file=sys.stderr)
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
    parser = argparse.ArgumentParser(description="Listen and receive messages straight from a sender.")
    parser.add_argument("--listen", default="127.0.0.1:8888", help="HOST:PORT to listen on (default %(default)s)")
    parser.add_argument("--count", type=int, default=10, help="how many messages (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=30.0, help="give up after this many seconds")
    args = parser.parse_args()
    handler = ListeningReceiver(args.listen, args.count, args.timeout)
    Container(handler).run()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
