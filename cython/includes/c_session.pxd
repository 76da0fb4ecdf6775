# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/session.h
from .c_condition cimport pn_condition_t
from .c_error cimport pn_error_t
from .c_types cimport pn_connection_t, pn_frame_count_t, pn_record_t, pn_session_t, pn_state_t


cdef extern from "proton/session.h" nogil:
    pn_session_t *pn_session(pn_connection_t *connection)
    void pn_session_free(pn_session_t *session)
    void *pn_session_get_context(pn_session_t *session)
    void pn_session_set_context(pn_session_t *session, void *context)
    pn_record_t *pn_session_attachments(pn_session_t *session)
    pn_state_t pn_session_state(pn_session_t *session)
    pn_error_t *pn_session_error(pn_session_t *session)
    pn_condition_t *pn_session_condition(pn_session_t *session)
    pn_condition_t *pn_session_remote_condition(pn_session_t *session)
    pn_connection_t *pn_session_connection(pn_session_t *session)
    void pn_session_open(pn_session_t *session)
    void pn_session_close(pn_session_t *session)
    size_t pn_session_get_incoming_capacity(pn_session_t *session)
    void pn_session_set_incoming_capacity(pn_session_t *session, size_t capacity)
    pn_frame_count_t pn_session_incoming_window(pn_session_t *session)
    pn_frame_count_t pn_session_incoming_window_lwm(pn_session_t *session)
    int pn_session_set_incoming_window_and_lwm(pn_session_t *session, pn_frame_count_t window, pn_frame_count_t lwm)
    pn_frame_count_t pn_session_remote_incoming_window(pn_session_t *session)
    size_t pn_session_get_outgoing_window(pn_session_t *session)
    void pn_session_set_outgoing_window(pn_session_t *session, size_t window)
    size_t pn_session_outgoing_bytes(pn_session_t *session)
    size_t pn_session_incoming_bytes(pn_session_t *session)
    pn_session_t *pn_session_head(pn_connection_t *connection, pn_state_t state)
    pn_session_t *pn_session_next(pn_session_t *session, pn_state_t state)
