# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""What python-qpid-proton programs observe, checked on both implementations (public API only).

Each test is a finding from running python-qpid-proton programs on cyproton: the order of work at
connect() and run(), timers, the attributes programs read and write, subclassing extension points,
and the conditions on_transport_error reports.
"""

import socket
import struct
import threading

import pytest

from proton import Connection, Message, SymbolList, Transport, symbol
from proton.handlers import MessagingHandler
from proton.reactor import ApplicationEvent, Backoff, Container, EventInjector

from support import free_port


# -- order of work ------------------------------------------------------------------------------

class _ListenInStart(MessagingHandler):
    """Listens in on_start; the program connected before run()."""

    def __init__(self, url):
        super().__init__()
        self.url = url
        self.got = []
        self.errors = []

    def on_start(self, event):
        self.acceptor = event.container.listen(self.url)

    def on_sendable(self, event):
        event.sender.send(Message(body="early"))
        event.sender.close()

    def on_message(self, event):
        self.got.append(event.message.body)

    def on_accepted(self, event):
        event.connection.close()

    def on_connection_closed(self, event):
        self.acceptor.close()

    def on_transport_error(self, event):
        self.errors.append(event.transport.condition)
        self.acceptor.close()


def test_connect_before_run_reaches_a_listener_made_in_on_start():
    url = f"127.0.0.1:{free_port()}"
    handler = _ListenInStart(url)
    container = Container(handler)
    connection = container.connect(url, reconnect=False)
    container.create_sender(connection, "queue")
    container.run()
    assert handler.errors == []
    assert handler.got == ["early"]


def test_socket_opens_after_on_start_and_connection_events_before_it():
    seen = []

    class Order(MessagingHandler):
        def on_start(self, event):
            seen.append("start")
            self.acceptor = event.container.listen(url)

        def on_connection_init(self, event):
            seen.append("connection_init")

        def on_connection_bound(self, event):
            seen.append("bound")

        def on_connection_opened(self, event):
            event.connection.close()

        def on_connection_closed(self, event):
            self.acceptor.close()

    url = f"127.0.0.1:{free_port()}"
    container = Container(Order())
    container.connect(url, reconnect=False)
    container.run()
    # connect() queued the connection's own events first; its transport is bound after on_start
    assert seen[:3] == ["connection_init", "start", "bound"]


# -- timers -------------------------------------------------------------------------------------

@pytest.mark.parametrize("cancel_when", ["after_firing", "twice", "before_firing"])
def test_cancelling_a_timer_never_ends_run_while_another_is_pending(cancel_when):
    fired = []

    class Timers(MessagingHandler):
        def on_start(self, event):
            self.first = event.container.schedule(0.01, Tick("first"))
            self.second = event.container.schedule(0.3, Tick("second"))
            if cancel_when == "before_firing":
                self.first.cancel()

    class Tick:
        def __init__(self, name):
            self.name = name

        def on_timer_task(self, event):
            fired.append(self.name)
            if self.name == "first":
                handler.first.cancel()          # already fired: must not count as cancelling a live one
                if cancel_when == "twice":
                    handler.first.cancel()

    handler = Timers()
    Container(handler).run()
    assert fired == (["second"] if cancel_when == "before_firing" else ["first", "second"])


def test_timers_fire_in_deadline_order_and_cancelled_ones_never():
    fired = []

    class Tick:
        def __init__(self, name):
            self.name = name

        def on_timer_task(self, event):
            fired.append(self.name)

    class Plan(MessagingHandler):
        def on_start(self, event):
            schedule = event.container.schedule
            schedule(0.06, Tick("c"))
            schedule(0.02, Tick("a"))
            schedule(0.04, Tick("b")).cancel()
            later = schedule(0.08, Tick("d"))
            schedule(0.03, Tick("x")).cancel()
            later.cancel()
            schedule(0.05, Tick("b2"))

    Container(Plan()).run()
    assert fired == ["a", "b2", "c"]


# -- what programs read and write -----------------------------------------------------------------

def test_message_vars_shows_its_fields():
    message = Message(body="text", properties={"k": 1}, annotations={"x-opt-a": 2}, instructions={"x-opt-i": 3})
    fields = vars(message)
    for name in ("instruction_dict", "annotation_dict", "properties", "body"):
        assert name in fields
    assert fields["body"] == "text"
    assert fields["properties"] == {"k": 1}
    copy = Message()
    copy.__dict__.update({k: v for k, v in vars(message).items() if not k.startswith("_")})
    assert copy.body == "text" and copy.properties == {"k": 1}
    assert copy.annotations == {symbol("x-opt-a"): 2}


def test_remote_capabilities_are_symbol_lists():
    seen = {}

    class Caps(MessagingHandler):
        def on_start(self, event):
            self.acceptor = event.container.listen(url)
            event.container.connect(url, offered_capabilities=["one", symbol("two")],
                                    desired_capabilities="single")

        def on_connection_opened(self, event):
            connection = event.connection
            seen.setdefault("offered", []).append(connection.remote_offered_capabilities)
            seen.setdefault("desired", []).append(connection.remote_desired_capabilities)
            connection.close()

        def on_connection_closed(self, event):
            self.acceptor.close()

    url = f"127.0.0.1:{free_port()}"
    Container(Caps()).run()
    offered = [c for c in seen["offered"] if c is not None]
    desired = [c for c in seen["desired"] if c is not None]
    assert offered and desired
    for caps in offered:
        assert isinstance(caps, SymbolList)
        assert caps == ["one", "two"] and len(caps) == 2 and caps[1] == symbol("two")
    for caps in desired:
        assert isinstance(caps, SymbolList) and caps == ["single"]
    assert None in seen["offered"]        # the side that offered nothing hears nothing back


def test_sasl_attributes_live_with_the_transport():
    transport = Transport()
    first = transport.sasl()
    first.note = "mine"
    assert transport.sasl().note == "mine"


def test_ssl_is_one_object_per_transport():
    from proton import SSL, SSLDomain
    if not SSL.present():
        pytest.skip("no TLS in this build")
    transport = Transport()
    layer = transport.ssl(SSLDomain(SSLDomain.MODE_CLIENT))
    layer.note = "kept"
    assert transport.ssl() is layer and transport.ssl().note == "kept"


def test_application_event_attributes_can_be_set_before_triggering():
    got = []

    class App(MessagingHandler):
        def on_start(self, event):
            self.injector = EventInjector()
            container = event.container
            container.selectable(self.injector)
            poke = ApplicationEvent("poke", subject="s")
            poke.container = container
            poke.connection = None
            threading.Thread(target=self.injector.trigger, args=(poke,)).start()

        def on_poke(self, event):
            got.append((event.subject, event.container is not None))
            self.injector.close()

    Container(App()).run()
    assert got == [("s", True)]


def test_logger_and_handler_of_the_package():
    import logging

    import proton
    assert proton.log is logging.getLogger("proton")
    assert isinstance(proton.handler, logging.Handler)


def test_connection_error_is_an_int_code():
    assert Connection().error == 0


def test_container_now_is_wall_clock_seconds():
    import time
    container = Container()
    now = container.mark()
    assert abs(now - time.time()) < 5 and abs(container.now - now) < 1e-6


def test_custom_outcome_without_fields_has_no_remote_data():
    seen = []

    class Custom(MessagingHandler):
        def __init__(self):
            super().__init__(auto_accept=False)

        def on_start(self, event):
            self.acceptor = event.container.listen(url)
            event.container.create_sender(url)

        def on_sendable(self, event):
            if not getattr(self, "sent", False):
                self.sent = True
                event.sender.send(Message(body=1))

        def on_message(self, event):
            event.delivery.update(0x77)

    class Watch:
        def on_delivery(self, event):
            delivery = event.delivery
            if event.link.is_sender and delivery.remote_state:
                seen.append((delivery.remote_state, delivery.remote.data))
                event.connection.close()
                handler.acceptor.close()

    url = f"127.0.0.1:{free_port()}"
    handler = Custom()
    Container(handler, Watch()).run()
    assert seen == [(0x77, None)]


# -- extension points -----------------------------------------------------------------------------

def test_backoff_subclass_with_next_is_iterated_as_a_backoff():
    class Patient(Backoff):
        """An old program's subclass: it defines next() for its own use, not the old protocol."""

        def __init__(self):
            super().__init__(initial=0.01, max_tries=3)

        def next(self):
            raise AssertionError("the container must iterate a Backoff, not call its next()")

    attempts = []

    class Refused(MessagingHandler):
        def on_start(self, event):
            event.container.connect(f"127.0.0.1:{free_port()}", reconnect=Patient())

        def on_transport_error(self, event):
            attempts.append(event.transport.condition.name)

    Container(Refused()).run()
    assert len(attempts) == 3


