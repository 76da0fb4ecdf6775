# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# The event loop. The engine sources carry no proactor, so this is ours: epoll over
# non-blocking sockets, each socket bound to one transport. Bytes go straight between the
# kernel and the transport's own buffers (recv into pn_transport_tail, send from
# pn_transport_head). The GIL is released only around epoll_wait. Engine events come out of
# one collector per loop and are dispatched to handlers as python-qpid-proton does it;
# timers are a heap of tasks; other file descriptors (EventInjector pipes, user
# selectables) are watched too, and wakeup() interrupts the wait from any thread.
#
# Two ways to do the I/O, chosen by the container's global handler (python-qpid-proton's model:
# the global handler is what does the I/O):
#
# - native (the default global handler, an unchanged IOHandler): the loop below watches its
#   sockets itself and the per-socket work never becomes a Python event;
# - selectable (any other global handler, such as one that hands the sockets to Tornado): each
#   socket, listener and the timer heap is a proton Selectable, announced with selectable_init /
#   updated / final events; whoever watches it calls readable() / writable() / expired(), and
#   proton.handlers.IOHandler moves the bytes with the SocketConn methods below. process() then
#   follows python-qpid-proton's own algorithm step for step (process_selectable).

import heapq as _heapq
import logging as _logging
import time as _time

cdef object _reactor_log = _logging.getLogger("proton")

DEF MAX_READY = 256
DEF READ_ROUNDS = 8

# Numbers of the events the loop itself produces, bound by proton._events through registry.pyx
# (python-qpid-proton numbers the reactor events as extended types, not with the engine's numbers).
cdef int EV_REACTOR_INIT = c_event.PN_REACTOR_INIT
cdef int EV_REACTOR_QUIESCED = c_event.PN_REACTOR_QUIESCED
cdef int EV_REACTOR_FINAL = c_event.PN_REACTOR_FINAL
cdef int EV_TIMER_TASK = c_event.PN_TIMER_TASK
cdef int EV_SELECTABLE_FIRST = -1      # the selectable_* events are numbered consecutively
cdef int EV_SELECTABLE_LAST = -1
LOOP_EVENT_NAMES = ("reactor_init", "reactor_quiesced", "reactor_final", "timer_task", "selectable_init",
                    "selectable_updated", "selectable_readable", "selectable_writable", "selectable_expired",
                    "selectable_error", "selectable_final")


cdef int bind_loop_events(dict numbers) except -1:
    """The numbers (by name, LOOP_EVENT_NAMES) the Python layer gives the loop's own event types."""
    global EV_REACTOR_INIT, EV_REACTOR_QUIESCED, EV_REACTOR_FINAL, EV_TIMER_TASK
    global EV_SELECTABLE_FIRST, EV_SELECTABLE_LAST
    unknown = set(numbers) - set(LOOP_EVENT_NAMES)
    if unknown or len(numbers) != len(LOOP_EVENT_NAMES):
        raise TypeError("loop_events must name exactly %s" % (LOOP_EVENT_NAMES,))
    selectable = sorted(v for k, v in numbers.items() if k.startswith("selectable_"))
    if selectable != list(range(selectable[0], selectable[0] + len(selectable))):
        raise ValueError("selectable event numbers must be consecutive")
    EV_REACTOR_INIT = numbers["reactor_init"]
    EV_REACTOR_QUIESCED = numbers["reactor_quiesced"]
    EV_REACTOR_FINAL = numbers["reactor_final"]
    EV_TIMER_TASK = numbers["timer_task"]
    EV_SELECTABLE_FIRST = selectable[0]
    EV_SELECTABLE_LAST = selectable[-1]
    return 0


cdef bint loop_events_bound() noexcept:
    return EV_SELECTABLE_FIRST >= 0


cdef inline bint is_selectable_event(int number) noexcept:
    return EV_SELECTABLE_FIRST <= number <= EV_SELECTABLE_LAST


cdef inline double monotonic() noexcept nogil:
    cdef system.timespec ts
    system.clock_gettime(system.CLOCK_MONOTONIC, &ts)
    return ts.tv_sec + ts.tv_nsec * 1e-9


cdef inline double wallclock() noexcept nogil:
    cdef system.timespec ts
    system.clock_gettime(system.CLOCK_REALTIME, &ts)
    return ts.tv_sec + ts.tv_nsec * 1e-9


def now():
    """The loop's internal clock: seconds, monotonic (timers and transport ticks run on it)."""
    return monotonic()


cdef char _IO_KEY_ANCHOR = 0
cdef pn_handle_t IO_KEY = <pn_handle_t>&_IO_KEY_ANCHOR


cdef object describe_errno(int err):
    return system.strerror(err).decode("utf-8", "replace")


cdef object sockaddr_text(system.sockaddr *sa, system.socklen_t length):
    """(host, port) of a socket address."""
    cdef char host[1025]
    cdef char serv[32]
    if system.getnameinfo(sa, length, host, sizeof(host), serv, sizeof(serv),
                          system.NI_NUMERICHOST | system.NI_NUMERICSERV) != 0:
        return ("?", 0)
    return (host.decode("ascii", "replace"), int(serv.decode("ascii")))


cdef list resolve(object host, object port, bint passive):
    """getaddrinfo for TCP: a list of (family, sockaddr bytes). Raises OSError with the resolver's text."""
    cdef system.addrinfo hints
    cdef system.addrinfo *res = NULL
    cdef system.addrinfo *ai
    cdef bytes h = None if host in (None, "") else (<str>host).encode("idna" if not _is_numeric(host) else "ascii")
    cdef bytes p = str(port).encode("ascii")
    cdef int rc
    cdef list out = []
    cdef const char *hp = NULL if h is None else PyBytes_AS_STRING(h)
    cdef const char *pp = PyBytes_AS_STRING(p)
    memset(&hints, 0, sizeof(hints))
    hints.ai_family = system.AF_UNSPEC
    hints.ai_socktype = system.SOCK_STREAM
    hints.ai_flags = system.AI_NUMERICSERV | (system.AI_PASSIVE if passive else 0)
    with nogil:
        rc = system.getaddrinfo(hp, pp, &hints, &res)
    if rc != 0:
        raise OSError("cannot resolve %s:%s: %s" % (host, port, system.gai_strerror(rc).decode("utf-8", "replace")))
    ai = res
    while ai != NULL:
        out.append((ai.ai_family, PyBytes_FromStringAndSize(<char *>ai.ai_addr, ai.ai_addrlen)))
        ai = ai.ai_next
    system.freeaddrinfo(res)
    return out


