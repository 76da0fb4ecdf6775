# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Every program in examples/ runs as a subprocess and its output is checked.

Each test runs twice: under this interpreter (cyproton's ``proton``) and, unchanged, under the
python-qpid-proton 0.40 interpreter in ``.venv-ref`` (skipped when that is missing). The broker
is always cyproton's embedded one, started in this process on a free loopback port. The
peer-to-peer programs (``direct_*``, ``helloworld_direct``) need no broker: they run in pairs,
listener and client, under every combination of the two implementations.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from cyproton.broker import Broker

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
REF_PYTHON = os.environ.get("CYPROTON_REF_PYTHON", os.path.join(ROOT, ".venv-ref", "bin", "python"))
TIMEOUT = 60


def _ours_env() -> Dict[str, str]:
    import proton

    env = dict(os.environ)
    source_root = os.path.dirname(os.path.dirname(os.path.abspath(proton.__file__)))
    env["PYTHONPATH"] = source_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _ref_env() -> Dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


IMPLEMENTATIONS = {
    "cyproton": lambda: (sys.executable, _ours_env()),
    "reference": lambda: (REF_PYTHON, _ref_env()),
}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def impl(request: Any) -> Tuple[str, Dict[str, str]]:
    """(interpreter, environment) of one implementation of ``proton``."""
    if request.param == "reference" and not os.path.exists(REF_PYTHON):
        pytest.skip(f"no python-qpid-proton reference interpreter at {REF_PYTHON}")
    return IMPLEMENTATIONS[request.param]()


@pytest.fixture(scope="module")
def broker() -> Iterator[Broker]:
    with Broker(address="127.0.0.1:0") as running:
        yield running


def address() -> str:
    return f"examples-{uuid.uuid4().hex[:8]}"


def run(impl: Tuple[str, Dict[str, str]], script: str, *args: str, timeout: float = TIMEOUT) -> List[str]:
    """Run an example to the end; returns its stdout lines (the test fails on a non-zero exit)."""
    python, env = impl
    done = subprocess.run([python, os.path.join(EXAMPLES, script), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=EXAMPLES)
    assert done.returncode == 0, f"{script} {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout.splitlines()


def start(impl: Tuple[str, Dict[str, str]], script: str, *args: str) -> subprocess.Popen:
    python, env = impl
    return subprocess.Popen([python, os.path.join(EXAMPLES, script), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=EXAMPLES)


def finish(process: subprocess.Popen, timeout: float = TIMEOUT) -> List[str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"{process.args} did not end:\n{out}\n{err}")
    assert process.returncode == 0, f"{process.args} exited {process.returncode}:\n{out}\n{err}"
    return out.splitlines()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_line(process: subprocess.Popen, prefix: str, timeout: float = 20) -> str:
    """Read the process's stdout until a line starting with ``prefix`` (returned) appears."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith(prefix):
            return line.strip()
        if not line and process.poll() is not None:
            break
    pytest.fail(f"{process.args} never printed {prefix!r}")


# -- through the broker ---------------------------------------------------------------------------------

def test_helloworld(impl: Any, broker: Broker) -> None:
    assert run(impl, "helloworld.py", "--url", broker.url, "--address", address()) == [
        "sent: Hello, world!", "received: Hello, world!"]


def test_helloworld_blocking(impl: Any, broker: Broker) -> None:
    assert run(impl, "helloworld_blocking.py", "--url", broker.url, "--address", address()) == [
        "sent: Hello, world!", "received: Hello, world!"]


def test_simple_send_and_recv(impl: Any, broker: Broker) -> None:
    queue = address()
    assert run(impl, "simple_send.py", "--url", broker.url, "--address", queue, "--count", "7") == [
        "7 of 7 messages accepted"]
    assert broker.queue_depth(queue) == 7
    lines = run(impl, "simple_recv.py", "--url", broker.url, "--address", queue, "--count", "7")
    assert lines == [f"{{'n': {n}, 'square': {n * n}}}" for n in range(1, 8)] + ["received 7 messages"]
    assert broker.queue_depth(queue) == 0


def test_request_response(impl: Any, broker: Broker) -> None:
    service = address()
    server = start(impl, "server.py", "--url", broker.url, "--address", service, "--count", "8")
    try:
        wait_for_line(server, "serving requests on")
        client = run(impl, "client.py", "--url", broker.url, "--address", service)
        assert client == [
            "asked 'red sky at night', the service said 'night at sky red'",
            "asked \"shepherd's delight\", the service said \"delight shepherd's\"",
            "asked 'red sky in the morning', the service said 'morning the in sky red'",
            "asked \"shepherd's warning\", the service said \"warning shepherd's\"",
        ]
        sync = run(impl, "sync_client.py", "--url", broker.url, "--address", service)
        assert sync == ["call('one small step') returned 'step small one'",
                        "call('for a man') returned 'man a for'",
                        "call('one giant leap') returned 'leap giant one'",
                        "call('for mankind') returned 'mankind for'"]
        served = finish(server)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert served[-1] == "answered 8 requests"
    assert "request 'red sky at night' answered with 'night at sky red'" in served
    assert "request 'for mankind' answered with 'mankind for'" in served


def test_queue_browser(impl: Any, broker: Broker) -> None:
    queue = address()
    run(impl, "simple_send.py", "--url", broker.url, "--address", queue, "--count", "3")
    expected = ["{'n': 1, 'square': 1}", "{'n': 2, 'square': 4}", "{'n': 3, 'square': 9}", "browsed 3 messages"]
    assert run(impl, "queue_browser.py", "--url", broker.url, "--address", queue, "--idle", "0.5") == expected
    assert run(impl, "queue_browser.py", "--url", broker.url, "--address", queue, "--count", "3") == expected
    assert run(impl, "simple_recv.py", "--url", broker.url, "--address", queue, "--count", "3")[-1] == \
        "received 3 messages"


def test_selectors(impl: Any, broker: Broker) -> None:
    queue = address()
    assert run(impl, "selected_send.py", "--url", broker.url, "--address", queue, "--count", "9") == [
        "sent 9 tagged messages"]
    assert run(impl, "selected_recv.py", "--url", broker.url, "--address", queue) == [
        "pear #2 (pear, 20 g)", "pear #5 (pear, 50 g)", "pear #8 (pear, 80 g)",
        "received 3 messages matching fruit = 'pear'"]
    heavy = run(impl, "selected_recv.py", "--url", broker.url, "--address", queue, "--count", "2",
                "--selector", "weight BETWEEN 60 AND 100 AND fruit LIKE 'pl%'")
    assert heavy == ["plum #6 (plum, 60 g)", "plum #9 (plum, 90 g)",
                     "received 2 messages matching weight BETWEEN 60 AND 100 AND fruit LIKE 'pl%'"]
    assert broker.queue_depth(queue) == 4


def test_bad_selector_is_reported(impl: Any, broker: Broker) -> None:
    python, env = impl
    done = subprocess.run([python, os.path.join(EXAMPLES, "selected_recv.py"), "--url", broker.url,
                           "--address", address(), "--selector", "fruit ="], capture_output=True, text=True,
                          timeout=TIMEOUT, env=env, cwd=EXAMPLES)
    assert done.returncode == 1
    assert "the broker refused the selector" in done.stderr


def test_transactions(impl: Any, broker: Broker) -> None:
    queue = address()
    sent = run(impl, "tx_send.py", "--url", broker.url, "--address", queue, "--count", "6", "--batch", "3",
               "--rollback-first")
    assert sent == ["rolled back a batch of 3; sending it again", "committed a batch of 3 (3 of 6)",
                    "committed a batch of 3 (6 of 6)"]
    assert broker.queue_depth(queue) == 6
    received = run(impl, "tx_recv.py", "--url", broker.url, "--address", queue, "--count", "6", "--batch", "3",
                   "--rollback-first")
    assert received == (
        ["got message 1", "got message 2", "got message 3",
         "rolled back 3 acknowledgements; those messages will come again"]
        + ["got message 1", "got message 2", "got message 3", "committed 3 acknowledgements (3 of 6)"]
        + ["got message 4", "got message 5", "got message 6", "committed 3 acknowledgements (6 of 6)"])
    assert broker.queue_depth(queue) == 0


def test_database_examples(impl: Any, broker: Broker, tmp_path: Any) -> None:
    queue = address()
    outbox = str(tmp_path / "out.sqlite")
    inbox = str(tmp_path / "in.sqlite")
    sent = run(impl, "db_send.py", "--url", broker.url, "--address", queue, "--db", outbox, "--count", "4")
    assert sent == [f"row {n} sent and marked" for n in range(1, 5)] + ["0 rows left unsent"]
    # a second run finds nothing left to send
    assert run(impl, "db_send.py", "--url", broker.url, "--address", queue, "--db", outbox) == [
        "nothing left to send", "0 rows left unsent"]
    got = run(impl, "db_recv.py", "--url", broker.url, "--address", queue, "--db", inbox, "--count", "4")
    assert got == ["stored row 1: apple", "stored row 2: banana", "stored row 3: cherry", "stored row 4: damson",
                   "the inbox holds 4 rows"]
    # with temporary databases (no --db)
    assert run(impl, "db_send.py", "--url", broker.url, "--address", queue, "--count", "2")[-1] == "0 rows left unsent"
    assert run(impl, "db_recv.py", "--url", broker.url, "--address", queue, "--count", "2")[-1] == \
        "the inbox holds 2 rows"


def test_injector(impl: Any, broker: Broker) -> None:
    queue = address()
    lines = run(impl, "injector_send.py", "--url", broker.url, "--address", queue, "--count", "4")
    assert [line for line in lines if line.startswith("sent")] == [f"sent item {n} of 4" for n in range(1, 5)]
    assert "the worker thread has finished" in lines
    assert lines[-1] == "all 4 items accepted"
    assert broker.queue_depth(queue) == 4


# -- no broker --------------------------------------------------------------------------------------------

def test_recurring_timer(impl: Any) -> None:
    began = time.monotonic()
    assert run(impl, "recurring_timer.py", "--interval", "0.1", "--ticks", "4") == [
        "tick 1", "tick 2", "tick 3", "tick 4", "done after 4 ticks"]
    assert time.monotonic() - began >= 0.4


def test_helloworld_direct(impl: Any) -> None:
    lines = run(impl, "helloworld_direct.py")
    assert re.fullmatch(r"listening on 127\.0\.0\.1:\d+", lines[0])
    assert lines[1:] == ["sent: Hello, world!", "received: Hello, world!"]
    port = free_port()
    assert run(impl, "helloworld_direct.py", "--listen", f"127.0.0.1:{port}")[0] == f"listening on 127.0.0.1:{port}"


@pytest.fixture(params=[("cyproton", "cyproton"), ("cyproton", "reference"), ("reference", "cyproton"),
                        ("reference", "reference")], ids=lambda p: f"{p[0]}-listens-{p[1]}-connects")
def pair(request: Any) -> Tuple[Any, Any]:
    """(listener implementation, connecting implementation)."""
    if "reference" in request.param and not os.path.exists(REF_PYTHON):
        pytest.skip(f"no python-qpid-proton reference interpreter at {REF_PYTHON}")
    return IMPLEMENTATIONS[request.param[0]](), IMPLEMENTATIONS[request.param[1]]()


def test_direct_send_to_simple_recv(pair: Any) -> None:
    listener_impl, client_impl = pair
    port = free_port()
    listener = start(listener_impl, "direct_send.py", "--listen", f"127.0.0.1:{port}", "--count", "5")
    try:
        assert wait_for_line(listener, "listening on") == f"listening on 127.0.0.1:{port}"
        got = run(client_impl, "simple_recv.py", "--url", f"amqp://127.0.0.1:{port}", "--count", "5")
        assert got == [f"{{'n': {n}, 'square': {n * n}}}" for n in range(1, 6)] + ["received 5 messages"]
        assert finish(listener) == ["all 5 messages accepted"]
    finally:
        if listener.poll() is None:
            listener.kill()
            listener.communicate()


def test_simple_send_to_direct_recv(pair: Any) -> None:
    listener_impl, client_impl = pair
    port = free_port()
    listener = start(listener_impl, "direct_recv.py", "--listen", f"127.0.0.1:{port}", "--count", "5")
    try:
        assert wait_for_line(listener, "listening on") == f"listening on 127.0.0.1:{port}"
        assert run(client_impl, "simple_send.py", "--url", f"amqp://127.0.0.1:{port}", "--count", "5") == [
            "5 of 5 messages accepted"]
        assert finish(listener) == [f"{{'n': {n}, 'square': {n * n}}}" for n in range(1, 6)] + [
            "received 5 messages"]
    finally:
        if listener.poll() is None:
            listener.kill()
            listener.communicate()


# -- cyproton's own asyncio API (examples/asyncio: cyproton only) ---------------------------------------

@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_asyncio_echo(loop: str) -> None:
    if loop == "uvloop":
        pytest.importorskip("uvloop")
    extra = ["--uvloop"] if loop == "uvloop" else []
    lines = run(IMPLEMENTATIONS["cyproton"](), os.path.join("asyncio", "echo.py"),
                "--clients", "3", "--count", "150", *extra)
    assert lines == [f"client {n}: 150 replies" for n in range(3)]


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_asyncio_stream(loop: str, broker: Broker) -> None:
    if loop == "uvloop":
        pytest.importorskip("uvloop")
    extra = ["--uvloop"] if loop == "uvloop" else []
    lines = run(IMPLEMENTATIONS["cyproton"](), os.path.join("asyncio", "stream.py"), "--url", broker.url,
                "--address", address(), "--count", "3000", "--in-flight", "300", *extra)
    assert lines == ["3000 of 3000 messages accepted, 3000 distinct received"]


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_asyncio_broker_serves_both_implementations(loop: str) -> None:
    """The async broker example, with python-qpid-proton's and cyproton's simple_send/simple_recv as its
    clients: every message stored, then every message delivered once, in order."""
    if loop == "uvloop":
        pytest.importorskip("uvloop")
    port = free_port()
    extra = ["--uvloop"] if loop == "uvloop" else []
    server = start(IMPLEMENTATIONS["cyproton"](), os.path.join("asyncio", "broker.py"), "--port", str(port), *extra)
    try:
        wait_for_line(server, "LISTENING")
        url = f"amqp://127.0.0.1:{port}"
        clients = [IMPLEMENTATIONS["cyproton"]()]
        if os.path.exists(REF_PYTHON):
            clients.append(IMPLEMENTATIONS["reference"]())
        for sender in clients:
            for receiver in clients:
                queue = address()
                assert run(sender, "simple_send.py", "--url", url, "--address", queue, "--count", "40") == [
                    "40 of 40 messages accepted"]
                lines = run(receiver, "simple_recv.py", "--url", url, "--address", queue, "--count", "40")
                assert lines == [f"{{'n': {n}, 'square': {n * n}}}" for n in range(1, 41)] + ["received 40 messages"]
    finally:
        server.kill()
        server.communicate()


# -- the catalogue -----------------------------------------------------------------------------------------

def test_every_example_is_listed_and_tested() -> None:
    programs = sorted(name for name in os.listdir(EXAMPLES) if name.endswith(".py"))
    with open(os.path.join(EXAMPLES, "README.md")) as readme:
        text = readme.read()
    with open(os.path.abspath(__file__)) as me:
        tests = me.read()
    for program in programs:
        assert f"`{program}`" in text, f"{program} is not described in examples/README.md"
        assert f'"{program}"' in tests, f"{program} is not run by tests/test_examples.py"
    assert "## Security examples" in text


def test_examples_use_only_the_public_api() -> None:
    for name in sorted(os.listdir(EXAMPLES)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(EXAMPLES, name)) as source:
            text = source.read()
        imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
        assert not [line for line in imports if "cyproton" in line or "proton._" in line], name
        assert text.startswith("#!/usr/bin/env python3\n# SPDX-License-Identifier: Apache-2.0\n"), name
        assert all(len(line) <= 120 for line in text.splitlines()), name
