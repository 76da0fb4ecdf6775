# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The cluster tier's counting (harness.py), on made-up client reports: no cluster, runs with ``make test``."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs"))

import harness  # noqa: E402
from record import expand, ranges  # noqa: E402


class FakeCluster:
    node_of = harness.Cluster.node_of


def epoch(node, opened, first, closed):
    return {"node": "cyproton-c%d-5000@vm" % node, "opened": opened, "first": first, "closed": closed, "why": ""}


def test_ranges_round_trip():
    seqs = [5, 1, 2, 3, 9, 3, 10, 0]
    assert ranges(seqs) == [[0, 3], [5, 5], [9, 10]]
    assert list(expand(ranges(seqs))) == sorted(set(seqs))


def test_percentile_is_nearest_rank():
    values = [0.5, 0.1, 0.9, 0.3]
    assert harness.percentile(values, 50) == 0.3
    assert harness.percentile(values, 99) == 0.9
    assert harness.percentile([2.0], 50) == 2.0


def test_failover_time_counts_only_clients_on_the_failed_node():
    # on node 1 until the kill at t=10, first message through node 2 at 11.5
    moved = {"epochs": [epoch(1, 0, 0.5, 10.05), epoch(2, 10.3, 11.5, None)]}
    elsewhere = {"epochs": [epoch(3, 0, 0.5, None)]}
    events = [(10.0, 1, "producer", "kill")]
    assert harness.failover_times(moved, events, "producer", FakeCluster()) == [1.5]
    assert harness.failover_times(elsewhere, events, "producer", FakeCluster()) == []
    assert harness.failover_times(moved, events, "consumer", FakeCluster()) == []


def test_a_failure_never_recovered_from_is_counted_as_such():
    stuck = {"epochs": [epoch(1, 0, 0.5, 10.05)]}
    assert harness.failover_times(stuck, [(10.0, 1, "producer", "kill")], "producer", FakeCluster()) == [None]


def test_whole_cluster_down_counts_any_node_after_it():
    back = {"epochs": [epoch(1, 0, 0.5, 10.0), epoch(1, 20.0, 21.0, None)]}
    assert harness.failover_times(back, [(10.0, None, None, "kill all")], "consumer", FakeCluster()) == [11.0]


class FakePair:
    def __init__(self, producer, consumer):
        self.impl, self.kind = "ours", "handler"
        self.clients = {"producer": type("C", (), {"result": producer})(),
                        "consumer": type("C", (), {"result": consumer})()}


def test_lost_and_duplicates():
    producer = {"accepted": [[0, 9]], "epochs": [epoch(1, 0, 1, 5)], "started": 0.0, "ended": 5.0}
    consumer = {"received": [[0, 7], [9, 9]], "duplicates": {"3": 2, "4": 1}, "epochs": [epoch(3, 0, 1, 5)]}
    scenario = type("S", (), {"name": "kill-producer-node", "events": [], "cluster": FakeCluster()})()
    row = harness.count_pair(FakePair(producer, consumer), scenario)
    assert (row["accepted"], row["lost"], row["duplicates"]) == (10, 1, 3)
    assert row["throughput"] == 2.0
    assert "lost 1" in harness.format_row(row) and "duplicates 3" in harness.format_row(row)


def test_a_client_that_reported_nothing_is_a_problem():
    producer = {"accepted": [[0, 9]], "epochs": [epoch(1, 0, 1, 5)], "started": 0.0, "ended": 5.0}
    scenario = type("S", (), {"name": "pause-node", "events": [], "cluster": FakeCluster()})()
    row = harness.count_pair(FakePair(producer, {"exit": -9}), scenario)
    assert row["lost"] == 10
    assert row["problems"] == ["consumer reported nothing (exit -9)"]
