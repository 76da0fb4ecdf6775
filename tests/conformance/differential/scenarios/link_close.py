# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Links ended by either side: the client closes one sender, detaches another; the server closes a
receiver with an error condition, and ends a session."""

from _common import URL

from proton import Condition, Message
from recorder import MessagingHandler, Recorded, run


class Ends(Recorded, MessagingHandler):
    def on_start(self, event):
        self.acceptor = event.container.listen(URL)
        self.conn = event.container.connect(URL)
        self.closer = event.container.create_sender(self.conn, "q1", name="client-closes")
        self.detacher = event.container.create_sender(self.conn, "q2", name="client-detaches")
        self.refused = event.container.create_sender(self.conn, "q3", name="server-closes")
        self.ended = 0

    def on_link_opened(self, event):
        link = event.link
        if link.name == "client-closes" and link.is_sender:
            link.send(Message(body="one"))
            link.close()
        elif link.name == "client-detaches" and link.is_sender:
            link.detach()
        elif link.name == "server-closes" and link.is_receiver:
            link.condition = Condition("amqp:not-allowed", "no sending here")
            link.close()

    def on_link_closing(self, event):
        print("closing", event.link.name, event.link.is_sender, event.link.remote_condition)

    def on_link_closed(self, event):
        print("closed", event.link.name, event.link.is_sender)
        self.ended += 1
        if self.ended == 4:                 # both ends of the two closed links (a detach is not a close)
            self.conn.close()

    def on_link_remote_detach(self, event):
        print("detached by the peer", event.link.name, event.link.is_sender)

    def on_link_error(self, event):
        print("link error", event.link.name, event.link.remote_condition)

    def on_message(self, event):
        print("got", event.message.body)

    def on_connection_closed(self, event):
        self.acceptor.close()


run(Ends())
print("done")
