# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The :class:`Handler` base: an object with ``on_<event>`` methods and optional child handlers."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Callable, List, Optional, Tuple, Type


def _noop(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a default method that does nothing, so the dispatcher may skip calling it."""
    func._cyproton_noop = True  # type: ignore[attr-defined]
    return func


class _ChildList:
    """Gives each handler its own ``handlers`` list, made the first time it is asked for."""

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        children: List[Any] = []
        obj.__dict__["handlers"] = children
        return children


class Handler:
    """Base class for event handlers.

    Events are delivered by calling ``on_<event name>(event)`` when the handler has such a
    method, otherwise :meth:`on_unhandled`; then each child handler in :attr:`handlers`
    receives the same event, in order.
    """

    handlers = _ChildList()

    def add(
        self,
        handler: Any,
        on_error: Optional[Callable[[Tuple[Type[BaseException], BaseException, TracebackType]], None]] = None,
    ) -> None:
        """Append ``handler`` to the child handlers. ``on_error`` is accepted and ignored."""
        self.handlers.append(handler)

    @_noop
    def on_unhandled(self, method: str, *args: Any) -> None:
        """Called for events this handler has no ``on_<event>`` method for. Does nothing."""
