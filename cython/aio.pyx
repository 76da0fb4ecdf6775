# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# The per-delivery part of cyproton.aio (src/cyproton/aio/_api.py), in C on the loop's thread:
# a sender's messages that wait for credit go out here, and the future of each unsettled one is
# resolved here when the peer's outcome arrives. The Python layer keeps the API, the errors and
# everything that happens once per link or connection.
#
# A link's state (AioSendState for a Sender, AioReceiveState for a Receiver) sits in its engine
# link's record (AIO_KEY), so that the engine callbacks find it from the delivery alone. It holds
# no reference to the link wrapper (the record would keep the link alive through it); the Python
# link object passes its link in, and removes the state with detach() when the link ends.
#
# Per message, nothing here runs Python code on the common path: send_nowait queues and sends,
# the outcome resolves the future, an arriving message becomes an AioDelivery handed to the first
# waiter or queued, __anext__ returns what has arrived through an AioReady (an awaitable that is
# already done, instead of a coroutine), and accept() settles and tops credit up.

cdef char _AIO_KEY_ANCHOR = 0
cdef pn_handle_t AIO_KEY = <pn_handle_t>&_AIO_KEY_ANCHOR


cdef object direct_future_type(loop):
    """asyncio.Future when ``loop`` makes its futures with asyncio's own create_future (Python
    code that only calls ``asyncio.Future(loop=loop)``: AioSendState calls that directly), else
    None (uvloop's create_future is in C: it is asked)."""
    import asyncio
    if getattr(type(loop), "create_future", None) is asyncio.BaseEventLoop.create_future:
        return asyncio.Future
    return None


cdef class AioSendState:
    """The messages of one cyproton.aio Sender waiting for credit, and its unsettled futures."""

    cdef object pending         # collections.deque of (message, future), filled by send_nowait
    cdef dict unsettled         # address of the engine delivery -> the future of its outcome
    cdef bint presettled
    cdef object accepted        # what an accepted delivery's future gets (Disposition.ACCEPTED)
    cdef object failure         # failure(delivery) -> the exception of a rejected/released/modified one
    cdef object loop
    cdef object create_future   # the loop's
    cdef object future_type     # or asyncio.Future, made directly (direct_future_type)
    cdef object kick            # has the container process soon (frames go out)

    def __init__(self, CLink link, pending, bint presettled, accepted, failure, loop, kick):
        self.pending = pending
        self.unsettled = {}
        self.presettled = presettled
        self.accepted = accepted
        self.failure = failure
        self.loop = loop
        self.create_future = loop.create_future
        self.future_type = direct_future_type(loop)
        self.kick = kick
        record_set(c_link.pn_link_attachments(link._l()), AIO_KEY, self)

    cdef object _new_future(self):
        if self.future_type is not None:
            return self.future_type(loop=self.loop)
        return self.create_future()

    cdef Py_ssize_t _pour(self, CLink link) except -1:
        """Send what waits, as far as the link's credit goes; return how many went."""
        cdef pn_link_t *l = link._l()
        cdef pn_delivery_t *d
        cdef Py_ssize_t sent = 0
        pending = self.pending
        while pending and c_link.pn_link_credit(l) > 0:
            message, future = pending.popleft()
            if future.cancelled():
                continue                # given up before it could go: not sent
            delivery = send_message(link, <CMessage?>message, None)
            sent += 1
            d = (<CDelivery>delivery)._dl()
            if self.presettled or c_delivery.pn_delivery_settled(d):
                if not future.done():
                    future.set_result(None)
            else:
                self.unsettled[<intptr_t>d] = future
        return sent

    def take_unsettled(self):
        """The futures still waiting for an outcome, forgotten here (the link has ended)."""
        futures = list(self.unsettled.values())
        self.unsettled.clear()
        return futures

    def detach(self, CLink link):
        record_set(c_link.pn_link_attachments(link._l()), AIO_KEY, None)


def _aio_send_nowait(sender, message):
    """Sender.send_nowait (src/cyproton/aio/_api.py): queue ``message``, send what the credit
    allows, return the future of its outcome."""
    cdef AioSendState state
    error = sender._error
    if error is not None:
        raise error
    if not isinstance(message, CMessage):
        raise TypeError("send_nowait() takes a proton.Message, not %s" % type(message).__name__)
    state = <AioSendState?>sender._state
    future = state._new_future()
    state.pending.append((message, future))
    if state._pour(<CLink?>sender._link):
        state.kick()
    return future


cdef object _RESENT_FROM = "resent_from"


cdef inline bint is_outcome(uint64_t code) noexcept:
    return code == c_disposition.PN_ACCEPTED or code == c_disposition.PN_REJECTED \
        or code == c_disposition.PN_RELEASED or code == c_disposition.PN_MODIFIED


