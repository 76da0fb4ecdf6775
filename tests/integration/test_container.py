# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Container: running and stepping the loop, timers, connecting, listening, handlers, link options.

Every client here is checked from the other side too: the test broker records what each connection
and link asked for.
"""

import threading
import time

import pytest

from proton import Described, Endpoint, Link, Message, Terminus, Url, symbol
from proton.handlers import IOHandler, MessagingHandler
from proton.reactor import (
    AtLeastOnce, AtMostOnce, Container, Copy, DurableSubscription, DynamicNodeProperties, Filter, Handler, Move,
    Selector,
)

import support


class OpenClose(MessagingHandler):
    """Connects to ``url`` (with ``kwargs``), records the connection once open, closes it."""

    def __init__(self, url=None, **kwargs):
        super().__init__()
        self.url = url
        self.kwargs = kwargs
        self.opened = []
        self.addresses = []
        self.remote_containers = []
        self.closed = 0
        self.started_with = None

    def on_start(self, event):
        self.started_with = event.container
        if self.url is not None:
            event.container.connect(self.url, **self.kwargs)

    def on_connection_opened(self, event):
        self.opened.append(event.connection)
        self.remote_containers.append(event.connection.remote_container)
        self.addresses.append(event.connection.connected_address)
        event.connection.close()

    def on_connection_closed(self, event):
        self.closed += 1


# -- running the loop -------------------------------------------------------------------------------

def test_run_returns_once_the_work_is_done(broker):
    handler = OpenClose(broker.url)
    container = Container(handler)
    container.run()
    assert handler.started_with is container
    assert len(handler.opened) == 1 and handler.closed == 1
    assert len(broker.broker.connections) == 1


def test_process_stepping_until_done(broker):
    handler = OpenClose()
    container = Container(handler)
    container.timeout = 0.05
    container.start()
    conn = container.connect(broker.url)
    steps = 0
    deadline = time.monotonic() + 10
    while container.process():
        steps += 1
        assert time.monotonic() < deadline, "process() loop did not finish"
    container.stop()
    container.process()
    assert steps > 0
    assert handler.opened == [conn] and handler.closed == 1
    assert handler.started_with is container


def test_process_with_nothing_to_do_returns_within_its_timeout(broker):
    container = Container(MessagingHandler())
    container.timeout = 0.2
    container.start()
    conn = container.connect(broker.url)
    while not conn.state & Endpoint.REMOTE_ACTIVE:
        container.process()
    started = time.monotonic()
    assert container.process() is True  # idle: waits up to the timeout, the connection keeps it alive
    assert time.monotonic() - started < 5
    conn.close()
    while container.process():
        pass


def test_stop_from_a_handler_ends_run():
    never = []

    class Stopper(MessagingHandler):
        def on_start(self, event):
            event.container.schedule(60, Recorder("never", never))  # would keep run() going
            event.container.schedule(0.05, self)

        def on_timer_task(self, event):
            self.stopped = True
            event.container.stop()

    handler = Stopper()
    started = time.monotonic()
    Container(handler).run()
    assert handler.stopped and never == []
    assert time.monotonic() - started < 10  # not the 60s of the pending timer


def test_yield_makes_process_return_after_the_current_event(broker):
    seen = []

    class Yielder(MessagingHandler):
        def on_start(self, event):
            seen.append("start")
            self.conn = event.container.connect(broker.url)
            event.container.yield_()

        def on_connection_init(self, event):
            seen.append("connection_init")

        def on_connection_opened(self, event):
            seen.append("opened")
            event.connection.close()

    container = Container(Yielder())
    container.timeout = 0.05
    container.start()
    assert container.process() is True
    assert seen == ["start"]  # the connection's events are still queued
    deadline = time.monotonic() + 10
    while container.process():
        assert time.monotonic() < deadline
    assert seen[:2] == ["start", "connection_init"] and "opened" in seen


@pytest.mark.impl  # python-qpid-proton 0.40's Container.wakeup() is an empty stub
def test_wakeup_from_another_thread_interrupts_a_blocking_process(broker):
    container = Container(MessagingHandler())
    container.timeout = 0.05
    container.start()
    conn = container.connect(broker.url)
    while not conn.state & Endpoint.REMOTE_ACTIVE:
        container.process()
    for _ in range(5):
        container.process()  # settle down: nothing more is coming from the broker
    container.timeout = 10.0
    woken = threading.Event()

    def wake():
        woken.set()
        container.wakeup()

    waker = threading.Timer(0.3, wake)
    waker.start()
    started = time.monotonic()
    while not woken.is_set():  # only idle waits are left: the wake-up has to end the current one
        container.process()
    elapsed = time.monotonic() - started
    waker.join()
    assert elapsed < 5, f"process() waited {elapsed:.1f}s despite wakeup()"
    conn.close()
    container.timeout = 0.05
    while container.process():
        pass


def test_an_exception_in_a_handler_propagates_out_of_run():
    class Boom(MessagingHandler):
        def on_start(self, event):
            event.container.schedule(0.01, self)

        def on_timer_task(self, event):
            raise ZeroDivisionError("from a handler")

    with pytest.raises(ZeroDivisionError, match="from a handler"):
        Container(Boom()).run()


# -- timers -------------------------------------------------------------------------------------------

class Recorder:
    def __init__(self, name, log):
        self.name = name
        self.log = log

    def on_timer_task(self, event):
        self.log.append((self.name, event.container))


def test_scheduled_tasks_fire_in_deadline_order_and_cancelled_ones_never():
    log = []

    class Starter(MessagingHandler):
        def on_start(self, event):
            event.container.schedule(0.30, Recorder("c", log))
            event.container.schedule(0.10, Recorder("a", log))
            cancelled = event.container.schedule(0.15, Recorder("x", log))
            event.container.schedule(0.20, Recorder("b", log))
            event.container.schedule(0, Recorder("now", log))
            cancelled.cancel()

    container = Container(Starter())
    container.run()
    assert [name for name, _ in log] == ["now", "a", "b", "c"]
    assert all(c is container for _, c in log)


def test_task_attributes_and_schedule_before_run():
    log = []
    container = Container()
    task = container.schedule(0.05, Recorder("early", log))
    assert task.handler is not None
    container.run()
    assert [name for name, _ in log] == ["early"]


def test_cancelling_the_last_timer_lets_run_end_promptly():
    fired = []

    class Canceller:
        def __init__(self, task):
            self.task = task

        def on_timer_task(self, event):
            self.task.cancel()

    class Start(MessagingHandler):
        def on_start(self, event):
            task = event.container.schedule(30, Recorder("never", fired))
            event.container.schedule(0.05, Canceller(task))

    started = time.monotonic()
    Container(Start()).run()
    elapsed = time.monotonic() - started
    assert fired == []
    assert elapsed < 2.0, f"run() took {elapsed:.1f}s to notice that nothing was left"


def test_cancelled_only_task_lets_run_finish():
    container = Container()
    task = container.schedule(30, Recorder("never", []))
    task.cancel()
    started = time.monotonic()
    container.run()
    assert time.monotonic() - started < 10


# -- connecting ---------------------------------------------------------------------------------------

def test_connect_with_url(broker):
    handler = OpenClose(f"amqp://{broker.url}")
    Container(handler).run()
    assert len(handler.opened) == 1
    url = Url(handler.addresses[0])
    assert (url.host, int(url.port)) == ("127.0.0.1", broker.port)


def test_connect_with_urls_skips_a_refused_one(broker):
    refused = support.free_port()

    class Failover(OpenClose):
        def on_start(self, event):
            self.conn = event.container.connect(urls=[f"127.0.0.1:{refused}", broker.url])

    handler = Failover()
    Container(handler).run()
    assert len(handler.opened) == 1
    assert int(Url(handler.addresses[0]).port) == broker.port
    assert len(broker.broker.connections) == 1


def test_connect_without_any_address_uses_the_config_file(broker, tmp_path, monkeypatch):
    # no url, no urls: the configuration file decides (here: one that names the broker)
    monkeypatch.setenv("MESSAGING_CONNECT_FILE", str(tmp_path / "connect.json"))
    (tmp_path / "connect.json").write_text(
        '{"scheme": "amqp", "host": "127.0.0.1", "port": %d}' % broker.port)

    class NoUrl(OpenClose):
        def on_start(self, event):
            event.container.connect()

    handler = NoUrl()
    Container(handler).run()
    assert len(handler.opened) == 1


def test_connect_with_only_the_address_keyword_is_refused(broker):
    # python-qpid-proton 0.40 consults the configuration file only when url, urls and address are all
    # missing; address itself is never used, so address alone leaves no url: ValueError.
    container = Container()
    with pytest.raises(ValueError):
        container.connect(address=broker.url)


def test_get_connection_address(broker):
    seen = []

    class Where(OpenClose):
        def on_connection_opened(self, event):
            seen.append(event.container.get_connection_address(event.connection))
            super().on_connection_opened(event)

    Container(Where(broker.url)).run()
    url = Url(seen[0])
    assert (url.host, int(url.port)) == ("127.0.0.1", broker.port)


def test_connected_address_is_the_url_of_the_connection(broker):
    handler = OpenClose(f"127.0.0.1:{broker.port}")
    Container(handler).run()
    assert handler.addresses == [f"amqp://127.0.0.1:{broker.port}"]


def test_connected_address_names_the_peer_when_the_connection_fails():
    port = support.free_port()
    seen = []

    class Refused(MessagingHandler):
        def on_start(self, event):
            event.container.connect(f"127.0.0.1:{port}", reconnect=False)

        def on_transport_error(self, event):
            seen.append(("transport_error", event.connection.connected_address))

        def on_disconnected(self, event):
            seen.append(("disconnected", event.connection.connected_address))

    Container(Refused()).run()
    assert seen and all(address is not None for _, address in seen), seen
    assert {int(Url(address).port) for _, address in seen} == {port}


def test_container_id_default_and_per_connection(broker):
    class Two(MessagingHandler):
        def on_start(self, event):
            event.container.connect(broker.url)
            event.container.connect(broker.url, container_id="per-connection")

        def on_connection_opened(self, event):
            event.connection.close()

    container = Container(Two(), container_id="my-container")
    assert container.container_id == "my-container"
    container.run()
    ids = sorted(info["container"] for info in broker.broker.connections)
    assert ids == ["my-container", "per-connection"]


def test_default_container_id_is_unique():
    assert Container().container_id != Container().container_id


def test_connect_options_are_seen_by_the_peer(broker):
    handler = OpenClose(
        broker.url, virtual_host="vhost.example", max_frame_size=4096, heartbeat=30,
        offered_capabilities=[symbol("cap.offered"), "cap.offered2"], desired_capabilities=["cap.desired"],
        properties={"product": "test-client", symbol("n"): 7})
    Container(handler).run()
    info = broker.broker.connections[0]
    assert info["hostname"] == "vhost.example"
    assert info["max_frame_size"] == 4096
    assert info["idle_timeout"] == 15.0  # a peer is told half the local idle timeout
    assert list(info["offered_capabilities"]) == [symbol("cap.offered"), symbol("cap.offered2")]
    assert all(isinstance(c, symbol) for c in info["offered_capabilities"])
    assert list(info["desired_capabilities"]) == [symbol("cap.desired")]
    assert info["properties"] == {symbol("product"): "test-client", symbol("n"): 7}
    assert all(isinstance(k, symbol) for k in info["properties"])
    assert handler.remote_containers == ["test-broker"]


def test_user_and_password_reach_the_peer_through_sasl_plain(broker):
    proxy = support.TcpProxy(("127.0.0.1", broker.port), sasl_plain=True)
    try:
        handler = OpenClose(proxy.url, user="alice", password="secret", virtual_host="vh")
        Container(handler).run()
    finally:
        proxy.close()
    assert len(handler.opened) == 1
    assert proxy.mechanisms_chosen == ["PLAIN"]
    assert proxy.credentials[0][1:3] == ("alice", "secret")


def test_credentials_in_the_url_reach_the_peer(broker):
    proxy = support.TcpProxy(("127.0.0.1", broker.port), sasl_plain=True)
    try:
        handler = OpenClose(f"amqp://dave:pa55@127.0.0.1:{proxy.port}")
        Container(handler).run()
    finally:
        proxy.close()
    assert len(handler.opened) == 1
    assert proxy.credentials[0][1:3] == ("dave", "pa55")


def test_the_peers_capabilities_and_properties_are_seen(broker_factory):
    peer = broker_factory(broker=support.Broker(offered_capabilities=["ANONYMOUS-RELAY", symbol("x-cap")],
                                                properties={"product": "test-broker", symbol("version"): 2}))
    seen = []

    class Look(OpenClose):
        def on_connection_opened(self, event):
            conn = event.connection
            seen.append((conn.remote_offered_capabilities, conn.remote_properties, conn.remote_container))
            super().on_connection_opened(event)

    Container(Look(peer.url)).run()
    caps, props, container_id = seen[0]
    assert list(caps) == [symbol("ANONYMOUS-RELAY"), symbol("x-cap")]
    assert props == {symbol("product"): "test-broker", symbol("version"): 2}
    assert container_id == "test-broker"


def test_connecting_to_ipv6_loopback(broker):
    proxy = support.TcpProxy(("127.0.0.1", broker.port), listen_host="::1")
    try:
        handler = OpenClose(f"amqp://[::1]:{proxy.port}")
        Container(handler).run()
    finally:
        proxy.close()
    assert len(handler.opened) == 1
    assert len(broker.broker.connections) == 1


@pytest.mark.impl  # python-qpid-proton 0.40's acceptor makes an AF_INET socket and cannot bind ::1
def test_listen_on_ipv6_loopback(broker_factory):
    peer = broker_factory(host="::1")
    handler = OpenClose(peer.url)
    Container(handler).run()
    assert len(handler.opened) == 1
    assert len(peer.broker.connections) == 1


def test_listen_on_ipv4_loopback_serves_a_container_client(broker):
    assert broker.host == "127.0.0.1"
    handler = OpenClose(f"127.0.0.1:{broker.port}")
    Container(handler).run()
    assert handler.closed == 1
    support.wait_for(lambda: "connection_closed" in broker.broker.events, what="broker saw the close")


def test_acceptor_close_stops_listening():
    port = support.free_port()

    class Server(MessagingHandler):
        def on_start(self, event):
            self.acceptor = event.container.listen(f"127.0.0.1:{port}")
            event.container.schedule(0.05, self)

        def on_timer_task(self, event):
            self.acceptor.close()

    Container(Server()).run()  # ends: the only listener closed
    import socket
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


# -- handlers -------------------------------------------------------------------------------------------

class Sink(MessagingHandler):
    def __init__(self, expected=1):
        super().__init__()
        self.messages = []
        self.expected = expected

    def on_message(self, event):
        self.messages.append(event.message.body)
        if len(self.messages) == self.expected:
            event.connection.close()


def test_handler_per_connection(broker):
    broker.call(lambda b: b.queues["q1"].append((Message(body="for-conn"), None)))
    conn_handler = Sink()
    container_events = []

    class Main(MessagingHandler):
        def on_start(self, event):
            conn = event.container.connect(broker.url, handler=conn_handler)
            event.container.create_receiver(conn, "q1")

        def on_message(self, event):
            container_events.append("message")

        def on_connection_opened(self, event):
            container_events.append("opened")

    Container(Main()).run()
    assert conn_handler.messages == ["for-conn"]
    assert container_events == []


def test_handler_per_link(broker):
    broker.call(lambda b: (b.queues["qa"].append((Message(body="a"), None)),
                           b.queues["qb"].append((Message(body="b"), None))))
    link_handler = Sink()
    container_messages = []

    class Main(MessagingHandler):
        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            event.container.create_receiver(self.conn, "qa", handler=link_handler)
            event.container.create_receiver(self.conn, "qb")

        def on_message(self, event):
            container_messages.append(event.message.body)
            if link_handler.messages:
                self.conn.close()
            else:
                event.container.schedule(0.05, self)

        def on_timer_task(self, event):
            if link_handler.messages:
                self.conn.close()
            else:
                event.container.schedule(0.05, self)

    Container(Main()).run()
    assert link_handler.messages == ["a"]
    assert container_messages == ["b"]


class GlobalRecorder(IOHandler):
    """A global handler has to do the container's I/O in python-qpid-proton 0.40, hence IOHandler."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_connection_remote_open(self, event):
        self.seen.append(("remote_open", event.connection))

    def on_link_remote_open(self, event):
        self.seen.append(("link_remote_open", event.link.name))

    def on_delivery(self, event):
        self.seen.append(("delivery", event.delivery.link.name))


