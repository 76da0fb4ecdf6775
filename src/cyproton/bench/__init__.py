# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""``cyproton bench``: measure message throughput on this machine.

By default a receiver and a sender run in two processes of this interpreter, peer to peer over
loopback (the receiver listens on a free port); with ``--url`` and ``--address`` both connect to
a broker instead. A progress line shows while messages flow, and a table sums up the run.

The scenario code lives in :mod:`cyproton.bench.worker` (public ``proton`` API only: the project's
bench/run.py runs the very same file under python-qpid-proton to compare) and the process
handling in :mod:`cyproton.bench.driver`.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, Dict, List, Optional, TextIO

from .driver import BenchError, Side, run_peer_to_peer

__all__ = ["main"]

BROKER_ADDRESS = "cyproton-bench"


class Progress:
    """One line, rewritten in place on a terminal, one line per update otherwise."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.tty = stream.isatty()
        self.last = (0, time.time())  # the workers report time.time() too
        self.shown = False

    def __call__(self, received: int, when: float) -> None:
        previous, previous_time = self.last
        self.last = (received, when)
        text = "  received {:,} / {:,} messages".format(received, self.total)
        if previous > 0 and when > previous_time:  # the first interval also holds the processes' start-up
            text += ", {:,.0f} msg/s".format((received - previous) / (when - previous_time))
        if self.tty:
            self.stream.write("\r" + text.ljust(64))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self.shown = True

    def end(self) -> None:
        if self.shown and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _row(label: str, value: str) -> str:
    return "  %-28s %s" % (label, value)


def render(sample: Dict[str, Any], args: argparse.Namespace, where: str) -> str:
    sender = sample["sender"]
    receiver = sample["receiver"]
    lines = [
        "cyproton bench: %s, %s" % (where, "at-most-once (presettled)" if args.presettled else "at-least-once"),
        _row("implementation", str(sample.get("impl"))),
        _row("messages", "{:,} x {}".format(sample["messages"], args.body)),
        _row("receiver credit", str(args.prefetch)),
        _row("seconds (first send to last)", "%.3f" % sample["seconds"]),
        _row("throughput", "{:,.0f} msg/s, {:,.1f} MB/s of bodies".format(sample["msg_per_s"], sample["mb_per_s"])),
        _row("CPU per message, sender", "%.2f us (whole process %.2f us)" % (
            sample["sender_cpu_us"], sample["sender_cpu_process_us"])),
        _row("CPU per message, receiver", "%.2f us (whole process %.2f us)" % (
            sample["receiver_cpu_us"], sample["receiver_cpu_process_us"])),
        _row("peak RSS sender / receiver", "%.1f / %.1f MB" % (sender["maxrss_kb"] / 1024,
                                                               receiver["maxrss_kb"] / 1024)),
    ]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cyproton bench", description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000, help="messages to send (default 200,000)")
    parser.add_argument("--body", default="str:100",
                        help="body: str:N (N characters) or bin:N (N bytes); default str:100")
    parser.add_argument("--prefetch", type=int, default=1000, help="receiver credit (default 1000)")
    parser.add_argument("--presettled", action="store_true", help="at-most-once: send messages settled")
    parser.add_argument("--url", help="a broker to send through instead of peer to peer, e.g. amqp://127.0.0.1:5672")
    parser.add_argument("--address", default=None,
                        help="the queue or topic on the broker (with --url; default %s)" % BROKER_ADDRESS)
    parser.add_argument("--timeout", type=float, default=600.0, help="give up after this many seconds")
    parser.add_argument("--progress", type=float, default=0.5, help="seconds between progress lines (0: none)")
    return parser


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    if args.prefetch < 1:
        parser.error("--prefetch must be at least 1")
    if args.address is not None and args.url is None:
        parser.error("--address needs --url (peer to peer needs no address)")
    if args.url is not None and args.address is None:
        args.address = BROKER_ADDRESS
    kind, _, size = args.body.partition(":")
    if kind not in ("str", "bin") or not size.isdigit() or int(size) < (9 if kind == "str" else 1):
        parser.error("--body: str:N (N >= 9) or bin:N (N >= 1)")
    return args


def main(argv: Optional[List[str]] = None) -> int:
    """Run the throughput scenario with cyproton and print the result; 0 on success, 1 when the run
    failed, 2 for bad options."""
    try:
        args = parse_args(argv)
    except SystemExit as exc:  # argparse: --help, or an error it has printed
        return exc.code if isinstance(exc.code, int) else 2
    from proton._url import redacted   # here: workers import this package under python-qpid-proton too

    where = "through %s, address %s" % (redacted(args.url), args.address) if args.url else "peer to peer over loopback"
    print("cyproton bench: %s messages %s ..." % ("{:,}".format(args.count), where), flush=True)
    progress = Progress(args.count, sys.stdout) if args.progress > 0 else None
    started = time.monotonic()
    try:
        sample = run_peer_to_peer(Side("cyproton", sys.executable), args.count, presettled=args.presettled,
                                  prefetch=args.prefetch, body=args.body, timeout=args.timeout, progress=progress,
                                  progress_interval=args.progress or 0.5, url=args.url,
                                  address=args.address or "bench")
    except (BenchError, OSError) as exc:
        if progress is not None:
            progress.end()
        print(redacted("cyproton bench: failed after %.1f s: %s" % (time.monotonic() - started, exc), args.url),
              file=sys.stderr)
        return 1
    if progress is not None:
        progress.end()
    print(render(sample, args, where))
    return 0
