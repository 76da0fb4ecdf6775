# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Callgrind profiles of the benchmark scenarios that miss their targets: where the instructions go.

    python bench/callgrind_profile.py [--out-dir build/profiles] [--scenarios S1,S2,S10,S11,S5,S7]
                            [--count 20000] [--base-count 2000] [--python PY] [--ref-python PY]
                            [--top 10] [--json-out FILE]

Every profiled process runs under ``valgrind --tool=callgrind --dump-instr=no`` with its own
``--callgrind-out-file`` in ``--out-dir``; whatever it talks to runs natively. Scenarios:

  S1, S2, S10, S11  the sender and the receiver of bench/run.py's peer-to-peer scenarios, one at a
                    time under callgrind (src/cyproton/bench/worker.py, the same command lines as
                    bench/run.py gives them)
  S5                the BlockingConnection client (the worker's ``blocking`` command: send one at a
                    time, then receive one at a time), and the queue server S5 uses, in turn
  S7                codec row 6, ``Message(...)`` with the fields of bench/codec_worker.py's
                    full_message(): the loop alone, the caller's dicts and values alone, a call of a
                    plain Python function with the same keywords, and the real construction

Per message figures are differences: each profile is taken twice, for ``--count`` messages and for
``--base-count``, and (big - small) / (count - base count) leaves out start-up, imports, connecting
and closing. For each side the script prints instructions per message, the self cost grouped into
buckets (CPython's eval loop, object allocation, calls, dict/attribute work and the rest; the Cython
functions of ``proton._cproton`` by name; the Proton-C engine linked into it; libc; OpenSSL), the
top functions by self cost, the inclusive cost of the hot path's functions (docs/guide/hot_path.md;
calls of a function to itself left out) and of the calls from ``_cproton`` back into the interpreter
(the callbacks). The JSON (``--json-out``, default ``<out-dir>/profile.json``) has all of it, with
the call edges left out. Every profiled process gets PYTHONHASHSEED=0, so the counts repeat from run
to run, as wall-clock ratios on a busy machine do not. One caveat: the peer that runs natively is much
faster than the side slowed down by valgrind, which changes how many messages each wake-up, read,
write, credit top-up and disposition frame covers; the per-message share of those fixed costs differs
somewhat from a run with both peers native (lower for a flooded receiver, higher for a sender whose
credit and outcomes come back in small pieces). Costs paid once per message (encode, decode, the
Message object, the callbacks) are the same either way.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
SRC_DIR = os.path.join(REPO_ROOT, "src")
QUEUE_SERVER = os.path.join(BENCH_DIR, "queue_server.py")
BROKER_READY_TEXT = "cyproton broker listening on"
DEADLINE_SECONDS = 1800.0  # one profiled run, valgrind included
P2P_SCENARIOS = {
    # sid: (presettled, batch)
    "S1": (False, False),
    "S2": (True, False),
    "S10": (False, True),
    "S11": (True, True),
}
ALL_SCENARIOS = ["S1", "S2", "S10", "S11", "S5", "S7"]
CODEC_VARIANTS = ("loop", "args", "kwargs", "full")

Fn = Tuple[str, str]  # (object file, function name)


class ProfileError(RuntimeError):
    """A profiled run failed: the message says which and why."""


# -- reading callgrind's output -------------------------------------------------------------------------------------

@dataclass
class Profile:
    """One callgrind output file: total Ir, self and inclusive Ir per function."""

    path: str
    total: int = 0
    self_cost: Dict[Fn, int] = field(default_factory=dict)
    incl_cost: Dict[Fn, int] = field(default_factory=dict)
    edges: Dict[Tuple[Fn, Fn], int] = field(default_factory=dict)  # (caller, callee) -> inclusive Ir


_NAME_LINE = re.compile(r"^(ob|fl|fi|fe|fn|cob|cfi|cfl|cfn)=(?:\((\d+)\))?\s*(.*)$")


