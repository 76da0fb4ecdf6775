# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Message tracing (proton.tracing): spans for sent and received messages, and the span context
carried in the ``x-opt-qpid-tracestate`` message annotation.

Importing proton.tracing swaps classes for the whole process, so every scenario runs in a child
interpreter (``python -c``) that prints what it saw as JSON on its last line; nothing here imports
proton.tracing into the pytest process. In each child one Container listens on 127.0.0.1:0 and
connects to itself: the client end sends, the accepting end receives.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from typing import Any, Dict, List

import pytest

import proton

pytestmark = pytest.mark.impl

HAVE_OTEL = importlib.util.find_spec("opentelemetry") is not None \
    and importlib.util.find_spec("opentelemetry.sdk") is not None
HAVE_OPENTRACING = importlib.util.find_spec("opentracing") is not None
HAVE_JAEGER = HAVE_OPENTRACING and importlib.util.find_spec("jaeger_client") is not None

needs_otel = pytest.mark.skipif(not HAVE_OTEL, reason="opentelemetry-api and opentelemetry-sdk are not installed")
needs_opentracing = pytest.mark.skipif(not HAVE_OPENTRACING, reason="opentracing is not installed")
needs_jaeger = pytest.mark.skipif(not HAVE_JAEGER, reason="opentracing and jaeger-client are not installed")

TRACE_KEY = "x-opt-qpid-tracestate"
# Bodies the child sends: two plain messages, one with annotations of its own, one the receiver
# rejects; plus one more on an at-most-once (pre-settled) link.
BODIES = ["one", "two", "annotated", "reject"]
PRESETTLED_BODY = "fire-and-forget"

# The exchange every child runs (a str.format template): {record_active} is an expression giving the id
# of the span active inside on_message (or None); the result dict it leaves is printed by PRINT_RESULT.
EXCHANGE = textwrap.dedent('''
    import json, sys
    from proton import Message
    from proton.handlers import MessagingHandler, Reject
    from proton.reactor import AtMostOnce, Container

    BODIES = {bodies!r}
    PRESETTLED_BODY = {presettled!r}

    def plain(value):
        if isinstance(value, dict):
            return {{str(k): plain(v) for k, v in value.items()}}
        return value if value is None or isinstance(value, (int, float, bool)) else str(value)

    class Exchange(MessagingHandler):
        def __init__(self):
            super().__init__()
            self.received = []
            self.outcomes = {{}}
            self.settled = 0
            self.sent = False
            self.presettled_sent = False
            self.link_types = set()

        def on_start(self, event):
            self.acceptor = event.container.listen("127.0.0.1:0")
            self.conn = event.container.connect("127.0.0.1:%d" % self.acceptor.port)
            self.sender = event.container.create_sender(self.conn, "traced")
            self.presettled = event.container.create_sender(self.conn, "presettled", options=AtMostOnce())

        def on_link_opening(self, event):
            if event.link.is_receiver:
                event.link.target.address = event.link.remote_target.address

        def on_sendable(self, event):
            self.link_types.add(type(event.sender).__module__ + "." + type(event.sender).__name__)
            if event.sender == self.sender and not self.sent:
                self.sent = True
                for body in BODIES:
                    message = Message(body=body)
                    if body == "annotated":
                        message.annotations = {{"x-opt-app": "kept"}}
                    event.sender.send(message)
            elif event.sender == self.presettled and not self.presettled_sent:
                self.presettled_sent = True
                event.sender.send(Message(body=PRESETTLED_BODY))

        def on_message(self, event):
            self.received.append({{"body": event.message.body, "annotations": plain(event.message.annotations),
                                   "active": {record_active}}})
            self.finish_if_done()
            if event.message.body == "reject":
                raise Reject()

        def on_settled(self, event):
            if event.link.is_sender:
                self.outcomes[event.delivery.tag] = event.delivery.remote_state.name
                self.settled += 1
                self.finish_if_done()

        def finish_if_done(self):
            if self.settled == len(BODIES) and len(self.received) == len(BODIES) + 1:
                self.conn.close()
                self.acceptor.close()

    exchange = Exchange()
    Container(exchange).run()
    result = {{"received": exchange.received, "outcomes": exchange.outcomes,
               "link_types": sorted(exchange.link_types)}}
''')

