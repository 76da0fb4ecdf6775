# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/delivery.h
from libc.stdint cimport uint64_t

from .c_disposition cimport pn_disposition_t
from .c_types cimport pn_bytes_t, pn_connection_t, pn_delivery_t, pn_link_t, pn_record_t


cdef extern from "proton/delivery.h" nogil:
    ctypedef pn_bytes_t pn_delivery_tag_t

    pn_delivery_tag_t pn_dtag(const char *bytes, size_t size)
    pn_delivery_t *pn_delivery(pn_link_t *link, pn_delivery_tag_t tag)
    void *pn_delivery_get_context(pn_delivery_t *delivery)
    void pn_delivery_set_context(pn_delivery_t *delivery, void *context)
    pn_record_t *pn_delivery_attachments(pn_delivery_t *delivery)
    pn_delivery_tag_t pn_delivery_tag(pn_delivery_t *delivery)
    pn_link_t *pn_delivery_link(pn_delivery_t *delivery)
    pn_disposition_t *pn_delivery_local(pn_delivery_t *delivery)
    uint64_t pn_delivery_local_state(pn_delivery_t *delivery)
    pn_disposition_t *pn_delivery_remote(pn_delivery_t *delivery)
    uint64_t pn_delivery_remote_state(pn_delivery_t *delivery)
    bint pn_delivery_settled(pn_delivery_t *delivery)
    size_t pn_delivery_pending(pn_delivery_t *delivery)
    bint pn_delivery_partial(pn_delivery_t *delivery)
    bint pn_delivery_aborted(pn_delivery_t *delivery)
    bint pn_delivery_writable(pn_delivery_t *delivery)
    bint pn_delivery_readable(pn_delivery_t *delivery)
    bint pn_delivery_updated(pn_delivery_t *delivery)
    void pn_delivery_update(pn_delivery_t *delivery, uint64_t state)
    void pn_delivery_clear(pn_delivery_t *delivery)
    bint pn_delivery_current(pn_delivery_t *delivery)
    void pn_delivery_abort(pn_delivery_t *delivery)
    void pn_delivery_settle(pn_delivery_t *delivery)
    void pn_delivery_dump(pn_delivery_t *delivery)
    bint pn_delivery_buffered(pn_delivery_t *delivery)
    pn_delivery_t *pn_work_head(pn_connection_t *connection)
    pn_delivery_t *pn_work_next(pn_delivery_t *delivery)
