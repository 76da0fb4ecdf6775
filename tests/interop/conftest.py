# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Fixtures shared by the interop tests.

``ref_oracle``: a :class:`refpeer.RefOracle`, python-qpid-proton 0.40 running in its own
interpreter (``.venv-ref``, made by ``scripts/make_ref_venv.sh``, which ``make test`` always runs),
answering codec questions. Module-scoped: one process per test module.

Peers and programs (``test_peers.py``, ``test_rabbitmq.py``, ``test_rhea.py``): the interpreters of both
implementations, the peers, and a runner for the programs in ``programs/``.

Both implementations install the import name ``proton``, so they never share a process: every AMQP endpoint
here is a subprocess, run by ``ours_python`` (env ``CYPROTON_OURS_PYTHON``, default ``.venv/bin/python``: it
imports cyproton's ``proton``) or by ``ref_python`` (env ``CYPROTON_REF_PYTHON``, default
``.venv-ref/bin/python``: python-qpid-proton 0.40). Point ``CYPROTON_OURS_PYTHON`` at the reference interpreter
to check the tests themselves. These fixtures import no ``proton``.

Peers are started once per session from the project's scripts in ``tests/peers/``, on free loopback ports, and
stopped by PID at the end. A script's exit status 77 means a prerequisite is not installed: the tests that need
that peer are skipped with the script's message (which names the Debian package). Fixtures:

  peer_certs     dir of make_certs.sh            peer_sasldb   dir of make_sasldb.sh
  peer_kdc       krb5kdc (start_kdc.sh)          peer_rabbitmq RabbitMQ 3.10 + AMQP 1.0 (start_rabbitmq.sh)
  peer_rhea      rhea mini broker (start_rhea.sh) rhea_node    node + NODE_PATH to run tests/peers/rhea_client.js
  proton_server  factory: programs/server.py under either implementation, per test
  interop_run    runner: start programs (Python or node), wait with a time-out, parse their JSON summary
"""

import json
import os
import shlex
import socket
import subprocess
import sys
import time

import pytest

_TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)  # for tests/refpeer.py

import refpeer  # noqa: E402


@pytest.fixture(scope="module")
def ref_oracle():
    """The reference implementation as an oracle; skips when its interpreter is missing."""
    if refpeer.ref_python() is None:
        pytest.skip("no python-qpid-proton reference interpreter: run scripts/make_ref_venv.sh "
                    "(make test does) or set CYPROTON_REF_PYTHON")
    oracle = refpeer.RefOracle()
    try:
        yield oracle
    finally:
        oracle.close()


# =================================================================================================================
# Peers and programs

INTEROP_DIR = os.path.dirname(os.path.abspath(__file__))
PROGRAMS_DIR = os.path.join(INTEROP_DIR, "programs")
PEERS_DIR = os.path.join(os.path.dirname(INTEROP_DIR), "peers")
REPO_ROOT = os.path.dirname(os.path.dirname(INTEROP_DIR))
SKIP_STATUS = 77                       # a peer script's "prerequisite missing"
PROGRAM_TIMEOUT = 60                   # seconds a program may run (it reports and stops itself by then)
KILL_GRACE = 15                        # ... after which the runner kills it and the test fails
IMPLS = ("ours", "ref")


def pytest_configure(config):
    config.addinivalue_line("markers", "interop: talks to other AMQP 1.0 implementations over loopback "
                                       "(subprocesses; python-qpid-proton, RabbitMQ, rhea)")


def free_port(host="127.0.0.1"):
    """A TCP port nothing listens on right now (the caller binds it soon after)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


# ---------------------------------------------------------------------------------------------------------------
# Interpreters

def _probe(python, what):
    """Skip if ``python`` does not exist; fail if it cannot import the messaging API (our implementation may
    not have it yet: that is a failure to see, not a reason to skip)."""
    if not os.path.exists(python):
        pytest.skip("%s interpreter %s not found" % (what, python))
    code = "import proton, proton.reactor, proton.handlers, proton.utils; print(proton.__file__)"
    probe = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60)
    if probe.returncode:
        pytest.fail("%s interpreter %s cannot import the proton messaging API:\n%s"
                    % (what, python, probe.stderr.strip()[-2000:]), pytrace=False)
    return python


