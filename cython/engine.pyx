# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# Wrappers of the engine's endpoints: connection, session, link, terminus, delivery,
# disposition, and the condition conversions. The public classes (proton.Connection, ...)
# are Python subclasses defined in proton/_endpoints.py and proton/_delivery.py, bound to the
# T_ slots of registry.pyx, so the wrappers made here have the public type.

# -- small conversions ------------------------------------------------------------------------

cdef inline object opt_str(const char *s):
    """A string the engine holds. Most come from the peer (container id, hostname, link name,
    addresses, condition names and descriptions, the SASL mechanism, and the engine's own error
    texts that quote them), so bytes that are not UTF-8 become U+FFFD instead of raising
    UnicodeDecodeError from an attribute, which would end Container.run() for one bad peer."""
    if s == NULL:
        return None
    return PyUnicode_DecodeUTF8(s, strlen(s), "replace")


cdef inline bytes c_arg(object s):
    """UTF-8 bytes for a const char* argument (None stays None: pass NULL)."""
    if s is None:
        return None
    if isinstance(s, bytes):
        return s
    if not isinstance(s, str):
        raise TypeError("expected str, not %s" % type(s).__name__)
    return (<str>s).encode("utf-8")


cdef inline const char *c_ptr(bytes b):
    return NULL if b is None else PyBytes_AS_STRING(b)


cdef object data_to_obj(pn_data_t *d):
    """The first top-level value of ``d`` as a Python value (None when empty)."""
    if d == NULL:
        return None
    global _text_errors
    c_codec.pn_data_rewind(d)
    if not c_codec.pn_data_next(d):
        c_codec.pn_data_rewind(d)
        return None
    try:
        value = get_value(d, 0)
    except UnicodeDecodeError:
        # Remote properties, capabilities, condition info and disposition state come from the
        # peer: text in them that is not UTF-8 gets U+FFFD, as opt_str does (only on this slow path,
        # so the strict decoder and its name cache stay as they are).
        c_codec.pn_data_rewind(d)
        c_codec.pn_data_next(d)
        _text_errors = "replace"
        try:
            value = get_value(d, 0)
        finally:
            _text_errors = NULL
    c_codec.pn_data_rewind(d)
    return value


cdef int obj_to_data(object obj, pn_data_t *d) except -1:
    """Replace the contents of ``d`` with ``obj`` (a SymbolList becomes an array of symbols)."""
    c_codec.pn_data_clear(d)
    if obj is None:
        return 0
    if isinstance(obj, T_SymbolList):
        if len(obj) == 0:
            return 0
        obj = obj.to_array()
    put_value(d, obj, 0)
    return 0


cdef object cond_to_obj(pn_condition_t *cond):
    if cond == NULL or not c_condition.pn_condition_is_set(cond):
        return None
    try:
        info = data_to_obj(c_condition.pn_condition_info(cond))
    except DataException:
        # The peer's info map cannot be made a Python value (nested deeper than the codec goes):
        # the condition still says what happened, without it. Conditions are read by the
        # library's own handlers, so raising here would end Container.run() for one peer.
        info = None
    return T_Condition(opt_str(c_condition.pn_condition_get_name(cond)),
                       opt_str(c_condition.pn_condition_get_description(cond)), info)


cdef int obj_to_cond(object obj, pn_condition_t *cond) except -1:
    cdef bytes name, desc
    c_condition.pn_condition_clear(cond)
    if not obj:
        return 0
    name = c_arg(obj.name)
    desc = c_arg(obj.description)
    c_condition.pn_condition_set_name(cond, c_ptr(name))
    c_condition.pn_condition_set_description(cond, c_ptr(desc))
    info = c_condition.pn_condition_info(cond)
    c_codec.pn_data_clear(info)
    if obj.info:
        put_value(info, obj.info, 0)
    return 0


# -- wrapping engine pointers -----------------------------------------------------------------

cdef object wrap_connection(pn_connection_t *c):
    if c == NULL:
        return None
    return make_wrapper(T_Connection, c, True)


cdef object wrap_session(pn_session_t *s):
    if s == NULL:
        return None
    return make_wrapper(T_Session, s, True)


cdef object wrap_link(pn_link_t *l):
    if l == NULL:
        return None
    return make_wrapper(T_Sender if c_link.pn_link_is_sender(l) else T_Receiver, l, True)


cdef object wrap_delivery(pn_delivery_t *d):
    if d == NULL:
        return None
    return make_wrapper(T_Delivery, d, True)


cdef object wrap_transport(pn_transport_t *t):
    if t == NULL:
        return None
    return make_wrapper(T_Transport, t, True)


cdef object handler_of(pn_record_t *rec):
    return record_get(rec, HANDLER_KEY)


