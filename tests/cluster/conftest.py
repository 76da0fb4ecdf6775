# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The cluster tier: failover across a real 3-node RabbitMQ cluster, cyproton and python-qpid-proton side by side.

Runs with ``make test-cluster`` (which sets ``CYPROTON_CLUSTER=1``); a plain ``pytest tests`` skips it, because
it takes minutes. The cluster is started once for the session by ``start_cluster.sh`` on free loopback ports and
stopped by PID at the end. At the end the tier prints one line per scenario, client kind and implementation with
"lost N" and "duplicates N", and writes the figures to ``build/cluster/results-<time>.json``.

Interpreters (as in tests/interop): ``CYPROTON_OURS_PYTHON`` (default ``.venv/bin/python``; the tier's own
``PYTHONPATH`` is passed on, so ``PYTHONPATH=src`` runs a development build) and ``CYPROTON_REF_PYTHON`` (default
``.venv-ref/bin/python``, run with ``-I``). ``CYPROTON_CLUSTER_KINDS`` (default ``handler,blocking,asyncio``;
``asyncio`` is cyproton's alone) picks the client kinds; counts and times: ``CYPROTON_CLUSTER_KILLS`` (10),
``CYPROTON_CLUSTER_PAUSES`` (2), ``CYPROTON_CLUSTER_OUTAGES`` (1), ``CYPROTON_CLUSTER_DOWN`` (seconds the whole
cluster stays down, 6).
``CYPROTON_CLUSTER_RATE`` (messages per second each producer offers, 200).
``CYPROTON_CLUSTER_DIR`` runs the tier against a cluster ``make cluster-up`` started (and leaves it running).
"""

import json
import os
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import harness  # noqa: E402

SKIP_STATUS = 77
ROWS_KEY = pytest.StashKey()


def pytest_configure(config):
    config.addinivalue_line("markers", "cluster: failover across a 3-node RabbitMQ cluster (make test-cluster)")
    config.stash[ROWS_KEY] = []


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CYPROTON_CLUSTER") == "1":
        return
    skip = pytest.mark.skip(reason="the cluster tier takes minutes: run it with make test-cluster")
    for item in items:
        if item.get_closest_marker("cluster") is not None:
            item.add_marker(skip)


def _interpreter(variable, default, what, isolate):
    python = os.environ.get(variable, os.path.join(harness.REPO, default))
    if not os.path.exists(python):
        pytest.fail("%s interpreter %s not found (set %s)" % (what, python, variable), pytrace=False)
    argv = [python, "-I"] if isolate else [python]
    probe = subprocess.run(argv + ["-c", "import proton.reactor, proton.utils"], capture_output=True, text=True,
                           timeout=60)
    if probe.returncode:
        pytest.fail("%s interpreter %s cannot import proton: %s" % (what, python, probe.stderr[-1500:]),
                    pytrace=False)
    return argv


@pytest.fixture(scope="session")
def pythons():
    """argv prefix of each implementation's interpreter: {"ours": [...], "ref": [...]}."""
    return {"ours": _interpreter("CYPROTON_OURS_PYTHON", ".venv/bin/python", "cyproton", False),
            "ref": _interpreter("CYPROTON_REF_PYTHON", ".venv-ref/bin/python", "python-qpid-proton", True)}


@pytest.fixture(scope="session")
def settings(pythons):
    env = os.environ.get
    return {
        "kinds": [k for k in env("CYPROTON_CLUSTER_KINDS", "handler,blocking,asyncio").split(",") if k],
        "kills": int(env("CYPROTON_CLUSTER_KILLS", "10")),
        "pauses": int(env("CYPROTON_CLUSTER_PAUSES", "2")),
        "outages": int(env("CYPROTON_CLUSTER_OUTAGES", "1")),
        "down_seconds": float(env("CYPROTON_CLUSTER_DOWN", "6")),
        # producers offer at most this many messages per second, so that every consumer keeps up and the
        # scenarios stay bounded in messages and time (throughput then shows what got through the failures)
        "rate": float(env("CYPROTON_CLUSTER_RATE", "200")),
        "heartbeat": 2.0,          # idle timeout: a silent node is given up after 2 s
        "max_delay": 1.0,          # Backoff max_delay: retry at least every second (plus jitter) while all are down
        "pause_limit": 20.0,       # SIGCONT after this long even if clients have not moved on
        "client_timeout": 600.0,   # a client gives up (and says so) after this long
        "drain_seconds": 90.0,     # producers finish their in-flight sends, consumers receive the rest
        "declare_python": sys.executable,
    }


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    """A 3-node RabbitMQ cluster on free loopback ports (start_cluster.sh), stopped by PID at the end; or the one
    ``make cluster-up`` started, when ``CYPROTON_CLUSTER_DIR`` names its directory (left running)."""
    existing = os.environ.get("CYPROTON_CLUSTER_DIR")
    if existing:
        yield harness.Cluster(existing)
        return
    directory = tmp_path_factory.mktemp("rabbitmq-cluster")
    started = time.monotonic()
    done = subprocess.run([os.path.join(HERE, "start_cluster.sh"), str(directory)], capture_output=True, text=True,
                          timeout=600)
    if done.returncode == SKIP_STATUS:
        pytest.skip(done.stderr.strip())
    if done.returncode:
        pytest.fail("start_cluster.sh failed (exit %d):\n%s\n%s" % (done.returncode, done.stdout, done.stderr),
                    pytrace=False)
    print("\n" + done.stdout.strip() + "\n  (%.0f s)" % (time.monotonic() - started))
    try:
        yield harness.Cluster(directory)
    finally:
        subprocess.run([os.path.join(HERE, "stop_cluster.sh"), str(directory)], capture_output=True,
                       env=dict(os.environ, CLUSTER_STOP_FAST="1"), timeout=120)


@pytest.fixture
def record_rows(request):
    """Rows added here are printed in the tier's closing table."""
    return request.config.stash[ROWS_KEY]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    rows = config.stash.get(ROWS_KEY, [])
    if not rows:
        return
    write = terminalreporter.write_line
    terminalreporter.section("failover across a 3-node RabbitMQ cluster")
    for row in rows:
        write(harness.format_row(row))
    out_dir = os.path.join(harness.REPO, "build", "cluster")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "results-%s.json" % time.strftime("%Y%m%d-%H%M%S"))
    with open(path, "w") as f:
        json.dump(rows, f, indent=1)
    write("figures: %s" % os.path.relpath(path, os.getcwd()))
