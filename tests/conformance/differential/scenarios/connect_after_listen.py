# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""on_start listens, then connects to itself: a sender and a receiver on the client side, the
server side echoes back what it receives on a reply link it opens itself."""

from _common import URL

from proton import Message
from recorder import MessagingHandler, Recorded, run


class Echo(Recorded, MessagingHandler):
    def __init__(self):
        super().__init__()
        self.sent = 0
        self.replies = []

    def on_start(self, event):
        self.acceptor = event.container.listen(URL)
        conn = event.container.connect(URL)
        self.receiver = event.container.create_receiver(conn, "replies", name="client-receiver")
        self.sender = event.container.create_sender(conn, "requests", name="client-sender")

    def on_link_opening(self, event):
        if event.link.is_receiver and event.link.name == "client-sender":
            self.back = event.container.create_sender(event.connection, "replies", name="server-sender")

    def on_sendable(self, event):
        if event.sender.name == "client-sender":
            while event.sender.credit and self.sent < 3:
                self.sent += 1
                event.sender.send(Message(body=f"request {self.sent}"))

    def on_message(self, event):
        if event.receiver.name == "client-sender":
            self.back.send(Message(body="reply to " + event.message.body))
        else:
            self.replies.append(event.message.body)
            if len(self.replies) == 3:
                event.connection.close()

    def on_connection_closed(self, event):
        self.acceptor.close()


run(Echo())
print("done")
