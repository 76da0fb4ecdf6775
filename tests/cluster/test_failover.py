# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Failover across a 3-node RabbitMQ cluster: producers and consumers, at-least-once, ``urls=[n1, n2, n3]`` with
reconnect, while nodes are killed, paused, or all go down (see harness.py for how it runs and what it counts).

Every (implementation, client kind) pair runs in each scenario at the same time. cyproton's rows must show
nothing lost, no client stuck, and every failure recovered from; python-qpid-proton's rows are measured the same
way and reported beside them (its failures are its own, not this test's).
"""

import os

import pytest

import harness

pytestmark = pytest.mark.cluster


@pytest.mark.parametrize("scenario_class", harness.SCENARIOS, ids=[s.name for s in harness.SCENARIOS])
def test_failover(scenario_class, cluster, pythons, settings, record_rows, tmp_path):
    rows, scenario = harness.run_scenario(cluster, scenario_class, str(tmp_path), pythons, settings["kinds"],
                                          settings)
    record_rows.extend(rows)
    for row in rows:
        print(harness.format_row(row))
    expected_failures = {"kill-producer-node": settings["kills"], "kill-consumer-node": settings["kills"],
                         "pause-node": settings["pauses"], "cluster-down": 2 * settings["outages"]}[scenario.name]
    ours = [row for row in rows if row["impl"] == "ours"]
    assert ours, "no cyproton pair ran"
    for row in ours:
        where = "%s %s: " % (row["scenario"], row["kind"])
        assert not row["problems"], where + "; ".join(row["problems"]) + _logs(tmp_path, row)
        assert row["accepted"] > 0, where + "nothing accepted"
        assert row["lost"] == 0, where + "%d accepted messages never delivered" % row["lost"]
        assert row["failovers"] >= expected_failures, \
            where + "only %d of %d failures hit its clients" % (row["failovers"], expected_failures)


def _logs(directory, row):
    """The stderr of a pair's programs, for a failure message."""
    texts = []
    for role in harness.ROLES:
        path = os.path.join(str(directory), "%s-%s-%s.err" % (row["impl"], row["kind"], role))
        if os.path.exists(path):
            with open(path) as f:
                texts.append("\n--- %s stderr:\n%s" % (role, f.read()[-1500:]))
    return "".join(texts)
