# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The blocking API (public facade)."""

from ._utils import (
    BlockingConnection, BlockingReceiver, BlockingSender, ConnectionClosed, LinkDetached, SendException,
    SyncRequestResponse,
)

__all__ = [
    "BlockingConnection", "BlockingSender", "BlockingReceiver", "SyncRequestResponse", "SendException",
    "LinkDetached", "ConnectionClosed",
]
