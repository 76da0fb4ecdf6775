# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The transport fuzzer: mutated AMQP conversations replayed against real servers over sockets.

The seeds are real conversations: what cyproton clients sent to a ``Container.listen`` server
and to the embedded broker (SASL ANONYMOUS or none; open, begin, attach, flow, transfer (one of
them over many frames), disposition, detach, end, close), recorded by :func:`capture` through a
relay and kept in ``corpus.json``, so input *n* of seed *s* is the same bytes on every machine
until the corpus is captured again. A few conversations no client would have are added by hand
(a SASL exchange with a response, a transaction coordinator).

:func:`make_input` turns ``(seed, n)`` into one hostile connection: a seed conversation cut into
headers and frames, then one to three mutations (bit flips, interesting bytes, truncation, huge
or tiny frame sizes, data offsets, frame types and channels, fields replaced, dropped, repeated
or reordered, other performatives, repeated opens/attaches/transfers, frames after detach, end
and close, garbage after a header, frames spliced in from another conversation, message
payloads flipped), sent in one burst, frame by frame (waiting a moment for the server's answer)
or in random pieces, and ended by a half-close, an abort (RST) or a plain close.

:class:`Campaign` runs inputs against a server process (``server_prog.py``) and after every
input checks that the process is alive, accepts a new connection and still serves a real
client (a message sent and one received on a connection kept open for the whole run, and every
100 inputs a new client from scratch), and that its memory has not grown by more than 256 MB.

Run by tests/reliability/test_transport_fuzz.py (bounded) and by ``make fuzz-transport``::

    python tests/reliability/transport_fuzz.py [--target container|broker|both] [--seed N]
        [--inputs N] [--duration SECONDS] [--recapture] [--out DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import random
import select
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import Counter, deque
from pathlib import Path
from typing import Any, Callable, Deque, Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import amqp_wire as w  # noqa: E402

CORPUS = HERE / "corpus.json"
#: A server that grows by more than this over a campaign (resident memory) is a finding.
MEMORY_LIMIT_KB = 256 * 1024
SERVER_PROG = HERE / "server_prog.py"


def readable(sockets: Sequence[socket.socket], timeout: float) -> List[socket.socket]:
    """Those of ``sockets`` with something to read (or closed), waiting up to ``timeout`` seconds.
    (poll, not select: a long run may hold descriptors above FD_SETSIZE.)"""
    poller = select.poll()
    by_fd = {}
    for sock in sockets:
        poller.register(sock, select.POLLIN)
        by_fd[sock.fileno()] = sock
    return [by_fd[fd] for fd, _ in poller.poll(max(0.0, timeout) * 1000)]


# -- servers ------------------------------------------------------------------------------------------

def server_env() -> Dict[str, str]:
    """The environment for a server process: the ``proton`` this process imported comes first."""
    import proton
    env = dict(os.environ)
    root = str(Path(proton.__file__).resolve().parent.parent)
    rest = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != root]
    env["PYTHONPATH"] = os.pathsep.join([root, *rest])
    return env


class Server:
    """``server_prog.py KIND ARGS`` as a child process; its stdout lines are kept (the last 2,000)."""

    def __init__(self, kind: str, args: Sequence[str] = (), python: Optional[str] = None,
                 env: Optional[Dict[str, str]] = None) -> None:
        self.kind = kind
        self.args = list(args)
        self.python = python or sys.executable
        self.env = env if env is not None else server_env()
        self.lines: Deque[str] = deque(maxlen=2000)
        self.proc: Optional[subprocess.Popen[str]] = None
        self.port = 0

    def start(self) -> "Server":
        self.proc = subprocess.Popen([self.python, str(SERVER_PROG), self.kind, *self.args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=self.env, errors="replace")
        first = self.proc.stdout.readline()  # type: ignore[union-attr]
        if not first.startswith("PORT "):
            self.proc.kill()
            raise RuntimeError(f"server did not start: {first!r} {self.proc.stderr.read()!r}")  # type: ignore
        self.port = int(first.split()[1])
        self.stderr: Deque[str] = deque(maxlen=200)
        for stream, sink in ((self.proc.stdout, self.lines), (self.proc.stderr, self.stderr)):
            threading.Thread(target=self._drain, args=(stream, sink), daemon=True).start()
        return self

    @staticmethod
    def _drain(stream: Any, sink: Deque[str]) -> None:
        for line in stream:
            sink.append(line.rstrip("\n"))

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def rss_kb(self) -> int:
        """The server's resident memory in KB (0 when unknown)."""
        try:
            with open(f"/proc/{self.proc.pid}/status") as status:  # type: ignore[union-attr]
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except (OSError, AttributeError):
            pass
        return 0

    @property
    def returncode(self) -> Optional[int]:
        return None if self.proc is None else self.proc.poll()

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()  # type: ignore[union-attr]
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# -- the real client that must keep being served -----------------------------------------------------

class Witness:
    """A real client (cyproton's BlockingConnection) on its own connection for the whole run:
    :meth:`check` sends one message and receives one."""

    def __init__(self, port: int, kind: str, timeout: float = 10.0) -> None:
        from proton.utils import BlockingConnection
        self.kind = kind
        self.timeout = timeout
        self.count = 0
        self.url = f"amqp://127.0.0.1:{port}"
        self.connection = BlockingConnection(self.url, timeout=timeout, container_id="fuzz-witness")
        address = "fuzz-witness"
        self.sender = self.connection.create_sender(address, name="witness-sender")
        # credit 1: the client takes one message per check, so nothing piles up on either side
        self.receiver = self.connection.create_receiver(address, name="witness-receiver", credit=1)

    def check(self) -> None:
        from proton import Message
        self.count += 1
        self.sender.send(Message(body=self.count), timeout=self.timeout)
        got = self.receiver.receive(timeout=self.timeout)
        self.receiver.accept()
        expected = "hello" if self.kind == "container" else self.count
        if got.body != expected:
            raise AssertionError(f"the witness got {got.body!r}, expected {expected!r}")

    def close(self) -> None:
        try:
            self.connection.close()
        except Exception:
            pass


def fresh_client(port: int, kind: str, timeout: float = 10.0) -> None:
    """A new real client from scratch: connect, send, receive, close."""
    from proton import Message
    from proton.utils import BlockingConnection
    connection = BlockingConnection(f"amqp://127.0.0.1:{port}", timeout=timeout)
    try:
        address = "fuzz-fresh"
        connection.create_sender(address).send(Message(body="fresh"), timeout=timeout)
        receiver = connection.create_receiver(address, credit=1)
        got = receiver.receive(timeout=timeout)
        receiver.accept()
        if got.body != ("hello" if kind == "container" else "fresh"):
            raise AssertionError(f"a new client got {got.body!r}")
    finally:
        connection.close()


def accepts(port: int, timeout: float = 5.0) -> bool:
    """The listener accepts a new connection and answers an AMQP header with its own."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(w.AMQP_HEADER)
            got = b""
            deadline = time.monotonic() + timeout
            while len(got) < 8 and time.monotonic() < deadline:
                chunk = sock.recv(8 - len(got))
                if not chunk:
                    break
                got += chunk
            return got == w.AMQP_HEADER
    except OSError:
        return False


# -- capturing real conversations -----------------------------------------------------------------------

class Recorder:
    """A relay on a free port in front of ``port`` that records what each client sent."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self.sessions: List[bytes] = []
        self.stopped = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            sent = bytearray()
            ends = [client, upstream]
            while ends:
                for sock in readable(ends, 1.0):
                    other = upstream if sock is client else client
                    try:
                        data = sock.recv(65536)
                    except OSError:
                        data = b""
                    if not data:                 # pass the half-close on, keep the other direction
                        ends.remove(sock)
                        try:
                            other.shutdown(socket.SHUT_WR)
                        except OSError:
                            pass
                        continue
                    if sock is client:
                        sent += data
                    try:
                        other.sendall(data)
                    except OSError:
                        ends = []
                        break
            client.close()
            upstream.close()
            self.sessions.append(bytes(sent))

    def close(self) -> None:
        self.stopped = True
        self.listener.close()


def _scripted_clients(url: str, kind: str) -> List[Tuple[str, Callable[[], None]]]:
    from proton import Message, symbol
    from proton.utils import BlockingConnection

    def send() -> None:
        c = BlockingConnection(url, timeout=10, container_id="fuzz-capture-send")
        s = c.create_sender("fuzz-queue", name="fuzz-sender")
        s.send(Message(body={"k": [1, 2.5, "s", None, True]}, subject="subject", properties={"p": 7},
                       annotations={symbol("x-opt-a"): "v"}, durable=True, ttl=60, id="id-1"))
        s.send(Message(body=b"\x00\x01\x02" * 20, correlation_id=12345, content_type="application/octet-stream"))
        s.send(Message(body="third"))
        s.close()
        c.close()

    def receive() -> None:
        c = BlockingConnection(url, timeout=10, container_id="fuzz-capture-receive")
        r = c.create_receiver("fuzz-queue", name="fuzz-receiver", credit=3)
        r.receive(timeout=10)
        r.accept()
        r.receive(timeout=10)
        r.release()
        r.close()
        c.close()

    def plain_big() -> None:
        c = BlockingConnection(url, timeout=10, container_id="fuzz-capture-big", sasl_enabled=False)
        s = c.create_sender("fuzz-big", name="fuzz-big-sender")
        s.send(Message(body="x" * 2000))
        c.close()

    return [("send", send), ("receive", receive), ("plain-big", plain_big)]


def capture(kind: str) -> Dict[str, List[str]]:
    """Record the scripted clients' bytes against a fresh server of ``kind``; hex per unit."""
    out: Dict[str, List[str]] = {}
    with Server(kind) as server:
        recorder = Recorder(server.port)
        try:
            for name, script in _scripted_clients(f"amqp://127.0.0.1:{recorder.port}", kind):
                before = len(recorder.sessions)
                script()
                deadline = time.monotonic() + 10
                while len(recorder.sessions) == before and time.monotonic() < deadline:
                    time.sleep(0.01)
                out[name] = [u.data.hex() for u in w.split_stream(recorder.sessions[-1])]
        finally:
            recorder.close()
    return out


def synthetic_sessions() -> Dict[str, List[bytes]]:
    """Conversations no scripted client produces: a SASL exchange with a response, a coordinator."""
    attach_q = w.frame(w.performative(w.ATTACH, "syn-link", w.UInt(0), False, None, None,
                                      w.Described(w.SOURCE, [None]), w.Described(w.TARGET, ["syn-q"]),
                                      None, None, w.UInt(0)))
    coordinator = w.frame(w.performative(w.ATTACH, "syn-txn", w.UInt(1), False, None, None,
                                         w.Described(w.SOURCE, [None]),
                                         w.Described(0x30, [w.SymArray((b"amqp:local-transactions",))])))
    open_ = w.frame(w.performative(w.OPEN, "syn-container", "127.0.0.1"))
    begin = w.frame(w.performative(w.BEGIN, None, w.UInt(0), w.UInt(2048), w.UInt(2048)))
    declare = w.frame(w.performative(w.TRANSFER, w.UInt(1), w.UInt(0), b"d0", w.UInt(0), False),
                      payload=b"\x00\x53\x77" + w.enc(w.Described(0x31, [None])))
    message = b"\x00\x53\x70" + w.enc([True]) + b"\x00\x53\x77" + w.enc("syn-body")
    transfer = w.frame(w.performative(w.TRANSFER, w.UInt(0), w.UInt(1), b"t1", w.UInt(0), False), payload=message)
    flow = w.frame(w.performative(w.FLOW, w.UInt(0), w.UInt(2048), w.UInt(2), w.UInt(2048), w.UInt(0),
                                  w.UInt(0), w.UInt(10)))
    disposition = w.frame(w.performative(w.DISPOSITION, False, w.UInt(0), w.UInt(1), True,
                                         w.Described(w.ACCEPTED, [])))
    detach = w.frame(w.performative(w.DETACH, w.UInt(0), True))
    end = w.frame(w.performative(w.END))
    close = w.frame(w.performative(w.CLOSE))
    sasl_init = w.sasl_frame(w.performative(w.SASL_INIT, w.Sym(b"SCRAM-SHA-256"), b"n,,n=fuzz,r=0123456789abcdef",
                                            "127.0.0.1"))
    sasl_response = w.sasl_frame(w.performative(w.SASL_RESPONSE, b"c=biws,r=0123456789abcdef0000,p=AAAA"))
    big = b"\x00\x53\x75" + w.enc(b"m" * 1500)
    pieces = [big[k:k + 400] for k in range(0, len(big), 400)]
    multiframe = [w.frame(w.performative(w.TRANSFER, w.UInt(0), w.UInt(0) if k == 0 else None,
                                         b"mf" if k == 0 else None, w.UInt(0) if k == 0 else None, False,
                                         k < len(pieces) - 1), payload=piece)
                  for k, piece in enumerate(pieces)]
    return {
        "syn-multiframe": [w.AMQP_HEADER, open_, begin, attach_q, *multiframe, disposition, detach, end, close],
        "syn-sasl-scram": [w.SASL_HEADER, sasl_init, sasl_response, w.AMQP_HEADER, open_, close],
        "syn-coordinator": [w.AMQP_HEADER, open_, begin, attach_q, coordinator, flow, declare, transfer,
                            disposition, detach, end, close],
    }


def load_corpus(path: Path = CORPUS) -> Dict[str, Dict[str, List[bytes]]]:
    """``{target kind: {session name: [unit bytes]}}``: the recorded sessions plus the synthetic ones."""
    raw = json.loads(path.read_text())
    corpus: Dict[str, Dict[str, List[bytes]]] = {}
    for kind, sessions in raw["sessions"].items():
        corpus[kind] = {name: [bytes.fromhex(u) for u in units] for name, units in sessions.items()}
        corpus[kind].update(synthetic_sessions())
    return corpus


def corpus_digest(corpus: Dict[str, Dict[str, List[bytes]]]) -> str:
    digest = hashlib.sha256()
    for kind in sorted(corpus):
        for name in sorted(corpus[kind]):
            digest.update(kind.encode() + name.encode() + b"".join(corpus[kind][name]))
    return digest.hexdigest()[:16]


# -- mutations --------------------------------------------------------------------------------------------

def _deep_list(depth: int) -> bytes:
    value = b"\x45"
    for _ in range(depth):
        value = w.enc_list([value])
    return value


INTERESTING_VALUES = [
    b"\x40", b"\x45", b"\x41", b"\x42", b"\x43", b"\x44",
    w.enc(w.UInt(0xFFFFFFFF)), w.enc(w.ULong(0xFFFFFFFFFFFFFFFF)), w.enc(w.UShort(0xFFFF)), w.enc(w.UByte(0xFF)),
    w.enc(-1), b"\x81" + b"\x80" + b"\x00" * 7, b"\x83" + b"\xff" * 8, b"\x98" + b"\x00" * 16,
    w.enc(w.Str(b"\xff\xfe\xfd")), w.enc(w.Str(b"a\x00b")), w.enc(w.Str(b"")), w.enc(w.Str(b"\xc3")),
    w.enc(w.Sym(b"")), w.enc(w.Sym(b"\xff\x80")), w.enc(w.Sym(b"amqp:" + b"x" * 300)),
    w.enc(b""), w.enc(b"b" * 300), w.enc("s" * 2000),
    b"\xa1\xff", b"\xb1\xff\xff\xff\xff", b"\xa0\x10", b"\xb3\x7f\xff\xff\xff",   # sizes that lie
    b"\xc0\xff\xff", b"\xd0\xff\xff\xff\xff\x00\x00\x00\x01", b"\xc1\x02\x01\x40", b"\xc1\x01\x03",
    b"\xe0\x03\xff\xa3", b"\xf0\x00\x00\x00\x05\xff\xff\xff\xff\x40", b"\xe0\x02\x01\x00",
    b"\x00\x00", b"\x00\x53\x1d\x45", b"\x00\xa3\x03abc\x45", b"\x00\x00\x00\x00\x40",
    _deep_list(40), _deep_list(300), _deep_list(1100),
    w.enc(w.error(b"amqp:internal-error", b"\xff bad description")),
    w.enc(w.Described(w.ERROR, [w.Sym(b"amqp:x"), None, w.Map(((w.Sym(b"k"), w.Raw(_deep_list(1100))),))])),
    w.enc(w.Map(((w.Sym(b"\xff"), w.Str(b"\xfe")), (w.Sym(b"k"), [w.Map(())])))),
    w.enc(w.SymArray((b"\xff", b"ok", b""))),
    b"\x01", b"\x0f", b"\xff", b"\x99", b"\x57",
]

INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x40, 0x45, 0x53, 0x7F, 0x80, 0xA1, 0xB0, 0xC0, 0xD0, 0xE0, 0xF0, 0xFE, 0xFF]
INTERESTING_SIZES = [0, 1, 7, 8, 9, 12, 0x7F, 0x80, 0xFF, 0x100, 512, 32767, 32768, 32769, 65536,
                     0x7FFFFFFF, 0x80000000, 0xFFFFFFF8, 0xFFFFFFFF]
DESCRIPTORS = list(range(0x10, 0x19)) + list(range(0x40, 0x45)) + [0x00, 0x1D, 0x24, 0x25, 0x28, 0x29, 0x30,
                                                                     0x31, 0x70, 0x77, 0x19, 0x3F, 0x99]

Units = List[bytes]


def _frames(units: Units) -> List[int]:
    return [i for i, u in enumerate(units) if len(u) >= 8 and u[:4] != b"AMQP"]


def _pick_frame(rng: random.Random, units: Units, prefer: Optional[Sequence[int]] = None) -> Optional[int]:
    frames = _frames(units)
    if not frames:
        return None
    if prefer:
        chosen = [i for i in frames if _code(units[i]) in prefer]
        if chosen and rng.random() < 0.7:
            return rng.choice(chosen)
    return rng.choice(frames)


def _code(unit: bytes) -> int:
    if len(unit) < 8:
        return -1
    doff = unit[4]
    return w.descriptor_code(unit[doff * 4:]) if doff >= 2 else -1


def _fields_of(unit: bytes) -> Optional[Tuple[bytes, bytes, List[bytes], bytes]]:
    if len(unit) < 8 or unit[4] < 2 or unit[4] * 4 > len(unit):
        return None
    return w.frame_fields(w.Unit("frame", unit))


def m_bitflip(rng: random.Random, units: Units) -> str:
    i = _pick_frame(rng, units)
    if i is None:
        return "bitflip(none)"
    data = bytearray(units[i])
    flips = rng.randint(1, 4)
    for _ in range(flips):
        pos = rng.randrange(8, len(data)) if len(data) > 8 and rng.random() < 0.85 else rng.randrange(len(data))
        data[pos] ^= 1 << rng.randrange(8)
    units[i] = bytes(data)
    return f"bitflip(unit {i}, {flips})"


def m_bytes(rng: random.Random, units: Units) -> str:
    i = _pick_frame(rng, units)
    if i is None:
        return "bytes(none)"
    data = bytearray(units[i])
    count = rng.randint(1, 3)
    for _ in range(count):
        data[rng.randrange(8, len(data)) if len(data) > 8 else rng.randrange(len(data))] = rng.choice(INTERESTING_BYTES)
    units[i] = bytes(data)
    return f"bytes(unit {i}, {count})"


def m_truncate(rng: random.Random, units: Units) -> str:
    i = rng.randrange(len(units))
    cut = rng.randrange(len(units[i])) if units[i] else 0
    units[i] = units[i][:cut]
    del units[i + 1:]
    return f"truncate(unit {i} at {cut})"


def m_frame_size(rng: random.Random, units: Units) -> str:
    i = _pick_frame(rng, units)
    if i is None:
        return "size(none)"
    size = rng.choice(INTERESTING_SIZES + [len(units[i]) - 1, len(units[i]) + 1, rng.randrange(1 << 32)])
    units[i] = struct.pack(">I", size) + units[i][4:]
    return f"size(unit {i} = {size:#x})"


def m_doff(rng: random.Random, units: Units) -> str:
    i = _pick_frame(rng, units)
    if i is None:
        return "doff(none)"
    doff = rng.choice([0, 1, 3, 4, 0x7F, 0xFF])
    units[i] = units[i][:4] + bytes([doff]) + units[i][5:]
    return f"doff(unit {i} = {doff})"


def m_type_channel(rng: random.Random, units: Units) -> str:
    i = _pick_frame(rng, units)
    if i is None:
        return "type(none)"
    if rng.random() < 0.5:
        ftype = rng.choice([0, 1, 2, 0xFF])
        units[i] = units[i][:5] + bytes([ftype]) + units[i][6:]
        return f"type(unit {i} = {ftype})"
    channel = rng.choice([1, 2, 7, 0x7FFF, 0x8000, 0xFFFF, rng.randrange(1 << 16)])
    units[i] = units[i][:6] + struct.pack(">H", channel) + units[i][8:]
    return f"channel(unit {i} = {channel})"


def m_field(rng: random.Random, units: Units) -> str:
    i = _pick_frame(rng, units)
    parts = _fields_of(units[i]) if i is not None else None
    if parts is None:
        return m_bitflip(rng, units)
    head, desc, fields, payload = parts
    what = rng.randrange(7)
    if what == 0 and fields:
        k = rng.randrange(len(fields))
        fields[k] = rng.choice(INTERESTING_VALUES)
        note = f"field {k} := interesting"
    elif what == 1 and fields:
        k = rng.randrange(len(fields))
        fields[k] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 12)))
        note = f"field {k} := random"
    elif what == 2 and len(fields) > 1:
        rng.shuffle(fields)
        note = "fields shuffled"
    elif what == 3 and fields:
        del fields[rng.randrange(len(fields)):]
        note = f"fields cut to {len(fields)}"
    elif what == 4:
        fields.extend(rng.choice(INTERESTING_VALUES) for _ in range(rng.randint(1, 20)))
        note = f"fields extended to {len(fields)}"
    elif what == 5 and fields:
        k = rng.randrange(len(fields))
        fields.insert(k, fields[k])
        note = f"field {k} doubled"
    else:
        desc = b"\x00\x53" + bytes([rng.choice(DESCRIPTORS)])
        note = f"descriptor := {desc[2]:#x}"
    units[i] = w.rebuild(head, desc, fields, payload)
    return f"field(unit {i}: {note})"


