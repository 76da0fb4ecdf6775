# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Client kind "blocking": BlockingConnection, one call at a time.

A blocking send returns once the broker has settled the message, so at most one message is in doubt when the
connection drops: the one being sent. A BlockingConnection that lost its connection raises ConnectionException
from then on (in both implementations), so the application closes it, makes a new one (trying the nodes in order,
as the library's reconnect does), and sends the message in doubt again.
"""

import time

from proton import ConnectionException, Delivery, ProtonException, Timeout
from proton.reactor import AtLeastOnce
from proton.utils import BlockingConnection, LinkDetached, SendException

from client import backoff, message, node_of, seq_of
from record import Completion, give_up_requested, stop_requested


class _Session:
    """The application's failover loop around BlockingConnection."""

    def __init__(self, args, recorder):
        self.args = args
        self.rec = recorder
        self.urls = list(args.url_list)
        self.conn = None
        self.link = None
        self.failures = 0
        self.deadline = time.monotonic() + args.timeout

    def expired(self):
        return time.monotonic() > self.deadline or give_up_requested(self.args)

    def ensure(self, open_link):
        if self.conn is not None:
            return
        # The first attempt after a failure starts with the first node again, as the library's own
        # reconnect does; each failure in a row moves the start one node on, because a BlockingConnection
        # gives up at the first node that refuses (in both implementations).
        shift = max(0, self.failures - 1) % len(self.urls)
        self.conn = BlockingConnection(urls=self.urls[shift:] + self.urls[:shift], reconnect=backoff(self.args),
                                       heartbeat=self.args.heartbeat, timeout=self.args.op_timeout)
        try:
            self.link = open_link(self.conn)
        except BaseException:
            self.drop("attach failed")
            raise
        self.rec.opened(node_of(self.conn.conn))
        self.failures = 0

    def failed(self, error):
        self.rec.error("%s: %s" % (type(error).__name__, error))
        self.drop(error)
        self.failures += 1
        time.sleep(min(self.args.max_delay, 0.01 * 2 ** min(self.failures, 10)))

    def drop(self, why):
        self.rec.closed(why)
        conn, self.conn, self.link = self.conn, None, None
        if conn is not None:
            try:
                conn.close()
            except ProtonException as e:
                self.rec.error("close: %s: %s" % (type(e).__name__, e))

    def close(self):
        self.drop("finished")


_LOST = (ConnectionException, Timeout, LinkDetached)


def produce(args, rec):
    session = _Session(args, rec)
    next_seq = 0
    pending = None        # the seq in doubt (or refused with "released"): sent again next
    interval = 1.0 / args.rate if args.rate else 0.0
    last = 0.0
    while not session.expired():
        if pending is None and stop_requested(args):
            session.close()
            return False
        try:
            session.ensure(lambda conn: conn.create_sender(args.address, options=AtLeastOnce()))
            if pending is None:
                pending = next_seq
                next_seq += 1
            if interval:
                time.sleep(max(0.0, last + interval - time.monotonic()))
                last = time.monotonic()
            rec.sent += 1
            session.link.send(message(args, pending), timeout=args.op_timeout)
            rec.accept(pending)
            pending = None
        except SendException as e:
            if e.state in (Delivery.RELEASED, Delivery.MODIFIED):
                rec.released += 1      # released / modified: the broker did not take it; send it again
            else:
                rec.rejected += 1
                pending = None
        except _LOST as e:
            if pending is not None:
                rec.resent += 1
            session.failed(e)
    session.close()
    return True


def consume(args, rec):
    session = _Session(args, rec)
    completion = Completion(args, rec)
    while not session.expired():
        if completion.done():
            session.close()
            return False
        try:
            session.ensure(lambda conn: conn.create_receiver(args.address, credit=args.prefetch))
            try:
                msg = session.link.receive(timeout=0.5)
            except Timeout:
                rec.write_status()
                continue
            seq = seq_of(msg)
            if seq is None:
                rec.foreign += 1
            else:
                completion.received(seq)
            session.link.accept()
        except _LOST as e:
            session.failed(e)
    session.close()
    return True
