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

import heapq as _heapq
import time as _time

DEF MAX_READY = 256
DEF READ_ROUNDS = 8

# Numbers of the events the loop itself produces; proton._events registers them (python-qpid-proton
# numbers the reactor events as extended types, not with the engine's numbers).
cdef int EV_REACTOR_INIT = c_event.PN_REACTOR_INIT
cdef int EV_REACTOR_QUIESCED = c_event.PN_REACTOR_QUIESCED
cdef int EV_REACTOR_FINAL = c_event.PN_REACTOR_FINAL
cdef int EV_TIMER_TASK = c_event.PN_TIMER_TASK


def register_loop_events(*, reactor_init, reactor_quiesced, reactor_final, timer_task, **selectable_events):
    """Called by proton._events with the numbers of the loop's own event types."""
    global EV_REACTOR_INIT, EV_REACTOR_QUIESCED, EV_REACTOR_FINAL, EV_TIMER_TASK
    EV_REACTOR_INIT = reactor_init
    EV_REACTOR_QUIESCED = reactor_quiesced
    EV_REACTOR_FINAL = reactor_final
    EV_TIMER_TASK = timer_task


cdef inline double monotonic() noexcept nogil:
    cdef system.timespec ts
    system.clock_gettime(system.CLOCK_MONOTONIC, &ts)
    return ts.tv_sec + ts.tv_nsec * 1e-9


def now():
    """The loop's clock: seconds, monotonic."""
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
    """A TCP socket carrying one transport."""

    cdef pn_transport_t *transport
    cdef bint connecting, head_closed, dead, queued
    cdef int64_t tick_deadline
    cdef list addrs
    cdef public object peer          # (host, port) of the peer once known
    cdef public object target        # (host, port) asked for, for error messages

    def __dealloc__(self):
        if self.fd >= 0:
            system.close(self.fd)
            self.fd = -1
        if self.transport != NULL:
            c_object.pn_decref(self.transport)
            self.transport = NULL

    cdef int io_error(self, object text) except -1:
        """A socket failure: record it as the transport's condition and close both directions."""
        cdef pn_condition_t *cond
        cdef bytes desc
        if self.transport != NULL and not c_transport.pn_transport_closed(self.transport):
            cond = c_transport.pn_transport_condition(self.transport)
            if not c_condition.pn_condition_is_set(cond):
                desc = text.encode("utf-8", "replace")
                c_condition.pn_condition_set_name(cond, "proton:io")
                c_condition.pn_condition_set_description(cond, desc)
            c_transport.pn_transport_close_tail(self.transport)
            c_transport.pn_transport_close_head(self.transport)
        self.shutdown()
        return 0

    cdef int shutdown(self) except -1:
        self.unwatch()
        if self.fd >= 0:
            system.close(self.fd)
            self.fd = -1
        if not self.dead:
            self.dead = True
            self.reactor._live -= 1
        return 0

    cdef int start_connect(self) except -1:
        """Try the next resolved address (non-blocking connect)."""
        cdef int fd, rc, one = 1, family
        cdef bytes sa
        cdef object last_error = None
        while self.addrs:
            family, sa = self.addrs.pop(0)
            fd = system.socket(family, system.SOCK_STREAM | system.SOCK_NONBLOCK | system.SOCK_CLOEXEC, 0)
            if fd < 0:
                last_error = describe_errno(system.errno)
                continue
            system.setsockopt(fd, system.IPPROTO_TCP, system.TCP_NODELAY, &one, sizeof(one))
            rc = system.connect(fd, <system.sockaddr *>PyBytes_AS_STRING(sa), <system.socklen_t>PyBytes_GET_SIZE(sa))
            if rc < 0 and system.errno != system.EINPROGRESS:
                last_error = describe_errno(system.errno)
                system.close(fd)
                continue
            self.fd = fd
            self.connecting = True
            self.watch(system.EPOLLOUT)
            return 0
        self.io_error("Connection to %s:%s failed: %s" % (self.target[0], self.target[1], last_error or "no address"))
        return 0

    cdef int finish_connect(self) except -1:
        cdef int err = 0
        cdef system.socklen_t length = sizeof(err)
        cdef system.sockaddr_storage addr
        cdef system.socklen_t alen = sizeof(addr)
        system.getsockopt(self.fd, system.SOL_SOCKET, system.SO_ERROR, &err, &length)
        if err != 0:
            self.unwatch()
            system.close(self.fd)
            self.fd = -1
            if self.addrs:
                return self.start_connect()
            return self.io_error("Connection to %s:%s failed: %s" % (self.target[0], self.target[1],
                                                                    describe_errno(err)))
        self.connecting = False
        if system.getpeername(self.fd, <system.sockaddr *>&addr, &alen) == 0:
            self.peer = sockaddr_text(<system.sockaddr *>&addr, alen)
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
                c_transport.pn_transport_close_tail(t)
                break
            elif system.errno == system.EINTR:
                continue
            elif system.errno == system.EAGAIN:
                break
            else:
                return self.io_error("Read from %s failed: %s" % (self.describe_peer(), describe_errno(system.errno)))
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

    cdef int do_write(self) except -1:
        """Write what the transport has; keep EPOLLOUT armed when the socket is full."""
        cdef pn_transport_t *t = self.transport
        cdef ssize_t pending, n
        cdef bint blocked = False
        cdef uint32_t mask
        self.queued = False
        if self.dead or self.connecting:
            return 0
        while True:
            pending = c_transport.pn_transport_pending(t)
            if pending > 0:
                n = system.send(self.fd, c_transport.pn_transport_head(t), pending, system.MSG_NOSIGNAL)
                if n > 0:
                    c_transport.pn_transport_pop(t, n)
                    if n < pending:
                        blocked = True
                        break
                    continue
                if n < 0 and system.errno == system.EINTR:
                    continue
                if n < 0 and (system.errno == system.EAGAIN):
                    blocked = True
                    break
                return self.io_error("Write to %s failed: %s" % (self.describe_peer(), describe_errno(system.errno)))
            if pending < 0 and not self.head_closed:
                self.head_closed = True
                system.shutdown(self.fd, system.SHUT_WR)
            break
        if c_transport.pn_transport_closed(t):
            return self.shutdown()
        mask = 0
        pending = c_transport.pn_transport_capacity(t)
        if pending != 0:
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