def m_repeat(rng: random.Random, units: Units) -> str:
    i = _pick_frame(rng, units, prefer=[w.OPEN, w.BEGIN, w.ATTACH, w.TRANSFER, w.FLOW, w.DISPOSITION,
                                        w.SASL_INIT, w.SASL_RESPONSE])
    if i is None:
        return "repeat(none)"
    times = rng.choice([1, 1, 2, 5, 50])
    where = rng.randrange(i + 1, len(units) + 1)
    units[where:where] = [units[i]] * times
    return f"repeat(unit {i} x{times} at {where})"


def m_after_end(rng: random.Random, units: Units) -> str:
    """Frames after the detach, end or close that should have been the last of their kind."""
    enders = [k for k in _frames(units) if _code(units[k]) in (w.DETACH, w.END, w.CLOSE)]
    movers = [k for k in _frames(units) if _code(units[k]) in (w.TRANSFER, w.ATTACH, w.FLOW, w.DISPOSITION,
                                                               w.BEGIN, w.DETACH)]
    if not enders or not movers:
        return m_repeat(rng, units)
    e, m = rng.choice(enders), rng.choice(movers)
    units.insert(e + 1, units[m])
    return f"after_end(unit {m} after unit {e})"


def m_reorder(rng: random.Random, units: Units) -> str:
    if len(units) < 2:
        return "reorder(none)"
    a, b = rng.randrange(len(units)), rng.randrange(len(units))
    if rng.random() < 0.5:
        units[a], units[b] = units[b], units[a]
        return f"swap(units {a}, {b})"
    unit = units.pop(a)
    units.insert(b, unit)
    return f"move(unit {a} to {b})"


