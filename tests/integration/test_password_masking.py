# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A password in a URL never shows: not in exception texts of BlockingConnection and Container
clients, not in the "proton" logger's lines, not in the engine's frame and raw traces. Where an
address is shown its password reads ``***`` (python-qpid-proton prints it as given, so these tests
are cyproton's own)."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import textwrap
import traceback

import pytest
from fake_peers import SaslRefuser, SilentPeer
from proton import Url
from proton.handlers import MessagingHandler
from proton.reactor import Container
from proton.utils import BlockingConnection

pytestmark = pytest.mark.impl

SECRET = "s3cret-Pw"
HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def everything_about(exc: BaseException) -> str:
    """str, repr and the whole printed traceback (with causes and contexts) of ``exc``."""
    return "\n".join([str(exc), repr(exc), "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))])


def test_url_repr_masks_and_str_keeps_the_password():
    url = Url(f"amqp://alice:{SECRET}@example.com:5672/q")
    assert repr(url) == "Url('amqp://alice:***@example.com:5672/q')"
    assert str(url) == f"amqp://alice:{SECRET}@example.com:5672/q"   # str is the address to use, as in the reference


@pytest.fixture
def proton_log(caplog):
    caplog.set_level(logging.DEBUG, logger="proton")
    return caplog


@pytest.mark.parametrize("peer", ["refused", "sasl-refuser", "silent"])
def test_blocking_connection_errors(peer, proton_log):
    if peer == "refused":
        where, server = f"127.0.0.1:{closed_port()}", None
    else:
        server = SaslRefuser() if peer == "sasl-refuser" else SilentPeer()
        where = server.url_host
    try:
        with pytest.raises(Exception) as failure:
            BlockingConnection(f"amqp://alice:{SECRET}@{where}", timeout=1)
        if peer == "sasl-refuser":
            assert SECRET.encode() in server.received
    finally:
        if server is not None:
            server.stop()
    text = everything_about(failure.value)
    assert SECRET not in text, text
    assert "alice:***@" in str(failure.value), str(failure.value)
    assert SECRET not in proton_log.text, proton_log.text


class Failing(MessagingHandler):
    """Connects without reconnecting; keeps what it is told about the failure."""

    def __init__(self, url):
        super().__init__()
        self.url = url
        self.told = []

    def on_start(self, event):
        event.container.connect(self.url, reconnect=False)

    def on_transport_error(self, event):
        self.told.append(str(event.transport.condition))
        self.told.append(repr(event.connection.url))
        super().on_transport_error(event)   # logs the condition


@pytest.mark.parametrize("peer", ["refused", "sasl-refuser"])
def test_container_errors(peer, proton_log):
    server = SaslRefuser() if peer == "sasl-refuser" else None
    where = server.url_host if server else f"127.0.0.1:{closed_port()}"
    handler = Failing(f"amqp://alice:{SECRET}@{where}")
    try:
        Container(handler).run()
    finally:
        if server is not None:
            server.stop()
    assert handler.told, "no transport error reported"
    assert SECRET not in "\n".join(handler.told), handler.told
    assert SECRET not in proton_log.text, proton_log.text
    assert proton_log.records, "the default on_transport_error logs the failure"


def test_an_exception_raised_by_a_handler_keeps_no_password(proton_log):
    class Raising(Failing):
        def on_transport_error(self, event):
            raise RuntimeError(f"failed to reach {event.connection.url!r}")

    handler = Raising(f"amqp://alice:{SECRET}@127.0.0.1:{closed_port()}")
    with pytest.raises(RuntimeError) as failure:
        Container(handler).run()
    assert SECRET not in everything_about(failure.value)


@pytest.mark.parametrize("trace", ["PN_TRACE_FRM", "PN_TRACE_RAW", "PN_TRACE_DRV"])
def test_engine_traces(trace):
    program = textwrap.dedent(f"""
        import logging, sys
        sys.path.insert(0, {TESTS!r})
        from fake_peers import SaslRefuser
        from proton.utils import BlockingConnection
        logging.basicConfig(level=logging.DEBUG)
        with SaslRefuser() as peer:
            try:
                BlockingConnection("amqp://alice:{SECRET}@" + peer.url_host, timeout=5)
            except Exception as exc:
                print("failed:", exc)
            print("peer saw the password:", {SECRET.encode()!r} in peer.received)
    """)
    env = dict(os.environ, **{trace: "1"})
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, env=env)
    assert "peer saw the password: True" in done.stdout, done.stdout + done.stderr
    # The secret as text, and as a raw dump shows it: in hex and as text, cut anywhere by its lines of
    # 16 bytes, so that a line holds at least 5 of its 9 characters: no 5 of them may show.
    raw = SECRET.encode()
    pieces = [raw[i:i + 5] for i in range(len(raw) - 4)]
    for piece in pieces:
        assert piece.decode() not in done.stderr, done.stderr
        assert " ".join("%02x" % b for b in piece) not in done.stderr, done.stderr
    if trace == "PN_TRACE_RAW":
        assert "->0000/" in done.stderr, done.stderr      # the trace was on
