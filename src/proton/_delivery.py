# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Deliveries (one message in transit on a link) and their dispositions."""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Optional, Union

from . import _cproton


class DispositionType(IntEnum):
    """The AMQP delivery states, by their descriptor codes."""

    RECEIVED = 0x23
    ACCEPTED = 0x24
    REJECTED = 0x25
    RELEASED = 0x26
    MODIFIED = 0x27

    @classmethod
    def or_int(cls, i: int) -> Union[int, DispositionType]:
        """The member for ``i`` when there is one, else ``i`` itself."""
        return cls(i) if i in cls._value2member_map_ else i


class Disposition(_cproton.CDisposition):
    """The state of a delivery at one end (``delivery.local``) or at the peer (``delivery.remote``).

    ``type`` is one of the :class:`DispositionType` codes. On a local disposition the
    ``condition`` (rejected), ``annotations`` (modified), ``failed``/``undeliverable`` (modified)
    and ``data`` (a custom state) are sent by :meth:`Delivery.update`.
    """

    RECEIVED = DispositionType.RECEIVED
    ACCEPTED = DispositionType.ACCEPTED
    REJECTED = DispositionType.REJECTED
    RELEASED = DispositionType.RELEASED
    MODIFIED = DispositionType.MODIFIED

    def __init__(self, impl: object = None, local: bool = False) -> None:
        raise TypeError("dispositions are reached through Delivery.local and Delivery.remote")


class Delivery(_cproton.CDelivery):
    """One message transfer on a link, from creation until both ends settle it.

    Senders make deliveries with :meth:`Sender.send`; receivers get them in ``on_message`` (as
    ``event.delivery``) and end them with :meth:`update` and :meth:`settle`.
    """

    RECEIVED = DispositionType.RECEIVED
    ACCEPTED = DispositionType.ACCEPTED
    REJECTED = DispositionType.REJECTED
    RELEASED = DispositionType.RELEASED
    MODIFIED = DispositionType.MODIFIED

    # Set on some deliveries and kept with the engine object (declared for the type checker only: a
    # class attribute would hide the per-object value): the bytes a received message came in, the
    # transaction it belongs to, the tracing span of a sent message.
    encoded: bytes
    transaction: Any
    span: Any
    #: On a message sent again after a failover (``resend_unsettled``): the delivery it was first.
    resent_from: "Delivery"

    def __init__(self, impl: object = None) -> None:
        raise TypeError("deliveries are made with Sender.send() or Link.delivery()")

    @staticmethod
    def wrap(impl: object) -> Optional[Delivery]:
        """``impl`` when it is already a Delivery, else None (engine pointers are not exposed)."""
        return impl if isinstance(impl, Delivery) else None
