# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Ready-made event handlers (public facade)."""

from ._handlers import (
    EndpointStateHandler, FlowController, Handshaker, IncomingMessageHandler, IOHandler, MessagingHandler,
    OutgoingMessageHandler, PythonIO, Reject, Release, TransactionalClientHandler, TransactionHandler,
)

__all__ = [
    "MessagingHandler", "IncomingMessageHandler", "OutgoingMessageHandler", "EndpointStateHandler",
    "TransactionHandler", "TransactionalClientHandler", "Reject", "Release", "Handshaker", "FlowController",
    "IOHandler", "PythonIO",
]
