# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/connection.h
from .c_codec cimport pn_data_t
from .c_condition cimport pn_condition_t
from .c_error cimport pn_error_t
from .c_types cimport pn_collector_t, pn_connection_t, pn_record_t, pn_state_t, pn_transport_t


cdef extern from "proton/connection.h" nogil:
    enum:
        PN_LOCAL_UNINIT
        PN_LOCAL_ACTIVE
        PN_LOCAL_CLOSED
        PN_REMOTE_UNINIT
        PN_REMOTE_ACTIVE
        PN_REMOTE_CLOSED
        PN_LOCAL_MASK
        PN_REMOTE_MASK

    pn_connection_t *pn_connection()
    void pn_connection_free(pn_connection_t *connection)
    void pn_connection_release(pn_connection_t *connection)
    pn_error_t *pn_connection_error(pn_connection_t *connection)
    void pn_connection_collect(pn_connection_t *connection, pn_collector_t *collector)
    pn_collector_t* pn_connection_collector(pn_connection_t *connection)
    void *pn_connection_get_context(pn_connection_t *connection)
    void pn_connection_set_context(pn_connection_t *connection, void *context)
    pn_record_t *pn_connection_attachments(pn_connection_t *connection)
    pn_state_t pn_connection_state(pn_connection_t *connection)
    void pn_connection_open(pn_connection_t *connection)
    void pn_connection_close(pn_connection_t *connection)
    void pn_connection_reset(pn_connection_t *connection)
    pn_condition_t *pn_connection_condition(pn_connection_t *connection)
    pn_condition_t *pn_connection_remote_condition(pn_connection_t *connection)
    const char *pn_connection_get_container(pn_connection_t *connection)
    void pn_connection_set_container(pn_connection_t *connection, const char *container)
    void pn_connection_set_user(pn_connection_t *connection, const char *user)
    void pn_connection_set_password(pn_connection_t *connection, const char *password)
    void pn_connection_set_authorization(pn_connection_t *connection, const char *authzid)
    const char *pn_connection_get_user(pn_connection_t *connection)
    const char *pn_connection_get_authorization(pn_connection_t *connection)
    const char *pn_connection_get_hostname(pn_connection_t *connection)
    void pn_connection_set_hostname(pn_connection_t *connection, const char *hostname)
    const char *pn_connection_remote_container(pn_connection_t *connection)
    const char *pn_connection_remote_hostname(pn_connection_t *connection)
    pn_data_t *pn_connection_offered_capabilities(pn_connection_t *connection)
    pn_data_t *pn_connection_desired_capabilities(pn_connection_t *connection)
    pn_data_t *pn_connection_properties(pn_connection_t *connection)
    pn_data_t *pn_connection_remote_offered_capabilities(pn_connection_t *connection)
    pn_data_t *pn_connection_remote_desired_capabilities(pn_connection_t *connection)
    pn_data_t *pn_connection_remote_properties(pn_connection_t *connection)
    pn_transport_t *pn_connection_transport(pn_connection_t *connection)
