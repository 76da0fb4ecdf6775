# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What wrapper.pyx gives the other fragments (included by proton._cproton.pxd).

cdef int _pyref_refcount(void *obj) noexcept

cdef object record_get(pn_record_t *rec, pn_handle_t key)

cdef int record_set(pn_record_t *rec, pn_handle_t key, object value) except -1

cdef int no_engine_object(object wrapper) except -1

cdef class CWrapper:
    cdef void *_impl
    cdef pn_record_t *_record(self) noexcept
    cdef inline void *_ptr(self) except NULL:
        if self._impl == NULL:
            no_engine_object(self)
        return self._impl
    cdef object _adopt_attrs(self, bint create)

cdef int share_attributes(CWrapper w) except -1

cdef object make_wrapper(object cls, void *impl, bint take_new_ref)