# OpenTelemetry with the SDK and an in-memory exporter, set up before proton.tracing is imported.
OTEL_SETUP = textwrap.dedent('''
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
''')

OTEL_ACTIVE = "trace.get_current_span().get_span_context().span_id"

OTEL_REPORT = textwrap.dedent('''
    result["spans"] = [{
        "name": s.name, "kind": s.kind.name, "trace_id": s.context.trace_id, "span_id": s.context.span_id,
        "parent_id": s.parent.span_id if s.parent is not None else None,
        "attributes": dict(s.attributes), "events": [e.name for e in s.events],
        "status": s.status.status_code.name,
    } for s in exporter.get_finished_spans()]
    result["tracer"] = type(__import__("proton.tracing").tracing.get_tracer()).__name__
''')

# Makes an import of the named top-level packages fail in the child, as if they were not installed.
BLOCK = "import sys\nfor _name in {names!r}:\n    sys.modules[_name] = None\n"

OPENTRACING_SETUP = textwrap.dedent('''
    import opentracing
    from opentracing.mocktracer import MockTracer

    mock = MockTracer()
    opentracing.set_global_tracer(mock)
''')

OPENTRACING_ACTIVE = "(mock.active_span.context.span_id if mock.active_span is not None else None)"

OPENTRACING_REPORT = textwrap.dedent('''
    result["spans"] = [{
        "name": s.operation_name, "trace_id": s.context.trace_id, "span_id": s.context.span_id,
        "parent_id": s.parent_id, "tags": {k: str(v) for k, v in s.tags.items()},
        "events": [log.key_values.get("event") for log in s.logs],
    } for s in mock.finished_spans()]
''')


def run_child(code: str) -> Dict[str, Any]:
    """Run ``code`` in a new interpreter importing the same proton as this process; return the JSON
    object it printed last."""
    env = dict(os.environ)
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(proton.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    for name in [n for n in env if n.startswith("OTEL_")]:
        del env[name]
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=15)
    assert done.returncode == 0, f"child failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    lines = done.stdout.strip().splitlines()
    assert lines, f"child printed nothing:\n{done.stderr}"
    found: Dict[str, Any] = json.loads(lines[-1])
    return found


def exchange_code(active: str = "None") -> str:
    return EXCHANGE.format(bodies=BODIES, presettled=PRESETTLED_BODY, record_active=active)


PRINT_RESULT = "\nprint(json.dumps(result, default=str))\n"