def test_old_style_backoff_with_reset_and_next_is_restarted():
    class OldStyle:
        def __init__(self):
            self.resets = 0
            self.left = 0

        def reset(self):
            self.resets += 1
            self.left = 2

        def next(self):
            if self.left == 0:
                raise StopIteration
            self.left -= 1
            return 0.01

    attempts = []
    plan = OldStyle()

    class Refused(MessagingHandler):
        def on_start(self, event):
            event.container.connect(f"127.0.0.1:{free_port()}", reconnect=plan)

        def on_transport_error(self, event):
            attempts.append(1)

    Container(Refused()).run()
    assert plan.resets >= 1 and len(attempts) == 2   # two delays: the first try and one retry


# -- conditions -----------------------------------------------------------------------------------

class _Errors(MessagingHandler):
    def __init__(self, url):
        super().__init__()
        self.url = url
        self.conditions = []

    def on_start(self, event):
        event.container.connect(self.url, reconnect=False)

    def on_transport_error(self, event):
        condition = event.transport.condition
        self.conditions.append((condition.name, condition.description))


def test_refused_connection_condition():
    handler = _Errors(f"127.0.0.1:{free_port()}")
    Container(handler).run()
    assert handler.conditions == [("proton.pythonio", "Connection refused to all addresses")]


