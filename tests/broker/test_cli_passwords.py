# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""No ``cyproton`` command prints a password: every error path of send, receive, broker and bench,
with credentials in the URL. Where the address is shown, the password reads ``***``."""

from __future__ import annotations

import socket
import subprocess
from typing import Any, List

import pytest
from fake_peers import SaslRefuser, SilentPeer

SECRET = "s3cret-Pw"
# a password that must be percent-encoded in a URL: neither form may appear
ODD_SECRET = "p@ss:w/rd"
ODD_SECRET_IN_URL = "p%40ss%3Aw%2Frd"


def run(tools: Any, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([tools.ours_python, "-m", "cyproton", *args], capture_output=True, text=True,
                          timeout=timeout, env=tools.ours_env(), stdin=subprocess.DEVNULL)


def assert_no_secret(done: subprocess.CompletedProcess, status: int, *secrets: str) -> str:
    """The command failed with ``status`` and one line on stderr that shows no secret; that line."""
    output = done.stdout + done.stderr
    for secret in secrets or (SECRET,):
        assert secret not in output, output
    assert done.returncode == status, output
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CLIENT_COMMANDS: List[List[str]] = [["send", "q", "--body", "x"], ["receive", "q", "--count", "1"]]


@pytest.mark.parametrize("command", CLIENT_COMMANDS, ids=["send", "receive"])
def test_connection_refused(tools: Any, command: List[str]) -> None:
    url = f"amqp://alice:{SECRET}@127.0.0.1:{closed_port()}"
    line = assert_no_secret(run(tools, *command, "--url", url, "--timeout", "5"), 1)
    assert "refused" in line and "alice:***@" in line, line


@pytest.mark.parametrize("command", CLIENT_COMMANDS, ids=["send", "receive"])
def test_authentication_failure(tools: Any, command: List[str]) -> None:
    with SaslRefuser() as peer:
        url = f"amqp://alice:{SECRET}@{peer.url_host}"
        line = assert_no_secret(run(tools, *command, "--url", url, "--timeout", "5"), 1)
        assert SECRET.encode() in peer.received   # the password did travel: the test can fail
    assert "authentication failed" in line and "alice:***@" in line, line


@pytest.mark.parametrize("command", CLIENT_COMMANDS, ids=["send", "receive"])
def test_timeout(tools: Any, command: List[str]) -> None:
    with SilentPeer() as peer:
        url = f"amqp://alice:{SECRET}@{peer.url_host}"
        line = assert_no_secret(run(tools, *command, "--url", url, "--timeout", "1"), 3)
    assert "timed out" in line and "alice:***@" in line, line


@pytest.mark.parametrize("command", CLIENT_COMMANDS, ids=["send", "receive"])
def test_bad_url(tools: Any, command: List[str]) -> None:
    line = assert_no_secret(run(tools, *command, "--url", f"amqp://alice:{SECRET}@127.0.0.1:noport"), 2)
    assert "bad url" in line.lower() and "alice:***@" in line, line


def test_link_refused(tools: Any, make_broker: Any) -> None:
    broker = make_broker(auto_create=False)
    url = f"amqp://alice:{SECRET}@127.0.0.1:{broker.port}"
    done = run(tools, "receive", "no-such-queue", "--url", url, "--timeout", "5")
    line = assert_no_secret(done, 1)
    assert "alice:***@" in line, line


def test_percent_encoded_password(tools: Any) -> None:
    with SaslRefuser() as peer:
        url = f"amqp://alice:{ODD_SECRET_IN_URL}@{peer.url_host}"
        line = assert_no_secret(run(tools, "send", "q", "--body", "x", "--url", url, "--timeout", "5"), 1,
                                ODD_SECRET, ODD_SECRET_IN_URL)
        assert ODD_SECRET.encode() in peer.received
    assert "alice:***@" in line, line


def test_broker_bad_address(tools: Any) -> None:
    line = assert_no_secret(run(tools, "broker", "--address", f"amqp://alice:{SECRET}@127.0.0.1:x"), 2)
    assert "alice:***@" in line, line


def test_broker_cannot_listen(tools: Any) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        address = f"amqp://alice:{SECRET}@127.0.0.1:{taken.getsockname()[1]}"
        line = assert_no_secret(run(tools, "broker", "--address", address), 1)
    assert "cannot listen" in line, line


def test_bench_unreachable_broker(tools: Any) -> None:
    url = f"amqp://alice:{SECRET}@127.0.0.1:{closed_port()}"
    done = run(tools, "bench", "--url", url, "--count", "10", "--timeout", "3", "--progress", "0", timeout=120)
    output = done.stdout + done.stderr
    assert SECRET not in output, output
    assert done.returncode == 1, output
    assert "alice:***@" in done.stdout, done.stdout   # "N messages through amqp://alice:***@..."