def m_drop(rng: random.Random, units: Units) -> str:
    i = rng.randrange(len(units))
    del units[i]
    return f"drop(unit {i})"


def m_garbage(rng: random.Random, units: Units) -> str:
    heads = [k for k, u in enumerate(units) if u[:4] == b"AMQP"] or [0]
    k = rng.choice(heads)
    length = rng.choice([1, 3, 8, 64, 512])
    garbage = bytes(rng.randrange(256) for _ in range(length))
    units.insert(k + 1, garbage)
    return f"garbage({length} bytes after unit {k})"


def m_header(rng: random.Random, units: Units) -> str:
    heads = [k for k, u in enumerate(units) if u[:4] == b"AMQP"]
    if not heads:
        return m_garbage(rng, units)
    k = rng.choice(heads)
    variants = [w.AMQP_HEADER, w.SASL_HEADER, b"AMQP\x02\x01\x00\x00", b"AMQP\x00\x01\x00\x01",
                b"AMQP\x03\x01\x00\x00" * 2, b"AMQP\x00\x00\x09\x01", b"AMQ", b"HTTP/1.1"]
    units[k] = rng.choice(variants)
    return f"header(unit {k})"


def m_payload(rng: random.Random, units: Units) -> str:
    transfers = [k for k in _frames(units) if _code(units[k]) == w.TRANSFER]
    if not transfers:
        return m_bitflip(rng, units)
    k = rng.choice(transfers)
    parts = _fields_of(units[k])
    if parts is None or not parts[3]:
        return m_bitflip(rng, units)
    head, desc, fields, payload = parts
    data = bytearray(payload)
    for _ in range(rng.randint(1, 6)):
        pos = rng.randrange(len(data))
        if rng.random() < 0.5:
            data[pos] ^= 1 << rng.randrange(8)
        else:
            data[pos] = rng.choice(INTERESTING_BYTES)
    if rng.random() < 0.2:
        data = data[:rng.randrange(len(data))]
    units[k] = w.rebuild(head, desc, fields, bytes(data))
    return f"payload(unit {k})"


