# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""What a finished connection leaves behind: nothing. After BlockingConnection.close() or the end of
Container.run(), the connection, the container and their descriptors are gone at once, by
reference counting alone (the cyclic garbage collector is off in these tests), as they are in
python-qpid-proton. The leak tier (tests/reliability) repeats such cycles thousands of times."""

from __future__ import annotations

import gc
import os
import weakref

import pytest
import support
from proton.handlers import MessagingHandler
from proton.reactor import Container
from proton.utils import BlockingConnection


def open_fds():
    return set(os.listdir("/proc/self/fd"))


def assert_no_new_fds(before):
    # The test broker runs in this process: its side of a connection closes a moment later.
    support.wait_for(lambda: not open_fds() - before, what=f"descriptors closed ({open_fds() - before})")


@pytest.fixture
def no_gc():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_blocking_connection_close_frees_everything(broker, no_gc):
    before = open_fds()
    conn = BlockingConnection(broker.url, timeout=10)
    sender = conn.create_sender("lifetimes")
    receiver = conn.create_receiver("lifetimes")
    refs = [weakref.ref(conn.conn), weakref.ref(conn.container), weakref.ref(sender.link),
            weakref.ref(receiver.link)]
    conn.close()
    del conn, sender, receiver
    assert [r() for r in refs] == [None] * len(refs)
    assert_no_new_fds(before)


def test_blocking_connection_close_releases_a_kept_containers_descriptors(broker, no_gc):
    """Even while the program still refers to the container, close() lets go of its descriptors."""
    before = open_fds()
    conn = BlockingConnection(broker.url, timeout=10)
    kept = conn.container
    conn.close()
    assert_no_new_fds(before)
    del kept


class OpenClose(MessagingHandler):
    def __init__(self, url):
        super().__init__()
        self.url = url
        self.connection = None
        self.closed = False

    def on_start(self, event):
        self.connection = weakref.ref(event.container.connect(self.url, reconnect=False))

    def on_connection_opened(self, event):
        event.connection.close()

    def on_connection_closed(self, event):
        self.closed = True


def test_container_run_frees_everything(broker, no_gc):
    before = open_fds()
    handler = OpenClose(broker.url)
    container = Container(handler)
    container.run()
    assert handler.closed
    refs = [weakref.ref(container), weakref.ref(handler), handler.connection]
    del container, handler
    assert [r() for r in refs] == [None] * len(refs)
    assert_no_new_fds(before)


@pytest.mark.impl  # python-qpid-proton 0.40 frees a closed Acceptor only in a garbage collection
def test_a_listener_closed_is_freed(no_gc):
    class Listen(MessagingHandler):
        def on_start(self, event):
            acceptor = event.container.listen("127.0.0.1:0")
            self.acceptor = weakref.ref(acceptor)
            acceptor.close()

    handler = Listen()
    before = open_fds()
    Container(handler).run()
    assert handler.acceptor() is None
    assert open_fds() - before == set()