@pytest.fixture(scope="session")
def ref_python():
    """The interpreter of python-qpid-proton 0.40 (the reference)."""
    return _probe(os.environ.get("CYPROTON_REF_PYTHON", os.path.join(REPO_ROOT, ".venv-ref", "bin", "python")),
                  "reference")


@pytest.fixture(scope="session")
def ours_python():
    """The interpreter whose ``proton`` is ours (CYPROTON_OURS_PYTHON may point it at the reference)."""
    return _probe(os.environ.get("CYPROTON_OURS_PYTHON", os.path.join(REPO_ROOT, ".venv", "bin", "python")),
                  "ours")


@pytest.fixture(scope="session")
def interop_pythons(ours_python, ref_python):
    return {"ours": ours_python, "ref": ref_python}


# ---------------------------------------------------------------------------------------------------------------
# Peer scripts

def run_peer_script(script, *args, env=None, timeout=180):
    """Run tests/peers/SCRIPT; skip the test on exit status 77, fail on any other error. Returns its output."""
    cmd = [os.path.join(PEERS_DIR, script)] + [str(a) for a in args]
    full_env = dict(os.environ, **(env or {}))
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        pytest.fail("%s did not finish in %d s:\n%s%s" % (script, timeout, e.stdout or "", e.stderr or ""),
                    pytrace=False)
    if done.returncode == SKIP_STATUS:
        pytest.skip(done.stderr.strip() or "%s: prerequisite missing" % script)
    if done.returncode:
        pytest.fail("%s failed (exit %d):\n%s\n%s" % (" ".join(map(shlex.quote, cmd)), done.returncode,
                                                      done.stdout, done.stderr), pytrace=False)
    return done.stdout


def read_env_file(path):
    """The variables an env.sh written by a peer script exports."""
    env = {}
    with open(path) as f:
        for line in f:
            if line.startswith("export ") and "=" in line:
                key, value = line[len("export "):].strip().split("=", 1)
                env[key] = value.strip('"')
    return env


class Service:
    """A started peer: where it listens and how to stop it."""

    def __init__(self, name, directory, **info):
        self.name = name
        self.dir = str(directory)
        self.__dict__.update(info)

    def __repr__(self):
        return "<%s %s>" % (self.name, {k: v for k, v in self.__dict__.items() if k != "name"})


@pytest.fixture(scope="session")
def peer_certs(tmp_path_factory):
    """A directory of test certificates (CA, server CN=localhost, client CN=testclient, untrusted client)."""
    directory = tmp_path_factory.mktemp("certs")
    run_peer_script("make_certs.sh", directory)
    return str(directory)


@pytest.fixture(scope="session")
def peer_sasldb(tmp_path_factory):
    """A Cyrus sasldb dir with users alice/alice-secret and bob/bob-secret and proton-server.conf."""
    directory = tmp_path_factory.mktemp("sasl")
    run_peer_script("make_sasldb.sh", directory)
    return str(directory)


@pytest.fixture(scope="session")
def peer_kdc(tmp_path_factory):
    """An MIT KDC on a free port; ``env`` holds KRB5_CONFIG etc. for both sides, ``sasl_dir`` the Cyrus
    configuration (mech_list: GSSAPI) for a proton server."""
    directory = tmp_path_factory.mktemp("kdc")
    port = free_port()
    run_peer_script("start_kdc.sh", directory, env={"KDC_PORT": str(port)})
    try:
        yield Service("kdc", directory, port=port, env=read_env_file(os.path.join(directory, "env.sh")),
                      sasl_dir=os.path.join(directory, "sasl"), realm="CYPROTON.TEST")
    finally:
        subprocess.run([os.path.join(PEERS_DIR, "stop_kdc.sh"), str(directory)], capture_output=True)


