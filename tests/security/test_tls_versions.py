# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Every TLS version python-qpid-proton users meet (1.0, 1.1, 1.2, 1.3), each against a peer that
speaks exactly that version: TLS 1.2 and 1.3 by default, 1.0 and 1.1 only after
``SSLDomain.set_protocol_range`` opts in, and a refused legacy peer named in the error.

The peer is ``tests/peers/tls_version_peer.py``: CPython's ``ssl`` restricted to one version, in
front of a plain AMQP server, so the AMQP conversation is real. Our server side is checked with a
CPython ``ssl`` client restricted to one version. ``set_protocol_range`` is cyproton's extension:
these tests are ``impl``. The wheel tier (tests/wheel) runs the same matrix from a bare root,
against the wheel's own OpenSSL.
"""

import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import warnings

import pytest

from secsupport import TLS_FAILURE, assert_failed, assert_ok

pytestmark = pytest.mark.impl

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION_PEER = os.path.join(os.path.dirname(HERE), "peers", "tls_version_peer.py")
VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
LEGACY = ("TLSv1", "TLSv1.1")
HINT = 'SSLDomain.set_protocol_range("TLSv1", "TLSv1.3")'


def reported(version):
    """What ``SSL.protocol_name()`` says for a connection of ``version``: the engine reports the version
    of the negotiated *cipher* (OpenSSL's SSL_CIPHER_get_version), as python-qpid-proton does, so the
    CBC ciphers of TLS 1.0 and 1.1 both read "TLSv1.0". The peer's line tells the real version."""
    return "TLSv1.0" if version in LEGACY else version


class VersionPeer:
    """A running tls_version_peer.py (its port and the JSON lines it printed)."""

    def __init__(self, version, certs, target_port, python=sys.executable):
        cmd = [python, VERSION_PEER, "--version", version, "--cert", certs.server_crt, "--key", certs.server_key,
               "--target", f"127.0.0.1:{target_port}"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(f"tls_version_peer.py {version} did not start: {line!r}")
        self.port = int(line.split()[1])
        self.lines = []
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append(json.loads(line))
                self._changed.notify_all()

    def next_event(self, seen, timeout=5):
        """The first line after the first ``seen`` ones."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.lines) > seen, timeout)
            return self.lines[seen] if len(self.lines) > seen else None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()  # by PID
            self.proc.wait(5)


def start_version_peers(certs, target_port, python=sys.executable):
    """One VersionPeer per TLS version, in front of the plain AMQP server on ``target_port``."""
    return {v: VersionPeer(v, certs, target_port, python) for v in VERSIONS}


@pytest.fixture(scope="module")
def version_peers(peers, certs):
    backend = peers.server("ours", "--mechs", "ANONYMOUS")
    started = start_version_peers(certs, backend.port)
    try:
        yield started
    finally:
        for p in started.values():
            p.stop()


def connect(peers, certs, peer, *more):
    """Our client over amqps to ``peer``, verifying its name against the test CA; (result, peer's line)."""
    seen = len(peer.lines)
    r = peers.client("ours", "--url", f"amqps://localhost:{peer.port}", "--ca", certs.ca_crt, "--mechs", "ANONYMOUS",
                     *more)
    return r, peer.next_event(seen)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_once_allowed(peers, certs, version_peers, version):
    r, seen = connect(peers, certs, version_peers[version], "--tls-range", "TLSv1,TLSv1.3")
    assert_ok(r)
    assert r["protocol"] == reported(version) and r["encrypted"] is True
    assert seen == {"event": "handshake", "version": version, "cipher": r["cipher"]}


@pytest.mark.parametrize("version", ("TLSv1.2", "TLSv1.3"))
def test_default_range_is_tls12_and_tls13(peers, certs, version_peers, version):
    r, seen = connect(peers, certs, version_peers[version])
    assert assert_ok(r)["protocol"] == reported(version)
    assert seen["event"] == "handshake"


@pytest.mark.parametrize("version", LEGACY)
def test_a_legacy_peer_is_refused_by_default_and_the_error_names_the_setting(peers, certs, version_peers, version):
    r, seen = connect(peers, certs, version_peers[version])
    assert_failed(r, TLS_FAILURE, HINT)
    assert seen["event"] == "refused"


@pytest.mark.parametrize("version", VERSIONS)
def test_a_range_of_one_version_meets_only_that_version(peers, certs, version_peers, version):
    for other in VERSIONS:
        r, _ = connect(peers, certs, version_peers[other], "--tls-range", f"{version},{version}")
        if other == version:
            assert assert_ok(r)["protocol"] == reported(version)
        else:
            assert r["ok"] is False and r["condition"] == TLS_FAILURE, r
            # the user did opt in to a range: no hint about the default
            assert HINT not in (r.get("description") or "")


# ------------------------------------------------------------------------------------------- our server side

def legacy_client_handshake(port, version):
    """CPython's ssl as a client speaking only ``version`` to 127.0.0.1:port: the version it got, or the error."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, version.replace("TLSv1.", "TLSv1_"))
    if version in LEGACY:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        try:
            with ctx.wrap_socket(raw) as tls:
                return tls.version()
        except (ssl.SSLError, OSError) as e:
            return f"error: {e}"


@pytest.fixture(scope="module")
def servers_by_range(peers, tls_arg):
    return {
        "default": peers.server("ours", "--tls", tls_arg, "--mechs", "ANONYMOUS"),
        "legacy": peers.server("ours", "--tls", tls_arg, "--mechs", "ANONYMOUS", "--tls-range", "TLSv1,TLSv1.3"),
    }


@pytest.mark.parametrize("version", VERSIONS)
def test_our_server_speaks_each_version_once_allowed(servers_by_range, version):
    assert legacy_client_handshake(servers_by_range["legacy"].port, version) == version


@pytest.mark.parametrize("version", VERSIONS)
def test_our_server_refuses_legacy_clients_by_default(servers_by_range, version):
    got = legacy_client_handshake(servers_by_range["default"].port, version)
    if version in LEGACY:
        assert got.startswith("error:") and "version" in got.lower(), got
    else:
        assert got == version


# ------------------------------------------------------------------------------------------- the setting itself

def test_set_protocol_range_refuses_unknown_versions_and_empty_ranges(peers):
    code = """if 1:
        import json
        from proton import SSLDomain, SSLException
        d = SSLDomain(SSLDomain.MODE_CLIENT)
        out = []
        for args in (("TLSv1.0", "TLSv1.3"), ("tlsv1.2",), ("TLSv1.2", "TLSv1.2"), ("SSLv3", "TLSv1.3"),
                     ("TLSv1.3", "TLSv1.2"), ("TLSv1.4", "TLSv1.4")):
            try:
                d.set_protocol_range(*args)
                out.append("ok")
            except SSLException as e:
                out.append(str(e))
        print(json.dumps([SSLDomain.PROTOCOLS, out]))
    """
    protocols, out = peers.evaluate("ours", code)
    assert protocols == list(VERSIONS)
    assert out[:3] == ["ok", "ok", "ok"]
    assert "unknown TLS version" in out[3] and "TLSv1, TLSv1.1, TLSv1.2, TLSv1.3" in out[3]
    assert "empty TLS version range" in out[4]
    assert "unknown TLS version" in out[5]
