# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Our implementation against rhea (npm), a JavaScript AMQP 1.0 implementation that shares no code with proton:
ours as client of a rhea broker (tests/peers/rhea_broker.js), and a rhea client (tests/peers/rhea_client.js)
against our server.

rhea quirk: it keys links by name alone, so a sender and a receiver with the same name on one connection make
it fail with "Attach already received" (AMQP allows it: the roles differ). python-qpid-proton names both
"<container-id>-<address>" by default when they share an address: the tests give link names.
"""

import pytest

pytestmark = pytest.mark.interop

COUNT = 1000


def assert_ok(result, **expected):
    assert result.returncode == 0 and result.get("ok"), result.describe()
    for key, value in expected.items():
        assert result[key] == value, "%s: %s" % (key, result.describe())


@pytest.mark.parametrize("mode", ["at-least-once", "at-most-once"])
def test_ours_through_rhea_broker(mode, peer_rhea, interop_run):
    """Every section, through rhea's codec (it decodes each message into JavaScript values and encodes it
    again to forward it): only the types that survive that (messages.py kind "rhea")."""
    address = "through-rhea-" + mode
    common = ("--count", COUNT, "--mode", mode, "--body-kind", "rhea", "--mechs", "PLAIN")
    receiver = interop_run.start("ours", "recv", peer_rhea.url, address, "--link-name", "rcv", *common)
    sent = interop_run.run("ours", "send", peer_rhea.url, address, "--link-name", "snd", *common)
    assert_ok(sent, sent=COUNT, settled=COUNT, accepted=COUNT if mode == "at-least-once" else 0)
    assert_ok(receiver.wait(), received=COUNT, duplicates=0, missing=0, mismatched=0, extra=0)
    assert sent["remote_container"] == "rhea-broker"


def test_ours_drains_rhea_broker(peer_rhea, interop_run):
    """Our receiver drains rhea's sender 7 credits at a time; rhea gives back what it cannot use."""
    address = "drain-rhea"
    common = ("--count", COUNT, "--body-kind", "rhea", "--mechs", "PLAIN")
    assert_ok(interop_run.run("ours", "send", peer_rhea.url, address, "--link-name", "snd", *common))
    received = interop_run.run("ours", "recv", peer_rhea.url, address, "--link-name", "rcv", "--drain",
                               "--credit", 7, *common)
    assert_ok(received, received=COUNT, duplicates=0, missing=0, extra=0, final_drain_empty=True,
              drained_credit=(-COUNT) % 7 + 7)


def test_ours_blocking_with_rhea_broker(peer_rhea, interop_run):
    """proton.utils: a blocking sender and receiver on one connection, named apart for rhea's sake."""
    result = interop_run.run("ours", "blocking", peer_rhea.url, "blocking-rhea", "--op", "roundtrip", "--count",
                             COUNT, "--body-kind", "rhea", "--mechs", "PLAIN", "--link-name", "blocking")
    assert_ok(result, sent=COUNT, received=COUNT, duplicates=0, mismatched=0)


@pytest.mark.parametrize("mode", ["at-least-once", "at-most-once"])
def test_rhea_client_with_our_server(mode, proton_server, interop_run):
    """rhea sends typed values to our server and our receiver checks every type; our sender sends the same
    messages and rhea checks what it decodes."""
    server = proton_server("ours")
    common = ("--count", COUNT, "--mode", mode)
    receiver = interop_run.start("ours", "recv", server.url, "from-rhea", "--body-kind", "rhea-client", *common)
    rhea_sent = interop_run.run("node", "rhea_client.js", server.url, "from-rhea", "--op", "send",
                                "--link-name", "rhea-snd", *common)
    assert_ok(rhea_sent, sent=COUNT, settled=COUNT, accepted=COUNT if mode == "at-least-once" else 0)
    assert_ok(receiver.wait(), received=COUNT, duplicates=0, missing=0, mismatched=0, extra=0)

    rhea_receiver = interop_run.start("node", "rhea_client.js", server.url, "to-rhea", "--op", "recv",
                                      "--link-name", "rhea-rcv", *common)
    sent = interop_run.run("ours", "send", server.url, "to-rhea", "--body-kind", "rhea-client", *common)
    assert_ok(sent, sent=COUNT, settled=COUNT)
    assert_ok(rhea_receiver.wait(), received=COUNT, duplicates=0, missing=0, mismatched=0)
    assert server.link_stats("from-rhea", "receiver")["received"] == COUNT
    assert server.link_stats("to-rhea", "sender")["sent"] == COUNT


def test_rhea_client_sees_link_refused(proton_server, interop_run):
    """Our server detaches rhea's link with amqp:not-found; rhea reports the condition."""
    server = proton_server("ours")
    result = interop_run.run("node", "rhea_client.js", server.url, "error:amqp:not-found", "--op", "recv",
                             "--count", 1)
    assert result.returncode == 2, result.describe()
    assert result["error"]["name"] == "amqp:not-found", result.describe()
    assert result["error"]["description"] == "link refused on request: error:amqp:not-found", result.describe()


def test_rhea_encoding_decodes_in_ours(interop_run, tmp_path):
    """1,000 messages encoded by rhea, decoded by ours with no network in between: every type as expected."""
    encoded = interop_run.run("node", "rhea_client.js", "--op", "encode", "--count", COUNT)
    assert encoded.returncode == 0 and len(encoded.stdout.splitlines()) == COUNT, encoded.describe()
    path = tmp_path / "rhea-encoded.hex"
    path.write_text(encoded.stdout)
    checked = interop_run.run("ours", "check_encoded", path, "--body-kind", "rhea-client")
    assert_ok(checked, decoded=COUNT, mismatched=0, errors=0)
