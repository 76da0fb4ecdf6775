# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""S5 with several messages in flight: BlockingConnection round trips, cyproton against python-qpid-proton.

    python bench/blocking_inflight.py [--windows 1,10,100] [--count 10000] [--rounds 3]
                                      [--ours-python PY] [--ref-python PY] [--json-out FILE]
    python bench/blocking_inflight.py client --connect HOST:PORT --address ADDR --window 10 --count 10000

S5 (bench/run.py) sends one message at a time, each waiting for its outcome, then receives one at a
time with credit 1: every message is a full round trip to the queue server. Here the same client
runs with ``--window`` W messages in flight: it sends W messages on the BlockingSender's link, then
waits (BlockingConnection.wait) until the server has settled all W; and it receives through a
BlockingReceiver made with credit W, so W messages are on their way while it takes one. W = 1 is
S5 itself (BlockingSender.send and credit 1). Both sides' clients talk to the same server, the one
S5 uses (``cyproton broker``, else bench/queue_server.py, under cyproton's interpreter).

The table also has the machine's own round trip: two Python processes passing 150 bytes back and
forth over a loopback TCP socket (``socket.send``/``recv``), which no messaging library can beat
for one message at a time. Rounds interleave the two implementations; each cell is the median.
The client command prints one JSON line and uses only the public ``proton`` API, so it runs under
either implementation's interpreter (the reference with ``-E -s``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from typing import Any, Dict, List, Optional, Tuple

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
SRC_DIR = os.path.join(REPO_ROOT, "src")
QUEUE_SERVER = os.path.join(BENCH_DIR, "queue_server.py")
BROKER_READY_TEXT = "cyproton broker listening on"
BODY = ("blocking in-flight benchmark body, one hundred characters of text for each message sent. "
        * 2)[:100]
PING_BYTES = 150


def cpu_now() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- the client (runs under either implementation) ----------------------------------------------------------------

def run_client(url: str, address: str, count: int, window: int, op_timeout: float) -> Dict[str, Any]:
    """Send ``count`` messages ``window`` at a time, then receive them with credit ``window``."""
    from proton import Message
    from proton.utils import BlockingConnection

    connection = BlockingConnection(url, timeout=op_timeout)
    try:
        sender = connection.create_sender(address)
        t0, c0 = time.perf_counter(), cpu_now()
        if window == 1:
            for _ in range(count):
                sender.send(Message(body=BODY))
        else:
            link = sender.link
            sent = 0
            while sent < count:
                batch = [link.send(Message(body=BODY)) for _ in range(min(window, count - sent))]
                connection.wait(lambda: all(d.settled for d in batch), timeout=op_timeout)
                for delivery in batch:
                    delivery.settle()
                sent += len(batch)
        t1, c1 = time.perf_counter(), cpu_now()
        sender.close()
        receiver = connection.create_receiver(address, credit=window)
        bad = 0
        t2, c2 = time.perf_counter(), cpu_now()
        for _ in range(count):
            if receiver.receive(timeout=op_timeout).body != BODY:
                bad += 1
            receiver.accept()
        t3, c3 = time.perf_counter(), cpu_now()
        receiver.close()
    finally:
        connection.close()
    import proton
    return {"window": window, "messages": count, "send_msg_per_s": count / (t1 - t0),
            "receive_msg_per_s": count / (t3 - t2), "send_cpu_us": (c1 - c0) * 1e6 / count,
            "receive_cpu_us": (c3 - c2) * 1e6 / count, "bad": bad, "proton_file": proton.__file__}


# -- the machine's round trip -------------------------------------------------------------------------------------

def echo_server(port: int) -> None:
    """Echo what arrives on one accepted connection until it closes."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(1)
        print(json.dumps({"ready": True}), flush=True)
        conn, _ = listener.accept()
        with conn:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                conn.sendall(data)


def ping_pong(python: str, count: int) -> float:
    """Round trips per second between this process and an echo server process (``python``)."""
    port = free_port()
    server = subprocess.Popen([python, os.path.abspath(__file__), "echo-server", "--port", str(port)],
                              stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        assert server.stdout is not None
        server.stdout.readline()
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            payload = b"x" * PING_BYTES
            started = time.perf_counter()
            for _ in range(count):
                conn.sendall(payload)
                got = 0
                while got < PING_BYTES:
                    got += len(conn.recv(65536))
            return count / (time.perf_counter() - started)
    finally:
        server.wait(timeout=30)


# -- driving both implementations ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(python: str, port: int) -> Tuple[subprocess.Popen[str], str]:
    """S5's server under ``python``: ``cyproton broker`` when it has one, else bench/queue_server.py."""
    probe = subprocess.run([python, "-m", "cyproton", "broker", "--help"], capture_output=True, text=True,
                           timeout=120)
    if probe.returncode == 0 and "--address" in probe.stdout:
        cmd, ready, label = ([python, "-m", "cyproton", "broker", "--address", "127.0.0.1:%d" % port],
                             BROKER_READY_TEXT, "cyproton broker")
    else:
        cmd, ready, label = ([python, QUEUE_SERVER, "--port", str(port), "--timeout", "3600"], '"ready"',
                             "bench/queue_server.py")
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              text=True)
    assert server.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line:
            raise SystemExit("the queue server exited before it was ready")
        if ready in line:
            # keep its output flowing, so that a server that logs cannot block on a full pipe
            threading.Thread(target=server.stdout.read, daemon=True).start()
            return server, label
    server.kill()
    raise SystemExit("the queue server was not ready within 120 s")


