# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Client kind "asyncio": cyproton.aio (cyproton only: python-qpid-proton has no asyncio API).

A connection that fails wakes every waiter with ConnectionClosed, so failover is the application's loop, as with
the blocking kind: connect to the nodes in order (each failure in a row starts one node further on), open the
link, and carry on. The producer keeps up to ``--window`` sends in flight (``send_nowait`` futures); when the
connection drops, every message whose future had no outcome yet is in doubt and is sent again on the next
connection (a message the broker did have comes out twice at the consumer). Heartbeats (``heartbeat=``) turn a
node that hangs into a ConnectionClosed.
"""

import asyncio
import time

from proton import ProtonException

from cyproton import aio

from client import message, node_of, seq_of
from record import give_up_requested, load_expected, stop_requested


class _Failover:
    """The application's connection to the cluster, made again after each failure."""

    def __init__(self, args, rec):
        self.args = args
        self.rec = rec
        self.failures = 0
        self.conn = None
        self.deadline = time.monotonic() + args.timeout

    def expired(self):
        return time.monotonic() > self.deadline or give_up_requested(self.args)

    async def connect(self):
        urls = self.args.url_list
        while not self.expired():
            url = urls[self.failures % len(urls)]
            try:
                self.conn = await asyncio.wait_for(aio.connect(url, heartbeat=self.args.heartbeat),
                                                   self.args.op_timeout)
                self.rec.opened(node_of(self.conn.proton_connection))
                self.failures = 0
                return self.conn
            except (ProtonException, asyncio.TimeoutError) as e:
                self.rec.error("connect %s: %s: %s" % (url, type(e).__name__, e))
                self.failures += 1
                await asyncio.sleep(min(self.args.max_delay, 0.01 * 2 ** min(self.failures, 10)))
        return None

    async def failed(self, error):
        self.rec.error("%s: %s" % (type(error).__name__, error))
        self.rec.closed(error)
        await self.drop()
        self.failures += 1

    async def drop(self):
        conn, self.conn = self.conn, None
        if conn is not None and not conn.closed:
            try:
                await asyncio.wait_for(conn.close(), self.args.op_timeout)
            except (ProtonException, asyncio.TimeoutError) as e:
                self.rec.error("close: %s: %s" % (type(e).__name__, e))


async def _produce(args, rec):
    session = _Failover(args, rec)
    next_seq = 0
    again = []              # seqs to send (again) before new ones: in doubt, or released
    interval = 1.0 / args.rate if args.rate else 0.0
    while not session.expired():
        if not again and stop_requested(args):
            await session.drop()
            return False
        conn = await session.connect()
        if conn is None:
            break
        in_flight = {}      # future -> seq
        try:
            sender = await asyncio.wait_for(conn.open_sender(args.address), args.op_timeout)
            while not session.expired():
                while len(in_flight) < args.window and (again or not stop_requested(args)):
                    if again:
                        seq = again.pop(0)
                    else:
                        seq, next_seq = next_seq, next_seq + 1
                    rec.sent += 1
                    in_flight[sender.send_nowait(message(args, seq))] = seq
                    if interval:
                        await asyncio.sleep(interval)
                if not in_flight:
                    break                       # asked to stop, and everything is settled
                done, _ = await asyncio.wait(list(in_flight), timeout=0.5, return_when=asyncio.FIRST_COMPLETED)
                rec.write_status()
                for future in done:
                    seq = in_flight.pop(future)
                    error = future.exception()
                    if error is None:
                        rec.accept(seq)
                    elif isinstance(error, (aio.DeliveryReleased, aio.DeliveryModified)):
                        rec.released += 1       # the broker did not take it: send it again
                        again.append(seq)
                    elif isinstance(error, aio.DeliveryRejected):
                        rec.rejected += 1
                    else:
                        raise error
            if not in_flight:
                await session.drop()
                return False
        except (ProtonException, asyncio.TimeoutError) as e:
            doubt = sorted(seq for future, seq in in_flight.items()
                           if not (future.done() and not future.cancelled() and future.exception() is None))
            for future, seq in in_flight.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    rec.accept(seq)
            rec.resent += len(doubt)
            again = doubt + again
            await session.failed(e)
    await session.drop()
    return True


async def _consume(args, rec):
    session = _Failover(args, rec)
    missing = None
    complete_at = None
    receiver = None
    while not session.expired():
        if missing is None:
            expected = load_expected(args)
            if expected is not None:
                missing = expected - set(rec.received)
        if missing is not None and not missing:
            now = time.monotonic()
            complete_at = complete_at or now
            if now - complete_at >= args.linger:
                await session.drop()
                return False
        try:
            if session.conn is None or session.conn.closed:
                receiver = None
                if await session.connect() is None:
                    break
            if receiver is None:
                receiver = await asyncio.wait_for(session.conn.open_receiver(args.address, credit=args.prefetch),
                                                  args.op_timeout)
            try:
                delivery = await receiver.receive(timeout=0.5)
            except asyncio.TimeoutError:
                rec.write_status()
                continue
            seq = seq_of(delivery.message)
            if seq is None:
                rec.foreign += 1
            else:
                rec.receive(seq)
                if missing is not None:
                    missing.discard(seq)
            delivery.accept()
        except (ProtonException, asyncio.TimeoutError) as e:
            receiver = None
            await session.failed(e)
    await session.drop()
    return True


def produce(args, rec):
    return asyncio.run(_produce(args, rec))


def consume(args, rec):
    return asyncio.run(_consume(args, rec))