MUTATIONS: List[Tuple[Callable[[random.Random, Units], str], int]] = [
    (m_bitflip, 14), (m_bytes, 8), (m_truncate, 6), (m_frame_size, 6), (m_doff, 3), (m_type_channel, 5),
    (m_field, 20), (m_repeat, 8), (m_after_end, 6), (m_reorder, 5), (m_drop, 5), (m_garbage, 3),
    (m_header, 2), (m_payload, 10),
]


@dataclasses.dataclass
class FuzzInput:
    """One hostile connection: the chunks to send, how to end, and how it was made."""
    seed: int
    index: int
    session: str
    ops: List[str]
    chunks: List[bytes]
    pause: float              # seconds to wait for the server's answer after each chunk (0: burst)
    end: str                  # "shutdown" (half-close), "abort" (RST) or "close"

    def describe(self) -> str:
        return (f"seed {self.seed} input {self.index}: session {self.session}, {'; '.join(self.ops)}, "
                f"{len(self.chunks)} chunks, pause {self.pause}, end {self.end}")

    def reproducer(self) -> Dict[str, Any]:
        return {"seed": self.seed, "index": self.index, "session": self.session, "ops": self.ops,
                "chunks": [c.hex() for c in self.chunks], "pause": self.pause, "end": self.end}