@pytest.mark.parametrize("how", ["reset", "hang_up"])
def test_peer_that_drops_the_tcp_connection(how):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def drop():
        peer, _ = server.accept()
        peer.recv(8)
        if how == "reset":
            peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        peer.close()

    thread = threading.Thread(target=drop)
    thread.start()
    handler = _Errors(f"127.0.0.1:{server.getsockname()[1]}")
    Container(handler).run()
    thread.join()
    server.close()
    assert len(handler.conditions) == 1
    name, description = handler.conditions[0]
    assert name == "amqp:connection:framing-error"
    assert "connection aborted" in description


def test_subclasses_of_message_and_container_keep_working():
    class Tagged(Message):
        kind = "tagged"

        def __init__(self, body=None, note=None, **kwargs):
            super().__init__(body=body, **kwargs)
            self.note = note

    message = Tagged(body="b", note="n", subject="s")
    copy = Tagged()
    copy.decode(message.encode())
    assert (copy.body, copy.subject, copy.note, copy.kind) == ("b", "s", None, "tagged")
    assert vars(message)["note"] == "n" and vars(message)["body"] == "b"

    started = []

    class MyContainer(Container):
        def __init__(self, *handlers, **kwargs):
            super().__init__(*handlers, **kwargs)
            self.extra = "mine"

        def schedule(self, delay, handler):
            started.append(delay)
            return super().schedule(delay, handler)

    class Once(MessagingHandler):
        def on_start(self, event):
            event.container.schedule(0.01, self)

        def on_timer_task(self, event):
            started.append(event.container.extra)

    MyContainer(Once()).run()
    assert started == [0.01, "mine"]