def read_profile(path: str) -> Profile:
    """Parse a callgrind output file (the ``events: Ir`` kind this script writes).

    Self cost is every cost line of a function outside a call; inclusive cost adds the inclusive
    cost of each call it makes, except calls of a function to itself (so the eval loop re-entered
    through C still counts more than once, as callgrind_annotate counts it too)."""
    profile = Profile(path)
    names: Dict[Tuple[str, str], str] = {}  # compressed (kind, id) -> name

    def resolve(kind: str, ident: Optional[str], text: str) -> str:
        table = "fn" if kind in ("fn", "cfn") else ("ob" if kind in ("ob", "cob") else "fl")
        if ident is None:
            return text
        if text:
            names[(table, ident)] = text
            return text
        return names.get((table, ident), "?")

    ob = ""
    fn: Fn = ("", "")
    call_ob: Optional[str] = None
    call_fn: Optional[str] = None
    in_call = False
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line:
                continue
            head = line[0]
            if head.isdigit() or head in "+-*":
                parts = line.split()
                cost = int(parts[1]) if len(parts) > 1 else 0
                if in_call:
                    in_call = False
                    callee: Fn = (call_ob if call_ob is not None else ob, call_fn or "?")
                    if callee != fn:
                        profile.incl_cost[fn] = profile.incl_cost.get(fn, 0) + cost
                        edge = (fn, callee)
                        profile.edges[edge] = profile.edges.get(edge, 0) + cost
                    call_ob = call_fn = None
                else:
                    profile.self_cost[fn] = profile.self_cost.get(fn, 0) + cost
                    profile.incl_cost[fn] = profile.incl_cost.get(fn, 0) + cost
                continue
            if line.startswith("calls="):
                in_call = True
                continue
            match = _NAME_LINE.match(line)
            if match:
                kind, ident, text = match.groups()
                name = resolve(kind, ident, text)
                if kind == "ob":
                    ob = name
                elif kind == "fn":
                    fn = (ob, name)
                elif kind == "cob":
                    call_ob = name
                elif kind == "cfn":
                    call_fn = name
                continue
            if line.startswith(("summary:", "totals:")):
                profile.total = max(profile.total, int(line.split()[1]))
    if not profile.total:
        profile.total = sum(profile.self_cost.values())
    return profile


# -- naming and grouping functions ----------------------------------------------------------------------------------

_CYTHON_MODULE = "6proton_8_cproton_"


def cython_name(symbol: str) -> str:
    """A readable name for a Cython-generated C function: ``__pyx_pw_6proton_8_cproton_7CSender_11send``
    becomes ``CSender.send``, ``__pyx_tp_dealloc_6proton_8_cproton_CEvent`` ``CEvent (tp_dealloc)``.
    Names that do not follow the pattern (``__Pyx_`` helpers) are returned as they are."""
    at = symbol.find(_CYTHON_MODULE)
    if not symbol.startswith("__pyx_") or at < 0:
        return symbol
    kind = symbol[len("__pyx_"):at].strip("_")
    rest = symbol[at + len(_CYTHON_MODULE):]
    parts: List[str] = []
    while True:
        digits = re.match(r"\d+", rest)
        if not digits:
            break
        length = int(digits.group())
        start = len(digits.group())
        candidate = rest[start:start + length]
        after = rest[start + length:start + length + 1]
        if len(candidate) == length and after in ("", "_") and candidate.strip("_") \
                and not candidate[:1].isdigit():
            parts.append(candidate)
            rest = rest[start + length + 1:]
        else:  # a counter before a def function's name, not a length
            rest = rest[start:]
            break
    if rest:
        parts.append(rest)
    name = ".".join(parts) or symbol
    if kind not in ("f", "pw", "pf"):
        name += " (%s)" % kind
    return name


