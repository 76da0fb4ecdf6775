# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Client kind "asyncio": cyproton.aio (cyproton only: python-qpid-proton has no asyncio API).

A connection that fails wakes every waiter with ConnectionClosed, so failover is the application's loop, as with
the blocking kind: after a failure try the nodes in order again (the first that answers), open the link, and
carry on. The producer keeps up to ``--window`` sends in flight
(``send_nowait`` futures); when the connection drops, every message whose future had no outcome yet is in doubt
and is sent again on the next connection (a message the broker did have comes out twice at the consumer).
Heartbeats (``heartbeat=``) turn a node that hangs into a ConnectionClosed.
"""

import asyncio
import time

from proton import ProtonException

from cyproton import aio

from client import message, node_of, seq_of
from record import Completion, give_up_requested, stop_requested


class _Failover:
    """The application's connection to the cluster, made again after each failure."""

    def __init__(self, args, rec):
        self.args = args
        self.rec = rec
        self.failures = 0       # in a row, for the delay before the next attempt
        self.at = 0             # the node to try next: the first after a failure, the next after a refusal
        self.conn = None
        self.deadline = time.monotonic() + args.timeout

    def expired(self):
        return time.monotonic() > self.deadline or give_up_requested(self.args)

    async def connect(self):
        urls = self.args.url_list
        while not self.expired():
            url = urls[self.at % len(urls)]
            try:
                self.conn = await asyncio.wait_for(aio.connect(url, heartbeat=self.args.heartbeat),
                                                   self.args.op_timeout)
                self.rec.opened(node_of(self.conn.proton_connection))
                self.failures = 0
                return self.conn
            except (ProtonException, asyncio.TimeoutError) as e:
                self.rec.error("connect %s: %s: %s" % (url, type(e).__name__, e))
                self.failures += 1
                self.at += 1
                await asyncio.sleep(min(self.args.max_delay, 0.01 * 2 ** min(self.failures, 10)))
        return None

    async def failed(self, error):
        self.rec.error("%s: %s" % (type(error).__name__, error))
        self.rec.closed(error)
        await self.drop()
        self.failures += 1
        self.at = 0

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
                    try:
                        future = sender.send_nowait(message(args, seq))
                    except ProtonException:
                        again.insert(0, seq)            # the link had already gone: not sent at all
                        raise
                    rec.sent += 1
                    in_flight[future] = seq
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
                        in_flight[future] = seq         # in doubt with the others: sent again
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
    completion = Completion(args, rec)
    receiver = None
    while not session.expired():
        if completion.done():
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
                completion.received(seq)
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
