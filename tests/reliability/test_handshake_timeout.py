# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Peers that never finish their handshake are closed; idle timeouts hold on server connections.

``Container.listen(url, handshake_timeout=...)`` (default: the container's ``handshake_timeout``,
10 seconds) closes an accepted connection whose AMQP open has not come in time, with
``amqp:resource-limit-exceeded``; 0 or None turns it off, as python-qpid-proton has none.
``Container.listen(url, idle_timeout=...)`` sets the idle timeout of every accepted connection.
The broker and ``cyproton broker`` take both.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from typing import Dict, List, Tuple

import pytest

import amqp_wire as w
from hostile import Server, assert_still_serves, hard_limit, wait_for_line  # noqa: F401
from transport_fuzz import Witness, readable, server_env

pytestmark = pytest.mark.timeout(120)

SILENT = 200
DRIBBLERS = 20
HEADER_ONLY = 20


def wait_closed(sockets: List[socket.socket], limit: float) -> Tuple[Dict[socket.socket, float],
                                                                       Dict[socket.socket, bytes]]:
    """Read every socket until the server closes it, for up to ``limit`` seconds. Returns
    ({socket: time.monotonic() when it closed}, {socket: what the server sent on it})."""
    started = time.monotonic()
    closed: Dict[socket.socket, float] = {}
    data: Dict[socket.socket, bytes] = {}
    while len(closed) < len(sockets) and time.monotonic() - started < limit:
        for sock in readable([s for s in sockets if s not in closed], 0.05):
            try:
                chunk = sock.recv(65536)
            except OSError:
                chunk = b""
            if chunk:
                data[sock] = data.get(sock, b"") + chunk
            else:
                closed[sock] = time.monotonic()
    return closed, data


def dribble(sockets: List[socket.socket], stop: threading.Event) -> None:
    """One byte of the SASL header at a time, every 0.25 s, on each socket."""
    position = 0
    while not stop.is_set():
        for sock in sockets:
            try:
                sock.send(w.SASL_HEADER[position % 8:position % 8 + 1])
            except OSError:
                pass
        position += 1
        stop.wait(0.25)


@pytest.mark.parametrize("kind", ["container", "broker"])
def test_silent_and_slow_peers_are_closed_while_real_clients_are_served(kind: str) -> None:
    with Server(kind, ["--handshake-timeout", "1.5"]) as server:
        witness = Witness(server.port, kind)      # a client that did its handshake in time
        witness.check()
        opened = time.monotonic()
        silent = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(SILENT)]
        slow = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(DRIBBLERS)]
        header_only = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(HEADER_ONLY)]
        for sock in header_only:
            sock.sendall(w.AMQP_HEADER)
        stop = threading.Event()
        dribbler = threading.Thread(target=dribble, args=(slow, stop), daemon=True)
        dribbler.start()
        try:
            assert_still_serves(server)            # served while the others hang about
            everyone = silent + slow + header_only
            closed, data = wait_closed(everyone, limit=8.0)
            assert len(closed) == len(everyone), f"{len(everyone) - len(closed)} connections were left open"
            after = sorted(at - opened for at in closed.values())
            assert after[0] > 1.4, after[:3]                 # none before its time (1.5 s from its accept)
            assert after[-1] < 5.0, after[-3:]
            for sock in header_only:      # the AMQP layer was up: they got a close frame naming the timeout
                assert b"amqp:resource-limit-exceeded" in data.get(sock, b"")
                assert b"handshake timeout" in data.get(sock, b"")
        finally:
            stop.set()
            dribbler.join(5)
            for sock in silent + slow + header_only:
                sock.close()
        def reports() -> int:
            return len([line for line in list(server.lines) if "handshake timeout" in line
                        and "amqp:resource-limit-exceeded" in line])
        deadline = time.monotonic() + 10
        while reports() < SILENT + DRIBBLERS + HEADER_ONLY and time.monotonic() < deadline:
            time.sleep(0.05)          # (the reports follow the closes; they may lag a little)
        assert reports() == SILENT + DRIBBLERS + HEADER_ONLY
        witness.check()                            # the client that had opened in time was never cut off
        witness.close()
        assert_still_serves(server)


