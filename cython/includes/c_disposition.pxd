# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/disposition.h
from libc.stdint cimport uint32_t, uint64_t

from .c_codec cimport pn_data_t
from .c_condition cimport pn_condition_t


cdef extern from "proton/disposition.h" nogil:
    ctypedef struct pn_disposition_t

    enum:
        PN_RECEIVED
        PN_ACCEPTED
        PN_REJECTED
        PN_RELEASED
        PN_MODIFIED

    uint64_t pn_disposition_type(pn_disposition_t *disposition)
    const char *pn_disposition_type_name(uint64_t disposition_type)
    pn_condition_t *pn_disposition_condition(pn_disposition_t *disposition)
    pn_data_t *pn_disposition_data(pn_disposition_t *disposition)
    uint32_t pn_disposition_get_section_number(pn_disposition_t *disposition)
    void pn_disposition_set_section_number(pn_disposition_t *disposition, uint32_t section_number)
    uint64_t pn_disposition_get_section_offset(pn_disposition_t *disposition)
    void pn_disposition_set_section_offset(pn_disposition_t *disposition, uint64_t section_offset)
    bint pn_disposition_is_failed(pn_disposition_t *disposition)
    void pn_disposition_set_failed(pn_disposition_t *disposition, bint failed)
    bint pn_disposition_is_undeliverable(pn_disposition_t *disposition)
    void pn_disposition_set_undeliverable(pn_disposition_t *disposition, bint undeliverable)
    pn_data_t *pn_disposition_annotations(pn_disposition_t *disposition)
