# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Clients that get things wrong (garbage on the socket, vanishing mid-transfer, odd attaches,
messages that do not decode): each affects only itself, and the broker goes on serving."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from typing import Any

import pytest

from proton import Delivery, Endpoint, Message
from proton.utils import BlockingConnection, LinkDetached

AMQP_HEADER = b"AMQP\x00\x01\x00\x00"
SASL_HEADER = b"AMQP\x03\x01\x00\x00"


def still_serves(broker: Any, tools: Any) -> None:
    """A full round trip, plus a snapshot of the broker's state."""
    address = tools.unique("alive")
    connection = BlockingConnection(broker.url, timeout=10)
    try:
        connection.create_sender(address).send(Message(body="still here"))
        receiver = connection.create_receiver(address)
        assert receiver.receive(timeout=5).body == "still here"
        receiver.accept()
    finally:
        connection.close()
    assert isinstance(broker.stats(), dict)


def raw_socket(broker: Any) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", broker.port), timeout=5)
    return sock


def read_until_closed(sock: socket.socket, limit: float = 5.0) -> bytes:
    data = b""
    deadline = time.monotonic() + limit
    sock.settimeout(0.5)
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(4096)
        except socket.timeout:
            continue
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


@pytest.mark.parametrize("payload", [
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x00" * 64,
    os.urandom(512),
    AMQP_HEADER + b"\x00\x00\x00\x08\x02\x00\x00\x00" + b"\xde\xad\xbe\xef" * 16,    # a bogus frame
    AMQP_HEADER + b"\xff\xff\xff\xff" + os.urandom(64),                              # an absurd frame size
    SASL_HEADER + os.urandom(64),
])
def test_garbage_on_the_socket(broker: Any, tools: Any, payload: bytes) -> None:
    sock = raw_socket(broker)
    try:
        sock.sendall(payload)
        answer = read_until_closed(sock)
    finally:
        sock.close()
    assert len(answer) < 4096                    # a header and an error, then the broker hangs up
    still_serves(broker, tools)


def test_connections_that_vanish_at_every_stage(broker: Any, tools: Any) -> None:
    for stage in range(6):
        sock = raw_socket(broker)
        if stage >= 1:
            sock.sendall(SASL_HEADER[: stage * 2])
        if stage >= 5:
            sock.sendall(SASL_HEADER[10:])
        sock.close()
    silent = [raw_socket(broker) for _ in range(5)]     # and some that say nothing at all, yet
    try:
        still_serves(broker, tools)
    finally:
        for sock in silent:
            sock.close()
    tools.wait_for(lambda: broker.stats()["connections"] == 0, what="every connection to be gone")


