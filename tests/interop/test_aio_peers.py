# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""cyproton.aio against peers it shares no code with, counted: nothing lost, nothing duplicated,
every section as sent.

- the async client (programs/aio_client.py) with RabbitMQ 3.10's AMQP 1.0 plugin, the rhea mini
  broker, and python-qpid-proton 0.40 running programs/server.py;
- the async server (examples/asyncio/broker.py) with python-qpid-proton 0.40's and rhea's clients.

Each runs under asyncio's own loop and under uvloop.
"""

import os
import socket
import subprocess
import time

import pytest

pytestmark = pytest.mark.interop

COUNT = 1000
HERE = os.path.dirname(os.path.abspath(__file__))
BROKER = os.path.join(os.path.dirname(os.path.dirname(HERE)), "examples", "asyncio", "broker.py")


@pytest.fixture(autouse=True)
def _cyproton_only(interop_pythons):
    # cyproton.aio is cyproton's own: pointing the "ours" interpreter at the reference checks the
    # other tests, not these
    probe = subprocess.run([interop_pythons["ours"], "-c", "import cyproton.aio"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("the interpreter under test has no cyproton.aio")


@pytest.fixture(params=["asyncio", "uvloop"])
def loop(request):
    if request.param == "uvloop":
        pytest.importorskip("uvloop")
    return ["--uvloop"] if request.param == "uvloop" else []


def assert_ok(result, **expected):
    assert result.returncode == 0 and result.get("ok"), result.describe()
    for key, value in expected.items():
        assert result[key] == value, "%s: %s" % (key, result.describe())


def _round_trip(interop_run, url, address, mode, body_kind, loop, *options):
    common = ("--count", COUNT, "--mode", mode, "--body-kind", body_kind) + options
    receiver = interop_run.start("ours", "aio_client", url, address, "--op", "recv", "--link-name", "aio-rcv",
                                 *common, *loop)
    sent = interop_run.run("ours", "aio_client", url, address, "--op", "send", "--link-name", "aio-snd",
                           *common, *loop)
    assert_ok(sent, sent=COUNT, settled=COUNT, accepted=COUNT if mode == "at-least-once" else 0, rejected=0,
              released=0, modified=0)
    assert_ok(receiver.wait(), received=COUNT, duplicates=0, missing=0, mismatched=0, extra=0)
    return sent


@pytest.mark.parametrize("mode", ["at-least-once", "at-most-once"])
def test_aio_client_with_rabbitmq(mode, loop, peer_rabbitmq, interop_run):
    url = "amqp://alice:alice-secret@127.0.0.1:%d" % peer_rabbitmq.port
    sent = _round_trip(interop_run, url, "/queue/aio-%s-%d" % (mode, len(loop)), mode, "rabbitmq", loop,
                       "--mechs", "PLAIN")
    assert sent["remote_container"].startswith("cyproton-%d@" % peer_rabbitmq.port), sent.describe()


@pytest.mark.parametrize("mode", ["at-least-once", "at-most-once"])
def test_aio_client_with_rhea_broker(mode, loop, peer_rhea, interop_run):
    sent = _round_trip(interop_run, peer_rhea.url, "aio-rhea-%s-%d" % (mode, len(loop)), mode, "rhea", loop,
                       "--mechs", "PLAIN")
    assert sent["remote_container"] == "rhea-broker"


def test_aio_client_with_reference_server(loop, proton_server, interop_run):
    server = proton_server("ref")
    _round_trip(interop_run, server.url, "aio-ref", "at-least-once", "all-types", loop)
    assert server.link_stats("aio-ref", "receiver")["received"] == COUNT


@pytest.fixture
def aio_broker(interop_pythons, tmp_path, loop):
    """examples/asyncio/broker.py under cyproton on a free port."""
    for attempt in range(3):      # a free port can be taken between the check and the bind
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        out = open(tmp_path / ("aio-broker-%d.out" % port), "w+")
        proc = subprocess.Popen([interop_pythons["ours"], BROKER, "--port", str(port), *loop], stdout=out,
                                stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and proc.poll() is None:
            out.seek(0)
            if "LISTENING" in out.read():
                break
            time.sleep(0.02)
        if proc.poll() is None:
            break
        out.close()
    else:
        pytest.fail("the asyncio broker example did not start")
    try:
        yield "amqp://127.0.0.1:%d" % port
    finally:
        proc.kill()
        proc.wait()
        out.seek(0)
        tail = out.read()[-2000:]
        out.close()
        assert "Traceback" not in tail, tail


@pytest.mark.parametrize("mode", ["at-least-once", "at-most-once"])
@pytest.mark.parametrize("sender, receiver", [("ref", "ref"), ("ref", "ours"), ("ours", "ref")])
def test_aio_broker_with_proton_clients(mode, sender, receiver, aio_broker, interop_run):
    address = "through-aio-%s-%s-%s" % (mode, sender, receiver)
    common = ("--count", COUNT, "--mode", mode)
    consumer = interop_run.start(receiver, "recv", aio_broker, address, *common)
    sent = interop_run.run(sender, "send", aio_broker, address, *common)
    assert_ok(sent, sent=COUNT, settled=COUNT, accepted=COUNT if mode == "at-least-once" else 0)
    assert_ok(consumer.wait(), received=COUNT, duplicates=0, missing=0, mismatched=0, extra=0)


@pytest.mark.parametrize("mode", ["at-least-once", "at-most-once"])
def test_aio_broker_with_rhea_clients(mode, aio_broker, interop_run):
    address = "rhea-through-aio-" + mode
    common = ("--count", COUNT, "--mode", mode)
    sent = interop_run.run("node", "rhea_client.js", aio_broker, address, "--op", "send", "--link-name", "rhea-snd",
                           *common)
    assert_ok(sent, sent=COUNT, settled=COUNT, accepted=COUNT if mode == "at-least-once" else 0)
    received = interop_run.run("node", "rhea_client.js", aio_broker, address, "--op", "recv", "--link-name",
                               "rhea-rcv", *common)
    assert_ok(received, received=COUNT, duplicates=0, missing=0, mismatched=0)
