# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A1: cyproton.aio peer to peer, at-least-once, against the handler API (S1) of cyproton and of
python-qpid-proton, all in one run.

    python bench/aio.py [--messages 50000] [--rounds 1] [--credit 1000] [--no-uvloop] [--ref-python PY]

A1 runs two processes of this file: a receiver that listens with ``aio.listen`` and accepts every
message, and a sender that keeps 2,000 sends in flight with ``send_nowait`` (the engine sends as
credit allows) and awaits their outcomes in order. "A1 aio gather" puts every message in flight at
once and awaits them with ``asyncio.gather`` (asyncio's own Python code then runs once per future);
"A1 aio uvloop" is A1 on uvloop. S1 is bench/run.py's scenario (src/cyproton/bench/worker.py,
MessagingHandler) with the same count, body (100-char str) and credit. Every figure is the median of
the rounds; the ratios compare rates measured in this same run.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import glob
import json
import os
import resource
import sys
import time
from typing import Any, Deque, Dict, List

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
SRC_DIR = os.path.join(os.path.dirname(BENCH_DIR), "src")
# this tree's proton when it has a development build in it (scripts/dev_build.sh), else the
# installed one (make install, as make bench does)
DEV_BUILD = bool(glob.glob(os.path.join(SRC_DIR, "proton", "_cproton*.so")))
if DEV_BUILD:
    sys.path.insert(0, SRC_DIR)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _emit(record: Dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def _final(record: Dict[str, Any], cpu_start: float) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    record.update({"cpu_run_seconds": _cpu() - cpu_start, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                   "maxrss_kb": usage.ru_maxrss, "impl": "cyproton.aio", "error": None})
    _emit(record)


async def _receive(url: str, count: int, credit: int) -> None:
    from cyproton import aio
    server = await aio.listen(url)
    _emit({"ready": True})
    conn = await server.accept()
    cpu_start = _cpu()
    received = 0
    t_first = t_last = 0.0
    async for link in conn.incoming_links(credit=credit):
        if not isinstance(link, aio.Receiver):
            continue
        async for delivery in link:
            if received == 0:
                t_first = time.time()
            delivery.accept()
            received += 1
            if received == count:
                t_last = time.time()
                break
        break
    record = {"role": "receiver", "messages": received, "t_first": t_first, "t_last": t_last, "body_bytes": 100}
    await conn.close()
    await server.close()
    _final(record, cpu_start)


async def _send(url: str, count: int, gather: bool, in_flight: int) -> None:
    from proton import Disposition, Message
    from cyproton import aio
    body = "x" * 100
    cpu_start = _cpu()
    async with await aio.connect(url) as conn:
        sender = await conn.open_sender("bench")
        t_first = time.time()
        if gather:
            futures = [sender.send_nowait(Message(body=body)) for _ in range(count)]
            outcomes = await asyncio.gather(*futures)
        else:
            # up to in_flight sends outstanding; the outcomes awaited in order (an await of one that
            # is already there returns at once, and one that is not lets the loop do its I/O)
            outcomes = []
            waiting: Deque[asyncio.Future[Any]] = collections.deque()
            for _ in range(count):
                waiting.append(sender.send_nowait(Message(body=body)))
                if len(waiting) >= in_flight:
                    outcomes.append(await waiting.popleft())
            while waiting:
                outcomes.append(await waiting.popleft())
        t_last = time.time()
    accepted = sum(1 for outcome in outcomes if outcome == Disposition.ACCEPTED)
    _final({"role": "sender", "messages": accepted, "t_first": t_first, "t_last": t_last}, cpu_start)


def worker(argv: List[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["receive", "send"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--credit", type=int, default=1000)
    parser.add_argument("--uvloop", action="store_true")
    parser.add_argument("--gather", action="store_true")
    parser.add_argument("--in-flight", type=int, default=2000)
    args = parser.parse_args(argv)
    if args.uvloop:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    if args.role == "receive":
        asyncio.run(_receive(args.url, args.count, args.credit))
    else:
        asyncio.run(_send(args.url, args.count, args.gather, args.in_flight))


def run_a1(side: Any, count: int, credit: int, use_uvloop: bool, timeout: float,
           gather: bool = False) -> Dict[str, Any]:
    from cyproton.bench import driver
    url = "127.0.0.1:%d" % driver.free_port()
    extra = ["--uvloop"] if use_uvloop else []
    deadline = time.monotonic() + timeout
    with driver.Workers() as workers:
        receiver = workers.start(side, "aio-receiver", os.path.abspath(__file__),
                                 ["receive", "--url", url, "--count", str(count), "--credit", str(credit)] + extra)
        receiver.wait_ready(deadline)
        sender = workers.start(side, "aio-sender", os.path.abspath(__file__),
                               ["send", "--url", url, "--count", str(count)] + extra
                               + (["--gather"] if gather else []))
        received = receiver.result(deadline)
        sent = sender.result(deadline)
    if received["messages"] != count or sent["messages"] != count:
        raise driver.BenchError("A1: %r received, %r accepted of %d" % (received["messages"], sent["messages"], count))
    return driver.join_transfer(sent, received)


def main(argv: List[str]) -> int:
    from cyproton.bench import driver
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--credit", type=int, default=1000)
    parser.add_argument("--no-uvloop", action="store_true", help="leave out the uvloop row")
    parser.add_argument("--ref-python", default=os.path.join(os.path.dirname(BENCH_DIR), ".venv-ref", "bin", "python"))
    args = parser.parse_args(argv)
    ours = driver.Side("ours", sys.executable, env=dict(os.environ, PYTHONPATH=SRC_DIR) if DEV_BUILD else None)
    ref = driver.Side("ref", args.ref_python, isolated=True) if os.path.exists(args.ref_python) else None
    timeout = 60.0 + args.messages / 2000.0
    try:
        import uvloop  # noqa: F401
        with_uvloop = not args.no_uvloop
    except ImportError:
        with_uvloop = False
    samples: Dict[str, List[Dict[str, Any]]] = {"A1 aio": [], "A1 aio gather": [], "A1 aio uvloop": [],
                                                "S1 cyproton": [], "S1 qpid-proton": []}
    for _ in range(args.rounds):
        samples["A1 aio"].append(run_a1(ours, args.messages, args.credit, False, timeout))
        samples["A1 aio gather"].append(run_a1(ours, args.messages, args.credit, False, timeout, gather=True))
        if with_uvloop:
            samples["A1 aio uvloop"].append(run_a1(ours, args.messages, args.credit, True, timeout))
        samples["S1 cyproton"].append(driver.run_peer_to_peer(ours, args.messages, prefetch=args.credit,
                                                              timeout=timeout))
        if ref is not None:
            samples["S1 qpid-proton"].append(driver.run_peer_to_peer(ref, args.messages, prefetch=args.credit,
                                                                     timeout=timeout))
    rates = {name: driver.median([s["msg_per_s"] for s in rows]) for name, rows in samples.items() if rows}
    cpu = {name: (driver.median([s["sender_cpu_us"] for s in rows]),
                  driver.median([s["receiver_cpu_us"] for s in rows]))
           for name, rows in samples.items() if rows}
    print("%d x 100-char str, credit %d, at-least-once, %d round(s)" % (args.messages, args.credit, args.rounds))
    print("%-16s %12s %14s %14s" % ("", "msg/s", "CPU us/msg snd", "CPU us/msg rcv"))
    for name, rate in rates.items():
        snd, rcv = cpu[name]
        print("%-16s %12.0f %14.1f %14.1f" % (name, rate or 0, snd or 0, rcv or 0))
    ref_rate = rates.get("S1 qpid-proton")
    if ref_rate:
        for name in ("A1 aio", "A1 aio gather", "A1 aio uvloop", "S1 cyproton"):
            if name in rates:
                print("%s / S1 qpid-proton: %.2fx" % (name, (rates[name] or 0) / ref_rate))
    s1_rate, (s1_snd, s1_rcv) = rates["S1 cyproton"], cpu["S1 cyproton"]
    for name in ("A1 aio", "A1 aio gather", "A1 aio uvloop"):
        if name in rates and s1_rate and s1_snd and s1_rcv:
            snd, rcv = cpu[name]
            print("%s against S1 cyproton: %.0f%% of its msg/s (target 50%%), CPU per message %.2fx sender, "
                  "%.2fx receiver (target 2x)" % (name, 100.0 * (rates[name] or 0) / s1_rate,
                                                  (snd or 0) / s1_snd, (rcv or 0) / s1_rcv))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("receive", "send"):
        worker(sys.argv[1:])
    else:
        sys.exit(main(sys.argv[1:]))
