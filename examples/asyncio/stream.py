#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A high-throughput producer and consumer on cyproton.aio, through a broker, at least once.

The producer keeps up to --in-flight sends outstanding with send_nowait() and awaits their outcomes
in order (an outcome already there costs nothing to await; one that is not lets the loop do its
I/O). The consumer, on its own connection, takes the messages with ``async for`` and accepts each.
Both reconnect if the broker goes away: what the broker had not settled is sent again.

Run: python stream.py --url amqp://127.0.0.1:5672 --address stream --count 10000 [--uvloop]
"""

import argparse
import asyncio
import collections
import sys
import time
from typing import Any, Deque

from proton import Disposition, Message

from cyproton import aio


async def produce(url: str, address: str, count: int, in_flight: int) -> int:
    accepted = 0
    async with await aio.connect(url, reconnect=True) as conn:
        sender = await conn.open_sender(address)
        waiting: Deque["asyncio.Future[Any]"] = collections.deque()
        for n in range(count):
            waiting.append(sender.send_nowait(Message(body={"n": n})))
            if len(waiting) >= in_flight:
                accepted += await waiting.popleft() == Disposition.ACCEPTED
        while waiting:
            accepted += await waiting.popleft() == Disposition.ACCEPTED
    return accepted


async def consume(url: str, address: str, count: int, ready: "asyncio.Future[None]") -> int:
    seen = set()
    async with await aio.connect(url, reconnect=True) as conn:
        receiver = await conn.open_receiver(address, credit=500)
        ready.set_result(None)
        async for delivery in receiver:
            seen.add(delivery.message.body["n"])
            delivery.accept()
            if len(seen) == count:
                break
    return len(seen)


async def main(args: argparse.Namespace) -> bool:
    ready: "asyncio.Future[None]" = asyncio.get_running_loop().create_future()
    consumer = asyncio.ensure_future(consume(args.url, args.address, args.count, ready))
    await ready                     # the consumer's link is attached: nothing waits in the broker long
    started = time.monotonic()
    accepted = await produce(args.url, args.address, args.count, args.in_flight)
    received = await consumer
    seconds = time.monotonic() - started
    print(f"{accepted} of {args.count} messages accepted, {received} distinct received")
    print(f"{args.count / seconds:.0f} msg/s", file=sys.stderr)
    return bool(accepted == received == args.count)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="amqp://127.0.0.1:5672")
    parser.add_argument("--address", default="stream")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--in-flight", type=int, default=1000)
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop instead of asyncio's own loop")
    args = parser.parse_args()
    if args.uvloop:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    sys.exit(0 if asyncio.run(main(args)) else 1)