cdef bint _is_numeric(object host):
    return all(ch in "0123456789.:abcdefABCDEF" for ch in host)


# -- I/O sources ------------------------------------------------------------------------------

cdef class IOSource:
    """Something whose file descriptor the loop watches."""

    cdef int fd
    cdef uint32_t mask
    cdef bint registered
    cdef CReactor reactor

    cdef int ready(self, uint32_t events) except -1:
        return 0

    cdef int watch(self, uint32_t mask) except -1:
        cdef system.epoll_event ev
        if self.fd < 0:
            return 0
        if self.registered and mask == self.mask:
            return 0
        ev.events = mask
        ev.data.ptr = <void *>self
        if not self.registered:
            self.reactor.open_loop_fds()
            if system.epoll_ctl(self.reactor.epfd, system.EPOLL_CTL_ADD, self.fd, &ev) < 0:
                raise OSError(system.errno, "epoll_ctl(ADD): %s" % describe_errno(system.errno))
            self.registered = True
            self.reactor._sources.add(self)
        else:
            system.epoll_ctl(self.reactor.epfd, system.EPOLL_CTL_MOD, self.fd, &ev)
        self.mask = mask
        return 0

    cdef int unwatch(self) except -1:
        if self.registered:
            system.epoll_ctl(self.reactor.epfd, system.EPOLL_CTL_DEL, self.fd, NULL)
            self.registered = False
            self.reactor._sources.discard(self)
        return 0