def by_body(received: List[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    return {r["body"]: r for r in received}


def check_delivered(result: Dict[str, Any]) -> None:
    """What every scenario must deliver, traced or not."""
    received = by_body(result["received"])
    assert sorted(received) == sorted(BODIES + [PRESETTLED_BODY])
    assert received["annotated"]["annotations"]["x-opt-app"] == "kept"
    assert sorted(result["outcomes"].values()) == ["ACCEPTED", "ACCEPTED", "ACCEPTED", "REJECTED"]


# -- without tracing --------------------------------------------------------------------------------------------


def test_messages_untouched_without_tracing() -> None:
    """Nothing imported: no annotation is added, plain classes are used, even with OpenTelemetry set up."""
    setup = OTEL_SETUP if HAVE_OTEL else ""
    code = setup + exchange_code() + textwrap.dedent('''
        result["tracing_loaded"] = "proton._tracing" in sys.modules
        import proton._handlers
        result["handler"] = proton._handlers.IncomingMessageHandler.__module__
    ''')
    result = run_child(code + PRINT_RESULT)
    check_delivered(result)
    assert result["tracing_loaded"] is False
    assert result["handler"] == "proton._handlers"
    assert result["link_types"] == ["proton._endpoints.Sender"]
    for message in result["received"]:
        assert message["annotations"] is None or TRACE_KEY not in message["annotations"]
    assert by_body(result["received"])["annotated"]["annotations"] == {"x-opt-app": "kept"}


# -- OpenTelemetry ------------------------------------------------------------------------------------------------


@needs_otel
def test_opentelemetry_spans_and_propagation() -> None:
    code = OTEL_SETUP + "import proton.tracing\n" + exchange_code(OTEL_ACTIVE) + OTEL_REPORT + PRINT_RESULT
    result = run_child(code)
    check_delivered(result)
    assert result["link_types"] == ["proton._tracing.Sender"]
    assert result["tracer"] in ("Tracer", "ProxyTracer")

    spans = result["spans"]
    sends = [s for s in spans if s["name"] == "amqp-delivery-send"]
    receives = [s for s in spans if s["name"] == "amqp-delivery-receive"]
    total = len(BODIES) + 1
    assert len(sends) == total and len(receives) == total, spans

    # Every receive span is the child of one send span, in the same trace.
    send_ids = {(s["trace_id"], s["span_id"]) for s in sends}
    assert {(r["trace_id"], r["parent_id"]) for r in receives} == send_ids
    assert len({s["trace_id"] for s in sends}) == total

    for span in sends:
        attributes = span["attributes"]
        assert span["kind"] == "PRODUCER"
        assert span["parent_id"] is None
        assert attributes["component"] == "proton-message-tracing"
        assert attributes["message_bus.destination"] in ("traced", "presettled")
        assert attributes["peer.hostname"] == "127.0.0.1"
        assert attributes["peer.address"].startswith(("127.0.0.1:", "amqp://127.0.0.1:"))
        assert attributes["delivery-tag"]
    states = sorted(s["attributes"].get("delivery-terminal-state", "-") for s in sends)
    assert states == ["-", "ACCEPTED", "ACCEPTED", "ACCEPTED", "REJECTED"]
    presettled = [s for s in sends if s["attributes"]["message_bus.destination"] == "presettled"]
    assert presettled[0]["events"] == []
    assert all(s["events"] == ["delivery settled"] for s in sends if s not in presettled)

    for span in receives:
        assert span["kind"] == "CONSUMER"
        assert span["attributes"]["component"] == "proton-message-tracing"
        assert span["attributes"]["message_bus.destination"] in ("traced", "presettled")
        assert span["attributes"]["peer.address"].startswith(("127.0.0.1:", "amqp://127.0.0.1:"))
        assert span["status"] == "UNSET"

    # The receive span is the active span while the application's on_message runs.
    received = by_body(result["received"])
    assert {r["active"] for r in result["received"]} == {r["span_id"] for r in receives}
    rejected = [r for r in receives if r["span_id"] == received["reject"]["active"]]
    assert rejected[0]["events"] == ["message rejected"]

    # The annotation carries the W3C trace context of the send span, next to the application's own.
    for body, message in received.items():
        carrier = message["annotations"][TRACE_KEY]
        version, trace_id, span_id, flags = carrier["traceparent"].split("-")
        assert (int(trace_id, 16), int(span_id, 16)) in send_ids
        assert [r for r in receives if r["span_id"] == message["active"]][0]["parent_id"] == int(span_id, 16)
    assert set(received["annotated"]["annotations"]) == {"x-opt-app", TRACE_KEY}


@needs_otel
def test_opentelemetry_without_provider_adds_nothing() -> None:
    """With only the OpenTelemetry API (no tracer provider), spans are no-ops: messages go out
    without the annotation and everything else works."""
    code = "import proton.tracing\n" + exchange_code() + PRINT_RESULT
    result = run_child(code)
    check_delivered(result)
    assert result["link_types"] == ["proton._tracing.Sender"]
    for message in result["received"]:
        assert message["annotations"] is None or TRACE_KEY not in message["annotations"]


@needs_otel
def test_opentelemetry_receive_span_without_context_is_a_root() -> None:
    """A message carrying no context (sent before tracing was switched on) starts a new trace even
    when a span is active around the container."""
    code = OTEL_SETUP + textwrap.dedent('''
        import json
        from proton import Message
        from proton.handlers import MessagingHandler
        from proton.reactor import Container

        class Receiver(MessagingHandler):
            def __init__(self):
                super().__init__()
                self.bodies = []

            def on_start(self, event):
                self.acceptor = event.container.listen("127.0.0.1:0")
                self.conn = event.container.connect("127.0.0.1:%d" % self.acceptor.port)
                self.sender = event.container.create_sender(self.conn, "q")

            def on_sendable(self, event):
                if not self.bodies and event.sender == self.sender:
                    self.bodies.append("sent")
                    # Sent with the plain Sender.send, so the message carries no context.
                    proton_sender_send(event.sender, Message(body="untraced"))

            def on_message(self, event):
                self.bodies.append(event.message.body)
                self.conn.close()
                self.acceptor.close()

        import proton._endpoints
        plain_send = proton._endpoints.Sender.send
        import proton.tracing

        def proton_sender_send(sender, message):
            return plain_send(sender, message)

        with trace.get_tracer("outer").start_as_current_span("outer"):
            handler = Receiver()
            Container(handler).run()
        spans = exporter.get_finished_spans()
        result = {"bodies": handler.bodies,
                  "spans": [[s.name, s.parent is None] for s in spans]}
        print(json.dumps(result))
    ''')
    result = run_child(code)
    assert result["bodies"] == ["sent", "untraced"]
    assert ["amqp-delivery-receive", True] in result["spans"]
    assert ["outer", True] in result["spans"]


# -- OpenTracing ----------------------------------------------------------------------------------------------


@needs_opentracing
def test_opentracing_global_tracer() -> None:
    """Without OpenTelemetry, a tracer registered with opentracing is used (here its MockTracer)."""
    code = BLOCK.format(names=["opentelemetry"]) + OPENTRACING_SETUP + "import proton.tracing\n" \
        + "assert proton.tracing.init_tracer('svc') is mock\n" + exchange_code(OPENTRACING_ACTIVE) \
        + OPENTRACING_REPORT + PRINT_RESULT
    result = run_child(code)
    check_delivered(result)
    spans = result["spans"]
    sends = [s for s in spans if s["name"] == "amqp-delivery-send"]
    receives = [s for s in spans if s["name"] == "amqp-delivery-receive"]
    total = len(BODIES) + 1
    assert len(sends) == total and len(receives) == total, spans
    assert {(r["trace_id"], r["parent_id"]) for r in receives} == {(s["trace_id"], s["span_id"]) for s in sends}
    for span in sends:
        assert span["tags"]["span.kind"] == "producer"
        assert span["tags"]["component"] == "proton-message-tracing"
        assert span["tags"]["message_bus.destination"] in ("traced", "presettled")
        assert span["tags"]["peer.hostname"] == "127.0.0.1"
        assert span["tags"]["delivery-tag"]
    for span in receives:
        assert span["tags"]["span.kind"] == "consumer"
        assert "error" not in span["tags"]
    states = sorted(s["tags"].get("delivery-terminal-state", "-") for s in sends)
    assert states == ["-", "ACCEPTED", "ACCEPTED", "ACCEPTED", "REJECTED"]
    assert {r["active"] for r in result["received"]} == {r["span_id"] for r in receives}
    for message in result["received"]:
        assert message["annotations"][TRACE_KEY]


@needs_jaeger
def test_opentracing_jaeger_configured_like_python_qpid_proton() -> None:
    """Without OpenTelemetry and with no tracer registered, init_tracer sets up Jaeger for the service,
    and messages carry Jaeger's ``uber-trace-id``."""
    code = BLOCK.format(names=["opentelemetry"]) + textwrap.dedent('''
        import json
        import opentracing
        import proton.tracing
        from proton import Message

        tracer = proton.tracing.init_tracer("tracing-test")
        found = {"tracer": type(tracer).__module__, "service": tracer.service_name,
                 "global": opentracing.global_tracer() is tracer,
                 "again": proton.tracing.get_tracer() is tracer}
    ''') + exchange_code() + "result.update(found)\n" + PRINT_RESULT
    result = run_child(code)
    check_delivered(result)
    assert result["tracer"].startswith("jaeger_client")
    assert result["service"] == "tracing-test"
    assert result["global"] and result["again"]
    for message in result["received"]:
        assert "uber-trace-id" in message["annotations"][TRACE_KEY]


# -- neither ----------------------------------------------------------------------------------------------------


def test_import_fails_without_a_tracing_library() -> None:
    code = BLOCK.format(names=["opentelemetry", "opentracing", "jaeger_client"]) + textwrap.dedent('''
        import json
        try:
            import proton.tracing
        except ImportError as error:
            result = {"error": str(error)}
        else:
            result = {"error": None}
        import proton, proton._handlers
        result["sender"] = proton.Sender.__module__
        print(json.dumps(result))
    ''')
    result = run_child(code)
    assert result["error"] is not None
    for package in ("opentelemetry", "opentracing"):
        assert package in result["error"]
    assert result["sender"] == "proton._endpoints"


# -- BlockingConnection, through the embedded broker ---------------------------------------------------------------

BLOCKING_EXCHANGE = textwrap.dedent('''
    import json
    from proton import Message
    from proton.handlers import MessagingHandler
    from proton.reactor import Container
    from proton.utils import BlockingConnection
    from cyproton.broker import Broker

    class Take(MessagingHandler):
        """Receives ``count`` messages from ``address``, then stops."""
        def __init__(self, url, address, count):
            super().__init__()
            self.url, self.address, self.count, self.bodies = url, address, count, []

        def on_start(self, event):
            self.conn = event.container.connect(self.url)
            event.container.create_receiver(self.conn, self.address)

        def on_message(self, event):
            self.bodies.append(event.message.body)
            if len(self.bodies) == self.count:
                self.conn.close()

    class Give(MessagingHandler):
        """Sends ``bodies`` to ``address`` and stops once all are settled."""
        def __init__(self, url, address, bodies):
            super().__init__()
            self.url, self.address, self.bodies, self.settled = url, address, list(bodies), 0

        def on_start(self, event):
            self.conn = event.container.connect(self.url)
            event.container.create_sender(self.conn, self.address)

        def on_sendable(self, event):
            while self.bodies and event.sender.credit:
                event.sender.send(Message(body=self.bodies.pop(0), id=f"give-{len(self.bodies)}"))

        def on_settled(self, event):
            self.settled += 1
            if not self.bodies:
                self.conn.close()

    with Broker(address="127.0.0.1:0") as broker:
        # BlockingConnection sends, a MessagingHandler receives ...
        connection = BlockingConnection(broker.url)
        sender = connection.create_sender("blocking-out")
        for n in range(2):
            sender.send(Message(body=f"blocking {n}", id=f"b-{n}"))
        connection.close()
        take = Take(broker.url, "blocking-out", 2)
        Container(take).run()
        # ... and a MessagingHandler sends, a BlockingReceiver receives
        Container(Give(broker.url, "blocking-in", ["handler 0", "handler 1"])).run()
        connection = BlockingConnection(broker.url)
        receiver = connection.create_receiver("blocking-in", credit=2)
        got = []
        for n in range(2):
            got.append(receiver.receive(timeout=10).body)
            receiver.accept()
        connection.close()
    result = {"taken": take.bodies, "got": got}
''')


@needs_otel
def test_opentelemetry_blocking_connection_both_sides() -> None:
    """A BlockingSender's send span ends (with the outcome) and is exported, so the span of the
    MessagingHandler that receives the message has its parent; and a BlockingReceiver's messages get
    a receive span whose parent is the sending handler's span. Every span carries OpenTelemetry's
    messaging attributes."""
    code = OTEL_SETUP + "import proton.tracing\n" + BLOCKING_EXCHANGE + OTEL_REPORT + PRINT_RESULT
    result = run_child(code)
    assert result["taken"] == ["blocking 0", "blocking 1"] and result["got"] == ["handler 0", "handler 1"]
    spans = result["spans"]
    sends = {s["span_id"]: s for s in spans if s["name"] == "amqp-delivery-send"}
    receives = [s for s in spans if s["name"] == "amqp-delivery-receive"]
    assert len(sends) == 4 and len(receives) == 4, spans
    for receive in receives:
        parent = sends.get(receive["parent_id"])
        assert parent is not None, ("orphaned receive span", receive, spans)
        assert parent["trace_id"] == receive["trace_id"]
        assert receive["attributes"]["messaging.destination.name"] == parent["attributes"]["messaging.destination.name"]
        assert receive["attributes"]["messaging.message.id"] == parent["attributes"]["messaging.message.id"]
    for send in sends.values():
        attributes = send["attributes"]
        assert send["kind"] == "PRODUCER" and attributes["delivery-terminal-state"] == "ACCEPTED"
        assert send["events"] == ["delivery settled"]
        assert attributes["messaging.system"] == "amqp"
        assert attributes["messaging.operation.type"] == "send" and attributes["messaging.operation.name"] == "send"
        assert attributes["messaging.destination.name"] in ("blocking-out", "blocking-in")
        assert attributes["network.peer.address"] == "127.0.0.1" and isinstance(attributes["network.peer.port"], int)
        assert attributes["server.address"] == "127.0.0.1"
        assert attributes["server.port"] == attributes["network.peer.port"]
    blocking_ids = sorted(s["attributes"]["messaging.message.id"] for s in sends.values()
                          if s["attributes"]["messaging.destination.name"] == "blocking-out")
    assert blocking_ids == ["b-0", "b-1"]
    for receive in receives:
        assert receive["kind"] == "CONSUMER"
        assert receive["attributes"]["messaging.operation.type"] == "process"
        assert receive["attributes"]["messaging.system"] == "amqp"


@needs_otel
def test_opentelemetry_blocking_send_refused_ends_the_span() -> None:
    """A BlockingSender.send that the peer rejects raises SendException, and its span ends REJECTED."""
    code = OTEL_SETUP + textwrap.dedent('''
        import json
        import threading
        import proton.tracing
        from proton import Message
        from proton.handlers import MessagingHandler, Reject
        from proton.reactor import Container
        from proton.utils import BlockingConnection, SendException

        class Refuser(MessagingHandler):
            def on_start(self, event):
                self.acceptor = event.container.listen("127.0.0.1:0")
                ready.set()
            def on_link_opening(self, event):
                if event.link.is_receiver:
                    event.link.target.address = event.link.remote_target.address
            def on_message(self, event):
                raise Reject()

        ready = threading.Event()
        refuser = Refuser()
        container = Container(refuser)
        thread = threading.Thread(target=container.run, daemon=True)
        thread.start()
        ready.wait(10)
        connection = BlockingConnection("127.0.0.1:%d" % refuser.acceptor.port)
        try:
            connection.create_sender("refused").send(Message(body="no"))
            raised = None
        except SendException as error:
            raised = type(error).__name__
        connection.close()
        result = {"raised": raised}
    ''') + OTEL_REPORT + PRINT_RESULT
    result = run_child(code)
    assert result["raised"] == "SendException"
    sends = [s for s in result["spans"] if s["name"] == "amqp-delivery-send"]
    assert len(sends) == 1 and sends[0]["attributes"]["delivery-terminal-state"] == "REJECTED", result["spans"]