def make_input(seed: int, index: int, sessions: Dict[str, Units]) -> FuzzInput:
    """Input ``index`` of ``seed``: the same bytes for the same corpus, on every run."""
    rng = random.Random(seed * 1_000_003 + index)
    name = rng.choice(sorted(sessions))
    units = list(sessions[name])
    ops = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        if rng.random() < 0.05:
            other = sessions[rng.choice(sorted(sessions))]
            frames = _frames(list(other))
            if frames:
                unit = other[rng.choice(frames)]
                at = rng.randrange(len(units) + 1)
                units.insert(at, unit)
                ops.append(f"splice(at {at})")
                continue
        funcs, weights = zip(*MUTATIONS)
        op = rng.choices(funcs, weights)[0]
        if not units:
            units.append(w.AMQP_HEADER)
        ops.append(op(rng, units))
    units = [u for u in units if u]
    style = rng.random()
    if style < 0.45:                       # frame by frame, letting the server answer
        chunks, pause = units, 0.003
    elif style < 0.8:                      # one burst
        chunks, pause = [b"".join(units)], 0.0
    else:                                  # arbitrary pieces
        data = b"".join(units)
        chunks, pos = [], 0
        while pos < len(data):
            step = rng.choice([1, 2, 3, 7, 64, 500])
            chunks.append(data[pos:pos + step])
            pos += step
        pause = 0.0005
    end = rng.choices(["shutdown", "abort", "close"], [6, 2, 2])[0]
    return FuzzInput(seed, index, name, ops, chunks, pause, end)


