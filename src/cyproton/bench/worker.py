# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Benchmark worker: one side of a messaging scenario, written against the public ``proton`` API only.

    python worker.py receive  --listen HOST:PORT --count 200000 --prefetch 1000 [--progress 0.5]
    python worker.py receive  --connect URL --address ADDR --count 200000
    python worker.py send     --connect URL --address ADDR --count 200000 [--presettled] [--body bin:1048576]
    python worker.py loopback --port PORT --count 200000 [--presettled]
    python worker.py blocking --connect URL --address ADDR --count 20000
    python worker.py idle-listen  --port PORT --connections 1000 --idle-seconds 5
    python worker.py idle-connect --port PORT --connections 1000

The same file runs under cyproton and under python-qpid-proton: it imports ``proton`` and the
standard library, nothing else, so the reference interpreter can run it by path. Each command
prints JSON lines on stdout: ``{"ready": true}`` once it accepts connections or its link is
attached, optionally ``{"progress": n, "time": t}`` lines, and a last line with the result:
``messages``, ``seconds`` (wall, this process's own view), ``cpu_seconds`` (user+sys of the whole
process), ``cpu_run_seconds`` (user+sys from just before ``Container.run()`` to the end of the
transfer), ``maxrss_kb`` (peak RSS), ``t_first``/``t_last`` (``time.time()`` of the first send or
receive and the last one, so a driver can join the two processes' views), ``impl`` and
``error`` (null when the run did everything it was asked to).

Bodies: ``str:N`` is an N-character str; the first and the last message start with their
zero-padded sequence number and the others share one str object (formatting a number into every
body would time the benchmark's own Python, not the library). The receiver checks the length and
type of every body and the numbers of the first and last. ``bin:N`` is N bytes, one object reused
by the sender. Either way every message is a new ``Message`` the library encodes, sends, receives
and decodes in full.
Every process arms ``signal.alarm(--timeout)``: a stuck run dies by SIGALRM instead of hanging.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sys
import time
from typing import Any, Callable, Dict, List, Optional

from proton import Message
from proton.handlers import MessagingHandler
from proton.reactor import AtMostOnce, Container
from proton.utils import BlockingConnection

PAD = "cyproton benchmark body: one hundred characters of text per message, the same for both peers. " * 3
SEQ_DIGITS = 9
DEFAULT_ADDRESS = "bench"


# -- measuring ------------------------------------------------------------------------------------

def cpu_now() -> float:
    """User+sys CPU seconds this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_kb() -> int:
    """Current resident set size in KiB (``VmRSS``), or -1 where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def describe_impl() -> str:
    """Which distribution provided the ``proton`` imported here."""
    import proton
    from importlib import metadata

    here = os.path.realpath(proton.__file__)
    for dist_name in ("cyproton", "python-qpid-proton"):
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError:
            continue
        if os.path.realpath(str(dist.locate_file("proton/__init__.py"))) == here:
            return "%s %s" % (dist_name, dist.version)
    return "proton at %s" % os.path.dirname(here)


def emit(record: Dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def result(record: Dict[str, Any], cpu_start: float) -> Dict[str, Any]:
    """``record`` completed with the process-wide figures every command reports."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    record.setdefault("cpu_run_seconds", cpu_now() - cpu_start)
    record.update({"cpu_seconds": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss,
                   "impl": describe_impl()})
    record.setdefault("error", None)
    return record


# -- bodies ---------------------------------------------------------------------------------------

class Bodies:
    """Message bodies: ``str:N`` (text, the first and last numbered) or ``bin:N`` (bytes)."""

    def __init__(self, spec: str, count: int) -> None:
        kind, _, size_text = spec.partition(":")
        self.size = int(size_text)
        self.text = kind == "str"
        if kind not in ("str", "bin") or self.size < (SEQ_DIGITS if self.text else 1):
            raise ValueError("body spec %r: use str:N (N >= %d) or bin:N" % (spec, SEQ_DIGITS))
        self.last = count - 1
        self._pad = (PAD * (1 + self.size // len(PAD)))[:self.size - SEQ_DIGITS]
        self._plain: Any = ("%09d%s" % (10 ** SEQ_DIGITS - 1, self._pad)) if self.text else bytes(self.size)

    def make(self, seq: int) -> Any:
        if seq == 0 or seq == self.last:
            return self.numbered(seq)
        return self._plain

    def numbered(self, seq: int) -> Any:
        if self.text:
            return "%09d%s" % (seq, self._pad)
        return self._plain

    def check(self, body: Any) -> bool:
        """The cheap per-message check: right type and size."""
        if self.text:
            return len(body) == self.size and isinstance(body, str)
        # python-qpid-proton 0.40 hands binary bodies out as memoryview, cyproton as bytes
        return len(body) == self.size and isinstance(body, (bytes, memoryview))

    def check_sequence(self, body: Any, seq: int) -> bool:
        """The first and last message carry the expected sequence number (text bodies)."""
        return not self.text or body[:SEQ_DIGITS] == "%09d" % seq


# -- peer to peer: receiver -----------------------------------------------------------------------

class Receiver(MessagingHandler):
    """Receives ``count`` messages on a listener it opens, or on a link to a broker."""

    def __init__(self, args: argparse.Namespace) -> None:
        if args.prefetch is None:
            super().__init__()
        else:
            super().__init__(prefetch=args.prefetch)
        self.args = args
        self.count: int = args.count
        self.bodies = Bodies(args.body, args.count)
        self.received = 0
        self.bad = 0
        self.t_first = 0.0
        self.t_last = 0.0
        self.cpu_start = 0.0
        self.cpu_end = 0.0
        self.acceptor: Any = None
        self.connection: Any = None
        self.error: Optional[str] = None
        self.progress = ProgressTicker(args.progress, lambda: self.received)

    def on_start(self, event: Any) -> None:
        if self.args.listen:
            self.acceptor = event.container.listen(self.args.listen)
            emit({"ready": True})
        else:
            self.connection = event.container.connect(self.args.connect)
            event.container.create_receiver(self.connection, self.args.address)
        self.progress.start(event.container)

    def on_link_opening(self, event: Any) -> None:
        if event.link.is_receiver:
            event.link.target.address = event.link.remote_target.address

    def on_link_opened(self, event: Any) -> None:
        if self.connection is not None and event.link.is_receiver:
            emit({"ready": True})

    def on_message(self, event: Any) -> None:
        body = event.message.body
        received = self.received
        if received == 0:
            self.t_first = time.time()
            if not self.bodies.check_sequence(body, 0):
                self.bad += 1
        if not self.bodies.check(body):
            self.bad += 1
        received += 1
        self.received = received
        if received == self.count:
            self.t_last = time.time()
            self.cpu_end = cpu_now()
            if not self.bodies.check_sequence(body, received - 1):
                self.bad += 1
            self.progress.stop()
            if self.connection is not None:
                event.connection.close()

    def _finish(self) -> None:
        if self.acceptor is not None:
            self.acceptor.close()
            self.acceptor = None
        self.progress.stop()

    def on_connection_closing(self, event: Any) -> None:
        self._finish()

    def on_connection_closed(self, event: Any) -> None:
        self._finish()

    def on_disconnected(self, event: Any) -> None:
        if self.received < self.count:
            self.error = "disconnected after %d of %d messages" % (self.received, self.count)
        self._finish()

    def report(self) -> Dict[str, Any]:
        error = self.error
        if error is None and self.received != self.count:
            error = "received %d of %d messages" % (self.received, self.count)
        if error is None and self.bad:
            error = "%d messages failed the body check" % self.bad
        return {"role": "receiver", "messages": self.received, "seconds": self.t_last - self.t_first,
                "t_first": self.t_first, "t_last": self.t_last, "cpu_run_seconds": self.cpu_end - self.cpu_start,
                "body_bytes": self.bodies.size, "error": error}


# -- peer to peer: sender -------------------------------------------------------------------------

def send_bodies(sender: Any, bodies: Bodies, sent: int, count: int, batch: bool) -> int:
    """Send the bodies from number ``sent`` on as far as the credit goes (one message each, or with
    ``batch`` in one Sender.send_many call, cyproton's); the number sent so far, after."""
    make = bodies.make
    if batch:
        return sent + int(sender.send_many(make(n) for n in range(sent, count)))
    while sender.credit > 0 and sent < count:
        sender.send(Message(body=make(sent)))
        sent += 1
    return sent


class Sender(MessagingHandler):
    """Sends ``count`` messages as fast as credit allows; at-least-once unless ``--presettled``."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__()
        self.args = args
        self.count: int = args.count
        self.bodies = Bodies(args.body, args.count)
        self.presettled: bool = args.presettled
        self.batch: bool = args.batch
        self.sent = 0
        self.confirmed = 0
        self.refused = 0
        self.t_first = 0.0
        self.t_last = 0.0
        self.cpu_start = 0.0
        self.cpu_end = 0.0
        self.error: Optional[str] = None

    def on_start(self, event: Any) -> None:
        connection = event.container.connect(self.args.connect)
        options = AtMostOnce() if self.presettled else None
        event.container.create_sender(connection, self.args.address, options=options)

    def on_sendable(self, event: Any) -> None:
        sender = event.sender
        count = self.count
        sent = self.sent
        if sent == 0:
            self.t_first = time.time()
        self.sent = sent = send_bodies(sender, self.bodies, sent, count, self.batch)
        if self.presettled and sent == count and self.t_last == 0.0:
            self.t_last = time.time()
            self.cpu_end = cpu_now()
            event.connection.close()

    def on_accepted(self, event: Any) -> None:
        self._outcome(event)

    def on_rejected(self, event: Any) -> None:
        self.refused += 1
        self._outcome(event)

    def on_released(self, event: Any) -> None:
        self.refused += 1
        self._outcome(event)

    def _outcome(self, event: Any) -> None:
        self.confirmed += 1
        if self.confirmed == self.count:
            self.t_last = time.time()
            self.cpu_end = cpu_now()
            event.connection.close()

    def on_disconnected(self, event: Any) -> None:
        if self.t_last == 0.0:
            self.error = "disconnected after %d sent, %d settled" % (self.sent, self.confirmed)

    def report(self) -> Dict[str, Any]:
        error = self.error
        if error is None and self.t_last == 0.0:
            error = "sent %d, %d settled of %d" % (self.sent, self.confirmed, self.count)
        if error is None and self.refused:
            error = "%d messages rejected or released" % self.refused
        return {"role": "sender", "messages": self.sent, "settled": self.confirmed, "presettled": self.presettled,
                "seconds": self.t_last - self.t_first, "t_first": self.t_first, "t_last": self.t_last,
                "cpu_run_seconds": self.cpu_end - self.cpu_start, "body_bytes": self.bodies.size, "error": error}


# -- one process: sender and receiver in one Container --------------------------------------------

class Loopback(MessagingHandler):
    """Listens, connects to itself and sends ``count`` messages from one end to the other."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(prefetch=args.prefetch)
        self.args = args
        self.count: int = args.count
        self.bodies = Bodies(args.body, args.count)
        self.presettled: bool = args.presettled
        self.sent = 0
        self.received = 0
        self.confirmed = 0
        self.bad = 0
        self.t_first = 0.0
        self.t_last = 0.0
        self.cpu_start = 0.0
        self.cpu_end = 0.0
        self.acceptor: Any = None
        self.connection: Any = None
        self.done = False

    def on_start(self, event: Any) -> None:
        url = "127.0.0.1:%d" % self.args.port
        self.acceptor = event.container.listen(url)
        self.connection = event.container.connect(url)
        options = AtMostOnce() if self.presettled else None
        event.container.create_sender(self.connection, DEFAULT_ADDRESS, options=options)

    def on_link_opening(self, event: Any) -> None:
        if event.link.is_receiver:
            event.link.target.address = event.link.remote_target.address

    def on_sendable(self, event: Any) -> None:
        sender = event.sender
        count = self.count
        sent = self.sent
        if sent == 0:
            self.t_first = time.time()
        self.sent = sent = send_bodies(sender, self.bodies, sent, count, False)

    def on_message(self, event: Any) -> None:
        body = event.message.body
        if not self.bodies.check(body):
            self.bad += 1
        received = self.received
        if (received == 0 or received == self.count - 1) and not self.bodies.check_sequence(body, received):
            self.bad += 1
        self.received = received + 1
        if self.received == self.count:
            self.t_last = time.time()
            if self.presettled:
                self._finish()

    def on_accepted(self, event: Any) -> None:
        self.confirmed += 1
        if self.confirmed == self.count:
            self._finish()

    def _finish(self) -> None:
        if not self.done:
            self.done = True
            self.cpu_end = cpu_now()
            self.connection.close()
            self.acceptor.close()

    def report(self) -> Dict[str, Any]:
        error = None
        if self.received != self.count or (not self.presettled and self.confirmed != self.count):
            error = "sent %d, received %d, accepted %d of %d" % (self.sent, self.received, self.confirmed, self.count)
        elif self.bad:
            error = "%d messages failed the body check" % self.bad
        return {"role": "loopback", "messages": self.received, "settled": self.confirmed,
                "presettled": self.presettled, "seconds": self.t_last - self.t_first, "t_first": self.t_first,
                "t_last": self.t_last, "cpu_run_seconds": self.cpu_end - self.cpu_start,
                "body_bytes": self.bodies.size, "error": error}


# -- progress -------------------------------------------------------------------------------------

class ProgressTicker:
    """Prints ``{"progress": n}`` every ``interval`` seconds from a container timer (0: never)."""

    def __init__(self, interval: float, counter: Callable[[], int]) -> None:
        self.interval = interval
        self.counter = counter
        self.task: Any = None
        self.stopped = False

    def start(self, container: Any) -> None:
        if self.interval > 0 and not self.stopped:
            self.task = container.schedule(self.interval, self)

    def on_timer_task(self, event: Any) -> None:
        self.task = None
        if not self.stopped:
            emit({"progress": self.counter(), "time": time.time()})
            self.start(event.container)

    def stop(self) -> None:
        self.stopped = True
        if self.task is not None:
            self.task.cancel()
            self.task = None


# -- idle connections -----------------------------------------------------------------------------

class IdleListener(MessagingHandler):
    """Accepts ``connections`` connections, measures RSS, then lets them sit idle and times the CPU."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__()
        self.args = args
        self.connections: List[Any] = []
        self.acceptor: Any = None
        self.rss_before = 0
        self.rss_after = 0
        self.idle_cpu = -1.0
        self.idle_wall = 0.0
        self.t_all_open = 0.0
        self.cpu_mark = 0.0
        self.closed = 0

    def on_start(self, event: Any) -> None:
        self.acceptor = event.container.listen("127.0.0.1:%d" % self.args.port)
        self.rss_before = rss_kb()
        emit({"ready": True})

    def on_connection_opening(self, event: Any) -> None:
        self.connections.append(event.connection)

    def on_connection_opened(self, event: Any) -> None:
        if len(self.connections) == self.args.connections and not self.t_all_open:
            self.rss_after = rss_kb()
            self.t_all_open = time.time()
            self.cpu_mark = cpu_now()
            event.container.schedule(self.args.idle_seconds, self)

    def on_timer_task(self, event: Any) -> None:
        self.idle_cpu = cpu_now() - self.cpu_mark
        self.idle_wall = time.time() - self.t_all_open
        for connection in self.connections:
            connection.close()
        self.acceptor.close()

    def on_connection_closed(self, event: Any) -> None:
        self.closed += 1

    def report(self) -> Dict[str, Any]:
        n = self.args.connections
        error = None
        if self.idle_cpu < 0:
            error = "only %d of %d connections opened" % (len(self.connections), n)
        return {"role": "idle-listener", "connections": len(self.connections), "rss_before_kb": self.rss_before,
                "rss_after_kb": self.rss_after, "kb_per_connection": (self.rss_after - self.rss_before) / n,
                "idle_cpu_seconds": self.idle_cpu, "idle_seconds": self.idle_wall,
                "idle_cpu_fraction": self.idle_cpu / self.idle_wall if self.idle_wall > 0 else None,
                "closed": self.closed, "error": error}


class IdleConnector(MessagingHandler):
    """Opens ``connections`` connections (at most ``window`` handshakes at a time) and keeps them until
    the listener closes them."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__()
        self.args = args
        self.launched = 0
        self.opened = 0
        self.closed = 0
        self.container: Any = None

    def _launch(self) -> None:
        if self.launched < self.args.connections:
            self.launched += 1
            self.container.connect("127.0.0.1:%d" % self.args.port)

    def on_start(self, event: Any) -> None:
        self.container = event.container
        for _ in range(min(self.args.window, self.args.connections)):
            self._launch()

    def on_connection_opened(self, event: Any) -> None:
        self.opened += 1
        self._launch()

    def on_connection_closing(self, event: Any) -> None:
        self.closed += 1

    def report(self) -> Dict[str, Any]:
        error = None if self.opened == self.args.connections else "opened %d of %d" % (
            self.opened, self.args.connections)
        return {"role": "idle-connector", "connections": self.opened, "closed": self.closed, "error": error}


# -- commands -------------------------------------------------------------------------------------

def run_container(handler: Any) -> Dict[str, Any]:
    handler.cpu_start = cpu_now()
    cpu_start = handler.cpu_start
    Container(handler).run()
    return result(handler.report(), cpu_start)


def cmd_receive(args: argparse.Namespace) -> Dict[str, Any]:
    if bool(args.listen) == bool(args.connect):
        raise SystemExit("receive: give exactly one of --listen and --connect")
    return run_container(Receiver(args))


def cmd_send(args: argparse.Namespace) -> Dict[str, Any]:
    return run_container(Sender(args))


def cmd_loopback(args: argparse.Namespace) -> Dict[str, Any]:
    return run_container(Loopback(args))


def cmd_idle_listen(args: argparse.Namespace) -> Dict[str, Any]:
    return run_container(IdleListener(args))


def cmd_idle_connect(args: argparse.Namespace) -> Dict[str, Any]:
    return run_container(IdleConnector(args))


def cmd_blocking(args: argparse.Namespace) -> Dict[str, Any]:
    """Send ``count`` messages one at a time (each waits for its outcome), then receive them one at a time."""
    bodies = Bodies(args.body, args.count)
    count: int = args.count
    cpu_start = cpu_now()
    connection = BlockingConnection(args.connect, timeout=args.op_timeout)
    bad = 0
    try:
        sender = connection.create_sender(args.address)
        t_send = time.time()
        cpu_send = cpu_now()
        for seq in range(count):
            sender.send(Message(body=bodies.make(seq)))
        t_sent = time.time()
        cpu_sent = cpu_now()
        sender.close()
        receiver = connection.create_receiver(args.address)
        t_receive = time.time()
        cpu_receive = cpu_now()
        received = 0
        for seq in range(count):
            body = receiver.receive(timeout=args.op_timeout).body
            if not bodies.check(body) or ((seq == 0 or seq == count - 1) and not bodies.check_sequence(body, seq)):
                bad += 1
            receiver.accept()
            received += 1
        t_received = time.time()
        cpu_received = cpu_now()
        receiver.close()
    finally:
        connection.close()
    error = "%d messages failed the body check" % bad if bad else None
    return result({"role": "blocking", "messages": received, "seconds": t_received - t_send,
                   "send_seconds": t_sent - t_send, "receive_seconds": t_received - t_receive,
                   "send_cpu_seconds": cpu_sent - cpu_send, "receive_cpu_seconds": cpu_received - cpu_receive,
                   "cpu_run_seconds": cpu_received - cpu_start, "body_bytes": bodies.size, "error": error},
                  cpu_start)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=int, default=300, help="SIGALRM after this many seconds (default 300)")
    sub = parser.add_subparsers(dest="command", required=True)

    def transfer(name: str, func: Callable[[argparse.Namespace], Dict[str, Any]], count: int) -> Any:
        p = sub.add_parser(name)
        p.set_defaults(func=func)
        p.add_argument("--count", type=int, default=count)
        p.add_argument("--body", default="str:100", help="str:N or bin:N (default str:100)")
        return p

    p = transfer("receive", cmd_receive, 200_000)
    p.add_argument("--listen", help="HOST:PORT to accept the sender's connection on")
    p.add_argument("--connect", help="URL of a broker to receive from")
    p.add_argument("--address", default=DEFAULT_ADDRESS)
    p.add_argument("--prefetch", type=int, default=None, help="credit (default: MessagingHandler's default)")
    p.add_argument("--progress", type=float, default=0.0, help="print progress every N seconds (0: never)")

    p = transfer("send", cmd_send, 200_000)
    p.add_argument("--connect", required=True)
    p.add_argument("--address", default=DEFAULT_ADDRESS)
    p.add_argument("--presettled", action="store_true", help="AtMostOnce: send settled")
    p.add_argument("--batch", action="store_true", help="Sender.send_many (cyproton's batch call)")

    p = transfer("loopback", cmd_loopback, 200_000)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--prefetch", type=int, default=1000)
    p.add_argument("--presettled", action="store_true")

    p = transfer("blocking", cmd_blocking, 20_000)
    p.add_argument("--connect", required=True)
    p.add_argument("--address", default=DEFAULT_ADDRESS)
    p.add_argument("--op-timeout", type=float, default=30.0, help="timeout of each blocking call")

    p = sub.add_parser("idle-listen")
    p.set_defaults(func=cmd_idle_listen)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--connections", type=int, default=1000)
    p.add_argument("--idle-seconds", type=float, default=5.0)

    p = sub.add_parser("idle-connect")
    p.set_defaults(func=cmd_idle_connect)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--connections", type=int, default=1000)
    p.add_argument("--window", type=int, default=50, help="connection handshakes in flight at once")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    signal.alarm(max(1, args.timeout))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < 4096:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard == resource.RLIM_INFINITY else min(hard, 8192), hard))
    record = args.func(args)
    emit(record)
    return 0 if record.get("error") is None else 2


if __name__ == "__main__":
    sys.exit(main())
