# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The container's I/O handlers: :class:`IOHandler` and :class:`PythonIO`, and the selectables that
stand for sockets and timers.

python-qpid-proton's container does its I/O in its global handler, an :class:`IOHandler`: it
watches every selectable (sockets, the listener, the timer heap, user selectables such as an
EventInjector), waits for them when the container has nothing else to do, and moves bytes between
the sockets and the transports when they are readable or writable. A program may put another
global handler in its place, one that hands the selectables to another event loop (Tornado, a
``selectors`` loop, asyncio) and lets that loop say when they are ready.

cyproton keeps that model with one shortcut. While the global handler is the default one (an
:class:`IOHandler` of this very class, however many handlers were added to it), the compiled loop
watches the sockets itself and their I/O never becomes Python events; the IOHandler then only
looks after user selectables. With any other global handler (or an IOHandler subclass) every
socket, listener and the timer heap is a selectable, and the methods below do the work, as the
reference's do, calling into the compiled socket code for the bytes.
"""

from __future__ import annotations

import select
import time
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ._endpoints import Endpoint
from ._events import Event
from ._exceptions import ProtonException
from ._handler import Handler
from ._selectable import Selectable
from ._transport import Transport

if TYPE_CHECKING:
    from ._reactor import Container


class _SocketSelectable(Selectable):
    """A selectable for one connection's socket (a compiled ``SocketConn``).

    It keeps the descriptor it was made for: when a connect falls back to the next address, the new
    descriptor gets a selectable of its own, and this one closes only its own."""

    def __init__(self, sock: Any, reactor: Container, transport: Transport) -> None:
        self._fd: int = sock.fileno()
        super().__init__(sock, reactor)
        self._transport: Optional[Transport] = transport
        transport._selectable = self
        self.writing = bool(sock.is_connecting)

    def fileno(self) -> int:
        return self._fd

    def close(self) -> None:
        if not self._released:
            self._delegate._close_fd(self._fd)
        # Let go of the transport: it keeps its selectable and its socket in its engine record, which the
        # garbage collector cannot see through, so a finished connection would otherwise keep its
        # container (and the container's descriptors) alive for ever.
        transport, self._transport = self._transport, None
        if transport is not None and getattr(transport, "_selectable", None) is self:
            transport._selectable = None
            if transport.closed:
                self._delegate.close()      # the transport's own socket: done with


class TimerSelectable(Selectable):
    """The selectable that stands for the container's timers: its deadline is the next timer's."""

    def __init__(self, reactor: Container) -> None:
        super().__init__(None, reactor)

    def readable(self) -> None:
        pass

    def writable(self) -> None:
        pass

    def expired(self) -> None:
        reactor = self._reactor
        reactor.timer_tick()
        self.deadline = reactor.timer_deadline
        self.update()


def _transport_of(selectable: Any) -> Optional[Transport]:
    # user selectables (an EventInjector, a plain socket) have no transport
    return getattr(selectable, "_transport", None) if isinstance(selectable, _SocketSelectable) else None


def _part(selectable: Selectable, transport: Optional[Transport], announce: bool = True) -> None:
    """End a socket's selectable and cut its tie to the transport (both ways when ``transport`` is
    given); ``announce`` queues its final event now."""
    selectable.terminate()
    selectable._transport = None
    if transport is not None:
        transport._selectable = None
    if announce:
        selectable.update()


class IOHandler(Handler):
    """Watches selectables and moves the bytes of the container's sockets (see the module text).

    As the container's global handler it is sent every event after the container's own handler.
    """

    def __init__(self) -> None:
        self._watched: Dict[Selectable, Any] = {}     # selectable -> its compiled watch (or None)

    # -- selectables -------------------------------------------------------------------------------

    def _watch(self, selectable: Selectable) -> None:
        reactor = selectable._reactor
        fd = selectable.fileno()
        source = self._watched.get(selectable)
        reading, writing = bool(selectable.reading), bool(selectable.writing)
        if source is None:
            if fd >= 0 and (reading or writing):
                source = reactor._watch_fd(fd, selectable, reading, writing)
        else:
            reactor._rewatch(source, reading, writing)
        self._watched[selectable] = source
        self._note_deadlines(reactor)

    def _forget(self, selectable: Selectable) -> None:
        reactor = selectable._reactor
        source = self._watched.pop(selectable, None)
        if source is not None:
            reactor._unwatch(source)
        self._note_deadlines(reactor)

    def _note_deadlines(self, reactor: Container) -> None:
        # With native I/O the compiled wait must know when a user selectable's deadline passes.
        if reactor._native_io:
            deadlines = [s.deadline for s in self._watched if s.deadline]
            reactor._io_deadline = min(deadlines) if deadlines else 0.0
            reactor._io_owner = self if deadlines else None

    def _expire(self, reactor: Container) -> None:
        now = reactor.now
        for selectable in list(self._watched):
            deadline = selectable.deadline
            if deadline and now > deadline:
                selectable.expired()

    def on_selectable_init(self, event: Event) -> None:
        selectable = event.context
        self._watch(selectable)
        selectable._reactor._selectables += 1

    def on_selectable_updated(self, event: Event) -> None:
        self._watch(event.context)

    def on_selectable_final(self, event: Event) -> None:
        selectable = event.context
        self._forget(selectable)
        selectable._reactor._selectables -= 1
        selectable.close()

    def on_reactor_quiesced(self, event: Event) -> None:
        """Nothing left to dispatch: wait for the watched selectables (this handler's select)."""
        reactor = event.reactor
        if not reactor.quiesced:
            return
        reactor.timer_deadline  # drops cancelled timers from the top of the heap, as a side effect
        timeout = reactor.timeout
        deadlines = [s.deadline for s in self._watched if s.deadline]
        if deadlines:
            timeout = max(0.0, min(timeout, min(deadlines) - time.time()))
        reactor._wait_io(timeout)
        reactor.mark()
        self._expire(reactor)
        reactor.yield_()

    # -- sockets -----------------------------------------------------------------------------------

    def on_selectable_readable(self, event: Event) -> None:
        selectable = event.context
        transport = _transport_of(selectable)
        if transport is None:
            return
        selectable._delegate._read()
        self.update(transport, selectable, selectable._reactor.now)

    def on_selectable_writable(self, event: Event) -> None:
        selectable = event.context
        transport = _transport_of(selectable)
        if transport is None:
            return
        sock = selectable._delegate
        reactor = selectable._reactor
        if sock.is_connecting:
            outcome = sock._connect_done()
            if outcome == 0:
                # the next address, on a new descriptor: a new selectable, as a new socket
                _part(selectable, None)
                _SocketSelectable(sock, reactor, transport)
                self.update(transport, transport._selectable, reactor.now)
            else:
                self.update(transport, selectable, reactor.now)
            return
        pending = transport.pending()
        sock._write()
        if transport.pending() != pending:
            self.update(transport, selectable, reactor.now)

    def on_selectable_error(self, event: Event) -> None:
        selectable = event.context
        transport = _transport_of(selectable)
        if transport is None:
            return
        transport.close_head()
        transport.close_tail()
        _part(selectable, transport)

    def on_selectable_expired(self, event: Event) -> None:
        selectable = event.context
        transport = _transport_of(selectable)
        if transport is not None:
            self.update(transport, selectable, selectable._reactor.now)

    def on_connection_local_open(self, event: Event) -> None:
        connection = event.connection
        if connection.state & Endpoint.REMOTE_UNINIT and connection.transport is None:
            Transport().bind_nothrow(connection)

    def on_connection_bound(self, event: Event) -> None:
        connection = event.connection
        transport = event.transport
        reactor = event.container
        if getattr(connection, "_acceptor", None) is not None or reactor._socket_of(transport) is not None:
            return  # a server connection: its socket came from the listener
        host, port = reactor._address_of(connection)
        sock = reactor._connect_transport(transport, host, port, True)
        if sock.fileno() >= 0:
            _SocketSelectable(sock, reactor, transport)

    def on_transport(self, event: Event) -> None:
        transport = event.transport
        selectable = getattr(transport, "_selectable", None)
        if selectable is not None and not selectable.is_terminal:
            self.update(transport, selectable, selectable._reactor.now)

    def on_transport_closed(self, event: Event) -> None:
        transport = event.transport
        selectable = getattr(transport, "_selectable", None)
        if selectable is not None and not selectable.is_terminal:
            _part(selectable, transport)
        if transport.connection is not None:
            transport.unbind()

    @staticmethod
    def update(transport: Transport, selectable: Selectable, now: float) -> None:
        """Set the socket selectable's interest from the transport's state, and announce it."""
        for attribute, read in (("reading", transport.capacity), ("writing", transport.pending)):
            try:
                setattr(selectable, attribute, read() > 0)
            except ProtonException:
                if transport.closed:
                    _part(selectable, transport, announce=False)
        selectable.deadline = transport.tick(now)
        selectable.update()


class PythonIO:
    """A global handler that waits on the selectables with ``select()`` itself, whenever the
    container is quiesced, and passes every other event to an :class:`IOHandler`
    (:attr:`delegate`), which does the sockets' I/O."""

    def __init__(self) -> None:
        self.selectables: List[Selectable] = []
        self.delegate = IOHandler()

    def on_unhandled(self, method: str, event: Event) -> None:
        event.dispatch(self.delegate)

    def on_selectable_init(self, event: Event) -> None:
        self.selectables.append(event.context)

    def on_selectable_updated(self, event: Event) -> None:
        """Nothing to do: the next wait reads each selectable's settings afresh."""

    def on_selectable_final(self, event: Event) -> None:
        ended = event.context
        if not ended.is_terminal:
            return
        self.selectables.remove(ended)
        ended.close()

    def _wait(self, limit: float) -> Tuple[List[Selectable], List[Selectable]]:
        """Block until a watched descriptor is ready or ``limit`` seconds (shortened to the
        nearest selectable deadline) have passed; the ready ones, for reading and for writing."""
        wants: Tuple[List[Selectable], List[Selectable]] = ([], [])
        for watched in self.selectables:
            if watched.deadline:
                limit = min(limit, max(0.0, watched.deadline - time.time()))
            if watched.fileno() < 0:
                continue
            if watched.reading:
                wants[0].append(watched)
            if watched.writing:
                wants[1].append(watched)
        if not (wants[0] or wants[1]):
            time.sleep(limit)
            return [], []
        ready_in, ready_out, _ = select.select(wants[0], wants[1], [], limit)
        return ready_in, ready_out

    def on_reactor_quiesced(self, event: Event) -> None:
        container = event.reactor
        if not container.quiesced:   # another handler of this event made work: do that first
            return
        ready_in, ready_out = self._wait(container.timeout)
        now = container.mark()
        for ready in ready_in:
            ready.readable()
        for ready in ready_out:
            ready.writable()
        for watched in self.selectables:
            if watched.deadline and watched.deadline < now:
                watched.expired()


class _GlobalOverrides(Handler):
    """What a Container puts around its global handler: every event goes on to ``base``
    (connection plumbing, which python-qpid-proton routes here too, is the compiled loop's)."""

    def __init__(self, base: Any) -> None:
        self.base = base

    def on_unhandled(self, method: str, event: Event) -> None:
        event.dispatch(self.base)


def _is_native(handler: Any) -> bool:
    """Whether ``handler`` (a global handler) leaves the sockets to the compiled loop."""
    base = handler.base if type(handler) is _GlobalOverrides else handler
    return type(base) is IOHandler


__all__ = ["IOHandler", "PythonIO"]
