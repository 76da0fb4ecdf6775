# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""TLS with a real CA: name verification, protocol versions, what SSL reports about the peer
certificate, SNI, allow_unsecured_client, and the TLS parts of the API that need no peer.

Clients and servers are separate processes run by cyproton ("ours") or python-qpid-proton ("ref"),
in every combination.
"""

import json
import os
import socket
import ssl
import threading

import pytest

from secsupport import (
    TLS_FAILURE, assert_failed, assert_ok, clients, openssl_fingerprint, openssl_subject, servers, unique,
)

#: OpenSSL configuration capping every TLS context of a process at TLS 1.2 (for the reference, whose
#: SSLDomain has no protocol setting).
TLS12_CONF = """openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MaxProtocol = TLSv1.2
"""


@pytest.fixture(scope="module")
def tls12_conf(tmp_path_factory):
    path = tmp_path_factory.mktemp("openssl") / "tls12.cnf"
    path.write_text(TLS12_CONF)
    return str(path)


def tls_server(peers, impl, tls_arg, *more, env=None):
    return peers.server(impl, "--tls", tls_arg, "--mechs", "ANONYMOUS", *more, env=env)


# ------------------------------------------------------------------------------------------------------- verification

@servers
@clients
def test_default_client_domain_verifies_server_name(peers, certs, tls_arg, client, server):
    """Container.ssl.client checks the server's name (VERIFY_PEER_NAME) without being told to."""
    srv = tls_server(peers, server, tls_arg)
    for host in ("localhost", "127.0.0.1"):  # both are DNS names in the server certificate
        r = assert_ok(peers.client(client, "--url", srv.url("amqps", host=host), "--ca", certs.ca_crt,
                                   "--default-domain"))
        assert r["encrypted"] is True and r["peer_hostname"] == host
    r = peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt,
                     "--default-domain", "--sni", "not-the-server.example")
    assert_failed(r, TLS_FAILURE, "certificate verify failed")


@clients
def test_default_client_domain_does_not_trust_an_unknown_ca(peers, tls_arg, client):
    srv = tls_server(peers, "ours", tls_arg)
    r = peers.client(client, "--url", srv.url("amqps", host="localhost"), "--default-domain")
    assert_failed(r, TLS_FAILURE, "certificate verify failed")


@servers
@clients
def test_verify_peer_without_name_accepts_another_name(peers, certs, tls_arg, client, server):
    """VERIFY_PEER checks the chain only, so a host name the certificate lacks is fine."""
    srv = tls_server(peers, server, tls_arg)
    r = peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt,
                     "--verify", "peer", "--sni", "not-the-server.example")
    assert_ok(r)
    assert r["peer_hostname"] == "not-the-server.example"


@clients
def test_anonymous_peer_accepts_an_untrusted_server(peers, certs, tls_arg, client):
    srv = tls_server(peers, "ours", tls_arg)
    r = peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.otherca_crt,
                     "--verify", "anonymous")
    assert_ok(r)
    assert r["encrypted"] is True


@servers
@clients
def test_container_default_server_domain(peers, certs, tls_arg, client, server, request):
    """listen("amqps://...") with no domain uses Container.ssl.server."""
    srv = peers.server(server, "--tls", tls_arg, "--default-domain", "--require-client-cert", "--mechs", "ANONYMOUS")
    r = peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt,
                     "--cert", certs.client_crt, "--key", certs.client_key, "--container-id", unique(request))
    assert assert_ok(r)["encrypted"] is True
    assert srv.wait_for(container=unique(request))["cn"] == "testclient"


# -------------------------------------------------------------------------------------------------- protocol versions

@servers
@clients
def test_tls13_by_default(peers, certs, tls_arg, client, server, request):
    srv = tls_server(peers, server, tls_arg)
    r = assert_ok(peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt,
                               "--container-id", unique(request)))
    assert r["protocol"] == "TLSv1.3"
    assert r["cipher"].startswith("TLS_")  # the TLS 1.3 suite names
    seen = srv.wait_for(container=unique(request))
    assert (seen["protocol"], seen["cipher"], seen["encrypted"]) == ("TLSv1.3", r["cipher"], True)


