# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""connect(urls=[nobody there, the listener]): the first address is refused, the connector moves on."""

import socket

from _common import URL

from proton import Message
from recorder import MessagingHandler, Recorded, run

with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    DEAD = f"127.0.0.1:{probe.getsockname()[1]}"


class Failover(Recorded, MessagingHandler):
    def on_start(self, event):
        self.acceptor = event.container.listen(URL)
        conn = event.container.connect(urls=[DEAD, URL])
        event.container.create_sender(conn, "queue", name="failover-sender")

    def on_disconnected(self, event):
        pass

    def on_sendable(self, event):
        if not getattr(self, "sent", False):
            self.sent = True
            event.sender.send(Message(body="after failover"))

    def on_message(self, event):
        print("server got", event.message.body)

    def on_accepted(self, event):
        event.connection.close()

    def on_connection_closed(self, event):
        self.acceptor.close()


run(Failover())
