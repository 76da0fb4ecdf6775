# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Local transactions against a broker: two messages sent and committed, one sent and aborted, then
the committed ones received and accepted inside a transaction of their own."""

from _common import PEER

from proton import Message
from proton.handlers import TransactionHandler
from recorder import MessagingHandler, Recorded, run

NEEDS = "broker"
QUEUE = "tx-scenario"


class Transactional(Recorded, MessagingHandler, TransactionHandler):
    def __init__(self):
        super().__init__(auto_accept=False)
        self.phase = "commit"
        self.received = []

    def on_start(self, event):
        self.conn = event.container.connect(PEER)
        self.sender = event.container.create_sender(self.conn, QUEUE, name="tx-sender")
        event.container.declare_transaction(self.conn, handler=self)

    def on_transaction_declared(self, event):
        txn = event.transaction
        if self.phase == "commit":
            txn.send(self.sender, Message(body="kept 1"))
            txn.send(self.sender, Message(body="kept 2"))
            txn.commit()
        elif self.phase == "abort":
            txn.send(self.sender, Message(body="dropped"))
            txn.abort()
        else:
            self.txn = txn
            self.receiver = event.container.create_receiver(self.conn, QUEUE, name="tx-receiver")

    def on_transaction_committed(self, event):
        if self.phase == "commit":
            self.phase = "abort"
            event.container.declare_transaction(self.conn, handler=self)
        elif self.phase == "receive":
            print("received", self.received)
            self.conn.close()

    def on_transaction_aborted(self, event):
        self.phase = "receive"
        event.container.declare_transaction(self.conn, handler=self)

    def on_message(self, event):
        self.received.append(event.message.body)
        self.txn.accept(event.delivery)
        if len(self.received) == 2:
            self.txn.commit()


run(Transactional())
print("done")
