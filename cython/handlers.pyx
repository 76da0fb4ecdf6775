# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# The per-delivery machinery of MessagingHandler, in C, once: credit top-up (FlowController),
# receiving a message and auto-accepting it (IncomingMessageHandler), on_sendable and the
# outcome callbacks with auto-settle (OutgoingMessageHandler). The public classes in
# proton/_handlers.py subclass these bases and add no per-delivery code of their own.
#
# Each base names in FAST_NAMES the methods its C code implements. While a handler's class leaves
# those alone, dispatch_to() lets handle_fast() take the event with no method lookup; a subclass
# that overrides one of them is dispatched the generic way, and its ``super().on_delivery(event)``
# (say) reaches the same C code through the base's def method, which then also looks at instance
# attributes as python-qpid-proton does. The callbacks it makes (on_message, on_sendable, ...) are
# looked up on the handler's class either way, so overriding those never needs the slow path.

# -- which classes may take the fast path -----------------------------------------------------

# base class -> the method names whose behaviour the base's C code implements
cdef dict _fast_bases = {}
# class -> True when it inherits those methods unchanged from a registered base
cdef dict _fast_classes = {}


cdef int add_fast_base(object cls) except -1:
    """Let ``cls``, a class over one of the compiled bases below, and each of its subclasses that
    leaves the base's FAST_NAMES (and on_unhandled) as ``cls`` has them take the fast path."""
    _fast_bases[cls] = tuple(cls.FAST_NAMES) + ("on_unhandled",)
    _fast_classes.clear()
    return 0


cdef int fast_handlers_bound() except -1:
    """After bind(): the Python layer's handler classes over the compiled bases."""
    for cls in (T_FlowController, T_EndpointStateHandler, T_IncomingMessageHandler, T_OutgoingMessageHandler):
        if cls is not None and cls not in _fast_bases:
            add_fast_base(cls)
    return 0


cdef bint class_is_fast(object cls) except -1:
    cdef PyObject *found = PyDict_GetItem(_fast_classes, cls)
    if found != NULL:
        return <object>found
    ok = False
    for base in cls.__mro__:
        names = _fast_bases.get(base)
        if names is not None:
            ok = all(getattr(cls, n, None) is getattr(base, n, None) for n in names)
            break
    _fast_classes[cls] = ok
    return ok


cdef bint overridden_on_instance(object handler) except -1:
    """True when one of the fast methods is set on ``handler`` itself (dispatch looks there first).
    Looked at on the handler's first event; an attribute set after that is not seen."""
    d = getattr(handler, "__dict__", None)
    if not d:
        return False
    for base in type(handler).__mro__:
        names = _fast_bases.get(base)
        if names is not None:
            return any(n in d for n in names)
    return False


cdef class CFastHandler:
    """A handler whose hot events are handled in C when its class leaves them alone."""


    def __cinit__(self, *args, **kwargs):
        self._fast = -1

    cdef bint handle_fast(self, CEvent ev) except -1:
        if self._fast < 0:
            self._fast = 1 if class_is_fast(type(self)) and not overridden_on_instance(self) else 0
        if self._fast == 0:
            return False
        return self._handle(ev)

    cdef bint _handle(self, CEvent ev) except -1:
        return False


cdef class CEndpointStateHandler(CFastHandler):
    """Base of EndpointStateHandler: nothing to do for deliveries, flow or transport events."""

    FAST_NAMES = ("on_delivery", "on_link_flow", "on_transport")

    cdef bint _handle(self, CEvent ev) except -1:
        return ev._number == c_event.PN_DELIVERY or ev._number == c_event.PN_LINK_FLOW \
            or ev._number == c_event.PN_TRANSPORT