# -- sending one input ------------------------------------------------------------------------------------

def replay(port: int, chunks: Sequence[bytes], pause: float = 0.0, end: str = "shutdown",
           linger: float = 1.0) -> bytes:
    """Send ``chunks`` on a new connection; returns what the server sent back."""
    got = bytearray()
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        for chunk in chunks:
            try:
                sock.sendall(chunk)
            except OSError:
                break
            if pause:
                if readable([sock], pause):
                    try:
                        data = sock.recv(65536)
                    except OSError:
                        break
                    if not data:
                        break
                    got += data
        if end == "abort":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return bytes(got)
        if end == "close":
            return bytes(got)
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            return bytes(got)
        deadline = time.monotonic() + linger
        while time.monotonic() < deadline:
            if not readable([sock], deadline - time.monotonic()):
                break
            try:
                data = sock.recv(65536)
            except OSError:
                break
            if not data:
                break
            got += data
        return bytes(got)
    finally:
        sock.close()


# -- a campaign ----------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Finding:
    input: FuzzInput
    problem: str
    server_output: List[str]

    def text(self) -> str:
        tail = "\n    ".join(self.server_output[-15:])
        return (f"{self.problem}\n  {self.input.describe()}\n  reproducer: {json.dumps(self.input.reproducer())}"
                f"\n  server output:\n    {tail}")