cdef object normalise_handler(object handler):
    """python-qpid-proton wraps a handler that is not a Handler in one that is."""
    if handler is None or T_Handler is None or isinstance(handler, T_Handler):
        return handler
    wrapped = T_Handler()
    wrapped.add(handler)
    return wrapped


# -- endpoints --------------------------------------------------------------------------------

cdef class CEndpoint(CWrapper):
    """Shared parts of Connection, Session and Link."""

    cdef pn_condition_t *_local_cond(self) except? NULL:
        return NULL

    cdef pn_condition_t *_remote_cond(self) except? NULL:
        return NULL

    cdef int _write_condition(self) except -1:
        cond = getattr(self, "condition", None)
        obj_to_cond(cond, self._local_cond())
        return 0

    @property
    def remote_condition(self):
        """The error condition the peer sent when closing, or None."""
        return cond_to_obj(self._remote_cond())

    @property
    def handler(self):
        """The handler for this endpoint's events (None: inherit from the parent)."""
        return handler_of(self._record())

    @handler.setter
    def handler(self, handler):
        record_set(self._record(), HANDLER_KEY, normalise_handler(handler))


cdef class CConnection(CEndpoint):
    """Base of :class:`proton.Connection`."""

    cdef pn_record_t *_record(self) noexcept:
        return c_connection.pn_connection_attachments(<pn_connection_t *>self._impl)

    cdef inline pn_connection_t *_c(self) except NULL:
        return <pn_connection_t *>self._ptr()

    cdef pn_condition_t *_local_cond(self) except? NULL:
        return c_connection.pn_connection_condition(self._c())

    cdef pn_condition_t *_remote_cond(self) except? NULL:
        return c_connection.pn_connection_remote_condition(self._c())

    def _new_engine_object(self):
        cdef pn_connection_t *c
        if self._impl != NULL:
            return False
        c = c_connection.pn_connection()
        if c == NULL:
            raise ProtonException("could not create a connection (out of memory?)")
        self._impl = c      # adopt the creation reference
        share_attributes(self)
        return True

    @property
    def state(self):
        """Local and remote state flags (see :class:`Endpoint`)."""
        return c_connection.pn_connection_state(self._c())

    @property
    def error(self):
        """The engine's error code for this connection's last failed operation (0: none)."""
        return c_error.pn_error_code(c_connection.pn_connection_error(self._c()))

    @property
    def transport(self):
        """The transport bound to this connection, or None."""
        return wrap_transport(c_connection.pn_connection_transport(self._c()))

    @property
    def connection(self):
        return self

    def _open(self, offered, desired, properties):
        cdef pn_connection_t *c = self._c()
        obj_to_data(offered, c_connection.pn_connection_offered_capabilities(c))
        obj_to_data(desired, c_connection.pn_connection_desired_capabilities(c))
        obj_to_data(properties, c_connection.pn_connection_properties(c))
        c_connection.pn_connection_open(c)

    def close(self):
        """Close the connection (the condition attribute, if set, is sent to the peer)."""
        self._write_condition()
        c_connection.pn_connection_close(self._c())

    def free(self):
        """Release the connection; the engine frees it once nothing refers to it."""
        # pn_connection_release ends the endpoint's life (it frees the sessions and links the
        # application did not) but takes no object reference: this wrapper's reference stays
        # this wrapper's, dropped by __dealloc__. (An extra pn_incref here once kept every freed
        # connection, its record and the container named in it, alive for ever.)
        c_connection.pn_connection_release(self._c())

    def collect(self, collector):
        cdef CCollector col
        if collector is None:
            c_connection.pn_connection_collect(self._c(), NULL)
        else:
            col = <CCollector?>collector
            c_connection.pn_connection_collect(self._c(), col._impl)

    def session(self):
        """Make a new session on this connection."""
        cdef pn_session_t *s = c_session.pn_session(self._c())
        if s == NULL:
            raise SessionException("session limit reached")
        return make_wrapper(T_Session, s, True)

    def session_head(self, mask):
        """The first session whose state matches ``mask``, or None."""
        return wrap_session(c_session.pn_session_head(self._c(), mask))

    def link_head(self, mask):
        """The first link whose state matches ``mask``, or None."""
        return wrap_link(c_link.pn_link_head(self._c(), mask))

    @property
    def container(self):
        """The container id announced in the open frame."""
        return opt_str(c_connection.pn_connection_get_container(self._c()))

    @container.setter
    def container(self, name):
        cdef bytes b = c_arg(name)
        c_connection.pn_connection_set_container(self._c(), c_ptr(b))

    @property
    def hostname(self):
        """The host name announced in the open frame (and used for SNI unless overridden)."""
        return opt_str(c_connection.pn_connection_get_hostname(self._c()))

    @hostname.setter
    def hostname(self, name):
        cdef bytes b = c_arg(name)
        c_connection.pn_connection_set_hostname(self._c(), c_ptr(b))

    @property
    def user(self):
        """The user name for SASL authentication."""
        return opt_str(c_connection.pn_connection_get_user(self._c()))

    @user.setter
    def user(self, name):
        cdef bytes b = c_arg(name)
        c_connection.pn_connection_set_user(self._c(), c_ptr(b))

    @property
    def authorization(self):
        """The authorization identity for SASL (who to act as)."""
        return opt_str(c_connection.pn_connection_get_authorization(self._c()))

    @authorization.setter
    def authorization(self, name):
        cdef bytes b = c_arg(name)
        c_connection.pn_connection_set_authorization(self._c(), c_ptr(b))

    @property
    def password(self):
        """Write-only: the password for SASL authentication (reading gives None)."""
        return None

    @password.setter
    def password(self, secret):
        cdef bytes b = c_arg(secret)
        c_connection.pn_connection_set_password(self._c(), c_ptr(b))

    @property
    def remote_container(self):
        return opt_str(c_connection.pn_connection_remote_container(self._c()))

    @property
    def remote_hostname(self):
        return opt_str(c_connection.pn_connection_remote_hostname(self._c()))

    @property
    def remote_offered_capabilities(self):
        return data_to_obj(c_connection.pn_connection_remote_offered_capabilities(self._c()))

    @property
    def remote_desired_capabilities(self):
        return data_to_obj(c_connection.pn_connection_remote_desired_capabilities(self._c()))

    @property
    def remote_properties(self):
        return data_to_obj(c_connection.pn_connection_remote_properties(self._c()))


