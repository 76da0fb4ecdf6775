# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/transport.h
from libc.stdint cimport int64_t, uint16_t, uint32_t, uint64_t

from .c_condition cimport pn_condition_t
from .c_error cimport pn_error_t
from .c_logger cimport pn_logger_t
from .c_types cimport ssize_t, pn_connection_t, pn_millis_t, pn_record_t, pn_transport_t


cdef extern from "proton/transport.h" nogil:
    ctypedef int pn_trace_t
    ctypedef void (*pn_tracer_t)(pn_transport_t *transport, const char *message)

    enum:
        PN_TRACE_OFF
        PN_TRACE_RAW
        PN_TRACE_FRM
        PN_TRACE_DRV
        PN_TRACE_EVT

    pn_transport_t *pn_transport()
    void pn_transport_set_server(pn_transport_t *transport)
    void pn_transport_free(pn_transport_t *transport)
    const char *pn_transport_get_user(pn_transport_t *transport)
    void pn_transport_require_auth(pn_transport_t *transport, bint required)
    bint pn_transport_is_authenticated(pn_transport_t *transport)
    void pn_transport_require_encryption(pn_transport_t *transport, bint required)
    bint pn_transport_is_encrypted(pn_transport_t *transport)
    pn_condition_t *pn_transport_condition(pn_transport_t *transport)
    pn_logger_t *pn_transport_logger(pn_transport_t *transport)
    pn_error_t *pn_transport_error(pn_transport_t *transport)
    int pn_transport_bind(pn_transport_t *transport, pn_connection_t *connection)
    int pn_transport_unbind(pn_transport_t *transport)
    void pn_transport_trace(pn_transport_t *transport, pn_trace_t trace)
    void pn_transport_set_tracer(pn_transport_t *transport, pn_tracer_t tracer)
    pn_tracer_t pn_transport_get_tracer(pn_transport_t *transport)
    void *pn_transport_get_context(pn_transport_t *transport)
    void pn_transport_set_context(pn_transport_t *transport, void *context)
    pn_record_t *pn_transport_attachments(pn_transport_t *transport)
    void pn_transport_log(pn_transport_t *transport, const char *message)
    uint16_t pn_transport_get_channel_max(pn_transport_t *transport)
    int pn_transport_set_channel_max(pn_transport_t *transport, uint16_t channel_max)
    uint16_t pn_transport_remote_channel_max(pn_transport_t *transport)
    uint32_t pn_transport_get_max_frame(pn_transport_t *transport)
    void pn_transport_set_max_frame(pn_transport_t *transport, uint32_t size)
    uint32_t pn_transport_get_remote_max_frame(pn_transport_t *transport)
    pn_millis_t pn_transport_get_idle_timeout(pn_transport_t *transport)
    void pn_transport_set_idle_timeout(pn_transport_t *transport, pn_millis_t timeout)
    pn_millis_t pn_transport_get_remote_idle_timeout(pn_transport_t *transport)
    ssize_t pn_transport_input(pn_transport_t *transport, const char *bytes, size_t available)
    ssize_t pn_transport_output(pn_transport_t *transport, char *bytes, size_t size)
    ssize_t pn_transport_capacity(pn_transport_t *transport)
    char *pn_transport_tail(pn_transport_t *transport)
    ssize_t pn_transport_push(pn_transport_t *transport, const char *src, size_t size)
    int pn_transport_process(pn_transport_t *transport, size_t size)
    int pn_transport_close_tail(pn_transport_t *transport)
    ssize_t pn_transport_pending(pn_transport_t *transport)
    const char *pn_transport_head(pn_transport_t *transport)
    ssize_t pn_transport_peek(pn_transport_t *transport, char *dst, size_t size)
    void pn_transport_pop(pn_transport_t *transport, size_t size)
    int pn_transport_close_head(pn_transport_t *transport)
    bint pn_transport_quiesced(pn_transport_t *transport)
    bint pn_transport_head_closed(pn_transport_t *transport)
    bint pn_transport_tail_closed(pn_transport_t *transport)
    bint pn_transport_closed(pn_transport_t *transport)
    int64_t pn_transport_tick(pn_transport_t *transport, int64_t now)
    uint64_t pn_transport_get_frames_output(const pn_transport_t *transport)
    uint64_t pn_transport_get_frames_input(const pn_transport_t *transport)
    pn_connection_t *pn_transport_connection(pn_transport_t *transport)
