# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Errors on close: the client closes the connection with a condition once a message is through;
the server sees it as the remote condition."""

from _common import URL

from proton import Condition, Message
from recorder import MessagingHandler, Recorded, run


class CloseWithError(Recorded, MessagingHandler):
    def on_start(self, event):
        self.acceptor = event.container.listen(URL)
        self.client = event.container.connect(URL)
        event.container.create_sender(self.client, "q", name="s")

    def on_sendable(self, event):
        if not getattr(self, "sent", False):
            self.sent = True
            event.sender.send(Message(body="last words"))

    def on_accepted(self, event):
        event.connection.condition = Condition("amqp:internal-error", "shutting down", {"code": 7})
        event.connection.close()

    def on_connection_error(self, event):
        cond = event.connection.remote_condition
        print("peer said", cond.name, cond.description, cond.info)

    def on_connection_closing(self, event):
        print("closing")

    def on_connection_closed(self, event):
        self.acceptor.close()


run(CloseWithError())
print("done")
