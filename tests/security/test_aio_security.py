# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""cyproton.aio over TLS and SASL, with real certificates (make_certs.sh) and a real sasldb:

- the async client against python-qpid-proton 0.40's server (peer_server.py under .venv-ref):
  TLS that checks the server's name, SCRAM and PLAIN through Cyrus, and a wrong password;
- the async server (``aio.listen(..., ssl_domain=...)``) with python-qpid-proton's client, which
  checks the server certificate and sends messages through it, and with the sasldb checking the
  client's password (``aio.listen(..., allowed_mechs=..., sasl_config_path=...)``).
"""

import asyncio
import json
import os
import subprocess

import pytest

from proton import SASL, Disposition, Message, SSLDomain

from secsupport import free_port, url

HERE = os.path.dirname(os.path.abspath(__file__))
aio = pytest.importorskip("cyproton.aio", reason="cyproton.aio is cyproton's own API")

LIMIT = 20


def _run(coro):
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(asyncio.wait_for(coro, LIMIT))
    finally:
        loop.close()


def _client_domain(certs):
    domain = SSLDomain(SSLDomain.MODE_CLIENT)
    domain.set_trusted_ca_db(certs.ca_crt)
    domain.set_peer_authentication(SSLDomain.VERIFY_PEER_NAME)
    return domain


@pytest.fixture(scope="module")
def ref_sasl_tls_server(peers, sasl_args, tls_arg):
    """python-qpid-proton's peer_server.py: TLS, and the sasldb's users for SCRAM and PLAIN."""
    peers.impls["ref"].require()
    return peers.server("ref", "--tls", tls_arg, "--mechs", "SCRAM-SHA-256 PLAIN", *sasl_args)


@pytest.mark.parametrize("mech", ["SCRAM-SHA-256", "PLAIN"])
def test_aio_client_over_tls_and_sasl_with_the_reference_server(ref_sasl_tls_server, certs, mech):
    async def main():
        conn = await aio.connect(ref_sasl_tls_server.url("amqps", host="localhost"), ssl_domain=_client_domain(certs),
                                 user="alice", password="alice-secret", allowed_mechs=mech)
        async with conn:
            transport = conn.proton_connection.transport
            sasl = transport.sasl()
            seen = (sasl.outcome, sasl.mech, bool(transport.encrypted), bool(transport.authenticated))
            sender = await conn.open_sender("examples")
            outcome = await sender.send(Message(body="over tls with " + mech))
            return seen, outcome
    (outcome, mech_used, encrypted, authenticated), sent = _run(main())
    assert outcome == SASL.OK and mech_used == mech
    assert encrypted and authenticated
    assert sent == Disposition.ACCEPTED
    opened = ref_sasl_tls_server.wait_for(event="open", user="alice", mech=mech)
    assert opened["encrypted"] is True and opened["protocol"].startswith("TLS")
    ref_sasl_tls_server.wait_for(event="message", body="over tls with " + mech, user="alice")


def test_aio_client_with_a_wrong_password_gets_the_sasl_failure(ref_sasl_tls_server, certs):
    async def main():
        with pytest.raises(aio.ConnectionClosed) as failed:
            await aio.connect(ref_sasl_tls_server.url("amqps", host="localhost"), ssl_domain=_client_domain(certs),
                              user="alice", password="not-her-password", allowed_mechs="SCRAM-SHA-256")
        return failed.value
    failed = _run(main())
    assert failed.condition is not None and failed.condition.name == "amqp:unauthorized-access"


def test_aio_client_refuses_a_server_certificate_for_another_name(ref_sasl_tls_server, certs):
    async def main():
        domain = SSLDomain(SSLDomain.MODE_CLIENT)
        domain.set_trusted_ca_db(certs.otherca_crt)         # not the CA that signed the server's
        domain.set_peer_authentication(SSLDomain.VERIFY_PEER_NAME)
        with pytest.raises(aio.ConnectionClosed) as failed:
            await aio.connect(ref_sasl_tls_server.url("amqps", host="localhost"), ssl_domain=domain,
                              user="alice", password="alice-secret", allowed_mechs="PLAIN")
        return failed.value
    failed = _run(main())
    assert failed.condition is not None and "certificate verify failed" in (failed.condition.description or "")


def test_aio_server_over_tls_with_the_reference_client(peers, certs):
    peers.impls["ref"].require()
    port = free_port()

    async def main():
        domain = SSLDomain(SSLDomain.MODE_SERVER)
        domain.set_credentials(certs.server_crt, certs.server_key, None)
        server = await aio.listen(f"127.0.0.1:{port}", ssl_domain=domain)
        got = []

        async def serve():
            conn = await server.accept()
            async for link in conn.incoming_links(credit=10):
                if isinstance(link, aio.Receiver):
                    async for delivery in link:
                        got.append(delivery.message.body)
                        delivery.accept()
        serving = asyncio.ensure_future(serve())
        try:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(None, lambda: peers.client(
                "ref", "--url", url("amqps", "localhost", port), "--ca", certs.ca_crt, "--mechs", "ANONYMOUS",
                "--send", "3", "--address", "aio-tls"))
            return result, got
        finally:
            serving.cancel()
            await server.close()
    result, got = _run(main())
    assert result.get("ok"), result
    assert result["encrypted"] is True and result["peer_hostname"] == "localhost"
    assert len(got) == 3


@pytest.mark.parametrize("mech", ["SCRAM-SHA-256", "PLAIN"])
def test_aio_server_checks_passwords_against_the_sasldb(peers, certs, sasldb, mech):
    """aio.listen(..., allowed_mechs=, sasl_config_path=, sasl_config_name=, require_auth=True), in a
    process of its own (aio_sasl_server.py), with python-qpid-proton's client logging in."""
    peers.impls["ref"].require()
    port = free_port()
    ours = peers.impls["ours"]
    cmd = ours.command(os.path.join(HERE, "aio_sasl_server.py"), str(port), certs.server_crt, certs.server_key,
                       sasldb.dir, sasldb.name, "SCRAM-SHA-256 PLAIN")
    server = subprocess.Popen(cmd, env=ours.env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout.readline().strip() == "READY"

        def client(password):
            return peers.client("ref", "--url", url("amqps", "localhost", port), "--ca", certs.ca_crt,
                                "--mechs", mech, "--user", "alice", "--password", password)
        good = client(sasldb.users["alice"])
        bad = client("wrong-secret")
        seen = json.loads(server.stdout.readline())
    finally:
        server.kill()
        server.communicate()
    assert good.get("ok") and good["mech"] == mech, good
    assert not bad.get("ok") and bad.get("condition") == "amqp:unauthorized-access", bad
    assert seen == {"user": "alice"}