def plain_name(name: str) -> str:
    """``name`` without the compiler's clone suffixes (``.isra.0``, ``.constprop.0``, ``.part.0``, ``.cold``)
    and callgrind's recursion marks (``'2``)."""
    return re.sub(r"(\.(isra|constprop|part|cold|lto_priv)(\.\d+)?)+$", "", name.split("'")[0])


def short_object(ob: str) -> str:
    return os.path.basename(ob) if ob else "?"


def bucket_of(fn: Fn) -> str:
    """The bucket a function's self cost goes to."""
    ob, name = fn[0], plain_name(fn[1])
    base = short_object(ob)
    if base.startswith("_cproton"):
        return "cyproton (Cython)" if name.startswith(("__pyx", "__Pyx")) else "proton-C engine"
    if base.startswith(("python", "libpython")):
        if "EvalFrame" in name:
            return "CPython: eval loop"
        if re.search(r"[Aa]lloc|[Ff]ree|[Dd]ealloc|_GC_|gc_|visit|Malloc|_Py_NewReference|_New$|_new_|"
                     r"clear_|_Clear", name):
            return "CPython: object alloc/free"
        if re.search(r"[Dd]ict|[Ll]ookup|[Aa]ttr|insertdict|keys_|hash", name):
            return "CPython: dict/attribute"
        if re.search(r"[Cc]all|method_|_PyEval_Vector|initialize_locals|Frame|[Aa]rgs|[Kk]eyword", name):
            return "CPython: calls and frames"
        return "CPython: other"
    if base.startswith(("libssl", "libcrypto")):
        return "OpenSSL"
    if base.startswith(("libc.", "libc-", "libm.", "libpthread")):
        return "libc (syscall wrappers, memcpy, malloc)"
    if base.startswith(("ld-linux", "ld-")):
        return "dynamic loader"
    if base.startswith("libsasl") or "sasl" in base:
        return "Cyrus SASL"
    return "other (%s)" % base


def display_name(fn: Fn) -> str:
    ob, name = fn[0], plain_name(fn[1])
    if short_object(ob).startswith("_cproton") and name.startswith("__pyx"):
        return cython_name(name)
    return name


# -- per message: the difference of two profiles --------------------------------------------------------------------