cdef class ListenSource(IOSource):
    """A listening socket; accepted sockets are handed to the acceptor object (Python)."""

    cdef public object acceptor
    cdef public object address

    def __dealloc__(self):
        if self.fd >= 0:
            system.close(self.fd)
            self.fd = -1

    cdef int ready(self, uint32_t events) except -1:
        cdef system.sockaddr_storage addr
        cdef system.socklen_t alen
        cdef int fd, one = 1
        while self.fd >= 0:
            alen = sizeof(addr)
            fd = system.accept4(self.fd, <system.sockaddr *>&addr, &alen, system.SOCK_NONBLOCK | system.SOCK_CLOEXEC)
            if fd < 0:
                if system.errno == system.EINTR:
                    continue
                break
            system.setsockopt(fd, system.IPPROTO_TCP, system.TCP_NODELAY, &one, sizeof(one))
            try:
                self.acceptor._accepted(fd, sockaddr_text(<system.sockaddr *>&addr, alen))
            except BaseException:
                system.close(fd)
                raise
        return 0

    def close(self):
        """Stop listening."""
        self.unwatch()
        if self.fd >= 0:
            system.close(self.fd)
            self.fd = -1
            self.reactor._live -= 1


cdef class WatchSource(IOSource):
    """A file descriptor of a Python object (EventInjector, Selectable): readiness becomes calls."""

    cdef public object owner

    cdef int ready(self, uint32_t events) except -1:
        if events & (system.EPOLLIN | system.EPOLLHUP | system.EPOLLERR):
            self.owner._readable()
        if events & system.EPOLLOUT and self.registered:
            self.owner._writable()
        return 0


# -- the loop ---------------------------------------------------------------------------------