cdef class CFlowController(CFastHandler):
    """Base of FlowController: keeps each receiving link's credit topped up to the window."""

    cdef public int _window
    cdef public int _drained

    FAST_NAMES = ("on_link_local_open", "on_link_remote_open", "on_link_flow", "on_delivery", "on_transport")

    cdef bint _handle(self, CEvent ev) except -1:
        cdef int n = ev._number
        if n == c_event.PN_TRANSPORT:
            return True
        if n != c_event.PN_DELIVERY and n != c_event.PN_LINK_FLOW and n != c_event.PN_LINK_LOCAL_OPEN \
                and n != c_event.PN_LINK_REMOTE_OPEN:
            return False
        self.top_up(ev._link)
        return True

    # a link opening at either end, a flow frame and a delivery can each leave credit short
    def on_link_local_open(self, event):
        self.top_up((<CEvent?>event)._link)

    def on_link_remote_open(self, event):
        self.top_up((<CEvent?>event)._link)

    def on_link_flow(self, event):
        self.top_up((<CEvent?>event)._link)

    def on_delivery(self, event):
        self.top_up((<CEvent?>event)._link)

    cdef int top_up(self, pn_link_t *link) except -1:
        """Grant a receiving ``link`` what its credit lacks of the window."""
        cdef int delta
        if link != NULL and c_link.pn_link_is_receiver(link):
            # Count only credit drained at this end's request (drain mode on). Without that check,
            # any sender could advance its delivery-count in a flow frame and so stop this
            # handler, shared by every link of the container, from ever granting credit again.
            delta = c_link.pn_link_drained(link)
            if delta and c_link.pn_link_get_drain(link):
                self._drained += delta
            if self._drained == 0:
                delta = self._window - c_link.pn_link_credit(link)
                if delta > 0:
                    c_link.pn_link_flow(link, delta)
        return 0


cdef object receive_message(pn_link_t *link, pn_delivery_t *d):
    """Read the complete delivery ``d`` into a new Message and advance the link.

    The bytes go into the leased receive buffer (pools.pyx), held until the decoder is done: the
    decoder runs Python code, and another thread may receive in the meantime."""
    cdef size_t pending = c_delivery.pn_delivery_pending(d)
    cdef ssize_t n
    cdef CMessage msg
    cdef EncodeBuffer buf = lease_buffer(thread_pools().rx)
    try:
        buf.reserve(pending)
        n = c_link.pn_link_recv(link, <char *>buf.data, pending) if pending else 0
        c_link.pn_link_advance(link)
        if n < 0 and n != c_error.PN_EOS:
            raise LinkException("[%d]: could not read the delivery" % n)
        msg = new_instance(T_Message)
        if n > 0:
            msg._decode_raw(<const unsigned char *>buf.data, n, True)
    finally:
        release_buffer(buf)
    return msg


cdef inline void settle_as(pn_delivery_t *d, uint64_t state) noexcept:
    c_delivery.pn_delivery_update(d, state)
    c_delivery.pn_delivery_settle(d)


def _reject_undecodable(delivery, problem):
    """Reject and settle a delivery whose bytes are not a message, with ``amqp:decode-error``
    saying why (used by IncomingMessageHandler in C and in proton/_handlers.py).

    The application never sees it: there is no message to give ``on_message``. python-qpid-proton
    raises the decode error out of ``Container.run()`` instead, so one bad message from any peer
    ends the whole program; here the sender hears why, a warning is logged, and the connection
    and the program go on."""
    cdef pn_delivery_t *d = (<CDelivery?>delivery)._dl()
    cdef pn_condition_t *cond = c_disposition.pn_disposition_condition(c_delivery.pn_delivery_local(d))
    cdef pn_link_t *link = c_delivery.pn_delivery_link(d)
    text = "undecodable message: %s" % (problem,)
    c_condition.pn_condition_set_name(cond, "amqp:decode-error")
    c_condition.pn_condition_set_description(cond, text.encode("utf-8", "replace")[:1024])
    settle_as(d, c_disposition.PN_REJECTED)
    _engine_log.warning("rejected a delivery on link %s: %s",
                        opt_str(c_link.pn_link_name(link)) if link != NULL else None, text)


cdef object _ON_MESSAGE = "on_message"
cdef object _ON_SETTLED = "on_settled"
cdef object _ON_ABORTED = "on_aborted"
cdef object _ON_SENDABLE = "on_sendable"
cdef object _ON_ACCEPTED = "on_accepted"
cdef object _ON_REJECTED = "on_rejected"
cdef object _ON_RELEASED = "on_released"