cdef class CSession(CEndpoint):
    """Base of :class:`proton.Session`."""

    cdef pn_record_t *_record(self) noexcept:
        return c_session.pn_session_attachments(<pn_session_t *>self._impl)

    cdef inline pn_session_t *_s(self) except NULL:
        return <pn_session_t *>self._ptr()

    cdef pn_condition_t *_local_cond(self) except? NULL:
        return c_session.pn_session_condition(self._s())

    cdef pn_condition_t *_remote_cond(self) except? NULL:
        return c_session.pn_session_remote_condition(self._s())

    @property
    def state(self):
        return c_session.pn_session_state(self._s())

    @property
    def connection(self):
        return wrap_connection(c_session.pn_session_connection(self._s()))

    @property
    def transport(self):
        return wrap_transport(c_connection.pn_connection_transport(c_session.pn_session_connection(self._s())))

    def open(self):
        """Open the session."""
        c_session.pn_session_open(self._s())

    def close(self):
        """Close the session (sending the condition attribute, if set)."""
        self._write_condition()
        c_session.pn_session_close(self._s())

    def free(self):
        """Free the session and its links."""
        # Like pn_connection_release: no object reference is taken or dropped.
        c_session.pn_session_free(self._s())

    def next(self, mask):
        """The next session of the connection whose state matches ``mask``, or None."""
        return wrap_session(c_session.pn_session_next(self._s(), mask))

    def sender(self, name):
        """Make a sending link called ``name`` on this session."""
        cdef bytes b = c_arg(name)
        return make_wrapper(T_Sender, c_link.pn_sender(self._s(), c_ptr(b)), True)

    def receiver(self, name):
        """Make a receiving link called ``name`` on this session."""
        cdef bytes b = c_arg(name)
        return make_wrapper(T_Receiver, c_link.pn_receiver(self._s(), c_ptr(b)), True)

    @property
    def incoming_capacity(self):
        return c_session.pn_session_get_incoming_capacity(self._s())

    @incoming_capacity.setter
    def incoming_capacity(self, size_t capacity):
        c_session.pn_session_set_incoming_capacity(self._s(), capacity)

    @property
    def outgoing_window(self):
        return c_session.pn_session_get_outgoing_window(self._s())

    @outgoing_window.setter
    def outgoing_window(self, size_t window):
        c_session.pn_session_set_outgoing_window(self._s(), window)

    @property
    def outgoing_bytes(self):
        return c_session.pn_session_outgoing_bytes(self._s())

    @property
    def incoming_bytes(self):
        return c_session.pn_session_incoming_bytes(self._s())


