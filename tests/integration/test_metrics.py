# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Optional OpenTelemetry metrics (proton._metrics, cyproton.metrics): off by default and then not
even imported (the per-message path is the plain one), counted when switched on by enable() or
CYPROTON_METRICS=1, composing with proton.tracing. Switching on replaces classes for the whole
process, so every scenario runs in a child interpreter that prints what it saw as JSON."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from typing import Any, Dict, Optional

import pytest

import proton

pytestmark = pytest.mark.impl

needs_otel = pytest.mark.skipif(importlib.util.find_spec("opentelemetry") is None
                                or importlib.util.find_spec("opentelemetry.sdk") is None,
                                reason="opentelemetry-api and opentelemetry-sdk are not installed")


def run_child(code: str, env: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    full_env = dict(os.environ)
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(proton.__file__)))
    full_env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, full_env.get("PYTHONPATH")) if p)
    full_env.pop("CYPROTON_METRICS", None)
    full_env.update(env or {})
    done = subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, f"child failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    found: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


READER = textwrap.dedent('''
    import json
    from opentelemetry import metrics
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader

    reader = InMemoryMetricReader()
    metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))

    def collected():
        found = {}
        for resource in reader.get_metrics_data().resource_metrics:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    for point in metric.data.data_points:
                        key = metric.name + "".join(f"|{k}={v}" for k, v in sorted(point.attributes.items())
                                                    if k != "messaging.system")
                        found[key] = point.value
        return found
''')

# One container listens and connects to itself: the client end sends BODIES with prefetch 2 on the
# receiving end, which rejects "bad"; then the connection closes.
EXCHANGE = textwrap.dedent('''
    from proton import Message
    from proton.handlers import MessagingHandler, Reject
    from proton.reactor import Container

    BODIES = ["a", "b", "bad", "c", "d"]

    class Exchange(MessagingHandler):
        def __init__(self):
            super().__init__(prefetch=2)
            self.sent = self.settled = self.received = 0

        def on_start(self, event):
            self.acceptor = event.container.listen("127.0.0.1:0")
            self.conn = event.container.connect("127.0.0.1:%d" % self.acceptor.port)
            event.container.create_sender(self.conn, "counted")

        def on_link_opening(self, event):
            if event.link.is_receiver:
                event.link.target.address = event.link.remote_target.address

        def on_sendable(self, event):
            while event.sender.credit and self.sent < len(BODIES):
                event.sender.send(Message(body=BODIES[self.sent]))
                self.sent += 1

        def on_message(self, event):
            self.received += 1
            if event.message.body == "bad":
                raise Reject()

        def on_settled(self, event):
            self.settled += 1
            if self.settled == len(BODIES):
                self.conn.close()
                self.acceptor.close()

    Container(Exchange()).run()
''')


def test_off_by_default_and_not_even_imported() -> None:
    code = textwrap.dedent('''
        import json, sys
        import proton, proton.handlers, proton.utils, proton.reactor, proton._reactor
        from proton import _cproton, _endpoints, _handlers
        result = {"imported": "proton._metrics" in sys.modules,
                  "plain_send": _endpoints.Sender.send is _cproton.CLink.send,
                  "incoming": _handlers.IncomingMessageHandler.__module__,
                  "connector": proton._reactor._Connector.__module__}
        print(json.dumps(result))
    ''')
    result = run_child(code)
    assert result == {"imported": False, "plain_send": True, "incoming": "proton._handlers",
                      "connector": "proton._reactor"}


@needs_otel
def test_counts_messages_bytes_outcomes_connections_and_stalls() -> None:
    code = READER + "import cyproton.metrics\ncyproton.metrics.enable()\n" + EXCHANGE + textwrap.dedent('''
        import proton._metrics
        print(json.dumps({"enabled": proton._metrics.enabled(), "metrics": collected()}))
    ''')
    result = run_child(code)
    assert result["enabled"] is True
    found = result["metrics"]
    where = "|messaging.destination.name=counted"
    assert found["messaging.client.sent.messages" + where] == 5
    assert found["messaging.client.consumed.messages" + where] == 5
    assert found["cyproton.client.settled.messages|cyproton.delivery.outcome=accepted" + where] == 4
    assert found["cyproton.client.settled.messages|cyproton.delivery.outcome=rejected" + where] == 1
    assert found["cyproton.client.sent.bytes" + where] == found["cyproton.client.received.bytes" + where] > 5 * 3
    assert found["cyproton.client.credit.stalls" + where] >= 1          # prefetch 2, five messages
    assert found["cyproton.client.connections.opened"] == 1
    assert found["cyproton.client.connections.closed"] == 1
    assert "cyproton.client.reconnects" not in found


@needs_otel
def test_counts_reconnects() -> None:
    code = READER + "import cyproton.metrics\ncyproton.metrics.enable()\n" + textwrap.dedent('''
        import socket
        from proton.handlers import MessagingHandler
        from proton.reactor import Backoff, Container

        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()                       # nothing listens there now

        class Retry(MessagingHandler):
            def on_start(self, event):
                self.conn = event.container.connect("127.0.0.1:%d" % port,
                                                    reconnect=Backoff(initial=0.05, factor=1, max_delay=0.05))
                event.container.schedule(0.6, self)

            def on_timer_task(self, event):
                self.conn.close()
                event.container.stop()

        Container(Retry()).run()
        print(json.dumps({"metrics": collected()}))
    ''')
    found = run_child(code)["metrics"]
    assert found["cyproton.client.reconnects"] >= 2
    assert found["cyproton.client.connections.closed"] >= found["cyproton.client.reconnects"]
    assert "cyproton.client.connections.opened" not in found


@needs_otel
def test_environment_switch_and_tracing_together() -> None:
    """CYPROTON_METRICS=1 switches metrics on at import; proton.tracing imported afterwards still traces,
    and the messages are both counted and traced."""
    setup = textwrap.dedent('''
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
    ''')
    code = READER + setup + "import proton, proton.tracing\n" + EXCHANGE + textwrap.dedent('''
        spans = [s.name for s in exporter.get_finished_spans()]
        print(json.dumps({"enabled": proton._metrics.enabled(), "metrics": collected(),
                          "sends": spans.count("amqp-delivery-send"),
                          "receives": spans.count("amqp-delivery-receive")}))
    ''')
    result = run_child(code, env={"CYPROTON_METRICS": "1"})
    assert result["enabled"] is True
    assert result["metrics"]["messaging.client.sent.messages|messaging.destination.name=counted"] == 5
    assert result["sends"] == 5 and result["receives"] == 5


def test_without_opentelemetry() -> None:
    code = textwrap.dedent('''
        import json, sys
        sys.modules["opentelemetry"] = None
        import cyproton.metrics
        try:
            cyproton.metrics.enable()
            error = None
        except ImportError as problem:
            error = str(problem)
        print(json.dumps({"error": error, "enabled": cyproton.metrics.enabled()}))
    ''')
    result = run_child(code)
    assert result["error"] and "opentelemetry-api" in result["error"] and result["enabled"] is False
    logged = subprocess.run([sys.executable, "-c", "import sys; sys.modules['opentelemetry'] = None\n"
                             "import logging; logging.basicConfig()\nimport proton"],
                            env=dict(os.environ, CYPROTON_METRICS="1", PYTHONPATH=os.pathsep.join(
                                p for p in (os.path.dirname(os.path.dirname(os.path.abspath(proton.__file__))),
                                            os.environ.get("PYTHONPATH")) if p)),
                            capture_output=True, text=True, timeout=30)
    assert logged.returncode == 0 and "CYPROTON_METRICS is set but metrics are off" in logged.stderr