def test_the_timeout_can_be_turned_off() -> None:
    with Server("container", ["--handshake-timeout", "off"]) as server:
        silent = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(5)]
        try:
            assert wait_closed(silent, limit=2.5)[0] == {}
        finally:
            for sock in silent:
                sock.close()
        assert wait_for_line(server, lambda line: "handshake timeout" in line, timeout=0.1) is None


def test_defaults_and_where_they_are_set() -> None:
    from proton.reactor import Container

    from cyproton.broker import Broker
    from cyproton.cli import build_parser

    container = Container()
    assert container.handshake_timeout == 10.0
    first = container.listen("127.0.0.1:0")
    assert first.handshake_timeout == 10.0 and first.idle_timeout is None
    container.handshake_timeout = 3
    second = container.listen("127.0.0.1:0", idle_timeout=4.0)
    assert second.handshake_timeout == 3 and second.idle_timeout == 4.0
    third = container.listen("127.0.0.1:0", handshake_timeout=None)
    assert third.handshake_timeout is None
    for acceptor in (first, second, third):
        acceptor.close()
    assert Broker("127.0.0.1:0").handshake_timeout == 10.0
    args = build_parser().parse_args(["broker"])
    assert args.handshake_timeout == 10.0 and args.idle_timeout is None
    args = build_parser().parse_args(["broker", "--handshake-timeout", "0", "--idle-timeout", "30"])
    assert args.handshake_timeout == 0 and args.idle_timeout == 30


@pytest.mark.parametrize("kind", ["container", "broker"])
def test_a_silent_peer_after_its_open_is_dropped_after_the_idle_timeout(kind: str) -> None:
    with Server(kind, ["--idle-timeout", "1"]) as server:
        kept: List[object] = []

        def keeper() -> None:
            """A real client idle for 2.5 s: its engine heartbeats as the server asked, so it stays."""
            from proton import Message
            from proton.utils import BlockingConnection
            connection = BlockingConnection(f"amqp://127.0.0.1:{server.port}", timeout=10)
            try:
                try:
                    connection.wait(lambda: False, timeout=2.5)
                except Exception:
                    pass                               # (Timeout: it only waited)
                connection.create_sender("after-idle").send(Message(body="still here"))
                kept.append(True)
            except Exception as problem:
                kept.append(problem)
            finally:
                connection.close()

        thread = threading.Thread(target=keeper)
        thread.start()
        quiet = socket.create_connection(("127.0.0.1", server.port))
        quiet.sendall(w.AMQP_HEADER + w.frame(w.performative(w.OPEN, "quiet")))
        started = time.monotonic()
        try:
            closed, data = wait_closed([quiet], limit=6.0)
            assert quiet in closed and 0.9 < closed[quiet] - started < 4.0, closed
            answer = data.get(quiet, b"")
            # the server's open asks for frames every 500 ms (half its timeout), its close says why
            assert w.enc(w.UInt(500)) in answer and b"local-idle-timeout expired" in answer, answer
        finally:
            quiet.close()
            thread.join(20)
        assert kept == [True]


@pytest.mark.parametrize("kind", ["container", "broker"])
def test_a_server_heartbeats_for_a_client_that_asks(kind: str) -> None:
    """The client's idle timeout holds over a quiet 3 s only if the server sends frames in time."""
    from proton import Message
    from proton.utils import BlockingConnection
    with Server(kind) as server:
        connection = BlockingConnection(f"amqp://127.0.0.1:{server.port}", timeout=10, heartbeat=1)
        try:
            with pytest.raises(Exception, match="timed out"):
                connection.wait(lambda: False, timeout=3)          # only waiting, no traffic of ours
            connection.create_sender("after-quiet").send(Message(body="still here"))
        finally:
            connection.close()


def test_cyproton_broker_takes_the_options() -> None:
    child = subprocess.Popen([sys.executable, "-m", "cyproton", "broker", "--address", "127.0.0.1:0",
                              "--handshake-timeout", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=server_env())
    try:
        line = child.stdout.readline()  # type: ignore[union-attr]
        match = re.search(r"listening on amqp://127\.0\.0\.1:(\d+)", line)
        assert match, line + child.stderr.read()  # type: ignore[union-attr]
        silent = socket.create_connection(("127.0.0.1", int(match.group(1))))
        started = time.monotonic()
        try:
            closed, _ = wait_closed([silent], limit=5.0)
            assert silent in closed and closed[silent] - started > 0.8
        finally:
            silent.close()
    finally:
        child.terminate()
        child.wait(10)