@dataclass
class PerUnit:
    """Instructions per message (or per operation) of one side, from two profiles."""

    label: str
    units: int
    total: float
    self_cost: Dict[Fn, float]
    incl_cost: Dict[Fn, float]
    edges: Dict[Tuple[Fn, Fn], float]
    files: Tuple[str, str]

    def buckets(self) -> List[Tuple[str, float]]:
        sums: Dict[str, float] = {}
        for fn, cost in self.self_cost.items():
            sums[bucket_of(fn)] = sums.get(bucket_of(fn), 0.0) + cost
        return sorted(sums.items(), key=lambda kv: -kv[1])

    def cython_functions(self) -> List[Tuple[str, float]]:
        """Self cost of our Cython functions, by readable name (clones of one function merged)."""
        sums: Dict[str, float] = {}
        for fn, cost in self.self_cost.items():
            if bucket_of(fn) == "cyproton (Cython)":
                sums[display_name(fn)] = sums.get(display_name(fn), 0.0) + cost
        return sorted(sums.items(), key=lambda kv: -kv[1])

    def top_self(self, n: int) -> List[Tuple[str, str, float]]:
        """(name, bucket, self cost), clones merged."""
        sums: Dict[Tuple[str, str], float] = {}
        for fn, cost in self.self_cost.items():
            key = (display_name(fn), bucket_of(fn))
            sums[key] = sums.get(key, 0.0) + cost
        return [(name, bucket, cost) for (name, bucket), cost in sorted(sums.items(), key=lambda kv: -kv[1])[:n]]

    def inclusive_by_name(self) -> Dict[str, float]:
        """Inclusive cost of each function of ``_cproton`` (ours and the engine's) by readable name."""
        best: Dict[str, float] = {}
        for fn, cost in self.incl_cost.items():
            if short_object(fn[0]).startswith("_cproton"):
                name = display_name(fn)
                best[name] = max(best.get(name, 0.0), cost)
        return best

    def top_inclusive_cproton(self, n: int) -> List[Tuple[str, float]]:
        return sorted(self.inclusive_by_name().items(), key=lambda kv: -kv[1])[:n]

    def hot_path(self) -> List[Tuple[str, float]]:
        """The functions docs/guide/hot_path.md names, with their inclusive cost (those that ran)."""
        found = self.inclusive_by_name()
        return [(name, found[name]) for name in HOT_PATH if found.get(name, 0.0) >= 1.0]

    def python_from_cproton(self) -> float:
        """Inclusive cost of the calls from ``_cproton`` into the interpreter: the application's and the
        Python layer's callbacks (on_message, on_sendable, ...) with all they call, the library included."""
        return sum(cost for (caller, callee), cost in self.edges.items()
                   if short_object(caller[0]).startswith("_cproton")
                   and short_object(callee[0]).startswith(("python", "libpython")))

    def to_json(self, top: int) -> Dict[str, Any]:
        return {
            "label": self.label, "units": self.units, "instructions_per_unit": self.total,
            "files": list(self.files),
            "buckets": [{"bucket": b, "instructions": c} for b, c in self.buckets()],
            "cython_self": [{"function": f, "instructions": c} for f, c in self.cython_functions()[:top * 2]],
            "top_self": [{"function": name, "bucket": bucket, "instructions": c}
                         for name, bucket, c in self.top_self(top * 2)],
            "top_inclusive_cproton": [{"function": f, "instructions": c}
                                      for f, c in self.top_inclusive_cproton(top * 2)],
            "hot_path_inclusive": [{"function": f, "instructions": c} for f, c in self.hot_path()],
            "python_called_from_cproton": self.python_from_cproton(),
        }


# The hot path's functions (docs/guide/hot_path.md) by the names display_name() gives them.
HOT_PATH = [
    "CReactor.process", "CReactor.dispatch_one", "event_from_engine", "dispatch_to", "call_method", "method_lookup",
    "child_handlers", "CIncomingMessageHandler._handle", "receive_message", "CMessage._decode_raw",
    "CFlowController._handle", "COutgoingMessageHandler._handle", "CLink.send", "CLink.send_many", "send_message",
    "CMessage.__init__", "CMessage._encode_into", "pn_delivery", "pn_link_send", "pn_link_advance",
    "CReactor.after_dispatch", "CReactor.flush", "SocketConn.do_write", "SocketConn.send_pending",
    "pn_transport_pending", "CReactor.wait", "CReactor.wait_ready", "SocketConn.do_read", "pn_transport_process",
    "recycle_event",
]


def per_unit(label: str, big: Profile, small: Profile, units: int) -> PerUnit:
    def diff(a: Dict[Any, int], b: Dict[Any, int]) -> Dict[Any, float]:
        return {key: (a.get(key, 0) - b.get(key, 0)) / units for key in set(a) | set(b)}
    return PerUnit(label, units, (big.total - small.total) / units, diff(big.self_cost, small.self_cost),
                   diff(big.incl_cost, small.incl_cost), diff(big.edges, small.edges), (big.path, small.path))


# -- running under valgrind -----------------------------------------------------------------------------------------

def profiled_env() -> Dict[str, str]:
    """The environment of every process this script starts: a fixed hash seed, so that dict and set
    probing (and so the instruction counts) are the same from one run to the next."""
    return dict(os.environ, PYTHONHASHSEED="0")


def valgrind_prefix(out_file: str) -> List[str]:
    # --separate-recs=1: a function re-entered is one function (no 'N copies), its self-calls left out of
    # inclusive cost
    return ["valgrind", "--tool=callgrind", "--dump-instr=no", "--separate-recs=1", "-q",
            "--callgrind-out-file=" + out_file]


