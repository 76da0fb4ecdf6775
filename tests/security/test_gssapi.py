# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""SASL GSSAPI (Kerberos) against a throwaway MIT KDC on loopback (tests/peers/start_kdc.sh).

The server gets the service keytab (KRB5_KTNAME), the client only its own keytab
(KRB5_CLIENT_KTNAME) and an empty credential cache: GSSAPI fetches the ticket itself. Proton's Cyrus
client never picks GSSAPI on its own; a client has to name it in allowed_mechs.
"""

import pytest

from secsupport import UNAUTHORIZED, assert_failed, assert_ok, clients, servers, unique


@pytest.fixture(scope="module")
def gss_server(peers, kdc):
    def start(impl, *more):
        return peers.server(impl, "--mechs", "GSSAPI", "--sasl-config-dir", kdc.sasl_dir, *more, env=kdc.server_env)
    return start


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
@servers
@clients
def test_gssapi(peers, gss_server, gss_client_env, client, server, host, request):
    srv = gss_server(server)
    r = peers.client(client, "--url", srv.url(host=host), "--mechs", "GSSAPI", "--container-id", unique(request),
                     "--send", "1", env=gss_client_env)
    assert_ok(r)
    assert (r["mech"], r["authenticated"], r["outcome"]) == ("GSSAPI", True, 0)
    seen = srv.wait_for(container=unique(request))
    assert (seen["mech"], seen["user"], seen["authenticated"]) == ("GSSAPI", "client", True)
    assert srv.wait_for(event="message", container=unique(request))["user"] == "client"


@clients
def test_gssapi_needs_to_be_named(peers, gss_server, gss_client_env, client):
    """A client with no allowed_mechs does not choose GSSAPI, even when it is all the server offers."""
    srv = gss_server("ours")
    r = peers.client(client, "--url", srv.url(host="localhost"), env=gss_client_env)
    assert_failed(r, UNAUTHORIZED, "mech=none")


@clients
def test_gssapi_without_credentials(peers, gss_server, kdc, tmp_path, client):
    """No keytab and an empty ticket cache: a clean authentication failure, no prompt, no hang."""
    srv = gss_server("ours")
    env = {"KRB5_CONFIG": kdc.client_env["KRB5_CONFIG"], "KRB5CCNAME": f"FILE:{tmp_path}/empty.ccache"}
    r = peers.client(client, "--url", srv.url(host="localhost"), "--mechs", "GSSAPI", env=env)
    assert_failed(r, UNAUTHORIZED, "GSSAPI")


@clients
def test_gssapi_over_tls(peers, gss_server, gss_client_env, certs, tls_arg, client, request):
    srv = gss_server("ours", "--tls", tls_arg)
    r = peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt, "--mechs", "GSSAPI",
                     "--container-id", unique(request), env=gss_client_env)
    assert_ok(r)
    assert (r["mech"], r["encrypted"]) == ("GSSAPI", True)
    seen = srv.wait_for(container=unique(request))
    assert (seen["user"], seen["encrypted"]) == ("client", True)


def test_kdc_realm(kdc):
    assert kdc.realm == "CYPROTON.TEST"
