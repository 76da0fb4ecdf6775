#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""An asyncio echo service and its clients in one program, on cyproton.aio (no broker, no thread).

The server accepts connections; on each, a link the peer opens to send is read and every message
is answered on the link the same peer opened to receive from the message's reply-to address.
Each client sends --count numbered requests at once, waits for their outcomes, collects the
replies and checks that every request came back exactly once.

Run: python echo.py --clients 4 --count 100 [--uvloop]
"""

import argparse
import asyncio
import socket
import sys
from typing import Dict, Optional, Set

from proton import Message

from cyproton import aio


async def serve(conn: aio.Connection) -> None:
    senders: Dict[Optional[str], aio.Sender] = {}  # reply address -> the link that delivers to it
    async for link in conn.incoming_links(credit=50):
        if isinstance(link, aio.Sender):
            senders[link.address] = link
        else:
            asyncio.ensure_future(answer(link, senders))


async def answer(receiver: aio.Receiver, senders: Dict[Optional[str], aio.Sender]) -> None:
    async for delivery in receiver:
        request = delivery.message
        delivery.accept()
        senders[request.reply_to].send_nowait(Message(body=request.body, correlation_id=request.id))


async def client(url: str, number: int, count: int) -> int:
    async with await aio.connect(url) as conn:
        replies = await conn.open_receiver(f"replies-{number}", credit=50)
        requests = await conn.open_sender("echo")
        await asyncio.gather(*[requests.send(Message(id=i, body=f"{number}:{i}", reply_to=f"replies-{number}"))
                               for i in range(count)])
        seen: Set[object] = set()
        while len(seen) < count:
            delivery = await replies.receive(timeout=10)
            assert delivery.message.correlation_id not in seen, "a reply came twice"
            seen.add(delivery.message.correlation_id)
            delivery.accept()
        return len(seen)


async def main(args: argparse.Namespace) -> bool:
    with socket.socket() as probe:          # a free port on the loopback interface
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"127.0.0.1:{port}"
    async with await aio.listen(url) as server:
        accepting = asyncio.ensure_future(accept_all(server))
        counts = await asyncio.gather(*[client(url, n, args.count) for n in range(args.clients)])
        accepting.cancel()
    for number, received in enumerate(counts):
        print(f"client {number}: {received} replies")
    return bool(sum(counts) == args.clients * args.count)


async def accept_all(server: aio.Server) -> None:
    async for conn in server:
        asyncio.ensure_future(serve(conn))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop instead of asyncio's own loop")
    args = parser.parse_args()
    if args.uvloop:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    sys.exit(0 if asyncio.run(main(args)) else 1)
