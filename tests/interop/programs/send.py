# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Send COUNT messages (messages.make) to ADDRESS and count the outcomes the peer settles them with.

    send.py amqp://127.0.0.1:5672 queue1 --count 1000 --mode at-least-once --expect-outcome accepted

At-least-once: the run ends when every delivery is settled by the peer; ``ok`` means all COUNT had the
expected outcome. At-most-once: deliveries are pre-settled, the run ends once all are written. When the peer
drains the link and nothing is left to send, the remaining credit is given back (``drained``).
Prints one JSON line: sent, settled, accepted, rejected, released, modified, outcome details, errors.
"""

from proton import Delivery
from proton.handlers import MessagingHandler
from proton.reactor import Container

import common
import messages


class Send(MessagingHandler):
    def __init__(self, args):
        super().__init__()
        self.args = args
        self.summary = {"program": "send", "sent": 0, "settled": 0, "accepted": 0, "rejected": 0, "released": 0,
                        "modified": 0, "drain_seen": 0, "drained": 0, "error": None, "ok": False}
        self.sender = None

    def on_start(self, event):
        conn = common.connect(event.container, self.args)
        self.sender = event.container.create_sender(conn, self.args.address, name=self.args.link_name,
                                                    options=common.link_options(self.args))
        self.timeout = common.Timeout(event.container, self.args.timeout, self.summary)

    def on_link_opened(self, event):
        common.endpoint_info(self.summary, link=event.link, connection=event.connection)

    def on_sendable(self, event):
        sender, s = event.sender, self.summary
        while sender.credit and s["sent"] < self.args.count:
            sender.send(messages.make(self.args.first + s["sent"], self.args.body_kind))
            s["sent"] += 1
        if s["sent"] == self.args.count:
            if sender.drain_mode and sender.credit:   # the peer drains: nothing left, give the credit back
                s["drain_seen"] += 1
                s["drained"] += sender.drained()
            if self.args.mode == "at-most-once":
                s["settled"] = s["sent"]
                s["ok"] = True
                event.connection.close()

    def on_accepted(self, event):
        self._outcome("accepted", event)

    def on_rejected(self, event):
        self._outcome("rejected", event)

    def on_released(self, event):   # MessagingHandler reports both RELEASED and MODIFIED here
        modified = event.delivery.remote_state == Delivery.MODIFIED
        self._outcome("modified" if modified else "released", event)

    def _outcome(self, name, event):
        self.summary[name] += 1
        if name not in self.summary.setdefault("first_outcome", {}):   # the details of the first of each kind
            self.summary["first_outcome"][name] = common.outcome_details(event.delivery)

    def on_settled(self, event):
        s = self.summary
        s["settled"] += 1
        if s["settled"] == self.args.count:
            s["ok"] = s[self.args.expect_outcome] == self.args.count
            event.connection.close()

    def on_link_error(self, event):
        self.summary["error"] = dict(common.condition(event.link.remote_condition), where="link")
        event.connection.close()

    def on_session_error(self, event):
        self.summary["error"] = dict(common.condition(event.session.remote_condition), where="session")
        event.connection.close()

    def on_connection_error(self, event):
        self.summary["error"] = dict(common.condition(event.connection.remote_condition), where="connection")

    def on_transport_closed(self, event):   # the very end, whatever happened: let Container.run() return
        self.timeout.cancel(event.container)

    def on_transport_error(self, event):
        if not self.summary["error"]:
            self.summary["error"] = dict(common.condition(event.transport.condition) or {}, where="transport")


def main():
    p = common.parser(__doc__)
    p.add_argument("url")
    p.add_argument("address")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--expect-outcome", default="accepted",
                   choices=("accepted", "rejected", "released", "modified"))
    args = p.parse_args()
    handler = Send(args)
    Container(handler).run()
    common.finish(handler.summary)


if __name__ == "__main__":
    main()
