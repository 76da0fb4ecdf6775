# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The programs in examples/security/ run as subprocesses against the session's certificates, sasldb and
KDC, and print what their docstrings promise. Each client/server pair runs as cyproton/cyproton, and
across to python-qpid-proton in both directions (the examples use only the public API)."""

import os
import re
import subprocess
import threading

import pytest

from secsupport import REPO_ROOT, free_port

EXAMPLES = os.path.join(REPO_ROOT, "examples", "security")
PAIRS = pytest.mark.parametrize("client, server", [("ours", "ours"), ("ref", "ours"), ("ours", "ref")],
                                ids=["ours-ours", "ref-client", "ref-server"])


def example(name):
    return os.path.join(EXAMPLES, name)


class ExampleServer:
    """An example server run until it has printed its "listening on" line; stopped by PID."""

    def __init__(self, peers, impl, program, *args, scheme="amqp", env=None):
        port = 0 if impl == "ours" else free_port()  # the reference cannot listen on port 0 and say where
        cmd = peers.impl(impl).command(example(program), "--url", f"{scheme}://127.0.0.1:{port}", "--count", "1", *args)
        self.proc = subprocess.Popen(cmd, env=peers.impls[impl].env(env), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, cwd=REPO_ROOT)
        self.lines = []
        first = self.proc.stdout.readline()
        self.lines.append(first)
        found = re.search(r"listening on \w+://127\.0\.0\.1:(\d+)", first)
        if not found:
            self.stop()
            raise AssertionError(f"{program} did not start: {first}{self.proc.stdout.read()}")
        self.port = int(found.group(1))
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def finish(self, timeout=10):
        """Wait for the server to stop by itself (it does after --count messages); its output."""
        try:
            self.proc.wait(timeout)
        finally:
            self.stop()
        return "".join(self.lines)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(5)
        if hasattr(self, "_reader"):
            self._reader.join(5)


def run_client(peers, impl, program, *args, env=None):
    done = peers.run(impl, example(program), *args, env=env, timeout=25)
    return done.returncode, done.stdout + done.stderr


@PAIRS
def test_tls_server_and_client(peers, certs, client, server):
    srv = ExampleServer(peers, server, "tls_server.py", "--cert", certs.server_crt, "--key", certs.server_key,
                        scheme="amqps")
    try:
        code, out = run_client(peers, client, "tls_client.py", "--url", f"amqps://localhost:{srv.port}/examples",
                               "--ca", certs.ca_crt, "--count", "1")
        assert code == 0, out
    finally:
        served = srv.finish()
    assert "TLS: TLSv1.3 TLS_" in out
    assert "server certificate: CN=localhost,O=cyproton-test (common name localhost)" in out
    assert re.search(r"sha256 fingerprint: [0-9a-f]{64}", out)
    assert "sent 1 messages over TLS" in out
    assert "client certificate: none" in served and "received: secret message 1" in served


def test_tls_client_refuses_an_untrusted_server(peers, certs):
    srv = ExampleServer(peers, "ours", "tls_server.py", "--cert", certs.server_crt, "--key", certs.server_key,
                        scheme="amqps")
    try:
        code, out = run_client(peers, "ours", "tls_client.py", "--url", f"amqps://localhost:{srv.port}",
                               "--ca", certs.otherca_crt)
    finally:
        srv.stop()
    assert code == 1
    assert "failed: amqp:connection:framing-error:" in out and "certificate verify failed" in out


@PAIRS
def test_external_client(peers, certs, client, server):
    srv = ExampleServer(peers, server, "tls_server.py", "--cert", certs.server_crt, "--key", certs.server_key,
                        "--ca", certs.ca_crt, "--require-client-cert", "--mechs", "EXTERNAL", scheme="amqps")
    try:
        code, out = run_client(peers, client, "external_client.py", "--url", f"amqps://localhost:{srv.port}/examples",
                               "--ca", certs.ca_crt, "--cert", certs.client_crt, "--key", certs.client_key)
        assert code == 0, out
    finally:
        served = srv.finish()
    assert "authenticated with EXTERNAL over TLSv1.3, server localhost" in out
    assert "message accepted" in out
    assert "client certificate: CN=testclient,O=cyproton-test" in served
    assert "user: CN=testclient,O=cyproton-test (EXTERNAL)" in served


@PAIRS
def test_sasl_plain_client(peers, sasldb, client, server):
    srv = ExampleServer(peers, server, "sasl_server.py", "--config-dir", sasldb.dir, "--mechs", "PLAIN SCRAM-SHA-256",
                        "--allow-insecure-mechs")
    try:
        code, out = run_client(peers, client, "sasl_plain_client.py", "--url",
                               f"amqp://alice:alice-secret@localhost:{srv.port}/examples", "--allow-insecure-mechs")
        assert code == 0, out
    finally:
        served = srv.finish()
    assert "authenticated as alice with PLAIN (no TLS: the password went in clear)" in out
    assert "connection: user alice authenticated with PLAIN" in served
    assert "received from alice: hello from PLAIN" in served


def test_sasl_plain_client_over_tls(peers, sasldb, certs):
    srv = ExampleServer(peers, "ours", "sasl_server.py", "--config-dir", sasldb.dir, "--mechs", "PLAIN",
                        "--cert", certs.server_crt, "--key", certs.server_key, scheme="amqps")
    try:
        code, out = run_client(peers, "ours", "sasl_plain_client.py", "--url", f"amqps://localhost:{srv.port}/examples",
                               "--user", "bob", "--password", "bob-secret", "--ca", certs.ca_crt)
        assert code == 0, out
    finally:
        served = srv.finish()
    assert "authenticated as bob with PLAIN over TLS" in out
    assert "connection: user bob authenticated with PLAIN over TLS" in served


def test_sasl_plain_client_refuses_clear_text(peers, sasldb):
    """Without --allow-insecure-mechs the PLAIN example will not send the password over plain TCP."""
    srv = ExampleServer(peers, "ours", "sasl_server.py", "--config-dir", sasldb.dir, "--mechs", "PLAIN",
                        "--allow-insecure-mechs")
    try:
        code, out = run_client(peers, "ours", "sasl_plain_client.py", "--url", f"amqp://localhost:{srv.port}",
                               "--user", "alice", "--password", "alice-secret")
    finally:
        srv.stop()
    assert code == 1 and "failed: amqp:unauthorized-access:" in out and "alice-secret" not in out


@pytest.mark.parametrize("mech", ["SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512"])
@PAIRS
def test_sasl_scram_client(peers, sasldb, client, server, mech):
    srv = ExampleServer(peers, server, "sasl_server.py", "--config-dir", sasldb.dir, "--mechs", mech)
    try:
        code, out = run_client(peers, client, "sasl_scram_client.py", "--url",
                               f"amqp://localhost:{srv.port}/examples", "--user", "alice", "--password", "alice-secret",
                               "--mech", mech)
        assert code == 0, out
    finally:
        served = srv.finish()
    assert f"authenticated as alice with {mech}" in out and "message accepted" in out
    assert f"connection: user alice authenticated with {mech}" in served


def test_sasl_scram_client_wrong_password(peers, sasldb):
    srv = ExampleServer(peers, "ours", "sasl_server.py", "--config-dir", sasldb.dir, "--mechs", "SCRAM-SHA-256")
    try:
        code, out = run_client(peers, "ours", "sasl_scram_client.py", "--url",
                               f"amqp://alice:wrong@localhost:{srv.port}")
    finally:
        srv.stop()
    assert code == 1
    assert "failed: amqp:unauthorized-access: Authentication failed [mech=SCRAM-SHA-256]" in out


@PAIRS
def test_gssapi_client(peers, kdc, gss_client_env, client, server):
    srv = ExampleServer(peers, server, "gssapi_server.py", "--config-dir", kdc.sasl_dir, env=kdc.server_env)
    try:
        code, out = run_client(peers, client, "gssapi_client.py", "--url", f"amqp://localhost:{srv.port}/examples",
                               env=gss_client_env)
        assert code == 0, out
    finally:
        served = srv.finish()
    assert "authenticated with GSSAPI" in out and "message accepted" in out
    assert "connection: Kerberos principal client (GSSAPI)" in served
    assert "received from client: hello from Kerberos" in served


def test_gssapi_client_with_service_host(peers, kdc, gss_client_env):
    """Connecting to 127.0.0.1 but asking for the amqp/localhost service."""
    srv = ExampleServer(peers, "ours", "gssapi_server.py", "--config-dir", kdc.sasl_dir, env=kdc.server_env)
    try:
        code, out = run_client(peers, "ours", "gssapi_client.py", "--url", f"amqp://127.0.0.1:{srv.port}",
                               "--service-host", "localhost", env=gss_client_env)
        assert code == 0, out
    finally:
        srv.finish()


@pytest.mark.parametrize("program", sorted(p for p in os.listdir(EXAMPLES) if p.endswith(".py")))
def test_example_help(peers, program):
    done = peers.run("ours", example(program), "--help", timeout=20)
    assert done.returncode == 0 and "usage:" in done.stdout, done.stderr
