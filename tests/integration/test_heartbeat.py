# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Idle timeouts: announced to the peer, kept alive by heartbeats, and enforced on a silent peer."""

import time

import pytest

from proton import Endpoint, Message
from proton.handlers import MessagingHandler
from proton.reactor import Container

import support


class Idle(MessagingHandler):
    """Opens a connection with ``heartbeat``, stays silent for ``silence`` seconds, then sends one
    message and closes; records what the transport says on the way."""

    def __init__(self, url, heartbeat, silence, **connect_kwargs):
        super().__init__()
        self.url = url
        self.heartbeat = heartbeat
        self.silence = silence
        self.connect_kwargs = connect_kwargs
        self.errors = []
        self.disconnected = 0
        self.accepted = 0
        self.idle = None

    def on_start(self, event):
        self.conn = event.container.connect(self.url, heartbeat=self.heartbeat, reconnect=False,
                                            **self.connect_kwargs)
        self.sender = event.container.create_sender(self.conn, "sink/hb")

    def on_connection_opened(self, event):
        self.idle = (event.transport.idle_timeout, event.transport.remote_idle_timeout)
        self.opened_at = time.monotonic()
        self.task = event.container.schedule(self.silence, self)

    def on_timer_task(self, event):
        if self.conn.state & Endpoint.LOCAL_ACTIVE:
            self.sender.send(Message(body="after the silence"))

    def on_accepted(self, event):
        self.accepted += 1
        self.conn.close()

    def on_transport_error(self, event):
        self.errors.append(event.transport.condition)

    def on_disconnected(self, event):
        self.disconnected += 1
        if getattr(self, "task", None) is not None:
            self.task.cancel()


def test_idle_timeouts_are_exchanged(broker_factory):
    peer = broker_factory(broker=support.Broker(idle_timeout=6.0))
    handler = Idle(peer.url, heartbeat=4.0, silence=0)
    Container(handler).run()
    assert handler.idle == (4.0, 3.0)  # ours as set; the peer's as announced: half its own
    assert peer.broker.connections[0]["idle_timeout"] == 2.0


@pytest.mark.timeout(30)
def test_heartbeats_keep_a_silent_connection_alive(broker_factory):
    # both ends ask for heartbeats well inside the silence: the connection must survive it
    peer = broker_factory(broker=support.Broker(idle_timeout=0.8))
    handler = Idle(peer.url, heartbeat=0.8, silence=2.5)
    Container(handler).run()
    assert handler.errors == []
    assert handler.accepted == 1
    assert [m.body for _, m in peer.broker.received] == ["after the silence"]


@pytest.mark.timeout(30)
def test_a_peer_that_goes_silent_is_dropped_after_the_idle_timeout(broker):
    proxy = support.TcpProxy(("127.0.0.1", broker.port))

    class Silenced(Idle):
        def on_connection_opened(self, event):
            super().on_connection_opened(event)
            proxy.relaying = False  # nothing moves any more, heartbeats included

    handler = Silenced(proxy.url, heartbeat=0.6, silence=20)
    started = time.monotonic()
    try:
        container = Container(handler)
        container.run()  # ends when the idle timeout kills the connection (reconnect is off)
    finally:
        proxy.close()
    assert time.monotonic() - started < 15
    assert handler.accepted == 0
    assert handler.disconnected >= 1
    assert [c.name for c in handler.errors] == ["amqp:resource-limit-exceeded"]
    assert "idle" in handler.errors[0].description
