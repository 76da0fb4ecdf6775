#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The service half of request/response: answers each request with its words in reverse order.

Requests arrive on ``--address``; each answer goes to the request's ``reply_to`` address with the
request's correlation id (or its id), over one anonymous sender. The server stops after
``--count`` answers have been accepted::

    python server.py --url amqp://127.0.0.1:5672 --address examples --count 4
    python client.py --url amqp://127.0.0.1:5672 --address examples
"""

import argparse
import sys
from typing import Any, Optional

from proton import Event, Message
from proton.handlers import MessagingHandler
from proton.reactor import Container


class MirrorService(MessagingHandler):
    """Answers requests; a single sender with no target reaches every reply address."""

    def __init__(self, url: str, address: str, count: int, timeout: float) -> None:
        super().__init__()
        self.url = url
        self.address = address
        self.count = count
        self.timeout = timeout
        self.replies: Optional[Any] = None
        self.guard: Optional[Any] = None
        self.answered = 0
        self.status = 1

    def on_start(self, event: Event) -> None:
        container = event.container
        connection = container.connect(self.url)
        container.create_receiver(connection, self.address)
        self.replies = container.create_sender(connection, None)
        self.guard = container.schedule(self.timeout, self)
        print(f"serving requests on {self.address}", flush=True)

    def on_message(self, event: Event) -> None:
        request = event.message
        if not request.reply_to:
            print(f"ignored a request without reply_to: {request.body!r}")
            return
        mirrored = " ".join(reversed(str(request.body).split()))
        correlation = request.correlation_id if request.correlation_id is not None else request.id
        assert self.replies is not None
        self.replies.send(Message(address=request.reply_to, correlation_id=correlation, body=mirrored))
        print(f"request {request.body!r} answered with {mirrored!r}")

    def on_accepted(self, event: Event) -> None:
        self.answered += 1
        if self.answered == self.count:
            print(f"answered {self.count} requests")
            self.status = 0
            if self.guard is not None:
                self.guard.cancel()
            event.connection.close()

    def on_timer_task(self, event: Event) -> None:
        print(f"answered {self.answered} of {self.count} requests within {self.timeout:g}s", file=sys.stderr)
        event.container.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description="Answer each request with its words in reverse order.")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="request queue (default %(default)s)")
    parser.add_argument("--count", type=int, default=4, help="stop after this many answers (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=30.0, help="give up after this many seconds")
    args = parser.parse_args()
    handler = MirrorService(args.url, args.address, args.count, args.timeout)
    Container(handler).run()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
