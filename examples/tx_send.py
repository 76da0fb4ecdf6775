#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Send in batches, each batch one local transaction: the broker makes a batch visible only
when it is committed, and throws it away when it is rolled back.

``--rollback-first`` aborts the first batch to show that its messages never arrive (the batch
is then sent again in a new transaction)::

    python tx_send.py --address examples --count 6 --batch 3
    python tx_recv.py --address examples --count 6 --batch 3
"""

import argparse
import sys
from typing import Any, List, Optional

from proton import Event, Message
from proton.handlers import MessagingHandler, TransactionHandler
from proton.reactor import Container


class BatchCommitter(MessagingHandler, TransactionHandler):
    """Declares a transaction, sends up to ``batch`` messages in it, discharges it, repeats."""

    def __init__(self, url: str, address: str, count: int, batch: int, rollback_first: bool,
                 timeout: float) -> None:
        super().__init__()
        self.url = url
        self.address = address
        self.count = count
        self.batch = batch
        self.rollback_next = rollback_first
        self.timeout = timeout
        self.connection: Optional[Any] = None
        self.sender: Optional[Any] = None
        self.transaction: Optional[Any] = None
        self.unsent: List[int] = []      # numbers still to send in the open transaction
        self.batch_numbers: List[int] = []
        self.committed = 0
        self.guard: Optional[Any] = None
        self.status = 1

    def on_start(self, event: Event) -> None:
        container = event.container
        self.connection = container.connect(self.url)
        self.sender = container.create_sender(self.connection, self.address)
        container.declare_transaction(self.connection, handler=self)
        self.guard = container.schedule(self.timeout, self)

    def on_transaction_declared(self, event: Event) -> None:
        self.transaction = event.transaction
        first = self.committed + 1
        self.batch_numbers = list(range(first, min(first + self.batch, self.count + 1)))
        self.unsent = list(self.batch_numbers)
        self.send_what_credit_allows()

    def on_sendable(self, event: Event) -> None:
        self.send_what_credit_allows()

    def send_what_credit_allows(self) -> None:
        transaction, sender = self.transaction, self.sender
        if transaction is None or sender is None:
            return
        while self.unsent and sender.credit > 0:
            number = self.unsent.pop(0)
            transaction.send(sender, Message(id=number, body=f"message {number}"))
        if not self.unsent:
            self.transaction = None      # the batch is out: end its transaction
            if self.rollback_next:
                self.rollback_next = False
                transaction.abort()
            else:
                transaction.commit()

    def on_transaction_committed(self, event: Event) -> None:
        self.committed += len(self.batch_numbers)
        print(f"committed a batch of {len(self.batch_numbers)} ({self.committed} of {self.count})")
        self.next_batch(event)

    def on_transaction_aborted(self, event: Event) -> None:
        # Nothing of the batch reached the queue; the next transaction sends the same numbers.
        print(f"rolled back a batch of {len(self.batch_numbers)}; sending it again")
        self.next_batch(event)

    def next_batch(self, event: Event) -> None:
        if self.committed >= self.count:
            self.status = 0
            if self.guard is not None:
                self.guard.cancel()
            event.connection.close()
        else:
            event.container.declare_transaction(self.connection, handler=self)

    def on_transaction_declare_failed(self, event: Event) -> None:
        print("the broker would not start a transaction", file=sys.stderr)
        event.connection.close()

    def on_timer_task(self, event: Event) -> None:
        print(f"{self.committed} of {self.count} committed within {self.timeout:g}s", file=sys.stderr)
        event.container.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description="Send messages in committed transactional batches.")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="queue to send to (default %(default)s)")
    parser.add_argument("--count", type=int, default=6, help="how many messages (default %(default)s)")
    parser.add_argument("--batch", type=int, default=3, help="messages per transaction (default %(default)s)")
    parser.add_argument("--rollback-first", action="store_true", help="abort the first batch, then resend it")
    parser.add_argument("--timeout", type=float, default=10.0, help="give up after this many seconds")
    args = parser.parse_args()
    handler = BatchCommitter(args.url, args.address, args.count, max(1, args.batch), args.rollback_first,
                             args.timeout)
    Container(handler).run()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
