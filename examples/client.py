#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The caller half of request/response, event driven, with a dynamic reply queue.

The client asks the broker for a temporary queue (a receiver with a *dynamic* source), then sends
its requests with ``reply_to`` set to that queue's address and prints each answer. Run
``server.py`` first::

    python client.py --url amqp://127.0.0.1:5672 --address examples
"""

import argparse
import sys
from typing import Any, Dict, List, Optional

from proton import Event, Message
from proton.handlers import MessagingHandler
from proton.reactor import Container

REQUESTS = ["red sky at night", "shepherd's delight", "red sky in the morning", "shepherd's warning"]


class Caller(MessagingHandler):
    """Sends every request once the reply address is known, and prints the answers in order."""

    def __init__(self, url: str, address: str, requests: List[str], timeout: float) -> None:
        super().__init__()
        self.url = url
        self.address = address
        self.unsent = list(requests)
        self.waiting: Dict[Any, str] = {}  # correlation id -> request text
        self.timeout = timeout
        self.requests: Optional[Any] = None
        self.inbox: Optional[Any] = None
        self.reply_to: Optional[str] = None
        self.guard: Optional[Any] = None
        self.status = 1

    def on_start(self, event: Event) -> None:
        container = event.container
        connection = container.connect(self.url)
        self.requests = container.create_sender(connection, self.address)
        self.inbox = container.create_receiver(connection, None, dynamic=True)
        self.guard = container.schedule(self.timeout, self)

    def on_link_opened(self, event: Event) -> None:
        if event.receiver is not None and event.receiver == self.inbox:
            self.reply_to = event.receiver.remote_source.address
            self.send_requests()

    def on_sendable(self, event: Event) -> None:
        self.send_requests()

    def send_requests(self) -> None:
        sender = self.requests
        if self.reply_to is None or sender is None:
            return
        while self.unsent and sender.credit > 0:
            text = self.unsent.pop(0)
            number = len(self.waiting) + 1
            self.waiting[number] = text
            sender.send(Message(id=number, reply_to=self.reply_to, body=text))

    def on_message(self, event: Event) -> None:
        answer = event.message
        question = self.waiting.pop(answer.correlation_id, None)
        print(f"asked {question!r}, the service said {answer.body!r}")
        if not self.waiting and not self.unsent:
            self.status = 0
            if self.guard is not None:
                self.guard.cancel()
            event.connection.close()

    def on_timer_task(self, event: Event) -> None:
        print(f"{len(self.waiting) + len(self.unsent)} requests unanswered after {self.timeout:g}s",
              file=sys.stderr)
        event.container.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description="Send requests and print the answers (see server.py).")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="the server's request queue (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=10.0, help="give up after this many seconds")
    args = parser.parse_args()
    handler = Caller(args.url, args.address, REQUESTS, args.timeout)
    Container(handler).run()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
