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

cdef class CEvent    # the spare Event's type, declared in events.pxd

cdef enum:
    SPARE_TREES = 8     # engine trees kept per thread

@cython.final
cdef class ThreadPools:
    cdef EncodeBuffer rx                    # the receive buffer: a delivery's bytes while decoded
    cdef EncodeBuffer tx                    # the encode buffer: a message's bytes until sent
    cdef pn_message_t *scratch_message      # the engine encode path's message
    cdef bint scratch_message_leased
    cdef char *data_scratch                 # Data.encode's buffer
    cdef bint data_scratch_leased
    cdef pn_data_t *spare_trees[SPARE_TREES]
    cdef int spare_count
    cdef CEvent spare_event
    cdef object __weakref__                 # so a test can see a thread's pools go with it

cdef ThreadPools thread_pools()

cdef EncodeBuffer lease_buffer(EncodeBuffer pooled)

cdef void release_buffer(EncodeBuffer b) noexcept

cdef pn_message_t *lease_message(ThreadPools pools) except NULL

cdef void release_message(ThreadPools pools, pn_message_t *m) noexcept

cdef char *lease_data_scratch(ThreadPools pools, size_t *size) noexcept

cdef void release_data_scratch(ThreadPools pools) noexcept

cdef pn_data_t *take_tree(size_t capacity) noexcept

cdef void give_back_tree(pn_data_t *d) noexcept

cdef void recycle_event(CEvent ev) noexcept
cdef CEvent fresh_event()
