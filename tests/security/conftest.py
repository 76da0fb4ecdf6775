# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Fixtures for the security tests: TLS with a real CA, SASL through Cyrus with a real sasldb, GSSAPI
against a throwaway MIT KDC, RabbitMQ over amqps. Loopback only, peers started and stopped here.

Servers and clients are separate processes (``peer_server.py`` and ``peer_client.py``, public API
only), run by either implementation:

- ``"ours"``: cyproton, with the interpreter running the tests (``$CYPROTON_PYTHON`` overrides it)
  and the ``proton`` package that interpreter finds;
- ``"ref"``: python-qpid-proton 0.40 in ``.venv-ref`` (``$CYPROTON_REF_PYTHON`` overrides it);
  tests needing it are skipped when it is missing.

Cyrus SASL reads its configuration once per process, so every distinct server set-up is its own
process; :meth:`Peers.server` starts each one once per session and reuses it.

Session fixtures: ``certs`` (``tests/peers/make_certs.sh``), ``sasldb`` (``make_sasldb.sh``: alice and
bob), ``kdc`` (``start_kdc.sh`` on a free port, stopped by PID), ``rabbitmq`` (``start_rabbitmq.sh``
with the certificates, on free ports, stopped by PID), ``peers`` (the process runner).

Every test has a hard time limit: ``SIGALRM`` raises :class:`HardTimeout` after
:data:`DEFAULT_LIMIT` seconds (``@pytest.mark.timeout(n)`` changes it), and ``faulthandler`` ends
the process if even that does not stop the test. pytest-timeout, when installed, is left in charge.
"""

import faulthandler
import glob
import importlib.util
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import types

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from secsupport import IMPLS, REPO_ROOT, SASLDB_MECHS, USERS, free_port, url  # noqa: E402

TESTS_DIR = os.path.dirname(HERE)
PEERS_DIR = os.path.join(TESTS_DIR, "peers")
SERVER_PROGRAM = os.path.join(HERE, "peer_server.py")
CLIENT_PROGRAM = os.path.join(HERE, "peer_client.py")

DEFAULT_LIMIT = 30

# Environment variables that change what proton or Kerberos does: never inherited by the peers.
_SCRUBBED = ("PYTHONPATH", "PN_TRACE_FRM", "PN_TRACE_RAW", "PN_TRACE_DRV", "PN_LOG", "PN_SASL_CONFIG_PATH",
             "OPENSSL_CONF", "KRB5_CONFIG", "KRB5_KTNAME", "KRB5CCNAME", "KRB5_CLIENT_KTNAME", "SSLKEYLOGFILE")


class HardTimeout(BaseException):
    """A test ran past its time limit (BaseException: handlers must not swallow it)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "timeout(seconds): hard time limit for one test")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if item.config.pluginmanager.hasplugin("timeout") or threading.current_thread() is not threading.main_thread():
        yield
        return
    mark = item.get_closest_marker("timeout")
    limit = float(mark.args[0]) if mark is not None and mark.args else DEFAULT_LIMIT

    def expire(signum, frame):
        raise HardTimeout(f"{item.nodeid} ran past its {limit:g}s limit")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limit)
    faulthandler.dump_traceback_later(limit + 30, exit=True)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------------------------------------- helpers