cdef class CIncomingMessageHandler(CFastHandler):
    """Base of IncomingMessageHandler: turns complete deliveries into on_message calls."""


    FAST_NAMES = ("on_delivery", "on_link_flow", "on_transport")

    cdef bint _handle(self, CEvent ev) except -1:
        if ev._number != c_event.PN_DELIVERY:
            return ev._number == c_event.PN_LINK_FLOW or ev._number == c_event.PN_TRANSPORT
        self.delivery_changed(ev, False)
        return True

    def on_delivery(self, event):
        """A delivery changed: a complete message becomes ``on_message`` (with ``event.message``;
        then, with auto_accept, it is accepted; Reject and Release raised from on_message settle it
        so), an aborted one ``on_aborted``, one the peer settled ``on_settled``."""
        self.delivery_changed(<CEvent?>event, True)

    cdef int delivery_changed(self, CEvent ev, bint instance_first) except -1:
        cdef pn_delivery_t *d = ev._dlv
        cdef pn_link_t *link
        if d == NULL:
            return 0
        link = c_delivery.pn_delivery_link(d)
        if not c_link.pn_link_is_receiver(link):
            return 0
        if c_delivery.pn_delivery_aborted(d):
            call_method(self, _ON_ABORTED, ev, instance_first)
            c_delivery.pn_delivery_settle(d)
        elif c_delivery.pn_delivery_readable(d) and not c_delivery.pn_delivery_partial(d):
            try:
                ev.message = receive_message(link, d)
            except MemoryError:
                raise
            except Exception as problem:     # bytes from the peer that are not a message
                _reject_undecodable(ev.delivery, problem)
                return 0
            if c_link.pn_link_state(link) & c_connection.PN_LOCAL_CLOSED:
                if self.auto_accept:                    # the link is closing here: back unseen
                    settle_as(d, c_disposition.PN_RELEASED)
            else:
                try:
                    call_method(self, _ON_MESSAGE, ev, instance_first)
                except BaseException as exc:
                    if T_Reject is not None and isinstance(exc, T_Reject):
                        settle_as(d, c_disposition.PN_REJECTED)
                    elif T_Release is not None and isinstance(exc, T_Release):
                        settle_as(d, c_disposition.PN_MODIFIED)
                    else:
                        raise
                else:
                    if self.auto_accept:
                        settle_as(d, c_disposition.PN_ACCEPTED)
        elif c_delivery.pn_delivery_updated(d) and c_delivery.pn_delivery_settled(d):
            call_method(self, _ON_SETTLED, ev, instance_first)
        return 0


cdef class COutgoingMessageHandler(CFastHandler):
    """Base of OutgoingMessageHandler: on_sendable, the outcome callbacks and auto-settle."""


    FAST_NAMES = ("on_delivery", "on_link_flow", "on_transport")

    cdef bint _handle(self, CEvent ev) except -1:
        if ev._number == c_event.PN_LINK_FLOW:
            self.link_flowed(ev, False)
            return True
        if ev._number == c_event.PN_TRANSPORT:
            return True
        if ev._number != c_event.PN_DELIVERY:
            return False
        self.delivery_changed(ev, False)
        return True

    def on_link_flow(self, event):
        """A flow frame: ``on_sendable`` while the open sender has credit."""
        self.link_flowed(<CEvent?>event, True)

    def on_delivery(self, event):
        """The peer's outcome of a sent message: ``on_accepted``, ``on_rejected`` or ``on_released``,
        then ``on_settled`` if it settled it (and with auto_settle this end settles too)."""
        self.delivery_changed(<CEvent?>event, True)

    cdef int link_flowed(self, CEvent ev, bint instance_first) except -1:
        cdef pn_link_t *link = ev._link
        cdef int state
        if link != NULL and c_link.pn_link_is_sender(link) and c_link.pn_link_credit(link) > 0:
            state = c_link.pn_link_state(link)
            if state & c_connection.PN_LOCAL_ACTIVE and state & c_connection.PN_REMOTE_ACTIVE:
                call_method(self, _ON_SENDABLE, ev, instance_first)
        return 0

    cdef int delivery_changed(self, CEvent ev, bint instance_first) except -1:
        cdef pn_delivery_t *d = ev._dlv
        cdef uint64_t outcome
        if d == NULL or not c_link.pn_link_is_sender(c_delivery.pn_delivery_link(d)):
            return 0
        if c_delivery.pn_delivery_updated(d):
            outcome = c_delivery.pn_delivery_remote_state(d)
            if outcome == c_disposition.PN_ACCEPTED:
                call_method(self, _ON_ACCEPTED, ev, instance_first)
            elif outcome == c_disposition.PN_REJECTED:
                call_method(self, _ON_REJECTED, ev, instance_first)
            elif outcome == c_disposition.PN_RELEASED or outcome == c_disposition.PN_MODIFIED:
                call_method(self, _ON_RELEASED, ev, instance_first)
            if c_delivery.pn_delivery_settled(d):
                call_method(self, _ON_SETTLED, ev, instance_first)
                if self.auto_settle:
                    c_delivery.pn_delivery_settle(d)
        return 0
