# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Several containers in several threads at once, each moving messages with described and
compound bodies to its own listener, every message checked byte for byte.

Running containers on threads is a supported python-qpid-proton pattern. The codec and the
per-delivery machinery reuse buffers and objects from one message to the next (see
cython/pools.pyx); decoding a described body runs Python code (``Described.__init__``, a UUID key's
``__hash__``) and the interpreter may switch threads at any such point, so a buffer shared between
threads without a guard would be overwritten under another thread's decoder. The switch interval
is made tiny here so that switches happen inside decoding and encoding, and the message sizes
vary from a few bytes to more than 100 KB so that shared buffers would also have to grow (move)
while another thread still reads them.

Public API only: the test also runs against python-qpid-proton.
"""

import random
import sys
import threading
import uuid

import pytest

from support import free_port, url_for
from proton import (
    UNDESCRIBED, Array, Data, Described, Message, char, decimal128, float32, int32, symbol, timestamp, ubyte, uint,
    ulong,
)
from proton.handlers import MessagingHandler
from proton.reactor import Container

THREADS = 4
MESSAGES = 150


def body_for(thread, seq, rng):
    """A described body, different in content and size for every message."""
    blob = bytes(rng.getrandbits(8) for _ in range(rng.choice((0, 7, 300, 5000))))
    if seq % 25 == 3:
        blob = blob * 30          # now and then a big one (the receive buffer has to grow)
    inner = [
        Described(ulong(seq), {symbol("t"): thread, "uuid-%d" % seq: uuid.UUID(int=rng.getrandbits(128))}),
        Array(UNDESCRIBED, Data.INT, *[int32(rng.randrange(-2**31, 2**31)) for _ in range(rng.randrange(6))]),
        Array(symbol("com.example:pair"), Data.LIST, [thread, seq], ["x" * rng.randrange(50)]),
        {uuid.UUID(int=seq): Described(symbol("k"), [char("é"), timestamp(seq), ubyte(seq % 256)])},
        [float32(0.5), decimal128(bytes(range(16))), uint(seq), "ü" * rng.randrange(40), blob],
    ]
    return Described(symbol("com.example:record:%d" % thread), inner)


def message_for(thread, seq, rng):
    return Message(
        body=body_for(thread, seq, rng), id=seq, subject="t%d" % thread, durable=bool(seq % 2),
        properties={"thread": thread, "seq": seq, "pad": "p" * rng.randrange(100)},
        annotations={symbol("x-opt-seq"): seq, symbol("x-opt-d"): Described(symbol("a"), [seq])},
    )


class Peer(MessagingHandler):
    """Sends ``expected`` to its own listener and checks what arrives, byte for byte."""

    def __init__(self, port, expected):
        super().__init__()
        self.url = url_for("127.0.0.1", port, path="examples")
        self.expected = expected
        self.sent = 0
        self.received = []
        self.mismatches = []
        self.acceptor = None

    def on_start(self, event):
        self.acceptor = event.container.listen(self.url)
        event.container.create_sender(self.url)

    def on_sendable(self, event):
        while event.sender.credit and self.sent < len(self.expected):
            event.sender.send(self.expected[self.sent][0])
            self.sent += 1

    def on_message(self, event):
        seq = len(self.received)
        encoded = event.message.encode()
        want = self.expected[seq][1]
        if bytes(encoded) != want:
            self.mismatches.append(seq)
        self.received.append(seq)
        if len(self.received) == len(self.expected):
            event.connection.close()
            self.acceptor.close()

    def on_accepted(self, event):
        pass


@pytest.mark.timeout(120)
def test_containers_in_threads_move_described_bodies_byte_for_byte():
    rngs = [random.Random(1000 + i) for i in range(THREADS)]
    plans = []
    for t in range(THREADS):
        plan = []
        for seq in range(MESSAGES):
            msg = message_for(t, seq, rngs[t])
            plan.append((msg, bytes(msg.encode())))
        plans.append(plan)
    peers = [Peer(free_port(), plans[t]) for t in range(THREADS)]
    errors = []

    def run(peer):
        try:
            Container(peer).run()
        except BaseException as exc:      # reported below, with the thread's peer
            errors.append((peer.url, repr(exc)))

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)          # switch threads as often as the interpreter allows
    try:
        threads = [threading.Thread(target=run, args=(peer,), name="container-%d" % i)
                   for i, peer in enumerate(peers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(100)
    finally:
        sys.setswitchinterval(old_interval)
    assert not [t.name for t in threads if t.is_alive()], "container threads did not finish"
    assert errors == []
    for t, peer in enumerate(peers):
        assert peer.received == list(range(MESSAGES)), "thread %d lost or reordered messages" % t
        assert peer.mismatches == [], "thread %d: messages not byte for byte as sent: %s" % (t, peer.mismatches)