def test_global_handler_keyword_sees_events(broker):
    recorder = GlobalRecorder()

    class Sender(MessagingHandler):
        def on_start(self, event):
            event.container.create_sender(event.container.connect(broker.url), "sink/g", name="g-sender")

        def on_sendable(self, event):
            if not getattr(self, "sent", False):
                self.sent = True
                event.sender.send(Message(body=1))

        def on_accepted(self, event):
            event.connection.close()

    Container(Sender(), global_handler=recorder).run()
    kinds = [k for k, _ in recorder.seen]
    assert "remote_open" in kinds
    assert ("link_remote_open", "g-sender") in recorder.seen
    assert ("delivery", "g-sender") in recorder.seen


def test_child_of_the_global_handler_sees_events(broker):
    seen = []

    class Child(Handler):
        def on_connection_remote_open(self, event):
            seen.append("remote_open")

        def on_connection_remote_close(self, event):
            seen.append("remote_close")

    container = Container(OpenClose(broker.url))
    container.global_handler.add(Child())
    container.run()
    assert seen == ["remote_open", "remote_close"]


# -- links and their options ----------------------------------------------------------------------------

def _links_by_name(peer):
    return {info["name"]: info for info in peer.broker.links}


def test_create_sender_and_receiver_names_and_addresses(broker):
    class Linker(MessagingHandler):
        def on_start(self, event):
            conn = event.container.connect(broker.url)
            c = event.container
            self.links = [
                c.create_sender(conn, "t-addr", name="snd-1"),
                c.create_sender(conn, target="t2", source="s2", name="snd-2"),
                c.create_receiver(conn, "s-addr", name="rcv-1"),
                c.create_receiver(conn, source="s3", target="t3", name="rcv-2"),
                c.create_sender(conn, None, name="anonymous-relay"),
            ]
            self.conn = conn

        def on_link_opened(self, event):
            if all(link.state & Endpoint.REMOTE_ACTIVE for link in self.links):
                self.conn.close()

    handler = Linker()
    Container(handler).run()
    links = _links_by_name(broker)
    assert links["snd-1"]["target"]["address"] == "t-addr" and not links["snd-1"]["is_sender"]
    assert links["snd-2"]["target"]["address"] == "t2" and links["snd-2"]["source"]["address"] == "s2"
    assert links["rcv-1"]["source"]["address"] == "s-addr" and links["rcv-1"]["is_sender"]
    assert links["rcv-2"]["source"]["address"] == "s3" and links["rcv-2"]["target"]["address"] == "t3"
    assert links["anonymous-relay"]["target"]["address"] is None
    assert handler.links[0].remote_target.address == "t-addr"


