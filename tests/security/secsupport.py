# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Constants and small helpers shared by the security tests (standard library and pytest only)."""

import os
import socket
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))

IMPLS = ("ours", "ref")
USERS = {"alice": "alice-secret", "bob": "bob-secret"}
#: What make_sasldb.sh writes into the Cyrus configuration (mech_list).
SASLDB_MECHS = "SCRAM-SHA-512 SCRAM-SHA-256 SCRAM-SHA-1 DIGEST-MD5 CRAM-MD5 PLAIN ANONYMOUS EXTERNAL"
#: The mechanisms a sasldb server offers in these tests (EXTERNAL needs TLS with a client certificate).
PASSWORD_MECHS = ("PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512", "DIGEST-MD5", "CRAM-MD5")
SERVER_MECHS = " ".join(PASSWORD_MECHS + ("ANONYMOUS",))

#: A failure must be reported well within this many seconds (no hang, no retry loop).
QUICK = 5.0

#: TLS failures are reported as this condition, with OpenSSL's reason in the description.
TLS_FAILURE = "amqp:connection:framing-error"
UNAUTHORIZED = "amqp:unauthorized-access"

clients = pytest.mark.parametrize("client", IMPLS, ids=lambda i: f"client={i}")
servers = pytest.mark.parametrize("server", IMPLS, ids=lambda i: f"server={i}")


def free_port(host="127.0.0.1"):
    """A TCP port nobody listens on right now (the kernel's pick, released again)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def url(scheme, host, port, user=None, password=None):
    """``scheme://[user[:password]@]host:port`` (IPv6 literals get brackets)."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if user is not None:
        where = f"{user}:{password}@{where}" if password is not None else f"{user}@{where}"
    return f"{scheme}://{where}"


def openssl_fingerprint(cert, digest):
    """``openssl x509 -fingerprint`` of ``cert`` as proton prints it: lower-case hex, no colons."""
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", f"-{digest}", "-in", cert],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().split("=", 1)[1].replace(":", "").lower()


def openssl_subject(cert):
    """The subject of ``cert`` in RFC 2253 order (most specific first), as proton reports it."""
    out = subprocess.run(["openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", cert],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().split("=", 1)[1].strip()


def assert_ok(result):
    """The client connected, did what it was asked and closed cleanly."""
    assert result.get("ok") is True, _explain(result)
    return result


def assert_failed(result, condition, *fragments, within=QUICK):
    """The client failed quickly with ``condition``, its description containing every fragment."""
    assert result.get("ok") is False, _explain(result)
    assert result.get("condition") == condition, _explain(result)
    for fragment in fragments:
        assert fragment in (result.get("description") or ""), _explain(result)
    assert result["elapsed"] < within, f"took {result['elapsed']}s: {_explain(result)}"
    assert not result.get("opened"), "the connection must not have opened"
    return result


def _explain(result):
    shown = {k: v for k, v in result.items() if k not in ("trace", "stderr")}
    return f"{shown}\nstderr: {result.get('stderr', '')[-1500:]}"


def unique(request, suffix=""):
    """A container id naming this test (to find the server's line about the connection)."""
    return f"{request.node.name}{suffix}".replace(" ", "_")
