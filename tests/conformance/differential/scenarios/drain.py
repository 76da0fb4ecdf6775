# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Credit by hand and a drain: the receiver grants 2, then drains with 5 while the sender has 3."""

from _common import URL

from proton import Message
from recorder import MessagingHandler, Recorded, run


class Drain(Recorded, MessagingHandler):
    def __init__(self):
        super().__init__(prefetch=0)
        self.available = 3
        self.got = []

    def on_start(self, event):
        self.acceptor = event.container.listen(URL)
        conn = event.container.connect(URL)
        self.receiver = event.container.create_receiver(conn, "q", name="drainer")

    def on_link_opening(self, event):
        if event.link.is_sender:
            self.sender = event.link

    def on_link_opened(self, event):
        if event.link.is_receiver and event.link.name == "drainer":
            event.link.flow(2)

    def on_sendable(self, event):
        sender = event.sender
        while sender.credit and self.available:
            self.available -= 1
            sender.send(Message(body=f"m{3 - self.available}"))
        if sender.drain_mode and not self.available:
            print("sender drained, credit was", sender.credit)
            sender.drained()

    def on_message(self, event):
        self.got.append(event.message.body)
        if len(self.got) == 2:
            self.receiver.drain(5)

    def on_link_flow(self, event):
        pass

    def on_accepted(self, event):
        pass

    def on_connection_closed(self, event):
        self.acceptor.close()

    def on_settled(self, event):
        if len(self.got) == 3 and not getattr(self, "closing", False):
            self.closing = True
            event.connection.close()


run(Drain())
print("done")
