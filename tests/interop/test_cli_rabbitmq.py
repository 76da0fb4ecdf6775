# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The ``cyproton`` command against RabbitMQ 3.10 (AMQP 1.0 plugin; the session's ``peer_rabbitmq``):
credentials from a file and the environment, PLAIN and EXTERNAL, amqps with --ca/--cert/--key,
--insecure, stdin lines, JSON output, --forever with Ctrl-C, and the error paths (a wrong password,
a missing queue, an untrusted server, ``stat`` of a broker that is not cyproton's). Each command is
a subprocess of the interpreter whose ``proton`` is ours (``ours_python``), with this process's
PYTHONPATH."""

import json
import os
import signal
import subprocess
import uuid

import pytest

pytestmark = pytest.mark.interop

PASSWORD = "alice-secret"


def _env():
    """This process's environment, its PYTHONPATH made absolute (the commands run in /)."""
    env = dict(os.environ)
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in env["PYTHONPATH"].split(os.pathsep))
    return env


def cli(ours_python, *args, stdin=None, env=None, timeout=60):
    full_env = _env()
    full_env.pop("MESSAGING_CONNECT_FILE", None)
    full_env.pop("CYPROTON_PASSWORD", None)
    full_env.update(env or {})
    return subprocess.run([ours_python, "-m", "cyproton", *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout, env=full_env, cwd="/")


def one_line(done, status, *words):
    assert done.returncode == status, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]
    assert PASSWORD not in done.stdout + done.stderr


def queue():
    return "/queue/cli-%s" % uuid.uuid4().hex[:8]


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n")
    return str(path)


def test_send_lines_and_receive_json(peer_rabbitmq, ours_python, password_file):
    url = "amqp://127.0.0.1:%d" % peer_rabbitmq.port
    address = queue()
    login = ["--url", url, "--user", "alice", "--password-file", password_file, "--sasl-mechanisms", "PLAIN"]
    sent = cli(ours_python, "send", address, *login, "--subject", "s", "-p", "n=1", "--content-type", "text/plain",
               stdin="one\ntwo\nthree\n")
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.strip() == "sent 3 messages to %s (at-least-once)" % address
    got = cli(ours_python, "receive", address, "--url", url, "--user", "alice", "--count", "3", "--format", "json",
              env={"CYPROTON_PASSWORD": PASSWORD})
    assert got.returncode == 0, got.stderr
    messages = [json.loads(line) for line in got.stdout.splitlines()]
    assert [m["body"] for m in messages] == ["one", "two", "three"]
    for message in messages:
        assert message["properties"]["subject"] == "s"
        assert message["properties"]["content_type"] == {"$symbol": "text/plain"}
        assert message["application_properties"] == {"n": 1}
    in_url = "amqp://alice:%s@127.0.0.1:%d" % (PASSWORD, peer_rabbitmq.port)
    empty = cli(ours_python, "receive", address, "--url", in_url, "--timeout", "0.5")
    assert empty.returncode == 0 and empty.stdout == "", empty.stderr


def test_forever_and_ctrl_c(peer_rabbitmq, ours_python):
    url = "amqp://alice:%s@127.0.0.1:%d" % (PASSWORD, peer_rabbitmq.port)
    address = queue()
    total = 40
    assert cli(ours_python, "send", address, "--url", url, "--body", "m", "--count", str(total)).returncode == 0
    process = subprocess.Popen([ours_python, "-m", "cyproton", "receive", address, "--url", url, "--forever"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd="/", env=_env())
    printed = [process.stdout.readline().strip() for _ in range(5)]
    process.send_signal(signal.SIGINT)
    # read through the same buffered file (communicate() would skip what readline() buffered)
    printed += process.stdout.read().splitlines()
    err = process.stderr.read()
    process.wait(30)
    assert process.returncode == 0, err
    assert PASSWORD not in err
    left = cli(ours_python, "receive", address, "--url", url, "--timeout", "3")
    assert len(printed) + len(left.stdout.splitlines()) == total, (len(printed), left.stdout, left.stderr)


def test_tls_external_and_verification(peer_rabbitmq, ours_python):
    certs = peer_rabbitmq.certs
    url = "amqps://localhost:%d" % peer_rabbitmq.tls_port
    tls = ["--url", url, "--ca", certs + "/ca.crt", "--cert", certs + "/client.crt", "--key", certs + "/client.key",
           "--sasl-mechanisms", "EXTERNAL"]
    address = queue()
    assert cli(ours_python, "send", address, *tls, "--body", "over TLS").returncode == 0
    got = cli(ours_python, "receive", address, *tls, "--count", "1")
    assert got.returncode == 0 and got.stdout == "over TLS\n", got.stderr
    insecure = cli(ours_python, "send", address, "--url", url, "--insecure", "--user", "alice",
                   "--password-env", "PW", "--sasl-mechanisms", "PLAIN", "--body", "x", env={"PW": PASSWORD})
    assert insecure.returncode == 0, insecure.stderr
    untrusted = cli(ours_python, "send", address, "--url", url, "--user", "alice", "--password", PASSWORD,
                    "--body", "x")
    one_line(untrusted, 1, "TLS")
    by_address = cli(ours_python, "send", address, "--url", "amqps://127.0.0.1:%d" % peer_rabbitmq.tls_port,
                     "--ca", certs + "/ca.crt", "--sni", "localhost", "--cert", certs + "/client.crt",
                     "--key", certs + "/client.key", "--sasl-mechanisms", "EXTERNAL", "--body", "x")
    assert by_address.returncode == 0, by_address.stderr


def test_errors_are_one_line(peer_rabbitmq, ours_python):
    port = peer_rabbitmq.port
    wrong = cli(ours_python, "send", queue(), "--url", "amqp://127.0.0.1:%d" % port, "--user", "alice",
                "--password", PASSWORD + "-wrong", "--sasl-mechanisms", "PLAIN", "--body", "x")
    one_line(wrong, 1, "authentication")
    assert PASSWORD + "-wrong" not in wrong.stderr
    login = "amqp://alice:%s@127.0.0.1:%d" % (PASSWORD, port)
    missing = cli(ours_python, "receive", "/amq/queue/no-such-queue-%s" % uuid.uuid4().hex[:6], "--url", login,
                  "--count", "1", "--connect-timeout", "3")
    one_line(missing, 1, "not-found")
    stat = cli(ours_python, "stat", "--url", login)
    one_line(stat, 1, "RabbitMQ broker, not cyproton's embedded broker")
    one_line(cli(ours_python, "send", queue(), "--url", "http://127.0.0.1:%d" % port, "--body", "x"), 2,
             "not an AMQP address")
