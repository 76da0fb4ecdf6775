# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Failover behaviour where cyproton goes beyond python-qpid-proton 0.40 (found with the cluster tier,
tests/cluster): ``connect(resend_unsettled=True)``, a Backoff that starts over once connected again, and a
close() that calls off a reconnect still waiting for its delay.

The server that gets killed is server_prog.py, a separate process (see test_reconnect_failover.py).
"""

import collections
import threading
import time

import pytest

from proton import Message
from proton.handlers import MessagingHandler
from proton.reactor import AtLeastOnce, Backoff, Container

import support
from test_reconnect_failover import server_process  # noqa: F401 - the fixture

pytestmark = pytest.mark.impl


class LibraryResends(MessagingHandler):
    """Sends ids 0..total-1 to ``chain/reliable`` and receives them back, with ``resend_unsettled=True`` and no
    resending of its own: on_disconnected only counts. The server settles a message once its echo has been
    accepted here, so at any moment up to ``window`` messages are unsettled."""

    def __init__(self, url, total, window=20):
        super().__init__()
        self.url, self.total, self.window = url, total, window
        self.next_id = 0
        self.in_flight = 0
        self.confirmed = set()
        self.received = collections.Counter()
        self.resent_outcomes = 0
        self.disconnects = 0
        self.done = False

    def on_start(self, event):
        self.conn = event.container.connect(self.url, resend_unsettled=True)
        self.sender = event.container.create_sender(self.conn, "chain/reliable", options=AtLeastOnce())
        self.receiver = event.container.create_receiver(self.conn, "chain/reliable")
        event.container.schedule(0.005, self)

    def on_timer_task(self, event):
        if self.done:
            return
        while self.sender.credit and self.in_flight < self.window and self.next_id < self.total:
            delivery = self.sender.send(Message(id=self.next_id, body=self.next_id, durable=True))
            delivery.msg_id = self.next_id     # an attribute the library carries to a resent delivery
            self.next_id += 1
            self.in_flight += 1
        event.container.schedule(0.005, self)

    def on_accepted(self, event):
        delivery = event.delivery
        if getattr(delivery, "resent_from", None) is not None:
            self.resent_outcomes += 1
            assert delivery.resent_from.msg_id == delivery.msg_id
        self.confirmed.add(delivery.msg_id)
        self.in_flight -= 1
        self._check_done()

    def on_message(self, event):
        self.received[event.message.id] += 1
        self._check_done()

    def on_disconnected(self, event):
        self.disconnects += 1

    def _check_done(self):
        if len(self.confirmed) == self.total and len(self.received) == self.total and not self.done:
            self.done = True
            self.conn.close()


@pytest.mark.timeout(60)
def test_resend_unsettled_sends_again_what_a_killed_server_had_not_settled(server_process):  # noqa: F811
    server = server_process()
    total = 400
    client = LibraryResends(server.url, total)
    problems = []

    def kill_and_restart():
        try:
            support.wait_for(lambda: len(client.confirmed) >= 100 and client.in_flight >= 5, timeout=30,
                             what="100 messages through and some in flight")
            server.kill()
            server_process(server.port)
        except BaseException as exc:
            problems.append(exc)

    chaos = threading.Thread(target=kill_and_restart, name="chaos")
    chaos.start()
    try:
        Container(client).run()
    finally:
        chaos.join(30)
    assert not problems, problems
    assert client.disconnects >= 1
    assert client.confirmed == set(range(total))
    assert set(client.received) == set(range(total)), "lost messages"
    assert client.resent_outcomes >= 1, "nothing was in flight when the server died"


def test_a_connected_backoff_starts_again_from_no_delay(server_process):  # noqa: F811
    """After a successful connect the next failover tries at once (python-qpid-proton would go on with the
    sequence: here 2 s before the first attempt)."""
    first, second = server_process(), server_process()
    opened = []

    class Client(MessagingHandler):
        def on_start(self, event):
            self.conn = event.container.connect(urls=[first.url, second.url],
                                                reconnect=Backoff(initial=2.0, max_delay=2.0))

        def on_connection_opened(self, event):
            opened.append(time.monotonic())
            if len(opened) == 1:
                first.kill()
                self.killed = time.monotonic()
            else:
                event.connection.close()

    client = Client()
    Container(client).run()
    assert len(opened) == 2
    assert opened[1] - client.killed < 1.5, "the failover waited for the Backoff's delay"


@pytest.mark.timeout(30)
def test_close_calls_off_a_reconnect_waiting_for_its_delay():
    """A connection closed while its reconnect waits for the Backoff's delay: the container ends at once,
    without waiting out the delay and without opening a socket for the closed connection."""
    dead = support.url_for("127.0.0.1", support.free_port())    # nothing listens: refused at once

    class Client(MessagingHandler):
        def on_start(self, event):
            self.conn = event.container.connect(urls=[dead], reconnect=Backoff(initial=5.0, max_delay=5.0))
            self.disconnects = 0
            event.container.schedule(0.5, self)

        def on_transport_error(self, event):
            self.disconnects += 1

        def on_timer_task(self, event):
            self.conn.close()

    client = Client()
    started = time.monotonic()
    Container(client).run()
    assert time.monotonic() - started < 3.0, "run() waited for the reconnect delay"
    assert client.disconnects == 1, "a closed connection was connected again"


@pytest.mark.parametrize("hang", ["after_accept", "in_tcp_connect"])
def test_a_node_that_hangs_is_given_up_after_the_heartbeat(hang):
    """The first URL is a node that hangs: it accepts TCP and then says nothing (as a paused broker does,
    its kernel completing the handshake), or its listen backlog is full so that the TCP connect itself never
    completes. With a heartbeat, the attempt is given up that long after the connect and the next URL is
    tried. python-qpid-proton waits on such a node for ever."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(0 if hang == "in_tcp_connect" else 8)
    silent.settimeout(0.05)
    held = []
    done = threading.Event()
    if hang == "in_tcp_connect":
        for _ in range(4):     # fill the backlog: later SYNs are dropped, a connect never completes
            filler = socket.socket()
            filler.setblocking(False)
            try:
                filler.connect(silent.getsockname())
            except BlockingIOError:
                pass
            held.append(filler)

    def hold():
        while hang == "after_accept" and not done.is_set():
            try:
                held.append(silent.accept()[0])       # never read, never answered
            except OSError:
                pass

    thread = threading.Thread(target=hold)
    thread.start()
    real_url = f"127.0.0.1:{support.free_port()}"
    seen = []

    class Failover(MessagingHandler):
        def on_start(self, event):
            self.acceptor = event.container.listen(real_url)
            self.started = time.monotonic()
            event.container.connect(urls=[f"127.0.0.1:{silent.getsockname()[1]}", real_url], heartbeat=0.5)

        def on_transport_error(self, event):
            condition = event.transport.condition
            seen.append((condition.name, condition.description))

        def on_connection_opened(self, event):
            seen.append(("opened", round(time.monotonic() - self.started, 1)))
            event.connection.close()

        def on_connection_closed(self, event):
            self.acceptor.close()

    try:
        Container(Failover()).run()
    finally:
        done.set()
        thread.join()
        silent.close()
        for peer in held:
            peer.close()
    name, description = seen[0]
    assert name == "amqp:resource-limit-exceeded"
    # once TCP is up the engine's own idle timeout is the first to notice; before, only ours can
    assert ("handshake timeout" in description) if hang == "in_tcp_connect" else \
        ("handshake timeout" in description or "idle-timeout" in description)
    opened = [s for s in seen if s[0] == "opened"]
    assert opened and opened[0][1] < 5.0