cdef class CTerminus:
    """Base of :class:`proton.Terminus`: a view of a link's source or target."""

    cdef pn_terminus_t *_impl
    cdef object _owner      # the link wrapper, which keeps the engine link (and so this) alive

    cdef pn_terminus_t *_t(self) except NULL:
        if self._impl == NULL:
            raise LinkException("terminus is not attached to a link")
        return self._impl

    cdef int _check(self, int err) except -1:
        if err < 0:
            raise LinkException("[%d]: terminus update failed" % err)
        return err

    @property
    def type(self):
        return c_terminus.pn_terminus_get_type(self._t())

    @type.setter
    def type(self, int value):
        self._check(c_terminus.pn_terminus_set_type(self._t(), <c_terminus.pn_terminus_type_t>value))

    @property
    def address(self):
        return opt_str(c_terminus.pn_terminus_get_address(self._t()))

    @address.setter
    def address(self, value):
        cdef bytes b = c_arg(value)
        self._check(c_terminus.pn_terminus_set_address(self._t(), c_ptr(b)))

    @property
    def durability(self):
        return c_terminus.pn_terminus_get_durability(self._t())

    @durability.setter
    def durability(self, int value):
        self._check(c_terminus.pn_terminus_set_durability(self._t(), <c_terminus.pn_durability_t>value))

    @property
    def expiry_policy(self):
        return c_terminus.pn_terminus_get_expiry_policy(self._t())

    @expiry_policy.setter
    def expiry_policy(self, int value):
        self._check(c_terminus.pn_terminus_set_expiry_policy(self._t(), <c_terminus.pn_expiry_policy_t>value))

    @property
    def timeout(self):
        return c_terminus.pn_terminus_get_timeout(self._t())

    @timeout.setter
    def timeout(self, value):
        self._check(c_terminus.pn_terminus_set_timeout(self._t(), value))

    @property
    def dynamic(self):
        return c_terminus.pn_terminus_is_dynamic(self._t())

    @dynamic.setter
    def dynamic(self, value):
        self._check(c_terminus.pn_terminus_set_dynamic(self._t(), bool(value)))

    @property
    def distribution_mode(self):
        return c_terminus.pn_terminus_get_distribution_mode(self._t())

    @distribution_mode.setter
    def distribution_mode(self, int value):
        self._check(c_terminus.pn_terminus_set_distribution_mode(
            self._t(), <c_terminus.pn_distribution_mode_t>value))

    @property
    def properties(self):
        """Node properties (a Data view)."""
        return wrap_data(c_terminus.pn_terminus_properties(self._t()), self)

    @property
    def capabilities(self):
        """Capabilities (a Data view)."""
        return wrap_data(c_terminus.pn_terminus_capabilities(self._t()), self)

    @property
    def outcomes(self):
        """Supported outcomes (a Data view)."""
        return wrap_data(c_terminus.pn_terminus_outcomes(self._t()), self)

    @property
    def filter(self):
        """The filter set, for a source (a Data view)."""
        return wrap_data(c_terminus.pn_terminus_filter(self._t()), self)

    def copy(self, src):
        """Make this terminus a copy of ``src``."""
        cdef CTerminus other = <CTerminus?>src
        self._check(c_terminus.pn_terminus_copy(self._t(), other._t()))


cdef object make_terminus(pn_terminus_t *t, object owner):
    cdef CTerminus term = new_instance(T_Terminus)
    term._impl = t
    term._owner = owner
    return term


