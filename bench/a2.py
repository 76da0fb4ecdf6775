# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A2: publishing to RabbitMQ from asyncio, cyproton.aio (AMQP 1.0, at-least-once) against aio-pika
(AMQP 0-9-1, publisher confirms), to the same RabbitMQ in the same run.

    python bench/a2.py [--messages 20000] [--window 1000] [--rounds 3]

Starts RabbitMQ 3.10 on free loopback ports (tests/peers/start_rabbitmq.sh; skipped, exit 0, when it
is not installed), then runs each client in a process of its own: it connects, opens its link (a
/queue/ address, which declares a durable queue) or its confirming channel (and declares a durable
queue), then publishes --messages 100-character str bodies, --window at a time, each batch awaited
until every message in it is confirmed. The figure is the client's CPU per message (user + system
time of its process over the publishing only): the broker is the same for both and bounds msg/s.
Each figure is the median of the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
PEERS = os.path.join(REPO, "tests", "peers")
BODY = "x" * 100


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _publish_cyproton(port: int, count: int, window: int, queue: str) -> Dict[str, Any]:
    from proton import Message

    from cyproton import aio
    conn = await aio.connect("amqp://alice:alice-secret@127.0.0.1:%d" % port, allowed_mechs="PLAIN",
                             allow_insecure_mechs=True)
    sender = await conn.open_sender("/queue/" + queue)
    started, cpu = time.monotonic(), time.process_time()
    for first in range(0, count, window):
        await asyncio.gather(*[sender.send_nowait(Message(body=BODY)) for _ in range(min(window, count - first))])
    figures = {"seconds": time.monotonic() - started, "cpu_seconds": time.process_time() - cpu}
    await conn.close()
    return figures


async def _publish_pika(port: int, count: int, window: int, queue: str) -> Dict[str, Any]:
    import aio_pika
    conn = await aio_pika.connect("amqp://alice:alice-secret@127.0.0.1:%d/" % port)
    channel = await conn.channel(publisher_confirms=True)
    await channel.declare_queue(queue, durable=True)
    exchange = channel.default_exchange
    body = BODY.encode()
    started, cpu = time.monotonic(), time.process_time()
    for first in range(0, count, window):
        await asyncio.gather(*[exchange.publish(aio_pika.Message(body=body), routing_key=queue)
                               for _ in range(min(window, count - first))])
    figures = {"seconds": time.monotonic() - started, "cpu_seconds": time.process_time() - cpu}
    await conn.close()
    return figures


CLIENTS = {"cyproton.aio": _publish_cyproton, "aio-pika": _publish_pika}


def worker(impl: str, port: int, count: int, window: int, queue: str) -> None:
    figures = asyncio.run(CLIENTS[impl](port, count, window, queue))
    figures.update(impl=impl, messages=count)
    print(json.dumps(figures), flush=True)


def run_client(impl: str, port: int, count: int, window: int, queue: str) -> Dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--worker", impl, "--port", str(port), "--messages",
                           str(count), "--window", str(window), "--queue", queue],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (impl, done.stderr[-2000:]))
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--window", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--queue", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.port, args.messages, args.window, args.queue)
        return 0
    try:
        import aio_pika  # noqa: F401
    except ImportError:
        print("A2 skipped: aio-pika is not installed (make bench installs it)")
        return 0
    directory = tempfile.mkdtemp(prefix="cyproton-a2-")
    port = _free_port()
    env = dict(os.environ, RABBITMQ_PORT=str(port), RABBITMQ_TLS_PORT=str(_free_port()),
               RABBITMQ_DIST_PORT=str(_free_port()), RABBITMQ_EPMD_PORT=str(_free_port()), RABBITMQ_IPV6="0")
    env.pop("CERTS_DIR", None)
    started = subprocess.run([os.path.join(PEERS, "start_rabbitmq.sh"), directory], env=env, capture_output=True,
                             text=True, timeout=180)
    if started.returncode == 77:
        print("A2 skipped: %s" % (started.stderr.strip() or started.stdout.strip()))
        return 0
    if started.returncode != 0:
        print("A2: RabbitMQ did not start:\n%s" % started.stderr[-2000:])
        return 1
    try:
        results: Dict[str, List[Dict[str, Any]]] = {impl: [] for impl in CLIENTS}
        for round_no in range(args.rounds):
            for impl in CLIENTS:
                queue = "a2-%s-%d" % (impl.replace(".", "-"), round_no)
                results[impl].append(run_client(impl, port, args.messages, args.window, queue))
    finally:
        subprocess.run([os.path.join(PEERS, "stop_rabbitmq.sh"), directory], capture_output=True,
                       env=dict(os.environ, RABBITMQ_STOP_FAST="1"))
        shutil.rmtree(directory, ignore_errors=True)
    print("A2: %d x 100-char str to RabbitMQ 3.10, %d awaited at a time, %d round(s)" % (
        args.messages, args.window, args.rounds))
    print("%-14s %12s %18s" % ("", "msg/s", "client CPU us/msg"))
    cpu: Dict[str, float] = {}
    for impl, runs in results.items():
        rate = statistics.median(r["messages"] / r["seconds"] for r in runs)
        cpu[impl] = statistics.median(r["cpu_seconds"] / r["messages"] * 1e6 for r in runs)
        print("%-14s %12.0f %18.1f" % (impl, rate, cpu[impl]))
    print("aio-pika CPU per message / cyproton.aio: %.2fx" % (cpu["aio-pika"] / cpu["cyproton.aio"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