def test_generated_link_names_come_from_the_container_id_and_address(broker):
    class Linker(MessagingHandler):
        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            self.links = [event.container.create_sender(self.conn, "out-addr"),
                          event.container.create_receiver(self.conn, "in-addr")]

        def on_link_opened(self, event):
            if all(link.state & Endpoint.REMOTE_ACTIVE for link in self.links):
                self.conn.close()

    handler = Linker()
    Container(handler, container_id="cid").run()
    names = [link.name for link in handler.links]
    assert names == ["cid-out-addr", "cid-in-addr"]
    assert sorted(info["name"] for info in broker.broker.links) == sorted(names)


def test_dynamic_receiver_gets_an_address_from_the_peer(broker):
    class Dyn(MessagingHandler):
        def on_start(self, event):
            self.conn = event.container.connect(broker.url)
            self.receiver = event.container.create_receiver(
                self.conn, None, dynamic=True, name="dyn",
                options=DynamicNodeProperties({"lifetime-policy": symbol("delete-on-close"), symbol("x"): 1}))

        def on_link_opened(self, event):
            self.address = event.receiver.remote_source.address
            self.conn.close()

    handler = Dyn()
    Container(handler).run()
    info = _links_by_name(broker)["dyn"]
    assert info["source"]["dynamic"] is True
    assert info["source"]["address"] is None
    assert info["source"]["properties"] == {symbol("lifetime-policy"): symbol("delete-on-close"), symbol("x"): 1}
    assert handler.address == info["assigned_address"] and handler.address.startswith("dynamic/")


