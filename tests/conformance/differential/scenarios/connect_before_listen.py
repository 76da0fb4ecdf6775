# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""connect() called before run(), to a listener that on_start creates: one process is client and server."""

from _common import URL

from proton import Message
from proton.reactor import Container
from recorder import MessagingHandler, Recorded, spy


class ClientServer(Recorded, MessagingHandler):
    def on_start(self, event):
        self.acceptor = event.container.listen(URL)

    def on_sendable(self, event):
        event.sender.send(Message(body="before-listen"))
        event.sender.close()

    def on_message(self, event):
        print("got", event.message.body)

    def on_accepted(self, event):
        event.connection.close()

    def on_connection_closed(self, event):
        self.acceptor.close()


container = Container(ClientServer(), spy())
conn = container.connect(URL, reconnect=False)
container.create_sender(conn, "examples")
container.run()
print("done")
