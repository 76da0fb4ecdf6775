# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The benchmark's worker programs (src/cyproton/bench/worker.py, run by ``make bench``) do what
their scenarios say, on a few hundred messages: peer to peer at least and at most once, one message
per send() or with Sender.send_many, and the one-process loopback. Speed is for the benchmark;
here only that every message goes through and each worker reports it."""

import sys

import pytest

import support

if not support.CYPROTON:
    pytest.skip("the workers' --batch mode is cyproton's", allow_module_level=True)

from cyproton.bench import driver  # noqa: E402

# the workers run by path under this interpreter, with this process's environment: the proton
# they import is the one these tests import
OURS = driver.Side("ours", sys.executable)


@pytest.mark.parametrize("presettled", [False, True], ids=["at-least-once", "at-most-once"])
@pytest.mark.parametrize("batch", [False, True], ids=["send", "send_many"])
def test_peer_to_peer_workers(presettled, batch):
    sample = driver.run_peer_to_peer(OURS, 500, presettled=presettled, batch=batch, timeout=60)
    assert sample["messages"] == 500
    assert sample["msg_per_s"] > 0


@pytest.mark.parametrize("presettled", [False, True], ids=["acked", "presettled"])
def test_loopback_worker(presettled):
    sample = driver.run_loopback(OURS, 500, presettled=presettled, timeout=60)
    assert sample["messages"] == 500
