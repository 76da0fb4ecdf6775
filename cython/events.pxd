# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What events.pyx gives the other fragments (included by proton._cproton.pxd).

cdef class CEvent:
    cdef int _number
    cdef object _type
    cdef object _clsname               # set for Python contexts; engine ones are named on demand
    cdef const pn_class_t *_cls
    cdef object _pycontext             # the context when it is a Python object
    cdef pn_connection_t *_conn
    cdef pn_session_t *_sess
    cdef pn_link_t *_link
    cdef pn_delivery_t *_dlv
    cdef pn_transport_t *_trans
    cdef object _container
    cdef public object message         # set by the messaging handlers for on_message
    # Declared here so that Python subclasses add neither, and recycle_event can see both.
    cdef dict __dict__
    cdef object __weakref__
    cdef void _release_engine_objects(self) noexcept
    cdef object _class_name(self)
    cdef object resolve_handler(self)


cdef CEvent event_from_engine(pn_event_t *pe, object container)

cdef class CCollector:
    cdef pn_collector_t *_impl

cdef int call_method(object handler, object name, object event, bint instance_first=*) except -1

cdef int dispatch(object handler, CEvent ev, object etype) except -1

cdef int dispatch_to(object handler, CEvent ev, object name) except -1

cdef int dispatch_children(object handler, CEvent ev, object etype) except -1
