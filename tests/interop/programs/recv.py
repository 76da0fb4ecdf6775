# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Receive COUNT messages from ADDRESS, check each against messages.make, settle each with OUTCOME.

    recv.py amqp://127.0.0.1:5672 queue1 --count 1000 --credit 50 --outcome accept
    recv.py amqp://127.0.0.1:5672 queue1 --count 1000 --credit 7 --drain

Each message names its sequence number (application property ``seq``): duplicates and gaps are counted, and
every section is compared with the message the generator makes for that number (``mismatched``, ``problems``).
Credit: ``--credit`` is the prefetch window. With ``--drain`` credit is granted only by draining, ``--credit`` at
a time; after COUNT messages one more drain must come back with no message (``final_drain_empty``).
Prints one JSON line: received, duplicates, missing, mismatched, problems, drains, errors.
"""

from proton import Delivery, symbol
from proton.handlers import MessagingHandler
from proton.reactor import Container

import common
import messages


class Recv(MessagingHandler):
    def __init__(self, args):
        super().__init__(prefetch=0 if args.drain else args.credit, auto_accept=False)
        self.args = args
        self.seen = set()
        self.finishing = False   # --drain: COUNT reached, waiting for the last drain to come back
        self.summary = {"program": "recv", "received": 0, "duplicates": 0, "missing": None, "extra": 0,
                        "mismatched": 0, "problems": [], "drains_completed": 0, "drained_credit": 0,
                        "final_drain_empty": None, "settled_by_sender": 0, "error": None, "ok": False}

    def on_start(self, event):
        conn = common.connect(event.container, self.args)
        event.container.create_receiver(conn, self.args.address, name=self.args.link_name,
                                        options=common.link_options(self.args))
        self.timeout = common.Timeout(event.container, self.args.timeout, self.summary)

    def on_link_opened(self, event):
        common.endpoint_info(self.summary, link=event.link, connection=event.connection)
        if self.args.drain:
            event.receiver.drain(self.args.credit)

    def on_message(self, event):
        s, msg = self.summary, event.message
        n = messages.seq_of(msg)
        if self.finishing or s["received"] >= self.args.count:
            s["extra"] += 1
        elif n in self.seen:
            s["duplicates"] += 1
        else:
            self.seen.add(n)
            s["received"] += 1
            problems = messages.check(n, msg, self.args.body_kind, ignore=self.args.ignore) if n is not None \
                else ["message without seq: %r" % msg]
            if problems:
                s["mismatched"] += 1
                s["problems"].extend(problems[:5 - len(s["problems"])])
        self.settle(event.delivery)
        if self.args.drain:
            if event.receiver.credit == 0:
                self._window_done(event)
        elif s["received"] == self.args.count:
            self._done(event)

    def settle(self, delivery):
        if delivery.settled:             # at-most-once: the sender settled it already
            self.summary["settled_by_sender"] += 1
            delivery.settle()
            return
        outcome = self.args.outcome
        if outcome == "accept":
            delivery.update(Delivery.ACCEPTED)
        elif outcome == "reject":
            delivery.local.condition = common.make_condition("x-test:rejected", "rejected by recv.py", by="recv.py")
            delivery.update(Delivery.REJECTED)
        elif outcome == "release":
            delivery.update(Delivery.RELEASED)
        else:
            delivery.local.failed = True
            delivery.local.undeliverable = True
            delivery.local.annotations = {symbol("x-opt-modified-by"): "recv.py"}
            delivery.update(Delivery.MODIFIED)
        delivery.settle()

    def on_link_flow(self, event):
        if self.args.drain and event.link.is_receiver and event.receiver.credit == 0:
            self._window_done(event)

    def _window_done(self, event):
        """--drain: no credit left, used up by messages or given back by the sender (a drain that came back
        short). Drain again, or end after the drain that follows the last message."""
        s, receiver = self.summary, event.receiver
        returned = receiver.drained()
        s["drained_credit"] += returned
        s["drains_completed"] += 1 if returned else 0
        if self.finishing:
            s["final_drain_empty"] = s["extra"] == 0
            self._done(event)
            return
        if s["received"] >= self.args.count:
            self.finishing = True        # one more drain: the source must have nothing left
        receiver.drain(self.args.credit)

    def _done(self, event):
        event.connection.close()

    def tally(self):
        s = self.summary
        missing = sorted(set(range(self.args.first, self.args.first + self.args.count)) - self.seen)
        s["missing"], s["missing_first"] = len(missing), missing[:20]
        s["ok"] = s["received"] == self.args.count and not (s["duplicates"] or s["missing"] or s["mismatched"])
        if self.args.drain and not s["final_drain_empty"]:
            s["ok"] = False

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
    p.add_argument("--credit", type=int, default=100, help="prefetch window, or the size of each drain")
    p.add_argument("--drain", action="store_true")
    p.add_argument("--outcome", choices=("accept", "reject", "release", "modify"), default="accept")
    p.add_argument("--ignore", default="", help="comma-separated message fields not to compare")
    args = p.parse_args()
    args.ignore = [f for f in args.ignore.split(",") if f]
    handler = Recv(args)
    Container(handler).run()
    handler.tally()
    common.finish(handler.summary)


if __name__ == "__main__":
    main()
