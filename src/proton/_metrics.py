# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Optional OpenTelemetry metrics of messaging, off until switched on.

Switch them on with :func:`enable` (``cyproton.metrics.enable()``), or by setting the environment
variable ``CYPROTON_METRICS=1`` before ``proton`` is imported. Until then this module is not even
imported and nothing in the package counts anything: the per-message path is the plain one.

Switching on replaces, for the rest of the process, the classes that see messages (as
:mod:`proton.tracing` does, and composing with it in either order): the :class:`Sender` the engine
hands out, the incoming and outgoing halves a :class:`MessagingHandler` builds, the connector of the
connections :meth:`Container.connect` makes, and :meth:`BlockingSender.send`. Handlers built before
the switch keep the plain classes, so switch on before making the container's handlers.

Instruments, from the meter ``cyproton`` of the global meter provider (or the one given):

========================================  ============  ======================================================
name                                      unit          counts
========================================  ============  ======================================================
``messaging.client.sent.messages``        {message}     messages sent (a :class:`Message` on any sender)
``messaging.client.consumed.messages``    {message}     complete messages a ``MessagingHandler`` takes
``cyproton.client.settled.messages``      {message}     sent messages the peer settled, by
                                                        ``cyproton.delivery.outcome`` (accepted, rejected,
                                                        released, modified, or none)
``cyproton.client.sent.bytes``            By            encoded size of the messages sent
``cyproton.client.received.bytes``        By            encoded size of the messages taken (encoded again)
``cyproton.client.connections.opened``    {connection}  connections made by ``connect()`` that opened
``cyproton.client.connections.closed``    {connection}  their transports that closed (each lost one too)
``cyproton.client.reconnects``            {attempt}     reconnect attempts after a lost transport
``cyproton.client.credit.stalls``         {stall}       sends that left their link without credit
========================================  ============  ======================================================

