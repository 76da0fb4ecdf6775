# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The container, link options, timers and cross-thread events (public facade)."""

from ._handler import Handler
from ._reactor import (
    ApplicationEvent, AtLeastOnce, AtMostOnce, Backoff, Container, Copy, DurableSubscription, DynamicNodeProperties,
    EventInjector, Filter, LinkOption, Move, ReceiverOption, Selector, SenderOption, Transaction,
)

__all__ = [
    "Container", "ApplicationEvent", "EventInjector", "Handler", "LinkOption", "ReceiverOption", "SenderOption",
    "AtLeastOnce", "AtMostOnce", "DynamicNodeProperties", "Filter", "Selector", "DurableSubscription", "Copy",
    "Move", "Backoff", "Transaction",
]