cdef class SocketConn(IOSource):
    """A TCP socket carrying one transport.

    Failures are reported the way python-qpid-proton's I/O handler reports them, since programs
    match on the conditions: a refused connection (every address tried) is ``proton.pythonio``
    "Connection refused to all addresses", another connect failure "Connection error: <errno>";
    a read that fails closes the transport's input and a hang-up closes both directions, so the
    engine itself says ``amqp:connection:framing-error`` "... (connection aborted)" when the close
    was not the protocol's; a write that fails closes its output.

    ``external``: the descriptor is watched by someone else (a selectable, see the top of this
    file): the socket neither registers itself with epoll nor closes its descriptor before
    :meth:`close` is called."""

    cdef pn_transport_t *transport
    cdef bint connecting, head_closed, dead, queued, external
    cdef bint endpoint_news          # an endpoint event was dispatched since the output was last generated
    cdef int64_t tick_deadline
    cdef double handshake_deadline   # loop clock; 0: none (not accepted, open received, or timeout off)
    cdef double handshake_timeout
    cdef list addrs
    cdef list stale_fds              # external: descriptors of failed connects, open until their selectable ends
    cdef public object peer          # (host, port) of the peer once known
    cdef public object target        # (host, port) asked for, for error messages

    def __dealloc__(self):
        if self.fd >= 0:
            system.close(self.fd)
            self.fd = -1
        if self.stale_fds is not None:
            for fd in self.stale_fds:
                system.close(<int>fd)
        if self.transport != NULL:
            c_object.pn_decref(self.transport)
            self.transport = NULL

    cdef int set_condition(self, const char *name, object text) except -1:
        cdef pn_condition_t *cond
        cdef bytes desc
        if self.transport == NULL:
            return 0
        cond = c_transport.pn_transport_condition(self.transport)
        if not c_condition.pn_condition_is_set(cond):
            desc = text.encode("utf-8", "replace")
            c_condition.pn_condition_set_name(cond, name)
            c_condition.pn_condition_set_description(cond, desc)
        return 0

    cdef int end_transport(self, bint head, bint tail, bint tail_first=False) except -1:
        """Close the transport's output and/or input (the engine makes the events, in this order)."""
        if self.transport == NULL or c_transport.pn_transport_closed(self.transport):
            return 0
        if tail and tail_first:
            c_transport.pn_transport_close_tail(self.transport)
        if head:
            c_transport.pn_transport_close_head(self.transport)
        if tail and not tail_first:
            c_transport.pn_transport_close_tail(self.transport)
        return 0

    cdef int io_error(self, object text) except -1:
        """A failure of our own (not the peer's): record it as the transport's condition, close
        both directions and the socket."""
        self.set_condition("proton:io", text)
        self.end_transport(True, True)
        self.shutdown()
        return 0

    cdef int connect_failed(self, int err) except -1:
        if err == system.ECONNREFUSED:
            self.set_condition("proton.pythonio", "Connection refused to all addresses")
        else:
            self.set_condition("proton.pythonio", "Connection error: %d" % err)
        self.end_transport(True, True, True)
        self.shutdown()
        return 0

    cdef int shutdown(self) except -1:
        self.unwatch()
        if self.fd >= 0 and not self.external:
            system.close(self.fd)
            self.fd = -1
        if not self.dead:
            self.dead = True
            if not self.external:
                self.reactor._live -= 1
        return 0

    cdef int watch(self, uint32_t mask) except -1:
        if self.external:
            return 0
        return IOSource.watch(self, mask)

    cdef int start_connect(self) except -1:
        """Try the next resolved address (non-blocking connect)."""
        cdef int fd, rc, one = 1, family
        cdef bytes sa
        cdef int last_error = 0
        while self.addrs:
            family, sa = self.addrs.pop(0)
            fd = system.socket(family, system.SOCK_STREAM | system.SOCK_NONBLOCK | system.SOCK_CLOEXEC, 0)
            if fd < 0:
                last_error = system.errno
                continue
            system.setsockopt(fd, system.IPPROTO_TCP, system.TCP_NODELAY, &one, sizeof(one))
            rc = system.connect(fd, <system.sockaddr *>PyBytes_AS_STRING(sa), <system.socklen_t>PyBytes_GET_SIZE(sa))
            if rc < 0 and system.errno != system.EINPROGRESS:
                last_error = system.errno
                system.close(fd)
                continue
            self.fd = fd
            self.connecting = True
            self.watch(system.EPOLLOUT)
            return 0
        return self.connect_failed(last_error)

    cdef int finish_connect(self) except -1:
        cdef int err = 0
        cdef system.socklen_t length = sizeof(err)
        cdef system.sockaddr_storage addr
        cdef system.socklen_t alen = sizeof(addr)
        system.getsockopt(self.fd, system.SOL_SOCKET, system.SO_ERROR, &err, &length)
        if err != 0:
            self.unwatch()
            if self.external:
                # its selectable may still be registered with another loop: keep the number taken
                if self.stale_fds is None:
                    self.stale_fds = []
                self.stale_fds.append(self.fd)
            else:
                system.close(self.fd)
            self.fd = -1
            if self.addrs:
                return self.start_connect()
            return self.connect_failed(err)
        self.connecting = False
        if system.getpeername(self.fd, <system.sockaddr *>&addr, &alen) == 0:
            self.peer = sockaddr_text(<system.sockaddr *>&addr, alen)
        if not self.external:
            self.reactor.mark_dirty(self)
        return 0

    cdef int do_read(self) except -1:
        cdef pn_transport_t *t = self.transport
        cdef ssize_t cap, n
        cdef int rounds = 0
        while rounds < READ_ROUNDS:
            rounds += 1
            cap = c_transport.pn_transport_capacity(t)
            if cap < 0:
                return self.read_after_tail_closed()
            if cap == 0:
                break
            n = system.recv(self.fd, c_transport.pn_transport_tail(t), cap, 0)
            if n > 0:
                c_transport.pn_transport_process(t, n)
                if n < cap:
                    break
            elif n == 0:
                # the peer hung up: both directions end (the engine says whether that was expected)
                return self.end_transport(True, True)
            elif system.errno == system.EINTR:
                continue
            elif system.errno == system.EAGAIN:
                break
            else:
                _reactor_log.error("Couldn't recv: %s", describe_errno(system.errno))
                return self.end_transport(False, True)
        return 0

    cdef int read_after_tail_closed(self) except -1:
        """The engine wants no more input (the peer's close frame came), but our side is still open:
        watch the socket anyway, so a peer that hangs up (as after ``amqp:connection:forced``) ends
        the transport instead of leaving it open for ever."""
        cdef char scratch[256]
        cdef ssize_t n
        while True:
            n = system.recv(self.fd, scratch, sizeof(scratch), 0)
            if n > 0:
                continue                  # bytes after close carry nothing the engine would read
            if n < 0 and system.errno == system.EINTR:
                continue
            break
        if n == 0 or (n < 0 and system.errno != system.EAGAIN):
            c_transport.pn_transport_close_head(self.transport)
        return 0

    cdef object describe_peer(self):
        where = self.peer or self.target
        return "%s:%s" % where if where else "peer"

    cdef int send_pending(self) except -1:
        """Write what the transport has; 1 when the socket is full, 0 when all went out."""
        cdef pn_transport_t *t = self.transport
        cdef ssize_t pending, n
        while True:
            pending = c_transport.pn_transport_pending(t)
            if pending > 0:
                n = system.send(self.fd, c_transport.pn_transport_head(t), pending, system.MSG_NOSIGNAL)
                if n > 0:
                    c_transport.pn_transport_pop(t, n)
                    if n < pending:
                        return 1
                    continue
                if n < 0 and system.errno == system.EINTR:
                    continue
                if n < 0 and (system.errno == system.EAGAIN):
                    return 1
                _reactor_log.error("Couldn't send: %s", describe_errno(system.errno))
                c_transport.pn_transport_close_head(t)
                return 0
            if pending < 0 and not self.head_closed:
                self.head_closed = True
                system.shutdown(self.fd, system.SHUT_WR)
            return 0

    cdef int do_write(self) except -1:
        """Write what the transport has; keep EPOLLOUT armed when the socket is full."""
        cdef pn_transport_t *t = self.transport
        cdef bint blocked
        cdef ssize_t capacity
        cdef uint32_t mask
        self.queued = False
        if self.dead or self.connecting:
            return 0
        blocked = self.send_pending()
        if c_transport.pn_transport_closed(t):
            return self.shutdown()
        mask = 0
        capacity = c_transport.pn_transport_capacity(t)
        if capacity != 0:
            # > 0: room for input; < 0: the engine has read the peer's close, and only the socket's
            # end is left to notice (see read_after_tail_closed).
            mask |= system.EPOLLIN
        if blocked:
            mask |= system.EPOLLOUT
        if mask == 0 and self.head_closed:
            # Waiting for nothing more from this socket, but the peer may still send; keep reading.
            mask = system.EPOLLIN
        self.watch(mask)
        return 0

    cdef int ready(self, uint32_t events) except -1:
        if self.dead:
            return 0
        if self.connecting:
            if events & (system.EPOLLOUT | system.EPOLLERR | system.EPOLLHUP):
                self.finish_connect()
            return 0
        if events & (system.EPOLLIN | system.EPOLLHUP | system.EPOLLERR):
            self.do_read()
        if not self.dead:
            self.reactor.mark_dirty(self)
        return 0

    cdef int tick(self, int64_t now_ms) except -1:
        if self.dead or self.connecting or self.transport == NULL:
            self.tick_deadline = 0
            return 0
        self.tick_deadline = c_transport.pn_transport_tick(self.transport, now_ms)
        return 0

    cdef bint awaiting_open(self):
        """True while an accepted connection's handshake clock runs: the peer's open has not come."""
        cdef pn_connection_t *c
        if self.handshake_deadline == 0:
            return False
        c = c_transport.pn_transport_connection(self.transport) if self.transport != NULL else NULL
        if self.dead or c == NULL or not (c_connection.pn_connection_state(c) & c_connection.PN_REMOTE_UNINIT):
            self.handshake_deadline = 0
            return False
        return True

    cdef int handshake_expired(self) except -1:
        """The peer did not get as far as its AMQP open in time (silent, or dribbling bytes): end the
        connection with a condition saying so. Whatever the engine has to say (a close frame, once
        the peer reached the AMQP layer) is written first, as far as the socket takes it."""
        self.handshake_deadline = 0
        self.set_condition("amqp:resource-limit-exceeded", "handshake timeout: no AMQP open from %s within %g s"
                           % (self.describe_peer(), self.handshake_timeout))
        if not c_transport.pn_transport_closed(self.transport):
            c_transport.pn_transport_close_tail(self.transport)
        self.do_write()
        if not self.dead:
            self.end_transport(True, False)
            self.shutdown()
        return 0

    # -- for proton.handlers.IOHandler, when a selectable stands for this socket ---------------

    def fileno(self):
        """The socket's descriptor (-1 once closed)."""
        return self.fd

    @property
    def is_connecting(self):
        """Whether the non-blocking connect has not finished yet."""
        return self.connecting

    def _connect_done(self):
        """The socket became writable while connecting: finish, or move on to the next address.
        1: connected; 0: the next address is being tried (on a new descriptor); -1: every address
        failed (the transport's condition says why)."""
        self.finish_connect()
        if self.dead:
            return -1
        return 0 if self.connecting else 1

    def _read(self):
        """Move what the socket has into the transport."""
        if not self.dead and not self.connecting and self.fd >= 0:
            self.do_read()

    def _write(self):
        """Move what the transport has into the socket."""
        if not self.dead and not self.connecting and self.fd >= 0:
            self.send_pending()

    def close(self):
        """Close the descriptor (a selectable's final event)."""
        self.dead = True
        if self.fd >= 0:
            system.close(self.fd)
            self.fd = -1
        if self.transport != NULL:
            record_set(c_transport.pn_transport_attachments(self.transport), IO_KEY, None)

    def _close_fd(self, int fd):
        """Close ``fd`` if it is this socket's: the current descriptor, or one a failed connect left."""
        if self.stale_fds is not None and fd in self.stale_fds:
            self.stale_fds.remove(fd)
            system.close(fd)
        elif fd == self.fd and fd >= 0:
            self.close()