def client_sample(python: str, isolated: bool, url: str, address: str, count: int, window: int) -> Dict[str, Any]:
    cmd = [python] + (["-E", "-s"] if isolated else []) + [os.path.abspath(__file__), "client", "--connect", url,
                                                          "--address", address, "--count", str(count),
                                                          "--window", str(window)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600 + count / 50)
    if done.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (" ".join(cmd), done.returncode, done.stderr.strip()[-1500:]))
    found: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if found["bad"]:
        raise RuntimeError("%d bodies differ" % found["bad"])
    return found


def median(values: List[float]) -> Optional[float]:
    return statistics.median(values) if values else None


def compare(args: argparse.Namespace) -> int:
    windows = [int(w) for w in args.windows.split(",") if w.strip()]
    sides: List[Tuple[str, str, bool]] = [("cyproton", args.ours_python, False)]
    if args.ref_python:
        sides.append(("qpid-proton", args.ref_python, True))
    samples: Dict[Tuple[str, int], List[Dict[str, Any]]] = {}
    pings: List[float] = []
    port = free_port()
    server, server_label = start_server(args.ours_python, port)
    url = "127.0.0.1:%d" % port
    try:
        for round_number in range(1, args.rounds + 1):
            print("round %d/%d" % (round_number, args.rounds), file=sys.stderr, flush=True)
            pings.append(ping_pong(args.ours_python, args.ping_count))
            for window in windows:
                for name, python, isolated in sides:
                    address = "inflight-%s-%d-%d" % (name, window, round_number)
                    samples.setdefault((name, window), []).append(
                        client_sample(python, isolated, url, address, args.count, window))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    rows = []
    for window in windows:
        row: Dict[str, Any] = {"window": window}
        for name, _, _ in sides:
            found = samples.get((name, window), [])
            for key in ("send_msg_per_s", "receive_msg_per_s", "send_cpu_us", "receive_cpu_us"):
                row["%s %s" % (name, key)] = median([s[key] for s in found])
        rows.append(row)
    ping = median(pings) or 0.0
    lines = ["BlockingConnection with W messages in flight, %d messages, medians of %d round(s); server: %s under "
             "%s" % (args.count, args.rounds, server_label, args.ours_python),
             "machine round trip (Python socket ping-pong, %d bytes, two processes): %s per second = %.1f us"
             % (PING_BYTES, "{:,.0f}".format(ping), 1e6 / ping if ping else 0.0), "",
             "%-7s %-8s %12s %12s %7s %14s" % ("window", "phase", "cyproton", "qpid-proton", "ratio",
                                               "CPU us/msg cyp/ref")]
    for row in rows:
        for phase in ("send", "receive"):
            ours = row.get("cyproton %s_msg_per_s" % phase)
            ref = row.get("qpid-proton %s_msg_per_s" % phase)
            cpu = "%.1f / %s" % (row["cyproton %s_cpu_us" % phase], "%.1f" % row["qpid-proton %s_cpu_us" % phase]
                                 if ref else "-")
            lines.append("%-7d %-8s %12s %12s %7s %14s" % (
                row["window"], phase, "{:,.0f}".format(ours) if ours else "-", "{:,.0f}".format(ref) if ref else "-",
                "%.2fx" % (ours / ref) if ours and ref else "-", cpu))
    print("\n".join(lines))
    report = {"benchmark": "blocking-inflight", "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "count": args.count,
              "rounds": args.rounds, "server": server_label, "ours_python": args.ours_python,
              "ref_python": args.ref_python, "ping_pong_per_s": pings, "rows": rows,
              "samples": {"%s/%d" % key: value for key, value in samples.items()}}
    json_out = args.json_out or os.path.join(BENCH_DIR, "results",
                                             "blocking-inflight-%s.json" % time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(os.path.dirname(os.path.abspath(json_out)), exist_ok=True)
    with open(json_out, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    print("\nresults: %s" % os.path.abspath(json_out))
    return 0


def default_ref_python() -> Optional[str]:
    path = os.environ.get("CYPROTON_REF_PYTHON") or os.path.join(REPO_ROOT, ".venv-ref", "bin", "python")
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", default="1,10,100", help="messages in flight, comma-separated (default 1,10,100)")
    parser.add_argument("--count", type=int, default=10_000, help="messages per client run (default 10,000)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--ping-count", type=int, default=20_000, help="socket round trips per round")
    parser.add_argument("--ours-python", default=sys.executable, help="interpreter that imports cyproton")
    parser.add_argument("--ref-python", default=default_ref_python(),
                        help="interpreter of the python-qpid-proton venv (default .venv-ref)")
    parser.add_argument("--json-out", help="results (default bench/results/blocking-inflight-<timestamp>.json)")
    sub = parser.add_subparsers(dest="command")
    client = sub.add_parser("client", help="one client run (prints one JSON line)")
    client.add_argument("--connect", required=True)
    client.add_argument("--address", required=True)
    client.add_argument("--count", type=int, default=10_000)
    client.add_argument("--window", type=int, default=1)
    client.add_argument("--op-timeout", type=float, default=60.0)
    echo = sub.add_parser("echo-server", help="the echo end of the socket ping-pong")
    echo.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    if args.command == "client":
        if args.window < 1:
            parser.error("--window must be at least 1")
        print(json.dumps(run_client(args.connect, args.address, args.count, args.window, args.op_timeout)))
        return 0
    if args.command == "echo-server":
        echo_server(args.port)
        return 0
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