def require_valgrind() -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("bench/callgrind_profile.py: valgrind is not installed (Debian: apt-get install valgrind); "
                         "nothing was profiled")


def load_driver() -> Any:
    """bench/run.py's subprocess helpers (src/cyproton/bench/driver.py imports no proton)."""
    if SRC_DIR not in sys.path:
        sys.path.append(SRC_DIR)
    from cyproton.bench import driver
    return driver


def run_p2p(driver: Any, python: str, sid: str, profiled: str, count: int, out_file: str) -> None:
    """One transfer of ``sid`` with the ``profiled`` side ("sender" or "receiver") under callgrind."""
    presettled, batch = P2P_SCENARIOS[sid]
    deadline = time.monotonic() + DEADLINE_SECONDS
    alarm = ["--timeout", str(int(DEADLINE_SECONDS))]
    url = "127.0.0.1:%d" % driver.free_port()
    receive = alarm + ["receive", "--count", str(count), "--body", "str:100", "--address", "bench",
                       "--prefetch", "1000", "--listen", url]
    send = alarm + ["send", "--connect", url, "--address", "bench", "--count", str(count), "--body", "str:100"]
    send += (["--presettled"] if presettled else []) + (["--batch"] if batch else [])

    def command(role: str, args: List[str]) -> List[str]:
        native = [python, driver.WORKER] + args
        return valgrind_prefix(out_file) + native if role == profiled else native

    with driver.Workers() as workers:
        receiver = driver.Worker("receiver", command("receiver", receive), env=profiled_env())
        workers.started.append(receiver)
        receiver.wait_ready(deadline)
        sender = driver.Worker("sender", command("sender", send), env=profiled_env())
        workers.started.append(sender)
        got = receiver.result(deadline)
        sender.result(deadline)
    if got.get("messages") != count:
        raise ProfileError("%s %s: received %r of %d" % (sid, profiled, got.get("messages"), count))


def server_command(python: str, port: int) -> Tuple[List[str], Optional[str]]:
    """The S5 queue server, chosen as bench/run.py chooses it: ``cyproton broker`` when this
    interpreter has it, else bench/queue_server.py. Returns the command and its ready text."""
    probe = subprocess.run([python, "-m", "cyproton", "broker", "--help"], capture_output=True, text=True,
                           timeout=120)
    if probe.returncode == 0 and "--address" in probe.stdout:
        return [python, "-m", "cyproton", "broker", "--address", "127.0.0.1:%d" % port], BROKER_READY_TEXT
    return [python, QUEUE_SERVER, "--port", str(port), "--timeout", str(int(DEADLINE_SECONDS))], None


def stop_gracefully(worker: Any, seconds: float = 300.0) -> None:
    """SIGTERM, so that valgrind writes the profile of a server that never exits by itself."""
    if worker.proc.poll() is None:
        worker.proc.send_signal(signal.SIGTERM)
        try:
            worker.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pass


def run_blocking(driver: Any, python: str, profiled: str, count: int, out_file: str) -> None:
    """S5 with ``count`` messages: the client or the server ("client", "server") under callgrind."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    port = driver.free_port()
    server_cmd, ready_text = server_command(python, port)
    if profiled == "server":
        server_cmd = valgrind_prefix(out_file) + server_cmd
    client_cmd = [python, driver.WORKER, "--timeout", str(int(DEADLINE_SECONDS)), "blocking",
                  "--connect", "127.0.0.1:%d" % port, "--count", str(count), "--address", "bench-%d" % port,
                  "--op-timeout", "300"]
    if profiled == "client":
        client_cmd = valgrind_prefix(out_file) + client_cmd
    with driver.Workers() as workers:
        server = driver.Worker("server", server_cmd, env=profiled_env(), ready_text=ready_text)
        workers.started.append(server)
        server.wait_ready(deadline)
        client = driver.Worker("client", client_cmd, env=profiled_env())
        workers.started.append(client)
        report = client.result(deadline)
        stop_gracefully(server)
    if report.get("messages") != count:
        raise ProfileError("S5 %s: %r of %d messages" % (profiled, report.get("messages"), count))


def run_codec(python: str, variant: str, iterations: int, out_file: str) -> None:
    """This script's own ``--codec-loop`` mode under callgrind."""
    cmd = valgrind_prefix(out_file) + [python, os.path.abspath(__file__), "--codec-loop", variant,
                                       "--iterations", str(iterations)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=DEADLINE_SECONDS, env=profiled_env())
    if done.returncode != 0:
        raise ProfileError("codec %s under %s exited %d: %s" % (variant, python, done.returncode,
                                                                 done.stderr.strip()[-1500:]))


