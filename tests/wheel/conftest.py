# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Fixtures for the wheel tier: does a distributable wheel stand alone?

- ``wheel_file``: the wheel to test, ``$CYPROTON_TEST_WHEEL`` (``make test-wheel`` builds the one
  for Debian 12's Python and sets it); without it the tier is skipped.
- ``bare_root``: a copy of a bare Debian 12 root (``scripts/make_bare_root.sh``: debootstrap minbase
  plus python3 and python3-venv, nothing else), made once and cached in ``build/bare-root/``
  (``$CYPROTON_BARE_ROOT`` moves it). Every session works on its own copy, so the cache stays clean.
- ``root``: the copy with the wheel installed into ``/opt/venv`` by ``pip install --no-index`` from
  the file alone, the test programs in ``/opt/tests`` and the certificates in ``/opt/certs``.
  ``root.run(...)`` runs a command inside it (``chroot`` in a private mount and PID namespace,
  ``/proc`` mounted there, everything gone when the command ends).

The servers run outside the root, on loopback, with the security tier's machinery
(tests/security/conftest.py: ``peers``, ``certs``, ``sasldb``, ``kdc``), which the root's processes
reach because a chroot shares the network.
"""

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
REPO = os.path.dirname(TESTS)
SECURITY = os.path.join(TESTS, "security")
for _path in (SECURITY, HERE):
    if _path not in sys.path:
        sys.path.insert(0, _path)

# The security tier's fixtures, reused as they are (its hooks are not: these tests set their own limits).
_spec = importlib.util.spec_from_file_location("_security_conftest", os.path.join(SECURITY, "conftest.py"))
_security = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_security)
peers = _security.peers
certs = _security.certs
sasldb = _security.sasldb
kdc = _security.kdc
tls_arg = _security.tls_arg
sasl_args = _security.sasl_args

ROOT_CACHE = os.environ.get("CYPROTON_BARE_ROOT") or os.path.join(REPO, "build", "bare-root", "bookworm")
from wheelsupport import LIBDIR  # noqa: E402


class Root:
    """A bare Debian root on disk and a way to run commands inside it."""

    def __init__(self, path):
        self.path = path

    def host_path(self, inside):
        return os.path.join(self.path, inside.lstrip("/"))

    def put(self, source, inside):
        target = self.host_path(inside)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(source, target)
        return inside

    def run(self, *argv, env=None, timeout=60, hide=()):
        """Run ``argv`` inside the root with a clean environment (plus ``env``); a CompletedProcess.

        ``hide``: files under /usr/lib/x86_64-linux-gnu to make absent for this command only (an
        overlay over that directory inside the private mount namespace; the root is not changed).
        """
        setup = ["mount -t proc proc /proc"]
        if hide:
            setup += ["mount -t tmpfs tmpfs /mnt", "mkdir /mnt/upper /mnt/work",
                      f"mount -t overlay overlay -o lowerdir={LIBDIR},upperdir=/mnt/upper,workdir=/mnt/work {LIBDIR}",
                      "rm -f " + " ".join(f"{LIBDIR}/{name}" for name in hide)]
        script = " && ".join(setup) + ' && exec "$@"'
        clean = ["PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/root", "LANG=C.UTF-8", "PYTHONUNBUFFERED=1"]
        clean += [f"{k}={v}" for k, v in (env or {}).items()]
        cmd = ["unshare", "--mount", "--pid", "--fork", "--kill-child", "chroot", self.path,
               "/usr/bin/env", "-i", *clean, "/bin/sh", "-c", script, "sh", *argv]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)

    def check(self, *argv, **kwargs):
        done = self.run(*argv, **kwargs)
        assert done.returncode == 0, f"{argv} failed ({done.returncode}) in the root:\n{done.stdout}\n{done.stderr}"
        return done.stdout


@pytest.fixture(scope="session")
def wheel_file():
    path = os.environ.get("CYPROTON_TEST_WHEEL")
    if not path:
        pytest.skip("no wheel to test: `make test-wheel` builds one and runs this tier (CYPROTON_TEST_WHEEL)")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"CYPROTON_TEST_WHEEL={path} is not a file")
    return os.path.abspath(path)


@pytest.fixture(scope="session")
def bare_root(tmp_path_factory, wheel_file):
    done = subprocess.run([os.path.join(REPO, "scripts", "make_bare_root.sh"), ROOT_CACHE], capture_output=True,
                          text=True, timeout=1500)
    if done.returncode == 77:
        pytest.skip(done.stderr.strip())
    assert done.returncode == 0, f"make_bare_root.sh failed:\n{done.stdout}\n{done.stderr}"
    copy = str(tmp_path_factory.mktemp("bare") / "root")
    subprocess.run(["cp", "-a", ROOT_CACHE, copy], check=True, timeout=300)
    # debootstrap writes no /etc/hosts; every installed Debian has one naming localhost
    with open(os.path.join(copy, "etc", "hosts"), "w") as f:
        f.write("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
    try:
        yield Root(copy)
    finally:
        shutil.rmtree(copy, ignore_errors=True)


@pytest.fixture(scope="session")
def root(bare_root, wheel_file, certs):
    """The bare root with the wheel installed into /opt/venv from the file alone."""
    inside = bare_root.put(wheel_file, "/opt/wheel/" + os.path.basename(wheel_file))
    bare_root.check("python3", "-m", "venv", "/opt/venv", timeout=120)
    log = bare_root.check("/opt/venv/bin/pip", "install", "--no-index", "--no-cache-dir",
                          "--disable-pip-version-check", inside, timeout=180)
    bare_root.put(os.path.join(SECURITY, "peer_client.py"), "/opt/tests/peer_client.py")
    for name in os.listdir(certs.dir):
        bare_root.put(os.path.join(certs.dir, name), f"/opt/certs/{name}")
    bare_root.install_log = log
    return bare_root

