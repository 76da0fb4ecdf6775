# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Distributed tracing of messages, switched on by importing :mod:`proton.tracing`.

Importing this module replaces three classes for the rest of the process:

- the :class:`Sender` wrapper the engine hands out: each :class:`Message` it sends starts a producer
  span named ``amqp-delivery-send`` and carries that span's context to the receiver;
- the ``IncomingMessageHandler`` a :class:`MessagingHandler` builds: ``on_message`` of the
  application runs inside a consumer span named ``amqp-delivery-receive``, a child of the context
  the message carries (a new trace when it carries none);
- the ``OutgoingMessageHandler`` a :class:`MessagingHandler` builds: the producer span ends when
  the peer settles the delivery, tagged with the outcome, before the application's ``on_settled``.

Handlers built before the import keep the plain classes, so import :mod:`proton.tracing` before
making the container's handlers. Messages sent on a pre-settled link end their span at once (no
outcome will come back); control messages of transactions are not traced. A send span ends where a
``MessagingHandler`` sees the settlement, or when :meth:`BlockingSender.send` returns or raises
(with the outcome, or the error); a :class:`BlockingReceiver`'s messages get their receive span when
they arrive (the receiver's handler is a ``MessagingHandler``).

**Where the context travels.** The span context goes in the message annotations under the symbol
``x-opt-qpid-tracestate`` (the key python-qpid-proton uses). Its value is an AMQP map from strings
to strings: the text-map carrier the tracing library fills in, unchanged. With OpenTelemetry those
are the fields of the global propagator, by default W3C Trace Context (``traceparent``, and
``tracestate`` when there is one) and W3C Baggage (``baggage``); with Jaeger under OpenTracing, the
``uber-trace-id`` field (plus ``uberctx-*`` baggage fields). An OpenTelemetry application talking
to Jaeger-instrumented python-qpid-proton programs can install a Jaeger propagator globally to
follow their traces. When the library injects nothing (no tracer configured) the annotation is not
added. Received maps that are not string to string maps are ignored.

**Tags.** Both spans carry ``message_bus.destination`` (the link's target address when sending;
its source address when receiving, or its target's when the source has none), ``peer.address``
(the address of the socket's peer, any password written ``***``), ``peer.hostname`` (the
connection's host name) and ``component`` (``proton-message-tracing``), each only when known, and a
producer or consumer span kind (OpenTelemetry's ``SpanKind``, or the OpenTracing ``span.kind`` tag).
They also carry the attributes of OpenTelemetry's semantic conventions for messaging:
``messaging.system`` (``amqp``), ``messaging.destination.name`` (the address above),
``messaging.operation.type`` and ``messaging.operation.name`` (``send`` for the producer span,
``process`` for the consumer span around ``on_message``), ``messaging.message.id`` (when the message
has an id), ``network.peer.address`` and ``network.peer.port`` (the socket's peer) and
``server.address`` and ``server.port`` (where the connection was made to, on the connecting side). The send span adds
``delivery-tag`` and, once settled, ``delivery-terminal-state`` (``ACCEPTED``, ``REJECTED``,
``RELEASED``, ``MODIFIED`` ...) with a ``delivery settled`` event; it is kept as ``delivery.span``
on the delivery :meth:`Sender.send` returns. A receive span whose handler raises :class:`Reject` or
:class:`Release` gets a ``message rejected`` or ``message released`` event; any other exception is
recorded as an error and raised on.

**Backends**, picked once at import:

1. OpenTelemetry, when ``opentelemetry`` (the ``opentelemetry-api`` package) imports. Tracers come
   from ``opentelemetry.trace.get_tracer`` with the service name as the instrumentation scope;
   the application configures the tracer provider (exporters, and the ``service.name`` resource,
   e.g. through ``OTEL_SERVICE_NAME``), before or after this import.
2. OpenTracing, when ``opentracing`` imports. :func:`init_tracer` adopts a tracer the application
   registered with ``opentracing.set_global_tracer``; when there is none and ``jaeger_client``
   imports, it configures a Jaeger tracer for the service name the way python-qpid-proton does,
   and flushes it when the process exits. Without either, the global tracer is OpenTracing's
   no-op tracer.

Without ``opentelemetry`` and ``opentracing`` the import fails with :class:`ImportError`.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import logging
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, Iterator, Mapping, Optional, Tuple

from . import _cproton, _endpoints, _handlers, _utils
from ._data import symbol
from ._delivery import DispositionType
from ._endpoints import Terminus
from ._handlers import Reject, Release
from ._message import Message
from ._url import Url, redacted

if TYPE_CHECKING:
    from ._delivery import Delivery
    from ._endpoints import Connection
    from ._events import Event

log = logging.getLogger("proton")

#: The message annotation that carries the span context.
TRACESTATE_KEY = symbol("x-opt-qpid-tracestate")
#: The ``component`` tag of every span.
COMPONENT = "proton-message-tracing"
SEND_SPAN = "amqp-delivery-send"
RECEIVE_SPAN = "amqp-delivery-receive"

# Tag names shared by both backends (OpenTracing's standard names; OpenTelemetry gets them as attributes).
_DESTINATION = "message_bus.destination"
_PEER_ADDRESS = "peer.address"
_PEER_HOSTNAME = "peer.hostname"
_COMPONENT = "component"
_DELIVERY_TAG = "delivery-tag"
_TERMINAL_STATE = "delivery-terminal-state"
# OpenTelemetry's semantic conventions for messaging spans (the names are the conventions')
MESSAGING_SYSTEM = "amqp"
_SYSTEM = "messaging.system"
_DESTINATION_NAME = "messaging.destination.name"
_OPERATION_TYPE = "messaging.operation.type"
_OPERATION_NAME = "messaging.operation.name"
_MESSAGE_ID = "messaging.message.id"
_NET_PEER_ADDRESS = "network.peer.address"
_NET_PEER_PORT = "network.peer.port"
_SERVER_ADDRESS = "server.address"
_SERVER_PORT = "server.port"

#: How long the exit hook waits for a Jaeger tracer to flush its spans, in seconds.
_FLUSH_LIMIT = 5.0

Tags = Dict[str, Any]
Carrier = Dict[str, str]


class _Backend:
    """What the patched classes ask of a tracing library. One subclass per library."""

    def new_tracer(self, service_name: str) -> Any:
        """The tracer for ``service_name`` (called once per process)."""
        raise NotImplementedError

    def start_send(self, tracer: Any, tags: Tags) -> Tuple[Any, Carrier]:
        """Start a producer span; return it and the carrier holding its context."""
        raise NotImplementedError

    def tag(self, span: Any, key: str, value: str) -> None:
        """Set one tag (attribute) on ``span``."""
        raise NotImplementedError

    def end_send(self, span: Any, state: Optional[str], error: Optional[BaseException] = None) -> None:
        """End a producer span, with the delivery's terminal ``state`` or the ``error`` that stopped it."""
        raise NotImplementedError

    def receive(self, tracer: Any, carrier: Optional[Carrier], tags: Tags) -> Any:
        """A context manager: a consumer span, active while it is entered."""
        raise NotImplementedError


class _OpenTelemetry(_Backend):
    """OpenTelemetry: the API's tracers and its global propagator."""

    def __init__(self) -> None:
        # Imported by name: the libraries are optional, and mypy need not find them.
        self._context = importlib.import_module("opentelemetry.context")
        self._propagate = importlib.import_module("opentelemetry.propagate")
        self._trace = importlib.import_module("opentelemetry.trace")

    def new_tracer(self, service_name: str) -> Any:
        return self._trace.get_tracer(service_name)

    def start_send(self, tracer: Any, tags: Tags) -> Tuple[Any, Carrier]:
        span = tracer.start_span(SEND_SPAN, kind=self._trace.SpanKind.PRODUCER, attributes=tags)
        carrier: Carrier = {}
        self._propagate.inject(carrier, context=self._trace.set_span_in_context(span))
        return span, carrier

    def tag(self, span: Any, key: str, value: str) -> None:
        span.set_attribute(key, value)

    def end_send(self, span: Any, state: Optional[str], error: Optional[BaseException] = None) -> None:
        if state is not None:
            span.set_attribute(_TERMINAL_STATE, state)
            span.add_event("delivery settled", {"state": state})
        if error is not None:
            self._record_error(span, error)
        span.end()

    def _record_error(self, span: Any, error: BaseException) -> None:
        span.record_exception(error)
        span.set_status(self._trace.Status(self._trace.StatusCode.ERROR, f"{type(error).__name__}: {error}"))

    @contextlib.contextmanager
    def receive(self, tracer: Any, carrier: Optional[Carrier], tags: Tags) -> Iterator[Any]:
        # An empty Context, not the current one: a message without a context starts a new trace,
        # whatever span happens to be active in the thread.
        parent = self._context.Context()
        if carrier:
            parent = self._propagate.extract(carrier, context=parent)
        with tracer.start_as_current_span(RECEIVE_SPAN, context=parent, kind=self._trace.SpanKind.CONSUMER,
                                          attributes=tags, record_exception=False,
                                          set_status_on_exception=False) as span:
            try:
                yield span
            except (Reject, Release) as outcome:
                span.add_event(_outcome_event(outcome))
                raise
            except Exception as error:
                self._record_error(span, error)
                raise


class _OpenTracing(_Backend):
    """OpenTracing: the global tracer, Jaeger's when nothing else is registered."""

    def __init__(self) -> None:
        self._opentracing = importlib.import_module("opentracing")
        self._tags = importlib.import_module("opentracing.ext.tags")
        self._text_map = importlib.import_module("opentracing.propagation").Format.TEXT_MAP
        self._jaeger: Any = None
        self._jaeger_missing: Optional[ImportError] = None
        try:
            self._jaeger = importlib.import_module("jaeger_client")
        except ImportError as missing:
            self._jaeger_missing = missing

    def new_tracer(self, service_name: str) -> Any:
        ot = self._opentracing
        if self._jaeger is not None and not ot.is_global_tracer_registered():
            config = self._jaeger.Config(config={}, service_name=service_name, validate=True)
            config.initialize_tracer()
            atexit.register(self._flush)
        elif not ot.is_global_tracer_registered():
            log.warning("proton.tracing: no OpenTracing tracer is registered and jaeger_client cannot be imported "
                        "(%s): spans go to OpenTracing's no-op tracer", self._jaeger_missing)
        return ot.global_tracer()

    def _flush(self) -> None:
        """At exit: close the Jaeger tracer and give its reporter a bounded time to send what it holds."""
        done = self._opentracing.global_tracer().close()
        deadline = time.monotonic() + _FLUSH_LIMIT
        while done is not None and not done.done() and time.monotonic() < deadline:
            time.sleep(0.05)

    def _with_kind(self, tags: Tags, kind: str) -> Tags:
        return {self._tags.SPAN_KIND: kind, **tags}

    def start_send(self, tracer: Any, tags: Tags) -> Tuple[Any, Carrier]:
        span = tracer.start_span(SEND_SPAN, tags=self._with_kind(tags, self._tags.SPAN_KIND_PRODUCER))
        carrier: Carrier = {}
        tracer.inject(span.context, self._text_map, carrier)
        return span, carrier

    def tag(self, span: Any, key: str, value: str) -> None:
        span.set_tag(key, value)

    def end_send(self, span: Any, state: Optional[str], error: Optional[BaseException] = None) -> None:
        if state is not None:
            span.set_tag(_TERMINAL_STATE, state)
            span.log_kv({"event": "delivery settled", "state": state})
        if error is not None:
            self._record_error(span, error)
        span.finish()

    def _record_error(self, span: Any, error: BaseException) -> None:
        span.set_tag(self._tags.ERROR, True)
        span.log_kv({"event": "error", "error.kind": type(error).__name__, "error.object": error,
                     "message": str(error)})

    @contextlib.contextmanager
    def receive(self, tracer: Any, carrier: Optional[Carrier], tags: Tags) -> Iterator[Any]:
        parent = None
        if carrier:
            try:
                parent = tracer.extract(self._text_map, carrier)
            except self._opentracing.SpanContextCorruptedException:
                parent = None
        # ignore_active_span: without a parent in the message, start a new trace.
        scope = tracer.start_active_span(RECEIVE_SPAN, child_of=parent, ignore_active_span=True,
                                         tags=self._with_kind(tags, self._tags.SPAN_KIND_CONSUMER))
        try:
            yield scope.span
        except (Reject, Release) as outcome:
            scope.span.log_kv({"event": _outcome_event(outcome)})
            raise
        except Exception as error:
            self._record_error(scope.span, error)
            raise
        finally:
            scope.close()


def _outcome_event(outcome: BaseException) -> str:
    return "message rejected" if isinstance(outcome, Reject) else "message released"


def _pick_backend() -> _Backend:
    for kind in (_OpenTelemetry, _OpenTracing):
        try:
            return kind()
        except ImportError:
            continue
    raise ImportError("proton.tracing needs OpenTelemetry (pip install opentelemetry-api opentelemetry-sdk) "
                      "or OpenTracing (pip install opentracing jaeger-client); neither is installed")


_backend = _pick_backend()
_tracer: Any = None
_tracer_lock = threading.Lock()


def init_tracer(service_name: str) -> Any:
    """Set up the tracer used for messages, once per process, and return it.

    With OpenTelemetry this is ``opentelemetry.trace.get_tracer(service_name)``; with OpenTracing,
    the registered global tracer, or a Jaeger tracer for ``service_name`` when none is registered
    and ``jaeger_client`` is installed. Later calls return the first tracer, whatever name they give.

    :param service_name: the name of this program in the traces.
    :return: the tracer, of the backend library's own type.
    """
    global _tracer
    with _tracer_lock:
        if _tracer is None:
            _tracer = _backend.new_tracer(service_name)
        return _tracer


def get_tracer() -> Any:
    """The tracer used for messages, set up by :func:`init_tracer` with the program's file name
    (``interactive-session`` when there is none) if nothing set it up before.

    :return: the tracer, of the backend library's own type.
    """
    if _tracer is not None:
        return _tracer
    program = sys.argv[0] if sys.argv and sys.argv[0] else "interactive-session"
    return init_tracer(os.path.basename(program))


def _text(value: Any) -> Optional[str]:
    """``value`` as a tag value (tags are strings; bytes are decoded leniently), None stays None."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "backslashreplace")
    return str(value)


def _host_port(address: Optional[str]) -> Tuple[Optional[str], Optional[int]]:
    if not address:
        return None, None
    try:
        url = Url(address)
        return url.host, int(url.port) if url.port else None
    except (ValueError, TypeError):
        return None, None


def _tags(address: Optional[str], connection: Optional[Connection], operation: str,
          message: Optional[Message] = None) -> Tags:
    """The tags both spans carry; unknown values are left out (tracing libraries refuse None)."""
    found: Dict[str, Any] = {_DESTINATION: address, _COMPONENT: COMPONENT, _SYSTEM: MESSAGING_SYSTEM,
                             _DESTINATION_NAME: address, _OPERATION_TYPE: operation, _OPERATION_NAME: operation}
    if message is not None and message.id is not None:
        found[_MESSAGE_ID] = message.id
    if connection is not None:
        peer = connection.connected_address   # spans are exported: no password in them
        found[_PEER_ADDRESS] = None if peer is None else redacted(peer)
        found[_PEER_HOSTNAME] = connection.hostname
        host, port = _host_port(peer)
        found[_NET_PEER_ADDRESS], found[_NET_PEER_PORT] = host, port
        if getattr(connection, "_overrides", None) is not None:      # a connection this end made
            found[_SERVER_ADDRESS], found[_SERVER_PORT] = connection.hostname or host, port
    tags: Tags = {}
    for key, value in found.items():
        if isinstance(value, int) and not isinstance(value, bool):
            tags[key] = int(value)
            continue
        text = _text(value)
        if text is not None:
            tags[key] = text
    return tags


def _address(terminus: Optional[Terminus]) -> Optional[str]:
    if terminus is None:
        return None
    address: Optional[str] = terminus.address
    return address


def _state_name(state: Any) -> Optional[str]:
    """The name of a delivery's remote state (None when the peer gave none)."""
    if isinstance(state, DispositionType):
        return state.name
    return None if not state else f"0x{int(state):x}"


def _carrier_of(message: Optional[Message]) -> Optional[Carrier]:
    """The span context a received message carries, as a string to string dict, or None."""
    annotations = None if message is None else message.annotations
    if not annotations:
        return None
    found = annotations.get(TRACESTATE_KEY)
    if not isinstance(found, Mapping):
        return None
    carrier = {str(k): v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}
    return carrier or None


def _attach_carrier(message: Message, carrier: Carrier) -> None:
    # A fresh dict is assigned rather than the annotations changed in place, so a mapping the
    # application still holds (or one shared between messages) is left as it was.
    annotations = message.annotations
    updated: Dict[Any, Any] = {} if annotations is None else dict(annotations)
    updated[TRACESTATE_KEY] = carrier
    message.annotations = updated


class Sender(_endpoints.Sender):
    """A :class:`proton.Sender` that traces each message it sends (see the module's description)."""

    def send(self, obj: Any, tag: Any = None) -> Any:
        """Send ``obj`` as :meth:`proton.Sender.send` does; a :class:`Message` is sent inside a new
        ``amqp-delivery-send`` span, whose context travels in the message annotations.

        :param obj: a :class:`Message`, bytes to stream, or an object that sends itself.
        :param tag: the delivery tag; a fresh one when omitted.
        :return: the :class:`Delivery` (for a message), as :meth:`proton.Sender.send` returns.
        """
        if not isinstance(obj, Message) or self.target.type == Terminus.COORDINATOR:
            return super().send(obj, tag)
        tracer = get_tracer()
        span, carrier = _backend.start_send(tracer, _tags(_address(self.target), self.connection, "send", obj))
        try:
            if carrier:
                _attach_carrier(obj, carrier)
            delivery = super().send(obj, tag)
        except BaseException as error:
            _backend.end_send(span, None, error)
            raise
        delivery.span = span
        delivery_tag = _text(delivery.tag)
        if delivery_tag is not None:
            _backend.tag(span, _DELIVERY_TAG, delivery_tag)
        if self.snd_settle_mode == _endpoints.Link.SND_SETTLED:
            _backend.end_send(span, None)
        else:
            self._cyproton_span = span       # for a BlockingSender's send() to end
        return delivery


class IncomingMessageHandler(_handlers.IncomingMessageHandler):
    """The incoming half of :class:`MessagingHandler`, running the delegate's ``on_message`` inside
    an ``amqp-delivery-receive`` span."""

    def on_message(self, event: Event) -> None:
        if self.delegate is None:
            return
        link = event.link
        address = None if link is None else _address(link.source) or _address(link.target)
        tags = _tags(address, event.connection, "process", event.message)
        with _backend.receive(get_tracer(), _carrier_of(event.message), tags):
            super().on_message(event)


class OutgoingMessageHandler(_handlers.OutgoingMessageHandler):
    """The outgoing half of :class:`MessagingHandler`, ending a sent message's span when the peer
    settles it, before the delegate's ``on_settled``."""

    def on_settled(self, event: Event) -> None:
        delivery: Optional[Delivery] = event.delivery
        span = getattr(delivery, "span", None)
        if delivery is not None and span is not None:
            _backend.end_send(span, _state_name(delivery.remote_state))
        super().on_settled(event)


_plain_blocking_send = _utils.BlockingSender.send


def _blocking_send(self: _utils.BlockingSender, msg: Message, timeout: Any = False,
                   error_states: Optional[Any] = None) -> Any:
    """:meth:`BlockingSender.send`, ending the message's send span with the outcome (or the error)."""
    link = self.link
    try:
        delivery = _plain_blocking_send(self, msg, timeout, error_states)
    except _utils.SendException as refused:
        _end_blocking_span(link, _state_name(refused.state))
        raise
    except BaseException as error:
        _end_blocking_span(link, None, error)
        raise
    _end_blocking_span(link, _state_name(delivery.remote_state))
    return delivery


def _end_blocking_span(link: Any, state: Optional[str], error: Optional[BaseException] = None) -> None:
    span = getattr(link, "_cyproton_span", None)
    if span is not None:
        link._cyproton_span = None
        _backend.end_send(span, state, error)


def _install() -> None:
    """Put the tracing classes in place of the plain ones, in the engine and in every module that
    names them (the public modules only when already imported: they import the patched names later)."""
    _cproton.bind(Sender=Sender)
    _endpoints.Sender = Sender  # type: ignore[misc]
    _handlers.IncomingMessageHandler = IncomingMessageHandler  # type: ignore[misc]
    _handlers.OutgoingMessageHandler = OutgoingMessageHandler  # type: ignore[misc]
    _utils.BlockingSender.send = _blocking_send  # type: ignore[method-assign]
    replaced: Dict[str, Dict[str, type]] = {
        "proton": {"Sender": Sender},
        "proton.handlers": {"IncomingMessageHandler": IncomingMessageHandler,
                            "OutgoingMessageHandler": OutgoingMessageHandler},
    }
    for module_name, names in replaced.items():
        module = sys.modules.get(module_name)
        if module is not None:
            for name, cls in names.items():
                setattr(module, name, cls)


_install()
