# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The scenario programs of scenarios/, run under cyproton and under python-qpid-proton 0.40 and
compared step by step (see compare.py). A difference fails the test, unless the scenario names a
README compatibility note (``REFERENCE_DIFFERS``): then cyproton's own output is checked."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import compare

HERE = Path(__file__).resolve().parent
SCENARIOS = sorted(p for p in (HERE / "scenarios").glob("*.py") if not p.name.startswith("_"))
README = HERE.parents[2] / "README.md"


def _reference_ready():
    return os.access(compare.REF_PYTHON, os.X_OK) and subprocess.run(
        [compare.REF_PYTHON, "-I", "-c", "import proton, tornado; assert not hasattr(proton, '_cproton')"],
        capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _reference_ready(), reason="no python-qpid-proton interpreter (.venv-ref)")


@pytest.fixture(scope="module")
def broker():
    """The embedded broker in a process of its own, for scenarios that need a real peer."""
    port = compare.free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cyproton", "broker", "--address", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    import socket
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_matches_python_qpid_proton(scenario, request):
    conf = compare.settings(scenario)
    peer = request.getfixturevalue("broker") if conf["NEEDS"] == "broker" else None
    if conf["REFERENCE_DIFFERS"]:
        assert conf["REFERENCE_DIFFERS"] in README.read_text(), \
            "a scenario that differs from python-qpid-proton needs its README compatibility note"
    outcome = compare.compare(scenario, [sys.executable], peer=peer)
    assert not outcome.differences, outcome.report()
