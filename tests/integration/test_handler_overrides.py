# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Subclasses of MessagingHandler's child handlers (FlowController, IncomingMessageHandler,
OutgoingMessageHandler) that override their per-delivery methods and call ``super()``: the one
compiled implementation (cython/handlers.pyx) serves them, as the Python methods of
python-qpid-proton serve its subclasses. Against the test broker (support.BrokerThread); the
reference run (tests/test_reference_run.py) runs the same tests on python-qpid-proton."""

from proton import Message
from proton.handlers import FlowController, IncomingMessageHandler, MessagingHandler, OutgoingMessageHandler
from proton.reactor import Container

COUNT = 60


class Noting:
    """Mixed into a child handler: notes each overridden call, then does what the base does."""

    def on_delivery(self, event):
        self.calls.append("on_delivery")
        super().on_delivery(event)


class NotingIncoming(Noting, IncomingMessageHandler):
    calls: list = []


class NotingOutgoing(Noting, OutgoingMessageHandler):
    calls: list = []

    def on_link_flow(self, event):
        self.calls.append("on_link_flow")
        super().on_link_flow(event)


class NotingFlow(Noting, FlowController):
    calls: list = []


class App(MessagingHandler):
    """Sends COUNT messages to a queue and takes them back, with its children replaced."""

    def __init__(self, url):
        super().__init__(prefetch=5)
        flow, endpoints, incoming, outgoing = self.handlers
        self.handlers = [NotingFlow(5), endpoints, NotingIncoming(True, self), NotingOutgoing(True, self)]
        for child in self.handlers:
            if hasattr(child, "calls"):
                child.calls = []
        self.url = url
        self.sent = self.accepted = 0
        self.bodies = []

    def on_start(self, event):
        conn = event.container.connect(self.url)
        event.container.create_sender(conn, "overrides")
        event.container.create_receiver(conn, "overrides")

    def on_sendable(self, event):
        while event.sender.credit and self.sent < COUNT:
            event.sender.send(Message(body=self.sent))
            self.sent += 1

    def on_accepted(self, event):
        self.accepted += 1
        self._done(event)

    def on_message(self, event):
        self.bodies.append(event.message.body)
        self._done(event)

    def _done(self, event):
        if self.accepted == COUNT and len(self.bodies) == COUNT:
            event.connection.close()


def test_overridden_child_methods_reach_the_compiled_ones_through_super(broker):
    app = App(broker.url)
    Container(app).run()
    assert app.bodies == list(range(COUNT))      # on_message came, through the overriding child
    assert app.accepted == COUNT                  # on_accepted too (the broker accepts on arrival)
    flow, _, incoming, outgoing = app.handlers
    assert incoming.calls.count("on_delivery") >= COUNT
    assert "on_link_flow" in outgoing.calls and outgoing.calls.count("on_delivery") >= COUNT
    # a window of 5 only: 60 messages came because the overriding FlowController still topped up
    assert flow.calls.count("on_delivery") >= COUNT
    # auto_accept: nothing is left in the queue for a second receiver

    class Drain(MessagingHandler):
        def __init__(self):
            super().__init__()
            self.got = []

        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            event.container.create_receiver(self.conn, "overrides")
            event.container.schedule(0.4, self)

        def on_message(self, event):
            self.got.append(event.message.body)

        def on_timer_task(self, event):
            self.conn.close()
    drain = Drain()
    Container(drain).run()
    assert drain.got == []


def test_a_child_that_defines_on_message_itself_is_called(broker):
    """An IncomingMessageHandler subclass with its own on_message (no delegate): the compiled path
    finds it on the class, as python-qpid-proton's would."""
    got = []

    class Own(IncomingMessageHandler):
        def on_message(self, event):
            got.append(event.message.body)
            if len(got) == 10:
                event.connection.close()

    class Top(MessagingHandler):
        def __init__(self):
            super().__init__()
            self.handlers[2] = Own(True, None)
            self.sent = 0

        def on_start(self, event):
            conn = event.container.connect(broker.url)
            event.container.create_sender(conn, "own")
            event.container.create_receiver(conn, "own")

        def on_sendable(self, event):
            while event.sender.credit and self.sent < 10:
                event.sender.send(Message(body=self.sent))
                self.sent += 1

        def on_message(self, event):        # not called: the child has no delegate
            raise AssertionError("the delegate got the message")

    Container(Top()).run()
    assert got == list(range(10))


def test_a_method_set_on_the_child_instance_is_called(broker):
    """on_delivery assigned on one IncomingMessageHandler instance (not its class): the event goes
    to that attribute, as python-qpid-proton's dispatch looks at the instance first."""
    seen = []

    class Top(MessagingHandler):
        def __init__(self):
            super().__init__()
            incoming = self.handlers[2]
            base = incoming.on_delivery

            def noting(event):
                seen.append(event.delivery.readable)
                base(event)
            incoming.on_delivery = noting
            self.sent = 0
            self.got = []

        def on_start(self, event):
            conn = event.container.connect(broker.url)
            event.container.create_sender(conn, "instance")
            event.container.create_receiver(conn, "instance")

        def on_sendable(self, event):
            while event.sender.credit and self.sent < 10:
                event.sender.send(Message(body=self.sent))
                self.sent += 1

        def on_message(self, event):
            self.got.append(event.message.body)
            if len(self.got) == 10:
                event.connection.close()

    top = Top()
    Container(top).run()
    assert top.got == list(range(10))
    assert seen.count(True) >= 10