class Campaign:
    """Inputs of one seed against one server kind, with the liveness checks after each."""

    def __init__(self, kind: str, seed: int, corpus: Dict[str, Dict[str, List[bytes]]],
                 server_args: Sequence[str] = (), fresh_every: int = 100,
                 memory_limit_kb: int = MEMORY_LIMIT_KB) -> None:
        self.kind = kind
        self.memory_limit_kb = memory_limit_kb
        self.seed = seed
        self.sessions = corpus[kind]
        self.server_args = list(server_args)
        self.fresh_every = fresh_every
        self.inputs = 0
        self.ops: Counter[str] = Counter()
        self.findings: List[Finding] = []
        self.server: Optional[Server] = None
        self.witness: Optional[Witness] = None

    def _start(self) -> None:
        self.server = Server(self.kind, self.server_args).start()
        self.witness = Witness(self.server.port, self.kind)
        self.witness.check()
        self.baseline_kb = self.server.rss_kb()

    def _stop(self) -> None:
        if self.witness is not None:
            self.witness.close()
            self.witness = None
        if self.server is not None:
            self.server.stop()
            self.server = None

    def check(self, item: FuzzInput, number: int) -> Optional[str]:
        """None when the server is alive and serving; otherwise what is wrong."""
        server, witness = self.server, self.witness
        assert server is not None and witness is not None
        if not server.alive():
            time.sleep(0.2)
            return f"the {self.kind} server exited with status {server.returncode}"
        if number % 25 == 0 and self.memory_limit_kb:
            grown = server.rss_kb() - self.baseline_kb
            if grown > self.memory_limit_kb:
                return f"the {self.kind} server grew by {grown // 1024} MB"
        if not accepts(server.port):
            time.sleep(0.2)
            if not server.alive():
                return f"the {self.kind} server exited with status {server.returncode}"
            return f"the {self.kind} server no longer accepts connections"
        try:
            witness.check()
            if self.fresh_every and number % self.fresh_every == 0:
                fresh_client(server.port, self.kind)
        except Exception as problem:
            if not server.alive():
                return f"the {self.kind} server exited with status {server.returncode}"
            return f"the {self.kind} server stopped serving a real client: {type(problem).__name__}: {problem}"
        return None

    def run(self, count: Optional[int] = None, duration: Optional[float] = None, first: int = 0,
            keep_going: bool = False, progress: Optional[Callable[[str], None]] = None) -> "Campaign":
        """Run inputs ``first, first+1, ...`` until ``count`` inputs or ``duration`` seconds."""
        self._start()
        started = time.monotonic()
        index = first
        try:
            while True:
                if count is not None and self.inputs >= count:
                    break
                if duration is not None and time.monotonic() - started >= duration:
                    break
                item = make_input(self.seed, index, self.sessions)
                index += 1
                for op in item.ops:
                    self.ops[op.split("(")[0]] += 1
                try:
                    replay(self.server.port, item.chunks, item.pause, item.end, linger=0.5)  # type: ignore
                except OSError:
                    pass                    # refused or reset: the check below says whether that matters
                self.inputs += 1
                problem = self.check(item, self.inputs)
                if problem is not None:
                    output = list(self.server.lines) + list(getattr(self.server, "stderr", []))  # type: ignore
                    self.findings.append(Finding(item, problem, output))
                    if not keep_going:
                        break
                    self._stop()
                    self._start()
                if progress is not None and self.inputs % 500 == 0:
                    progress(f"{self.kind}: {self.inputs} inputs, {len(self.findings)} findings, "
                             f"{time.monotonic() - started:.0f} s")
        finally:
            self.elapsed = time.monotonic() - started
            self._stop()
        return self

    def summary(self) -> str:
        return (f"{self.kind}: seed {self.seed}, {self.inputs} inputs in {self.elapsed:.1f} s, "
                f"{len(self.findings)} findings; mutations: "
                + ", ".join(f"{k} {v}" for k, v in sorted(self.ops.items())))


