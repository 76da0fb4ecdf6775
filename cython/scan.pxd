# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What scan.pyx gives the other fragments (included by proton._cproton.pxd).

cdef uint32_t be32(const unsigned char *p) noexcept nogil

cdef Py_ssize_t scan_value(const unsigned char *p, Py_ssize_t pos, Py_ssize_t end, int depth) noexcept nogil

cdef int64_t section_code(const unsigned char *p, Py_ssize_t pos, Py_ssize_t end) noexcept nogil

cdef int scan_message(const unsigned char *p, Py_ssize_t n, Py_ssize_t *footer_start, Py_ssize_t *footer_end) noexcept nogil
