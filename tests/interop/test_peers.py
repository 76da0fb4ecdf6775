# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Our implementation against python-qpid-proton 0.40, each as client and as server.

Every scenario runs for each pair (client implementation, server implementation): (ours, ref), (ref, ours)
and (ours, ours). The client programs (send.py, recv.py, blocking.py) and the server (server.py) are
subprocesses; each message carries its sequence number and is checked section by section on arrival, and every
message is counted: nothing may be lost, duplicated or changed.
"""

import pytest

pytestmark = pytest.mark.interop

PAIRS = [("ours", "ref"), ("ref", "ours"), ("ours", "ours")]
PAIR_IDS = ["ours-client-ref-server", "ref-client-ours-server", "ours-both"]
COUNT = 1000

LINK_PROPS = '{"x-test-link": "link properties", "x-test-ulong": "ulong:42", "x-test-list": ["a", "symbol:b"]}'
CONN_PROPS = '{"x-test-conn": "connection properties", "x-test-uint": "uint:7", "x-test-map": {"k": "uuid:%s"}}' \
    % "12345678-1234-5678-1234-567812345678"


def assert_ok(result, **expected):
    """The program ran to completion, said ok, and its summary has the expected values."""
    assert result.returncode == 0 and result.get("ok"), result.describe()
    for key, value in expected.items():
        assert result[key] == value, "%s: %s" % (key, result.describe())


def assert_all_received(result, count=COUNT):
    assert_ok(result, received=count, duplicates=0, missing=0, mismatched=0, extra=0)


@pytest.fixture(params=PAIRS, ids=PAIR_IDS)
def pair(request):
    return request.param


@pytest.mark.parametrize("mode", ["at-least-once", "at-most-once"])
def test_send_and_receive(pair, mode, proton_server, interop_run):
    """Every section and every AMQP type, through a store-and-forward server of the other implementation;
    sender and receiver run at the same time. Link and connection properties travel both ways."""
    client, server_impl = pair
    server = proton_server(server_impl)
    receiver = interop_run.start(client, "recv", server.url, "q1", "--count", COUNT, "--mode", mode,
                                 "--credit", 50, "--link-props", LINK_PROPS, "--link-name", "test-receiver")
    sender = interop_run.start(client, "send", server.url, "q1", "--count", COUNT, "--mode", mode,
                               "--link-props", LINK_PROPS, "--conn-props", CONN_PROPS, "--container-id",
                               "test-sender-container", "--link-name", "test-sender")
    sent, received = sender.wait(), receiver.wait()
    assert_ok(sent, sent=COUNT, settled=COUNT, rejected=0, released=0, modified=0,
              accepted=COUNT if mode == "at-least-once" else 0)
    assert_all_received(received)
    if mode == "at-most-once":
        assert received["settled_by_sender"] == COUNT, received.describe()

    # the server counted the same, and saw what the client said about itself
    assert server.link_stats("q1", "receiver")["received"] == COUNT
    assert server.link_stats("q1", "sender")["sent"] == COUNT
    conn = [c for c in server.log("connection") if c["container"] == "test-sender-container"]
    assert conn and conn[0]["properties"] == {
        "symbol:x-test-conn": "connection properties", "symbol:x-test-uint": "uint:7",
        "symbol:x-test-map": {"k": "uuid:12345678-1234-5678-1234-567812345678"}}, server.log()
    links = {link["name"]: link for link in server.log("link")}
    for name, role in (("test-sender", "receiver"), ("test-receiver", "sender")):
        assert links[name]["role"] == role and links[name]["address"] == "q1", links
        assert links[name]["properties"] == {"symbol:x-test-link": "link properties", "symbol:x-test-ulong": "ulong:42",
                                             "symbol:x-test-list": ["a", "symbol:b"]}, links
        settle = (1, 0) if mode == "at-most-once" else (0, 0)
        assert (links[name]["snd_settle_mode"], links[name]["rcv_settle_mode"]) == settle, links
    # ... and the client saw the server's answers: its container id, its properties, the echoed link properties
    assert sent["remote_container"] == "interop-server"
    assert sent["remote_conn_props"] == {
        "symbol:x-test-conn": "connection properties", "symbol:x-test-uint": "uint:7",
        "symbol:x-test-map": {"k": "uuid:12345678-1234-5678-1234-567812345678"},
        "symbol:x-test-server": "server.py"}, sent.describe()
    for result in (sent, received):
        assert result["remote_link_props"] == {
            "symbol:x-test-link": "link properties", "symbol:x-test-ulong": "ulong:42",
            "symbol:x-test-list": ["a", "symbol:b"], "symbol:x-test-server": "server.py"}, result.describe()
        assert result["remote_address"] == "q1"


def test_small_credit_window(pair, proton_server, interop_run):
    """A receiver with a prefetch window of 2 gets every message: credit is topped up as they arrive.
    (Not 1: python-qpid-proton's MessagingHandler(prefetch=1) stops after the first message, because its
    FlowController tops credit up before the delivery is advanced, when the credit is still 1.)"""
    client, server_impl = pair
    server = proton_server(server_impl)
    receiver = interop_run.start(client, "recv", server.url, "q", "--count", COUNT, "--credit", 2,
                                 "--body-kind", "str")
    sent = interop_run.run(client, "send", server.url, "q", "--count", COUNT, "--body-kind", "str")
    assert_ok(sent, accepted=COUNT)
    assert_all_received(receiver.wait())


@pytest.mark.parametrize("outcome", ["rejected", "released", "modified"])
def test_sender_sees_outcome(pair, outcome, proton_server, interop_run):
    """The server settles every message with OUTCOME; the sender sees exactly that, with its details."""
    client, server_impl = pair
    server = proton_server(server_impl, "--mode", "sink", "--outcome",
                           {"rejected": "reject", "released": "release", "modified": "modify"}[outcome])
    sent = interop_run.run(client, "send", server.url, "sink", "--count", COUNT, "--body-kind", "str",
                           "--expect-outcome", outcome)
    counts = {name: COUNT if name == outcome else 0 for name in ("accepted", "rejected", "released", "modified")}
    assert_ok(sent, sent=COUNT, settled=COUNT, **counts)
    details = sent["first_outcome"][outcome]
    if outcome == "rejected":
        assert details["condition"] == {"name": "x-test:rejected", "description": "rejected by server.py",
                                        "info": {"symbol:by": "server.py"}}, sent.describe()
    elif outcome == "modified":
        assert details == {"condition": None, "failed": True, "undeliverable": True,
                           "annotations": {"symbol:x-opt-modified-by": "server.py"}}, sent.describe()
    assert server.link_stats("sink", "receiver")["received"] == COUNT


@pytest.mark.parametrize("outcome", ["reject", "release", "modify"])
def test_receiver_outcome(pair, outcome, proton_server, interop_run):
    """The receiver settles every message with OUTCOME; the server counts each, with the details."""
    client, server_impl = pair
    server = proton_server(server_impl)
    receiver = interop_run.start(client, "recv", server.url, "q", "--count", COUNT, "--body-kind", "str",
                                 "--outcome", outcome)
    sent = interop_run.run(client, "send", server.url, "q", "--count", COUNT, "--body-kind", "str")
    assert_ok(sent, accepted=COUNT)
    assert_all_received(receiver.wait())
    name = {"reject": "rejected", "release": "released", "modify": "modified"}[outcome]
    stats = server.link_stats("q", "sender")
    assert stats["sent"] == COUNT and stats[name] == COUNT and stats["settled"] == COUNT, stats
    details = stats["first_outcome"][name]
    if name == "rejected":
        assert details["condition"] == {"name": "x-test:rejected", "description": "rejected by recv.py",
                                        "info": {"symbol:by": "recv.py"}}, stats
    elif name == "modified":
        assert details == {"condition": None, "failed": True, "undeliverable": True,
                           "annotations": {"symbol:x-opt-modified-by": "recv.py"}}, stats


def test_receiver_drains(pair, proton_server, interop_run, count=COUNT):
    """The receiver grants credit only by draining, 7 at a time. The server sends what it has and gives the
    rest back: the last window comes back short (1000 = 142 * 7 + 6), then one more drain finds the queue
    empty and comes back with all its credit."""
    client, server_impl = pair
    server = proton_server(server_impl)
    assert_ok(interop_run.run(client, "send", server.url, "q", "--count", count, "--body-kind", "str"))
    received = interop_run.run(client, "recv", server.url, "q", "--count", count, "--body-kind", "str",
                               "--drain", "--credit", 7)
    assert_ok(received, received=count, duplicates=0, missing=0, extra=0, final_drain_empty=True)
    returned = (-count) % 7 + 7
    assert received["drained_credit"] == returned, received.describe()
    stats = server.link_stats("q", "sender")
    assert stats["sent"] == count and stats["drained_credit"] == returned, stats


def test_sender_sees_drain(pair, proton_server, interop_run, count=COUNT):
    """The server's receiver drains the sender, 64 credits at a time; the sender, out of messages, gives the
    rest of the last window back (1000 = 15 * 64 + 40: 24 credits)."""
    client, server_impl = pair
    server = proton_server(server_impl)
    sent = interop_run.run(client, "send", server.url, "drain/q", "--count", count, "--body-kind", "str")
    returned = (-count) % 64 or 64
    assert_ok(sent, accepted=count, drain_seen=1, drained=returned)
    stats = server.link_stats("drain/q", "receiver")
    assert stats["received"] == count and stats["drains"] == 1 and stats["drained_credit"] == returned, stats


@pytest.mark.parametrize("program", ["send", "recv", "blocking"])
def test_link_refused_with_condition(pair, program, proton_server, interop_run):
    """The server attaches, then detaches the link with amqp:not-found, a description and an info map; the
    client reports exactly that condition."""
    client, server_impl = pair
    server = proton_server(server_impl)
    address = "error:amqp:not-found"
    extra = ["--op", "receive"] if program == "blocking" else []
    result = interop_run.run(client, program, server.url, address, "--count", COUNT, *extra)
    assert result.returncode == 2, result.describe()
    error = result["error"]
    assert error["name"] == "amqp:not-found", result.describe()
    assert error["description"] == "link refused on request: " + address, result.describe()
    assert error["info"] == {"symbol:address": address}, result.describe()
    assert error.get("where", "link") == "link" and error.get("type", "LinkDetached") == "LinkDetached"


@pytest.mark.parametrize("program", ["send", "recv", "blocking"])
def test_connection_closed_with_condition(pair, program, proton_server, interop_run):
    """The server closes the connection with amqp:resource-limit-exceeded; the client reports it."""
    client, server_impl = pair
    server = proton_server(server_impl)
    address = "conn-error:amqp:resource-limit-exceeded"
    extra = ["--op", "send"] if program == "blocking" else []
    result = interop_run.run(client, program, server.url, address, "--count", COUNT, *extra)
    assert result.returncode == 2, result.describe()
    error = result["error"]
    assert error["name"] == "amqp:resource-limit-exceeded", result.describe()
    assert error["description"] == "connection closed on request", result.describe()
    assert error["info"] == {"symbol:address": address}, result.describe()
    assert error.get("where", "connection") == "connection", result.describe()
    assert error.get("type", "ConnectionClosed") == "ConnectionClosed", result.describe()


def test_blocking_roundtrip(pair, proton_server, interop_run):
    """proton.utils: a BlockingSender and a BlockingReceiver on one connection, one message at a time."""
    client, server_impl = pair
    server = proton_server(server_impl)
    result = interop_run.run(client, "blocking", server.url, "bq", "--count", COUNT, "--op", "roundtrip",
                             "--body-kind", "str")
    assert_ok(result, sent=COUNT, received=COUNT, duplicates=0, mismatched=0)


def test_blocking_request_response(pair, proton_server, interop_run):
    """proton.utils.SyncRequestResponse against the echo server: the reply-to is a dynamic node the server
    names; each response must carry the request's correlation id and content."""
    client, server_impl = pair
    server = proton_server(server_impl, "--mode", "echo")
    result = interop_run.run(client, "blocking", server.url, "requests", "--count", COUNT, "--op", "request",
                             "--body-kind", "str")
    assert_ok(result, sent=COUNT, received=COUNT, duplicates=0, mismatched=0)
    dynamic = [link for link in server.log("link") if link["address"].startswith("dynamic-")]
    assert len(dynamic) == 1 and dynamic[0]["role"] == "sender", server.log("link")
