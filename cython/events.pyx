# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# Events, the collector, and handler dispatch.
#
# An event captures the engine objects it is about (each with its own engine reference,
# so a user may keep the event) and makes wrappers only when asked.
#
# The dispatch protocol, the one every event follows (the loop's dispatch_one() in
# reactor.pyx, Event.dispatch(), cyproton.aio): dispatch(handler, event) names the method
# (on_<type>) and calls dispatch_to(), which (1) offers the event to a compiled handler's
# handle_fast() (cython/handlers.pyx: a CFastHandler whose class leaves the methods of its
# FAST_NAMES alone handles it in C, and nothing else runs for it), else (2) call_method()
# calls the handler's method, an instance attribute first, then the class's through
# method_lookup()'s per-class cache (a no-op default of the package is skipped, a forwarding
# default goes straight to the delegate, and a missing method means on_unhandled), and then
# (3) does the same for each of the handler's children (``handlers``, found through the same
# cache) in order, depth first. This is python-qpid-proton's order, so a program sees the
# same calls in the same order whichever path ran.

from cpython.dict cimport PyDict_GetItem
from cpython.object cimport PyTypeObject, Py_TYPE
from cpython.ref cimport Py_REFCNT, Py_XDECREF
from cpython.unicode cimport PyUnicode_InternFromString
from cpython.weakref cimport PyWeakref_GetObject

import weakref as _weakref


# -- event types ------------------------------------------------------------------------------

# EventType objects by number (bound by proton._events through registry.pyx, and each type made
# later through add_event_type()).
cdef dict EVENT_TYPES = {}
cdef list CORE_TYPES = [None] * 64
cdef list CORE_METHODS = [None] * 64      # the interned handler method name of each core type


def add_event_type(number, etype):
    """Called for each EventType the Python layer makes (at import, and later for application types)."""
    EVENT_TYPES[number] = etype
    if 0 <= number < 64:
        CORE_TYPES[number] = etype
        CORE_METHODS[number] = PyUnicode_InternFromString(etype.method.encode("utf-8"))


cdef inline object event_type_of(int number):
    if 0 <= number < 64:
        etype = CORE_TYPES[number]
        if etype is not None:
            return etype
    return EVENT_TYPES.get(number)


# -- events -----------------------------------------------------------------------------------