def run_script(script, *args, env=None, timeout=60):
    """Run one of tests/peers/*.sh; skip the test on exit status 77 (a prerequisite is missing)."""
    cmd = [os.path.join(PEERS_DIR, script), *args]
    full_env = dict(os.environ, **(env or {}))
    done = subprocess.run(cmd, env=full_env, capture_output=True, text=True, timeout=timeout)
    if done.returncode == 77:
        pytest.skip(f"{script}: {done.stderr.strip()}")
    if done.returncode != 0:
        raise RuntimeError(f"{script} {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def read_env_sh(path):
    """The ``export NAME=value`` lines of an env.sh a peer script wrote."""
    found = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("export ") and "=" in line:
                name, _, value = line[len("export "):].partition("=")
                found[name] = value.strip('"')
    return found


# ---------------------------------------------------------------------------------------------- implementations

def _ours():
    python = os.environ.get("CYPROTON_PYTHON") or sys.executable
    spec = importlib.util.find_spec("proton")
    root = None
    if spec is not None and spec.origin:
        package = os.path.dirname(spec.origin)
        if glob.glob(os.path.join(package, "_cproton*")):
            root = os.path.dirname(package)
    if root is None:  # the test interpreter has the reference: use the development tree
        python = os.environ.get("CYPROTON_PYTHON") or os.path.join(REPO_ROOT, ".venv", "bin", "python")
        root = os.path.join(REPO_ROOT, "src")
    return python, root


def _ref():
    python = os.environ.get("CYPROTON_REF_PYTHON") or os.path.join(REPO_ROOT, ".venv-ref", "bin", "python")
    return (python if os.path.isfile(python) and os.access(python, os.X_OK) else None), None


class Impl:
    """How to run a program with one implementation of ``proton``."""

    def __init__(self, name):
        self.name = name
        self.python, self.path = _ours() if name == "ours" else _ref()

    def require(self):
        if self.python is None:
            pytest.skip("no python-qpid-proton reference interpreter (scripts/make_ref_venv.sh, "
                        "or set CYPROTON_REF_PYTHON)")

    def env(self, extra=None):
        env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
        if self.path:
            env["PYTHONPATH"] = self.path
        env["PYTHONUNBUFFERED"] = "1"
        env.update(extra or {})
        return env

    def command(self, program, *args):
        self.require()
        return [self.python, program, *map(str, args)]


class ServerProc:
    """A running peer_server.py: its port and the JSON lines it printed."""

    def __init__(self, impl, args, host, env, log_path):
        self.impl = impl
        self.host = host
        self.args = list(args)
        self.lines = []
        self._changed = threading.Condition()
        port_args = [] if impl.name == "ours" else ["--port", str(free_port(host))]
        cmd = impl.command(SERVER_PROGRAM, "--host", host, *port_args, *args)
        self._log = open(log_path, "w")
        self.proc = subprocess.Popen(cmd, env=impl.env(env), stdout=subprocess.PIPE, stderr=self._log,
                                     stdin=subprocess.PIPE, text=True)
        ready = queue.Queue()
        threading.Thread(target=self._read, args=(ready,), daemon=True).start()
        try:
            self.port = ready.get(timeout=15)
        except queue.Empty:
            self.port = None
        if not self.port:
            self.stop()
            raise RuntimeError(f"peer_server ({impl.name}) did not start: {' '.join(cmd)}\n{self.stderr()}")

    def _read(self, ready):
        for line in self.proc.stdout:
            line = line.strip()
            if line.startswith("READY "):
                ready.put(int(line.split()[1]))
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            with self._changed:
                self.lines.append(record)
                self._changed.notify_all()
        ready.put(None)

    def url(self, scheme="amqp", user=None, password=None, host=None):
        return url(scheme, host or self.host, self.port, user, password)

    def wait_for(self, timeout=5, **match):
        """The first JSON line whose fields equal ``match`` (AssertionError after ``timeout`` s)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for record in self.lines:
                    if all(record.get(k) == v for k, v in match.items()):
                        return record
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError(f"server printed no line matching {match}; got {self.lines[-5:]}"
                                         f"\n{self.stderr()}")
                self._changed.wait(left)

    def stderr(self):
        self._log.flush()
        try:
            with open(self._log.name) as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()  # by PID: SIGTERM to this child only
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()


class Peers:
    """Starts servers (cached per set-up for the session) and runs clients, with either implementation."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.impls = {name: Impl(name) for name in IMPLS}
        self._servers = {}
        self._count = 0

    def impl(self, name):
        impl = self.impls[name]
        impl.require()
        return impl

    def server(self, impl, *args, host="127.0.0.1", env=None):
        """A peer_server.py with ``args``, run by ``impl`` ("ours"/"ref"), listening on ``host``."""
        key = (impl, host, tuple(map(str, args)), tuple(sorted((env or {}).items())))
        found = self._servers.get(key)
        if found is not None and found.alive():
            return found
        self._count += 1
        log = os.path.join(self.workdir, f"server-{self._count}-{impl}.log")
        found = ServerProc(self.impl(impl), [str(a) for a in args], host, env, log)
        self._servers[key] = found
        return found

    def client(self, impl, *args, env=None, timeout=25, expect_result=True):
        """Run peer_client.py with ``args`` under ``impl``; its RESULT as a dict (plus ``stderr``)."""
        cmd = self.impl(impl).command(CLIENT_PROGRAM, *args)
        done = subprocess.run(cmd, env=self.impls[impl].env(env), capture_output=True, text=True, timeout=timeout)
        for line in done.stdout.splitlines():
            if line.startswith("RESULT "):
                result = json.loads(line[len("RESULT "):])
                result["stderr"] = done.stderr
                result["returncode"] = done.returncode
                return result
        if expect_result:
            raise AssertionError(f"peer_client ({impl}) printed no RESULT (exit {done.returncode}):\n"
                                 f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
        return {"stdout": done.stdout, "stderr": done.stderr, "returncode": done.returncode}

    def evaluate(self, impl, code, env=None, timeout=25):
        """Run ``code`` (a Python program printing one JSON value last) under ``impl``; the value."""
        cmd = [self.impl(impl).python, "-c", code]
        done = subprocess.run(cmd, env=self.impls[impl].env(env), capture_output=True, text=True, timeout=timeout)
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            raise AssertionError(f"program failed under {impl} (exit {done.returncode}):\n{done.stderr[-3000:]}")
        return json.loads(lines[-1])

    def run(self, impl, program, *args, env=None, timeout=25):
        """Run any program (an example) under ``impl``; the CompletedProcess."""
        cmd = self.impl(impl).command(program, *args)
        return subprocess.run(cmd, env=self.impls[impl].env(env), capture_output=True, text=True,
                              timeout=timeout, cwd=REPO_ROOT)

    def close(self):
        for server in self._servers.values():
            server.stop()
        self._servers.clear()


# ---------------------------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def peers(tmp_path_factory):
    """The :class:`Peers` runner; every server it started is stopped (by PID) at the end."""
    runner = Peers(str(tmp_path_factory.mktemp("peers")))
    try:
        yield runner
    finally:
        runner.close()


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    """The CA, server and client certificates of make_certs.sh (attribute per file)."""
    d = str(tmp_path_factory.mktemp("certs"))
    run_script("make_certs.sh", d)
    names = ("ca.crt", "server.crt", "server.key", "client.crt", "client.key", "otherca.crt",
             "client-untrusted.crt", "client-untrusted.key", "server-chain.pem")
    paths = {n.replace(".", "_").replace("-", "_"): os.path.join(d, n) for n in names}
    return types.SimpleNamespace(dir=d, **paths)


@pytest.fixture(scope="session")
def sasldb(tmp_path_factory):
    """A Cyrus sasldb with alice/alice-secret and bob/bob-secret, and its proton-server.conf."""
    d = str(tmp_path_factory.mktemp("sasl"))
    run_script("make_sasldb.sh", d, env={"SASL_USERS": " ".join(f"{u}:{p}" for u, p in USERS.items()),
                                         "SASL_MECHS": SASLDB_MECHS})
    return types.SimpleNamespace(dir=d, name="proton-server", users=dict(USERS))


@pytest.fixture(scope="session")
def kdc(tmp_path_factory):
    """A throwaway MIT KDC on 127.0.0.1 (start_kdc.sh), stopped by PID at the end of the session."""
    d = str(tmp_path_factory.mktemp("kdc"))
    port = free_port()
    run_script("start_kdc.sh", d, env={"KDC_PORT": str(port)})
    try:
        env = read_env_sh(os.path.join(d, "env.sh"))
        yield types.SimpleNamespace(
            dir=d, port=port, sasl_dir=os.path.join(d, "sasl"),
            server_env={"KRB5_CONFIG": env["KRB5_CONFIG"], "KRB5_KTNAME": env["KRB5_KTNAME"]},
            client_env={"KRB5_CONFIG": env["KRB5_CONFIG"], "KRB5_CLIENT_KTNAME": env["KRB5_CLIENT_KTNAME"]},
            realm=open(env["KRB5_CONFIG"]).read().split("default_realm = ")[1].split()[0],
        )
    finally:
        run_script("stop_kdc.sh", d)


@pytest.fixture(scope="session")
def rabbitmq(tmp_path_factory, certs):
    """RabbitMQ with the AMQP 1.0 plugin, amqps and EXTERNAL (start_rabbitmq.sh), stopped by PID."""
    if shutil.which("rabbitmq-server") is None and not os.path.exists("/usr/lib/rabbitmq/bin/rabbitmq-server"):
        pytest.skip("rabbitmq-server is not installed (Debian package rabbitmq-server)")
    d = str(tmp_path_factory.mktemp("rabbitmq"))
    ports = {"RABBITMQ_PORT": free_port(), "RABBITMQ_TLS_PORT": free_port(), "RABBITMQ_DIST_PORT": free_port(),
             "RABBITMQ_EPMD_PORT": free_port()}
    env = {k: str(v) for k, v in ports.items()}
    env["CERTS_DIR"] = certs.dir
    try:
        run_script("start_rabbitmq.sh", d, env=env, timeout=120)
        yield types.SimpleNamespace(dir=d, port=ports["RABBITMQ_PORT"], tls_port=ports["RABBITMQ_TLS_PORT"])
    finally:
        run_script("stop_rabbitmq.sh", d, timeout=90)


# ---------------------------------------------------------------------------------------------- server settings

@pytest.fixture(scope="session")
def tls_arg(certs):
    """``--tls`` for peer_server.py: the server certificate and key, and the CA for client certificates."""
    return f"{certs.server_crt},{certs.server_key},{certs.ca_crt}"


@pytest.fixture(scope="session")
def sasl_args(sasldb):
    """peer_server.py options for a Cyrus server checking passwords against the sasldb."""
    return ["--sasl-config-dir", sasldb.dir, "--sasl-config-name", sasldb.name]


@pytest.fixture
def gss_client_env(kdc, tmp_path):
    """Environment for a GSSAPI client: the KDC's krb5.conf, the client keytab and an empty ccache."""
    return dict(kdc.client_env, KRB5CCNAME=f"FILE:{tmp_path}/client.ccache")
