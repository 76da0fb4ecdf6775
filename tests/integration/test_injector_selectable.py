# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Events from other threads (EventInjector, ApplicationEvent) and user selectables."""

import socket
import threading

import pytest

from proton.handlers import MessagingHandler
from proton.reactor import ApplicationEvent, Container, EventInjector

import support

THREADS = 8
PER_THREAD = 1000


class Collect(MessagingHandler):
    def __init__(self, injector, start_producers):
        super().__init__()
        self.injector = injector
        self.start_producers = start_producers
        self.got = []
        self.types = set()

    def on_start(self, event):
        event.container.selectable(self.injector)
        self.start_producers()

    def on_tick(self, event):
        self.got.append(event.subject)
        self.types.add(event.type)


def test_injected_events_from_many_threads_are_each_dispatched_once_in_order():
    injector = EventInjector()
    workers = []

    def produce(index):
        for seq in range(PER_THREAD):
            injector.trigger(ApplicationEvent("tick", subject=(index, seq)))

    def close_when_done():
        for w in workers:
            w.join()
        injector.close()

    def start_producers():
        workers.extend(threading.Thread(target=produce, args=(i,), name=f"producer-{i}") for i in range(THREADS))
        for w in workers:
            w.start()
        closer.start()

    closer = threading.Thread(target=close_when_done, name="closer")
    handler = Collect(injector, start_producers)
    Container(handler).run()  # ends only because close() was called
    closer.join()
    assert len(handler.got) == THREADS * PER_THREAD
    assert len(set(handler.got)) == THREADS * PER_THREAD
    for index in range(THREADS):
        assert [seq for i, seq in handler.got if i == index] == list(range(PER_THREAD))
    assert len(handler.types) == 1
    assert next(iter(handler.types)).name == "tick"


def test_application_event_attributes_and_close_ends_run(broker):
    injector = EventInjector()
    seen = []

    class Client(MessagingHandler):
        def on_start(self, event):
            event.container.selectable(injector)
            self.conn = event.container.connect(broker.url)
            self.receiver = event.container.create_receiver(self.conn, "app-q", name="app-link")

        def on_link_opened(self, event):
            injector.trigger(ApplicationEvent("about_link", link=event.link, subject="payload"))

        def on_about_link(self, event):
            seen.append((event.subject, event.link == self.receiver, event.session == self.receiver.session,
                         event.connection == self.conn, event.type.name))
            self.conn.close()
            injector.close()

    Container(Client()).run()
    assert seen == [("payload", True, True, True, "about_link")]


def test_event_injector_close_with_nothing_pending_lets_run_end():
    injector = EventInjector()

    class Closer(MessagingHandler):
        def on_start(self, event):
            event.container.selectable(injector)
            threading.Timer(0.05, injector.close).start()

    Container(Closer()).run()


class Watch:
    """The delegate python-qpid-proton expects of a selectable: a fileno() (and no transport)."""

    _transport = None

    def __init__(self, sock):
        self.sock = sock

    def fileno(self):
        return self.sock.fileno()

    def close(self):
        pass


class SocketReader:
    def __init__(self, sock):
        self.sock = sock
        self.chunks = []
        self.events = []

    def on_selectable_init(self, event):
        self.events.append("init")
        sel = event.selectable
        sel.reading = True
        sel.update()

    def on_selectable_readable(self, event):
        self.events.append("readable")
        data = self.sock.recv(4096)
        self.chunks.append(data)
        if b"bye" in data or not data:
            sel = event.selectable
            sel.terminate()
            sel.update()

    def on_selectable_final(self, event):
        self.events.append("final")


def test_user_socket_selectable_gets_readable_events():
    ours, theirs = socket.socketpair()
    reader = SocketReader(ours)

    class Start(MessagingHandler):
        def on_start(self, event):
            event.container.selectable(reader, Watch(ours))
            threading.Timer(0.05, lambda: theirs.sendall(b"hello")).start()
            threading.Timer(0.3, lambda: theirs.sendall(b"bye")).start()

    try:
        Container(Start()).run()  # ends when the selectable is terminated
    finally:
        ours.close()
        theirs.close()
    assert b"".join(reader.chunks) == b"hellobye"
    assert reader.events[0] == "init"
    assert "readable" in reader.events and reader.events[-1] == "final"


@pytest.mark.impl  # python-qpid-proton 0.40's IOHandler.on_selectable_expired needs a transport (AttributeError)
def test_selectable_deadline_expires():
    ours, theirs = socket.socketpair()
    log = []

    class Expiring:
        def __init__(self, container):
            self.container = container  # python-qpid-proton gives selectable events no container

        def on_selectable_init(self, event):
            sel = event.selectable
            sel.reading = True
            sel.deadline = self.container.now + 0.2
            sel.update()

        def on_selectable_expired(self, event):
            log.append("expired")
            sel = event.selectable
            sel.terminate()
            sel.update()

        def on_selectable_readable(self, event):
            log.append("readable")

    class Start(MessagingHandler):
        def on_start(self, event):
            event.container.selectable(Expiring(event.container), Watch(ours))

    try:
        Container(Start()).run()
    finally:
        ours.close()
        theirs.close()
    assert log == ["expired"]


def test_broker_injector_round_trip(broker):
    # the test broker itself is driven through an EventInjector from this thread
    assert broker.call(lambda b: 6 * 7) == 42
    assert support.wait_for(lambda: broker.alive)