cdef class CEvent:
    """Base of :class:`proton.Event`: one thing that happened to an engine object."""


    def __dealloc__(self):
        self._release_engine_objects()

    cdef void _release_engine_objects(self) noexcept:
        cdef pn_delivery_t *d = self._dlv
        cdef pn_link_t *l = self._link
        cdef pn_session_t *s = self._sess
        cdef pn_connection_t *c = self._conn
        cdef pn_transport_t *t = self._trans
        self._dlv = NULL
        self._link = NULL
        self._sess = NULL
        self._conn = NULL
        self._trans = NULL
        if d != NULL:
            c_object.pn_decref(d)
        if l != NULL:
            c_object.pn_decref(l)
        if s != NULL:
            c_object.pn_decref(s)
        if c != NULL:
            c_object.pn_decref(c)
        if t != NULL:
            c_object.pn_decref(t)

    @property
    def type(self):
        """The :class:`EventType`."""
        return self._type

    cdef object _class_name(self):
        if self._clsname is None and self._cls != NULL:
            self._clsname = c_object.pn_class_name(self._cls).decode()
        return self._clsname

    @property
    def clazz(self):
        """Name of the engine class of the context ("pn_connection", "pn_link", ...)."""
        return self._class_name()

    @property
    def context(self):
        """The object the event is about: a Delivery, Link, Session, Connection, Transport or other."""
        if self._pycontext is not None:
            return self._pycontext
        name = self._class_name()
        if name == "pn_delivery":
            return wrap_delivery(self._dlv)
        if name == "pn_link":
            return wrap_link(self._link)
        if name == "pn_session":
            return wrap_session(self._sess)
        if name == "pn_connection":
            return wrap_connection(self._conn)
        if name == "pn_transport":
            return wrap_transport(self._trans)
        return None

    @property
    def connection(self):
        return wrap_connection(self._conn)

    @property
    def session(self):
        return wrap_session(self._sess)

    @property
    def link(self):
        return wrap_link(self._link)

    @property
    def sender(self):
        """The link, when it is a sender (else None)."""
        if self._link != NULL and c_link.pn_link_is_sender(self._link):
            return wrap_link(self._link)
        return None

    @property
    def receiver(self):
        """The link, when it is a receiver (else None)."""
        if self._link != NULL and c_link.pn_link_is_receiver(self._link):
            return wrap_link(self._link)
        return None

    @property
    def delivery(self):
        return wrap_delivery(self._dlv)

    @property
    def transport(self):
        return wrap_transport(self._trans)

    @property
    def container(self):
        """The Container that dispatched the event."""
        return self._container

    @property
    def reactor(self):
        """Old name of :attr:`container`."""
        return self._container

    @property
    def handler(self):
        """The handler that applies: the link's, the session's, the connection's, else the context's."""
        return self.resolve_handler()

    def __getattr__(self, name):
        # Reached only when the normal lookup failed (python-qpid-proton's fallback): an attribute
        # named after the context's class (or a base class) is the context itself; anything else is
        # looked up on the context, None when absent.
        if name.startswith("__"):
            raise AttributeError(name)
        context = self.context
        kind = type(context)
        if kind.__name__.lower() == name or name in [base.__name__.lower() for base in kind.__bases__]:
            return context
        return getattr(context, name, None)

    cdef object resolve_handler(self):
        """The handler that applies (see :attr:`handler`), without a Python attribute lookup."""
        h = None
        if self._link != NULL:
            h = handler_of(c_link.pn_link_attachments(self._link))
        if h is None and self._sess != NULL:
            h = handler_of(c_session.pn_session_attachments(self._sess))
        if h is None and self._conn != NULL:
            h = handler_of(c_connection.pn_connection_attachments(self._conn))
        if h is None and self._pycontext is not None:
            h = getattr(self._pycontext, "handler", None)
        return h

    def dispatch(self, handler, type=None):
        """Deliver this event to ``handler`` and its children."""
        dispatch(handler, self, self._type if type is None else type)

    def __repr__(self):
        return "%s(%r)" % (self._type, self.context)


cdef inline void capture(CEvent ev, pn_connection_t *c, pn_session_t *s, pn_link_t *l, pn_delivery_t *d,
                         pn_transport_t *t) noexcept:
    if d != NULL:
        c_object.pn_incref(d)
        ev._dlv = d
        l = c_delivery.pn_delivery_link(d)
    if l != NULL:
        c_object.pn_incref(l)
        ev._link = l
        s = c_link.pn_link_session(l)
    if s != NULL:
        c_object.pn_incref(s)
        ev._sess = s
        c = c_session.pn_session_connection(s)
    if c != NULL:
        c_object.pn_incref(c)
        ev._conn = c
        if t == NULL:
            t = c_connection.pn_connection_transport(c)
    if t != NULL:
        c_object.pn_incref(t)
        ev._trans = t


cdef CEvent event_from_engine(pn_event_t *pe, object container):
    """A new Event for an engine event (or the ApplicationEvent the engine event carries)."""
    cdef CEvent ev
    cdef int number = c_event.pn_event_type(pe)
    cdef const pn_class_t *cls = c_event.pn_event_class(pe)
    cdef void *ctx = c_event.pn_event_context(pe)
    if cls == PYREF_CLASS:
        pyctx = <object>ctx
        if isinstance(pyctx, CEvent):
            # an application event travelling through the collector: deliver it as itself
            ev = <CEvent>pyctx
            if ev._container is None:
                ev._container = container
            return ev
        ev = fresh_event()
        ev._number = number
        ev._type = event_type_of(number)
        ev._clsname = "pn_pyref"
        ev._pycontext = pyctx
        ev._container = container
        return ev
    ev = fresh_event()
    ev._number = number
    ev._type = event_type_of(number)
    ev._container = container
    capture(ev, c_event.pn_event_connection(pe), c_event.pn_event_session(pe), c_event.pn_event_link(pe),
            c_event.pn_event_delivery(pe), c_event.pn_event_transport(pe))
    ev._cls = cls
    return ev


