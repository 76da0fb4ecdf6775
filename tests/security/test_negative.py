# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Failures that must end quickly with a clear error condition (never a hang, never a retry loop):
bad credentials, certificates that must not be accepted, mechanisms that are not allowed, and the two
ends disagreeing about TLS. Each is checked through on_transport_error (the condition's name and
description) and, for the common ones, through BlockingConnection's exception."""

import pytest

from secsupport import QUICK, SERVER_MECHS, TLS_FAILURE, UNAUTHORIZED, assert_failed, clients, servers


@pytest.fixture(scope="module")
def sasl_server(peers, sasl_args):
    return lambda impl: peers.server(impl, "--mechs", SERVER_MECHS, *sasl_args, "--allow-insecure-mechs")


@pytest.fixture(scope="module")
def tls_server(peers, tls_arg):
    return lambda impl: peers.server(impl, "--tls", tls_arg, "--mechs", "ANONYMOUS")


@pytest.fixture(scope="module")
def cert_server(peers, tls_arg):
    """Requires a client certificate signed by the test CA, and authenticates with EXTERNAL."""
    return lambda impl: peers.server(impl, "--tls", tls_arg, "--require-client-cert", "--mechs", "EXTERNAL",
                                     "--require-auth")


# -------------------------------------------------------------------------------------------------------- credentials

@pytest.mark.parametrize("mech", ["PLAIN", "SCRAM-SHA-256", "DIGEST-MD5", "CRAM-MD5"])
@servers
@clients
def test_wrong_password(peers, sasl_server, client, server, mech):
    r = peers.client(client, "--url", sasl_server(server).url(), "--mechs", mech, "--user", "alice",
                     "--password", "not-her-password")
    assert_failed(r, UNAUTHORIZED, f"Authentication failed [mech={mech}]")
    assert r["where"] == "transport"


@pytest.mark.parametrize("mech", ["PLAIN", "SCRAM-SHA-1"])
@servers
@clients
def test_unknown_user(peers, sasl_server, client, server, mech):
    r = peers.client(client, "--url", sasl_server(server).url(), "--mechs", mech, "--user", "mallory",
                     "--password", "whatever")
    assert_failed(r, UNAUTHORIZED, f"mech={mech}")


@servers
@clients
def test_wrong_password_through_blocking_connection(peers, sasl_server, client, server):
    r = peers.client(client, "--url", sasl_server(server).url(), "--mechs", "SCRAM-SHA-256", "--user", "alice",
                     "--password", "not-her-password", "--blocking")
    assert r["ok"] is False
    assert r["exception"].startswith("ConnectionException: ")
    assert f"Condition('{UNAUTHORIZED}', 'Authentication failed [mech=SCRAM-SHA-256]')" in r["exception"]
    assert r["elapsed"] < QUICK


# ------------------------------------------------------------------------------------------------------- certificates

@servers
@clients
def test_untrusted_server_certificate(peers, tls_server, certs, client, server):
    r = peers.client(client, "--url", tls_server(server).url("amqps", host="localhost"), "--ca", certs.otherca_crt)
    assert_failed(r, TLS_FAILURE, "certificate verify failed")


@servers
@clients
def test_host_name_mismatch(peers, tls_server, certs, client, server):
    r = peers.client(client, "--url", tls_server(server).url("amqps", host="localhost"), "--ca", certs.ca_crt,
                     "--verify", "name", "--sni", "intruder.example")
    assert_failed(r, TLS_FAILURE, "certificate verify failed")


@servers
@clients
def test_untrusted_server_through_blocking_connection(peers, tls_server, certs, client, server):
    r = peers.client(client, "--url", tls_server(server).url("amqps", host="localhost"), "--ca", certs.otherca_crt,
                     "--blocking")
    assert r["ok"] is False and r["elapsed"] < QUICK
    assert TLS_FAILURE in r["exception"] and "certificate verify failed" in r["exception"]


