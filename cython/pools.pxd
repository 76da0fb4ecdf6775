# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What pools.pyx gives the other fragments (included by proton._cproton.pxd).

@cython.final
cdef class EncodeBuffer:
    cdef unsigned char *data
    cdef Py_ssize_t size
    cdef Py_ssize_t capacity
    cdef bint leased
    cdef int reserve(self, Py_ssize_t extra) except -1
    cdef int byte(self, unsigned char b) except -1
    cdef int u16(self, uint16_t v) except -1
    cdef void put32(self, Py_ssize_t at, uint32_t v) noexcept
    cdef int u32(self, uint32_t v) except -1
    cdef int u64(self, uint64_t v) except -1
    cdef int raw(self, const void *p, Py_ssize_t n) except -1
    cdef int variable(self, unsigned char small_code, unsigned char large_code, const char *p, Py_ssize_t n) except -1

cdef EncodeBuffer lease_buffer(EncodeBuffer pooled)

cdef void release_buffer(EncodeBuffer b) noexcept

cdef pn_message_t *lease_message() except NULL

cdef void release_message(pn_message_t *m) noexcept

cdef char *lease_data_scratch(size_t *size) noexcept

cdef void release_data_scratch() noexcept

cdef pn_data_t *take_tree(size_t capacity) noexcept

cdef void give_back_tree(pn_data_t *d) noexcept
cdef class CEvent    # the spare Event's type, declared in events.pxd

cdef void recycle_event(CEvent ev) noexcept
cdef CEvent fresh_event()
