# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A selector (JMS filter) on a receiver from a broker queue: only the red messages come back."""

from _common import PEER

from proton import Message
from proton.reactor import Selector
from recorder import MessagingHandler, Recorded, run

NEEDS = "broker"
QUEUE = "selector-scenario"


class Selecting(Recorded, MessagingHandler):
    def __init__(self):
        super().__init__()
        self.sent = 0
        self.accepted = 0
        self.received = []

    def on_start(self, event):
        self.conn = event.container.connect(PEER)
        event.container.create_sender(self.conn, QUEUE, name="colour-sender")

    def on_sendable(self, event):
        colours = ["red", "green", "red", "blue"]
        while event.sender.credit and self.sent < len(colours):
            colour = colours[self.sent]
            self.sent += 1
            event.sender.send(Message(body=f"{colour} {self.sent}", properties={"colour": colour}))

    def on_accepted(self, event):
        self.accepted += 1
        if self.accepted == 4:
            event.container.create_receiver(self.conn, QUEUE, name="red-only", options=Selector("colour = 'red'"))

    def on_message(self, event):
        self.received.append(event.message.body)
        if len(self.received) == 2:
            print("received", self.received)
            self.conn.close()


run(Selecting())
print("done")