@servers
@clients
def test_missing_client_certificate(peers, cert_server, certs, client, server):
    r = peers.client(client, "--url", cert_server(server).url("amqps", host="localhost"), "--ca", certs.ca_crt,
                     "--mechs", "EXTERNAL")
    assert_failed(r, TLS_FAILURE, "certificate required")


@servers
@clients
def test_client_certificate_from_an_unknown_ca(peers, cert_server, certs, client, server):
    r = peers.client(client, "--url", cert_server(server).url("amqps", host="localhost"), "--ca", certs.ca_crt,
                     "--cert", certs.client_untrusted_crt, "--key", certs.client_untrusted_key, "--mechs", "EXTERNAL")
    assert_failed(r, TLS_FAILURE, "unknown ca")


@servers
@clients
def test_external_without_tls(peers, sasl_server, client, server):
    """EXTERNAL has nothing to go on without a client certificate: not offered, not chosen."""
    r = peers.client(client, "--url", sasl_server(server).url(), "--mechs", "EXTERNAL")
    assert_failed(r, UNAUTHORIZED, "mech=none")


# --------------------------------------------------------------------------------------------------------- mechanisms

@servers
@clients
def test_mechanism_not_offered(peers, sasl_args, client, server):
    srv = peers.server(server, "--mechs", "SCRAM-SHA-256 PLAIN", *sasl_args, "--allow-insecure-mechs")
    r = peers.client(client, "--url", srv.url(), "--mechs", "CRAM-MD5", "--user", "alice", "--password", "alice-secret")
    assert_failed(r, UNAUTHORIZED, "Authentication failed [mech=none]")


@servers
@clients
def test_plain_over_tcp_refused_by_the_client(peers, sasl_server, client, server):
    """allow_insecure_mechs=False: the client will not send a password in clear over plain TCP."""
    r = peers.client(client, "--url", sasl_server(server).url(), "--mechs", "PLAIN", "--user", "alice",
                     "--password", "alice-secret", "--allow-insecure-mechs", "no")
    assert_failed(r, UNAUTHORIZED, "mech=none")


@servers
@clients
def test_plain_over_tcp_refused_by_the_server(peers, sasl_args, client, server):
    """A server without allow_insecure_mechs does not offer PLAIN over plain TCP."""
    srv = peers.server(server, "--mechs", "PLAIN SCRAM-SHA-256", *sasl_args)
    r = peers.client(client, "--url", srv.url(), "--mechs", "PLAIN", "--user", "alice", "--password", "alice-secret",
                     "--allow-insecure-mechs", "yes")
    assert_failed(r, UNAUTHORIZED, "mech=none")
    r = peers.client(client, "--url", srv.url(), "--mechs", "SCRAM-SHA-256", "--user", "alice",
                     "--password", "alice-secret")
    assert r["ok"] is True, r  # the mechanism that does not expose the password still works


# -------------------------------------------------------------------------------------------------- TLS disagreements

@servers
@clients
def test_tls_client_plain_server(peers, certs, client, server):
    srv = peers.server(server, "--mechs", "ANONYMOUS")
    r = peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt)
    assert_failed(r, TLS_FAILURE, "SSL")


@servers
@clients
def test_plain_client_tls_server(peers, tls_server, client, server):
    r = peers.client(client, "--url", tls_server(server).url("amqp", host="localhost"))
    assert_failed(r, "amqp:connection:framing-error")


@servers
@clients
def test_plain_client_tls_server_through_blocking_connection(peers, tls_server, client, server):
    r = peers.client(client, "--url", tls_server(server).url("amqp", host="localhost"), "--blocking")
    assert r["ok"] is False and r["elapsed"] < QUICK
    assert "amqp:connection:framing-error" in r["exception"]


def test_nobody_listening(peers):
    """Connection refused: reported at once (reconnect=False), not retried."""
    from secsupport import free_port
    for impl in ("ours", "ref"):
        r = peers.client(impl, "--url", f"amqps://localhost:{free_port()}", "--timeout", "5")
        assert r["ok"] is False and r["condition"] != "timeout" and r["elapsed"] < QUICK, (impl, r)