def test_link_options_reach_the_peer(broker):
    selector = "colour = 'red' AND size > 3"
    filter_set = {symbol("my-filter"): Described(symbol("x-test:filter"), "value")}

    class Optioned(MessagingHandler):
        def on_start(self, event):
            c = event.container
            self.conn = conn = c.connect(broker.url)
            self.links = [
                c.create_sender(conn, "q", name="at-most-once", options=AtMostOnce()),
                c.create_sender(conn, "q", name="at-least-once", options=[AtLeastOnce()]),
                c.create_receiver(conn, "q", name="copy", options=Copy()),
                c.create_receiver(conn, "q", name="move", options=Move()),
                c.create_receiver(conn, "q", name="selector", options=Selector(selector)),
                c.create_receiver(conn, "q", name="filter", options=Filter(filter_set)),
                c.create_receiver(conn, "q", name="durable", options=[DurableSubscription(), AtMostOnce()]),
                # receiver options are ignored on a sender
                c.create_sender(conn, "q", name="sender-with-receiver-option", options=[Copy(), Selector("a=1")]),
            ]

        def on_link_opened(self, event):
            if all(link.state & Endpoint.REMOTE_ACTIVE for link in self.links):
                self.conn.close()

    Container(Optioned()).run()
    links = _links_by_name(broker)
    assert links["at-most-once"]["snd_settle_mode"] == Link.SND_SETTLED
    assert links["at-least-once"]["snd_settle_mode"] == Link.SND_UNSETTLED
    assert links["at-least-once"]["rcv_settle_mode"] == Link.RCV_FIRST
    assert links["copy"]["source"]["distribution_mode"] == Terminus.DIST_MODE_COPY
    assert links["move"]["source"]["distribution_mode"] == Terminus.DIST_MODE_MOVE
    sel = links["selector"]["source"]["filter"]
    assert list(sel) == [symbol("selector")]
    described = sel[symbol("selector")]
    assert described.descriptor == symbol("apache.org:selector-filter:string") and described.value == selector
    flt = links["filter"]["source"]["filter"]
    assert flt[symbol("my-filter")].descriptor == symbol("x-test:filter")
    assert flt[symbol("my-filter")].value == "value"
    assert links["durable"]["source"]["durability"] == Terminus.DELIVERIES
    assert links["durable"]["source"]["expiry_policy"] == Terminus.EXPIRE_NEVER
    assert links["durable"]["snd_settle_mode"] == Link.SND_SETTLED
    other = links["sender-with-receiver-option"]
    assert other["source"]["distribution_mode"] == Terminus.DIST_MODE_UNSPECIFIED
    assert other["source"]["filter"] is None


def test_create_sender_on_a_url_opens_a_connection(broker):
    class ByUrl(MessagingHandler):
        def on_start(self, event):
            self.sender = event.container.create_sender(broker.address("sink/by-url"), name="by-url")

        def on_sendable(self, event):
            if not getattr(self, "done", False):
                self.done = True
                event.sender.send(Message(body="via url"))

        def on_accepted(self, event):
            event.connection.close()

    handler = ByUrl()
    Container(handler).run()
    assert _links_by_name(broker)["by-url"]["target"]["address"] == "sink/by-url"
    assert [(a, m.body) for a, m in broker.broker.received] == [("sink/by-url", "via url")]