# -- the codec loop (runs in the profiled child) --------------------------------------------------------------------

def codec_loop(variant: str, iterations: int) -> None:
    """Run one S7 row 6 variant ``iterations`` times. Variants (each includes the ones before it):

    loop    the loop and a call of an empty Python function
    args    the caller's own work: the properties and annotations dicts with their symbol() and
            ulong() values, as bench/codec_worker.py's full_message() builds them
    kwargs  the same plus a call of a plain Python function with the same 14 keyword arguments
    full    full_message() itself: Message(...) with those arguments
    """
    sys.path.insert(0, BENCH_DIR)
    from proton import symbol, ulong

    import codec_worker  # bench/codec_worker.py (imports proton)

    def nothing() -> None:
        return None

    def args_only() -> Tuple[Dict[str, Any], Dict[Any, Any]]:
        return ({"sequence": 1, "tenant": "acme", "retry": False, "score": 0.75},
                {symbol("x-opt-partition"): "p0", symbol("x-opt-offset"): ulong(1024)})

    def plain(**fields: Any) -> None:
        return None

    def kwargs_call() -> None:
        plain(body="Hello from the cyproton codec benchmark!", id="msg-000001", correlation_id="request-42",
              address="examples", reply_to="reply-queue", subject="benchmark", content_type="text/plain",
              user_id=b"guest", durable=True, priority=6, ttl=30.0, creation_time=1767225600.0,
              properties={"sequence": 1, "tenant": "acme", "retry": False, "score": 0.75},
              annotations={symbol("x-opt-partition"): "p0", symbol("x-opt-offset"): ulong(1024)})

    scenarios: Dict[str, Callable[[], Any]] = {"loop": nothing, "args": args_only, "kwargs": kwargs_call,
                                               "full": codec_worker.full_message}
    scenario = scenarios[variant]
    for _ in range(iterations):
        scenario()


# -- reporting ------------------------------------------------------------------------------------------------------

def fmt(value: float) -> str:
    return "{:,.0f}".format(value)


def render(unit: PerUnit, top: int, per: str = "msg") -> str:
    lines = ["", "== %s: %s instructions per %s (from %d %ss)" % (unit.label, fmt(unit.total), per, unit.units, per)]
    lines.append("   buckets (self cost)")
    for name, cost in unit.buckets():
        if abs(cost) >= max(1.0, unit.total * 0.005):
            lines.append("     %-44s %10s  %5.1f%%" % (name, fmt(cost), 100.0 * cost / unit.total if unit.total else 0))
    lines.append("   cyproton's Cython functions (self)")
    for name, cost in [nc for nc in unit.cython_functions() if abs(nc[1]) >= 0.5][:top]:
        lines.append("     %-60s %10s" % (name[:60], fmt(cost)))
    lines.append("   top functions (self)")
    for name, bucket, cost in unit.top_self(top):
        lines.append("     %-60s %10s  %s" % (name[:60], fmt(cost), bucket))
    lines.append("   the hot path's functions (inclusive)")
    for name, cost in unit.hot_path():
        lines.append("     %-60s %10s" % (name[:60], fmt(cost)))
    lines.append("     %-60s %10s" % ("(calls from _cproton into the interpreter: callbacks)", fmt(
        unit.python_from_cproton())))
    return "\n".join(lines)


