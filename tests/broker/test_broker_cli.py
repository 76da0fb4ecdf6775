# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The ``cyproton`` command (send, receive, broker, bench, --version) and ``python -m cyproton.demo``."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import types
from typing import Any, List, Optional

import pytest

from proton import Message, symbol
from proton.utils import BlockingConnection

from cyproton import __version__, cli


def cyproton(tools: Any, *args: str, stdin: Optional[str] = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([tools.ours_python, "-m", "cyproton", *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout, env=tools.ours_env())


def one_line_error(done: subprocess.CompletedProcess, status: int, *words: str) -> None:
    assert done.returncode == status, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0].lower(), lines[0]


def test_version(tools: Any) -> None:
    done = cyproton(tools, "--version")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == f"cyproton {__version__}"
    text = done.stdout
    assert re.search(r"engine: Qpid Proton-C \d+\.\d+\.\d+", text)
    assert "TLS:" in text and "SASL:" in text


def test_send_then_receive_as_json(broker: Any, tools: Any) -> None:
    queue = tools.unique()
    sent = cyproton(tools, "send", queue, "--url", broker.url, "--count", "2", "--body", "hello",
                    "--property", "colour=red", "-p", "size=3", "-p", "ratio=0.5", "-p", "ok=true", "-p", "code='7'",
                    "--durable", "--ttl", "30")
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.strip() == f"sent 2 messages to {queue} (at-least-once)"
    got = cyproton(tools, "receive", queue, "--url", broker.url, "--count", "2", "--format", "json")
    assert got.returncode == 0, got.stderr
    messages = [json.loads(line) for line in got.stdout.splitlines()]
    assert [m["properties"]["message_id"] for m in messages] == [1, 2]
    first = messages[0]
    assert first["body"] == "hello" and first["header"]["durable"] is True and first["header"]["ttl"] == 30.0
    assert first["application_properties"] == {"colour": "red", "size": 3, "ratio": 0.5, "ok": True, "code": "7"}
    assert first["properties"]["to"] == queue and first["header"]["delivery_count"] == 0
    assert "content_type" not in first["properties"]          # unset: absent, not "None"
    assert broker.queue_depth(queue) == 0


def test_body_from_stdin_and_at_most_once(broker: Any, tools: Any) -> None:
    queue = tools.unique()
    sent = cyproton(tools, "send", queue, "--url", broker.url, "--at-most-once", stdin="from a pipe\n")
    assert sent.returncode == 0 and "(at-most-once)" in sent.stdout
    got = cyproton(tools, "receive", queue, "--url", broker.url, "--timeout", "1")
    assert got.returncode == 0
    assert got.stdout.splitlines() == ["from a pipe"]


def test_receive_with_a_selector_and_body_format(broker: Any, tools: Any) -> None:
    queue = tools.unique()
    connection = BlockingConnection(broker.url)
    try:
        sender = connection.create_sender(queue)
        sender.send(Message(body={"k": [1, 2]}, properties={"n": 1}))
        sender.send(Message(body=b"\x00\x01", properties={"n": 2}))
        sender.send(Message(body="text", properties={"n": 3}))
        sender.send(Message(body=symbol("sym"), annotations={symbol("x-opt-a"): 1}, properties={"n": 4}))
    finally:
        connection.close()
    got = cyproton(tools, "receive", queue, "--url", broker.url, "--selector", "n <> 3", "--timeout", "1")
    assert got.returncode == 0, got.stderr
    assert got.stdout.splitlines() == ['{"k": [1, 2]}', "\x00\x01", "sym"]
    rest = cyproton(tools, "receive", queue, "--url", broker.url, "--format", "json", "--timeout", "1")
    assert json.loads(rest.stdout)["body"] == "text"


def test_receive_timeout_is_one_line(broker: Any, tools: Any) -> None:
    done = cyproton(tools, "receive", tools.unique(), "--url", broker.url, "--count", "2", "--timeout", "0.5")
    one_line_error(done, 3, "timed out", "0 of 2")
    empty = cyproton(tools, "receive", tools.unique(), "--url", broker.url, "--timeout", "0.3")
    assert empty.returncode == 0 and empty.stdout == ""


def test_bad_selector_is_one_line(broker: Any, tools: Any) -> None:
    one_line_error(cyproton(tools, "receive", "q", "--url", broker.url, "--selector", "a ="), 2, "selector")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connection_failures_are_one_line(broker: Any, tools: Any) -> None:
    port = _closed_port()
    one_line_error(cyproton(tools, "send", "q", "--url", f"amqp://127.0.0.1:{port}", "--body", "x"), 1, "refused")
    one_line_error(cyproton(tools, "receive", "q", "--url", f"amqp://127.0.0.1:{port}"), 1, "refused")
    one_line_error(cyproton(tools, "receive", "q", "--url", "amqp://no-such-host.invalid:5672"), 1, "unknown host")
    one_line_error(cyproton(tools, "send", "q", "--url", f"amqp://someone:wrong@127.0.0.1:{broker.port}",
                            "--body", "x"), 1, "authentication")
    one_line_error(cyproton(tools, "send", "q", "--url", broker.url, "--count", "0", "--body", "x"), 2, "count")
    one_line_error(cyproton(tools, "send", "q", "--url", broker.url, "-p", "novalue", "--body", "x"), 2, "key=value")


def test_refused_link_is_one_line(make_broker: Any, tools: Any) -> None:
    strict = make_broker(auto_create=False)
    done = cyproton(tools, "send", "missing", "--url", strict.url, "--body", "x")
    one_line_error(done, 1, "not-found")


def _start_broker(tools: Any, *args: str) -> Any:
    process = subprocess.Popen([tools.ours_python, "-m", "cyproton", "broker", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=tools.ours_env())
    line = process.stdout.readline().strip()
    match = re.fullmatch(r"cyproton broker listening on (amqp://127\.0\.0\.1:\d+)", line)
    if match is None:
        process.kill()
        pytest.fail(f"unexpected first line {line!r}: {process.stderr.read()}")
    return process, match.group(1)


def test_broker_command(tools: Any) -> None:
    process, url = _start_broker(tools, "--address", "127.0.0.1:0", "--no-auto-create", "--queue", "jobs",
                                 "--topic", "news")
    try:
        assert cyproton(tools, "send", "jobs", "--url", url, "--body", "work").returncode == 0
        refused = cyproton(tools, "send", "other", "--url", url, "--body", "x")
        assert refused.returncode == 1 and "not-found" in refused.stderr
        got = cyproton(tools, "receive", "jobs", "--url", url, "--count", "1")
        assert got.stdout.strip() == "work"
        # a second broker on the same port fails in one line
        port = url.rsplit(":", 1)[1]
        busy = cyproton(tools, "broker", "--address", f"127.0.0.1:{port}")
        one_line_error(busy, 1, "listen")
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert out.strip().endswith("cyproton broker stopped")
    assert "Traceback" not in err


def test_bench_is_delegated(monkeypatch: Any, capsys: Any) -> None:
    calls: List[List[str]] = []
    fake = types.ModuleType("cyproton.bench")
    fake.main = lambda argv: calls.append(argv) or 7  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cyproton.bench", fake)
    assert cli.main(["bench", "--scenario", "x", "--help"]) == 7
    assert calls == [["--scenario", "x", "--help"]]
    monkeypatch.setitem(sys.modules, "cyproton.bench", None)          # as if not installed
    assert cli.main(["bench"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "benchmarks" in err[0]
    monkeypatch.setitem(sys.modules, "cyproton.bench", types.ModuleType("cyproton.bench"))  # no main()
    assert cli.main(["bench"]) == 1


def test_no_command_prints_usage(capsys: Any) -> None:
    assert cli.main([]) == 2
    assert "usage" in capsys.readouterr().err.lower()


@pytest.mark.parametrize("text, expected", [
    ("a=1", ("a", 1)), ("a=-2.5", ("a", -2.5)), ("a=true", ("a", True)), ("a=FALSE", ("a", False)),
    ("a=x=y", ("a", "x=y")), ("a=", ("a", "")), ("a='12'", ("a", "12")), ('a="true"', ("a", "true")),
    ("a= spaced ", ("a", " spaced ")),
])
def test_parse_property(text: str, expected: Any) -> None:
    assert cli.parse_property(text) == expected


def test_message_to_json_covers_every_type() -> None:
    import uuid

    message = Message(id=uuid.UUID(int=5), correlation_id=b"\x01", body=[b"\xff", {"k": symbol("v")}],
                      annotations={symbol("x"): 1}, creation_time=0.0, user_id=b"me", subject="s")
    data = cli.message_to_json(message)
    json.dumps(data)                                 # everything is JSON-ready
    properties = data["properties"]
    assert properties["message_id"] == {"$uuid": str(uuid.UUID(int=5))}
    assert properties["correlation_id"] == {"$binary": "AQ=="}
    assert data["body"] == [{"$binary": "/w=="}, {"k": {"$symbol": "v"}}]
    assert data["message_annotations"] == {"x": 1} and properties["user_id"] == {"$binary": "bWU="}
    assert properties["subject"] == "s" and "creation_time" not in properties     # 0: not set


def test_demo(tools: Any) -> None:
    done = subprocess.run([tools.ours_python, "-m", "cyproton.demo"], capture_output=True, text=True, timeout=60,
                          env=tools.ours_env())
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"cyproton {__version__} demo"
    assert re.fullmatch(r"embedded broker listening on amqp://127\.0\.0\.1:\d+", lines[1])
    assert lines[2] == "sent     #1: {'item': 'teapot', 'price': 24.5, 'quantity': 1}"
    assert "received #5: subject='order'" in lines
    assert "    annotations: {'x-opt-demo-source': 'cyproton.demo'}" in lines
    assert lines[-2:] == ["5 sent, 5 accepted by the broker, 5 received, 0 left on demo.orders", "broker stopped"]
    again = subprocess.run([tools.ours_python, "-m", "cyproton.demo"], capture_output=True, text=True, timeout=60,
                           env=tools.ours_env())
    assert again.stdout.splitlines()[2:] == lines[2:]        # the same every time, apart from the port
    assert "Traceback" not in done.stderr + again.stderr
    assert os.environ.get("PYTHONPATH", "") == os.environ.get("PYTHONPATH", "")


def test_refused_connection_error_names_the_url() -> None:
    from proton import ConnectionException

    port = _closed_port()
    with pytest.raises(ConnectionException) as refused:
        BlockingConnection(f"amqp://127.0.0.1:{port}", timeout=5)
    assert str(refused.value).startswith(f"Connection amqp://127.0.0.1:{port} disconnected")
