#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A store-and-forward AMQP 1.0 broker in a page, on cyproton.aio: one queue per address.

A message sent to an address is queued, then accepted (so the sender's outcome means "stored").
Each consumer of an address takes the next message from its queue whenever it has credit; up to
--in-flight messages per consumer wait for the consumer's outcome at once. What a consumer
releases or modifies, and what it had not settled when it went away, is queued again; what it
rejects is dropped. A consumer that asks for at-most-once gets its messages presettled.

Run: python broker.py [--host 127.0.0.1] [--port 5672] [--uvloop]
then, e.g., the simple_send.py and simple_recv.py examples against amqp://127.0.0.1:5672/examples.
"""

import argparse
import asyncio
import collections
import functools
import sys
from typing import Any

from proton import Message, ProtonException

from cyproton import aio


class Broker:
    def __init__(self, in_flight: int) -> None:
        self.queues: "collections.defaultdict[str, asyncio.Queue[Message]]" = collections.defaultdict(asyncio.Queue)
        self.in_flight = in_flight

    async def serve(self, conn: aio.Connection) -> None:
        """Every link a client opens: its sending links fill queues, its receiving links drain them."""
        async for link in conn.incoming_links(credit=self.in_flight):
            queue = self.queues[link.address or ""]
            if isinstance(link, aio.Receiver):
                asyncio.ensure_future(self.store(link, queue))
            else:
                asyncio.ensure_future(self.forward(link, queue))

    @staticmethod
    async def store(link: aio.Receiver, queue: "asyncio.Queue[Message]") -> None:
        try:
            async for delivery in link:
                queue.put_nowait(delivery.message)
                delivery.accept()
        except ProtonException:
            pass        # the link or its connection ended

    async def forward(self, link: aio.Sender, queue: "asyncio.Queue[Message]") -> None:
        window = asyncio.Semaphore(self.in_flight)

        def settled(message: Message, outcome: "asyncio.Future[Any]") -> None:
            window.release()
            failure = None if outcome.cancelled() else outcome.exception()
            if outcome.cancelled() or (failure is not None and not isinstance(failure, aio.DeliveryRejected)):
                queue.put_nowait(message)       # released, modified, or never settled: queued again

        while True:
            await window.acquire()
            message = await queue.get()
            try:
                outcome = link.send_nowait(message)
            except ProtonException:             # the consumer has gone: the message stays
                queue.put_nowait(message)
                return
            outcome.add_done_callback(functools.partial(settled, message))


async def main(args: argparse.Namespace) -> None:
    broker = Broker(args.in_flight)
    async with await aio.listen(f"{args.host}:{args.port}") as server:
        print(f"LISTENING {args.host}:{args.port}", flush=True)
        async for conn in server:
            asyncio.ensure_future(broker.serve(conn))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5672)
    parser.add_argument("--in-flight", type=int, default=100, help="unsettled messages per consumer")
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop instead of asyncio's own loop")
    args = parser.parse_args()
    if args.uvloop:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    try:
        asyncio.run(main(args))
    except KeyboardInterrupt:
        sys.exit(0)
