# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/condition.h
from .c_codec cimport pn_data_t


cdef extern from "proton/condition.h" nogil:
    ctypedef struct pn_condition_t

    bint pn_condition_is_set(pn_condition_t *condition)
    void pn_condition_clear(pn_condition_t *condition)
    const char *pn_condition_get_name(pn_condition_t *condition)
    int pn_condition_set_name(pn_condition_t *condition, const char *name)
    const char *pn_condition_get_description(pn_condition_t *condition)
    int pn_condition_set_description(pn_condition_t *condition, const char *description)
    pn_data_t *pn_condition_info(pn_condition_t *condition)
    bint pn_condition_is_redirect(pn_condition_t *condition)
    const char *pn_condition_redirect_host(pn_condition_t *condition)
    int pn_condition_redirect_port(pn_condition_t *condition)
    int pn_condition_copy(pn_condition_t *dest, pn_condition_t *src)
    pn_condition_t *pn_condition()
    void pn_condition_free(pn_condition_t *)