cdef int resolve_outcome(AioSendState state, pn_delivery_t *d) except -1:
    """Resolve the future of ``d``, which the peer has given an outcome or settled."""
    cdef uint64_t code
    future = state.unsettled.pop(<intptr_t>d, None)
    if future is None:
        # sent again after a failover (connect(resend_unsettled=True), proton/_reactor.py): the
        # future is the first delivery's, which the new one names (and keeps, so its address is
        # never reused while the entry waits)
        attrs = record_get(c_delivery.pn_delivery_attachments(d), ATTRS_KEY)
        if attrs is not None:
            first = (<dict>attrs).get(_RESENT_FROM)
            if isinstance(first, CDelivery):
                future = state.unsettled.pop(<intptr_t>(<CDelivery>first)._dl(), None)
    if future is None or future.done():
        return 0
    code = c_delivery.pn_delivery_remote_state(d)
    if code == c_disposition.PN_ACCEPTED:
        future.set_result(state.accepted)
    elif is_outcome(code):
        future.set_exception(state.failure(wrap_delivery(d)))
    else:                               # settled with no outcome
        future.set_result(T_DispositionType_or_int(code))
    return 0


# -- receiving ----------------------------------------------------------------------------------

cdef class AioReceiveState:
    """What has arrived on one cyproton.aio Receiver and who waits for it; its credit window."""

    cdef object items           # the Receiver's _Queue: deliveries that arrived, in order
    cdef object waiters         # ... and futures of receive() calls waiting for one
    cdef public object route    # a Requester's: takes every delivery instead of the queue
    cdef public object drained  # the future of a drain() in progress, or None
    cdef public int window      # credit kept outstanding (0: only what flow() grants)
    cdef public bint ended
    cdef object kick
    cdef object delivery_class  # cyproton.aio.Delivery, a subclass of AioDelivery

    def __init__(self, CLink link, queue, int window, kick, delivery_class):
        self.items = queue.items
        self.waiters = queue.waiters
        self.window = window
        self.kick = kick
        if not issubclass(delivery_class, AioDelivery):
            raise TypeError("the delivery class must derive from AioDelivery")
        self.delivery_class = delivery_class
        record_set(c_link.pn_link_attachments(link._l()), AIO_KEY, self)

    cdef bint _top_up(self, pn_link_t *l) except -1:
        cdef int outstanding
        if self.window <= 0 or self.ended:
            return False
        outstanding = c_link.pn_link_credit(l) + <int>len(self.items)
        if outstanding > self.window // 2:
            return False
        c_link.pn_link_flow(l, self.window - outstanding)
        return True

    def flow_to_window(self, CLink link):
        """Grant credit up to the window when half of it is used; True if some was granted."""
        return self._top_up(link._l())

    cdef object _take(self, CLink link):
        if not self.items:
            return None
        delivery = self.items.popleft()
        if self._top_up(link._l()):
            self.kick()
        return delivery

    def take(self, CLink link):
        """The oldest delivery that has arrived (credit topped up), or None."""
        return self._take(link)

    cdef int _put(self, delivery) except -1:
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(delivery)
                return 0
        self.items.append(delivery)
        return 0

    cdef int _check_drained(self, pn_link_t *l) except -1:
        drained = self.drained
        if drained is not None and c_link.pn_link_credit(l) == 0 and not drained.done():
            drained.set_result(None)
        return 0

    def detach(self, CLink link):
        self.ended = True
        record_set(c_link.pn_link_attachments(link._l()), AIO_KEY, None)


cdef class AioDelivery:
    """Base of cyproton.aio.Delivery: a message that arrived, and its settlement, in C."""

    cdef readonly object message
    cdef CDelivery _dlv
    cdef AioReceiveState _state
    cdef bint _done

    @property
    def _delivery(self):
        """The engine's :class:`proton.Delivery`."""
        return self._dlv

    @property
    def settled(self):
        """Whether the peer has settled it (it wants no outcome) or this end has."""
        return self._done or c_delivery.pn_delivery_settled(self._dlv._dl())

    cdef int _settle_as(self, uint64_t code) except -1:
        cdef pn_delivery_t *d
        if self._done:
            return 0
        self._done = True
        d = self._dlv._dl()
        if not c_delivery.pn_delivery_settled(d):
            if self._dlv._local is not None:
                (<CDisposition>self._dlv._local)._write()     # a condition or modified fields set
            c_delivery.pn_delivery_update(d, code)
        c_delivery.pn_delivery_settle(d)
        self._state.kick()
        return 0

    def _settle(self, state):
        """Give the outcome ``state`` (a Disposition type) and settle."""
        self._settle_as(int(state))

    def accept(self):
        """Accept the message and settle."""
        self._settle_as(c_disposition.PN_ACCEPTED)

    def release(self):
        """Give the message back unprocessed (the sender may send it again) and settle."""
        self._settle_as(c_disposition.PN_RELEASED)


