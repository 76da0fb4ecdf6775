# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Exceptions of cyproton.aio: subclasses of proton's own, each carrying the peer's condition."""

from __future__ import annotations

from typing import Any, Optional

from proton import ConnectionException, LinkException, ProtonException


class AioError(ProtonException):
    """Base of the errors cyproton.aio raises."""

    def __init__(self, text: str, condition: Optional[Any] = None) -> None:
        if condition is not None:
            text = f"{text}: {condition}"
        super().__init__(text)
        #: the peer's :class:`proton.Condition` (``None`` when it gave none)
        self.condition = condition


class ConnectionClosed(AioError, ConnectionException):
    """The connection ended (closed by either side, or its transport failed)."""


class LinkClosed(AioError, LinkException):
    """The link was closed (or refused) by the peer, or closed here."""


class DeliveryFailed(AioError, LinkException):
    """The peer did not accept a message; ``outcome`` is the delivery state it gave."""

    def __init__(self, text: str, outcome: int, condition: Optional[Any] = None) -> None:
        super().__init__(text, condition)
        self.outcome = outcome


class DeliveryRejected(DeliveryFailed):
    """The peer rejected the message."""


class DeliveryReleased(DeliveryFailed):
    """The peer released the message (it was not processed)."""


class DeliveryModified(DeliveryFailed):
    """The peer returned the message as modified."""


class TransactionFailed(AioError):
    """The peer's coordinator could not declare or commit the transaction."""