def _init_event(CEvent ev, etype, context=None, connection=None, session=None, link=None, delivery=None,
                transport=None, container=None):
    """Fill an event made from Python (ApplicationEvent): its type and the objects it is about."""
    ev._type = etype
    ev._number = getattr(etype, "number", -1)
    ev._clsname = "pn_pyref" if context is not None else None
    ev._pycontext = context
    if container is not None:
        ev._container = container
    capture(ev,
            <pn_connection_t *>(<CWrapper>connection)._impl if connection is not None else NULL,
            <pn_session_t *>(<CWrapper>session)._impl if session is not None else NULL,
            <pn_link_t *>(<CWrapper>link)._impl if link is not None else NULL,
            <pn_delivery_t *>(<CWrapper>delivery)._impl if delivery is not None else NULL,
            <pn_transport_t *>(<CWrapper>transport)._impl if transport is not None else NULL)


def _set_event_container(CEvent ev, container):
    ev._container = container


# -- the collector ----------------------------------------------------------------------------

cdef class CCollector:
    """Base of :class:`proton.Collector`: the engine's event queue."""


    def __cinit__(self, *args, **kwargs):
        self._impl = c_event.pn_collector()
        if self._impl == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self._impl != NULL:
            c_event.pn_collector_free(self._impl)
            self._impl = NULL

    def put(self, obj, etype):
        """Queue an event of type ``etype`` about the Python object ``obj``."""
        c_event.pn_collector_put(self._impl, PYREF_CLASS, <void *>obj, <c_event.pn_event_type_t>etype.number)

    def peek(self):
        """The next event (an Event), or None."""
        cdef pn_event_t *pe = c_event.pn_collector_peek(self._impl)
        if pe == NULL:
            return None
        return event_from_engine(pe, None)

    def pop(self):
        """Drop the next event."""
        c_event.pn_collector_pop(self._impl)

    def more(self):
        """Whether more than one event is queued."""
        return c_event.pn_collector_more(self._impl)

    def release(self):
        """Drop every queued event and stop collecting."""
        c_event.pn_collector_release(self._impl)


# -- dispatch ---------------------------------------------------------------------------------

# class -> {method name: (kind, function)}. Kinds: absent or one of our no-op defaults (marked
# _cyproton_noop), a default that forwards to the handler's delegate (marked _cyproton_forward),
# or a method to call.
DEF M_NONE = 0
DEF M_FORWARD = 1
DEF M_CALL = 2
cdef dict _method_cache = {}
cdef object _ON_UNHANDLED = "on_unhandled"
cdef object _HANDLERS = "handlers"
cdef object NOOP_MARK = "_cyproton_noop"
cdef object FORWARD_MARK = "_cyproton_forward"


cdef inline object instance_dict(object obj):
    """The instance dict of ``obj``, or None when its type has none (no exception on the way)."""
    cdef PyTypeObject *tp = <PyTypeObject *>Py_TYPE(obj)
    if tp.tp_dictoffset == 0:
        return None
    return PyObject_GenericGetDict(obj, NULL)


cdef object _FunctionType = type(lambda: None)
cdef object _ProxyType = _weakref.ProxyType
cdef object _CallableProxyType = _weakref.CallableProxyType


# In front of _method_cache, a direct-mapped table on the (class, name) pair by address: class,
# name and function are held by the table, so no address can be reused while its entry stands.
DEF METHOD_SLOTS = 512

cdef struct MethodSlot:
    PyObject *cls
    PyObject *name
    PyObject *func          # the plain function to call, or NULL
    int kind
    int unhandled           # the kind of the class's on_unhandled, for a name of kind M_NONE

