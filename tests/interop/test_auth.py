# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Authenticated and encrypted connections between the two implementations: Cyrus SASL with a real sasldb
(SCRAM-SHA-256), Kerberos (GSSAPI) against a real MIT KDC, TLS with client certificates (EXTERNAL). The server
logs the user it authenticated; the client must get through and deliver every message."""

import pytest

pytestmark = pytest.mark.interop

PAIRS = [("ours", "ref"), ("ref", "ours")]
PAIR_IDS = ["ours-client-ref-server", "ref-client-ours-server"]
COUNT = 1000


@pytest.fixture(params=PAIRS, ids=PAIR_IDS)
def pair(request):
    return request.param


def send_and_check(interop_run, client, url, server, user, *args, env=None):
    sent = interop_run.run(client, "send", url, "auth-q", "--count", COUNT, "--body-kind", "str", *args, env=env)
    assert sent.returncode == 0 and sent["accepted"] == COUNT, sent.describe()
    users = [c["user"] for c in server.log("connection")]
    assert users == [user], server.log()


def test_scram_sha_256_with_sasldb(pair, peer_sasldb, proton_server, interop_run):
    client, server_impl = pair
    server = proton_server(server_impl, "--mechs", "SCRAM-SHA-256", "--sasl-config-dir", peer_sasldb,
                           "--require-auth")
    url = "amqp://alice:alice-secret@localhost:%d" % server.port
    send_and_check(interop_run, client, url, server, "alice", "--mechs", "SCRAM-SHA-256")
    wrong = interop_run.run(client, "send", "amqp://alice:wrong@localhost:%d" % server.port, "auth-q",
                            "--count", COUNT, "--mechs", "SCRAM-SHA-256")
    assert wrong.returncode == 2 and wrong["error"]["name"] == "amqp:unauthorized-access", wrong.describe()


def test_gssapi_with_kdc(pair, peer_kdc, proton_server, interop_run):
    client, server_impl = pair
    server = proton_server(server_impl, "--mechs", "GSSAPI", "--sasl-config-dir", peer_kdc.sasl_dir,
                           "--require-auth", env=peer_kdc.env)
    send_and_check(interop_run, client, "amqp://localhost:%d" % server.port, server, "client",
                   "--mechs", "GSSAPI", env=peer_kdc.env)


def test_tls_client_certificate_external(pair, peer_certs, proton_server, interop_run):
    client, server_impl = pair
    server = proton_server(server_impl, "--ssl-cert", peer_certs + "/server.crt", "--ssl-key",
                           peer_certs + "/server.key", "--ssl-ca", peer_certs + "/ca.crt", "--mechs", "EXTERNAL",
                           "--require-auth")
    send_and_check(interop_run, client, "amqps://localhost:%d" % server.port, server,
                   "CN=testclient,O=cyproton-test", "--mechs", "EXTERNAL", "--verify-name",
                   "--ssl-ca", peer_certs + "/ca.crt", "--ssl-cert", peer_certs + "/client.crt",
                   "--ssl-key", peer_certs + "/client.key")