cdef class ListenSource(IOSource):
    """A listening socket; accepted sockets are handed to the acceptor object (Python).

    ``external``: a selectable stands for it (see the top of this file): someone else watches
    the descriptor and calls :meth:`_accept` when it is readable."""

    cdef public object acceptor
    cdef public object address
    cdef bint external

    def __dealloc__(self):
        if self.fd >= 0:
            system.close(self.fd)
            self.fd = -1

    cdef int accept_one(self) except -1:
        """Accept one waiting client; 0 when none was waiting."""
        cdef system.sockaddr_storage addr
        cdef system.socklen_t alen
        cdef int fd, one = 1
        while self.fd >= 0:
            alen = sizeof(addr)
            fd = system.accept4(self.fd, <system.sockaddr *>&addr, &alen, system.SOCK_NONBLOCK | system.SOCK_CLOEXEC)
            if fd < 0:
                if system.errno == system.EINTR:
                    continue
                return 0
            system.setsockopt(fd, system.IPPROTO_TCP, system.TCP_NODELAY, &one, sizeof(one))
            try:
                self.acceptor._accepted(fd, sockaddr_text(<system.sockaddr *>&addr, alen))
            except BaseException:
                system.close(fd)
                raise
            return 1
        return 0

    cdef int ready(self, uint32_t events) except -1:
        while self.accept_one():
            pass
        return 0

    def fileno(self):
        return self.fd

    def _accept(self):
        """Accept one waiting client (python-qpid-proton's acceptor takes one per readable event)."""
        self.accept_one()

    def close(self):
        """Stop listening."""
        self.unwatch()
        if self.fd >= 0:
            system.close(self.fd)
            self.fd = -1
            if not self.external:
                self.reactor._live -= 1
        # The acceptor holds this source and this source its acceptor: let go of it here, so that a
        # closed listener is freed at once rather than by the cyclic garbage collector.
        self.acceptor = None


cdef class WatchSource(IOSource):
    """A file descriptor of a Python object (EventInjector, Selectable): readiness becomes calls."""

    cdef public object owner

    cdef int ready(self, uint32_t events) except -1:
        if events & (system.EPOLLIN | system.EPOLLHUP | system.EPOLLERR):
            self.owner.readable()
        if events & system.EPOLLOUT and self.registered:
            self.owner.writable()
        return 0


# -- the loop ---------------------------------------------------------------------------------

