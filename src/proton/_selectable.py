# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Selectables: file descriptors (or objects with ``fileno()``) that a container's I/O handler
watches, and whose life is told to handlers as events.

A selectable announces itself (``on_selectable_init``) when it is made; :meth:`Selectable.update`
announces a change of :attr:`reading`, :attr:`writing` or :attr:`deadline`
(``on_selectable_updated``), or, once :meth:`terminate` was called, the end
(``on_selectable_final``). Whoever watches the descriptor, the container's own I/O handler or
another event loop, reports what it saw through :meth:`readable`, :meth:`writable` and
:meth:`expired`, which become events too. Nothing here does I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

from ._events import Event

if TYPE_CHECKING:
    from ._events import EventType
    from ._reactor import Container

#: What :meth:`Selectable.fileno` gives for a selectable with no descriptor (a timer, say).
PN_INVALID_SOCKET = -1


def _reporting(etype: EventType, doc: str) -> Callable[[Selectable], None]:
    """A method that queues the selectable event ``etype`` about its selectable."""
    def report(self: Selectable) -> None:
        self.push_event(self, etype)
    report.__doc__ = doc + " (``%s``)" % etype.method
    return report


class Selectable:
    """A file descriptor watched for a container.

    :param delegate: what is watched: an object with ``fileno()`` (a socket, an
        :class:`~proton.reactor.EventInjector`), or None for a selectable that only has a deadline.
    :param reactor: the container.
    """

    #: The transport of a socket selectable (set by the I/O handler).
    _transport: Any
    #: A handler for this selectable's events, when it has one of its own.
    handler: Any

    def __init__(self, delegate: Any, reactor: Container) -> None:
        self._delegate = delegate
        self.reading = False
        self.writing = False
        self._deadline: float = 0
        self._terminal = False
        self._terminated = False
        self._released = False
        self._reactor = reactor
        self.push_event(self, Event.SELECTABLE_INIT)

    def fileno(self) -> int:
        """The descriptor to watch (:data:`PN_INVALID_SOCKET` when there is none)."""
        delegate = self._delegate
        if not delegate:
            return PN_INVALID_SOCKET
        return delegate if isinstance(delegate, int) else int(delegate.fileno())

    def close(self) -> None:
        """Close what is watched, unless :meth:`release` gave it away."""
        delegate = self._delegate
        if delegate and not self._released and hasattr(delegate, "close"):
            delegate.close()

    @property
    def deadline(self) -> Optional[float]:
        """When :meth:`expired` is due, in seconds on the container's clock (None: never)."""
        return self._deadline or None

    @deadline.setter
    def deadline(self, deadline: Optional[float]) -> None:
        self._deadline = deadline or 0

    @property
    def is_terminal(self) -> bool:
        """Whether :meth:`terminate` was called."""
        return self._terminal

    def terminate(self) -> None:
        """Mark the end: the next :meth:`update` announces ``on_selectable_final``."""
        self._terminal = True

    def release(self) -> None:
        """Give up the delegate: :meth:`close` leaves it open (it lives on elsewhere)."""
        self._released = True

    def update(self) -> None:
        """Announce the current settings (or the end, after :meth:`terminate`)."""
        if not self._terminated:
            ending = self._terminal
            self._terminated = ending
            self.push_event(self, Event.SELECTABLE_FINAL if ending else Event.SELECTABLE_UPDATED)

    readable = _reporting(Event.SELECTABLE_READABLE, "Report the descriptor readable.")
    writable = _reporting(Event.SELECTABLE_WRITABLE, "Report the descriptor writable.")
    expired = _reporting(Event.SELECTABLE_EXPIRED, "Report that the deadline has passed.")

    def push_event(self, context: Any, etype: EventType) -> None:
        """Queue an event about ``context`` on the container."""
        self._reactor.push_event(context, etype)

    def __getattr__(self, name: str) -> Any:
        # A selectable stands in for its delegate (a socket's recv, an injector's queue, ...).
        if name.startswith("__") or name == "_delegate":
            raise AttributeError(name)
        return getattr(self._delegate, name)
