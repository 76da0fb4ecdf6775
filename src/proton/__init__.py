# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""cyproton's ``proton`` package: the python-qpid-proton API over a compiled Proton-C engine."""

import logging
import logging.config
import os

from ._cproton import build_info as _build_info
from ._data import (
    UNDESCRIBED, AnnotationDict, Array, Data, Described, PropertyDict, SymbolList, byte, char, decimal32, decimal64,
    decimal128, float32, int32, short, symbol, timestamp, ubyte, uint, ulong, ushort,
)
from ._exceptions import (
    ConnectionException, DataException, Interrupt, LinkException, MessageException, ProtonException,
    SessionException, SSLException, SSLUnavailable, Timeout, TransportException,
)
from ._message import Message
from ._condition import Condition
from ._delivery import Delivery, Disposition
from ._endpoints import Connection, Endpoint, Link, Receiver, Sender, Session, Terminus
from ._events import Collector, Event, EventType
from ._handler import Handler
from ._transport import SASL, SSL, SSLDomain, SSLSessionDetails, Transport
from ._url import Url
from . import _handlers as _handlers_module  # noqa: F401
from . import _bind  # noqa: F401  (last: hands the classes above to the compiled module)

VERSION_MAJOR, VERSION_MINOR, VERSION_POINT = (int(x) for x in _build_info()["engine_version"].split(".")[:3])
VERSION = (VERSION_MAJOR, VERSION_MINOR, VERSION_POINT)
PN_VERSION_MAJOR, PN_VERSION_MINOR, PN_VERSION_POINT = VERSION
API_LANGUAGE = "C"
IMPLEMENTATION_LANGUAGE = "C"

#: The handler of the "proton" logger when no logging configuration is given (it drops records, so a
#: program that configures no logging sees nothing from the library, as with python-qpid-proton).
handler = logging.NullHandler()
#: A logging configuration file (``logging.config.fileConfig`` format) named by PNPY_LOGGER_CONFIG.
logconfigfile = os.getenv("PNPY_LOGGER_CONFIG", None)
if logconfigfile:
    logging.config.fileConfig(logconfigfile, None, False)
#: The library's logger, "proton".
log = logging.getLogger("proton")
if not logconfigfile:
    log.addHandler(handler)

# Optional OpenTelemetry metrics (proton._metrics): not even imported unless asked for.
if os.environ.get("CYPROTON_METRICS"):
    from . import _metrics as _metrics_switch

    _metrics_switch.enable_from_environment()

__all__ = [
    "Collector", "Condition", "Connection", "Delivery", "Disposition", "Endpoint", "Event", "EventType",
    "Handler", "Link", "Receiver", "SASL", "SSL", "SSLDomain", "SSLSessionDetails", "Sender", "Session",
    "Terminus", "Transport", "Url",
    "API_LANGUAGE", "IMPLEMENTATION_LANGUAGE", "UNDESCRIBED", "AnnotationDict", "Array", "ConnectionException",
    "Data", "DataException", "Described", "Interrupt", "LinkException", "Message", "MessageException",
    "PropertyDict", "ProtonException", "SSLException", "SSLUnavailable", "SessionException", "SymbolList",
    "Timeout", "TransportException", "VERSION", "VERSION_MAJOR", "VERSION_MINOR", "VERSION_POINT", "byte",
    "char", "decimal128", "decimal32", "decimal64", "float32", "int32", "short", "symbol", "timestamp",
    "ubyte", "uint", "ulong", "ushort",
]
