# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Client kind "handler": Container + MessagingHandler, one connection with ``urls=`` and reconnect.

The producer keeps up to ``--window`` messages unsettled. When the connection drops, every message not yet
settled is in doubt: the broker may have it or not. The application sends those again on the new connection
(at-least-once, as python-qpid-proton's tutorial does in ``on_disconnected``); a message the broker did have
comes out twice at the consumer. With ``--resend library`` the library does that itself (cyproton's
``resend_unsettled`` connect option) and the application only counts.
"""

import collections
import time

from proton.handlers import MessagingHandler
from proton.reactor import AtLeastOnce, Container

from client import backoff, message, node_of, seq_of
from record import give_up_requested, load_expected, stop_requested

TICK = 0.05


class _Base(MessagingHandler):
    def __init__(self, args, recorder, **kwargs):
        super().__init__(**kwargs)
        self.args = args
        self.rec = recorder
        self.conn = None
        self.link = None
        self.deadline = time.monotonic() + args.timeout
        self.timed_out = False
        self.finished = False

    def connect(self, container, **extra):
        self.conn = container.connect(urls=self.args.url_list, reconnect=backoff(self.args),
                                      heartbeat=self.args.heartbeat, **extra)
        container.schedule(TICK, self)

    def on_connection_opened(self, event):
        self.rec.opened(node_of(event.connection))

    def on_disconnected(self, event):
        condition = event.transport.condition if event.transport else None
        self.rec.closed(condition or "disconnected")

    def on_link_error(self, event):
        # The broker detached the link with an error (the connection is fine): attach a new one.
        self.rec.error("link error: %s" % (event.link.remote_condition,))
        event.link.close()
        if event.link == self.link:
            self.lost_link()
            self.link = self.open_link(event.container)

    def on_session_error(self, event):
        self.rec.error("session error: %s" % (event.session.remote_condition,))
        event.session.close()
        self.lost_link()
        self.link = self.open_link(event.container)

    def on_connection_error(self, event):
        # With reconnect on, the connection is made again (python-qpid-proton: only if the socket closes).
        self.rec.error("connection error: %s" % (event.connection.remote_condition,))

    def lost_link(self):
        pass

    def finish(self, container, timed_out=False):
        self.finished = True
        self.timed_out = timed_out
        self.rec.closed("timed out" if timed_out else "finished")
        if self.conn is not None:
            self.conn.close()
        if timed_out:
            container.stop()

    def on_timer_task(self, event):
        if self.finished:
            return
        if time.monotonic() > self.deadline or give_up_requested(self.args):
            self.finish(event.container, timed_out=True)
            return
        self.tick(event.container)
        self.rec.write_status()
        if not self.finished:
            event.container.schedule(TICK, self)


class Producer(_Base):
    def __init__(self, args, recorder):
        super().__init__(args, recorder, prefetch=0, auto_accept=False, auto_settle=True)
        self.next_seq = 0
        self.inflight = {}                    # Delivery -> seq, the sends not yet settled
        self.resend = collections.deque()     # seqs to send again, oldest first
        self.tokens = float(args.window)
        self.last_refill = time.monotonic()
        self.library_resends = args.resend == "library"

    def on_start(self, event):
        extra = {"resend_unsettled": True} if self.library_resends else {}
        self.connect(event.container, **extra)
        self.link = self.open_link(event.container)

    def open_link(self, container):
        return container.create_sender(self.conn, self.args.address, options=AtLeastOnce())

    def on_disconnected(self, event):
        super().on_disconnected(event)
        if self.library_resends:
            return     # the library sends them again itself: keep counting them as in flight
        self.lost_link()

    def lost_link(self):
        # In doubt: maybe the broker has them, maybe not. Send them again, oldest first.
        self.rec.resent += len(self.inflight)
        self.resend = collections.deque(sorted(list(self.resend) + list(self.inflight.values())))
        self.inflight.clear()

    def on_sendable(self, event):
        self.pump()

    def pump(self):
        sender = self.link
        if sender is None or self.finished:
            return
        stopping = stop_requested(self.args)
        if self.args.rate:
            now = time.monotonic()
            self.tokens = min(float(self.args.window), self.tokens + (now - self.last_refill) * self.args.rate)
            self.last_refill = now
        while sender.credit > 0 and len(self.inflight) < self.args.window and (self.resend or not stopping):
            if self.args.rate and self.tokens < 1:
                break
            self.tokens -= 1
            if self.resend:
                seq = self.resend.popleft()
            else:
                seq = self.next_seq
                self.next_seq += 1
            delivery = sender.send(message(self.args, seq))
            self.rec.sent += 1
            self.inflight[delivery] = seq

    def outcome(self, event):
        return self.inflight.pop(self.resent_from(event.delivery), None)

    def resent_from(self, delivery):
        # --resend library: a message the library sent again carries the delivery it replaces
        original = getattr(delivery, "resent_from", None) if self.library_resends else None
        return delivery if original is None else original

    def on_accepted(self, event):
        seq = self.outcome(event)
        if seq is not None:
            self.rec.accept(seq)
        self.pump()

    def on_released(self, event):
        seq = self.outcome(event)
        if seq is not None:
            self.rec.released += 1
            self.resend.append(seq)
        self.pump()

    def on_rejected(self, event):
        if self.outcome(event) is not None:
            self.rec.rejected += 1
        self.pump()

    def tick(self, container):
        self.pump()
        if stop_requested(self.args) and not self.inflight and not self.resend:
            self.finish(container)


class Consumer(_Base):
    def __init__(self, args, recorder):
        super().__init__(args, recorder, prefetch=args.prefetch, auto_accept=True)
        self.missing = None
        self.complete_at = None

    def on_start(self, event):
        self.connect(event.container)
        self.link = self.open_link(event.container)

    def open_link(self, container):
        return container.create_receiver(self.conn, self.args.address)

    def on_message(self, event):
        seq = seq_of(event.message)
        if seq is None:
            self.rec.foreign += 1
            return
        self.rec.receive(seq)
        if self.missing is not None:
            self.missing.discard(seq)

    def tick(self, container):
        if self.missing is None:
            expected = load_expected(self.args)
            if expected is not None:
                self.missing = expected - set(self.rec.received)
        if self.missing is not None and not self.missing:
            now = time.monotonic()
            if self.complete_at is None:
                self.complete_at = now
            elif now - self.complete_at >= self.args.linger:
                self.finish(container)


def _run(handler):
    Container(handler).run()
    return handler.timed_out


def produce(args, recorder):
    return _run(Producer(args, recorder))


def consume(args, recorder):
    return _run(Consumer(args, recorder))