cdef class CLink(CEndpoint):
    """Base of :class:`proton.Sender` and :class:`proton.Receiver`."""

    cdef pn_record_t *_record(self) noexcept:
        return c_link.pn_link_attachments(<pn_link_t *>self._impl)

    cdef pn_condition_t *_local_cond(self) except? NULL:
        return c_link.pn_link_condition(self._l())

    cdef pn_condition_t *_remote_cond(self) except? NULL:
        return c_link.pn_link_remote_condition(self._l())

    cdef int _check(self, int err) except -1:
        if err < 0:
            return check(err, c_link.pn_link_error(self._l()), LinkException)
        return err

    def _open(self, properties):
        obj_to_data(properties, c_link.pn_link_properties(self._l()))
        c_link.pn_link_open(self._l())

    def close(self):
        """Close the link (sending the condition attribute, if set)."""
        self._write_condition()
        c_link.pn_link_close(self._l())

    def detach(self):
        """Detach the link without closing it (the terminus may be resumed later)."""
        c_link.pn_link_detach(self._l())

    def free(self):
        """Free the link."""
        # Like pn_connection_release: no object reference is taken or dropped.
        c_link.pn_link_free(self._l())

    @property
    def state(self):
        return c_link.pn_link_state(self._l())

    @property
    def name(self):
        return opt_str(c_link.pn_link_name(self._l()))

    @property
    def is_sender(self):
        return c_link.pn_link_is_sender(self._l())

    @property
    def is_receiver(self):
        return c_link.pn_link_is_receiver(self._l())

    @property
    def session(self):
        return wrap_session(c_link.pn_link_session(self._l()))

    @property
    def connection(self):
        return wrap_connection(c_session.pn_session_connection(c_link.pn_link_session(self._l())))

    @property
    def transport(self):
        return wrap_transport(c_connection.pn_connection_transport(
            c_session.pn_session_connection(c_link.pn_link_session(self._l()))))

    @property
    def source(self):
        return make_terminus(c_link.pn_link_source(self._l()), self)

    @property
    def target(self):
        return make_terminus(c_link.pn_link_target(self._l()), self)

    @property
    def remote_source(self):
        return make_terminus(c_link.pn_link_remote_source(self._l()), self)

    @property
    def remote_target(self):
        return make_terminus(c_link.pn_link_remote_target(self._l()), self)

    @property
    def current(self):
        """The delivery the link is positioned at, or None."""
        return wrap_delivery(c_link.pn_link_current(self._l()))

    def advance(self):
        """Move on from the current delivery; return whether the position changed."""
        return c_link.pn_link_advance(self._l())

    @property
    def credit(self):
        return c_link.pn_link_credit(self._l())

    @property
    def queued(self):
        return c_link.pn_link_queued(self._l())

    @property
    def available(self):
        return c_link.pn_link_available(self._l())

    @property
    def unsettled(self):
        return c_link.pn_link_unsettled(self._l())

    @property
    def drain_mode(self):
        return c_link.pn_link_get_drain(self._l())

    @drain_mode.setter
    def drain_mode(self, value):
        c_link.pn_link_set_drain(self._l(), bool(value))

    def drained(self):
        """For a sender: give up the remaining credit in drain mode; return how much."""
        return c_link.pn_link_drained(self._l())

    def next(self, mask):
        """The next link of the connection whose state matches ``mask``, or None."""
        return wrap_link(c_link.pn_link_next(self._l(), mask))

    @property
    def snd_settle_mode(self):
        return c_link.pn_link_snd_settle_mode(self._l())

    @snd_settle_mode.setter
    def snd_settle_mode(self, int mode):
        c_link.pn_link_set_snd_settle_mode(self._l(), <c_link.pn_snd_settle_mode_t>mode)

    @property
    def rcv_settle_mode(self):
        return c_link.pn_link_rcv_settle_mode(self._l())

    @rcv_settle_mode.setter
    def rcv_settle_mode(self, int mode):
        c_link.pn_link_set_rcv_settle_mode(self._l(), <c_link.pn_rcv_settle_mode_t>mode)

    @property
    def remote_snd_settle_mode(self):
        return c_link.pn_link_remote_snd_settle_mode(self._l())

    @property
    def remote_rcv_settle_mode(self):
        return c_link.pn_link_remote_rcv_settle_mode(self._l())

    @property
    def max_message_size(self):
        return c_link.pn_link_max_message_size(self._l())

    @max_message_size.setter
    def max_message_size(self, uint64_t size):
        c_link.pn_link_set_max_message_size(self._l(), size)

    @property
    def remote_max_message_size(self):
        return c_link.pn_link_remote_max_message_size(self._l())

    @property
    def remote_properties(self):
        return data_to_obj(c_link.pn_link_remote_properties(self._l()))

    def delivery(self, tag):
        """Make a new delivery on this link with delivery tag ``tag`` (str or bytes)."""
        cdef bytes b = tag.encode("utf-8") if isinstance(tag, str) else bytes(tag)
        cdef pn_delivery_t *d = c_delivery.pn_delivery(
            self._l(), c_delivery.pn_dtag(PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b)))
        if d == NULL:
            raise LinkException("could not create a delivery")
        return make_wrapper(T_Delivery, d, True)

    # -- sender ------------------------------------------------------------------------------

    def send(self, obj, tag=None):
        """Send ``obj``: a :class:`Message` becomes one new delivery (returned); anything else with a
        ``send(sender, tag=...)`` method is asked to send itself; bytes are streamed into the
        current delivery (the byte count is returned).

        :param tag: delivery tag for the new delivery; a fresh one is made when omitted.
        """
        cdef object kind = type(obj)
        if kind is T_Message or (isinstance(obj, CMessage) and kind.send is T_Message.send):
            return send_message(self, <CMessage>obj, tag)
        if hasattr(obj, "send"):
            return obj.send(self, tag=tag)
        return self.stream(obj)

    def send_many(self, items):
        """Send the items of ``items`` in order, each as a new delivery, while the link has credit: a
        :class:`Message` as it is, any other value as the body of a message with nothing else in it.
        Returns how many were sent; an item is taken from ``items`` only when it can go, so what is
        left (``items[sent:]`` of a list, or the rest of an iterator) waits for more credit.
        Presettled links settle each at once, as :meth:`send` does (a cyproton extension)."""
        cdef pn_link_t *l = self._l()
        cdef Py_ssize_t sent = 0
        cdef CMessage scratch = None
        if c_link.pn_link_credit(l) <= 0:
            return 0
        for item in items:
            kind = type(item)
            if kind is T_Message or (isinstance(item, CMessage) and kind.send is T_Message.send):
                send_message(self, <CMessage>item, None, False)
            else:
                if scratch is None:
                    scratch = <CMessage>T_Message()
                scratch.body = item
                send_message(self, scratch, None, False)
            sent += 1
            if c_link.pn_link_credit(l) <= 0:
                break
        return sent

    def settle_many(self, deliveries, state=None):
        """Give each of ``deliveries`` (of this link) the outcome ``state`` (Disposition.ACCEPTED
        when None) and settle it, in one call; returns how many were settled (a cyproton extension:
        what ``update(state)`` and ``settle()`` on each would do, fields set on ``local`` included)."""
        cdef uint64_t code = c_disposition.PN_ACCEPTED if state is None else <uint64_t>int(state)
        cdef pn_link_t *l = self._l()
        cdef pn_delivery_t *d
        cdef CDelivery dlv
        cdef Py_ssize_t settled = 0
        for item in deliveries:
            dlv = <CDelivery?>item
            d = dlv._dl()
            if c_delivery.pn_delivery_link(d) != l:
                raise ValueError("settle_many(): a delivery of another link")
            if dlv._local is not None:
                (<CDisposition>dlv._local)._write()
            c_delivery.pn_delivery_update(d, code)
            c_delivery.pn_delivery_settle(d)
            settled += 1
        return settled

    def offered(self, int n):
        """Tell the peer how many messages this sender could send."""
        c_link.pn_link_offered(self._l(), n)

    def stream(self, data):
        """Send ``data`` (bytes) as more of the current delivery; return the number of bytes sent."""
        cdef const unsigned char[::1] view = data
        if view.shape[0] == 0:
            return self._check(<int>c_link.pn_link_send(self._l(), NULL, 0))
        return self._check(<int>c_link.pn_link_send(self._l(), <const char *>&view[0], view.shape[0]))

    # -- receiver ----------------------------------------------------------------------------

    def flow(self, int n):
        """Grant the peer ``n`` more credit."""
        c_link.pn_link_flow(self._l(), n)

    def drain(self, int n):
        """Grant ``n`` credit and ask the peer to use it up or give it back."""
        c_link.pn_link_drain(self._l(), n)

    def draining(self):
        """Whether a drain is still outstanding."""
        return c_link.pn_link_draining(self._l())

    def recv(self, size_t limit):
        """Read up to ``limit`` bytes of the current delivery; None at the end of it."""
        cdef bytes buf = PyBytes_FromStringAndSize(NULL, limit)
        cdef ssize_t n = c_link.pn_link_recv(self._l(), PyBytes_AS_STRING(buf), limit)
        if n == c_error.PN_EOS:
            return None
        self._check(<int>n)
        if <size_t>n != limit:
            return buf[:n]
        return buf


