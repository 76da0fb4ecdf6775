#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Send messages produced by another thread. Only the container's thread may touch AMQP
objects, so the worker hands each item over with an ``EventInjector``: ``trigger`` an
``ApplicationEvent`` from any thread and the container calls ``on_<type>`` on its own thread::

    python injector_send.py --address examples --count 5
"""

import argparse
import sys
import threading
import time
from collections import deque
from typing import Any, Deque, Optional

from proton import Event, Message
from proton.handlers import MessagingHandler
from proton.reactor import ApplicationEvent, Container, EventInjector


def produce(injector: EventInjector, count: int, pause: float) -> None:
    """The worker thread: makes ``count`` items, then says it has finished."""
    for number in range(1, count + 1):
        injector.trigger(ApplicationEvent("item_ready", subject=f"item {number} of {count}"))
        time.sleep(pause)
    injector.trigger(ApplicationEvent("producer_finished"))


class ThreadFedSender(MessagingHandler):
    """Queues the items handed over by the worker and sends them as credit allows."""

    def __init__(self, url: str, address: str, count: int, pause: float, timeout: float) -> None:
        super().__init__()
        self.url = url
        self.address = address
        self.count = count
        self.pause = pause
        self.timeout = timeout
        self.injector = EventInjector()
        self.waiting: Deque[str] = deque()
        self.sender: Optional[Any] = None
        self.worker: Optional[threading.Thread] = None
        self.finished = False
        self.accepted = 0
        self.guard: Optional[Any] = None
        self.status = 1

    def on_start(self, event: Event) -> None:
        container = event.container
        container.selectable(self.injector)
        connection = container.connect(self.url)
        self.sender = container.create_sender(connection, self.address)
        self.guard = container.schedule(self.timeout, self)
        self.worker = threading.Thread(target=produce, args=(self.injector, self.count, self.pause), daemon=True)
        self.worker.start()

    def on_item_ready(self, event: ApplicationEvent) -> None:
        self.waiting.append(event.subject)
        self.send_waiting()

    def on_producer_finished(self, event: Event) -> None:
        self.finished = True
        print("the worker thread has finished")
        self.check_done(event)

    def on_sendable(self, event: Event) -> None:
        self.send_waiting()

    def send_waiting(self) -> None:
        sender = self.sender
        while sender is not None and self.waiting and sender.credit > 0:
            text = self.waiting.popleft()
            sender.send(Message(body=text))
            print(f"sent {text}")

    def on_accepted(self, event: Event) -> None:
        self.accepted += 1
        self.check_done(event)

    def check_done(self, event: Event) -> None:
        if not self.finished or self.accepted < self.count:
            return
        print(f"all {self.count} items accepted")
        self.status = 0
        if self.guard is not None:
            self.guard.cancel()
        self.injector.close()
        assert self.sender is not None
        self.sender.connection.close()

    def on_timer_task(self, event: Event) -> None:
        print(f"{self.accepted} of {self.count} items accepted within {self.timeout:g}s", file=sys.stderr)
        self.injector.close()
        event.container.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description="Send items produced by a worker thread via an EventInjector.")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="queue to send to (default %(default)s)")
    parser.add_argument("--count", type=int, default=5, help="how many items (default %(default)s)")
    parser.add_argument("--pause", type=float, default=0.01, help="seconds between items (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=10.0, help="give up after this many seconds")
    args = parser.parse_args()
    handler = ThreadFedSender(args.url, args.address, args.count, args.pause, args.timeout)
    Container(handler).run()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
