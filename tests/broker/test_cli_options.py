# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The ``cyproton`` command as a client of real brokers, against the embedded broker (and, for TLS,
examples/security/tls_server.py with throwaway certificates): stdin lines, body formats, message
fields, rates, outcomes, the progress line, --forever with Ctrl-C, browsing, durable subscriptions,
JSON and raw output, ``stat``, connect.json, credentials from files and the environment (never
printed), TLS options, and the error paths (non-AMQP URLs, misused options). RabbitMQ:
tests/interop/test_cli_rabbitmq.py."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import threading
import time
from typing import Any, Dict, Iterator, List, Optional

import pytest

from proton import Message, symbol
from proton.handlers import MessagingHandler, Reject
from proton.reactor import Container
from proton.utils import BlockingConnection

pytestmark = pytest.mark.impl

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET = "s3cr3t-Pa55"


def cyproton(tools: Any, *args: str, stdin: Any = None, timeout: float = 60, env: Optional[Dict[str, str]] = None,
             cwd: Optional[str] = None, binary: bool = False) -> subprocess.CompletedProcess:
    full_env = tools.ours_env()
    full_env.update(env or {})
    if "MESSAGING_CONNECT_FILE" not in (env or {}):
        full_env.pop("MESSAGING_CONNECT_FILE", None)
    return subprocess.run([tools.ours_python, "-m", "cyproton", *args], input=stdin, capture_output=True,
                          text=not binary, timeout=timeout, env=full_env, cwd=cwd or "/")


def one_line_error(done: subprocess.CompletedProcess, status: int, *words: str) -> str:
    assert done.returncode == status, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]
    return lines[0]


def received(broker: Any, tools: Any, queue: str, count: int) -> List[Dict[str, Any]]:
    got = cyproton(tools, "receive", queue, "--url", broker.url, "--count", str(count), "--format", "json")
    assert got.returncode == 0, got.stderr
    return [json.loads(line) for line in got.stdout.splitlines()]


# -- send ----------------------------------------------------------------------------------------------