Message counts carry ``messaging.system`` (``amqp``) and ``messaging.destination.name`` (the
link's address), as OpenTelemetry's messaging conventions name them. Connections accepted by a
listener are not counted.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
from typing import Any, Dict, Optional

from . import _cproton, _endpoints, _handlers, _reactor, _utils
from ._message import Message

__all__ = ["ENV_SWITCH", "enable", "enabled"]

log = logging.getLogger("proton")

#: The environment variable that switches metrics on when ``proton`` is imported ("1", "true", "yes").
ENV_SWITCH = "CYPROTON_METRICS"
SYSTEM = "amqp"

_lock = threading.Lock()
_meter: Any = None
_counters: Dict[str, Any] = {}

_INSTRUMENTS = (
    ("sent", "messaging.client.sent.messages", "{message}", "Messages sent"),
    ("consumed", "messaging.client.consumed.messages", "{message}", "Messages received and taken by a handler"),
    ("settled", "cyproton.client.settled.messages", "{message}", "Sent messages settled by the peer, by outcome"),
    ("sent_bytes", "cyproton.client.sent.bytes", "By", "Encoded size of the messages sent"),
    ("received_bytes", "cyproton.client.received.bytes", "By", "Encoded size of the messages received"),
    ("opened", "cyproton.client.connections.opened", "{connection}", "Connections that opened"),
    ("closed", "cyproton.client.connections.closed", "{connection}", "Transports of those connections that closed"),
    ("reconnects", "cyproton.client.reconnects", "{attempt}", "Reconnect attempts"),
    ("stalls", "cyproton.client.credit.stalls", "{stall}", "Sends that left their link without credit"),
)


def enabled() -> bool:
    """Whether :func:`enable` has run in this process."""
    return _meter is not None


def enable(meter_provider: Any = None) -> None:
    """Count messages, bytes, outcomes, connections, reconnects and credit stalls with OpenTelemetry
    (see the module's description). Later calls do nothing.

    :param meter_provider: an OpenTelemetry ``MeterProvider``; default: the global one (configure it
        before or after, as OpenTelemetry allows).
    :raise ImportError: when ``opentelemetry-api`` is not installed.
    """
    global _meter
    with _lock:
        if _meter is not None:
            return
        try:
            metrics = importlib.import_module("opentelemetry.metrics")
        except ImportError:
            raise ImportError("cyproton metrics need OpenTelemetry: pip install opentelemetry-api "
                              "(and opentelemetry-sdk with an exporter)") from None
        from cyproton import __version__

        meter = metrics.get_meter("cyproton", __version__, meter_provider=meter_provider)
        for key, name, unit, description in _INSTRUMENTS:
            _counters[key] = meter.create_counter(name, unit=unit, description=description)
        _install()
        _meter = meter


def enable_from_environment() -> None:
    """:func:`enable` when :data:`ENV_SWITCH` says so; a missing OpenTelemetry is logged, not raised."""
    if os.environ.get(ENV_SWITCH, "").strip().lower() not in ("1", "true", "yes", "on"):
        return
    try:
        enable()
    except ImportError as missing:
        log.warning("%s is set but metrics are off: %s", ENV_SWITCH, missing)


_attribute_sets: Dict[Optional[str], Dict[str, str]] = {}


def _attributes(address: Optional[str]) -> Dict[str, str]:
    """The attributes of a count for ``address`` (one dict per address, made once: never change it)."""
    found = _attribute_sets.get(address)
    if found is None:
        found = {"messaging.system": SYSTEM}
        if address:
            found["messaging.destination.name"] = str(address)
        if len(_attribute_sets) < 10000:       # addresses made up per request (reply queues) are not kept
            _attribute_sets[address] = found
    return found


def _outcome(state: Any) -> str:
    name = getattr(state, "name", None)
    return str(name).lower() if name else "none"


def _install() -> None:
    sent, sent_bytes, stalls = _counters["sent"], _counters["sent_bytes"], _counters["stalls"]
    consumed, received_bytes = _counters["consumed"], _counters["received_bytes"]
    settled = _counters["settled"]
    opened, closed, reconnects = _counters["opened"], _counters["closed"], _counters["reconnects"]

    base_sender = _endpoints.Sender

    class Sender(base_sender):  # type: ignore[valid-type,misc]
        """A :class:`proton.Sender` that counts the messages it sends."""

        def send(self, obj: Any, tag: Any = None) -> Any:
            delivery = super().send(obj, tag)
            if isinstance(obj, Message):
                # kept with the link (its attribute dict lives with the engine object)
                attributes = self.__dict__.get("_cyproton_metrics")
                if attributes is None:
                    attributes = self.__dict__["_cyproton_metrics"] = _attributes(self.target.address)
                sent.add(1, attributes)
                sent_bytes.add(delivery.pending, attributes)
                if self.credit <= 0:
                    stalls.add(1, attributes)
            return delivery

    base_incoming = _handlers.IncomingMessageHandler

    class IncomingMessageHandler(base_incoming):  # type: ignore[valid-type,misc]
        """The incoming half of :class:`MessagingHandler`, counting each complete message it takes.

        Only ``on_message`` is overridden, so deliveries are still read and settled in compiled code;
        the size counted is that of the message encoded again (the bytes it came in are not kept)."""

        def on_message(self, event: Any) -> None:
            link = event.link
            attributes = _attributes(link.source.address or link.target.address)
            consumed.add(1, attributes)
            received_bytes.add(len(event.message.encode()), attributes)
            super().on_message(event)

    base_outgoing = _handlers.OutgoingMessageHandler

    class OutgoingMessageHandler(base_outgoing):  # type: ignore[valid-type,misc]
        """The outgoing half of :class:`MessagingHandler`, counting outcomes."""

        def on_settled(self, event: Any) -> None:
            link = event.link
            attributes = _attributes(link.target.address if link is not None else None)
            settled.add(1, {**attributes, "cyproton.delivery.outcome": _outcome(event.delivery.remote_state)})
            super().on_settled(event)

    base_connector = _reactor._Connector

    class Connector(base_connector):  # type: ignore[valid-type,misc]
        """The connector of connect()'s connections, counting opens, closes and reconnects."""

        def on_connection_remote_open(self, event: Any) -> None:
            opened.add(1, {"messaging.system": SYSTEM})
            super().on_connection_remote_open(event)

        def on_transport_closed(self, event: Any) -> None:
            managed = self.connection is not None
            super().on_transport_closed(event)
            if managed:
                closed.add(1, {"messaging.system": SYSTEM})
                if self.connection is not None:      # still ours: a new attempt is under way
                    reconnects.add(1, {"messaging.system": SYSTEM})

    plain_blocking_send = _utils.BlockingSender.send

    def blocking_send(self: Any, msg: Message, timeout: Any = False, error_states: Any = None) -> Any:
        attributes = _attributes(self.link.target.address)
        try:
            delivery = plain_blocking_send(self, msg, timeout, error_states)
        except _utils.SendException as refused:
            settled.add(1, {**attributes, "cyproton.delivery.outcome": _outcome(_state(refused.state))})
            raise
        if self.link.snd_settle_mode != _endpoints.Link.SND_SETTLED:
            settled.add(1, {**attributes, "cyproton.delivery.outcome": _outcome(delivery.remote_state)})
        return delivery

    _cproton.bind(Sender=Sender)
    _endpoints.Sender = Sender  # type: ignore[misc]
    _handlers.IncomingMessageHandler = IncomingMessageHandler  # type: ignore[misc]
    _handlers.OutgoingMessageHandler = OutgoingMessageHandler  # type: ignore[misc]
    _reactor._Connector = Connector  # type: ignore[misc]
    _utils.BlockingSender.send = blocking_send  # type: ignore[method-assign]
    for module_name, names in (("proton", {"Sender": Sender}),
                               ("proton.handlers", {"IncomingMessageHandler": IncomingMessageHandler,
                                                        "OutgoingMessageHandler": OutgoingMessageHandler})):
        module = sys.modules.get(module_name)
        if module is not None:
            for name, cls in names.items():
                setattr(module, name, cls)


def _state(code: Any) -> Any:
    from ._delivery import DispositionType

    try:
        return DispositionType(int(code))
    except (TypeError, ValueError):
        return None
