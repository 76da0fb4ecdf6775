# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Fixtures for the embedded broker's tests.

* ``broker``: a :class:`cyproton.broker.Broker` on ``127.0.0.1:0``, started for one test.
* ``make_broker``: the same with options (``make_broker(auto_create=False, dead_letter="dlq")``).
* ``run_handler``: runs a ``Container`` with one handler in the test's thread, with a deadline.
* ``RawPeer``: an AMQP peer driven by hand over a plain socket (engine objects, no container),
  for tests that must stop half way through something or send bytes no client would.
* ``ref_client``: runs a snippet under python-qpid-proton 0.40 (``.venv-ref``) as a client of the
  broker; skips when that interpreter is missing.

Clients in this process use cyproton's ``proton``; the broker runs in its own thread.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from typing import Any, Callable, Iterator, List, Optional

import pytest

from proton import Connection, Endpoint, Transport
from proton.reactor import Container

from cyproton.broker import Broker

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REF_PYTHON = os.environ.get("CYPROTON_REF_PYTHON", os.path.join(REPO_ROOT, ".venv-ref", "bin", "python"))


def unique(prefix: str = "q") -> str:
    """An address no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def broker() -> Iterator[Broker]:
    with Broker(address="127.0.0.1:0") as running:
        yield running


@pytest.fixture
def make_broker() -> Iterator[Callable[..., Broker]]:
    started: List[Broker] = []

    def make(**options: Any) -> Broker:
        made = Broker(address="127.0.0.1:0", **options).start()
        started.append(made)
        return made

    yield make
    for made in started:
        made.stop()


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll ``predicate`` until it returns something true; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


class _Deadline:
    def __init__(self) -> None:
        self.fired = False

    def on_timer_task(self, event: Any) -> None:
        self.fired = True
        event.container.stop()


@pytest.fixture
def run_handler() -> Callable[..., Any]:
    """``run_handler(handler, timeout=10)``: run a container with ``handler`` until it finishes;
    fails the test when the deadline passes first."""

    def run(handler: Any, timeout: float = 10.0) -> Any:
        container = Container(handler)
        deadline = _Deadline()
        task = container.schedule(timeout, deadline)
        handler.deadline_task = task
        container.run()
        if deadline.fired:
            pytest.fail(f"{type(handler).__name__} did not finish within {timeout}s")
        return handler

    return run


class RawPeer:
    """A client made of engine objects and a socket, pumped by hand.

    Nothing happens unless :meth:`pump` is called, so a test can stop anywhere and, for example,
    close the socket in the middle of a transfer.
    """

    def __init__(self, port: int, container_id: Optional[str] = None) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.setblocking(False)
        self.connection = Connection()
        self.connection.container = container_id or unique("raw")
        self.transport = Transport()
        self.transport.sasl().allowed_mechs("ANONYMOUS")
        self.transport.bind(self.connection)
        self.connection.open()

    def pump(self, until: Optional[Callable[[], Any]] = None, timeout: float = 5.0) -> None:
        """Move bytes both ways until ``until()`` is true (or once round when None)."""
        deadline = time.monotonic() + timeout
        while True:
            moved = self._step()
            if until is None:
                if not moved:
                    return
            elif until():
                return
            if time.monotonic() > deadline:
                raise TimeoutError("raw peer: condition not reached")
            if not moved:
                time.sleep(0.005)

    def _step(self) -> bool:
        moved = False
        pending = self.transport.pending()
        if pending > 0:
            chunk = self.transport.peek(pending)
            try:
                sent = self.sock.send(chunk)
            except BlockingIOError:
                sent = 0
            if sent:
                self.transport.pop(sent)
                moved = True
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            data = None
        if data:
            self.transport.push(data)
            moved = True
        elif data == b"":
            self.transport.close_tail()
        return moved

    def attached(self, link: Any) -> bool:
        return not link.state & Endpoint.REMOTE_UNINIT

    def abort_socket(self) -> None:
        """Drop the TCP connection without any AMQP goodbye."""
        try:
            self.sock.close()
        except OSError:
            pass


def ref_available() -> bool:
    return os.path.exists(REF_PYTHON)


@pytest.fixture
def ref_client() -> Callable[..., str]:
    """``ref_client(code, url, timeout=30)``: run ``code`` under the reference interpreter with
    ``URL`` set to ``url``; returns its stdout (the test fails on a non-zero exit)."""
    if not ref_available():
        pytest.skip(f"no python-qpid-proton reference interpreter at {REF_PYTHON}")

    def run(code: str, url: str, timeout: float = 30.0) -> str:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        script = f"URL = {url!r}\n" + textwrap.dedent(code)
        done = subprocess.run([REF_PYTHON, "-c", script], capture_output=True, text=True, timeout=timeout,
                              env=env, cwd="/")
        assert done.returncode == 0, f"reference client failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    return run


def ours_env() -> dict:
    """Environment for a subprocess that must import the same ``proton`` as this process."""
    import proton

    env = dict(os.environ)
    source_root = os.path.dirname(os.path.dirname(os.path.abspath(proton.__file__)))
    env["PYTHONPATH"] = source_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


OURS_PYTHON = sys.executable


@pytest.fixture
def tools() -> Any:
    """The helpers above, for test modules (which do not import this conftest)."""
    import types

    return types.SimpleNamespace(unique=unique, wait_for=wait_for, RawPeer=RawPeer, ours_env=ours_env,
                                 ours_python=OURS_PYTHON, ref_python=REF_PYTHON, ref_available=ref_available)