def two_runs(label: str, big_count: int, small_count: int, out_dir: str, stem: str,
             run: Callable[[int, str], None], log: Callable[[str], None]) -> PerUnit:
    files = []
    for n in (big_count, small_count):
        out_file = os.path.join(out_dir, "%s-%d.callgrind" % (stem, n))
        started = time.monotonic()
        run(n, out_file)
        if not os.path.exists(out_file):
            raise ProfileError("%s: callgrind wrote no %s" % (label, out_file))
        log("  %s, %d: %.0f s -> %s" % (label, n, time.monotonic() - started, out_file))
        files.append(read_profile(out_file))
    return per_unit(label, files[0], files[1], big_count - small_count)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default=os.path.join(REPO_ROOT, "build", "profiles"),
                        help="where the callgrind files go (default build/profiles)")
    parser.add_argument("--scenarios", default=",".join(ALL_SCENARIOS), help="subset of " + ",".join(ALL_SCENARIOS))
    parser.add_argument("--count", type=int, default=20_000, help="messages of the big peer-to-peer run")
    parser.add_argument("--base-count", type=int, default=2_000, help="messages of the small run subtracted")
    parser.add_argument("--blocking-count", type=int, default=2_000, help="S5 messages of the big run")
    parser.add_argument("--blocking-base", type=int, default=200, help="S5 messages of the small run")
    parser.add_argument("--codec-iterations", type=int, default=20_000, help="S7 operations of the big run")
    parser.add_argument("--codec-base", type=int, default=2_000, help="S7 operations of the small run")
    parser.add_argument("--python", default=sys.executable, help="interpreter that imports cyproton's proton")
    parser.add_argument("--ref-python", default=None,
                        help="also profile S7 row 6 under this interpreter (python-qpid-proton's venv)")
    parser.add_argument("--top", type=int, default=10, help="functions listed per table")
    parser.add_argument("--json-out", help="results (default <out-dir>/profile.json)")
    parser.add_argument("--codec-loop", choices=CODEC_VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--iterations", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.codec_loop:
        codec_loop(args.codec_loop, args.iterations)
        return 0

    wanted = [s.strip().upper() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in ALL_SCENARIOS]
    if unknown or not wanted:
        parser.error("unknown scenario(s) %s; choose from %s" % (",".join(unknown), ",".join(ALL_SCENARIOS)))
    for big, small, what in ((args.count, args.base_count, "--count/--base-count"),
                             (args.blocking_count, args.blocking_base, "--blocking-count/--blocking-base"),
                             (args.codec_iterations, args.codec_base, "--codec-iterations/--codec-base")):
        if not 0 < small < big:
            parser.error("%s: need 0 < base < count" % what)
    require_valgrind()
    python = os.path.abspath(args.python) if os.sep in args.python else (shutil.which(args.python) or args.python)
    out_dir = os.path.abspath(args.out_dir)
    os.makedirs(out_dir, exist_ok=True)
    driver = load_driver()

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    results: Dict[str, Any] = {"python": python, "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "sides": {},
                               "errors": {}}
    outputs: List[PerUnit] = []

    def attempt(key: str, big: int, small: int, stem: str, run: Callable[[int, str], None],
                per: str = "msg") -> Optional[PerUnit]:
        try:
            unit = two_runs(key, big, small, out_dir, stem, run, log)
        except (ProfileError, driver.BenchError, subprocess.TimeoutExpired, OSError) as exc:
            log("  %s FAILED: %s" % (key, str(exc)[-1500:]))
            results["errors"][key] = str(exc)
            return None
        print(render(unit, args.top, per), flush=True)
        results["sides"][key] = unit.to_json(args.top)
        outputs.append(unit)
        return unit

    for sid in [s for s in wanted if s in P2P_SCENARIOS]:
        for role in ("sender", "receiver"):
            log("%s %s under callgrind" % (sid, role))
            attempt("%s %s" % (sid, role), args.count, args.base_count, "%s-%s" % (sid, role),
                    functools.partial(run_p2p, driver, python, sid, role))

    if "S5" in wanted:
        for role in ("client", "server"):
            log("S5 %s under callgrind" % role)
            attempt("S5 %s" % role, args.blocking_count, args.blocking_base, "S5-%s" % role,
                    functools.partial(run_blocking, driver, python, role), per="message sent+received")

    if "S7" in wanted:
        codec: Dict[str, Dict[str, float]] = {}
        interpreters = [("cyproton", python)] + ([("reference", args.ref_python)] if args.ref_python else [])
        for impl, interpreter in interpreters:
            for variant in CODEC_VARIANTS if impl == "cyproton" else ("loop", "full"):
                # the reference's construction is slower: a tenth of the operations is plenty
                big, small = (args.codec_iterations, args.codec_base) if impl == "cyproton" or variant == "loop" \
                    else (max(2, args.codec_iterations // 10), max(1, args.codec_base // 10))
                log("S7 row 6 %s, %s, under callgrind" % (variant, impl))
                unit = attempt("S7 row 6 %s (%s)" % (variant, impl), big, small, "S7-%s-%s" % (impl, variant),
                               functools.partial(run_codec, interpreter, variant), per="op")
                if unit is not None:
                    codec.setdefault(impl, {})[variant] = unit.total
        results["codec_split"] = codec_split(codec)
        print("\n" + render_codec_split(results["codec_split"]))

    json_out = args.json_out or os.path.join(out_dir, "profile.json")
    with open(json_out, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    print("\nprofiles: %s; results: %s" % (out_dir, json_out))
    return 1 if results["errors"] and not outputs else 0


def codec_split(codec: Dict[str, Dict[str, float]]) -> Dict[str, Any]:
    """Instructions per Message(...) construction: the caller's part and the library's part."""
    split: Dict[str, Any] = {}
    ours = codec.get("cyproton", {})
    if all(v in ours for v in CODEC_VARIANTS):
        split["cyproton"] = {
            "loop": ours["loop"],
            "caller_dicts_and_values": ours["args"] - ours["loop"],
            "kwargs_call_of_a_python_function": ours["kwargs"] - ours["args"],
            "message_call_and_init": ours["full"] - ours["args"],
            "full": ours["full"],
        }
    ref = codec.get("reference", {})
    if "loop" in ref and "full" in ref:
        split["reference"] = {"loop": ref["loop"], "full": ref["full"]}
        if "cyproton" in split:
            split["reference"]["library_part"] = ref["full"] - ref["loop"] - split["cyproton"][
                "caller_dicts_and_values"]
    return split


def render_codec_split(split: Dict[str, Any]) -> str:
    lines = ["== S7 row 6, build full Message(...): instructions per operation"]
    ours = split.get("cyproton")
    if ours:
        lines += ["   loop and an empty call                        %10s" % fmt(ours["loop"]),
                  "   caller's dicts and symbol()/ulong() values      %10s" % fmt(ours["caller_dicts_and_values"]),
                  "   (a plain Python f(**14 fields) would add        %10s)" % fmt(
                      ours["kwargs_call_of_a_python_function"]),
                  "   Message(...) call and cyproton's init           %10s" % fmt(ours["message_call_and_init"]),
                  "   total full_message()                            %10s" % fmt(ours["full"])]
    ref = split.get("reference")
    if ref:
        lines.append("   python-qpid-proton total full_message()         %10s" % fmt(ref["full"]))
        if "library_part" in ref:
            lines.append("   python-qpid-proton Message(...) part            %10s" % fmt(ref["library_part"]))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
