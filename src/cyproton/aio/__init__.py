# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""An asyncio API over the proton engine, on the caller's event loop (no thread).

``conn = await connect(url)`` opens a connection; ``await conn.open_sender(address)`` and
``await conn.open_receiver(address)`` open links; ``await sender.send(message)`` waits for the
peer's outcome, ``async for delivery in receiver`` yields what arrives. ``await listen(address)``
accepts connections (``async for conn in server``) and the links peers open on them
(``async for link in conn.incoming_links()``).

The sockets are watched with ``loop.add_reader`` / ``add_writer`` and the engine's timers with
``loop.call_at``, through the container's selectable interface: any asyncio loop (uvloop too) works.
"""

from ._api import (
    Connection,
    Delivery,
    Receiver,
    Requester,
    Sender,
    Server,
    Transaction,
    connect,
    listen,
)
from ._errors import (
    AioError,
    ConnectionClosed,
    DeliveryFailed,
    DeliveryModified,
    DeliveryRejected,
    DeliveryReleased,
    LinkClosed,
    TransactionFailed,
)

__all__ = [
    "AioError",
    "Connection",
    "ConnectionClosed",
    "Delivery",
    "DeliveryFailed",
    "DeliveryModified",
    "DeliveryRejected",
    "DeliveryReleased",
    "LinkClosed",
    "Receiver",
    "Requester",
    "Sender",
    "Server",
    "Transaction",
    "TransactionFailed",
    "connect",
    "listen",
]
