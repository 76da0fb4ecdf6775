# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""cyproton.aio as a client: send COUNT messages (messages.make) to ADDRESS, or receive and check them.

    aio_client.py amqp://127.0.0.1:5672 queue1 --op send --count 1000 --in-flight 200 [--uvloop]
    aio_client.py amqp://127.0.0.1:5672 queue1 --op recv --count 1000 --credit 100

send: up to --in-flight sends wait for their outcomes at once (at-least-once), or every message goes
presettled (at-most-once); counts the outcomes. recv: ``async for`` over the receiver, accepting each
message; duplicates, gaps and mismatched sections are counted as recv.py counts them. Closing the
connection ends its links (RabbitMQ 3.10 never answers a sender's detach, so a link's own close would
wait for ever there). One JSON line, the same keys as send.py / recv.py. cyproton only.
"""

import asyncio
import time

from cyproton import aio

import common
import messages


async def send(conn, args, summary):
    sender = await conn.open_sender(args.address, name=args.link_name, settled=args.mode == "at-most-once")
    window = asyncio.Semaphore(args.in_flight)
    outcomes = []

    async def one(n):
        try:
            await sender.send(messages.make(n, args.body_kind))
            summary["settled"] += 1
            summary["accepted"] += args.mode == "at-least-once"
        except aio.DeliveryRejected:
            summary["settled"] += 1
            summary["rejected"] += 1
        except aio.DeliveryModified:
            summary["settled"] += 1
            summary["modified"] += 1
        except aio.DeliveryReleased:
            summary["settled"] += 1
            summary["released"] += 1
        finally:
            window.release()

    for n in range(args.first, args.first + args.count):
        await window.acquire()
        outcomes.append(asyncio.ensure_future(one(n)))
        summary["sent"] += 1
    await asyncio.gather(*outcomes)
    summary["ok"] = summary["settled"] == args.count and (
        args.mode == "at-most-once" or summary["accepted"] == args.count)


async def recv(conn, args, summary):
    receiver = await conn.open_receiver(args.address, credit=args.credit, name=args.link_name)
    seen = set()
    while summary["received"] < args.count:
        delivery = await receiver.receive(timeout=args.timeout)
        n = messages.seq_of(delivery.message)
        if n in seen:
            summary["duplicates"] += 1
        else:
            seen.add(n)
            summary["received"] += 1
            problems = messages.check(n, delivery.message, args.body_kind) if n is not None else ["no seq"]
            if problems:
                summary["mismatched"] += 1
                summary["problems"].extend(problems[:5 - len(summary["problems"])])
        delivery.accept()
    expected = set(range(args.first, args.first + args.count))
    summary["missing"] = len(expected - seen)
    summary["extra"] = len(seen - expected)
    summary["ok"] = summary["received"] == args.count and not summary["duplicates"] and not summary["missing"]


async def main(args, summary):
    started = time.monotonic()
    conn = await aio.connect(args.url, **common.connect_options(args))
    summary["remote_container"] = conn.proton_connection.remote_container
    try:
        await asyncio.wait_for((send if args.op == "send" else recv)(conn, args, summary), args.timeout)
    finally:
        await conn.close()
    summary["seconds"] = round(time.monotonic() - started, 3)


if __name__ == "__main__":
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("url")
    p.add_argument("address")
    p.add_argument("--op", choices=("send", "recv"), required=True)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--in-flight", type=int, default=200, help="send: outcomes awaited at once")
    p.add_argument("--credit", type=int, default=100, help="recv: the receiver's window")
    p.add_argument("--uvloop", action="store_true")
    args = p.parse_args()
    summary = {"program": "aio_client", "op": args.op, "sent": 0, "settled": 0, "accepted": 0, "rejected": 0,
               "released": 0, "modified": 0, "received": 0, "duplicates": 0, "missing": None, "extra": 0,
               "mismatched": 0, "problems": [], "error": None, "ok": False}
    if args.uvloop:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    try:
        asyncio.run(main(args, summary))
    except Exception as exc:   # noqa: BLE001 - reported in the summary, which the test prints
        summary["error"] = "%s: %s" % (type(exc).__name__, exc)
        summary["ok"] = False
    common.finish(summary)
