# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# The base of every wrapper of a reference-counted engine object, and the engine class that
# lets an engine record own a Python object.
#
# A wrapper is a cheap view: it holds one engine reference (pn_incref) for as long as it
# lives, and compares and hashes by the engine pointer. Attributes that users set on a
# wrapper live in a dict kept in the engine object's record, so every wrapper of the same
# engine object sees them, and they live exactly as long as the engine object does. The
# dict is made only when a first attribute is set; the record keeps it.
#
# Ownership, the rule every fragment follows:
#
# 1. Strong downward. A wrapper owns one engine reference; an engine record (attribute dict,
#    handler, the loop's socket of a transport, a tracer) and a queued collector event each own
#    one reference to the Python object they point at (PYREF_CLASS). The container owns its
#    collector, its sockets, its timers and its selectables.
# 2. Those engine-held references are invisible to the cyclic garbage collector: a cycle through
#    a record (object -> engine object -> record -> object) is never collected. So nothing the
#    package stores in a record or an event refers back up to what owns that engine object:
#    back-references are weak (a connector's container, MessagingHandler's children and their
#    parent) or not kept at all (a connection does not name its container; a session is found
#    again through the connection, see _SessionPerConnection).
# 3. What a program stores there (its handler keeping its connection, say) can make such a
#    cycle; the package breaks the ones it knows of at defined points: the socket of a transport
#    is dropped from the transport's record when the transport closes and when the loop ends;
#    BlockingConnection.close() drops the connection's handler and the loop's pending events;
#    Container.run() drops the container's handlers at its end, as python-qpid-proton does.
# 4. Descriptors are not left to deallocation: a loop that has ended closes its epoll and
#    wake-up descriptors at once (CReactor._release_loop), and makes them again if used again.
# 5. free() of a connection, session or link ends the endpoint, never takes a reference.

from cpython.object cimport Py_SIZE
from cpython.ref cimport Py_DECREF, Py_INCREF

cdef extern from "Python.h":
    int PyObject_GenericSetDict(object o, object value, void *context) except -1
    object PyObject_GenericGetDict(object o, void *context)


# -- a pn_class for Python objects ------------------------------------------------------------
# The engine calls these while we hold the GIL: the GIL is released only around the blocking
# wait of the event loop, and no engine call is made there.

cdef void _pyref_incref(void *obj) noexcept:
    Py_INCREF(<object>obj)


cdef void _pyref_decref(void *obj) noexcept:
    Py_DECREF(<object>obj)


cdef int _pyref_refcount(void *obj) noexcept:
    # Python owns the object's memory: the engine must never see a count of zero and free it.
    return 1


ctypedef void (*_obj_fn)(void *) noexcept nogil
ctypedef int (*_count_fn)(void *) noexcept nogil

# The casts declare the callbacks callable without the GIL, which is true here only because the
# engine never runs without it (see above).
cdef const pn_class_t *PYREF_CLASS = c_object.pn_class_create(
    "cyproton_pyref", NULL, NULL, <_obj_fn>_pyref_incref, <_obj_fn>_pyref_decref, <_count_fn>_pyref_refcount)

# Record keys: the addresses of these variables are unique handles.
cdef char _ATTRS_KEY_ANCHOR = 0
cdef char _HANDLER_KEY_ANCHOR = 0
cdef pn_handle_t ATTRS_KEY = <pn_handle_t>&_ATTRS_KEY_ANCHOR
cdef pn_handle_t HANDLER_KEY = <pn_handle_t>&_HANDLER_KEY_ANCHOR

# Live-wrapper counter for leak tests (always kept: an increment is cheaper than a branch).
cdef Py_ssize_t _live_wrappers = 0


def live_wrappers():
    """Number of engine wrappers alive now (tests use it to check nothing leaks)."""
    return _live_wrappers


cdef inline object record_get(pn_record_t *rec, pn_handle_t key):
    cdef void *p
    if rec == NULL:
        return None
    p = c_object.pn_record_get(rec, key)
    if p == NULL:
        return None
    return <object>p


