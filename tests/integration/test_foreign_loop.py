# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A container driven by another event loop, the way python-qpid-proton programs do it.

The program puts its own global handler in the container: that handler is told about every
selectable (sockets, the listener, the timer heap, an EventInjector) through selectable_init /
updated / final, registers their descriptors with its loop, calls ``readable()`` / ``writable()``
/ ``expired()`` when the loop says so, and then ``process()``; the I/O itself is left to an
``IOHandler`` (events it does not handle are passed on to one). Nothing here is cyproton-specific:
the same tests run under python-qpid-proton (tests/test_reference_run.py).
"""

import selectors
import threading
import time

import pytest

from proton import Message
from proton.handlers import IOHandler, MessagingHandler
from proton.reactor import ApplicationEvent, Container, EventInjector

from support import free_port

tornado_ioloop = pytest.importorskip("tornado.ioloop")
# The first IOLoop a process makes leaves a process-wide asyncio loop behind (two sockets): make it
# now, so that the per-test check for descriptors left open sees only what a test itself leaves.
tornado_ioloop.IOLoop().close()


class _Bridge:
    """What every foreign-loop program writes: selectables in, readiness out, process() after."""

    def __init__(self):
        self.io = IOHandler()
        self.container = None
        self.live = 0
        self.seen = []          # (event name, fileno >= 0) of the selectable events

    def on_reactor_init(self, event):
        self.container = event.container

    def on_reactor_quiesced(self, event):
        event.container.yield_()      # the other loop does the waiting

    def on_unhandled(self, name, event):
        event.dispatch(self.io)

    def on_selectable_init(self, event):
        selectable = event.context
        self.seen.append(("init", selectable.fileno() >= 0))
        self.live += 1
        if selectable.fileno() >= 0:
            self.add(selectable)
        self.arm(selectable)

    def on_selectable_updated(self, event):
        selectable = event.context
        if selectable.fileno() >= 0:
            self.change(selectable)
        self.arm(selectable)

    def on_selectable_final(self, event):
        selectable = event.context
        self.seen.append(("final", selectable.fileno() >= 0))
        if selectable.fileno() >= 0:
            self.remove(selectable)
        selectable.close()
        self.live -= 1
        if self.live == 0:
            self.later(self.finish)

    def pump(self):
        self.container.process()
        if not self.container.quiesced:
            self.later(self.pump)

    def ready(self, selectable, readable, writable):
        if readable:
            selectable.readable()
        if writable:
            selectable.writable()
        self.pump()

    def expire(self, selectable, deadline):
        if selectable.deadline == deadline and not selectable.is_terminal:
            self.container.mark()
            selectable.expired()
            self.pump()

    def finish(self):
        if self.live == 0:
            self.container.stop()
            self.stop()


class TornadoBridge(_Bridge):
    def __init__(self):
        super().__init__()
        self.loop = tornado_ioloop.IOLoop()   # a loop of its own, closed (with its descriptors) after run

    def mask(self, selectable):
        mask = self.loop.ERROR
        if selectable.reading:
            mask |= self.loop.READ
        if selectable.writing:
            mask |= self.loop.WRITE
        return mask

    def add(self, selectable):
        self.loop.add_handler(selectable.fileno(),
                              lambda fd, mask: self.ready(selectable, mask & self.loop.READ, mask & self.loop.WRITE),
                              self.mask(selectable))

    def change(self, selectable):
        self.loop.update_handler(selectable.fileno(), self.mask(selectable))

    def remove(self, selectable):
        self.loop.remove_handler(selectable.fileno())

    def arm(self, selectable):
        deadline = selectable.deadline
        if deadline:
            # deadlines are on the container's clock (Container.now); the IOLoop has its own
            delay = max(0.0, deadline - self.container.now)
            self.loop.call_later(delay, lambda: self.expire(selectable, deadline))

    def later(self, callback):
        self.loop.add_callback(callback)

    def stop(self):
        self.loop.stop()

    def run(self, container):
        try:
            container.start()
            container.process()
            self.loop.start()
        finally:
            self.loop.close()


class SelectorsBridge(_Bridge):
    """A hand-written loop over the standard library's selectors."""

    def __init__(self):
        super().__init__()
        self.selector = selectors.DefaultSelector()
        self.callbacks = []
        self.timers = []
        self.running = True

    def events(self, selectable):
        return (selectors.EVENT_READ if selectable.reading else 0) | \
            (selectors.EVENT_WRITE if selectable.writing else 0)

    def add(self, selectable):
        self.change(selectable)

    def change(self, selectable):
        fd = selectable.fileno()
        wanted = self.events(selectable)
        registered = fd in self.selector.get_map()
        if wanted and registered:
            self.selector.modify(fd, wanted, selectable)
        elif wanted:
            self.selector.register(fd, wanted, selectable)
        elif registered:
            self.selector.unregister(fd)

    def remove(self, selectable):
        if selectable.fileno() in self.selector.get_map():
            self.selector.unregister(selectable.fileno())

    def arm(self, selectable):
        deadline = selectable.deadline
        if deadline:
            self.timers.append((time.monotonic() + max(0.0, deadline - self.container.now), selectable, deadline))

    def later(self, callback):
        self.callbacks.append(callback)

    def stop(self):
        self.running = False

    def run(self, container):
        container.start()
        container.process()
        give_up = time.monotonic() + 20
        while self.running and time.monotonic() < give_up:
            while self.callbacks:
                self.callbacks.pop(0)()
            if not self.running:
                break
            due = min((t[0] for t in self.timers), default=time.monotonic() + 1)
            for key, mask in self.selector.select(max(0.0, due - time.monotonic())):
                self.ready(key.data, mask & selectors.EVENT_READ, mask & selectors.EVENT_WRITE)
            now = time.monotonic()
            for entry in [t for t in self.timers if t[0] <= now]:
                self.timers.remove(entry)
                self.expire(entry[1], entry[2])
        assert not self.running, "the selectors loop did not finish"


