# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What message.pyx gives the other fragments (included by proton._cproton.pxd).

cdef object symbol_field(object v)

cdef class CMessage:
    cdef bint _inferred, _durable, _first_acquirer
    cdef uint8_t _priority_x     # priority XOR the default, so that a fresh (zeroed) message has the default
    cdef uint32_t _ttl, _delivery_count, _group_sequence
    cdef int64_t _expiry_time, _creation_time
    cdef object _id, _correlation_id
    cdef bytes _user_id
    cdef object _address, _subject, _reply_to, _content_type, _content_encoding
    cdef object _group_id, _reply_to_group_id
    cdef public object instruction_dict
    cdef public object annotation_dict
    cdef public object properties
    cdef public object body
    cdef public object footer
    cdef int _assign(self, int field, object value) except -1
    cdef void _reset(self)
    cdef int _fill(self, pn_message_t *m) except -1
    cdef bytes _encode_footer(self)
    cdef int _encode_engine(self, EncodeBuffer b) except -1
    cdef int _encode_direct(self, EncodeBuffer b) except -1
    cdef int _encode_into(self, EncodeBuffer b) except -1
    cpdef bytes encode(self)
    cdef int _read(self, pn_message_t *m) except -1
    cdef int _decode_raw(self, const unsigned char *p, Py_ssize_t n, bint fresh=*) except -1
    cdef int _read_sections(self, const unsigned char *p, Py_ssize_t n) except -1
    cdef int _read_header(self, const unsigned char *p, Py_ssize_t *pos, Py_ssize_t n) except -1
    cdef int _read_properties(self, const unsigned char *p, Py_ssize_t *pos, Py_ssize_t n) except -1
    cpdef decode(self, data)