cdef class AioReady:
    """An awaitable already done: ``await`` gives its value at once, with no coroutine."""

    cdef object value

    def __await__(self):
        return self

    def __next__(self):
        raise StopIteration(self.value)


def _aio_anext(receiver):
    """Receiver.__anext__ (src/cyproton/aio/_api.py): what has arrived, at once; else the wait."""
    cdef AioReceiveState state = <AioReceiveState?>receiver._state
    cdef AioReady ready
    delivery = state._take(<CLink?>receiver._link)
    if delivery is None:
        return receiver._anext_wait()
    ready = AioReady.__new__(AioReady)
    ready.value = delivery
    return ready


cdef int arrived(AioReceiveState state, pn_link_t *l, pn_delivery_t *d, message) except -1:
    """``message`` (of delivery ``d`` on ``l``) becomes a Delivery for the state's Receiver."""
    cdef AioDelivery delivery = <AioDelivery>new_instance(state.delivery_class)
    delivery.message = message
    delivery._dlv = <CDelivery>wrap_delivery(d)
    delivery._state = state
    if state.route is not None:
        state.route(delivery)
    else:
        state._put(delivery)
    state._check_drained(l)
    return 0


cdef class AioFastPath(CFastHandler):
    """The child handler of cyproton.aio's core in place of IncomingMessageHandler and
    OutgoingMessageHandler: deliveries and flow on the links of aio Senders and Receivers are
    handled here in C with no method lookup; everything else goes to those two, in their order.

    What it does is what they do for the core (auto_accept off, auto_settle on): a complete
    message becomes a Delivery (an undecodable one is rejected), an outcome resolves its future
    and a delivery the peer has settled is settled here, credit on a sender sends what waits.
    """

    cdef object incoming, outgoing

    def __init__(self, incoming, outgoing):
        self.incoming = incoming
        self.outgoing = outgoing

    cdef bint _handle(self, CEvent ev) except -1:
        cdef int n = ev._number
        cdef pn_delivery_t *d
        cdef pn_link_t *l
        cdef int endpoint
        if n == c_event.PN_DELIVERY and ev._dlv != NULL:
            d = ev._dlv
            l = c_delivery.pn_delivery_link(d)
            found = record_get(c_link.pn_link_attachments(l), AIO_KEY)
            if type(found) is AioSendState:
                if c_delivery.pn_delivery_updated(d):
                    # an outcome, or settled: the future's answer (a state on the way, such as
                    # received, is not: OutgoingMessageHandler would not call back for it either)
                    if c_delivery.pn_delivery_settled(d) or is_outcome(c_delivery.pn_delivery_remote_state(d)):
                        resolve_outcome(<AioSendState>found, d)
                    if c_delivery.pn_delivery_settled(d):
                        c_delivery.pn_delivery_settle(d)
                return True
            if type(found) is AioReceiveState and not c_delivery.pn_delivery_aborted(d) \
                    and not c_link.pn_link_state(l) & c_connection.PN_LOCAL_CLOSED:
                if c_delivery.pn_delivery_readable(d) and not c_delivery.pn_delivery_partial(d):
                    try:
                        message = receive_message(l, d)
                    except MemoryError:
                        raise
                    except Exception as problem:     # bytes from the peer that are not a message
                        _reject_undecodable(wrap_delivery(d), problem)
                        return True
                    arrived(<AioReceiveState>found, l, d, message)
                return True
        elif n == c_event.PN_LINK_FLOW and ev._link != NULL:
            l = ev._link
            found = record_get(c_link.pn_link_attachments(l), AIO_KEY)
            if type(found) is AioSendState:
                endpoint = c_link.pn_link_state(l)
                if c_link.pn_link_credit(l) > 0 and endpoint & c_connection.PN_LOCAL_ACTIVE \
                        and endpoint & c_connection.PN_REMOTE_ACTIVE:
                    (<AioSendState>found)._pour(<CLink>wrap_link(l))
                return True
            if type(found) is AioReceiveState:
                (<AioReceiveState>found)._check_drained(l)
                return True
        name = CORE_METHODS[n] if 0 <= n < 64 else None
        if name is None:
            name = ev._type.method
        dispatch_to(self.incoming, ev, name)
        dispatch_to(self.outgoing, ev, name)
        return True


    FAST_NAMES = ()


add_fast_base(AioFastPath)