class ClientServer(MessagingHandler):
    """One process listens, connects to itself, sends three messages, waits for a timer and an
    injected event, ends."""

    def __init__(self, url, injector=None):
        super().__init__()
        self.url = url
        self.injector = injector
        self.sent = 0
        self.received = []
        self.accepted = 0
        self.timer_fired = False
        self.injected = []
        self.listening = True

    def on_start(self, event):
        self.acceptor = event.container.listen(self.url)
        event.container.create_sender(self.url)
        event.container.schedule(0.05, self)
        if self.injector is not None:
            event.container.selectable(self.injector)
            threading.Thread(target=self.injector.trigger, args=(ApplicationEvent("poke"),)).start()

    def on_poke(self, event):
        self.injected.append("poke")
        self.injector.close()

    def on_timer_task(self, event):
        self.timer_fired = True

    def on_sendable(self, event):
        while event.sender.credit and self.sent < 3:
            self.sent += 1
            event.sender.send(Message(body=f"m{self.sent}"))

    def on_message(self, event):
        self.received.append(event.message.body)

    def on_accepted(self, event):
        self.accepted += 1
        if self.accepted == 3:
            event.connection.close()

    def on_connection_closed(self, event):
        if self.listening:
            self.listening = False
            self.acceptor.close()


@pytest.mark.parametrize("bridge_class", [TornadoBridge, SelectorsBridge], ids=["tornado", "selectors"])
def test_container_driven_by_another_loop(bridge_class):
    url = f"127.0.0.1:{free_port()}/queue"
    handler = ClientServer(url, EventInjector())
    bridge = bridge_class()
    container = Container(handler, global_handler=bridge)
    bridge.run(container)
    assert handler.received == ["m1", "m2", "m3"]
    assert handler.accepted == 3
    assert handler.timer_fired
    assert handler.injected == ["poke"]
    # the loop saw real descriptors (the sockets, the listener, the injector) and the timer heap
    assert ("init", True) in bridge.seen and ("init", False) in bridge.seen
    assert bridge.live == 0


def test_io_handler_subclass_as_global_handler_does_the_io():
    """An IOHandler subclass as the global handler sees the socket selectables and, through the base
    class, still does the I/O when the container runs by itself."""
    counts = {}

    class Counting(IOHandler):
        def on_selectable_init(self, event):
            counts["init"] = counts.get("init", 0) + 1
            super().on_selectable_init(event)

        def on_selectable_readable(self, event):
            counts["readable"] = counts.get("readable", 0) + 1
            super().on_selectable_readable(event)

    url = f"127.0.0.1:{free_port()}/queue"
    handler = ClientServer(url)
    Container(handler, global_handler=Counting()).run()
    assert handler.received == ["m1", "m2", "m3"]
    assert counts["init"] >= 3          # listener, timer heap, client socket, server socket
    assert counts["readable"] >= 2