def test_stdin_lines_are_messages(broker: Any, tools: Any) -> None:
    queue = tools.unique()
    done = cyproton(tools, "send", queue, "--url", broker.url, stdin="first\n\nthird\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"sent 3 messages to {queue} (at-least-once)"
    assert done.stderr == ""                     # no progress line: stderr is not a terminal
    messages = received(broker, tools, queue, 3)
    assert [m["body"] for m in messages] == ["first", "", "third"]
    assert [m["properties"]["message_id"] for m in messages] == [1, 2, 3]
    assert broker.queue_depth(queue) == 0
    capped = cyproton(tools, "send", queue, "--url", broker.url, "--count", "2", stdin="a\nb\nc\n")
    assert capped.returncode == 0 and "sent 2 messages" in capped.stdout
    assert [m["body"] for m in received(broker, tools, queue, 2)] == ["a", "b"]


def test_whole_stdin_and_body_file(broker: Any, tools: Any, tmp_path: Any) -> None:
    queue = tools.unique()
    whole = cyproton(tools, "send", queue, "--url", broker.url, "--whole-stdin", stdin="line 1\nline 2\n")
    assert whole.returncode == 0, whole.stderr
    text = tmp_path / "body.txt"
    text.write_text("from a file\nwith two lines", encoding="utf-8")
    assert cyproton(tools, "send", queue, "--url", broker.url, "--body-file", str(text), "--count", "2").returncode == 0
    bodies = [m["body"] for m in received(broker, tools, queue, 3)]
    assert bodies == ["line 1\nline 2", "from a file\nwith two lines", "from a file\nwith two lines"]


def test_binary_bodies_and_raw_output(broker: Any, tools: Any, tmp_path: Any) -> None:
    queue = tools.unique()
    blob = bytes(range(256)) * 4
    path = tmp_path / "blob.bin"
    path.write_bytes(blob)
    assert cyproton(tools, "send", queue, "--url", broker.url, "--body-file", str(path),
                    "--body-format", "binary").returncode == 0
    assert cyproton(tools, "send", queue, "--url", broker.url, "--body-format", "binary",
                    stdin=b"\x00\xffpiped", binary=True).returncode == 0
    got = cyproton(tools, "receive", queue, "--url", broker.url, "--count", "2", "--format", "raw", binary=True)
    assert got.returncode == 0, got.stderr
    assert got.stdout == blob + b"\x00\xffpiped"
    not_text = cyproton(tools, "send", queue, "--url", broker.url, "--body-file", str(path))
    one_line_error(not_text, 2, "not utf-8", "binary")


def test_json_bodies_keep_their_types(broker: Any, tools: Any) -> None:
    queue = tools.unique()
    body = {"n": {"$ulong": 7}, "s": {"$symbol": "sym"}, "b": {"$binary": "AAE="}, "l": [1, 2.5, None, True]}
    done = cyproton(tools, "send", queue, "--url", broker.url, "--body-format", "json", "--body", json.dumps(body))
    assert done.returncode == 0, done.stderr
    assert cyproton(tools, "send", queue, "--url", broker.url, "--body-format", "json",
                    stdin='{"line": 1}\n[1, "two"]\n').returncode == 0
    connection = BlockingConnection(broker.url)
    try:
        receiver = connection.create_receiver(queue, credit=3)
        first = receiver.receive(timeout=5)
        receiver.accept()
        assert first.body == {"n": 7, "s": symbol("sym"), "b": b"\x00\x01", "l": [1, 2.5, None, True]}
        assert type(first.body["n"]).__name__ == "ulong" and isinstance(first.body["s"], symbol)
        second, third = receiver.receive(timeout=5), None
        receiver.accept()
        third = receiver.receive(timeout=5)
        receiver.accept()
        assert second.body == {"line": 1} and third.body == [1, "two"]
    finally:
        connection.close()
    bad = cyproton(tools, "send", queue, "--url", broker.url, "--body-format", "json", "--body", "{not json")
    one_line_error(bad, 2, "not json")
    bad_tag = cyproton(tools, "send", queue, "--url", broker.url, "--body-format", "json", "--body",
                       '{"$uuid": "nope"}')
    one_line_error(bad_tag, 2, "$uuid")


def test_message_fields(broker: Any, tools: Any) -> None:
    queue = tools.unique()
    done = cyproton(tools, "send", queue, "--url", broker.url, "--body", "x", "--durable", "--ttl", "60",
                    "--priority", "9", "--subject", "greeting", "--content-type", "text/plain",
                    "--correlation-id", "corr-1", "--reply-to", "replies", "-p", "n=3", "-p", "ok=true",
                    "--annotation", "x-opt-origin=cli", "-a", "x-opt-weight=2.5")
    assert done.returncode == 0, done.stderr
    (message,) = received(broker, tools, queue, 1)
    assert message["header"] == {"durable": True, "priority": 9, "ttl": 60.0, "first_acquirer": False,
                                 "delivery_count": 0}
    assert message["properties"] == {"to": queue, "subject": "greeting", "content_type": {"$symbol": "text/plain"},
                                     "correlation_id": "corr-1", "reply_to": "replies"}
    assert message["application_properties"] == {"n": 3, "ok": True}
    assert message["message_annotations"] == {"x-opt-origin": "cli", "x-opt-weight": 2.5}
    assert message["body"] == "x"
    for bad, word in ((["--priority", "300"], "priority"), (["--count", "0"], "count"), (["--rate", "0"], "rate"),
                      (["--ttl", "-1"], "ttl"), (["-a", "novalue"], "annotation")):
        one_line_error(cyproton(tools, "send", queue, "--url", broker.url, "--body", "x", *bad), 2, word)


def test_address_from_the_url_path(broker: Any, tools: Any) -> None:
    queue = tools.unique()
    assert cyproton(tools, "send", "--url", f"{broker.url}/{queue}", "--body", "pathed").returncode == 0
    got = cyproton(tools, "receive", "--url", f"{broker.url}/{queue}", "--count", "1")
    assert got.stdout == "pathed\n"
    one_line_error(cyproton(tools, "send", "--url", broker.url, "--body", "x"), 2, "no address")


def test_rate_spaces_the_messages(broker: Any, tools: Any) -> None:
    """--rate 20 with 6 messages: five gaps of 1/20 s at least (a lower bound, whatever the machine)."""
    queue = tools.unique()
    started = time.monotonic()
    done = cyproton(tools, "send", queue, "--url", broker.url, "--body", "r", "--count", "6", "--rate", "20")
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= 0.25
    assert broker.queue_depth(queue) == 6


class _Rejecting(MessagingHandler):
    """A peer that listens, accepts odd-numbered messages and rejects the others."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.acceptor: Any = None
        self.ready = threading.Event()

    def on_start(self, event: Any) -> None:
        self.acceptor = event.container.listen("127.0.0.1:0")
        self.ready.set()

    def on_link_opening(self, event: Any) -> None:
        if event.link.is_receiver and event.link.remote_target.address:
            event.link.target.address = event.link.remote_target.address

    def on_message(self, event: Any) -> None:
        self.count += 1
        if self.count % 2 == 0:
            raise Reject()


@pytest.fixture
def rejecting_peer() -> Iterator[str]:
    handler = _Rejecting()
    container = Container(handler)
    thread = threading.Thread(target=container.run, daemon=True)
    thread.start()
    assert handler.ready.wait(10)
    yield f"amqp://127.0.0.1:{handler.acceptor.port}"
    container.wakeup()
    handler.acceptor.close()
    container.stop()
    thread.join(10)


def test_outcomes_are_counted_and_refusals_fail(rejecting_peer: str, tools: Any) -> None:
    done = cyproton(tools, "send", "anything", "--url", rejecting_peer, "--body", "x", "--count", "4")
    assert done.returncode == 1
    assert done.stdout.strip() == "sent 4 messages to anything (at-least-once): 2 accepted, 2 rejected"
    one_line_error(done, 1, "2 of 4 messages were not accepted")


def test_progress_line_only_on_a_terminal(broker: Any, tools: Any) -> None:
    """With stderr on a terminal (a pseudo-terminal here) a long run shows a progress line there,
    rewritten in place and cleared at the end; --no-progress turns it off."""
    queue = tools.unique()

    def run(*extra: str) -> str:
        main, secondary = pty.openpty()
        try:
            process = subprocess.Popen([tools.ours_python, "-m", "cyproton", "send", queue, "--url", broker.url,
                                        "--body", "p", "--count", "30", "--rate", "20", *extra],
                                       stdout=subprocess.PIPE, stderr=secondary, env=tools.ours_env(), cwd="/")
            os.close(secondary)
            seen = b""
            while True:
                ready, _, _ = select.select([main], [], [], 30)
                if not ready:
                    break
                try:
                    chunk = os.read(main, 4096)
                except OSError:          # the terminal closed with the process
                    break
                if not chunk:
                    break
                seen += chunk
            assert process.wait(30) == 0
            assert process.stdout is not None and b"sent 30 messages" in process.stdout.read()
            process.stdout.close()
            return seen.decode("utf-8", "replace")
        finally:
            os.close(main)

    shown = run()
    assert re.search(r"\r\x1b\[Ksent \d+/30 \(\d+ msg/s\): \d+ accepted", shown), repr(shown)
    assert shown.endswith("\r\x1b[K")
    assert run("--no-progress") == ""


# -- receive -----------------------------------------------------------------------------------------------

def _send(broker: Any, queue: str, bodies: List[Any], **fields: Any) -> None:
    connection = BlockingConnection(broker.url)
    try:
        sender = connection.create_sender(queue)
        for body in bodies:
            sender.send(Message(body=body, **fields))
    finally:
        connection.close()


def test_forever_ends_cleanly_on_ctrl_c_without_losing_messages(broker: Any, tools: Any) -> None:
    """SIGINT during --forever: exit 0 after a summary; every message was either printed (and so
    accepted) or is still on the queue, never both, never neither."""
    queue = tools.unique()
    total = 60
    _send(broker, queue, [f"m{i}" for i in range(total)])
    process = subprocess.Popen([tools.ours_python, "-m", "cyproton", "receive", queue, "--url", broker.url,
                                "--forever"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=tools.ours_env(), cwd="/")
    assert process.stdout is not None
    printed = [process.stdout.readline().strip() for _ in range(5)]
    process.send_signal(signal.SIGINT)
    # read through the same buffered file (communicate() would skip what readline() buffered)
    printed += process.stdout.read().splitlines()
    assert process.stderr is not None
    err = process.stderr.read()
    process.wait(30)
    assert process.returncode == 0, err
    assert err.strip() == f"received {len(printed)} messages from {queue}"
    left = broker.queue_depth(queue)
    assert len(printed) + left == total, (len(printed), left)
    assert len(set(printed)) == len(printed)
    still_there = [m["body"] for m in received(broker, tools, queue, left)] if left else []
    assert sorted(printed + still_there) == sorted(f"m{i}" for i in range(total))


def test_forever_waits_past_the_timeout(broker: Any, tools: Any) -> None:
    queue = tools.unique()
    process = subprocess.Popen([tools.ours_python, "-m", "cyproton", "receive", queue, "--url", broker.url,
                                "--forever", "--timeout", "0.2", "--quiet"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=tools.ours_env(), cwd="/")
    time.sleep(1.0)                 # five times the timeout, and it is still there
    assert process.poll() is None
    _send(broker, queue, ["late"])
    assert process.stdout is not None and process.stdout.readline() == "late\n"
    process.send_signal(signal.SIGTERM)
    assert process.stderr is not None
    process.stdout.read()
    err = process.stderr.read()
    process.wait(30)
    assert process.returncode == 0 and err == ""


def test_browse_leaves_the_messages(broker: Any, tools: Any) -> None:
    queue = tools.unique()
    _send(broker, queue, ["one", "two"])
    for _ in range(2):
        got = cyproton(tools, "receive", queue, "--url", broker.url, "--browse", "--timeout", "0.5")
        assert got.returncode == 0 and got.stdout.splitlines() == ["one", "two"], got.stderr
    assert broker.queue_depth(queue) == 2


def test_durable_subscription_keeps_messages_while_away(broker: Any, tools: Any) -> None:
    topic = f"topic://{tools.unique('news')}"
    first = cyproton(tools, "receive", topic, "--url", broker.url, "--durable", "--subscription", "sub1",
                     "--timeout", "0.3")
    assert first.returncode == 0 and first.stdout == "", first.stderr
    _send(broker, topic, ["while away 1", "while away 2"])
    later = cyproton(tools, "receive", topic, "--url", broker.url, "--durable", "--subscription", "sub1",
                     "--count", "2")
    assert later.returncode == 0 and later.stdout.splitlines() == ["while away 1", "while away 2"], later.stderr
    plain = cyproton(tools, "receive", topic, "--url", broker.url, "--timeout", "0.3")
    assert plain.stdout == ""
    one_line_error(cyproton(tools, "receive", topic, "--url", broker.url, "--subscription", "x"), 2, "--durable")
    one_line_error(cyproton(tools, "receive", "q", "--url", broker.url, "--durable", "--browse"), 2, "browse")


def test_json_lines_have_every_section(broker: Any, tools: Any) -> None:
    queue = tools.unique()
    message = Message(body=[symbol("a"), 1], id="id-1", subject="s", content_encoding="gzip", group_id="g",
                      group_sequence=3, creation_time=1700000000.5, annotations={symbol("x-opt-a"): "v"},
                      properties={"k": 1}, footer={symbol("f"): True}, durable=True)
    _send(broker, queue, [])
    connection = BlockingConnection(broker.url)
    try:
        connection.create_sender(queue).send(message)
    finally:
        connection.close()
    (line,) = received(broker, tools, queue, 1)
    assert line["body"] == [{"$symbol": "a"}, 1]
    assert line["properties"]["message_id"] == "id-1"
    assert line["properties"]["content_encoding"] == {"$symbol": "gzip"}
    assert "content_type" not in line["properties"]
    assert line["properties"]["group_sequence"] == {"$uint": 3}
    assert line["properties"]["creation_time"] == {"$timestamp": 1700000000500}
    assert line["message_annotations"] == {"x-opt-a": "v"} and line["footer"] == {"f": True}
    assert line["application_properties"] == {"k": 1} and line["header"]["durable"] is True


# -- stat -------------------------------------------------------------------------------------------------------

def test_stat_shows_queues_connections_and_links(broker: Any, tools: Any) -> None:
    queue = tools.unique()
    _send(broker, queue, ["a", "b", "c"])
    watcher = BlockingConnection(broker.url)
    try:
        watcher.create_receiver(queue, credit=1)
        watcher_state = tools.wait_for(lambda: broker.report()["totals"]["links"] >= 1, what="the receiver")
        assert watcher_state
        text = cyproton(tools, "stat", "--url", broker.url)
        assert text.returncode == 0, text.stderr
        lines = text.stdout.splitlines()
        assert lines[0].startswith(f"cyproton broker {broker.container_id} at {broker.url}: ")
        row = [line.split() for line in lines if line.split()[:1] == [queue]]
        assert row and row[0][1:] == ["2", "1", "0", "1"], text.stdout      # depth, consumers, browsers, unacked
        assert "connections (2)" in text.stdout and any("receiver" in line and queue in line for line in lines)
        as_json = cyproton(tools, "stat", "--url", broker.url, "--format", "json")
        report = json.loads(as_json.stdout)
        (entry,) = [q for q in report["queues"] if q["name"] == queue]
        assert entry == {"name": queue, "depth": 2, "consumers": 1, "browsers": 0, "unacked": 1}
        assert report["totals"]["connections"] == 2
        roles = sorted(link["role"] for c in report["connections"] for link in c["links"])
        assert roles == ["receiver", "receiver", "sender"]       # the watcher's, and stat's own two links
    finally:
        watcher.close()


def test_stat_of_something_else_is_one_line(rejecting_peer: str, tools: Any) -> None:
    done = cyproton(tools, "stat", "--url", rejecting_peer, "--connect-timeout", "5")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


# -- where and who ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/q", "https://example.invalid", "ws://localhost:5672",
                                 "mqtt://127.0.0.1:1883", "amqp+ws://127.0.0.1:5672"])
def test_non_amqp_urls_are_refused(url: str, tools: Any) -> None:
    for command in (["send", "q", "--body", "x"], ["receive", "q"], ["stat"]):
        one_line_error(cyproton(tools, *command, "--url", url), 2, "not an AMQP address", "amqp://")


def test_connect_json_is_used_without_url(broker: Any, tools: Any, tmp_path: Any) -> None:
    queue = tools.unique()
    config = {"scheme": "amqp", "host": "127.0.0.1", "port": broker.port, "sasl": {"mechanisms": "ANONYMOUS"}}
    (tmp_path / "connect.json").write_text(json.dumps(config), encoding="utf-8")
    sent = cyproton(tools, "send", queue, "--body", "configured", cwd=str(tmp_path))
    assert sent.returncode == 0, sent.stderr
    named = tmp_path / "elsewhere.json"
    named.write_text(json.dumps(config), encoding="utf-8")
    got = cyproton(tools, "receive", queue, "--count", "1", env={"MESSAGING_CONNECT_FILE": str(named)})
    assert got.stdout == "configured\n", got.stderr
    (tmp_path / "connect.json").write_text("{broken", encoding="utf-8")
    one_line_error(cyproton(tools, "send", queue, "--body", "x", cwd=str(tmp_path)), 2, "connect.json")


def test_passwords_are_never_printed(broker: Any, tools: Any, tmp_path: Any) -> None:
    """The broker knows no users, so every login fails: the error names the URL, never the password,
    however the password was given (URL, option, file, environment, connect.json)."""
    url = f"amqp://127.0.0.1:{broker.port}"
    secret_file = tmp_path / "password"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    config = tmp_path / "connect.json"
    config.write_text(json.dumps({"scheme": "amqp", "host": "127.0.0.1", "port": broker.port, "user": "bob",
                                  "password": SECRET}), encoding="utf-8")
    attempts = [
        (["--url", f"amqp://bob:{SECRET}@127.0.0.1:{broker.port}"], {}),
        (["--url", url, "--user", "bob", "--password", SECRET], {}),
        (["--url", url, "--user", "bob", "--password-file", str(secret_file)], {}),
        (["--url", url, "--user", "bob", "--password-env", "MY_SECRET"], {"MY_SECRET": SECRET}),
        (["--url", url, "--user", "bob"], {"CYPROTON_PASSWORD": SECRET}),
        ([], {"MESSAGING_CONNECT_FILE": str(config)}),
    ]
    for options, env in attempts:
        for command in (["send", "q", "--body", "x"], ["receive", "q"], ["stat"]):
            done = cyproton(tools, *command, *options, "--sasl-mechanisms", "PLAIN", env=env)
            assert done.returncode == 1, (options, done.stdout, done.stderr)
            assert SECRET not in done.stdout + done.stderr, (options, done.stderr)
            one_line_error(done, 1, "authentication")


def test_credential_options_misused(broker: Any, tools: Any, tmp_path: Any) -> None:
    url = broker.url
    one_line_error(cyproton(tools, "send", "q", "--url", url, "--password", "x", "--body", "x"), 2, "needs a user")
    one_line_error(cyproton(tools, "send", "q", "--url", url, "--user", "u", "--password", "x",
                            "--password-env", "V", "--body", "x"), 2, "one way")
    one_line_error(cyproton(tools, "send", "q", "--url", url, "--user", "u", "--password-file",
                            str(tmp_path / "missing"), "--body", "x"), 2, "password file")
    one_line_error(cyproton(tools, "send", "q", "--url", url, "--user", "u", "--password-env", "NO_SUCH_VARIABLE_X",
                            "--body", "x"), 2, "NO_SUCH_VARIABLE_X")
    for flag in (["--ca", "ca.pem"], ["--insecure"], ["--cert", "c.pem", "--key", "k.pem"], ["--sni", "h"]):
        one_line_error(cyproton(tools, "send", "q", "--url", url, *flag, "--body", "x"), 2, "amqps://")


# -- TLS, against examples/security/tls_server.py --------------------------------------------------------------

@pytest.fixture(scope="module")
def certs(tmp_path_factory: Any) -> str:
    directory = str(tmp_path_factory.mktemp("cli-certs"))
    done = subprocess.run([os.path.join(ROOT, "tests", "peers", "make_certs.sh"), directory], capture_output=True,
                          text=True, timeout=120)
    if done.returncode == 77:
        pytest.skip(done.stderr.strip())
    assert done.returncode == 0, done.stderr
    return directory


@pytest.fixture
def tls_server(certs: str, tools: Any) -> Iterator[Any]:
    def start(*extra: str) -> str:
        process = subprocess.Popen([tools.ours_python, os.path.join(ROOT, "examples", "security", "tls_server.py"),
                                    "--url", "amqps://127.0.0.1:0", "--cert", f"{certs}/server.crt",
                                    "--key", f"{certs}/server.key", *extra], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=tools.ours_env())
        started.append(process)
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"listening on amqps://127\.0\.0\.1:(\d+)", line)
        assert found, (line, process.stderr.read() if process.poll() is not None else "")
        return found.group(1)

    started: List[subprocess.Popen] = []
    yield start
    for process in started:
        process.terminate()
        process.communicate(timeout=20)


def test_tls_options(tls_server: Any, certs: str, tools: Any) -> None:
    port = tls_server()
    trusted = cyproton(tools, "send", "q", "--url", f"amqps://localhost:{port}", "--ca", f"{certs}/ca.crt",
                       "--body", "over TLS")
    assert trusted.returncode == 0, trusted.stderr
    sni = cyproton(tools, "send", "q", "--url", f"amqps://127.0.0.1:{port}", "--ca", f"{certs}/ca.crt",
                   "--sni", "localhost", "--body", "by name")
    assert sni.returncode == 0, sni.stderr
    untrusted = cyproton(tools, "send", "q", "--url", f"amqps://localhost:{port}", "--body", "x")
    one_line_error(untrusted, 1, "TLS")
    insecure = cyproton(tools, "send", "q", "--url", f"amqps://localhost:{port}", "--insecure", "--body", "x")
    assert insecure.returncode == 0, insecure.stderr
    one_line_error(cyproton(tools, "send", "q", "--url", f"amqps://localhost:{port}", "--ca", f"{certs}/nope.crt",
                            "--body", "x"), 2, "no such file")
    one_line_error(cyproton(tools, "send", "q", "--url", f"amqps://localhost:{port}", "--cert",
                            f"{certs}/client.crt", "--body", "x"), 2, "--cert and --key")


def test_tls_client_certificate(tls_server: Any, certs: str, tools: Any) -> None:
    port = tls_server("--ca", f"{certs}/ca.crt", "--require-client-cert", "--mechs", "EXTERNAL")
    common = ["--url", f"amqps://localhost:{port}", "--ca", f"{certs}/ca.crt", "--sasl-mechanisms", "EXTERNAL"]
    with_cert = cyproton(tools, "send", "q", *common, "--cert", f"{certs}/client.crt", "--key",
                         f"{certs}/client.key", "--body", "x")
    assert with_cert.returncode == 0, with_cert.stderr
    without = cyproton(tools, "send", "q", *common, "--body", "x")
    assert without.returncode == 1 and len(without.stderr.strip().splitlines()) == 1, without.stderr