@servers
@clients
def test_tls12_when_the_server_caps_it(peers, certs, tls_arg, tls12_conf, client, server, request):
    """Ours caps the server with SSLDomain._set_protocols, the reference through OPENSSL_CONF."""
    if server == "ours":
        srv = tls_server(peers, server, tls_arg, "--tls-protocols", "TLSv1.2")
    else:
        srv = tls_server(peers, server, tls_arg, env={"OPENSSL_CONF": tls12_conf})
    r = assert_ok(peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt,
                               "--container-id", unique(request)))
    assert r["protocol"] == "TLSv1.2"
    assert r["cipher"] and not r["cipher"].startswith("TLS_")  # e.g. ECDHE-RSA-AES256-GCM-SHA384
    assert srv.wait_for(container=unique(request))["protocol"] == "TLSv1.2"


@servers
@clients
def test_tls12_when_the_client_caps_it(peers, certs, tls_arg, tls12_conf, client, server):
    srv = tls_server(peers, server, tls_arg)
    if client == "ours":
        r = peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt,
                         "--tls-protocols", "TLSv1.2")
    else:
        r = peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt,
                         env={"OPENSSL_CONF": tls12_conf})
    assert assert_ok(r)["protocol"] == "TLSv1.2"


def test_openssl_conf_caps_ours_too(peers, certs, tls_arg, tls12_conf):
    """OPENSSL_CONF works the same for cyproton (it uses the system OpenSSL the usual way)."""
    srv = tls_server(peers, "ours", tls_arg)
    r = peers.client("ours", "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt,
                     env={"OPENSSL_CONF": tls12_conf})
    assert assert_ok(r)["protocol"] == "TLSv1.2"


def test_protocols_that_do_not_meet(peers, certs, tls_arg):
    """A client that insists on TLS 1.3 and a server capped at 1.2 fail quickly, clearly."""
    srv = tls_server(peers, "ours", tls_arg, "--tls-protocols", "TLSv1.2")
    r = peers.client("ours", "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt,
                     "--tls-protocols", "TLSv1.3")
    assert_failed(r, TLS_FAILURE, "SSL")


# ----------------------------------------------------------------------------------------------- the peer certificate

@servers
@clients
def test_server_certificate_subject_and_subfields(peers, certs, tls_arg, client, server):
    srv = tls_server(peers, server, tls_arg)
    r = assert_ok(peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt))
    assert r["subject"] == openssl_subject(certs.server_crt) == "CN=localhost,O=cyproton-test"
    expected = {"CN": "localhost", "O": "cyproton-test", "OU": None, "L": None, "ST": None, "C": None}
    assert r["subfields"] == expected
    assert r["accessors"] == expected  # get_cert_common_name() etc.


@servers
@clients
def test_server_certificate_fingerprints_match_openssl(peers, certs, tls_arg, client, server):
    srv = tls_server(peers, server, tls_arg)
    r = assert_ok(peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt))
    fp = r["fingerprints"]
    for name in ("sha1", "sha256", "sha512", "md5"):
        assert fp[name] == openssl_fingerprint(certs.server_crt, name), name
    assert fp["generic_sha256"] == fp["sha256"]  # get_cert_fingerprint(65, SSL.SHA256)
    assert fp["too_short"] is None  # a buffer too small for the digest gives None


@servers
@clients
def test_server_sees_the_client_certificate(peers, certs, tls_arg, client, server, request):
    srv = peers.server(server, "--tls", tls_arg, "--require-client-cert", "--mechs", "ANONYMOUS")
    r = peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt,
                     "--cert", certs.client_crt, "--key", certs.client_key, "--container-id", unique(request))
    assert_ok(r)
    seen = srv.wait_for(container=unique(request))
    assert seen["subject"] == openssl_subject(certs.client_crt) == "CN=testclient,O=cyproton-test"
    assert seen["cn"] == "testclient"


@clients
def test_no_client_certificate_no_subject(peers, certs, tls_arg, client, request):
    srv = tls_server(peers, "ours", tls_arg)
    assert_ok(peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt,
                           "--container-id", unique(request)))
    seen = srv.wait_for(container=unique(request))
    assert seen["subject"] is None and seen["cn"] is None


@servers
@clients
def test_resume_status_of_a_first_connection(peers, certs, tls_arg, client, server):
    srv = tls_server(peers, server, tls_arg)
    r = assert_ok(peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt))
    assert r["resume_status"] in (0, 1)  # SSL.RESUME_UNKNOWN or RESUME_NEW, never RESUME_REUSED


