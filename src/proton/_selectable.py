# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""User selectables: a file descriptor (or an object with ``fileno()``) watched by the
container's loop, reported to a handler as ``on_selectable_readable`` / ``writable`` /
``expired`` events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

from ._events import Event

if TYPE_CHECKING:
    from ._reactor import Container


def _reporter(etype: Any, doc: str) -> Callable[[Any], None]:
    """A method that queues an ``etype`` event about the selectable itself."""

    def report(self: Any) -> None:
        self.push_event(self, etype)

    report.__doc__ = doc
    return report


class Selectable:
    """A file descriptor the container watches for a handler.

    Set :attr:`reading` / :attr:`writing` (and optionally :attr:`deadline`, a time on the
    container's clock) and call :meth:`update`; the handler then gets
    ``on_selectable_readable``, ``on_selectable_writable`` and ``on_selectable_expired``.
    :meth:`terminate` ends it (``on_selectable_final``).

    :param delegate: a file descriptor or an object with ``fileno()``.
    :param reactor: the container.
    """

    def __init__(self, delegate: Any, reactor: Container) -> None:
        self._delegate = delegate
        self._reactor = reactor
        self.reading = False
        self.writing = False
        self.deadline: Optional[float] = None
        self.handler: Any = None
        self._terminated = False
        self._final_sent = False
        self._source: Any = None
        self._transport = None
        reactor._adopt_selectable(self)

    @property
    def is_terminal(self) -> bool:
        """Whether :meth:`terminate` was called."""
        return self._terminated

    def fileno(self) -> int:
        """The watched file descriptor."""
        delegate = self._delegate
        return delegate if isinstance(delegate, int) else delegate.fileno()

    def update(self) -> None:
        """Apply the current :attr:`reading`, :attr:`writing` and :attr:`deadline`."""
        self._reactor._update_selectable(self)

    def terminate(self) -> None:
        """Stop watching; an ``on_selectable_final`` event follows."""
        self._terminated = True

    def release(self) -> None:
        """Stop watching at once, without a final event."""
        self._terminated = True
        self._final_sent = True
        self._reactor._update_selectable(self)

    readable = _reporter(Event.SELECTABLE_READABLE, "Report the descriptor readable to the handler.")
    writable = _reporter(Event.SELECTABLE_WRITABLE, "Report the descriptor writable to the handler.")
    expired = _reporter(Event.SELECTABLE_EXPIRED, "Report the deadline reached to the handler.")

    def push_event(self, context: Any, etype: Any) -> None:
        """Queue an event about ``context`` on the container."""
        self._reactor.push_event(context, etype)

    # called by the loop
    def _readable(self) -> None:
        self.readable()

    def _writable(self) -> None:
        self.writable()

    def __getattr__(self, name: str) -> Any:
        # python-qpid-proton lets a selectable stand in for its delegate.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._delegate, name)