def test_a_sender_vanishing_mid_transfer(broker: Any, tools: Any) -> None:
    address = tools.unique()
    peer = tools.RawPeer(broker.port)
    session = peer.connection.session()
    session.open()
    sender = session.sender("half")
    sender.target.address = address
    sender.open()
    peer.pump(lambda: sender.credit > 0)
    sender.delivery("big")
    blob = Message(body=b"x" * 300_000).encode()
    sender.stream(blob[: len(blob) // 2])           # half a message, never finished
    peer.pump()
    peer.pump()
    peer.abort_socket()
    tools.wait_for(lambda: broker.stats()["connections"] == 0, what="the sender to be gone")
    assert broker.queue_depth(address) == 0
    still_serves(broker, tools)


def test_an_aborted_delivery_is_dropped(broker: Any, tools: Any) -> None:
    address = tools.unique()
    peer = tools.RawPeer(broker.port)
    session = peer.connection.session()
    session.open()
    sender = session.sender("aborting")
    sender.target.address = address
    sender.open()
    peer.pump(lambda: sender.credit > 0)
    first = sender.delivery("first")
    blob = Message(body=b"y" * 200_000).encode()
    sender.stream(blob[:100_000])
    peer.pump()
    first.abort()
    second = sender.delivery("second")
    sender.stream(Message(body="whole").encode())
    sender.advance()
    peer.pump(lambda: second.remote_state)
    assert second.remote_state == Delivery.ACCEPTED
    assert broker.queue_depth(address) == 1
    peer.abort_socket()
    still_serves(broker, tools)


def test_a_consumer_killed_mid_stream(broker: Any, tools: Any) -> None:
    """A real client process, killed while it holds unsettled messages: they come back."""
    address = tools.unique()
    filler = BlockingConnection(broker.url)
    try:
        sender = filler.create_sender(address)
        for number in range(50):
            sender.send(Message(body=number))
    finally:
        filler.close()
    code = f"""
import sys, time
from proton.utils import BlockingConnection
c = BlockingConnection({broker.url!r})
r = c.create_receiver({address!r}, credit=20)
for _ in range(5):
    r.receive(timeout=5)
    r.accept()
try:                      # let the accepts go out: a blocking connection only talks inside its calls
    c.wait(lambda: False, timeout=0.5)
except Exception:
    pass
print("holding", flush=True)
time.sleep(60)
"""
    child = subprocess.Popen([tools.ours_python, "-c", code], stdout=subprocess.PIPE, text=True,
                             env=tools.ours_env())
    try:
        assert child.stdout.readline().strip() == "holding"
        tools.wait_for(lambda: broker.stats()["unacked"] > 0, what="unsettled deliveries")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    tools.wait_for(lambda: broker.stats()["unacked"] == 0, what="the killed consumer's messages to return")
    connection = BlockingConnection(broker.url)
    try:
        receiver = connection.create_receiver(address, credit=50)
        rest = []
        for _ in range(45):
            rest.append(receiver.receive(timeout=5).body)
            receiver.accept()
        assert rest == list(range(5, 50))
    finally:
        connection.close()


def test_invalid_attaches_are_refused(broker: Any, tools: Any) -> None:
    connection = BlockingConnection(broker.url)
    try:
        with pytest.raises(LinkDetached) as no_source:
            connection.create_receiver(None, name="nowhere")
        assert no_source.value.condition == "amqp:invalid-field"
    finally:
        connection.close()
    # the same over a hand-driven connection: a receiver whose source is null
    peer = tools.RawPeer(broker.port)
    session = peer.connection.session()
    session.open()
    link = session.receiver("null-source")
    link.source.type = 0          # unspecified: no source at all
    link.open()
    peer.pump(lambda: link.state & Endpoint.REMOTE_CLOSED)
    assert link.remote_condition.name == "amqp:invalid-field"
    peer.abort_socket()
    still_serves(broker, tools)


def test_undecodable_messages(make_broker: Any, tools: Any) -> None:
    broker = make_broker()
    address = tools.unique()
    peer = tools.RawPeer(broker.port)
    session = peer.connection.session()
    session.open()
    named = session.sender("named")
    named.target.address = address
    named.open()
    relay = session.sender("relay")
    relay.open()
    peer.pump(lambda: named.credit > 0 and relay.credit > 0)
    stored = named.delivery("n1")
    named.stream(b"\x00\x53\x75\xa0\x02hi-not-quite")     # stored as it is: the broker does not look
    named.advance()
    routed = relay.delivery("r1")
    relay.stream(b"\xff\xfe garbage")                   # the relay must read 'to': rejected
    relay.advance()
    peer.pump(lambda: stored.remote_state and routed.remote_state)
    assert stored.remote_state == Delivery.ACCEPTED
    assert routed.remote_state == Delivery.REJECTED
    assert routed.remote.condition.name == "amqp:decode-error"
    # a selective consumer skips what does not decode; a plain one gets the bytes as they were
    connection = BlockingConnection(broker.url)
    try:
        picky = connection.create_receiver(address, name="picky", options=_selector("x = 1"))
        with pytest.raises(Exception):
            picky.receive(timeout=0.3)
    finally:
        connection.close()
    assert broker.queue_depth(address) == 1
    peer.abort_socket()
    still_serves(broker, tools)


def _selector(text: str) -> Any:
    from proton.reactor import Selector

    return Selector(text)


def test_a_session_closed_under_live_links(broker: Any, tools: Any) -> None:
    address = tools.unique()
    peer = tools.RawPeer(broker.port)
    session = peer.connection.session()
    session.open()
    receiver = session.receiver("in-session")
    receiver.source.address = address
    receiver.open()
    peer.pump(lambda: peer.attached(receiver))
    receiver.flow(5)
    peer.pump()
    session.close()
    peer.pump(lambda: session.state & Endpoint.REMOTE_CLOSED)
    connection = BlockingConnection(broker.url)
    try:
        connection.create_sender(address).send(Message(body="for someone else"))
        other = connection.create_receiver(address)
        assert other.receive(timeout=5).body == "for someone else"
        other.accept()
    finally:
        connection.close()
    peer.abort_socket()
