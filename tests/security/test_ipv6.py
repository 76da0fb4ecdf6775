# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The TLS and SASL scenarios over IPv6 loopback, [::1]. The server is always cyproton: the
python-qpid-proton 0.40 server cannot listen on IPv6 (its listening socket is AF_INET only); both
implementations take turns as the client."""

import socket

import pytest

from secsupport import (
    SERVER_MECHS, TLS_FAILURE, UNAUTHORIZED, assert_failed, assert_ok, clients, openssl_subject, unique,
)

V6 = "::1"


def _has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind((V6, 0))
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback (::1) on this machine")


@pytest.fixture(scope="module")
def v6(peers, tls_arg, sasl_args):
    """cyproton servers on [::1], by set-up."""
    return {
        "tls": peers.server("ours", "--tls", tls_arg, "--mechs", "ANONYMOUS", host=V6),
        "sasl": peers.server("ours", "--mechs", SERVER_MECHS, *sasl_args, "--allow-insecure-mechs", host=V6),
        "sasl-tls": peers.server("ours", "--tls", tls_arg, "--mechs", SERVER_MECHS, *sasl_args, host=V6),
        "external": peers.server("ours", "--tls", tls_arg, "--require-client-cert", "--mechs", "EXTERNAL",
                                 "--require-auth", host=V6),
    }


@clients
def test_tls_verifies_the_ipv6_name(peers, v6, certs, client, request):
    """The certificate names ::1 (as a DNS entry: proton compares DNS names and the CN only)."""
    srv = v6["tls"]
    r = peers.client(client, "--url", srv.url("amqps"), "--ca", certs.ca_crt, "--container-id", unique(request))
    assert_ok(r)
    assert (r["encrypted"], r["peer_hostname"], r["protocol"]) == (True, V6, "TLSv1.3")
    assert r["subject"] == openssl_subject(certs.server_crt)
    seen = srv.wait_for(container=unique(request))
    assert (seen["encrypted"], seen["protocol"]) == (True, "TLSv1.3")


@clients
def test_default_domain_over_ipv6(peers, v6, certs, client):
    assert assert_ok(peers.client(client, "--url", v6["tls"].url("amqps"), "--ca", certs.ca_crt,
                                  "--default-domain"))["encrypted"] is True


@pytest.mark.parametrize("mech", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-1", "DIGEST-MD5", "CRAM-MD5", "ANONYMOUS"])
@clients
def test_sasl_over_ipv6(peers, v6, client, mech, request):
    srv = v6["sasl"]
    r = peers.client(client, "--url", srv.url(), "--mechs", mech, "--user", "alice", "--password", "alice-secret",
                     "--container-id", unique(request), "--send", "1", "--receive", "1")
    assert_ok(r)
    assert (r["mech"], r["authenticated"], r["bodies"]) == (mech, True, ["message 1"])
    expected_user = "anonymous" if mech == "ANONYMOUS" else "alice"
    assert srv.wait_for(container=unique(request))["user"] == expected_user


@clients
def test_url_credentials_over_ipv6(peers, v6, client, request):
    srv = v6["sasl"]
    r = peers.client(client, "--url", srv.url(user="bob", password="bob-secret"), "--mechs", "SCRAM-SHA-256",
                     "--container-id", unique(request))
    assert assert_ok(r)["user"] == "bob"
    assert srv.wait_for(container=unique(request))["user"] == "bob"


@pytest.mark.parametrize("mech", ["PLAIN", "SCRAM-SHA-512"])
@clients
def test_sasl_over_tls_over_ipv6(peers, v6, certs, client, mech, request):
    srv = v6["sasl-tls"]
    r = peers.client(client, "--url", srv.url("amqps"), "--ca", certs.ca_crt, "--mechs", mech, "--user", "alice",
                     "--password", "alice-secret", "--allow-insecure-mechs", "no", "--container-id", unique(request))
    assert_ok(r)
    assert (r["mech"], r["encrypted"]) == (mech, True)
    assert srv.wait_for(container=unique(request))["user"] == "alice"


@clients
def test_external_over_ipv6(peers, v6, certs, client, request):
    srv = v6["external"]
    r = peers.client(client, "--url", srv.url("amqps"), "--ca", certs.ca_crt, "--cert", certs.client_crt,
                     "--key", certs.client_key, "--mechs", "EXTERNAL", "--container-id", unique(request))
    assert assert_ok(r)["mech"] == "EXTERNAL"
    assert srv.wait_for(container=unique(request))["user"] == "CN=testclient,O=cyproton-test"


@clients
def test_gssapi_over_ipv6(peers, kdc, gss_client_env, client, request):
    """The KDC knows amqp/localhost: the client names the server "localhost" (virtual host) and
    connects to [::1]."""
    srv = peers.server("ours", "--mechs", "GSSAPI", "--sasl-config-dir", kdc.sasl_dir, host=V6, env=kdc.server_env)
    r = peers.client(client, "--url", srv.url(), "--mechs", "GSSAPI", "--virtual-host", "localhost",
                     "--container-id", unique(request), env=gss_client_env)
    assert assert_ok(r)["mech"] == "GSSAPI"
    assert srv.wait_for(container=unique(request))["user"] == "client"


# ----------------------------------------------------------------------------------------------------------- failures

@clients
def test_wrong_password_over_ipv6(peers, v6, client):
    r = peers.client(client, "--url", v6["sasl"].url(), "--mechs", "SCRAM-SHA-256", "--user", "alice",
                     "--password", "nope")
    assert_failed(r, UNAUTHORIZED, "mech=SCRAM-SHA-256")


@clients
def test_untrusted_server_over_ipv6(peers, v6, certs, client):
    r = peers.client(client, "--url", v6["tls"].url("amqps"), "--ca", certs.otherca_crt)
    assert_failed(r, TLS_FAILURE, "certificate verify failed")


@clients
def test_missing_client_certificate_over_ipv6(peers, v6, certs, client):
    r = peers.client(client, "--url", v6["external"].url("amqps"), "--ca", certs.ca_crt, "--mechs", "EXTERNAL")
    assert_failed(r, TLS_FAILURE, "certificate required")


@clients
def test_plain_client_to_tls_server_over_ipv6(peers, v6, client):
    assert_failed(peers.client(client, "--url", v6["tls"].url("amqp")), "amqp:connection:framing-error")