@pytest.fixture(scope="session")
def peer_rabbitmq(tmp_path_factory, peer_certs):
    """RabbitMQ 3.10 with the AMQP 1.0 plugin on free ports: plain AMQP on ``port`` (also [::1] when IPv6 is
    up: ``ipv6``), amqps with client certificates and EXTERNAL on ``tls_port``. Users guest/guest (ANONYMOUS),
    alice/alice-secret, testclient (EXTERNAL). Started once per session (about 5 s)."""
    directory = tmp_path_factory.mktemp("rabbitmq")
    ipv6 = ipv6_loopback()
    env = {"RABBITMQ_PORT": str(free_port()), "RABBITMQ_TLS_PORT": str(free_port()),
           "RABBITMQ_DIST_PORT": str(free_port()), "RABBITMQ_EPMD_PORT": str(free_port()),
           "CERTS_DIR": peer_certs, "RABBITMQ_IPV6": "1" if ipv6 else "0"}
    run_peer_script("start_rabbitmq.sh", directory, env=env)
    try:
        yield Service("rabbitmq", directory, host="127.0.0.1", port=int(env["RABBITMQ_PORT"]),
                      tls_port=int(env["RABBITMQ_TLS_PORT"]), ipv6=ipv6, certs=peer_certs)
    finally:
        subprocess.run([os.path.join(PEERS_DIR, "stop_rabbitmq.sh"), str(directory)], capture_output=True,
                       env=dict(os.environ, RABBITMQ_STOP_FAST="1"))


@pytest.fixture(scope="session")
def rhea_node():
    """(node, NODE_PATH) to run the rhea scripts in tests/peers; installs rhea into build/ the first time."""
    node_path = run_peer_script("ensure_rhea.sh").strip().splitlines()[-1]
    return "node", node_path


@pytest.fixture(scope="session")
def peer_rhea(tmp_path_factory, rhea_node):
    """The rhea mini broker (tests/peers/rhea_broker.js) on a free port; SASL PLAIN alice/alice-secret."""
    directory = tmp_path_factory.mktemp("rhea")
    port = free_port()
    run_peer_script("start_rhea.sh", directory, env={"RHEA_PORT": str(port), "RHEA_NPM_DIR":
                                                     os.path.dirname(rhea_node[1])})
    try:
        yield Service("rhea", directory, host="127.0.0.1", port=port,
                      url="amqp://alice:alice-secret@127.0.0.1:%d" % port)
    finally:
        subprocess.run([os.path.join(PEERS_DIR, "stop_rhea.sh"), str(directory)], capture_output=True)


# ---------------------------------------------------------------------------------------------------------------
# Programs

class Result:
    """A finished program: exit status, its JSON summary (the last stdout line that is a JSON object)."""

    def __init__(self, name, argv, returncode, stdout, stderr, seconds, killed):
        self.name, self.argv, self.returncode = name, argv, returncode
        self.stdout, self.stderr, self.seconds, self.killed = stdout, stderr, seconds, killed
        self.summary = None
        for line in reversed(stdout.splitlines()):
            if line.startswith("{"):
                try:
                    self.summary = json.loads(line)
                except ValueError:
                    pass
                break

    def __getitem__(self, key):
        assert self.summary is not None, "no JSON summary from %s" % self.describe()
        return self.summary[key]

    def get(self, key, default=None):
        return (self.summary or {}).get(key, default)

    def describe(self):
        """Everything needed to understand a failure, for assertion messages."""
        return "%s (exit %s%s, %.1f s)\n  argv: %s\n  summary: %s\n  stderr: %s" % (
            self.name, self.returncode, ", KILLED after time-out" if self.killed else "", self.seconds,
            " ".join(map(shlex.quote, self.argv)), json.dumps(self.summary, sort_keys=True)[:3000],
            self.stderr.strip()[-3000:])


