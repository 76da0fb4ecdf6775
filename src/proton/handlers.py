# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Ready-made event handlers (public facade)."""

from ._handlers import (
    EndpointStateHandler, FlowController, Handshaker, IncomingMessageHandler, MessagingHandler, OutgoingMessageHandler,
    Reject, Release, TransactionalClientHandler, TransactionHandler,
)
from ._io import IOHandler, PythonIO

__all__ = [
    "MessagingHandler", "IncomingMessageHandler", "OutgoingMessageHandler", "EndpointStateHandler",
    "TransactionHandler", "TransactionalClientHandler", "Reject", "Release", "Handshaker", "FlowController",
    "IOHandler", "PythonIO",
]