cdef MethodSlot _method_slots[METHOD_SLOTS]


cdef inline MethodSlot *method_slot(PyObject *cls, PyObject *name) noexcept:
    cdef size_t h = (<size_t>cls >> 4) * 31 + (<size_t>name >> 4)
    return &_method_slots[(h ^ (h >> 9)) & (METHOD_SLOTS - 1)]


cdef int method_lookup(object handler, object inst, object name, PyObject **func, int *unhandled=NULL) except -1:
    """The kind (M_NONE, M_FORWARD, M_CALL) of ``handler.<name>``, cached per class; ``func`` gets
    the plain function defined on the class (to call without making a bound method), else NULL;
    ``unhandled`` (if given) the kind of the class's on_unhandled. ``inst`` is the handler's
    instance dict (or None), where an attribute of that name wins."""
    cdef object cls = type(handler)
    cdef MethodSlot *slot
    cdef tuple entry
    cdef int kind, unhandled_kind
    cdef PyObject *old_cls
    cdef PyObject *old_name
    cdef PyObject *old_func
    if inst is not None and PyDict_GetItemWithError(inst, name) != NULL:
        func[0] = NULL
        return M_CALL
    slot = method_slot(<PyObject *>cls, <PyObject *>name)
    if slot.cls != <PyObject *>cls or slot.name != <PyObject *>name:
        # Work out the entry first (that may run Python code), then rewrite the slot, then drop
        # what it held: the slot is never seen half written.
        entry = class_method_entry(cls, name)
        kind = <int>entry[0]
        unhandled_kind = <int>class_method_entry(cls, _ON_UNHANDLED)[0] if kind == M_NONE else M_NONE
        found = entry[1]
        old_cls, old_name, old_func = slot.cls, slot.name, slot.func
        Py_INCREF(cls)
        Py_INCREF(name)
        slot.cls = <PyObject *>cls
        slot.name = <PyObject *>name
        slot.kind = kind
        slot.unhandled = unhandled_kind
        if found is None:
            slot.func = NULL
        else:
            Py_INCREF(found)
            slot.func = <PyObject *>found
        Py_XDECREF(old_cls)
        Py_XDECREF(old_name)
        Py_XDECREF(old_func)
    func[0] = slot.func
    if unhandled != NULL:
        unhandled[0] = slot.unhandled
    return slot.kind


cdef object class_method_entry(object cls, object name):
    """``(kind, function or None)``, what method_lookup caches, for the class ``cls``: from (or into)
    _method_cache."""
    cdef PyObject *found
    cdef dict per_class
    found = PyDict_GetItemWithError(_method_cache, cls)
    if found == NULL:
        per_class = {}
        _method_cache[cls] = per_class
    else:
        per_class = <dict>found
        found = PyDict_GetItemWithError(per_class, name)
        if found != NULL:
            return <object>found
    func = None
    for klass in cls.__mro__:
        func = klass.__dict__.get(name)
        if func is not None:
            break
    if func is None or getattr(func, NOOP_MARK, False):
        entry = (M_NONE, None)
    elif getattr(func, FORWARD_MARK, False):
        entry = (M_FORWARD, None)
    else:
        entry = (M_CALL, func if type(func) is _FunctionType else None)
    per_class[name] = entry
    return entry