class Running:
    def __init__(self, name, argv, proc, out, err, started, deadline):
        self.name, self.argv, self.proc, self.out, self.err = name, argv, proc, out, err
        self.started, self.deadline = started, deadline

    def wait(self):
        killed = False
        try:
            self.proc.wait(timeout=max(0.1, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.proc.kill()            # this PID only
            self.proc.wait()
            killed = True
        self.out.seek(0)
        self.err.seek(0)
        return Result(self.name, self.argv, self.proc.returncode, self.out.read(), self.err.read(),
                      time.monotonic() - self.started, killed)


class Runner:
    """Starts the interop programs (``programs/NAME.py`` under an implementation's interpreter, or a node script)
    and collects their results; nothing it starts outlives the test."""

    def __init__(self, tmp_path, pythons, node=None):
        self.tmp_path, self.pythons, self.node = tmp_path, pythons, node
        self.running = []
        self.count = 0

    def start(self, impl, program, *args, timeout=PROGRAM_TIMEOUT, env=None):
        """Start PROGRAM (e.g. "send") under ``impl`` ("ours"/"ref"), or a node script when impl is "node"."""
        if impl == "node":
            node, node_path = self.node()
            argv = [node, os.path.join(PEERS_DIR, program)]
            env = dict(env or {}, NODE_PATH=node_path)
        else:
            argv = [self.pythons[impl], os.path.join(PROGRAMS_DIR, program + ".py")]
        argv += [str(a) for a in args] + ["--timeout", str(timeout)]
        self.count += 1
        name = "%s[%s]#%d" % (program, impl, self.count)
        out = open(self.tmp_path / ("%s.out" % name), "w+")
        err = open(self.tmp_path / ("%s.err" % name), "w+")
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=PROGRAMS_DIR,
                                env=dict(os.environ, PYTHONUNBUFFERED="1", **(env or {})))
        running = Running(name, argv, proc, out, err, time.monotonic(), time.monotonic() + timeout + KILL_GRACE)
        self.running.append(running)
        return running

    def run(self, impl, program, *args, **kwargs):
        return self.start(impl, program, *args, **kwargs).wait()

    def close(self):
        for running in self.running:
            if running.proc.poll() is None:
                running.proc.kill()
                running.proc.wait()
            running.out.close()
            running.err.close()


@pytest.fixture
def interop_run(tmp_path, interop_pythons, request):
    def node():
        return request.getfixturevalue("rhea_node")
    runner = Runner(tmp_path, interop_pythons, node)
    yield runner
    runner.close()


class ProtonServer:
    """programs/server.py, running under one implementation."""

    def __init__(self, impl, port, log, proc, out):
        self.impl, self.port, self.log_path, self.proc, self.out = impl, port, log, proc, out
        self.url = "amqp://127.0.0.1:%d" % port

    def log(self, event=None):
        """The JSON lines the server wrote so far (only those of ``event`` if given)."""
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path) as f:
            records = [json.loads(line) for line in f if line.strip()]
        return [r for r in records if event is None or r.get("event") == event]

    def link_stats(self, address, role):
        """The counts the server logged when its link (``role`` "sender" or "receiver") on ``address`` ended."""
        found = [r for r in self.log("link-stats") if r["address"] == address and r["role"] == role]
        assert found, "server logged no %s link on %r: %s" % (role, address, self.log())
        return found[-1]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def proton_server(tmp_path, interop_pythons):
    """Factory: ``proton_server("ref", "--mode", "sink")`` starts programs/server.py under that implementation
    on a free port and returns once it listens; every server is stopped (by PID) after the test."""
    servers = []

    def start(impl, *args, env=None):
        for attempt in range(3):   # a free port can be taken between our check and the server's bind
            port = free_port()
            log = str(tmp_path / ("server-%s-%d.jsonl" % (impl, port)))
            out = open(tmp_path / ("server-%s-%d.out" % (impl, port)), "w+")
            argv = [interop_pythons[impl], os.path.join(PROGRAMS_DIR, "server.py"), "--port", str(port),
                    "--log", log] + [str(a) for a in args]
            proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=PROGRAMS_DIR,
                                    env=dict(os.environ, PYTHONUNBUFFERED="1", **(env or {})))
            server = ProtonServer(impl, port, log, proc, out)
            servers.append(server)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and proc.poll() is None:
                out.seek(0)
                if "LISTENING" in out.read():
                    return server
                time.sleep(0.02)
            server.stop()
            out.seek(0)
            output = out.read()
            if proc.returncode not in (None, 0) and "in use" not in output:
                break
        pytest.fail("server.py (%s) did not start: %s\n%s" % (impl, " ".join(argv), output[-3000:]), pytrace=False)

    yield start
    for server in servers:
        server.stop()
        server.out.close()