# ---------------------------------------------------------------------------------------------------------------- SNI

class SniCatcher:
    """A bare TLS listener (the standard library's ssl) that records the SNI names clients send."""

    def __init__(self, certs):
        self.names = []
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(certs.server_crt, certs.server_key)
        ctx.sni_callback = lambda sslobj, name, context: self.names.append(name)
        self.ctx = ctx
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(10)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(5)
            try:
                with self.ctx.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(8)  # the AMQP header, then we hang up
            except (OSError, ssl.SSLError):
                pass

    def close(self):
        self.sock.close()
        self.thread.join(10)


@pytest.mark.parametrize("options, expected", [
    ((), "localhost"),
    (("--sni", "sni.example"), "sni.example"),
    (("--virtual-host", "vhost.example"), "vhost.example"),
    (("--virtual-host", "vhost.example", "--sni", "sni.example"), "sni.example"),
], ids=["url-host", "sni", "virtual-host", "sni-over-virtual-host"])
@clients
def test_sni_sent_on_the_wire(peers, certs, client, options, expected):
    catcher = SniCatcher(certs)
    try:
        r = peers.client(client, "--url", f"amqps://localhost:{catcher.port}", "--ca", certs.ca_crt,
                         "--verify", "peer", *options, "--timeout", "5")
    finally:
        catcher.close()
    assert catcher.names == [expected], r
    assert r["ok"] is False  # the catcher hangs up after the handshake


# --------------------------------------------------------------------------------------------- allow_unsecured_client

@servers
@clients
def test_allow_unsecured_client_accepts_both(peers, certs, tls_arg, client, server, request):
    srv = tls_server(peers, server, tls_arg, "--allow-unsecured")
    plain = assert_ok(peers.client(client, "--url", srv.url("amqp", host="localhost"),
                                   "--container-id", unique(request, "-plain")))
    secure = assert_ok(peers.client(client, "--url", srv.url("amqps", host="localhost"), "--ca", certs.ca_crt,
                                    "--container-id", unique(request, "-tls")))
    assert (plain["encrypted"], secure["encrypted"]) == (False, True)
    assert srv.wait_for(container=unique(request, "-plain"))["encrypted"] is False
    assert srv.wait_for(container=unique(request, "-tls"))["encrypted"] is True


# ------------------------------------------------------------------------------------------------- API without a peer

