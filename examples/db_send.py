#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Send the rows of a SQLite table, marking each row as sent only when the broker has accepted
it: an interrupted run picks up where it stopped (a transactional outbox).

Without ``--db`` a fresh database is made in a temporary directory and filled with
``--count`` rows; with ``--db PATH`` the file is created (and filled) when missing::

    python db_send.py --address examples --count 5
"""

import argparse
import os
import sqlite3
import sys
import tempfile
from typing import Any, Dict, List, Optional, Tuple

from proton import Event, Message
from proton.handlers import MessagingHandler
from proton.reactor import Container

FRUIT = ["apple", "banana", "cherry", "damson", "elderberry", "fig", "grape", "huckleberry"]


def open_outbox(path: str, count: int) -> sqlite3.Connection:
    """Open (making it when needed) the outbox table; fill an empty one with ``count`` rows."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, item TEXT NOT NULL, "
               "sent INTEGER NOT NULL DEFAULT 0)")
    (rows,) = db.execute("SELECT COUNT(*) FROM outbox").fetchone()
    if rows == 0:
        db.executemany("INSERT INTO outbox (id, item) VALUES (?, ?)",
                       [(n, FRUIT[(n - 1) % len(FRUIT)]) for n in range(1, count + 1)])
    db.commit()
    return db


class OutboxSender(MessagingHandler):
    """Sends every unsent row; an accepted message marks its row as sent."""

    def __init__(self, db: sqlite3.Connection, url: str, address: str, timeout: float) -> None:
        super().__init__()
        self.db = db
        self.url = url
        self.address = address
        self.timeout = timeout
        self.pending: List[Tuple[int, str]] = list(
            db.execute("SELECT id, item FROM outbox WHERE sent = 0 ORDER BY id"))
        self.in_flight: Dict[Any, int] = {}
        self.guard: Optional[Any] = None
        self.status = 1

    def on_start(self, event: Event) -> None:
        if not self.pending:
            print("nothing left to send")
            self.status = 0
            return
        connection = event.container.connect(self.url)
        event.container.create_sender(connection, self.address)
        self.guard = event.container.schedule(self.timeout, self)

    def on_sendable(self, event: Event) -> None:
        while self.pending and event.sender.credit > 0:
            row_id, item = self.pending.pop(0)
            delivery = event.sender.send(Message(id=row_id, body={"id": row_id, "item": item}))
            self.in_flight[delivery] = row_id

    def on_accepted(self, event: Event) -> None:
        row_id = self.in_flight.pop(event.delivery)
        with self.db:
            self.db.execute("UPDATE outbox SET sent = 1 WHERE id = ?", (row_id,))
        print(f"row {row_id} sent and marked")
        if not self.in_flight and not self.pending:
            self.status = 0
            if self.guard is not None:
                self.guard.cancel()
            event.connection.close()

    def on_rejected(self, event: Event) -> None:
        row_id = self.in_flight.pop(event.delivery)
        print(f"row {row_id} was rejected; it stays unsent", file=sys.stderr)

    def on_timer_task(self, event: Event) -> None:
        print(f"{len(self.in_flight) + len(self.pending)} rows still unsent after {self.timeout:g}s",
              file=sys.stderr)
        event.container.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description="Send the unsent rows of a SQLite outbox table.")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="queue to send to (default %(default)s)")
    parser.add_argument("--db", help="SQLite file (default: a new one in a temporary directory)")
    parser.add_argument("--count", type=int, default=5, help="rows to create in a new table (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=10.0, help="give up after this many seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = args.db or os.path.join(scratch, "outbox.sqlite")
        db = open_outbox(path, args.count)
        try:
            handler = OutboxSender(db, args.url, args.address, args.timeout)
            Container(handler).run()
            (left,) = db.execute("SELECT COUNT(*) FROM outbox WHERE sent = 0").fetchone()
            print(f"{left} rows left unsent")
        finally:
            db.close()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