cdef class CReactor:
    """Base of :class:`proton.reactor.Container`: the event loop."""

    cdef int epfd
    cdef int wakefd
    cdef bint _wake_pending          # a wake-up is written and not yet drained (see wakeup())
    cdef pn_collector_t *_pcoll
    cdef public object _collector
    cdef public object _handler
    cdef object _global_handler
    cdef object _global_base          # the IOHandler inside the default global handler (native I/O)
    cdef object _global_inner         # the handler the container's global wrapper forwards every event to
    cdef public bint _native_io
    cdef public double _timeout
    cdef bint _yield, _stop, _final_sent, _quiesced
    cdef public double _now           # monotonic, for timers and ticks
    cdef public double _wall          # the same instant on the wall clock (Container.now)
    cdef list _timerheap             # Task objects, ordered by their deadline (Task.__lt__), as python-qpid-proton
    cdef public Py_ssize_t _timers
    cdef public Py_ssize_t _selectables   # selectables an IOHandler watches (python-qpid-proton's count)
    cdef public object _timer_selectable  # selectable I/O: the selectable that stands for the timers
    cdef public double _io_deadline       # native I/O: earliest deadline of the watched selectables (wall)
    cdef public object _io_owner          # ... and the IOHandler to tell when it passes
    cdef list _conns
    cdef list _dirty
    cdef set _sources
    cdef int _live
    cdef int _previous

    def __cinit__(self, *args, **kwargs):
        self.epfd = -1
        self.wakefd = -1
        self._timerheap = []
        self._conns = []
        self._dirty = []
        self._sources = set()
        self._timeout = 0.0
        self._native_io = True
        self._now = monotonic()
        self._wall = wallclock()
        self._previous = 0
        self.open_loop_fds()

    def __dealloc__(self):
        # Only frees: each socket's own deallocator closes its descriptor.
        self.close_loop_fds()

    # -- the loop's own descriptors (epoll and the wake-up eventfd) --------------------------
    # Made with the container, released by _release_loop() when a loop has ended (run() returning,
    # BlockingConnection.close()) so that a finished container holds no descriptor even while
    # something still refers to it, and made again on demand if the container is used again.
    # Opening and closing happen with the GIL held, as every write to wakefd does, so no other
    # thread can write to a descriptor number that was just closed and given to someone else.

    cdef int open_loop_fds(self) except -1:
        cdef system.epoll_event ev
        if self.epfd >= 0:
            return 0
        self.epfd = system.epoll_create1(system.EPOLL_CLOEXEC)
        if self.epfd < 0:
            self.epfd = -1
            raise OSError(system.errno, "epoll_create1: %s" % describe_errno(system.errno))
        self.wakefd = system.eventfd(0, system.EFD_NONBLOCK | system.EFD_CLOEXEC)
        if self.wakefd < 0:
            self.wakefd = -1
            self.close_loop_fds()
            raise OSError(system.errno, "eventfd: %s" % describe_errno(system.errno))
        self._wake_pending = False
        ev.events = system.EPOLLIN
        ev.data.ptr = NULL
        system.epoll_ctl(self.epfd, system.EPOLL_CTL_ADD, self.wakefd, &ev)
        return 0

    cdef void close_loop_fds(self) noexcept:
        if self.wakefd >= 0:
            system.close(self.wakefd)
            self.wakefd = -1
        if self.epfd >= 0:
            system.close(self.epfd)
            self.epfd = -1

    def _release_loop(self):
        """Close the loop's own descriptors if nothing is watched any more (True when done)."""
        if self._sources or self._conns:
            return False
        self.close_loop_fds()
        return True

    def _set_collector(self, collector):
        self._collector = collector
        self._pcoll = (<CCollector?>collector)._impl

    def _set_global(self, handler, base, bint native, inner=None):
        """The global handler; ``base``: the IOHandler whose work the loop does itself when ``native``;
        ``inner``: the handler inside the container's forwarding wrapper (_io._GlobalOverrides), to
        which the loop hands events itself rather than through the wrapper's Python on_unhandled."""
        self._global_handler = handler
        self._global_base = base
        self._native_io = native
        self._global_inner = inner

    @property
    def _global(self):
        return self._global_handler

    # -- time and timers ---------------------------------------------------------------------

    cdef inline void tick_clock(self) noexcept:
        self._now = monotonic()
        self._wall = wallclock()

    def mark(self):
        """Update and return the loop's notion of now (seconds, wall clock)."""
        self.tick_clock()
        return self._wall

    @property
    def now(self):
        """The loop's notion of now, as of the last :meth:`mark` (seconds, wall clock)."""
        return self._wall

    cdef inline double to_wall(self, double mono) noexcept:
        return mono - self._now + self._wall

    def _schedule_task(self, double delay, task):
        """Queue ``task`` ``delay`` seconds after the loop's now (its last mark, as in python-qpid-proton,
        so tasks scheduled together with one delay share a deadline)."""
        task._deadline = self._now + delay
        _heapq.heappush(self._timerheap, task)
        self._timers += 1
        self.wakeup_if_other_thread()

    def _timer_cancelled(self):
        # Task.cancel() of a task not yet fired: the task stays in the heap until it reaches the top,
        # but no longer counts as work that keeps run() going.
        self._timers -= 1

    @property
    def _first_deadline(self):
        """The deadline at the top of the heap, cancelled or not (wall clock), or None."""
        if not self._timerheap:
            return None
        return self.to_wall(self._timerheap[0]._deadline)

    def _next_deadline(self):
        """When the next live timer is due (wall clock), or None."""
        t = self.next_timer()
        return None if t < 0 else self.to_wall(t)

    def _fire_due_timers(self):
        """Queue the timer events that are due now."""
        self.tick_clock()
        self.fire_timers()

    cdef double next_timer(self):
        while self._timerheap:
            task = self._timerheap[0]
            if task._cancelled:
                _heapq.heappop(self._timerheap)
                continue
            return task._deadline
        return -1.0

    cdef int fire_timers(self) except -1:
        while self._timerheap:
            task = self._timerheap[0]
            if task._cancelled:
                _heapq.heappop(self._timerheap)
                continue
            if task._deadline > self._now:
                break
            _heapq.heappop(self._timerheap)
            self._timers -= 1
            task._fired = True
            self.push(task, EV_TIMER_TASK)
        return 0

    # -- events ------------------------------------------------------------------------------

    cdef int push(self, object obj, int number) except -1:
        c_event.pn_collector_put(self._pcoll, PYREF_CLASS, <void *>obj, <c_event.pn_event_type_t>number)
        return 0

    def push_event(self, obj, etype):
        """Queue an event of type ``etype`` about ``obj`` for dispatch by this loop."""
        c_event.pn_collector_put(self._pcoll, PYREF_CLASS, <void *>obj, <c_event.pn_event_type_t>etype.number)

    def yield_(self):
        """Make the current process() call return after the event being dispatched."""
        self._yield = True

    def wakeup(self):
        """Interrupt the loop's wait (safe from any thread, never blocks)."""
        self.wakeup_if_other_thread()

    cdef void wakeup_if_other_thread(self) noexcept:
        # Coalesced: one eventfd write per wait, however many wake-ups are asked for meanwhile.
        # The flag is tested and set with the GIL held, and cleared by drain_wakeups() only after
        # the counter has been read, so a wake-up asked for after that read always writes again:
        # none is lost. The eventfd is non-blocking, so even an unread counter never blocks a caller.
        cdef uint64_t one = 1
        if self._wake_pending or self.wakefd < 0:
            return
        self._wake_pending = True
        system.write(self.wakefd, &one, 8)

    cdef void drain_wakeups(self) noexcept:
        """The wake-up eventfd was readable: reset it, then accept new wake-ups (in that order)."""
        cdef uint64_t drain
        system.read(self.wakefd, &drain, 8)
        self._wake_pending = False

    # -- connections -------------------------------------------------------------------------

    cdef int mark_dirty(self, SocketConn conn) except -1:
        if not conn.queued:
            conn.queued = True
            self._dirty.append(conn)
        return 0

    cdef SocketConn new_conn(self, CTransport t, int fd, bint external):
        cdef SocketConn conn = SocketConn()
        conn.fd = fd
        conn.reactor = self
        conn.external = external
        conn.transport = <pn_transport_t *>t._ptr()
        c_object.pn_incref(conn.transport)
        record_set(c_transport.pn_transport_attachments(conn.transport), IO_KEY, conn)
        if not external:
            self._conns.append(conn)
            self._live += 1
        return conn

    def _connect_transport(self, transport, host, port, bint external=False, double handshake_timeout=0):
        """Open a socket to host:port for ``transport`` (already bound to its connection).
        ``external``: a selectable will stand for the socket (see the top of this file);
        ``handshake_timeout`` (seconds, native I/O): end the attempt if the peer's AMQP open has not
        come by then, TCP connect, TLS and SASL included (a peer that is paused, say, whose kernel
        still completes the TCP handshake)."""
        cdef SocketConn conn = self.new_conn(<CTransport?>transport, -1, external)
        conn.target = (host, port)
        if handshake_timeout > 0 and not external:
            conn.handshake_timeout = handshake_timeout
            conn.handshake_deadline = monotonic() + handshake_timeout
        try:
            conn.addrs = resolve(host, port, False)
        except OSError as exc:
            conn.addrs = []
            conn.set_condition("proton.pythonio", "Connection error: %s" % exc)
            conn.end_transport(True, True, True)
            conn.shutdown()
            return conn
        conn.start_connect()
        return conn

    def _attach_socket(self, int fd, transport, peer, bint external=False, double handshake_timeout=0):
        """Carry ``transport`` over the already-connected socket ``fd`` (from accept); with a
        ``handshake_timeout`` (seconds, native I/O), end it if the peer's AMQP open has not come by then."""
        cdef SocketConn conn = self.new_conn(<CTransport?>transport, fd, external)
        conn.peer = peer
        conn.target = peer
        if handshake_timeout > 0 and not external:
            conn.handshake_timeout = handshake_timeout
            conn.handshake_deadline = monotonic() + handshake_timeout
        if not external:
            conn.watch(system.EPOLLIN)
            self.mark_dirty(conn)
        return conn

    def _listen(self, host, port, acceptor, bint external=False):
        """Listen on host:port; accepted sockets go to ``acceptor._accepted(fd, (host, port))``."""
        cdef ListenSource src
        cdef int fd = -1, one = 1, family
        cdef bytes sa
        cdef system.sockaddr_storage addr
        cdef system.socklen_t alen = sizeof(addr)
        errors = []
        for family, sa in resolve(host, port, True):
            fd = system.socket(family, system.SOCK_STREAM | system.SOCK_NONBLOCK | system.SOCK_CLOEXEC, 0)
            if fd < 0:
                errors.append(describe_errno(system.errno))
                continue
            system.setsockopt(fd, system.SOL_SOCKET, system.SO_REUSEADDR, &one, sizeof(one))
            if system.bind(fd, <system.sockaddr *>PyBytes_AS_STRING(sa), <system.socklen_t>PyBytes_GET_SIZE(sa)) < 0 \
                    or system.listen(fd, system.SOMAXCONN) < 0:
                errors.append(describe_errno(system.errno))
                system.close(fd)
                fd = -1
                continue
            break
        if fd < 0:
            raise IOError("cannot listen on %s:%s: %s" % (host, port, "; ".join(errors) or "no address"))
        src = ListenSource()
        src.fd = fd
        src.reactor = self
        src.acceptor = acceptor
        src.external = external
        system.getsockname(fd, <system.sockaddr *>&addr, &alen)
        src.address = sockaddr_text(<system.sockaddr *>&addr, alen)
        if not external:
            self._live += 1
            src.watch(system.EPOLLIN)
        return src

    def _watch_fd(self, int fd, owner, bint reading, bint writing):
        """Watch ``fd`` for ``owner`` (a selectable: readiness calls owner.readable() / writable())."""
        cdef WatchSource src = WatchSource()
        src.fd = fd
        src.reactor = self
        src.owner = owner
        src.watch((system.EPOLLIN if reading else 0) | (system.EPOLLOUT if writing else 0))
        return src

    def _rewatch(self, WatchSource src, bint reading, bint writing):
        cdef uint32_t mask = (system.EPOLLIN if reading else 0) | (system.EPOLLOUT if writing else 0)
        if mask == 0:
            src.unwatch()
        else:
            src.watch(mask)

    def _unwatch(self, WatchSource src):
        src.unwatch()

    def _connection_address(self, transport):
        """(host, port) of the peer of ``transport``'s socket, or None."""
        cdef CTransport t = <CTransport?>transport
        conn = record_get(c_transport.pn_transport_attachments(<pn_transport_t *>t._ptr()), IO_KEY)
        if conn is None:
            return None
        return (<SocketConn>conn).peer

    def _socket_of(self, transport):
        """The SocketConn carrying ``transport``, or None."""
        cdef CTransport t = <CTransport?>transport
        return record_get(c_transport.pn_transport_attachments(<pn_transport_t *>t._ptr()), IO_KEY)

    def _close_socket(self, transport):
        """Drop the socket of ``transport`` at once (used to abort a connection)."""
        cdef CTransport t = <CTransport?>transport
        conn = record_get(c_transport.pn_transport_attachments(<pn_transport_t *>t._ptr()), IO_KEY)
        if conn is not None:
            (<SocketConn>conn).io_error("connection aborted")

    # -- running -----------------------------------------------------------------------------

    cdef int after_dispatch(self, CEvent ev) except -1:
        """Loop bookkeeping once handlers have seen an engine event (native I/O): what
        python-qpid-proton's IOHandler does for the same events."""
        cdef int n = ev._number
        cdef SocketConn sock
        if n == c_event.PN_TRANSPORT and ev._trans != NULL:
            conn = record_get(c_transport.pn_transport_attachments(ev._trans), IO_KEY)
            if conn is not None:
                sock = <SocketConn>conn
                if sock.endpoint_news:
                    # python-qpid-proton's IOHandler asks for the pending output at every transport
                    # event, which has the engine write the frames of what happened so far (a flow
                    # granted as a link opens goes out even if a handler closes the link later in the
                    # same batch). Done here too, but only after endpoint events: when only deliveries
                    # and flow happened, the frames wait for the write, so dispositions go out in ranges.
                    sock.endpoint_news = False
                    c_transport.pn_transport_pending(ev._trans)
                self.mark_dirty(sock)
        elif c_event.PN_CONNECTION_LOCAL_OPEN <= n <= c_event.PN_LINK_FINAL and n != c_event.PN_LINK_FLOW \
                and ev._trans != NULL:
            conn = record_get(c_transport.pn_transport_attachments(ev._trans), IO_KEY)
            if conn is not None:
                (<SocketConn>conn).endpoint_news = True
        elif n == c_event.PN_CONNECTION_BOUND and ev._trans != NULL:
            if record_get(c_transport.pn_transport_attachments(ev._trans), IO_KEY) is None:
                self._connection_bound(ev)
        elif n == c_event.PN_TRANSPORT_CLOSED and ev._trans != NULL:
            conn = record_get(c_transport.pn_transport_attachments(ev._trans), IO_KEY)
            if conn is not None:
                (<SocketConn>conn).shutdown()
                record_set(c_transport.pn_transport_attachments(ev._trans), IO_KEY, None)
                if conn in self._conns:
                    self._conns.remove(conn)
            if c_transport.pn_transport_connection(ev._trans) != NULL:
                c_transport.pn_transport_unbind(ev._trans)
        return 0

    cdef int dispatch_global(self, CEvent ev) except -1:
        """The global handler's turn. With native I/O, the IOHandler inside it is left out (the loop
        does its work) except for the selectable events, which it handles for user selectables;
        handlers added to the global handler see everything."""
        cdef object h = self._global_handler
        if h is None:
            return 0
        if not self._native_io or is_selectable_event(ev._number):
            if self._global_inner is not None:
                # what the wrapper's on_unhandled does (the handler inside, then the wrapper's children),
                # without a Python call per event
                dispatch(self._global_inner, ev, ev._type)
                return dispatch_children(h, ev, ev._type)
            return dispatch(h, ev, ev._type)
        if h is not self._global_base:
            dispatch_children(h, ev, ev._type)
        if self._global_base is not None:
            dispatch_children(self._global_base, ev, ev._type)
        return 0

    cdef int dispatch_one(self, CEvent ev) except -1:
        # EventBase subclasses (application events) may define their own handler property.
        handler = ev.resolve_handler() if type(ev) is T_Event else ev.handler
        if handler is None:
            handler = self._handler
        dispatch(handler, ev, ev._type)
        self.dispatch_overrides(ev)
        self.dispatch_global(ev)
        return 0

    def process(self):
        """Dispatch what is pending and, once nothing is, wait for I/O once (at most :attr:`timeout`
        seconds); False when there is nothing left to do."""
        cdef pn_event_t *pe
        cdef CEvent ev
        if not self._native_io:
            return self.process_selectable()
        self.tick_clock()
        while True:
            if self._yield:
                self._yield = False
                return True
            pe = c_event.pn_collector_peek(self._pcoll)
            if pe != NULL:
                ev = event_from_engine(pe, self)
                self.dispatch_one(ev)
                self._previous = ev._number
                c_event.pn_collector_pop(self._pcoll)
                self.after_dispatch(ev)
                recycle_event(ev)
                ev = None
                continue
            if self.flush():
                continue
            if not self._stop and (self._timers > 0 or self._live > 0 or self._selectables > 0):
                if self._previous != EV_REACTOR_QUIESCED:
                    self.push(self, EV_REACTOR_QUIESCED)
                    continue
                self.wait(self._timeout)
                self._previous = 0
                return True
            if not self._final_sent:
                self._final_sent = True
                self.push(self, EV_REACTOR_FINAL)
                continue
            return False

    cdef object process_selectable(self):
        """process() when a selectable stands for every socket: python-qpid-proton's algorithm, so
        that a program driving the container from another loop sees the same steps."""
        cdef pn_event_t *pe
        cdef CEvent ev
        cdef int previous = 0
        self.tick_clock()
        while True:
            if self._yield:
                self._yield = False
                return True
            pe = c_event.pn_collector_peek(self._pcoll)
            if pe != NULL:
                ev = event_from_engine(pe, self)
                self.dispatch_one(ev)
                previous = ev._number
                self._previous = ev._number
                c_event.pn_collector_pop(self._pcoll)
                ev = None
            elif not self._stop and (self._timers > 0 or self._selectables > 1):
                if previous != EV_REACTOR_QUIESCED and self._previous != EV_REACTOR_FINAL:
                    self.push(self, EV_REACTOR_QUIESCED)
                self._yield = True
            elif self._timer_selectable is not None:
                selectable, self._timer_selectable = self._timer_selectable, None
                selectable.terminate()
                selectable.update()
            else:
                if self._previous != EV_REACTOR_FINAL:
                    self.push(self, EV_REACTOR_FINAL)
                return False

    cdef bint flush(self) except -1:
        """Write pending output of every connection with news; True if that made new events."""
        cdef SocketConn conn
        if not self._dirty:
            return False
        dirty = self._dirty
        self._dirty = []
        for c in dirty:
            conn = <SocketConn>c
            conn.do_write()
            conn.tick(<int64_t>(self._now * 1000))
        return c_event.pn_collector_peek(self._pcoll) != NULL

    cdef int wait_ready(self, int wait_ms) except -1:
        """One epoll_wait (GIL released) and the calls for what became ready."""
        cdef system.epoll_event ready[MAX_READY]
        cdef int n, i
        self.open_loop_fds()
        with nogil:
            n = system.epoll_wait(self.epfd, ready, MAX_READY, wait_ms)
        self.tick_clock()
        for i in range(n):
            if ready[i].data.ptr == NULL:
                self.drain_wakeups()
                continue
            (<IOSource>ready[i].data.ptr).ready(ready[i].events)
        return 0

    cdef int wait(self, double timeout) except -1:
        """Block for I/O until something is ready, a deadline passes or ``timeout`` (native I/O)."""
        cdef double deadline = self._now + timeout if timeout > 0 else self._now
        cdef double t
        cdef int64_t tick
        cdef int wait_ms
        cdef SocketConn conn
        # Before sleeping, give every connection the chance to write: output the engine produced
        # without a transport event (a drain answered from a handler, say) must not wait for the
        # next input.
        for c in self._conns:
            conn = <SocketConn>c
            if not conn.dead and not conn.connecting:
                conn.do_write()
        if c_event.pn_collector_peek(self._pcoll) != NULL:
            return 0
        t = self.next_timer()
        if t >= 0 and t < deadline:
            deadline = t
        for c in self._conns:
            conn = <SocketConn>c
            tick = conn.tick_deadline
            if tick > 0 and tick / 1000.0 < deadline:
                deadline = tick / 1000.0
            if conn.handshake_deadline > 0 and conn.handshake_deadline < deadline and conn.awaiting_open():
                deadline = conn.handshake_deadline
        if self._io_deadline > 0:
            t = self._io_deadline - self._wall + self._now
            if t < deadline:
                deadline = t
        wait_ms = <int>((deadline - monotonic()) * 1000 + 0.999)
        if wait_ms < 0:
            wait_ms = 0
        self.wait_ready(wait_ms)
        for c in self._conns:
            conn = <SocketConn>c
            if conn.tick_deadline > 0 and conn.tick_deadline <= <int64_t>(self._now * 1000) + 1:
                conn.tick(<int64_t>(self._now * 1000))
                self.mark_dirty(conn)
            if conn.handshake_deadline > 0 and conn.handshake_deadline <= self._now and conn.awaiting_open():
                conn.handshake_expired()
        if self._io_deadline > 0 and self._io_deadline <= self._wall and self._io_owner is not None:
            self._io_owner._expire(self)
        self.fire_timers()
        self.flush()
        return 0

    def _wait_io(self, double timeout):
        """Wait for the watched selectables up to ``timeout`` seconds (IOHandler's select)."""
        cdef int wait_ms = <int>(timeout * 1000 + 0.999) if timeout > 0 else 0
        self.wait_ready(wait_ms)

    def _start(self):
        self._stop = False
        self._final_sent = False
        self.push(self, EV_REACTOR_INIT)

    def _source_count_up(self):
        self._live += 1

    def _source_count_down(self):
        self._live -= 1

    cdef int dispatch_overrides(self, CEvent ev) except -1:
        """Connection plumbing: the connector of a connection made by connect() hears when it opens,
        when the peer opens, when the application closes it (a reconnect still waiting is called off)
        and when the transport closes; a connection opened without one gets a transport
        (python-qpid-proton's connection_to_host behaviour), native I/O only: otherwise the
        IOHandler does that."""
        cdef int n = ev._number
        if n != c_event.PN_CONNECTION_LOCAL_OPEN and n != c_event.PN_CONNECTION_REMOTE_OPEN \
                and n != c_event.PN_TRANSPORT_CLOSED and n != c_event.PN_CONNECTION_LOCAL_CLOSE:
            return 0
        if ev._conn == NULL:
            return 0
        attrs = record_get(c_connection.pn_connection_attachments(ev._conn), ATTRS_KEY)
        overrides = attrs.get("_overrides") if attrs is not None else None
        if overrides is not None:
            dispatch(overrides, ev, ev._type)
        elif self._native_io and n == c_event.PN_CONNECTION_LOCAL_OPEN \
                and c_connection.pn_connection_transport(ev._conn) == NULL:
            self._open_plain(ev)
        return 0

    def _request_stop(self):
        self._stop = True

    @property
    def _stopping(self):
        return self._stop

    def _shutdown_io(self):
        """Close every socket still open (after the loop ends)."""
        cdef SocketConn conn
        for c in list(self._conns):
            conn = <SocketConn>c
            conn.io_error("container stopped")
            if conn.transport != NULL:
                # break the transport <-> socket reference cycle that normally ends at TRANSPORT_CLOSED
                record_set(c_transport.pn_transport_attachments(conn.transport), IO_KEY, None)
        self._conns = []
        for src in list(self._sources):
            if isinstance(src, ListenSource):
                (<ListenSource>src).close()
            else:
                (<IOSource>src).unwatch()
