# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The :class:`Message` class: an AMQP message's sections as Python attributes."""

from __future__ import annotations

import inspect
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any, Iterator, Optional, cast

from . import _cproton
from ._data import Data  # noqa: F401  (registers the value types with the codec first)

if TYPE_CHECKING:
    from ._delivery import Delivery
    from ._endpoints import Receiver, Sender


class _MessageBase(_cproton.CMessage):
    """The compiled message, with a dict for attributes a program adds (Message shows its fields
    over it as ``__dict__``)."""


_INSTANCE_DICT = _MessageBase.__dict__["__dict__"]


class _Fields(MutableMapping):  # type: ignore[type-arg]
    """What ``vars(message)`` gives: the fields python-qpid-proton keeps as instance attributes
    (``instruction_dict``, ``annotation_dict``, ``properties``, ``body``), read from and written to
    the message itself, then any attribute the program added."""

    FIELDS = ("instruction_dict", "annotation_dict", "properties", "body")

    def __init__(self, message: Message) -> None:
        self._message = message
        self._own = _INSTANCE_DICT.__get__(message)

    def __getitem__(self, key: str) -> Any:
        if key in self.FIELDS:
            return getattr(self._message, key)
        return self._own[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self.FIELDS:
            setattr(self._message, key, value)
        else:
            self._own[key] = value

    def __delitem__(self, key: str) -> None:
        if key in self.FIELDS:
            setattr(self._message, key, None)
        else:
            del self._own[key]

    def __iter__(self) -> Iterator[str]:
        yield from self.FIELDS
        yield from (k for k in self._own if k not in self.FIELDS)

    def __len__(self) -> int:
        return len(self.FIELDS) + sum(1 for k in self._own if k not in self.FIELDS)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class Message(_MessageBase):
    """An AMQP message.

    Header and properties fields are attributes (``durable``, ``priority``, ``ttl``, ``id``,
    ``address``, ``subject``, ``reply_to``, ``correlation_id``, ...); ``instructions`` (delivery
    annotations), ``annotations`` (message annotations), ``properties`` (application properties)
    and ``body`` hold Python values. Any field can be given as a keyword argument::

        Message(body="hello", address="queue1", properties={"colour": "red"}, durable=True)

    :meth:`encode` and :meth:`decode` convert to and from the AMQP wire form; :meth:`send` and
    :meth:`recv` move a message over a link.

    Beyond python-qpid-proton, ``footer`` holds the footer section (a dict with symbol or ulong
    keys), which survives :meth:`decode` and is written by :meth:`encode`.

    :param body: the message body.
    :param kwargs: any other field, by attribute name.
    """

    DEFAULT_PRIORITY = 4

    # The compiled constructor reads its arguments as (*args, **kwargs), which spares copying the
    # keywords one by one; what it accepts, and what introspection should show, is this:
    __signature__ = inspect.Signature([
        inspect.Parameter("body", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None),
        inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD),
    ])

    @property
    def __dict__(self) -> _Fields:  # type: ignore[override]
        """The message's fields as a mapping (see :class:`_Fields`), as ``vars()`` shows them."""
        return _Fields(self)


    def send(self, sender: Sender, tag: Optional[str] = None) -> Delivery:
        """Encode the message and send it on ``sender`` as one delivery.

        :param sender: the link to send on.
        :param tag: the delivery tag; a fresh one from the link when omitted.
        :return: the delivery made for the message (already settled on an at-most-once link).
        """
        return sender.send(self, tag=tag)

    def recv(self, link: Receiver) -> Optional[Delivery]:
        """Read the link's current delivery into this message.

        :param link: a receiving link.
        :return: the delivery read, or ``None`` when there is no complete delivery to read
            (or ``link`` is a sender).
        """
        if link.is_sender:
            return None
        delivery = link.current
        if delivery is None or delivery.partial:
            return None
        encoded = cast(bytes, link.recv(delivery.pending))   # a complete delivery: never None
        link.advance()
        if link.remote_snd_settle_mode == link.SND_SETTLED:
            delivery.settle()
        self.decode(encoded)
        delivery.encoded = encoded
        return delivery
