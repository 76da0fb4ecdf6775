# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Every settlement mode: presettled (at most once), settle on the outcome (at least once), the
receiver settling second, and each outcome a receiver can give (accept, reject, release, modify)."""

from _common import URL

from proton import Link, Message
from proton.reactor import AtLeastOnce, AtMostOnce, LinkOption
from recorder import MessagingHandler, Recorded, run

OUTCOMES = ["accept", "reject", "release", "modify"]


class SecondSettle(LinkOption):
    def apply(self, link):
        link.snd_settle_mode = Link.SND_UNSETTLED
        link.rcv_settle_mode = Link.RCV_SECOND


class Modes(Recorded, MessagingHandler):
    def __init__(self):
        super().__init__(auto_accept=False)
        self.pending = {"at-most-once": 2, "at-least-once": len(OUTCOMES), "second": 1}
        self.done = 0

    def on_start(self, event):
        self.acceptor = event.container.listen(URL)
        conn = event.container.connect(URL)
        for name, option in (("at-most-once", AtMostOnce()), ("at-least-once", AtLeastOnce()),
                             ("second", SecondSettle())):
            event.container.create_sender(conn, name, name=name, options=option)

    def on_sendable(self, event):
        sender = event.sender
        while sender.credit and self.pending.get(sender.name, 0) > 0:
            self.pending[sender.name] -= 1
            n = self.pending[sender.name]
            body = OUTCOMES[n] if sender.name == "at-least-once" else f"{sender.name} {n}"
            sender.send(Message(body=body))

    def on_message(self, event):
        body = event.message.body
        if event.link.name == "at-most-once":
            print("presettled", body, event.delivery.settled)
        elif event.link.name == "second":
            self.accept(event.delivery)
        else:
            getattr(self, body)(event.delivery) if body != "modify" else \
                self.release(event.delivery, delivered=True)

    def on_accepted(self, event):
        self.finished(event)

    def on_rejected(self, event):
        self.finished(event)

    def on_released(self, event):
        self.finished(event)

    def on_settled(self, event):
        print("settled on", event.link.name)

    def finished(self, event):
        self.done += 1
        if self.done == len(OUTCOMES) + 1:
            event.connection.close()

    def on_connection_closed(self, event):
        self.acceptor.close()


run(Modes())
print("done")
