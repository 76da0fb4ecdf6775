# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What handlers.pyx gives the other fragments (included by proton._cproton.pxd).

cdef int add_fast_base(object cls) except -1

cdef int fast_handlers_bound() except -1

cdef class CFastHandler:
    cdef int _fast        # -1 unknown, 0 no, 1 yes
    cdef bint handle_fast(self, CEvent ev) except -1
    cdef bint _handle(self, CEvent ev) except -1

cdef object receive_message(pn_link_t *link, pn_delivery_t *d)

cdef class CIncomingMessageHandler(CFastHandler):
    cdef public object delegate
    cdef public bint auto_accept
    cdef bint _handle(self, CEvent ev) except -1
    cdef int delivery_changed(self, CEvent ev, bint instance_first) except -1

cdef class COutgoingMessageHandler(CFastHandler):
    cdef public object delegate
    cdef public bint auto_settle
    cdef bint _handle(self, CEvent ev) except -1
    cdef int link_flowed(self, CEvent ev, bint instance_first) except -1
    cdef int delivery_changed(self, CEvent ev, bint instance_first) except -1
