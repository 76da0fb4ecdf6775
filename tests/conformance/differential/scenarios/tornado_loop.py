# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A container driven by Tornado's IOLoop through a global handler (the selectable interface)."""

import threading
import time

import tornado.ioloop
from _common import URL

from proton import Message
from proton.handlers import IOHandler
from proton.reactor import Container
from recorder import MessagingHandler, Recorded, emit, spy

# python-qpid-proton 0.40 queues a readable event per readiness report and treats a recv that then
# finds nothing (EAGAIN) as a broken socket, so under Tornado its connections fail at random.
REFERENCE_DIFFERS = "a readiness report that turns out spurious"
EXPECTED_OUTPUT = ["server got over tornado", "done"]


class Bridge:
    def __init__(self, loop):
        self.loop = loop
        self.io = IOHandler()
        self.live = 0

    def on_reactor_init(self, event):
        self.container = event.container

    def on_reactor_quiesced(self, event):
        event.container.yield_()

    def on_unhandled(self, name, event):
        event.dispatch(self.io)

    def mask(self, sel):
        return self.loop.ERROR | (self.loop.READ if sel.reading else 0) | (self.loop.WRITE if sel.writing else 0)

    def arm(self, sel):
        if sel.deadline:
            deadline = sel.deadline
            self.loop.call_later(max(0.0, deadline - self.container.now), lambda: self.expire(sel, deadline))

    def expire(self, sel, deadline):
        if sel.deadline == deadline and not sel.is_terminal:
            self.container.mark()
            sel.expired()
            self.pump()

    def pump(self):
        self.container.process()
        if not self.container.quiesced:
            self.loop.add_callback(self.pump)

    def ready(self, sel, mask):
        if mask & self.loop.READ:
            sel.readable()
        if mask & self.loop.WRITE:
            sel.writable()
        self.pump()

    def on_selectable_init(self, event):
        sel = event.context
        if sel.fileno() >= 0:
            self.loop.add_handler(sel.fileno(), lambda fd, mask: self.ready(sel, mask), self.mask(sel))
        self.arm(sel)
        self.live += 1

    def on_selectable_updated(self, event):
        sel = event.context
        if sel.fileno() >= 0:
            self.loop.update_handler(sel.fileno(), self.mask(sel))
        self.arm(sel)

    def on_selectable_final(self, event):
        sel = event.context
        if sel.fileno() >= 0:
            self.loop.remove_handler(sel.fileno())
        sel.close()
        self.live -= 1
        if self.live == 0:
            self.loop.add_callback(self.finish)

    def finish(self):
        if self.live == 0:
            self.container.stop()
            self.loop.stop()


class Server(MessagingHandler):
    """A plain container in a thread of its own: the peer of the Tornado-driven client."""

    def on_start(self, event):
        self.acceptor = event.container.listen(URL)

    def on_message(self, event):
        print("server got", event.message.body)

    def on_connection_closed(self, event):
        self.acceptor.close()


class Ticker:
    """Keeps a timer pending while the client works: python-qpid-proton's process() announces
    on_reactor_final whenever another loop drives it with no timer pending (its count of
    selectables only grows through its own IOHandler)."""

    def __init__(self, client):
        self.client = client

    def on_timer_task(self, event):
        if not self.client.closed:
            event.container.schedule(0.02, self)


class Hello(Recorded, MessagingHandler):
    def __init__(self):
        super().__init__()
        self.closed = False

    def on_start(self, event):
        event.container.create_sender(URL + "/examples")
        event.container.schedule(0.02, Ticker(self))

    def on_sendable(self, event):
        if not getattr(self, "sent", False):
            self.sent = True
            event.sender.send(Message(body="over tornado"))

    def on_accepted(self, event):
        event.connection.close()

    def on_connection_closed(self, event):
        self.closed = True


server = Container(Server())
server_thread = threading.Thread(target=server.run)
server_thread.start()
time.sleep(0.2)
loop = tornado.ioloop.IOLoop()
container = Container(Hello(), spy(), global_handler=Bridge(loop))
container.start()
container.process()
loop.start()
loop.close()
server_thread.join()
emit({"ev": "loop ended"})
print("done")
