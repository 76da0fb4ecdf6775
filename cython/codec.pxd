# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What codec.pyx gives the other fragments (included by proton._cproton.pxd).

cdef int codec_bound() except -1

cdef int data_check(pn_data_t *d, int code) except -1

cdef object as_integer(object v)

cdef uint32_t char_code(object c) except? 0xFFFFFFFF

cdef object char_value(uint32_t code)

cdef int put_value(pn_data_t *d, object o, int depth) except -1

cdef object new_instance(object cls)

cdef object new_annotation_dict(object source)

cdef object utf8_text(const char *text, Py_ssize_t size)

cdef object shared_name(const char *text, Py_ssize_t size, bint is_symbol)

cdef object bytes_to_str(c_types.pn_bytes_t b)

cdef object bytes_to_bytes(c_types.pn_bytes_t b)

cdef object uuid_from_raw(const char *raw)

cdef int map_set(dict m, object key, object value) except -1

cdef object get_value(pn_data_t *d, int depth)

cdef object data_encode(pn_data_t *d)

cdef object wrap_data(pn_data_t *d, object owner)