cdef class CReactor:
    """Base of :class:`proton.reactor.Container`: the event loop."""

    cdef int epfd
    cdef int wakefd
    cdef pn_collector_t *_pcoll
    cdef public object _collector
    cdef public object _handler
    cdef public object _global_handler
    cdef public double _timeout
    cdef bint _yield, _stop, _final_sent, _quiesced
    cdef public double _now
    cdef list _timerheap
    cdef Py_ssize_t _timer_seq
    cdef public Py_ssize_t _timers
    cdef list _conns
    cdef list _dirty
    cdef set _sources
    cdef int _live
    cdef int _previous
    cdef object _empty_handler_type

    def __cinit__(self, *args, **kwargs):
        self.epfd = system.epoll_create1(system.EPOLL_CLOEXEC)
        if self.epfd < 0:
            raise OSError(system.errno, "epoll_create1 failed")
        self.wakefd = system.eventfd(0, system.EFD_NONBLOCK | system.EFD_CLOEXEC)
        self._timerheap = []
        self._conns = []
        self._dirty = []
        self._sources = set()
        self._timeout = 0.0
        self._now = monotonic()
        self._previous = 0
        cdef system.epoll_event ev
        ev.events = system.EPOLLIN
        ev.data.ptr = NULL
        system.epoll_ctl(self.epfd, system.EPOLL_CTL_ADD, self.wakefd, &ev)

    def __dealloc__(self):
        # Only frees: each socket's own deallocator closes its descriptor.
        if self.wakefd >= 0:
            system.close(self.wakefd)
        if self.epfd >= 0:
            system.close(self.epfd)

    def _set_collector(self, collector):
        self._collector = collector
        self._pcoll = (<CCollector?>collector)._impl

    # -- time and timers ---------------------------------------------------------------------

    def mark(self):
        """Update and return the loop's notion of now."""
        self._now = monotonic()
        return self._now

    @property
    def now(self):
        """The loop's clock, in seconds (monotonic)."""
        return self._now

    def _schedule_task(self, double deadline, task):
        self._timer_seq += 1
        _heapq.heappush(self._timerheap, (deadline, self._timer_seq, task))
        self._timers += 1
        self.wakeup_if_other_thread()

    def _next_deadline(self):
        """When the next live timer is due (loop clock), or None."""
        t = self.next_timer()
        return None if t < 0 else t

    def _fire_due_timers(self):
        """Queue the timer events that are due now."""
        self._now = monotonic()
        self.fire_timers()

    def _timer_cancelled(self):
        # Task.cancel(): the task stays in the heap until it reaches the top, but no longer counts
        # as work that keeps run() going.
        self._timers -= 1

    cdef double next_timer(self):
        while self._timerheap:
            deadline, seq, task = self._timerheap[0]
            if task._cancelled:
                _heapq.heappop(self._timerheap)
                continue
            return deadline
        return -1.0

    cdef int fire_timers(self) except -1:
        while self._timerheap:
            deadline, seq, task = self._timerheap[0]
            if task._cancelled:
                _heapq.heappop(self._timerheap)
                continue
            if deadline > self._now:
                break
            _heapq.heappop(self._timerheap)
            self._timers -= 1
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
        """Interrupt the loop's wait (safe from any thread)."""
        cdef uint64_t one = 1
        system.write(self.wakefd, &one, 8)

    cdef void wakeup_if_other_thread(self) noexcept:
        cdef uint64_t one = 1
        system.write(self.wakefd, &one, 8)

    # -- connections -------------------------------------------------------------------------

    cdef int mark_dirty(self, SocketConn conn) except -1:
        if not conn.queued:
            conn.queued = True
            self._dirty.append(conn)
        return 0

    def _connect_transport(self, transport, host, port):
        """Open a socket to host:port for ``transport`` (already bound to its connection)."""
        cdef SocketConn conn = SocketConn()
        cdef CTransport t = <CTransport?>transport
        conn.fd = -1
        conn.reactor = self
        conn.transport = <pn_transport_t *>t._ptr()
        c_object.pn_incref(conn.transport)
        conn.target = (host, port)
        record_set(c_transport.pn_transport_attachments(conn.transport), IO_KEY, conn)
        self._conns.append(conn)
        self._live += 1
        try:
            conn.addrs = resolve(host, port, False)
        except OSError as exc:
            conn.addrs = []
            conn.io_error(str(exc))
            return conn
        conn.start_connect()
        return conn

    def _attach_socket(self, int fd, transport, peer):
        """Carry ``transport`` over the already-connected socket ``fd`` (from accept)."""
        cdef SocketConn conn = SocketConn()
        cdef CTransport t = <CTransport?>transport
        conn.fd = fd
        conn.reactor = self
        conn.transport = <pn_transport_t *>t._ptr()
        c_object.pn_incref(conn.transport)
        conn.peer = peer
        conn.target = peer
        record_set(c_transport.pn_transport_attachments(conn.transport), IO_KEY, conn)
        self._conns.append(conn)
        self._live += 1
        conn.watch(system.EPOLLIN)
        self.mark_dirty(conn)
        return conn

    def _listen(self, host, port, acceptor):
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
        system.getsockname(fd, <system.sockaddr *>&addr, &alen)
        src.address = sockaddr_text(<system.sockaddr *>&addr, alen)
        self._live += 1
        src.watch(system.EPOLLIN)
        return src

    def _watch_fd(self, int fd, owner, bint reading, bint writing, bint counts=True):
        """Watch ``fd`` for ``owner`` (calls owner._readable() / owner._writable())."""
        cdef WatchSource src = WatchSource()
        src.fd = fd
        src.reactor = self
        src.owner = owner
        if counts:
            self._live += 1
        src.watch((system.EPOLLIN if reading else 0) | (system.EPOLLOUT if writing else 0))
        return src

    def _rewatch(self, WatchSource src, bint reading, bint writing):
        src.watch((system.EPOLLIN if reading else 0) | (system.EPOLLOUT if writing else 0))

    def _unwatch(self, WatchSource src, bint counts=True):
        if src.registered:
            src.unwatch()
            if counts:
                self._live -= 1

    def _connection_address(self, transport):
        """(host, port) of the peer of ``transport``'s socket, or None."""
        cdef CTransport t = <CTransport?>transport
        conn = record_get(c_transport.pn_transport_attachments(<pn_transport_t *>t._ptr()), IO_KEY)
        if conn is None:
            return None
        return (<SocketConn>conn).peer

    def _close_socket(self, transport):
        """Drop the socket of ``transport`` at once (used to abort a connection)."""
        cdef CTransport t = <CTransport?>transport
        conn = record_get(c_transport.pn_transport_attachments(<pn_transport_t *>t._ptr()), IO_KEY)
        if conn is not None:
            (<SocketConn>conn).io_error("connection aborted")

    # -- running -----------------------------------------------------------------------------

    cdef int after_dispatch(self, CEvent ev) except -1:
        """Loop bookkeeping once handlers have seen an engine event."""
        cdef int n = ev._number
        if n == c_event.PN_TRANSPORT and ev._trans != NULL:
            conn = record_get(c_transport.pn_transport_attachments(ev._trans), IO_KEY)
            if conn is not None:
                self.mark_dirty(<SocketConn>conn)
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

    cdef bint trivial_global(self):
        h = self._global_handler
        if h is None:
            return True
        if type(h) is self._empty_handler_type:
            inst = instance_dict(h)
            return not (inst and inst.get("handlers"))
        return False

    def _set_empty_handler_type(self, cls):
        self._empty_handler_type = cls

    def process(self):
        """Dispatch what is pending, wait for I/O (up to :attr:`timeout`) once; return False when done."""
        cdef pn_event_t *pe
        cdef CEvent ev
        cdef bint global_trivial
        self._now = monotonic()
        while True:
            if self._yield:
                self._yield = False
                return True
            pe = c_event.pn_collector_peek(self._pcoll)
            if pe != NULL:
                ev = event_from_engine(pe, self)
                # EventBase subclasses (application events) may define their own handler property.
                handler = ev.resolve_handler() if type(ev) is T_Event else ev.handler
                if handler is None:
                    handler = self._handler
                dispatch(handler, ev, ev._type)
                if not self.trivial_global():
                    dispatch(self._global_handler, ev, ev._type)
                self.dispatch_overrides(ev)
                self._previous = ev._number
                c_event.pn_collector_pop(self._pcoll)
                self.after_dispatch(ev)
                handler = None
                recycle_event(ev)
                ev = None
                continue
            if self.flush():
                continue
            if not self._stop and (self._timers > 0 or self._live > 0):
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

    cdef int wait(self, double timeout) except -1:
        """Block for I/O (GIL released) until something is ready, a deadline passes or ``timeout``."""
        cdef system.epoll_event ready[MAX_READY]
        cdef int n, i, wait_ms
        cdef double deadline = self._now + timeout if timeout > 0 else self._now
        cdef double t
        cdef int64_t tick
        cdef uint64_t drain
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
            tick = (<SocketConn>c).tick_deadline
            if tick > 0 and tick / 1000.0 < deadline:
                deadline = tick / 1000.0
        wait_ms = <int>((deadline - monotonic()) * 1000 + 0.999)
        if wait_ms < 0:
            wait_ms = 0
        with nogil:
            n = system.epoll_wait(self.epfd, ready, MAX_READY, wait_ms)
        self._now = monotonic()
        for i in range(n):
            if ready[i].data.ptr == NULL:
                system.read(self.wakefd, &drain, 8)
                continue
            (<IOSource>ready[i].data.ptr).ready(ready[i].events)
        for c in self._conns:
            conn = <SocketConn>c
            if conn.tick_deadline > 0 and conn.tick_deadline <= <int64_t>(self._now * 1000) + 1:
                conn.tick(<int64_t>(self._now * 1000))
                self.mark_dirty(conn)
        self.fire_timers()
        self.flush()
        return 0

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
        when the peer opens and when the transport closes; a connection opened without one is
        connected to its url (python-qpid-proton's connection_to_host behaviour)."""
        cdef int n = ev._number
        if n != c_event.PN_CONNECTION_LOCAL_OPEN and n != c_event.PN_CONNECTION_REMOTE_OPEN \
                and n != c_event.PN_TRANSPORT_CLOSED:
            return 0
        if ev._conn == NULL:
            return 0
        attrs = record_get(c_connection.pn_connection_attachments(ev._conn), ATTRS_KEY)
        overrides = attrs.get("_overrides") if attrs is not None else None
        if overrides is not None:
            dispatch(overrides, ev, ev._type)
        elif n == c_event.PN_CONNECTION_LOCAL_OPEN and (attrs is None or attrs.get("_acceptor") is None) \
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
