# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What encode.pyx gives the other fragments (included by proton._cproton.pxd).

cdef int enc_value(EncodeBuffer b, object o, int depth) except -1

@cython.final
cdef class ListWriter:
    cdef EncodeBuffer b
    cdef Py_ssize_t start
    cdef Py_ssize_t count
    cdef Py_ssize_t nulls
    cdef int field(self) except -1

cdef int section_start(EncodeBuffer b, unsigned char descriptor) except -1

cdef int list_begin(EncodeBuffer b, ListWriter w) except -1

cdef int list_end(ListWriter w) except -1

cdef int opt_null(ListWriter w) except -1

cdef int opt_uint(ListWriter w, bint present, uint32_t v) except -1

cdef int opt_text(ListWriter w, object s, unsigned char small_code, unsigned char large_code) except -1

cdef int opt_timestamp(ListWriter w, int64_t t) except -1

cdef int opt_msgid(ListWriter w, object v) except -1

cdef int enc_section(EncodeBuffer b, unsigned char descriptor, object value) except -1