# -- the command line (make fuzz-transport) --------------------------------------------------------------------

def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=["container", "broker", "both"], default="both")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000,
                        help="the seed (default: from the clock; it is printed, so a run can be repeated)")
    parser.add_argument("--first", type=int, default=0, help="index of the first input")
    parser.add_argument("--inputs", type=int, default=None, help="inputs per target")
    parser.add_argument("--duration", type=float, default=None,
                        help="seconds per target (default 300 when --inputs is not given)")
    parser.add_argument("--recapture", action="store_true",
                        help="capture the seed conversations afresh instead of reading corpus.json")
    parser.add_argument("--write-corpus", action="store_true", help="capture, write corpus.json and stop")
    parser.add_argument("--memory-limit", type=int, default=MEMORY_LIMIT_KB // 1024, metavar="MB",
                        help="a server growing by more than this is a finding (default 256; 0: no check, "
                             "as under AddressSanitizer, whose quarantine holds freed memory)")
    parser.add_argument("--out", default=str(REPO / "build" / "fuzz-transport"),
                        help="directory for reproducers of findings")
    args = parser.parse_args(argv)
    if args.write_corpus or args.recapture:
        sessions = {kind: capture(kind) for kind in ("container", "broker")}
        if args.write_corpus:
            CORPUS.write_text(json.dumps({
                "about": "Client-to-server bytes of real cyproton connections, one hex string per protocol "
                         "header or frame; written by transport_fuzz.py --write-corpus.",
                "sessions": sessions}, indent=1) + "\n")
            print(f"wrote {CORPUS}")
            return 0
        tmp = Path(args.out) / "corpus.json"
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"sessions": sessions}))
        corpus = load_corpus(tmp)
    else:
        corpus = load_corpus()
    if args.inputs is None and args.duration is None:
        args.duration = 300.0
    kinds = ["container", "broker"] if args.target == "both" else [args.target]
    print(f"transport fuzz: seed {args.seed}, corpus {corpus_digest(corpus)}, targets {', '.join(kinds)}", flush=True)
    found = 0
    out = Path(args.out)
    for kind in kinds:
        campaign = Campaign(kind, args.seed, corpus, memory_limit_kb=args.memory_limit * 1024)
        campaign.run(count=args.inputs, duration=args.duration, first=args.first, keep_going=True,
                     progress=lambda t: print(t, flush=True))
        print(campaign.summary(), flush=True)
        for finding in campaign.findings:
            found += 1
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"finding-{kind}-{args.seed}-{finding.input.index}.json"
            path.write_text(json.dumps({"problem": finding.problem, **finding.input.reproducer(),
                                        "server_output": finding.server_output[-40:]}, indent=1))
            print(finding.text(), flush=True)
            print(f"  written to {path}", flush=True)
    print(f"transport fuzz: {found} findings", flush=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
