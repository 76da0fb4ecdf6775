# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/types.h
from libc.stdint cimport int64_t, uint32_t, uint64_t


cdef extern from "<sys/types.h>" nogil:
    ctypedef long ssize_t


cdef extern from "proton/types.h" nogil:
    ctypedef uint32_t pn_sequence_t
    ctypedef uint32_t pn_frame_count_t
    ctypedef uint32_t pn_millis_t
    ctypedef uint32_t pn_seconds_t
    ctypedef int64_t pn_timestamp_t
    ctypedef uint32_t pn_char_t
    ctypedef uint32_t pn_decimal32_t
    ctypedef uint64_t pn_decimal64_t

    ctypedef struct pn_decimal128_t:
        char bytes[16]

    ctypedef struct pn_uuid_t:
        char bytes[16]

    ctypedef struct pn_bytes_t:
        size_t size
        const char *start

    ctypedef struct pn_rwbytes_t:
        size_t size
        char *start

    pn_bytes_t pn_bytes(size_t size, const char *start)
    pn_rwbytes_t pn_rwbytes(size_t size, char *start)

    ctypedef int pn_state_t
    ctypedef struct pn_connection_t
    ctypedef struct pn_session_t
    ctypedef struct pn_link_t
    ctypedef struct pn_delivery_t
    ctypedef struct pn_collector_t
    ctypedef struct pn_listener_t
    ctypedef struct pn_transport_t
    ctypedef const void *pn_handle_t
    ctypedef struct pn_class_t
    ctypedef struct pn_record_t
