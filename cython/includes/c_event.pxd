# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/event.h
from .c_condition cimport pn_condition_t
from .c_types cimport (pn_class_t, pn_collector_t, pn_connection_t, pn_delivery_t, pn_link_t, pn_record_t,
                       pn_session_t, pn_transport_t)


cdef extern from "proton/event.h" nogil:
    ctypedef struct pn_event_t

    ctypedef enum pn_event_type_t:
        PN_EVENT_NONE
        PN_REACTOR_INIT
        PN_REACTOR_QUIESCED
        PN_REACTOR_FINAL
        PN_TIMER_TASK
        PN_CONNECTION_INIT
        PN_CONNECTION_BOUND
        PN_CONNECTION_UNBOUND
        PN_CONNECTION_LOCAL_OPEN
        PN_CONNECTION_REMOTE_OPEN
        PN_CONNECTION_LOCAL_CLOSE
        PN_CONNECTION_REMOTE_CLOSE
        PN_CONNECTION_FINAL
        PN_SESSION_INIT
        PN_SESSION_LOCAL_OPEN
        PN_SESSION_REMOTE_OPEN
        PN_SESSION_LOCAL_CLOSE
        PN_SESSION_REMOTE_CLOSE
        PN_SESSION_FINAL
        PN_LINK_INIT
        PN_LINK_LOCAL_OPEN
        PN_LINK_REMOTE_OPEN
        PN_LINK_LOCAL_CLOSE
        PN_LINK_REMOTE_CLOSE
        PN_LINK_LOCAL_DETACH
        PN_LINK_REMOTE_DETACH
        PN_LINK_FLOW
        PN_LINK_FINAL
        PN_DELIVERY
        PN_TRANSPORT
        PN_TRANSPORT_AUTHENTICATED
        PN_TRANSPORT_ERROR
        PN_TRANSPORT_HEAD_CLOSED
        PN_TRANSPORT_TAIL_CLOSED
        PN_TRANSPORT_CLOSED
        PN_SELECTABLE_INIT
        PN_SELECTABLE_UPDATED
        PN_SELECTABLE_READABLE
        PN_SELECTABLE_WRITABLE
        PN_SELECTABLE_ERROR
        PN_SELECTABLE_EXPIRED
        PN_SELECTABLE_FINAL
        PN_CONNECTION_WAKE
        PN_LISTENER_ACCEPT
        PN_LISTENER_CLOSE
        PN_PROACTOR_INTERRUPT
        PN_PROACTOR_TIMEOUT
        PN_PROACTOR_INACTIVE
        PN_LISTENER_OPEN
        PN_RAW_CONNECTION_CONNECTED
        PN_RAW_CONNECTION_CLOSED_READ
        PN_RAW_CONNECTION_CLOSED_WRITE
        PN_RAW_CONNECTION_DISCONNECTED
        PN_RAW_CONNECTION_NEED_READ_BUFFERS
        PN_RAW_CONNECTION_NEED_WRITE_BUFFERS
        PN_RAW_CONNECTION_READ
        PN_RAW_CONNECTION_WRITTEN
        PN_RAW_CONNECTION_WAKE
        PN_RAW_CONNECTION_DRAIN_BUFFERS

    const char *pn_event_type_name(pn_event_type_t type)
    pn_collector_t *pn_collector()
    void pn_collector_free(pn_collector_t *collector)
    void pn_collector_release(pn_collector_t *collector)
    void pn_collector_drain(pn_collector_t *collector)
    pn_event_t *pn_collector_put(pn_collector_t *collector, const pn_class_t *clazz, void *context, pn_event_type_t type)
    pn_event_t *pn_collector_put_object(pn_collector_t *collector, void *obj, pn_event_type_t type)
    pn_event_t *pn_collector_peek(pn_collector_t *collector)
    bint pn_collector_pop(pn_collector_t *collector)
    pn_event_t *pn_collector_next(pn_collector_t *collector)
    pn_event_t *pn_collector_prev(pn_collector_t *collector)
    bint pn_collector_more(pn_collector_t *collector)
    pn_event_type_t pn_event_type(pn_event_t *event)
    const pn_class_t *pn_event_class(pn_event_t *event)
    void *pn_event_context(pn_event_t *event)
    pn_connection_t *pn_event_connection(pn_event_t *event)
    pn_session_t *pn_event_session(pn_event_t *event)
    pn_link_t *pn_event_link(pn_event_t *event)
    pn_delivery_t *pn_event_delivery(pn_event_t *event)
    pn_transport_t *pn_event_transport(pn_event_t *event)
    pn_record_t *pn_event_attachments(pn_event_t *event)
    pn_condition_t *pn_event_condition(pn_event_t *event)
