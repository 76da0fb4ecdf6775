# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Messaging benchmarks: cyproton against python-qpid-proton 0.40, side by side in one run (``make bench``).

    python bench/run.py [--rounds 3] [--scenarios S1,S2,...] [--quick]
                        [--ours-python PY] [--ref-python PY] [--json-out FILE]

Scenarios (the worker programs are src/cyproton/bench/worker.py, public ``proton`` API only, run
by path under each implementation's interpreter):

  S1  peer to peer, two processes, 200,000 x 100-char str, credit 1000, at-least-once
  S2  the same, at-most-once (AtMostOnce: sent presettled)
  S3  the same as S1 with MessagingHandler's default credit (10)
  S4  one process: sender and receiver in one Container over loopback, acked and presettled
  S5  BlockingConnection: 20,000 messages sent one at a time to a queue server, then received
      one at a time; the server (`cyproton broker` when present, else bench/queue_server.py)
      always runs under cyproton's interpreter, for both clients, so only the client differs
  S6  peer to peer, 2,000 x 1 MB binary bodies, credit 10, at-least-once: MB/s
  S7  the codec rows of bench/codec.py (bench/codec_worker.py): ns per operation
  S8  1,000 idle connections to one listener: RSS per connection and the CPU its idle loop burns
  S10 S1 with cyproton's batch call: the sender hands each on_sendable's worth of bodies to
      Sender.send_many() in one call (python-qpid-proton, which has none, sends one at a time)
  S11 the same at-most-once (S2 with send_many)

Each round runs every scenario on cyproton and then on python-qpid-proton (A B A B ...), so drift
on a noisy machine hits both alike; every cell is the median of its rounds. Ratios are cyproton /
reference for rates and reference / cyproton for times and memory: above 1 means cyproton is
better. CPU is user+sys per message of each process from just before ``Container.run()`` to
the end of the transfer (the JSON also has whole-process figures). Every subprocess has a
deadline; a failed or stuck sample is tried again once (``--retries``), then becomes an error cell,
and every failed attempt is listed under the table. Results go to ``bench/results/<timestamp>.json``.

The engine driven from C: in the same rounds, right after cyproton and python-qpid-proton, S1 and S2
also run on bench/cpeer.c (the same two-process transfer written against the static Proton-C engine
the project's build left in build/, built by bench/cpeer.py into build/bench/cpeer), and a second
table puts S1, S2, S10 and S11 next to it: "within 1.5x of C" is cyproton msg/s >= C msg/s / 1.5,
S10 and S11 taken against the C run of S1 and S2 (the C peer has no batch call to differ by). Where
the C peer cannot be built (no compiler, no engine build) its cells say so and the rest runs as
before; ``--no-c-peer`` leaves it out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
SRC_DIR = os.path.join(REPO_ROOT, "src")
# The driver module imports neither proton nor the compiled extension: take it from this tree.
sys.path.insert(0, SRC_DIR)

import codec as _codec_module  # noqa: E402  (bench/codec.py, next to this file)
from cyproton.bench import driver  # noqa: E402
from cyproton.bench.driver import BenchError, Side, Workers  # noqa: E402

import cpeer  # noqa: E402  (bench/cpeer.py: the C peer's build and its driver Side)

codec_bench: Any = _codec_module  # its helpers carry no annotations
QUEUE_SERVER = os.path.join(BENCH_DIR, "queue_server.py")
IDLE_CPU_LIMIT_PERCENT = 1.0  # an idle loop above this share of one core is polling
C_SIDE = "c"  # the side name of the engine driven from C
WITHIN_C = 1.5  # the issue's bound: cyproton msg/s >= C msg/s / 1.5
RETRY_PAUSE = 10  # seconds before a failed sample is tried again


@dataclass
class Config:
    """Sizes of the scenarios; ``quick`` shrinks them for a smoke run."""

    messages: int = 200_000
    blocking_messages: int = 20_000
    large_messages: int = 2_000
    large_size: int = 1_000_000
    codec_seconds: float = 0.3
    idle_connections: int = 1000
    idle_seconds: float = 5.0
    broker: str = "auto"
    ours_python: str = sys.executable
    broker_command: Optional[List[str]] = None

    @classmethod
    def quick(cls) -> "Config":
        return cls(messages=20_000, blocking_messages=2_000, large_messages=200, codec_seconds=0.1,
                   idle_connections=200, idle_seconds=2.0)

    def transfer_timeout(self, count: int) -> float:
        return 60.0 + count / 2000.0


# -- rows of the table ------------------------------------------------------------------------------

@dataclass
class Row:
    """One line of the table: a metric taken from the samples of one scenario.

    ``better``: "higher" (rates; ratio ours/ref), "lower" (times, memory; ratio ref/ours).
    ``target``: the ratio to reach, or None when ``check`` judges the cyproton value alone.
    """

    rid: str
    label: str
    unit: str
    key: str
    better: str = "higher"
    target: Optional[float] = None
    target_text: str = ""
    check: Optional[Callable[[float], bool]] = None
    cpu_keys: Tuple[Optional[str], Optional[str]] = (None, None)
    rss_keys: Tuple[str, ...] = ()


@dataclass
class Scenario:
    sid: str
    title: str
    run: Callable[[Side, Config], Dict[str, Any]]
    rows: List[Row] = field(default_factory=list)
    # the scenario whose run on the engine driven from C this one is compared with (None: not compared)
    c_base: Optional[str] = None


def _p2p_rows(sid: str, label: str, target: float, unit: str = "msg/s", key: str = "msg_per_s") -> List[Row]:
    return [Row(sid, label, unit, key, target=target, target_text=">=%gx" % target,
                cpu_keys=("sender_cpu_us", "receiver_cpu_us"), rss_keys=("sender_maxrss_kb", "receiver_maxrss_kb"))]


# The batch API's own targets, in msg/s from Python on the development machine (beside "within 1.5x
# of the engine driven from C", which the second table judges).
BATCH_RATE_LEAST_ONCE = 700_000
BATCH_RATE_MOST_ONCE = 1_000_000


def _rate_row(sid: str, label: str, rate: int) -> Row:
    return Row(sid, label, "msg/s", "msg_per_s", target_text=">=%dk" % (rate // 1000),
               check=lambda v: v >= rate)


def run_s1(side: Side, cfg: Config) -> Dict[str, Any]:
    return driver.run_peer_to_peer(side, cfg.messages, prefetch=1000, timeout=cfg.transfer_timeout(cfg.messages))


def run_s2(side: Side, cfg: Config) -> Dict[str, Any]:
    return driver.run_peer_to_peer(side, cfg.messages, presettled=True, prefetch=1000,
                                   timeout=cfg.transfer_timeout(cfg.messages))


def run_s10(side: Side, cfg: Config) -> Dict[str, Any]:
    return driver.run_peer_to_peer(side, cfg.messages, prefetch=1000, batch=side.name == "ours",
                                   timeout=cfg.transfer_timeout(cfg.messages))


def run_s11(side: Side, cfg: Config) -> Dict[str, Any]:
    return driver.run_peer_to_peer(side, cfg.messages, presettled=True, prefetch=1000, batch=side.name == "ours",
                                   timeout=cfg.transfer_timeout(cfg.messages))


def run_s3(side: Side, cfg: Config) -> Dict[str, Any]:
    # prefetch None: the receiver uses MessagingHandler() as it comes, whose default credit is 10
    return driver.run_peer_to_peer(side, cfg.messages, prefetch=None, timeout=cfg.transfer_timeout(cfg.messages))


def run_s4(side: Side, cfg: Config) -> Dict[str, Any]:
    sample: Dict[str, Any] = {}
    for variant, presettled in (("ack", False), ("pre", True)):
        one = driver.run_loopback(side, cfg.messages, presettled=presettled, prefetch=1000,
                                  timeout=cfg.transfer_timeout(cfg.messages))
        sample.update({"%s_%s" % (variant, key): value for key, value in one.items()})
    return sample


def run_s6(side: Side, cfg: Config) -> Dict[str, Any]:
    count = cfg.large_messages
    timeout = 60.0 + count * cfg.large_size / 20e6
    return driver.run_peer_to_peer(side, count, prefetch=10, body="bin:%d" % cfg.large_size, timeout=timeout)


def run_s7(side: Side, cfg: Config) -> Dict[str, Any]:
    sample: Dict[str, Any] = {}
    for row in codec_bench.ROW_NUMBERS:
        try:
            found = codec_bench.run_worker(side.python, row, cfg.codec_seconds, side.isolated)
        except (codec_bench.WorkerError, subprocess.TimeoutExpired) as exc:
            raise BenchError("codec row %d: %s" % (row, str(exc)[-1500:])) from None
        sample["row%d_ns" % row] = found["ns_per_op"]
        sample["row%d_name" % row] = found["name"]
        sample["row%d_size" % row] = found["encoded_size"]
        sample["impl"] = found.get("impl")
    return sample


def run_s8(side: Side, cfg: Config) -> Dict[str, Any]:
    return driver.run_idle(side, cfg.idle_connections, cfg.idle_seconds, timeout=120.0 + cfg.idle_connections / 20)


# -- S5: the queue server and the blocking client ---------------------------------------------------

BROKER_READY_TEXT = "cyproton broker listening on"


def broker_command(cfg: Config) -> Optional[List[str]]:
    """``python -m cyproton broker --address`` when cyproton's interpreter has the embedded broker (and
    ``--broker`` allows it); None means: use bench/queue_server.py."""
    if cfg.broker == "bench":
        return None
    try:
        probe: Optional[subprocess.CompletedProcess[str]] = subprocess.run(
            [cfg.ours_python, "-m", "cyproton", "broker", "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        probe = None
    if probe is None or probe.returncode != 0 or "--address" not in probe.stdout:
        if cfg.broker == "cyproton":
            raise SystemExit("--broker cyproton: `python -m cyproton broker --help` does not offer --address")
        return None
    return [cfg.ours_python, "-m", "cyproton", "broker"]


def run_s5(side: Side, cfg: Config) -> Dict[str, Any]:
    count = cfg.blocking_messages
    timeout = 60.0 + count / 200.0
    deadline = time.monotonic() + timeout
    port = driver.free_port()
    server_side = Side("server", cfg.ours_python)
    with Workers() as workers:
        if cfg.broker_command:
            broker = driver.Worker("cyproton broker", cfg.broker_command + ["--address", "127.0.0.1:%d" % port],
                                   ready_text=BROKER_READY_TEXT)
            workers.started.append(broker)
            broker.wait_ready(min(deadline, time.monotonic() + 60))
        else:
            server = workers.start(server_side, "queue server", QUEUE_SERVER,
                                   ["--port", str(port), "--timeout", str(int(timeout) + 10)])
            server.wait_ready(min(deadline, time.monotonic() + 60))
        client = workers.start(side, "blocking client", driver.WORKER, [
            "--timeout", str(int(timeout) + 5), "blocking", "--connect", "127.0.0.1:%d" % port,
            "--count", str(count), "--address", "bench-%d" % port])
        report = client.result(deadline)
    n = report["messages"]
    if n != count:
        raise BenchError("received %d of %d" % (n, count))
    return {"messages": n, "send_msg_per_s": n / report["send_seconds"],
            "receive_msg_per_s": n / report["receive_seconds"],
            "send_cpu_us": report["send_cpu_seconds"] * 1e6 / n,
            "receive_cpu_us": report["receive_cpu_seconds"] * 1e6 / n,
            "client_maxrss_kb": report["maxrss_kb"], "impl": report.get("impl"), "client": report}


# The row names as bench/codec_worker.py prints them (it imports proton, so it is not imported here).
CODEC_ROW_NAMES = {1: "encode full message", 2: "decode full message + read fields", 3: "Message(body=s).encode()",
                   4: "Data.put_object(nested) + encode", 5: "Data decode + get_object", 6: "build full Message(...)"}


def _codec_rows() -> List[Row]:
    return [Row("S7.%d" % n, CODEC_ROW_NAMES.get(n, "codec row %d" % n), "ns/op", "row%d_ns" % n, better="lower",
                target=15.0, target_text=">=15x") for n in codec_bench.ROW_NUMBERS]


SCENARIOS: List[Scenario] = [
    Scenario("S1", "peer to peer, at-least-once, credit 1000", run_s1,
             _p2p_rows("S1", "p2p at-least-once, credit 1000", 35.0), c_base="S1"),
    Scenario("S2", "peer to peer, at-most-once, credit 1000", run_s2,
             _p2p_rows("S2", "p2p at-most-once, credit 1000", 25.0), c_base="S2"),
    Scenario("S3", "peer to peer, at-least-once, default credit 10", run_s3,
             _p2p_rows("S3", "p2p at-least-once, credit 10", 10.0)),
    Scenario("S4", "one process, sender and receiver in one Container", run_s4, [
        Row("S4", "one process, acked", "msg/s", "ack_msg_per_s", target=25.0, target_text=">=25x",
            cpu_keys=("ack_process_cpu_us", None), rss_keys=("ack_process_maxrss_kb",)),
        Row("S4", "one process, presettled", "msg/s", "pre_msg_per_s", target=25.0, target_text=">=25x",
            cpu_keys=("pre_process_cpu_us", None), rss_keys=("pre_process_maxrss_kb",)),
    ]),
    Scenario("S5", "BlockingConnection against a queue server", run_s5, [
        Row("S5", "blocking send, one at a time", "msg/s", "send_msg_per_s", target=5.0, target_text=">=5x",
            cpu_keys=("send_cpu_us", None), rss_keys=("client_maxrss_kb",)),
        Row("S5", "blocking receive, one at a time", "msg/s", "receive_msg_per_s", target=5.0, target_text=">=5x",
            cpu_keys=(None, "receive_cpu_us"), rss_keys=("client_maxrss_kb",)),
    ]),
    Scenario("S6", "peer to peer, 1 MB binary bodies, credit 10", run_s6,
             _p2p_rows("S6", "p2p 1 MB bodies, credit 10", 3.0, unit="MB/s", key="mb_per_s")),
    Scenario("S7", "codec rows (bench/codec_worker.py)", run_s7, _codec_rows()),
    Scenario("S8", "1,000 idle connections to one listener", run_s8, [
        Row("S8", "idle connections: listener RSS", "KB/conn", "kb_per_connection", better="lower", target=1.0,
            target_text="<= ref", rss_keys=("listener_maxrss_kb",)),
        Row("S8", "idle connections: listener CPU", "% core", "idle_cpu_percent", better="lower",
            target_text="<=%g%%" % IDLE_CPU_LIMIT_PERCENT, check=lambda v: v <= IDLE_CPU_LIMIT_PERCENT),
    ]),
    Scenario("S10", "peer to peer, at-least-once, credit 1000, Sender.send_many", run_s10,
             _p2p_rows("S10", "p2p at-least-once, send_many", 35.0)
             + [_rate_row("S10", "send_many at-least-once rate", BATCH_RATE_LEAST_ONCE)], c_base="S1"),
    Scenario("S11", "peer to peer, at-most-once, credit 1000, Sender.send_many", run_s11,
             _p2p_rows("S11", "p2p at-most-once, send_many", 50.0)
             + [_rate_row("S11", "send_many at-most-once rate", BATCH_RATE_MOST_ONCE)], c_base="S2"),
]
SCENARIO_IDS = [s.sid for s in SCENARIOS]


# -- running -----------------------------------------------------------------------------------------

def c_measured_in(scenarios: List[Scenario]) -> Dict[str, str]:
    """For each scenario compared with the engine driven from C, the scenario whose rounds measure the C
    figure: its ``c_base`` when that runs too, else the first scenario of the run with that base."""
    ids = {s.sid for s in scenarios}
    where: Dict[str, str] = {}
    for scenario in scenarios:
        if scenario.c_base is not None:
            where.setdefault(scenario.c_base, scenario.c_base if scenario.c_base in ids else scenario.sid)
    return {s.sid: where[s.c_base] for s in scenarios if s.c_base is not None}


def run_rounds(scenarios: List[Scenario], sides: List[Side], cfg: Config, rounds: int, retries: int,
               log: Callable[[str], None], c_side: Optional[Side] = None) -> Dict[str, Any]:
    """samples[scenario][side] (one per successful round), errors[scenario][side] (samples given up on)
    and retried[scenario][side] (failed attempts that a retry replaced). ``c_side``: the engine driven
    from C, run after the others in the scenarios :func:`c_measured_in` names."""
    names = [side.name for side in sides] + ([c_side.name] if c_side is not None else [])
    samples: Dict[str, Dict[str, List[Dict[str, Any]]]] = {s.sid: {name: [] for name in names} for s in scenarios}
    errors: Dict[str, Dict[str, List[str]]] = {s.sid: {name: [] for name in names} for s in scenarios}
    retried: Dict[str, Dict[str, List[str]]] = {s.sid: {name: [] for name in names} for s in scenarios}
    c_in = set(c_measured_in(scenarios).values()) if c_side is not None else set()
    for number in range(1, rounds + 1):
        for scenario in scenarios:
            for side in sides + ([c_side] if c_side is not None and scenario.sid in c_in else []):
                where = "round %d/%d %s %-4s" % (number, rounds, scenario.sid, side.name)
                for attempt in range(retries + 1):
                    started = time.monotonic()
                    try:
                        sample = scenario.run(side, cfg)
                    except (BenchError, OSError, KeyError, ValueError, subprocess.SubprocessError) as exc:
                        message = "%s: %s" % (type(exc).__name__, exc)
                        if attempt < retries:
                            retried[scenario.sid][side.name].append(message)
                            log("%s failed, retrying in %d s: %s" % (where, RETRY_PAUSE, message[-300:]))
                            time.sleep(RETRY_PAUSE)
                            continue
                        errors[scenario.sid][side.name].append(message)
                        log("%s ERROR %s" % (where, message[-300:]))
                        break
                    sample["round"] = number
                    samples[scenario.sid][side.name].append(sample)
                    log("%s %s (%.1fs)" % (where, _brief(scenario, sample), time.monotonic() - started))
                    break
    return {"samples": samples, "errors": errors, "retried": retried}


def _brief(scenario: Scenario, sample: Dict[str, Any]) -> str:
    parts = []
    for row in scenario.rows[:2]:
        value = sample.get(row.key)
        if isinstance(value, (int, float)):
            parts.append("%s %s" % (_fmt(value), row.unit))
    return ", ".join(parts)


def summarize(scenarios: List[Scenario], sides: List[Side], outcome: Dict[str, Any]) -> List[Dict[str, Any]]:
    """One dict per table row: medians, ratio, target verdict, CPU and RSS medians."""
    summary = []
    for scenario in scenarios:
        for row in scenario.rows:
            entry: Dict[str, Any] = {"id": row.rid, "scenario": scenario.title, "label": row.label, "unit": row.unit,
                                     "key": row.key, "target": row.target_text}
            for side in sides:
                found = outcome["samples"][scenario.sid][side.name]
                keys = tuple(k for k in (row.key,) + row.cpu_keys + row.rss_keys if k)
                med = driver.medians(found, keys)
                entry[side.name] = {
                    "median": med[row.key],
                    "samples": [s.get(row.key) for s in found],
                    "cpu_us_sender": med.get(row.cpu_keys[0]) if row.cpu_keys[0] else None,
                    "cpu_us_receiver": med.get(row.cpu_keys[1]) if row.cpu_keys[1] else None,
                    "peak_rss_kb": max((v for v in (med.get(k) for k in row.rss_keys) if v is not None),
                                       default=None),
                    "errors": outcome["errors"][scenario.sid][side.name],
                    "retried": outcome["retried"][scenario.sid][side.name],
                }
            ours = entry.get("ours", {}).get("median")
            ref = entry.get("ref", {}).get("median")
            ratio = None
            if ours and ref:
                ratio = ours / ref if row.better == "higher" else ref / ours
            entry["ratio"] = ratio
            # The minimum of the ratios counts: msg/s and, where measured, each side's CPU per message.
            ratios = [ratio] if ratio is not None else []
            for which in ("cpu_us_sender", "cpu_us_receiver"):
                cpu_ours = entry.get("ours", {}).get(which)
                cpu_ref = entry.get("ref", {}).get(which)
                if cpu_ours and cpu_ref:
                    ratios.append(cpu_ref / cpu_ours)
            entry["min_ratio"] = min(ratios) if ratios else None
            if row.check is not None:
                verdict = None if ours is None else ("PASS" if row.check(ours) else "MISS")
            elif row.target is not None and ratio is not None:
                verdict = "PASS" if entry["min_ratio"] >= row.target else "MISS"
            else:
                verdict = None
            entry["result"] = verdict or "ERROR"
            summary.append(entry)
    return summary


# -- the table -----------------------------------------------------------------------------------------

def _fmt(value: Optional[float]) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return "{:,.0f}".format(value)
    if abs(value) >= 10:
        return "%.1f" % value
    return "%.2f" % value


def _cell(side: Dict[str, Any]) -> str:
    if side.get("median") is None:
        return "ERROR" if side.get("errors") else "-"
    mark = "*" if side.get("errors") else ""
    return _fmt(side["median"]) + mark


def _pair(ours: Optional[float], ref: Optional[float]) -> str:
    if ours is None and ref is None:
        return ""
    return "%s / %s" % (_fmt(ours), _fmt(ref))


def render_table(summary: List[Dict[str, Any]], header_lines: List[str], cpu: bool = True) -> str:
    columns = ["scenario", "metric", "cyproton", "qpid-proton", "ratio", "min ratio"]
    widths = [42, 8, 12, 12, 8, 9]
    if cpu:
        columns += ["CPU us/msg snd", "CPU us/msg rcv", "peak RSS MB"]
        widths += [16, 16, 13]
    columns += ["target", "result"]
    widths += [7, 6]

    def line(cells: List[str]) -> str:
        out = []
        for i, (cell, width) in enumerate(zip(cells, widths)):
            out.append(cell.ljust(width) if i < 2 else cell.rjust(width))
        return " ".join(out).rstrip()
    lines = list(header_lines) + ["", line(columns), "-" * (sum(widths) + len(widths) - 1)]
    for entry in summary:
        ours = entry.get("ours", {})
        ref = entry.get("ref", {})
        cells = ["%s %s" % (entry["id"], entry["label"]), entry["unit"], _cell(ours), _cell(ref),
                 "%.2fx" % entry["ratio"] if entry["ratio"] else "-",
                 "%.2fx" % entry["min_ratio"] if entry.get("min_ratio") else "-"]
        if cpu:
            rss_ours = ours.get("peak_rss_kb")
            rss_ref = ref.get("peak_rss_kb")
            cells += [_pair(ours.get("cpu_us_sender"), ref.get("cpu_us_sender")),
                      _pair(ours.get("cpu_us_receiver"), ref.get("cpu_us_receiver")),
                      _pair(rss_ours / 1024 if rss_ours else None, rss_ref / 1024 if rss_ref else None)]
        cells += [entry["target"], entry["result"]]
        lines.append(line(cells))
    notes: Dict[Tuple[str, str], List[str]] = {}
    for entry in summary:
        for name in ("ours", "ref"):
            side = entry.get(name, {})
            texts = list(side.get("errors", [])) + ["(attempt retried) " + t for t in side.get("retried", [])]
            for text in texts:
                rids = notes.setdefault((name, text), [])
                if entry["id"] not in rids:
                    rids.append(entry["id"])
    if notes:
        lines += ["", "errors (* marks a median over fewer rounds than asked):"]
        for (name, text), rids in notes.items():
            lines.append("  %s %s: %s" % (",".join(rids), "cyproton" if name == "ours" else "qpid-proton",
                                          text[-400:].replace("\n", " | ")))
    return "\n".join(lines)


# -- against the engine driven from C ---------------------------------------------------------------

def summarize_c(scenarios: List[Scenario], outcome: Dict[str, Any]) -> List[Dict[str, Any]]:
    """One dict per scenario compared with the C peer: cyproton's and C's medians (rate and CPU per
    message of each process), the ratio cyproton / C and whether it is within WITHIN_C."""
    where = c_measured_in(scenarios)
    summary = []
    for scenario in scenarios:
        if scenario.sid not in where:
            continue
        row = scenario.rows[0]
        keys = tuple(k for k in (row.key,) + row.cpu_keys if k)
        entry: Dict[str, Any] = {"id": scenario.sid, "label": row.label, "unit": row.unit, "key": row.key,
                                 "c_measured_in": where[scenario.sid], "target": ">=%.2fx" % (1 / WITHIN_C)}
        for name, sid in (("ours", scenario.sid), (C_SIDE, where[scenario.sid])):
            found = outcome["samples"][sid].get(name, [])
            med = driver.medians(found, keys)
            entry[name] = {"median": med[row.key], "samples": [s.get(row.key) for s in found],
                           "cpu_us_sender": med.get(row.cpu_keys[0]) if row.cpu_keys[0] else None,
                           "cpu_us_receiver": med.get(row.cpu_keys[1]) if row.cpu_keys[1] else None,
                           "errors": outcome["errors"][sid].get(name, []),
                           "retried": outcome["retried"][sid].get(name, [])}
        ours = entry["ours"]["median"]
        c_rate = entry[C_SIDE]["median"]
        entry["ratio"] = ours / c_rate if ours and c_rate else None
        entry["result"] = "ERROR" if entry["ratio"] is None else (
            "PASS" if ours >= c_rate / WITHIN_C else "MISS")
        summary.append(entry)
    return summary


def render_c_table(summary: List[Dict[str, Any]], c_label: str, unavailable: Optional[str]) -> str:
    columns = ["scenario", "metric", "cyproton", "C engine", "cyp/C", "CPU us/msg snd", "CPU us/msg rcv",
               "target", "result"]
    widths = [42, 8, 12, 12, 8, 16, 16, 8, 6]

    def line(cells: List[str]) -> str:
        return " ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    lines = ["cyproton against the engine driven from C, the same rounds: within %gx of C means cyproton msg/s "
             ">= C msg/s / %g" % (WITHIN_C, WITHIN_C),
             "C engine: %s" % (("NOT BUILT: " + unavailable) if unavailable else c_label),
             "CPU: user+sys us per message of each process, 'cyproton / C'; S10/S11 (send_many) against the C run "
             "of S1/S2", "", line(columns), "-" * (sum(widths) + len(widths) - 1)]
    notes = []
    for entry in summary:
        ours, c_side = entry["ours"], entry[C_SIDE]
        c_cell = "not built" if unavailable else _cell(c_side)
        label = "%s %s" % (entry["id"], entry["label"])
        if entry["c_measured_in"] != entry["id"]:
            label += " (C: %s)" % entry["c_measured_in"]
        lines.append(line([label, entry["unit"], _cell(ours), c_cell,
                           "%.2fx" % entry["ratio"] if entry["ratio"] else "-",
                           _pair(ours.get("cpu_us_sender"), c_side.get("cpu_us_sender")),
                           _pair(ours.get("cpu_us_receiver"), c_side.get("cpu_us_receiver")),
                           entry["target"], "-" if unavailable else entry["result"]]))
        if entry["c_measured_in"] == entry["id"]:
            notes += ["  %s C engine: %s" % (entry["id"], t[-400:].replace("\n", " | ")) for t in c_side["errors"]]
            notes += ["  %s C engine: (attempt retried) %s" % (entry["id"], t[-400:].replace("\n", " | "))
                      for t in c_side["retried"]]
    if notes:
        lines += ["", "C engine errors:"] + notes
    return "\n".join(lines)


def table_header(sides: List[Side], labels: Dict[str, str], rounds: int, cfg: Config) -> List[str]:
    return [
        "medians of %d interleaved round(s); ratio: cyproton/ref for rates, ref/cyproton for ns/op, KB and %%; "
        "higher is better" % rounds,
        "CPU: user+sys us per message of each process (one process: snd column), 'cyproton / reference'",
        "min ratio: the smallest of the ratio and the CPU ratios (ref/cyproton per side); the target is judged on it",
        "sizes: %s x 100-char str (S1-S4), %s blocking (S5), %s x %d B (S6), %d idle connections (S8)" % (
            "{:,}".format(cfg.messages), "{:,}".format(cfg.blocking_messages), "{:,}".format(cfg.large_messages),
            cfg.large_size, cfg.idle_connections),
        "S5 server: %s" % ("%s (cyproton.broker)" % " ".join(cfg.broker_command[1:]) if cfg.broker_command else
                           "bench/queue_server.py under cyproton's interpreter"),
    ] + ["%s: %s" % ("cyproton" if s.name == "ours" else "qpid-proton", labels.get(s.name, s.python))
         for s in sides]


# -- command line ---------------------------------------------------------------------------------------

def resolve_sides(ours_python: str, ref_python: Optional[str]) -> List[Side]:
    ours = codec_bench.resolve_python(ours_python)
    if ours is None:
        raise SystemExit("--ours-python %s: no such interpreter" % ours_python)
    sides = [Side("ours", ours)]
    ref = codec_bench.resolve_python(ref_python) if ref_python else None
    if ref is None:
        print("python-qpid-proton interpreter not found (run scripts/make_ref_venv.sh or pass --ref-python): "
              "measuring cyproton only", file=sys.stderr)
    else:
        sides.append(Side("ref", ref, isolated=True))
    return sides


def parse_args(argv: Optional[List[str]], default_scenarios: List[str], description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 3; 1 with --quick)")
    parser.add_argument("--scenarios", default=",".join(default_scenarios),
                        help="comma-separated subset of %s" % ",".join(SCENARIO_IDS))
    parser.add_argument("--quick", action="store_true", help="small sizes, one round: a smoke run")
    parser.add_argument("--ours-python", default=sys.executable, help="interpreter that imports cyproton's proton")
    parser.add_argument("--ref-python", default=codec_bench.default_ref_python(),
                        help="interpreter of the python-qpid-proton venv (default .venv-ref)")
    parser.add_argument("--broker", choices=("auto", "bench", "cyproton"), default="auto",
                        help="S5 server: `cyproton broker` when present (auto), or bench/queue_server.py")
    parser.add_argument("--retries", type=int, default=1, help="tries again after a failed sample (default 1)")
    parser.add_argument("--json-out", help="results file (default bench/results/<timestamp>.json)")
    parser.add_argument("--no-c-peer", action="store_true",
                        help="do not build or run the engine driven from C (bench/cpeer.c) in S1/S2")
    args = parser.parse_args(argv)
    wanted = [s.strip().upper() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SCENARIO_IDS]
    if unknown or not wanted:
        parser.error("unknown scenario(s) %s; choose from %s" % (",".join(unknown), ",".join(SCENARIO_IDS)))
    args.wanted = wanted
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def side_labels(scenarios: List[Scenario], sides: List[Side], outcome: Dict[str, Any]) -> Dict[str, str]:
    labels = {}
    for side in sides:
        impl = next((s.get("impl") for sc in scenarios for s in outcome["samples"][sc.sid][side.name] if s.get("impl")),
                    None)
        labels[side.name] = "%s (%s)" % (side.python, impl or "no successful sample")
    return labels


def execute(argv: Optional[List[str]], default_scenarios: List[str], description: str, json_prefix: str,
            cpu_columns: bool = True) -> int:
    """Parse options, run the rounds, print the table, write the JSON; shared with bench/throughput.py."""
    args = parse_args(argv, default_scenarios, description)
    cfg = Config.quick() if args.quick else Config()
    sides = resolve_sides(args.ours_python, args.ref_python)
    cfg.ours_python = sides[0].python
    cfg.broker = args.broker
    scenarios = [s for s in SCENARIOS if s.sid in args.wanted]
    if any(s.sid == "S5" for s in scenarios):
        cfg.broker_command = broker_command(cfg)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    c_side: Optional[Side] = None
    c_unavailable: Optional[str] = None
    compare_c = bool(c_measured_in(scenarios)) and not args.no_c_peer
    if compare_c:
        try:
            c_side = cpeer.side(C_SIDE)
            log("engine driven from C: %s" % c_side.python)
        except cpeer.Unavailable as exc:
            c_unavailable = str(exc)
            log("engine driven from C: not built: %s" % c_unavailable)

    started = time.time()
    outcome = run_rounds(scenarios, sides, cfg, args.rounds, max(0, args.retries), log, c_side=c_side)
    summary = summarize(scenarios, sides, outcome)
    labels = side_labels(scenarios, sides, outcome)
    print(render_table(summary, table_header(sides, labels, args.rounds, cfg), cpu=cpu_columns))
    c_summary = summarize_c(scenarios, outcome) if compare_c else []
    if compare_c:
        c_label = "%s, %s" % (next(
            (s.get("impl") for runs in outcome["samples"].values() for s in runs.get(C_SIDE, []) if s.get("impl")),
            "no successful sample"), c_side.python) if c_side is not None else ""
        print("\n" + render_c_table(c_summary, c_label, c_unavailable))

    stamp = time.strftime("%Y%m%d-%H%M%S")
    json_out = args.json_out or os.path.join(BENCH_DIR, "results", "%s%s.json" % (json_prefix, stamp))
    os.makedirs(os.path.dirname(os.path.abspath(json_out)), exist_ok=True)
    report = {
        "benchmark": "messaging",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "duration_seconds": time.time() - started,
        "rounds": args.rounds,
        "quick": args.quick,
        "config": {k: v for k, v in vars(cfg).items()},
        "machine": {"platform": platform.platform(), "processor": platform.processor(),
                    "cpus": os.cpu_count(), "driver_python": platform.python_version()},
        "ours": {"python": sides[0].python, "label": labels.get("ours")},
        "ref": {"python": sides[1].python if len(sides) > 1 else None, "label": labels.get("ref")},
        "rows": summary,
        "c_engine": {"binary": c_side.python if c_side is not None else None, "unavailable": c_unavailable,
                     "within": WITHIN_C, "rows": c_summary},
        "samples": outcome["samples"],
        "errors": outcome["errors"],
        "retried": outcome["retried"],
    }
    with open(json_out, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1, default=str)
        f.write("\n")
    print("\nresults: %s (%.0f s)" % (os.path.abspath(json_out), time.time() - started))
    ours_failed = all(not outcome["samples"][s.sid]["ours"] for s in scenarios)
    return 1 if ours_failed else 0


def main(argv: Optional[List[str]] = None) -> int:
    return execute(argv, SCENARIO_IDS, __doc__.splitlines()[0], "")


if __name__ == "__main__":
    sys.exit(main())
