# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/link.h
from libc.stdint cimport uint64_t

from .c_codec cimport pn_data_t
from .c_condition cimport pn_condition_t
from .c_error cimport pn_error_t
from .c_terminus cimport pn_terminus_t
from .c_types cimport (ssize_t, pn_connection_t, pn_delivery_t, pn_link_t, pn_record_t, pn_session_t,
                       pn_state_t)


cdef extern from "proton/link.h" nogil:
    ctypedef enum pn_snd_settle_mode_t:
        PN_SND_UNSETTLED
        PN_SND_SETTLED
        PN_SND_MIXED

    ctypedef enum pn_rcv_settle_mode_t:
        PN_RCV_FIRST
        PN_RCV_SECOND

    pn_link_t *pn_sender(pn_session_t *session, const char *name)
    pn_link_t *pn_receiver(pn_session_t *session, const char *name)
    void pn_link_free(pn_link_t *link)
    void *pn_link_get_context(pn_link_t *link)
    void pn_link_set_context(pn_link_t *link, void *context)
    pn_record_t *pn_link_attachments(pn_link_t *link)
    const char *pn_link_name(pn_link_t *link)
    bint pn_link_is_sender(pn_link_t *link)
    bint pn_link_is_receiver(pn_link_t *link)
    pn_state_t pn_link_state(pn_link_t *link)
    pn_error_t *pn_link_error(pn_link_t *link)
    pn_condition_t *pn_link_condition(pn_link_t *link)
    pn_condition_t *pn_link_remote_condition(pn_link_t *link)
    pn_session_t *pn_link_session(pn_link_t *link)
    pn_link_t *pn_link_head(pn_connection_t *connection, pn_state_t state)
    pn_link_t *pn_link_next(pn_link_t *link, pn_state_t state)
    void pn_link_open(pn_link_t *link)
    void pn_link_close(pn_link_t *link)
    void pn_link_detach(pn_link_t *link)
    pn_terminus_t *pn_link_source(pn_link_t *link)
    pn_terminus_t *pn_link_target(pn_link_t *link)
    pn_terminus_t *pn_link_remote_source(pn_link_t *link)
    pn_terminus_t *pn_link_remote_target(pn_link_t *link)
    pn_delivery_t *pn_link_current(pn_link_t *link)
    bint pn_link_advance(pn_link_t *link)
    int pn_link_credit(pn_link_t *link)
    int pn_link_queued(pn_link_t *link)
    int pn_link_remote_credit(pn_link_t *link)
    bint pn_link_get_drain(pn_link_t *link)
    int pn_link_drained(pn_link_t *link)
    int pn_link_available(pn_link_t *link)
    pn_snd_settle_mode_t pn_link_snd_settle_mode(pn_link_t *link)
    pn_rcv_settle_mode_t pn_link_rcv_settle_mode(pn_link_t *link)
    void pn_link_set_snd_settle_mode(pn_link_t *link, pn_snd_settle_mode_t mode)
    void pn_link_set_rcv_settle_mode(pn_link_t *link, pn_rcv_settle_mode_t mode)
    pn_snd_settle_mode_t pn_link_remote_snd_settle_mode(pn_link_t *link)
    pn_rcv_settle_mode_t pn_link_remote_rcv_settle_mode(pn_link_t *link)
    int pn_link_unsettled(pn_link_t *link)
    pn_delivery_t *pn_unsettled_head(pn_link_t *link)
    pn_delivery_t *pn_unsettled_next(pn_delivery_t *delivery)
    void pn_link_offered(pn_link_t *sender, int credit)
    ssize_t pn_link_send(pn_link_t *sender, const char *bytes, size_t n)
    void pn_link_flow(pn_link_t *receiver, int credit)
    void pn_link_drain(pn_link_t *receiver, int credit)
    void pn_link_set_drain(pn_link_t *receiver, bint drain)
    ssize_t pn_link_recv(pn_link_t *receiver, char *bytes, size_t n)
    bint pn_link_draining(pn_link_t *receiver)
    uint64_t pn_link_max_message_size(pn_link_t *link)
    void pn_link_set_max_message_size(pn_link_t *link, uint64_t size)
    uint64_t pn_link_remote_max_message_size(pn_link_t *link)
    pn_data_t *pn_link_properties(pn_link_t *link)
    pn_data_t *pn_link_remote_properties(pn_link_t *link)