cdef int call_method(object handler, object name, object event, bint instance_first=True) except -1:
    """What python-qpid-proton's _dispatch does: call handler.<name>(event), else its on_unhandled;
    skipping our no-op defaults, and following forwarding defaults to the delegate directly.

    ``instance_first`` false skips looking for the method among the handler's instance attributes
    (for the package's own child handlers, whose methods are their class's)."""
    cdef PyObject *func
    cdef int unhandled
    inst = instance_dict(handler) if instance_first else None
    cdef int kind = method_lookup(handler, inst, name, &func, &unhandled)
    if kind == M_CALL:
        if func != NULL:
            function = <object>func      # a reference of our own for the length of the call
            function(handler, event)
        else:
            getattr(handler, name)(event)
    elif kind == M_FORWARD:
        if isinstance(handler, CIncomingMessageHandler):
            delegate = (<CIncomingMessageHandler>handler).delegate
        elif isinstance(handler, COutgoingMessageHandler):
            delegate = (<COutgoingMessageHandler>handler).delegate
        else:
            delegate = getattr(handler, "delegate", None)
        if type(delegate) is _ProxyType or type(delegate) is _CallableProxyType:
            # MessagingHandler's children hold it through weakref.proxy (no reference cycle); the
            # method lookup is by the class of the handler itself, so look through the proxy.
            delegate = <object>PyWeakref_GetObject(delegate)
        if delegate is not None:
            call_method(delegate, name, event)
    elif unhandled == M_CALL or (inst is not None and PyDict_GetItemWithError(inst, _ON_UNHANDLED) != NULL):
        handler.on_unhandled(name, event)
    return 0


cdef int dispatch(object handler, CEvent ev, object etype) except -1:
    """Deliver ``ev`` to ``handler``, then to each of its child handlers, depth first."""
    cdef object name = None
    if handler is None:
        return 0
    if etype is ev._type and 0 <= ev._number < 64:
        name = CORE_METHODS[ev._number]
    if name is None:
        name = etype.method
    return dispatch_to(handler, ev, name)


cdef int dispatch_to(object handler, CEvent ev, object name) except -1:
    """dispatch() once the handler method's ``name`` is known."""
    cdef PyObject *found
    if isinstance(handler, CFastHandler) and (<CFastHandler>handler).handle_fast(ev):
        return 0
    call_method(handler, name, ev)
    children = child_handlers(handler)
    if children:
        for child in children:
            if child is not None:
                dispatch_to(child, ev, name)
    return 0


cdef int dispatch_children(object handler, CEvent ev, object etype) except -1:
    """Deliver ``ev`` to the child handlers of ``handler`` only (not to ``handler`` itself)."""
    cdef PyObject *found
    cdef object name = None
    if etype is ev._type and 0 <= ev._number < 64:
        name = CORE_METHODS[ev._number]
    if name is None:
        name = etype.method
    children = child_handlers(handler)
    if children:
        for child in children:
            if child is not None:
                dispatch_to(child, ev, name)
    return 0


cdef object child_handlers(object handler):
    """``handler.handlers``, or None. The class's answer is cached as its methods are (a getattr
    that fails costs an AttributeError, and most handlers of a program have no children)."""
    cdef PyObject *found
    cdef PyObject *func
    inst = instance_dict(handler)
    found = PyDict_GetItemWithError(inst, _HANDLERS) if inst is not None else NULL
    if found != NULL:
        return <object>found
    if method_lookup(handler, None, _HANDLERS, &func) == M_NONE:
        return None
    return getattr(handler, _HANDLERS, None)


def _assign_event(CEvent ev, str name, value):
    """Set one of the objects an event is about, as a program may on its own (application) events:
    ``container``, or the ``connection``, ``session``, ``link``, ``delivery`` or ``transport``
    (None, or a wrapper of that kind). Only that one changes, as for a plain attribute."""
    cdef void *old = NULL
    cdef void *new = NULL
    if name == "container":
        ev._container = value
        return
    if value is not None:
        new = (<CWrapper?>value)._ptr()
        c_object.pn_incref(new)
    if name == "connection":
        old, ev._conn = <void *>ev._conn, <pn_connection_t *>new
    elif name == "session":
        old, ev._sess = <void *>ev._sess, <pn_session_t *>new
    elif name == "link":
        old, ev._link = <void *>ev._link, <pn_link_t *>new
    elif name == "delivery":
        old, ev._dlv = <void *>ev._dlv, <pn_delivery_t *>new
    elif name == "transport":
        old, ev._trans = <void *>ev._trans, <pn_transport_t *>new
    else:
        if new != NULL:
            c_object.pn_decref(new)
        raise AttributeError(name)
    if old != NULL:
        c_object.pn_decref(old)