API_PROGRAM = r"""
import json
from proton import SSL, SASL, SSLDomain, SSLException, SSLUnavailable, Transport, Url
from proton.reactor import Container
out = {"present": SSL.present(), "extended": SASL.extended()}
out["amqps_port"] = int(Url("amqps://localhost").port)
out["amqp_port"] = int(Url("amqp://localhost").port)
out["amqps_default"] = str(Url("amqps://host"))
c = Container()
out["container_ssl"] = [type(c.ssl.client).__name__, type(c.ssl.server).__name__]
def outcome(fn):
    try:
        fn()
        return "ok"
    except SSLUnavailable as e:
        return "SSLUnavailable"
    except SSLException as e:
        return "SSLException"
    except Exception as e:
        return type(e).__name__
CERTS = %(certs)r
d = lambda: SSLDomain(SSLDomain.MODE_CLIENT)
s = lambda: SSLDomain(SSLDomain.MODE_SERVER)
out["missing_cert_file"] = outcome(lambda: d().set_credentials("/nonexistent.crt", "/nonexistent.key", None))
out["cert_key_mismatch"] = outcome(lambda: s().set_credentials(CERTS + "/server.crt", CERTS + "/client.key", None))
out["good_credentials"] = outcome(lambda: s().set_credentials(CERTS + "/server.crt", CERTS + "/server.key", None))
out["missing_ca_db"] = outcome(lambda: d().set_trusted_ca_db("/nonexistent-ca.crt"))
out["good_ca_db"] = outcome(lambda: d().set_trusted_ca_db(CERTS + "/ca.crt"))
out["unsecured_on_client_domain"] = outcome(lambda: d().allow_unsecured_client())
out["unsecured_on_server_domain"] = outcome(lambda: s().allow_unsecured_client())
out["verify_name_client"] = outcome(lambda: d().set_peer_authentication(SSLDomain.VERIFY_PEER_NAME, CERTS + "/ca.crt"))
t = Transport()
first = t.ssl(d())
out["same_ssl_again"] = t.ssl() is first or t.ssl() == first
out["reconfigure"] = outcome(lambda: t.ssl(d()))
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def api_facts(peers, certs):
    code = API_PROGRAM % {"certs": certs.dir}
    return {impl: peers.evaluate(impl, code) for impl in ("ours", "ref")}


def test_ssl_present_and_amqps_port(api_facts):
    for impl in ("ours", "ref"):
        facts = api_facts[impl]
        assert facts["present"] is True and facts["extended"] is True, impl
        assert (facts["amqps_port"], facts["amqp_port"]) == (5671, 5672), impl
        assert facts["container_ssl"] == ["SSLDomain", "SSLDomain"], impl


@pytest.mark.parametrize("case", [
    "missing_cert_file", "cert_key_mismatch", "good_credentials", "missing_ca_db", "good_ca_db",
    "unsecured_on_client_domain", "unsecured_on_server_domain", "verify_name_client", "same_ssl_again",
    "amqps_default",
])
def test_ssl_api_outcomes_match_the_reference(api_facts, case):
    """SSLException for bad files and misuse, exactly where the reference raises it."""
    assert api_facts["ours"][case] == api_facts["ref"][case], json.dumps(api_facts, indent=1)


def test_ssl_api_outcomes_themselves(api_facts):
    ref = api_facts["ref"]
    assert ref["missing_cert_file"] == ref["missing_ca_db"] == ref["unsecured_on_client_domain"] == "SSLException"
    assert ref["good_credentials"] == ref["good_ca_db"] == ref["unsecured_on_server_domain"] == "ok"
    # Transport.ssl(another_domain) on a transport that has TLS already: ours always refuses. (The
    # reference's check compares domain identity and lets it through in some call sequences.)
    assert api_facts["ours"]["reconfigure"] == "SSLException"


def test_invalid_domain_mode_is_a_clean_exception(peers):
    """Ours raises SSLException. (python-qpid-proton 0.40 makes a broken domain and the process
    crashes with SIGSEGV at exit, so there is no reference behaviour to copy.)"""
    code = ("import json\nfrom proton import SSLDomain, SSLException\n"
            "try:\n    SSLDomain(7); r = 'created'\n"
            "except SSLException as e:\n    r = type(e).__name__\n"
            "print(json.dumps(r))\n")
    assert peers.evaluate("ours", code) in ("SSLException", "SSLUnavailable")


def test_amqps_without_tls_support_is_ssl_unavailable(peers):
    """Container.connect to amqps:// with no TLS configuration raises SSLUnavailable (both)."""
    code = ("import json\nfrom proton import SSLUnavailable\nfrom proton.reactor import Container\n"
            "c = Container(); c.ssl = None\n"
            "try:\n    c.connect('amqps://localhost:1', reconnect=False); c.process(); r = 'connected'\n"
            "except SSLUnavailable:\n    r = 'SSLUnavailable'\n"
            "except Exception as e:\n    r = type(e).__name__\n"
            "print(json.dumps(r))\n")
    assert peers.evaluate("ref", code) == "SSLUnavailable"
    assert peers.evaluate("ours", code) == "SSLUnavailable"


def test_amqps_listen_without_tls_support_is_ssl_unavailable(peers):
    code = ("import json\nfrom proton import SSLUnavailable\nfrom proton.reactor import Container\n"
            "c = Container(); c.ssl = None\n"
            "try:\n    c.listen('amqps://127.0.0.1:%d'); r = 'listening'\n"
            "except SSLUnavailable:\n    r = 'SSLUnavailable'\n"
            "except Exception as e:\n    r = type(e).__name__\n"
            "print(json.dumps(r))\n")
    from secsupport import free_port
    assert peers.evaluate("ref", code % free_port()) == "SSLUnavailable"
    assert peers.evaluate("ours", code % free_port()) == "SSLUnavailable"


def test_pem_files_exist(certs):
    for name in ("ca_crt", "server_crt", "server_key", "client_crt", "client_key", "client_untrusted_crt"):
        assert os.path.getsize(getattr(certs, name)) > 0
