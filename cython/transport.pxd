# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What transport.pyx gives the other fragments (included by proton._cproton.pxd).

cdef class CTransport(CWrapper):
    cdef object _ssl_obj
    cdef pn_record_t *_record(self) noexcept
    cdef inline pn_transport_t *_t(self) except NULL:
        return <pn_transport_t *>self._ptr()
    cdef int _check(self, int err) except -1
