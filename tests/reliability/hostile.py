# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Helpers for the tests that play a hostile peer against a real server process.

The server under attack always runs as its own process (``server_prog.py``, through
:class:`transport_fuzz.Server`): a crash must fail the test, not end the test run. The same
program runs under python-qpid-proton 0.40 (``.venv-ref``) to show what the reference does
with the same bytes.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

import pytest

import transport_fuzz
from transport_fuzz import Server, fresh_client

REPO = Path(__file__).resolve().parent.parent.parent
REF_PYTHON = os.environ.get("CYPROTON_REF_PYTHON", str(REPO / ".venv-ref" / "bin" / "python"))


@pytest.fixture(autouse=True)
def hard_limit(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A hard time limit per test (``@pytest.mark.timeout(n)``, default 300 s) for the modules that
    import this fixture: SIGALRM raises in the test, so a hung server cannot hang the run."""
    mark = request.node.get_closest_marker("timeout")
    limit = float(mark.args[0]) if mark is not None and mark.args else 300.0
    if request.config.pluginmanager.hasplugin("timeout") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):  # type: ignore[no-untyped-def]
        raise TimeoutError(f"{request.node.nodeid} ran past its {limit:g} s limit")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def ref_env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)       # the reference's own proton, not this checkout's
    return env


def ref_server(kind: str = "container", args: Sequence[str] = ()) -> Server:
    """The same server program under python-qpid-proton 0.40 (skips when that venv is missing)."""
    if not os.access(REF_PYTHON, os.X_OK):
        pytest.skip(f"python-qpid-proton's interpreter {REF_PYTHON} is missing")
    return Server(kind, args, python=REF_PYTHON, env=ref_env())


def talk(port: int, chunks: Sequence[bytes], pause: float = 0.02, limit: float = 5.0) -> Tuple[bytes, bool]:
    """Send ``chunks`` (pausing after each) and read until the server closes the connection, without
    closing this end first. Returns (what the server sent, whether it closed within ``limit``)."""
    got = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=limit) as sock:
        for chunk in chunks:
            try:
                sock.sendall(chunk)
            except OSError:
                return bytes(got), True
            time.sleep(pause)
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if not transport_fuzz.readable([sock], deadline - time.monotonic()):
                break
            try:
                data = sock.recv(65536)
            except OSError:
                return bytes(got), True
            if not data:
                return bytes(got), True
            got += data
    return bytes(got), False


def wait_for_line(server: Server, want: Callable[[str], bool], timeout: float = 5.0) -> Optional[str]:
    """The first line of the server's output that ``want`` accepts, waiting up to ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        for line in list(server.lines):
            if want(line):
                return line
        if time.monotonic() > deadline:
            return None
        time.sleep(0.02)


def reported_error(server: Server, name: str, description: str = "", timeout: float = 5.0) -> Optional[str]:
    """The line where the server reported a transport error condition ``name`` whose description
    contains ``description``: ``TRANSPORT-ERROR`` from the container, the broker's log otherwise."""
    def matches(line: str) -> bool:
        return (line.startswith("TRANSPORT-ERROR") or "transport error" in line) and name in line \
            and description in line
    return wait_for_line(server, matches, timeout)


def assert_still_serves(server: Server) -> None:
    """The process lives, and a new real client gets a message through."""
    assert server.alive(), f"the server exited with status {server.returncode}: {list(server.stderr)[-20:]}"
    fresh_client(server.port, server.kind)
    assert server.alive()


def crashed(server: Server, timeout: float = 5.0) -> Optional[int]:
    """The server's exit status once it has exited (None if it is still running after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while server.alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    return server.returncode


__all__: List[str] = ["Server", "assert_still_serves", "crashed", "fresh_client", "hard_limit", "ref_server",
                      "reported_error", "talk", "transport_fuzz", "wait_for_line"]
