# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The benchmark's C peer (bench/cpeer.c, the engine driven from C that ``make bench`` compares S1/S2
with) builds against the engine in build/, and exchanges every message it is asked to: with itself
and with cyproton's Python worker in either direction, at least and at most once, printing the
worker's JSON so the same driver code collects it. Counts only; speed is for the benchmark."""

import os
import subprocess
import sys
import time

import pytest

import support

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import cpeer  # noqa: E402  (bench/cpeer.py)
from cyproton.bench import driver  # noqa: E402

COUNT = 3000
MODES = pytest.mark.parametrize("presettled", [False, True], ids=["at-least-once", "at-most-once"])


def _python_env():
    """The worker runs on the installed package (no PYTHONPATH), unless only this tree's build imports."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = subprocess.run([sys.executable, "-c", "import proton._cproton"], env=env, capture_output=True,
                           timeout=60)
    return env if probe.returncode == 0 else None


@pytest.fixture(scope="module")
def c_side():
    try:  # what a machine may lack: skip; a build that fails is a failure
        cpeer.engine_build()
        cpeer.compiler()
    except cpeer.Unavailable as exc:
        pytest.skip("the C peer cannot be built here: %s" % exc)
    return cpeer.side("c")


@pytest.fixture(scope="module")
def py_side():
    if not support.CYPROTON:
        pytest.skip("the Python side is cyproton's worker")
    return driver.Side("ours", sys.executable, env=_python_env())


def exchange(receiver_side, sender_side, count, presettled, sender_count=None):
    """A receiver of one side listening, a sender of the other connecting; their final reports."""
    url = "127.0.0.1:%d" % driver.free_port()
    deadline = time.monotonic() + 90
    receive_args = ["--timeout", "90", "receive", "--listen", url, "--count", str(count), "--body", "str:100",
                    "--address", "bench", "--prefetch", "1000"]
    send_args = ["--timeout", "90", "send", "--connect", url, "--address", "bench", "--body", "str:100",
                 "--count", str(count if sender_count is None else sender_count)]
    with driver.Workers() as workers:
        receiver = workers.start(receiver_side, "receiver", driver.WORKER, receive_args)
        receiver.wait_ready(deadline)
        sender = workers.start(sender_side, "sender", driver.WORKER, send_args + (["--presettled"] if presettled
                                                                                   else []))
        received = receiver.result(deadline)
        sent = sender.result(deadline)
    return sent, received


def check(sent, received, count, presettled):
    assert received["role"] == "receiver" and received["messages"] == count and received["error"] is None
    assert sent["role"] == "sender" and sent["messages"] == count and sent["error"] is None
    assert sent["presettled"] is presettled
    if not presettled:
        assert sent["settled"] == count  # an outcome came back for every message
    for report in (sent, received):
        assert report["t_last"] >= report["t_first"] > 0
        assert report["cpu_seconds"] >= report["cpu_run_seconds"] > 0
        assert report["maxrss_kb"] > 0


def test_builds_into_build_dir(c_side):
    assert os.path.realpath(c_side.python).startswith(os.path.realpath(cpeer.work_dir()))
    assert os.access(c_side.python, os.X_OK)
    assert c_side.command(driver.WORKER, ["send"]) == [c_side.python, "send"]


@MODES
def test_c_with_itself_through_the_driver(c_side, presettled):
    sample = driver.run_peer_to_peer(c_side, COUNT, presettled=presettled, prefetch=1000, timeout=90)
    check(sample["sender"], sample["receiver"], COUNT, presettled)
    assert sample["messages"] == COUNT and sample["msg_per_s"] > 0
    assert sample["sender_cpu_us"] > 0 and sample["receiver_cpu_us"] > 0
    assert "driven from C" in sample["impl"]


@MODES
def test_c_sender_to_python_receiver(c_side, py_side, presettled):
    sent, received = exchange(py_side, c_side, COUNT, presettled)
    check(sent, received, COUNT, presettled)
    assert "driven from C" not in received["impl"] and "driven from C" in sent["impl"]


@MODES
def test_python_sender_to_c_receiver(c_side, py_side, presettled):
    sent, received = exchange(c_side, py_side, COUNT, presettled)
    check(sent, received, COUNT, presettled)
    assert "driven from C" not in sent["impl"] and "driven from C" in received["impl"]


@MODES
def test_c_receiver_reports_what_is_missing(c_side, presettled):
    """The C receiver counts: a sender that stops short makes it report the shortfall as an error."""
    with pytest.raises(driver.BenchError, match="received 100 of 200 messages"):
        exchange(c_side, c_side, 200, presettled, sender_count=100)
