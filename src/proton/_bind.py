# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The one place the Python layer hands its classes to the compiled module (cython/registry.pyx).

Imported last by the package's ``__init__``, once every module it names is loaded; the check at
the end makes a slot left empty an ImportError here rather than a failure somewhere later.
"""

from __future__ import annotations

from . import _cproton, _data, _delivery, _endpoints, _events, _handlers, _transport
from ._condition import Condition
from ._handler import Handler
from ._message import Message

_cproton.bind(
    # the value types the codec maps (cython/codec.pyx, encode.pyx, decode.pyx)
    symbol=_data.symbol, char=_data.char, timestamp=_data.timestamp, ubyte=_data.ubyte, ushort=_data.ushort,
    uint=_data.uint, ulong=_data.ulong, byte=_data.byte, short=_data.short, int32=_data.int32,
    float32=_data.float32, decimal32=_data.decimal32, decimal64=_data.decimal64, decimal128=_data.decimal128,
    Described=_data.Described, Array=_data.Array, UNDESCRIBED=_data.UNDESCRIBED,
    AnnotationDict=_data.AnnotationDict, PropertyDict=_data.PropertyDict, SymbolList=_data.SymbolList,
    UnmappedType=_data.UnmappedType, Data=_data.Data, annotation_key=_data._symbolize_or_ulong,
    # the public wrappers the engine fragments make (cython/engine.pyx, transport.pyx)
    Connection=_endpoints.Connection, Session=_endpoints.Session, Sender=_endpoints.Sender,
    Receiver=_endpoints.Receiver, Terminus=_endpoints.Terminus, Delivery=_delivery.Delivery,
    Disposition=_delivery.Disposition, DispositionType=_delivery.DispositionType, Condition=Condition,
    Transport=_transport.Transport, Handler=Handler, Message=Message,
    # events and handlers (cython/events.pyx, handlers.pyx)
    Event=_events.Event, Reject=_handlers.Reject, Release=_handlers.Release,
    FlowController=_handlers.FlowController, EndpointStateHandler=_handlers.EndpointStateHandler,
    IncomingMessageHandler=_handlers.IncomingMessageHandler, OutgoingMessageHandler=_handlers.OutgoingMessageHandler,
    # the loop's own event types (cython/reactor.pyx)
    loop_events={name: getattr(_events.Event, name.upper()).number for name in _cproton.LOOP_EVENT_NAMES},
)
_cproton.check_bound()