# -- sending: one message, one new delivery (Link.send, send_many, the messaging handlers) ----

cdef char _TAG_KEY_ANCHOR = 0
cdef pn_handle_t TAG_KEY = <pn_handle_t>&_TAG_KEY_ANCHOR
cdef object _TAG_GENERATOR = "tag_generator"
cdef object _UNSETTLED_LOG = "_unsettled_log"     # proton._reactor._UnsettledLog, kept in the link's attributes


def _send_message(CLink link, CMessage msg, tag):
    """Encode ``msg`` and send it on ``link`` as one new delivery; return the Delivery."""
    return send_message(link, msg, tag)


cdef class _TagCounter:
    """Per-link counter for delivery tags, kept in the link's record."""
    cdef uint64_t last


cdef Py_ssize_t next_tag(pn_link_t *link, char *out) except -1:
    """Write the link's next delivery tag (decimal, from 1) into ``out``; return its length.

    A ``tag_generator`` attribute set on the link (python-qpid-proton's hook) wins."""
    cdef pn_record_t *rec = c_link.pn_link_attachments(link)
    cdef _TagCounter counter
    cdef uint64_t v
    cdef char digits[24]
    cdef Py_ssize_t i = 0, j
    attrs = record_get(rec, ATTRS_KEY)
    if attrs is not None and _TAG_GENERATOR in attrs:
        return -2
    found = record_get(rec, TAG_KEY)
    if found is None:
        counter = _TagCounter()
        record_set(rec, TAG_KEY, counter)
    else:
        counter = <_TagCounter>found
    counter.last += 1
    v = counter.last
    while True:
        digits[i] = <char>(48 + v % 10)
        i += 1
        v //= 10
        if v == 0:
            break
    for j in range(i):
        out[j] = digits[i - 1 - j]
    return i


