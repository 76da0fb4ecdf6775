# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Errors on open: the server closes the connection with a condition as soon as it is open; the client's
receiver never gets going."""

from _common import URL

from proton import Condition
from recorder import MessagingHandler, Recorded, run


class Refuse(Recorded, MessagingHandler):
    def on_start(self, event):
        self.acceptor = event.container.listen(URL)
        self.client = event.container.connect(URL, reconnect=False)
        event.container.create_receiver(self.client, "anything", name="doomed")

    def on_connection_opened(self, event):
        if event.connection != self.client:       # the server's end refuses as soon as it is open
            event.connection.condition = Condition("amqp:unauthorized-access", "not you")
            event.connection.close()

    def on_connection_error(self, event):
        print("connection error", event.connection.remote_condition)
        event.connection.close()

    def on_transport_error(self, event):
        print("transport error", event.transport.condition)

    def on_disconnected(self, event):
        print("disconnected")

    def on_connection_closed(self, event):
        self.acceptor.close()


run(Refuse())
print("done")
