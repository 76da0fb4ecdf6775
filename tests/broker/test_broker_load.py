# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Load: 10 sender processes and 10 receiver processes move 100,000 messages through one queue of
the in-process broker; every message must arrive exactly once.

The clients are separate processes so that they do not share the broker's GIL. Receivers stop
on a ``STOP`` marker: the markers are queued only after every sender has had all its messages
accepted, so (the queue being FIFO) a receiver that takes a marker has already been handed all
the data it will get. A receiver that leaves with markers still buffered has them returned to the
queue for the others.
"""

from __future__ import annotations

import os
import subprocess
import time
from typing import Any, List

import pytest

from proton import Message
from proton.utils import BlockingConnection

SENDERS = 10
RECEIVERS = 10
TOTAL = 100_000
PER_SENDER = TOTAL // SENDERS

SENDER_CODE = r'''
import sys
from proton import Message
from proton.handlers import MessagingHandler
from proton.reactor import Container

url, address, me, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


class Pusher(MessagingHandler):
    def __init__(self):
        super().__init__()
        self.next = 0
        self.accepted = 0

    def on_start(self, event):
        event.container.create_sender(event.container.connect(url), address)

    def on_sendable(self, event):
        sender = event.sender
        while sender.credit > 0 and self.next < count:
            sender.send(Message(body=f"{me}:{self.next}"))
            self.next += 1

    def on_accepted(self, event):
        self.accepted += 1
        if self.accepted == count:
            event.connection.close()

    def on_rejected(self, event):
        sys.exit("a message was rejected")


pusher = Pusher()
Container(pusher).run()
print(pusher.accepted)
'''

RECEIVER_CODE = r'''
import sys
from proton.handlers import MessagingHandler
from proton.reactor import Container

url, address, out_path = sys.argv[1], sys.argv[2], sys.argv[3]


class Taker(MessagingHandler):
    def __init__(self):
        super().__init__(prefetch=200, auto_accept=False)
        self.bodies = []
        self.done = False

    def on_start(self, event):
        event.container.create_receiver(event.container.connect(url), address)

    def on_message(self, event):
        if self.done:                 # a second marker, already buffered: give it back
            self.release(event.delivery, delivered=False)
            return
        self.accept(event.delivery)
        body = event.message.body
        if body == "STOP":
            self.done = True
            event.connection.close()
        else:
            self.bodies.append(body)


taker = Taker()
Container(taker).run()
with open(out_path, "w") as out:
    out.write("\n".join(taker.bodies))
print(len(taker.bodies))
'''


def _spawn(tools: Any, code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([tools.ours_python, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=tools.ours_env())


def _finish(process: subprocess.Popen, timeout: float, what: str) -> str:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"{what} did not finish in {timeout}s: {err[-2000:]}")
    assert process.returncode == 0, f"{what} failed: {err[-2000:]}"
    return out


@pytest.mark.slow
def test_ten_senders_ten_receivers_hundred_thousand_messages(broker: Any, tools: Any, tmp_path: Any) -> None:
    address = tools.unique("load")
    began = time.monotonic()
    outputs = [str(tmp_path / f"received-{n}.txt") for n in range(RECEIVERS)]
    receivers = [_spawn(tools, RECEIVER_CODE, broker.url, address, path) for path in outputs]
    senders: List[subprocess.Popen] = []
    try:
        tools.wait_for(lambda: broker.call(lambda h: address in h.queues and
                                           len(h.queues[address].consumers) == RECEIVERS),
                       timeout=30, what="every receiver to attach")
        senders = [_spawn(tools, SENDER_CODE, broker.url, address, f"s{n}", str(PER_SENDER))
                   for n in range(SENDERS)]
        for number, sender in enumerate(senders):
            assert _finish(sender, 120, f"sender {number}").strip() == str(PER_SENDER)
        stopper = BlockingConnection(broker.url)
        try:
            link = stopper.create_sender(address)
            for _ in range(RECEIVERS):
                link.send(Message(body="STOP"))
        finally:
            stopper.close()
        counts = [int(_finish(receiver, 60, f"receiver {n}").strip()) for n, receiver in enumerate(receivers)]
    finally:
        for process in receivers + senders:
            if process.poll() is None:
                process.kill()
                process.wait()
    seen: List[str] = []
    for path in outputs:
        with open(path) as received:
            text = received.read()
        seen.extend(text.split("\n") if text else [])
    expected = {f"s{s}:{n}" for s in range(SENDERS) for n in range(PER_SENDER)}
    assert len(seen) == TOTAL, f"{len(seen)} deliveries for {TOTAL} messages"
    assert set(seen) == expected                     # every message, and (by the count) each once
    assert sum(counts) == TOTAL
    assert sum(1 for c in counts if c > 0) > 1       # the work was shared
    stats = broker.stats()
    assert stats["queues"][address] == 0 and stats["unacked"] == 0
    # Each sender's messages keep their order on every receiver (FIFO per producer).
    for path in outputs:
        with open(path) as received:
            text = received.read()
        last = {}
        for body in (text.split("\n") if text else []):
            who, number = body.split(":")
            assert int(number) > last.get(who, -1)
            last[who] = int(number)
    elapsed = time.monotonic() - began
    print(f"\n{TOTAL} messages, {SENDERS} senders, {RECEIVERS} receivers: {elapsed:.1f}s "
          f"({TOTAL / elapsed:,.0f} msg/s end to end), per receiver {sorted(counts)}")
    assert os.path.exists(outputs[0])
