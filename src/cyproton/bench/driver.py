# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Start benchmark workers as subprocesses, wait for them with deadlines, and join their reports.

Shared by ``bench/run.py`` (cyproton against python-qpid-proton) and ``cyproton bench``. This
module imports neither ``proton`` nor ``cyproton``'s compiled parts: the interpreter that drives
the benchmark never runs a message itself, each worker does, under the interpreter of the side
being measured. ``WORKER`` is run by path, so a reference interpreter can run it too.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")

ProgressCallback = Callable[[int, float], None]


class BenchError(RuntimeError):
    """A worker failed, timed out or reported an error: the sample is an error cell."""


@dataclass
class Side:
    """An implementation under test: the interpreter that imports its ``proton``.

    ``isolated`` runs it with ``-E -s`` so a PYTHONPATH meant for our source tree cannot shadow
    the reference's ``proton``.
    """

    name: str
    python: str
    isolated: bool = False
    env: Optional[Dict[str, str]] = None

    def command(self, script: str, args: List[str]) -> List[str]:
        return [self.python] + (["-E", "-s"] if self.isolated else []) + [script] + args


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the reference cannot listen on port 0 and report it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class Worker:
    """One subprocess printing JSON lines; its lines are collected by a reader thread."""

    def __init__(self, label: str, command: List[str], env: Optional[Dict[str, str]] = None,
                 ready_text: Optional[str] = None) -> None:
        """``ready_text``: a plain output line containing it counts as ``{"ready": true}`` (for programs
        that are not workers, such as ``cyproton broker``)."""
        self.label = label
        self.command = command
        self.ready_text = ready_text
        self.lines: "queue.Queue[Optional[Dict[str, Any]]]" = queue.Queue()
        self.records: List[Dict[str, Any]] = []
        self.stderr = tempfile.TemporaryFile(mode="w+b")
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.stderr, stdin=subprocess.DEVNULL,
                                     env=env, start_new_session=True)
        self._reader = threading.Thread(target=self._read, name="bench-reader-%s" % label, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            text = raw.decode("utf-8", "replace").strip()
            if text.startswith("{"):
                try:
                    self.lines.put(json.loads(text))
                except ValueError:
                    pass
            elif self.ready_text is not None and self.ready_text in text:
                self.lines.put({"ready": True, "line": text})
        self.lines.put(None)

    def next_record(self, deadline: float) -> Optional[Dict[str, Any]]:
        """The next JSON line, or None at end of output; BenchError past ``deadline``."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BenchError("%s: timed out" % self.label)
        try:
            record = self.lines.get(timeout=remaining)
        except queue.Empty:
            raise BenchError("%s: timed out" % self.label) from None
        if record is not None:
            self.records.append(record)
        return record

    def wait_ready(self, deadline: float) -> None:
        while True:
            record = self.next_record(deadline)
            if record is None:
                raise BenchError("%s: exited before it was ready%s" % (self.label, self.diagnosis()))
            if record.get("ready"):
                return

    def result(self, deadline: float, progress: Optional[ProgressCallback] = None) -> Dict[str, Any]:
        """The worker's final record, once it has exited; BenchError when it failed."""
        final: Optional[Dict[str, Any]] = None
        while True:
            record = self.next_record(deadline)
            if record is None:
                break
            if "progress" in record:
                if progress is not None:
                    progress(int(record["progress"]), float(record["time"]))
            elif "role" in record:
                final = record
        try:
            code = self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise BenchError("%s: did not exit" % self.label) from None
        if final is None:
            raise BenchError("%s: exited %s without a result%s" % (self.label, self._code(code), self.diagnosis()))
        if final.get("error"):
            raise BenchError("%s: %s%s" % (self.label, final["error"], self.diagnosis()))
        if code != 0:
            raise BenchError("%s: exited %s%s" % (self.label, self._code(code), self.diagnosis()))
        return final

    @staticmethod
    def _code(code: int) -> str:
        if code < 0:
            try:
                return "on %s" % signal.Signals(-code).name
            except ValueError:
                return "on signal %d" % -code
        return str(code)

    def stderr_text(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")

    def diagnosis(self) -> str:
        """The end of the worker's stderr (a traceback's last lines say what went wrong)."""
        lines = [line.strip() for line in self.stderr_text().strip().splitlines() if line.strip()]
        return (": " + " | ".join(lines[-6:])[-1500:]) if lines else ""

    def stop(self) -> None:
        """Kill the worker (its whole session) if it still runs, and release its files."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._reader.join(timeout=5)
        self.stderr.close()


@dataclass
class Workers:
    """Workers started for one sample; all are stopped when the sample ends, however it ends."""

    started: List[Worker] = field(default_factory=list)

    def start(self, side: Side, label: str, script: str, args: List[str]) -> Worker:
        worker = Worker("%s %s" % (side.name, label), side.command(script, args), side.env)
        self.started.append(worker)
        return worker

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc: Any) -> None:
        for worker in self.started:
            worker.stop()


def _alarm(timeout: float) -> List[str]:
    return ["--timeout", str(int(timeout) + 5)]


def run_peer_to_peer(side: Side, count: int, *, presettled: bool = False, prefetch: Optional[int] = 1000,
                     body: str = "str:100", timeout: float = 240.0, progress: Optional[ProgressCallback] = None,
                     progress_interval: float = 0.5, url: Optional[str] = None,
                     address: str = "bench", batch: bool = False) -> Dict[str, Any]:
    """Receiver and sender in two processes of ``side``; the receiver listens on a free loopback port,
    or, given ``url``, both connect to that broker; ``batch``: the sender uses Sender.send_many
    (cyproton only). Returns the joined sample (see :func:`join_transfer`)."""
    deadline = time.monotonic() + timeout
    receive_args = _alarm(timeout) + ["receive", "--count", str(count), "--body", body, "--address", address]
    if prefetch is not None:
        receive_args += ["--prefetch", str(prefetch)]
    if progress is not None:
        receive_args += ["--progress", str(progress_interval)]
    if url is None:
        url = "127.0.0.1:%d" % free_port()
        receive_args += ["--listen", url]
    else:
        receive_args += ["--connect", url]
    send_args = _alarm(timeout) + ["send", "--connect", url, "--address", address, "--count", str(count),
                                   "--body", body] + (["--presettled"] if presettled else []) \
        + (["--batch"] if batch else [])
    with Workers() as workers:
        receiver = workers.start(side, "receiver", WORKER, receive_args)
        receiver.wait_ready(min(deadline, time.monotonic() + 60))
        sender = workers.start(side, "sender", WORKER, send_args)
        received = receiver.result(deadline, progress)
        sent = sender.result(deadline)
    return join_transfer(sent, received)


def join_transfer(sent: Dict[str, Any], received: Dict[str, Any]) -> Dict[str, Any]:
    """One sample from a sender's and a receiver's reports: wall time from the first send to the last
    receive, rates, and CPU per message of each process."""
    messages = received["messages"]
    seconds = received["t_last"] - sent["t_first"]
    if messages <= 0 or seconds <= 0:
        raise BenchError("no messages timed (messages %r, seconds %r)" % (messages, seconds))
    body_bytes = received.get("body_bytes", 0)
    return {
        "messages": messages,
        "seconds": seconds,
        "msg_per_s": messages / seconds,
        "mb_per_s": messages * body_bytes / 1e6 / seconds,
        "sender_cpu_us": sent["cpu_run_seconds"] * 1e6 / messages,
        "receiver_cpu_us": received["cpu_run_seconds"] * 1e6 / messages,
        "sender_cpu_process_us": sent["cpu_seconds"] * 1e6 / messages,
        "receiver_cpu_process_us": received["cpu_seconds"] * 1e6 / messages,
        "sender_maxrss_kb": sent["maxrss_kb"],
        "receiver_maxrss_kb": received["maxrss_kb"],
        "impl": received.get("impl"),
        "sender": sent,
        "receiver": received,
    }


def run_loopback(side: Side, count: int, *, presettled: bool = False, prefetch: int = 1000,
                 timeout: float = 240.0) -> Dict[str, Any]:
    """Sender and receiver in one Container of one process, talking over a loopback socket."""
    args = _alarm(timeout) + ["loopback", "--port", str(free_port()), "--count", str(count),
                              "--prefetch", str(prefetch)] + (["--presettled"] if presettled else [])
    with Workers() as workers:
        report = workers.start(side, "loopback", WORKER, args).result(time.monotonic() + timeout)
    messages = report["messages"]
    if messages <= 0 or report["seconds"] <= 0:
        raise BenchError("no messages timed")
    return {"messages": messages, "seconds": report["seconds"], "msg_per_s": messages / report["seconds"],
            "process_cpu_us": report["cpu_run_seconds"] * 1e6 / messages,
            "process_maxrss_kb": report["maxrss_kb"], "impl": report.get("impl"), "process": report}


def run_idle(side: Side, connections: int = 1000, idle_seconds: float = 5.0, timeout: float = 180.0) -> Dict[str, Any]:
    """``connections`` idle connections from one process of ``side`` to a listener of ``side``: the
    listener's RSS growth per connection and the CPU its loop burns while they sit idle."""
    deadline = time.monotonic() + timeout
    port = free_port()
    with Workers() as workers:
        listener = workers.start(side, "idle listener", WORKER, _alarm(timeout) + [
            "idle-listen", "--port", str(port), "--connections", str(connections),
            "--idle-seconds", str(idle_seconds)])
        listener.wait_ready(min(deadline, time.monotonic() + 60))
        connector = workers.start(side, "idle connector", WORKER, _alarm(timeout) + [
            "idle-connect", "--port", str(port), "--connections", str(connections)])
        report = listener.result(deadline)
        connector.result(deadline)
    return {"connections": report["connections"], "kb_per_connection": report["kb_per_connection"],
            "idle_cpu_seconds": report["idle_cpu_seconds"], "idle_seconds": report["idle_seconds"],
            "idle_cpu_percent": 100.0 * report["idle_cpu_fraction"],
            "listener_maxrss_kb": report["maxrss_kb"], "impl": report.get("impl"), "listener": report}


def median(values: List[float]) -> Optional[float]:
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def medians(samples: List[Dict[str, Any]], keys: Tuple[str, ...]) -> Dict[str, Optional[float]]:
    """Per-key medians over samples (each key taken from the samples that have it)."""
    return {key: median([s[key] for s in samples if isinstance(s.get(key), (int, float))]) for key in keys}
