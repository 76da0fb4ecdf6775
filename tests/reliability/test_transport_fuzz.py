# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The transport fuzz tier, bounded for ``make test``: mutated real conversations (see
transport_fuzz.py) replayed over sockets against a ``Container.listen`` server and against the
embedded broker, each in its own process, with a real client served after every input.

``CYPROTON_FUZZ_INPUTS`` sets the inputs per server (default 2,500) and ``CYPROTON_FUZZ_SEED``
the seed (default fixed, so a failure reproduces). Longer runs: ``make fuzz-transport``.
"""

from __future__ import annotations

import os

import pytest

import transport_fuzz as tf
from hostile import Server, hard_limit, wait_for_line  # noqa: F401

SEED = int(os.environ.get("CYPROTON_FUZZ_SEED", "20261202"))
INPUTS = int(os.environ.get("CYPROTON_FUZZ_INPUTS", "2500"))


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    return tf.load_corpus()


def test_inputs_are_the_same_bytes_on_every_run(corpus) -> None:  # type: ignore[no-untyped-def]
    sessions = corpus["container"]
    first = [tf.make_input(SEED, n, sessions).chunks for n in range(200)]
    again = [tf.make_input(SEED, n, sessions).chunks for n in range(200)]
    assert first == again
    assert len({b"".join(chunks) for chunks in first}) > 190       # and they differ from one another
    assert tf.corpus_digest(corpus) == tf.corpus_digest(tf.load_corpus())


def test_the_seed_conversations_are_real_ones(corpus) -> None:  # type: ignore[no-untyped-def]
    """Unmutated, each recorded conversation does what it did when it was recorded."""
    with Server("container") as server:
        for units in corpus["container"].values():
            tf.replay(server.port, units, pause=0.003)
        for body in ("'third'", "'syn-body'", "b'mmmm"):
            assert wait_for_line(server, lambda line: line.startswith(f"MESSAGE {body}")), list(server.lines)
    from proton.utils import BlockingConnection
    with Server("broker") as server:
        tf.replay(server.port, corpus["broker"]["send"], pause=0.003)
        connection = BlockingConnection(f"amqp://127.0.0.1:{server.port}", timeout=10)
        try:
            receiver = connection.create_receiver("fuzz-queue", credit=3)
            bodies = []
            for _ in range(3):
                bodies.append(receiver.receive(timeout=10).body)
                receiver.accept()
        finally:
            connection.close()
        assert bodies[2] == "third" and bodies[0] == {"k": [1, 2.5, "s", None, True]}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("kind", ["container", "broker"])
def test_mutated_conversations_never_stop_a_server(corpus, kind: str) -> None:  # type: ignore[no-untyped-def]
    campaign = tf.Campaign(kind, SEED, corpus).run(count=INPUTS)
    print(campaign.summary())
    assert campaign.inputs == INPUTS or campaign.findings
    assert not campaign.findings, "\n\n".join(f.text() for f in campaign.findings)
