#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Receive in batches, acknowledging each batch in one local transaction: the acknowledgements
take effect at commit. ``--rollback-first`` aborts the first batch, so its messages come back and
are received again::

    python tx_send.py --address examples --count 6 --batch 3
    python tx_recv.py --address examples --count 6 --batch 3
"""

import argparse
import sys
from typing import Any, List, Optional

from proton import Event
from proton.handlers import MessagingHandler, TransactionHandler
from proton.reactor import Container


class BatchAcknowledger(MessagingHandler, TransactionHandler):
    """Grants credit for one batch per transaction and accepts the batch inside it."""

    def __init__(self, url: str, address: str, count: int, batch: int, rollback_first: bool,
                 timeout: float) -> None:
        # No prefetch and no automatic accept: credit and acknowledgements follow the transactions.
        super().__init__(prefetch=0, auto_accept=False)
        self.url = url
        self.address = address
        self.count = count
        self.batch_size = batch
        self.rollback_next = rollback_first
        self.timeout = timeout
        self.connection: Optional[Any] = None
        self.receiver: Optional[Any] = None
        self.transaction: Optional[Any] = None
        self.expected = 0
        self.batch: List[Any] = []    # deliveries of the open transaction, acknowledged together
        self.committed = 0
        self.guard: Optional[Any] = None
        self.status = 1

    def on_start(self, event: Event) -> None:
        container = event.container
        self.connection = container.connect(self.url)
        self.receiver = container.create_receiver(self.connection, self.address)
        container.declare_transaction(self.connection, handler=self)
        self.guard = container.schedule(self.timeout, self)

    def on_transaction_declared(self, event: Event) -> None:
        self.transaction = event.transaction
        self.batch = []
        self.expected = min(self.batch_size, self.count - self.committed)
        assert self.receiver is not None
        self.receiver.flow(self.expected)     # exactly one batch is let in per transaction

    def on_message(self, event: Event) -> None:
        if self.transaction is None:
            return
        print(f"got {event.message.body}")
        self.batch.append(event.delivery)
        if len(self.batch) == self.expected:
            self.discharge()

    def discharge(self) -> None:
        """Acknowledge the whole batch inside the transaction, then end the transaction."""
        transaction, self.transaction = self.transaction, None
        assert transaction is not None
        for delivery in self.batch:
            transaction.accept(delivery)
        if self.rollback_next:
            self.rollback_next = False
            transaction.abort()
        else:
            transaction.commit()

    def on_transaction_committed(self, event: Event) -> None:
        self.committed += len(self.batch)
        print(f"committed {len(self.batch)} acknowledgements ({self.committed} of {self.count})")
        self.next_batch(event)

    def on_transaction_aborted(self, event: Event) -> None:
        print(f"rolled back {len(self.batch)} acknowledgements; those messages will come again")
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
    parser = argparse.ArgumentParser(description="Receive messages, acknowledging them in transactions.")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="queue to read (default %(default)s)")
    parser.add_argument("--count", type=int, default=6, help="how many messages (default %(default)s)")
    parser.add_argument("--batch", type=int, default=3, help="messages per transaction (default %(default)s)")
    parser.add_argument("--rollback-first", action="store_true", help="abort the first batch of acknowledgements")
    parser.add_argument("--timeout", type=float, default=10.0, help="give up after this many seconds")
    args = parser.parse_args()
    handler = BatchAcknowledger(args.url, args.address, args.count, max(1, args.batch), args.rollback_first,
                                args.timeout)
    Container(handler).run()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
