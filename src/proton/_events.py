# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Events: :class:`EventType`, :class:`Event` (what the engine and the container report),
:class:`EventBase` (for application events) and the :class:`Collector` queue."""

from __future__ import annotations

import itertools
import threading
from typing import Any, ClassVar, Dict, Optional, cast

from . import _cproton
from ._handler import Handler


class EventType:
    """A kind of event: a ``name``, a ``number`` and the handler ``method`` it calls
    (``on_<name>`` unless given).

    A type made with a name but no number is an application (extended) type and is numbered
    from 10000 up.
    """

    TYPES: Dict[int, EventType] = {}
    name: str
    number: int
    method: str
    _lock = threading.Lock()
    _next_extended = itertools.count(10000)

    def __init__(self, name: Optional[str] = None, number: Optional[int] = None, method: Optional[str] = None) -> None:
        if name is None and number is None:
            raise TypeError("extended events require a name")
        with self._lock:
            if number is None:
                number = next(self._next_extended)
            if name is None:
                known = _ENGINE_NAMES.get(number)
                name = f"PN_{known.upper()}" if known else str(number)
            self.name = name
            self.number = number
            self.method = method if method is not None else f"on_{name}"
            self.TYPES[number] = self
        _cproton.add_event_type(number, self)

    def __repr__(self) -> str:
        return f"EventType(name={self.name}, number={self.number})"

    def __str__(self) -> str:
        return self.name


# The engine's event types by number (proton/event.h, through the compiled module) with their
# handler names. The engine's own name for each is "PN_" plus the upper-cased handler name; the
# reactor and selectable events are not engine events and, as in python-qpid-proton, are numbered
# as extended types (10000 up, in this order).
_ENGINE_NAMES = dict(_cproton.ENGINE_EVENTS)
_LOOP_EVENTS = tuple(name for name in _cproton.LOOP_EVENT_NAMES if name != "timer_task")


def _dispatch(handler: Any, method: str, *args: Any) -> None:
    """Call ``handler.<method>(*args)`` if it exists, else ``handler.on_unhandled(method, *args)``."""
    found = getattr(handler, method, None)
    if found:
        found(*args)
    elif hasattr(handler, "on_unhandled"):
        handler.on_unhandled(method, *args)


class EventBase(_cproton.CEvent):
    """Base of all events; subclass it (or use :class:`ApplicationEvent`) for your own.

    :param type: the :class:`EventType`.
    """

    def __init__(self, type: EventType) -> None:
        _cproton._init_event(self, type)

    @property
    def handler(self) -> Optional[Handler]:
        """The handler an event of this class prefers; None means the container's handler."""
        return None

    def dispatch(self, handler: Handler, type: Optional[EventType] = None) -> None:
        """Deliver this event to ``handler`` and then to each of its child handlers."""
        _cproton.CEvent.dispatch(self, handler, type)


class Event(EventBase):
    """Something that happened to an engine object, or to the container.

    The objects involved are available as :attr:`connection`, :attr:`session`, :attr:`link`
    (and :attr:`sender` / :attr:`receiver`), :attr:`delivery`, :attr:`transport` and
    :attr:`context`; :attr:`container` is the container dispatching it. Messaging handlers add
    :attr:`message` for ``on_message``. Any other attribute name is looked up on the context
    (None when absent).
    """

    handler = _cproton.CEvent.handler

    #: The transaction of a delivery's outcome (set on the events a transaction handler gets).
    transaction: Any
    # The event types (set below, from the engine's and the loop's lists), declared for type checkers.
    TIMER_TASK: ClassVar[EventType]
    CONNECTION_INIT: ClassVar[EventType]
    CONNECTION_BOUND: ClassVar[EventType]
    CONNECTION_UNBOUND: ClassVar[EventType]
    CONNECTION_LOCAL_OPEN: ClassVar[EventType]
    CONNECTION_REMOTE_OPEN: ClassVar[EventType]
    CONNECTION_LOCAL_CLOSE: ClassVar[EventType]
    CONNECTION_REMOTE_CLOSE: ClassVar[EventType]
    CONNECTION_FINAL: ClassVar[EventType]
    SESSION_INIT: ClassVar[EventType]
    SESSION_LOCAL_OPEN: ClassVar[EventType]
    SESSION_REMOTE_OPEN: ClassVar[EventType]
    SESSION_LOCAL_CLOSE: ClassVar[EventType]
    SESSION_REMOTE_CLOSE: ClassVar[EventType]
    SESSION_FINAL: ClassVar[EventType]
    LINK_INIT: ClassVar[EventType]
    LINK_LOCAL_OPEN: ClassVar[EventType]
    LINK_REMOTE_OPEN: ClassVar[EventType]
    LINK_LOCAL_CLOSE: ClassVar[EventType]
    LINK_REMOTE_CLOSE: ClassVar[EventType]
    LINK_LOCAL_DETACH: ClassVar[EventType]
    LINK_REMOTE_DETACH: ClassVar[EventType]
    LINK_FLOW: ClassVar[EventType]
    LINK_FINAL: ClassVar[EventType]
    DELIVERY: ClassVar[EventType]
    TRANSPORT: ClassVar[EventType]
    TRANSPORT_AUTHENTICATED: ClassVar[EventType]
    TRANSPORT_ERROR: ClassVar[EventType]
    TRANSPORT_HEAD_CLOSED: ClassVar[EventType]
    TRANSPORT_TAIL_CLOSED: ClassVar[EventType]
    TRANSPORT_CLOSED: ClassVar[EventType]
    REACTOR_INIT: ClassVar[EventType]
    REACTOR_QUIESCED: ClassVar[EventType]
    REACTOR_FINAL: ClassVar[EventType]
    SELECTABLE_INIT: ClassVar[EventType]
    SELECTABLE_UPDATED: ClassVar[EventType]
    SELECTABLE_READABLE: ClassVar[EventType]
    SELECTABLE_WRITABLE: ClassVar[EventType]
    SELECTABLE_EXPIRED: ClassVar[EventType]
    SELECTABLE_ERROR: ClassVar[EventType]
    SELECTABLE_FINAL: ClassVar[EventType]

    def __init__(self, impl: Any = None, number: Optional[int] = None, clsname: Optional[str] = None,
                 context: Any = None) -> None:
        etype = EventType.TYPES.get(number) if number is not None else None
        _cproton._init_event(self, etype, context=context)

    @staticmethod
    def wrap(impl: Any) -> Optional[Event]:
        """``impl`` when it is already an Event, else None."""
        return cast(Event, impl) if isinstance(impl, EventBase) else None

    # Other attribute names are looked up on the context (None when it has none): the compiled
    # base does this only after the normal lookup fails, so ordinary attribute reads stay fast.


def _engine_type(number: int, method: str) -> EventType:
    return EventType(number=number, method=method)


# The event types, as attributes of Event (Event.DELIVERY, ...): the engine's, then the loop's.
for _number, _name in _ENGINE_NAMES.items():
    setattr(Event, _name.upper(), _engine_type(_number, f"on_{_name}"))
for _name in _LOOP_EVENTS:
    setattr(Event, _name.upper(), EventType(name=_name))
del _number, _name


class Collector(_cproton.CCollector):
    """A queue of events: engine objects post to it once attached with ``Connection.collect()``."""

    def __init__(self) -> None:
        pass