def _delivery_tag(CLink link):
    """The next delivery tag of ``link`` as a str (Sender.delivery_tag)."""
    cdef char buf[24]
    cdef Py_ssize_t n = next_tag(link._l(), buf)
    if n == -2:
        return next(link.tag_generator)
    return PyUnicode_DecodeUTF8(buf, n, NULL)


cdef object send_message(CLink link, CMessage msg, object tag, bint want_delivery=True):
    """Encode ``msg`` and send it on ``link`` as one new delivery; return the Delivery (None when
    ``want_delivery`` is false and nothing else needs its wrapper: send_many drops it anyway)."""
    cdef pn_link_t *l = link._l()
    cdef char tagbuf[24]
    cdef Py_ssize_t taglen
    cdef bytes tagbytes = None
    cdef pn_delivery_t *d
    cdef ssize_t sent
    # The encoding stays in the leased encode buffer (pools.pyx) until pn_link_send has copied it:
    # a tag generator (below) is Python code, and another thread may encode in the meantime.
    cdef EncodeBuffer buf = lease_buffer(thread_pools().tx)
    keeper = None
    try:
        msg._encode_into(buf)
        if tag is None:
            taglen = next_tag(l, tagbuf)
            if taglen == -2:
                tag = next(link.tag_generator)
        if tag is not None:
            tagbytes = tag.encode("utf-8") if isinstance(tag, str) else bytes(tag)
            d = c_delivery.pn_delivery(l, c_delivery.pn_dtag(PyBytes_AS_STRING(tagbytes), PyBytes_GET_SIZE(tagbytes)))
        else:
            d = c_delivery.pn_delivery(l, c_delivery.pn_dtag(tagbuf, taglen))
        if d == NULL:
            raise LinkException("could not create a delivery")
        sent = c_link.pn_link_send(l, <const char *>buf.data, buf.size)
        if sent < 0:
            check(<int>sent, c_link.pn_link_error(l), LinkException)
        # connect(resend_unsettled=True): the link keeps a copy of what it sends until the peer settles
        # it, so that it can send it again after a failover (the engine lets go of the bytes once written).
        attrs = record_get(c_link.pn_link_attachments(l), ATTRS_KEY)
        if attrs is not None:
            keeper = (<dict>attrs).get(_UNSETTLED_LOG)
            if keeper is not None:
                kept = PyBytes_FromStringAndSize(<const char *>buf.data, buf.size)
        c_link.pn_link_advance(l)
    finally:
        release_buffer(buf)
    if not want_delivery and keeper is None:
        if c_link.pn_link_snd_settle_mode(l) == c_link.PN_SND_SETTLED:
            c_delivery.pn_delivery_settle(d)
        return None
    # Wrap (taking a reference) before settling: settling may drop the engine's last reference.
    delivery = make_wrapper(T_Delivery, d, True)
    if c_link.pn_link_snd_settle_mode(l) == c_link.PN_SND_SETTLED:
        c_delivery.pn_delivery_settle(d)
    elif keeper is not None:
        keeper.add(delivery, kept)
    return delivery


# -- deliveries -------------------------------------------------------------------------------

cdef class CDisposition:
    """Base of :class:`proton.Disposition`: a view of a delivery's local or remote state."""


    def __dealloc__(self):
        if self._delivery != NULL:
            c_object.pn_decref(self._delivery)
            self._delivery = NULL

    cdef pn_disposition_t *_d(self) except NULL:
        if self._impl == NULL:
            raise ProtonException("disposition is not attached to a delivery")
        return self._impl

    @property
    def type(self):
        return T_DispositionType_or_int(c_disposition.pn_disposition_type(self._d()))

    @property
    def section_number(self):
        return c_disposition.pn_disposition_get_section_number(self._d())

    @section_number.setter
    def section_number(self, uint32_t n):
        c_disposition.pn_disposition_set_section_number(self._d(), n)

    @property
    def section_offset(self):
        return c_disposition.pn_disposition_get_section_offset(self._d())

    @section_offset.setter
    def section_offset(self, uint64_t n):
        c_disposition.pn_disposition_set_section_offset(self._d(), n)

    @property
    def failed(self):
        return c_disposition.pn_disposition_is_failed(self._d())

    @failed.setter
    def failed(self, value):
        c_disposition.pn_disposition_set_failed(self._d(), bool(value))

    @property
    def undeliverable(self):
        return c_disposition.pn_disposition_is_undeliverable(self._d())

    @undeliverable.setter
    def undeliverable(self, value):
        c_disposition.pn_disposition_set_undeliverable(self._d(), bool(value))

    @property
    def data(self):
        """Custom disposition state (a list of values)."""
        if self.local:
            return self._data
        value = data_to_obj(c_disposition.pn_disposition_data(self._d()))
        return None if isinstance(value, list) and not value else value   # no fields: None

    @data.setter
    def data(self, value):
        if not self.local:
            raise AttributeError("data of a remote disposition cannot be set")
        self._data = value

    @property
    def annotations(self):
        """Message annotations to apply (for the modified outcome)."""
        if self.local:
            return self._annotations
        return data_to_obj(c_disposition.pn_disposition_annotations(self._d()))

    @annotations.setter
    def annotations(self, value):
        if not self.local:
            raise AttributeError("annotations of a remote disposition cannot be set")
        self._annotations = value

    @property
    def condition(self):
        """The error condition (for the rejected outcome)."""
        if self.local:
            return self._condition
        return cond_to_obj(c_disposition.pn_disposition_condition(self._d()))

    @condition.setter
    def condition(self, value):
        if not self.local:
            raise AttributeError("condition of a remote disposition cannot be set")
        self._condition = value

    cdef int _write(self) except -1:
        cdef pn_disposition_t *d = self._d()
        obj_to_data(self._data, c_disposition.pn_disposition_data(d))
        obj_to_data(self._annotations, c_disposition.pn_disposition_annotations(d))
        if self._condition is not None:
            obj_to_cond(self._condition, c_disposition.pn_disposition_condition(d))
        return 0


