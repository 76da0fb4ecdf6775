#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Receive messages into a SQLite table, accepting each one only after the row is committed:
a crash between the two at worst redelivers a message, which the primary key then ignores.

Without ``--db`` the table lives in a new temporary directory; ``--db PATH`` keeps it::

    python db_recv.py --address examples --count 5
"""

import argparse
import os
import sqlite3
import sys
import tempfile
from typing import Any, Optional

from proton import Event
from proton.handlers import MessagingHandler
from proton.reactor import Container


def open_inbox(path: str) -> sqlite3.Connection:
    """Open (making it when needed) the inbox table."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS inbox (id INTEGER PRIMARY KEY, item TEXT NOT NULL)")
    db.commit()
    return db


class InboxWriter(MessagingHandler):
    """Stores each message body as a row, then accepts the message."""

    def __init__(self, db: sqlite3.Connection, url: str, address: str, count: int, timeout: float) -> None:
        super().__init__(auto_accept=False)
        self.db = db
        self.url = url
        self.address = address
        self.count = count
        self.timeout = timeout
        self.stored = 0
        self.guard: Optional[Any] = None
        self.status = 1

    def on_start(self, event: Event) -> None:
        connection = event.container.connect(self.url)
        event.container.create_receiver(connection, self.address)
        self.guard = event.container.schedule(self.timeout, self)

    def on_message(self, event: Event) -> None:
        body = event.message.body
        row_id = int(body["id"])
        with self.db:
            cursor = self.db.execute("INSERT OR IGNORE INTO inbox (id, item) VALUES (?, ?)",
                                     (row_id, str(body["item"])))
        self.accept(event.delivery)
        if cursor.rowcount == 0:
            print(f"row {row_id} was already stored")
            return
        self.stored += 1
        print(f"stored row {row_id}: {body['item']}")
        if self.stored == self.count:
            self.status = 0
            if self.guard is not None:
                self.guard.cancel()
            event.connection.close()

    def on_timer_task(self, event: Event) -> None:
        print(f"stored {self.stored} of {self.count} rows within {self.timeout:g}s", file=sys.stderr)
        event.container.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description="Receive messages into a SQLite inbox table.")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="queue to read (default %(default)s)")
    parser.add_argument("--db", help="SQLite file (default: a new one in a temporary directory)")
    parser.add_argument("--count", type=int, default=5, help="rows to receive (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=10.0, help="give up after this many seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = open_inbox(args.db or os.path.join(scratch, "inbox.sqlite"))
        try:
            handler = InboxWriter(db, args.url, args.address, args.count, args.timeout)
            Container(handler).run()
            (total,) = db.execute("SELECT COUNT(*) FROM inbox").fetchone()
            print(f"the inbox holds {total} rows")
        finally:
            db.close()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
