# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The wheel stands alone: installed from the file into a bare Debian 12 root (no libsasl2, no SASL
plugins, no -dev package), it has TLS and Cyrus SASL, authenticates against a real Cyrus sasldb
server outside the root, is refused with a wrong password, verifies a server's name against a
private CA, speaks every TLS version from its own OpenSSL, and names the system package when
GSSAPI's Kerberos library is missing.

Run by ``make test-wheel`` (it builds the wheel for Debian 12's Python and sets
``CYPROTON_TEST_WHEEL``); skipped otherwise.
"""

import json
import os
import re
import sys

import pytest

from wheelsupport import VENV_PYTHON, in_root_certs

pytestmark = pytest.mark.impl

SECURITY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "security")
sys.path.insert(0, SECURITY)

from secsupport import (  # noqa: E402
    PASSWORD_MECHS, SERVER_MECHS, TLS_FAILURE, UNAUTHORIZED, USERS, assert_failed, assert_ok,
)
from test_tls_versions import HINT, LEGACY, VERSIONS, reported, start_version_peers  # noqa: E402

CLIENT = "/opt/tests/peer_client.py"


def client(root, *args, env=None, timeout=30):
    """peer_client.py run by the root's venv; its RESULT."""
    done = root.run(VENV_PYTHON, CLIENT, *map(str, args), env=env, timeout=timeout)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
            result["stderr"] = done.stderr
            return result
    raise AssertionError(f"peer_client printed no RESULT in the root (exit {done.returncode}):\n"
                         f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")


def evaluate(root, code, env=None):
    out = root.check(VENV_PYTHON, "-c", code, env=env).strip().splitlines()
    return json.loads(out[-1])


@pytest.fixture(scope="module")
def sasl_server(peers, sasl_args):
    """A Cyrus sasldb server outside the root (cyproton from the source tree), every password mechanism."""
    return peers.server("ours", "--mechs", SERVER_MECHS, *sasl_args, "--allow-insecure-mechs", "--require-auth")


@pytest.fixture(scope="module")
def tls_server(peers, sasl_args, tls_arg):
    return peers.server("ours", "--tls", tls_arg, "--mechs", SERVER_MECHS, *sasl_args, "--require-auth")


# ------------------------------------------------------------------------------------------------ the root itself

def test_the_root_is_bare(root):
    packages = set(root.check("dpkg-query", "-W", "-f", "${Package}\\n").split())
    assert {"python3", "python3-venv"} <= packages
    # (gcc-12-base is libgcc's base files, and the openssl command comes with ca-certificates: both are
    # in any Debian with python3; neither is a compiler, a header or a Cyrus library)
    unwanted = sorted(p for p in packages if p.endswith("-dev") or p.startswith("libsasl2")
                      or p in ("gcc", "gcc-12", "cpp", "cpp-12", "sasl2-bin", "build-essential", "pkg-config",
                               "cmake", "libsasl2-modules", "libsasl2-2"))
    assert unwanted == []
    found = root.check("sh", "-c", "ls -d /usr/lib/*/sasl2 /usr/lib/sasl2 /usr/include/openssl "
                                   "/usr/include/sasl 2>/dev/null; find / -xdev -name 'libsasl2.so*' "
                                   "-not -path '/opt/*' 2>/dev/null; true")
    assert found.split() == []


def test_the_wheel_installed_from_the_file_alone(root, wheel_file):
    assert "Successfully installed cyproton-" in root.install_log
    listed = root.check("/opt/venv/bin/pip", "list", "--disable-pip-version-check", "--format", "json")
    assert [p["name"] for p in json.loads(listed)] == ["cyproton"] or \
        {p["name"] for p in json.loads(listed)} - {"pip", "setuptools"} == {"cyproton"}


def test_its_libraries_resolve_inside_the_wheel(root):
    site = root.check(VENV_PYTHON, "-c", "import os, proton; print(os.path.dirname(os.path.dirname(proton.__file__)))")
    site = site.strip()
    ext = root.check("sh", "-c", f"ls {site}/proton/_cproton*.so").strip()
    plugins = root.check("sh", "-c", f"ls {site}/proton/_sasl_plugins/*.so").split()
    assert {os.path.basename(p) for p in plugins} == {
        "libanonymous.so", "libplain.so", "libscram.so", "libdigestmd5.so", "libcrammd5.so", "libgssapiv2.so",
        "libsasldb.so"}
    for elf in [ext, *plugins]:
        out = root.check("ldd", elf)
        assert "not found" not in out, out
        for lib in ("libssl", "libcrypto", "libsasl2", "libdb"):
            for line in out.splitlines():
                if line.strip().startswith(lib):
                    # the bundled copy, never the root's own libssl3 (which python3 pulled in)
                    target = os.path.normpath(line.split("=>")[1].split("(")[0].strip())
                    assert target.startswith(f"{site}/cyproton.libs/"), f"{elf}: {line}"
    assert re.search(r"libssl-[0-9a-f]{8}\.so\.3 => " + re.escape(site), root.check("ldd", ext))


def test_ssl_present_and_sasl_extended(root):
    facts = evaluate(root, "import json, proton, cyproton; "
                           "print(json.dumps([proton.SSL.present(), proton.SASL.extended(), cyproton.build_info()]))")
    present, extended, info = facts
    assert (present, extended) == (True, True)
    assert info["tls"].startswith("openssl 3.") and info["sasl"].startswith("cyrus 2.1.")
    assert info["sasl_plugin_dir"].startswith("/opt/venv/") and info["sasl_plugin_dir"].endswith("/_sasl_plugins")
    assert info["debug"] is False


# ------------------------------------------------------------------------------------------------ SASL

@pytest.mark.parametrize("mech", PASSWORD_MECHS)
def test_password_mechanisms_against_a_cyrus_sasldb_server(root, sasl_server, mech):
    r = client(root, "--url", sasl_server.url(), "--mechs", mech, "--allow-insecure-mechs", "yes",
               "--user", "alice", "--password", USERS["alice"], "--container-id", f"wheel-{mech}", "--send", "1")
    assert_ok(r)
    assert (r["mech"], r["authenticated"], r["outcome"]) == (mech, True, 0)
    seen = sasl_server.wait_for(container=f"wheel-{mech}")
    assert (seen["mech"], seen["user"], seen["authenticated"]) == (mech, "alice", True)


@pytest.mark.parametrize("mech", ("PLAIN", "SCRAM-SHA-256"))
def test_a_wrong_password_is_refused(root, sasl_server, mech):
    r = client(root, "--url", sasl_server.url(), "--mechs", mech, "--allow-insecure-mechs", "yes",
               "--user", "alice", "--password", "not-" + USERS["alice"])
    assert_failed(r, UNAUTHORIZED, "Authentication failed")


def test_anonymous(root, peers):
    srv = peers.server("ours", "--mechs", "ANONYMOUS")
    r = client(root, "--url", srv.url(), "--mechs", "ANONYMOUS")
    assert assert_ok(r)["mech"] == "ANONYMOUS"


def test_a_users_sasl_path_wins(root, sasl_server):
    """SASL_PATH set by the user: Cyrus looks there (here: an empty directory), not in the wheel."""
    root.check("mkdir", "-p", "/opt/empty-sasl-path")
    env = {"SASL_PATH": "/opt/empty-sasl-path"}
    info = evaluate(root, "import json, cyproton; print(json.dumps(cyproton.build_info()))", env=env)
    assert info["sasl_plugin_dir"] is None
    r = client(root, "--url", sasl_server.url(), "--mechs", "SCRAM-SHA-256", "--allow-insecure-mechs", "yes",
               "--user", "alice", "--password", USERS["alice"], env=env)
    assert r["ok"] is False and r["condition"] == UNAUTHORIZED


def test_gssapi_without_the_systems_kerberos_names_the_package(root, sasl_server):
    """The wheel's GSSAPI plugin needs libgssapi_krb5.so.2 from the system: when it is missing the error says so."""
    hide = ("libgssapi_krb5.so.2", "libgssapi_krb5.so.2.2")
    done = root.run(VENV_PYTHON, CLIENT, "--url", sasl_server.url(), "--mechs", "GSSAPI", hide=hide, timeout=30)
    r = json.loads(done.stdout.split("RESULT ", 1)[1])
    assert_failed(r, UNAUTHORIZED, "libgssapi_krb5.so.2", "libgssapi-krb5-2", "krb5-libs")
    assert "cannot open shared object file" in r["description"]


def test_gssapi_with_the_systems_kerberos(root, peers, kdc):
    """The root has libgssapi-krb5-2 (python3 pulls it in): GSSAPI works from the wheel against a real KDC."""
    srv = peers.server("ours", "--mechs", "GSSAPI", "--sasl-config-dir", kdc.sasl_dir, env=kdc.server_env)
    conf = root.put(kdc.client_env["KRB5_CONFIG"], "/opt/kdc/krb5.conf")
    keytab = root.put(kdc.client_env["KRB5_CLIENT_KTNAME"], "/opt/kdc/client.keytab")
    env = {"KRB5_CONFIG": conf, "KRB5_CLIENT_KTNAME": keytab, "KRB5CCNAME": "FILE:/tmp/client.ccache"}
    r = client(root, "--url", srv.url(host="localhost"), "--mechs", "GSSAPI", "--container-id", "wheel-gss", env=env)
    assert_ok(r)
    assert (r["mech"], r["authenticated"]) == ("GSSAPI", True)
    assert srv.wait_for(container="wheel-gss")["user"] == "client"


# ------------------------------------------------------------------------------------------------ TLS

def test_tls_with_a_private_ca_verifies_the_server_name(root, tls_server, certs):
    c = in_root_certs(certs)
    url = tls_server.url("amqps", host="localhost")
    r = client(root, "--url", url, "--ca", c.ca_crt, "--mechs", "PLAIN", "--user", "bob", "--password", USERS["bob"])
    assert_ok(r)
    assert (r["encrypted"], r["peer_hostname"], r["mech"], r["subject"]) == (True, "localhost", "PLAIN",
                                                                            "CN=localhost,O=cyproton-test")
    wrong_name = client(root, "--url", url, "--ca", c.ca_crt, "--sni", "not-the-server.example", "--mechs", "PLAIN",
                        "--user", "bob", "--password", USERS["bob"])
    assert_failed(wrong_name, TLS_FAILURE, "certificate verify failed")
    other_ca = client(root, "--url", url, "--ca", c.otherca_crt, "--mechs", "PLAIN", "--user", "bob",
                      "--password", USERS["bob"])
    assert_failed(other_ca, TLS_FAILURE, "certificate verify failed")


def test_external_from_a_client_certificate(root, peers, certs, sasl_args, tls_arg):
    srv = peers.server("ours", "--tls", tls_arg, "--require-client-cert", "--mechs", "EXTERNAL", *sasl_args)
    c = in_root_certs(certs)
    r = client(root, "--url", srv.url("amqps", host="localhost"), "--ca", c.ca_crt, "--cert", c.client_crt,
               "--key", c.client_key, "--mechs", "EXTERNAL")
    assert_ok(r)
    assert (r["mech"], r["authenticated"]) == ("EXTERNAL", True)


@pytest.fixture(scope="module")
def version_peers(peers, certs):
    backend = peers.server("ours", "--mechs", "ANONYMOUS")
    started = start_version_peers(certs, backend.port)
    try:
        yield started
    finally:
        for p in started.values():
            p.stop()


@pytest.mark.parametrize("version", VERSIONS)
def test_every_tls_version_from_the_wheels_openssl(root, certs, version_peers, version):
    peer = version_peers[version]
    ca = in_root_certs(certs).ca_crt
    url = f"amqps://localhost:{peer.port}"
    seen = len(peer.lines)
    r = client(root, "--url", url, "--ca", ca, "--mechs", "ANONYMOUS", "--tls-range", "TLSv1,TLSv1.3")
    assert_ok(r)
    assert r["protocol"] == reported(version)
    assert peer.next_event(seen) == {"event": "handshake", "version": version, "cipher": r["cipher"]}
    default = client(root, "--url", url, "--ca", ca, "--mechs", "ANONYMOUS")
    if version in LEGACY:
        assert_failed(default, TLS_FAILURE, HINT)
    else:
        assert assert_ok(default)["protocol"] == version


def test_the_smoke_program_cibuildwheel_runs(root):
    """tests/wheel/smoke.py (cibuildwheel's test-command) passes in the bare root too."""
    program = root.put(os.path.join(os.path.dirname(os.path.abspath(__file__)), "smoke.py"), "/opt/tests/smoke.py")
    out = root.check(VENV_PYTHON, program, timeout=60)
    assert "SMOKE OK: openssl 3." in out