cdef object T_DispositionType_or_int(uint64_t code):
    if T_DispositionType is not None and DS_RECEIVED <= code <= DS_MODIFIED:
        return T_DispositionType(code)
    return code


cdef object make_disposition(pn_disposition_t *d, pn_delivery_t *delivery, bint local):
    cdef CDisposition disp = new_instance(T_Disposition)
    disp._impl = d
    disp._delivery = delivery
    c_object.pn_incref(delivery)
    disp.local = local
    return disp


cdef class CDelivery(CWrapper):
    """Base of :class:`proton.Delivery`."""


    cdef pn_record_t *_record(self) noexcept:
        return c_delivery.pn_delivery_attachments(<pn_delivery_t *>self._impl)

    @property
    def tag(self):
        """The delivery tag (str when it is valid UTF-8, else bytes)."""
        cdef c_types.pn_bytes_t t = c_delivery.pn_delivery_tag(self._dl())
        raw = PyBytes_FromStringAndSize(t.start, t.size)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw

    @property
    def writable(self):
        return c_delivery.pn_delivery_writable(self._dl())

    @property
    def readable(self):
        return c_delivery.pn_delivery_readable(self._dl())

    @property
    def updated(self):
        return c_delivery.pn_delivery_updated(self._dl())

    @property
    def pending(self):
        return c_delivery.pn_delivery_pending(self._dl())

    @property
    def partial(self):
        return c_delivery.pn_delivery_partial(self._dl())

    @property
    def aborted(self):
        return c_delivery.pn_delivery_aborted(self._dl())

    @property
    def settled(self):
        """Whether the peer has settled this delivery."""
        return c_delivery.pn_delivery_settled(self._dl())

    @property
    def local_state(self):
        return T_DispositionType_or_int(c_delivery.pn_delivery_local_state(self._dl()))

    @property
    def remote_state(self):
        return T_DispositionType_or_int(c_delivery.pn_delivery_remote_state(self._dl()))

    @property
    def local(self):
        """This end's disposition (settable fields are sent by :meth:`update`)."""
        if self._local is None:
            self._local = make_disposition(c_delivery.pn_delivery_local(self._dl()), self._dl(), True)
        return self._local

    @property
    def remote(self):
        """The peer's disposition."""
        if self._remote is None:
            self._remote = make_disposition(c_delivery.pn_delivery_remote(self._dl()), self._dl(), False)
        return self._remote

    def update(self, state):
        """Set this end's disposition to ``state`` (e.g. Delivery.ACCEPTED) and send it."""
        if self._local is not None:
            (<CDisposition>self._local)._write()
        c_delivery.pn_delivery_update(self._dl(), int(state))

    def settle(self):
        """Settle the delivery: this end forgets it."""
        c_delivery.pn_delivery_settle(self._dl())

    def abort(self):
        """Abort a partly sent delivery."""
        c_delivery.pn_delivery_abort(self._dl())

    @property
    def link(self):
        return wrap_link(c_delivery.pn_delivery_link(self._dl()))

    @property
    def session(self):
        return wrap_session(c_link.pn_link_session(c_delivery.pn_delivery_link(self._dl())))

    @property
    def connection(self):
        return wrap_connection(c_session.pn_session_connection(
            c_link.pn_link_session(c_delivery.pn_delivery_link(self._dl()))))

    @property
    def transport(self):
        return wrap_transport(c_connection.pn_connection_transport(c_session.pn_session_connection(
            c_link.pn_link_session(c_delivery.pn_delivery_link(self._dl())))))