cdef int record_set(pn_record_t *rec, pn_handle_t key, object value) except -1:
    if rec == NULL:
        raise ProtonException("engine object has no record")
    if not c_object.pn_record_has(rec, key):
        c_object.pn_record_def(rec, key, PYREF_CLASS)
    # pn_record_set increfs the new value (through PYREF_CLASS) and decrefs the old one.
    c_object.pn_record_set(rec, key, NULL if value is None else <void *>value)
    return 0


cdef int no_engine_object(object wrapper) except -1:
    """Raise for a wrapper used after its engine object went away (CWrapper._ptr, in wrapper.pxd)."""
    raise ProtonException("%s has no engine object" % type(wrapper).__name__)


cdef class CWrapper:
    """Base of the engine wrappers: one engine reference, identity by engine pointer."""


    def __cinit__(self, *args, **kwargs):
        global _live_wrappers
        self._impl = NULL
        _live_wrappers += 1

    def __dealloc__(self):
        global _live_wrappers
        _live_wrappers -= 1
        if self._impl != NULL:
            c_object.pn_decref(self._impl)
            self._impl = NULL

    cdef pn_record_t *_record(self) noexcept:
        return NULL

    cdef object _adopt_attrs(self, bint create):
        """Make this wrapper's instance dict the engine object's attribute dict."""
        cdef pn_record_t *rec = self._record()
        shared = record_get(rec, ATTRS_KEY)
        if shared is None:
            if not create or rec == NULL:
                return None
            shared = PyObject_GenericGetDict(self, NULL)
            record_set(rec, ATTRS_KEY, shared)
            return shared
        if PyObject_GenericGetDict(self, NULL) is not shared:
            PyObject_GenericSetDict(self, shared, NULL)
        return shared

    def __setattr__(self, name, value):
        self._adopt_attrs(True)
        PyObject_GenericSetAttr(self, name, <PyObject *>value)

    def __delattr__(self, name):
        self._adopt_attrs(True)
        PyObject_GenericSetAttr(self, name, NULL)

    def __getattr__(self, name):
        # Only reached when the normal lookup failed: another wrapper of the same engine object
        # may have set the attribute since this one was made.
        shared = self._adopt_attrs(False)
        if shared is not None and name in shared:
            return shared[name]
        raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))

    def __hash__(self):
        return hash(<size_t>self._impl)

    def __eq__(self, other):
        if isinstance(other, CWrapper):
            return self._impl == (<CWrapper>other)._impl
        return NotImplemented

    def __ne__(self, other):
        if isinstance(other, CWrapper):
            return self._impl != (<CWrapper>other)._impl
        return NotImplemented

    def __repr__(self):
        return "<%s.%s 0x%x ~ 0x%x>" % (type(self).__module__, type(self).__name__, id(self), <size_t>self._impl)


cdef int share_attributes(CWrapper w) except -1:
    """Make the engine object's attribute dict (created now if needed) ``w``'s instance dict."""
    cdef pn_record_t *rec = w._record()
    if rec == NULL:
        return 0
    shared = record_get(rec, ATTRS_KEY)
    if shared is None:
        shared = {}
        record_set(rec, ATTRS_KEY, shared)
    PyObject_GenericSetDict(w, shared, NULL)
    return 0


cdef inline object make_wrapper(object cls, void *impl, bint take_new_ref):
    """A new wrapper of class ``cls`` for ``impl``. ``take_new_ref``: add an engine reference
    (wrapping an existing object); otherwise the wrapper adopts the caller's reference.

    Endpoints and transports share their attribute dict from the first wrapper on, so a class
    default (``condition = None``, say) can never hide a value set through another wrapper.
    Deliveries, made per message, get theirs only when an attribute is first set (their classes
    define no such defaults, and ``__getattr__`` finds values set through another wrapper)."""
    cdef CWrapper w = new_instance(cls)
    cdef pn_record_t *rec
    w._impl = impl
    if take_new_ref:
        c_object.pn_incref(impl)
    rec = w._record()
    shared = record_get(rec, ATTRS_KEY)
    if shared is None and cls is not T_Delivery and rec != NULL:
        shared = {}
        record_set(rec, ATTRS_KEY, shared)
    if shared is not None:
        PyObject_GenericSetDict(w, shared, NULL)
    return w
