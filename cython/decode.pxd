# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What decode.pyx gives the other fragments (included by proton._cproton.pxd).

cdef object read_value(const unsigned char *p, Py_ssize_t *pos, Py_ssize_t end, int depth)

cdef object msgid_value(object v)

cdef object text_field(object v)

cdef object read_text_field(const unsigned char *p, Py_ssize_t *pos, Py_ssize_t end, bint as_symbol)

cdef object read_properties_map(const unsigned char *p, Py_ssize_t *pos, Py_ssize_t end)

cdef Py_ssize_t list_open(const unsigned char *p, Py_ssize_t *pos, Py_ssize_t end, Py_ssize_t *count) except -2

cdef bint read_uint_field(const unsigned char *p, Py_ssize_t *pos, Py_ssize_t end, uint64_t *out) except -1

cdef Py_ssize_t tree_decode(pn_data_t *d, const unsigned char *p, Py_ssize_t n) except -1
