# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Our implementation as a client of RabbitMQ 3.10 with its AMQP 1.0 plugin (rabbitmq_amqp1_0).

Addresses (3.10): "/queue/NAME" declares queue NAME if needed and sends to / consumes from it;
"/amq/queue/NAME" uses an existing queue (a consumer of a missing one gets amqp:not-found, as a *session*
error; a sender's messages to a missing one are accepted and dropped); "/exchange/X/KEY" and "/topic/KEY" go
through exchanges. What RabbitMQ 3.10 does to messages: see messages.RABBITMQ_NOTES (kind "rabbitmq" holds
every section and type it passes through unchanged). Not tested: drain, which crashes the session in 3.10.8
(function_clause in rabbit_classic_queue:handle_event send_drained).
"""

import pytest

pytestmark = pytest.mark.interop

COUNT = 1000


def assert_ok(result, **expected):
    assert result.returncode == 0 and result.get("ok"), result.describe()
    for key, value in expected.items():
        assert result[key] == value, "%s: %s" % (key, result.describe())


def url(rabbitmq, credentials="alice:alice-secret@", host="127.0.0.1", scheme="amqp", port=None):
    return "%s://%s%s:%d" % (scheme, credentials, host, port or rabbitmq.port)


@pytest.mark.parametrize("mode, receiver_impl", [("at-least-once", "ours"), ("at-most-once", "ours"),
                                                 ("at-least-once", "ref")])
def test_queue_every_section(mode, receiver_impl, peer_rabbitmq, interop_run):
    """Every section and type RabbitMQ passes through, to a /queue/ address and back, as alice (PLAIN);
    the receiver runs while the sender sends. The ref receiver checks what ours sent."""
    address = "/queue/every-section-%s-%s" % (mode, receiver_impl)
    common = ("--count", COUNT, "--mode", mode, "--body-kind", "rabbitmq", "--mechs", "PLAIN")
    receiver = interop_run.start(receiver_impl, "recv", url(peer_rabbitmq), address, *common)
    sent = interop_run.run("ours", "send", url(peer_rabbitmq), address, *common)
    assert_ok(sent, sent=COUNT, settled=COUNT, accepted=COUNT if mode == "at-least-once" else 0)
    assert_ok(receiver.wait(), received=COUNT, duplicates=0, missing=0, mismatched=0, extra=0)
    assert sent["remote_container"].startswith("cyproton-%d@" % peer_rabbitmq.port), sent.describe()
    assert sent["remote_conn_props"]["symbol:product"] == "RabbitMQ", sent.describe()


def test_existing_queue_address_and_anonymous(peer_rabbitmq, interop_run):
    """/queue/NAME declares the queue; /amq/queue/NAME then reaches the same queue. SASL ANONYMOUS logs in
    as guest."""
    anonymous = url(peer_rabbitmq, credentials="")
    common = ("--count", COUNT, "--body-kind", "str", "--mechs", "ANONYMOUS")
    assert_ok(interop_run.run("ours", "send", anonymous, "/queue/mapped", *common), accepted=COUNT)
    received = interop_run.run("ours", "recv", anonymous, "/amq/queue/mapped", "--ignore", "first_acquirer",
                               *common)
    assert_ok(received, received=COUNT, duplicates=0, missing=0, mismatched=0)


def test_missing_queue_is_not_found(peer_rabbitmq, interop_run):
    """A consumer of /amq/queue/ for a queue that does not exist: RabbitMQ ends the session with
    amqp:not-found."""
    result = interop_run.run("ours", "recv", url(peer_rabbitmq), "/amq/queue/no-such-queue", "--count", COUNT,
                             "--mechs", "PLAIN")
    assert result.returncode == 2, result.describe()
    assert result["error"]["name"] == "amqp:not-found", result.describe()
    assert "no-such-queue" in result["error"]["description"], result.describe()


def test_wrong_password(peer_rabbitmq, interop_run):
    result = interop_run.run("ours", "send", url(peer_rabbitmq, "alice:wrong@"), "/queue/x", "--count", COUNT,
                             "--mechs", "PLAIN")
    assert result.returncode == 2, result.describe()
    assert result["error"]["name"] == "amqp:unauthorized-access", result.describe()
    assert result["sent"] == 0


def test_tls_with_client_certificate_and_external(peer_rabbitmq, interop_run):
    """amqps to localhost, the server's name verified; the client certificate (CN=testclient) authenticates
    through SASL EXTERNAL."""
    certs = peer_rabbitmq.certs
    tls = ("--ssl-ca", certs + "/ca.crt", "--ssl-cert", certs + "/client.crt", "--ssl-key", certs + "/client.key",
           "--verify-name", "--mechs", "EXTERNAL", "--count", COUNT, "--body-kind", "str")
    address = url(peer_rabbitmq, credentials="", host="localhost", scheme="amqps", port=peer_rabbitmq.tls_port)
    receiver = interop_run.start("ours", "recv", address, "/queue/tls", "--ignore", "first_acquirer", *tls)
    assert_ok(interop_run.run("ours", "send", address, "/queue/tls", *tls), accepted=COUNT)
    assert_ok(receiver.wait(), received=COUNT, duplicates=0, missing=0, mismatched=0)


def test_tls_untrusted_client_certificate(peer_rabbitmq, interop_run):
    certs = peer_rabbitmq.certs
    address = url(peer_rabbitmq, credentials="", host="localhost", scheme="amqps", port=peer_rabbitmq.tls_port)
    result = interop_run.run("ours", "send", address, "/queue/tls-refused", "--count", COUNT, "--mechs", "EXTERNAL",
                             "--ssl-ca", certs + "/ca.crt", "--ssl-cert", certs + "/client-untrusted.crt",
                             "--ssl-key", certs + "/client-untrusted.key", "--verify-name")
    assert result.returncode == 2 and result["sent"] == 0, result.describe()
    assert result["error"]["where"] == "transport", result.describe()


def test_ipv6_loopback(peer_rabbitmq, interop_run):
    """The client connects to [::1]."""
    if not peer_rabbitmq.ipv6:
        pytest.skip("no IPv6 loopback here")
    address = url(peer_rabbitmq, host="[::1]")
    common = ("--count", COUNT, "--body-kind", "str", "--mechs", "PLAIN")
    receiver = interop_run.start("ours", "recv", address, "/queue/ipv6", "--ignore", "first_acquirer", *common)
    assert_ok(interop_run.run("ours", "send", address, "/queue/ipv6", *common), accepted=COUNT)
    assert_ok(receiver.wait(), received=COUNT, duplicates=0, missing=0, mismatched=0)
