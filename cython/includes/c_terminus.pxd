# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/terminus.h
from .c_codec cimport pn_data_t
from .c_types cimport pn_seconds_t


cdef extern from "proton/terminus.h" nogil:
    ctypedef struct pn_terminus_t

    ctypedef enum pn_terminus_type_t:
        PN_UNSPECIFIED
        PN_SOURCE
        PN_TARGET
        PN_COORDINATOR

    ctypedef enum pn_durability_t:
        PN_NONDURABLE
        PN_CONFIGURATION
        PN_DELIVERIES

    ctypedef enum pn_expiry_policy_t:
        PN_EXPIRE_WITH_LINK
        PN_EXPIRE_WITH_SESSION
        PN_EXPIRE_WITH_CONNECTION
        PN_EXPIRE_NEVER

    ctypedef enum pn_distribution_mode_t:
        PN_DIST_MODE_UNSPECIFIED
        PN_DIST_MODE_COPY
        PN_DIST_MODE_MOVE

    pn_terminus_type_t pn_terminus_get_type(pn_terminus_t *terminus)
    int pn_terminus_set_type(pn_terminus_t *terminus, pn_terminus_type_t type)
    const char *pn_terminus_get_address(pn_terminus_t *terminus)
    int pn_terminus_set_address(pn_terminus_t *terminus, const char *address)
    pn_distribution_mode_t pn_terminus_get_distribution_mode(const pn_terminus_t *terminus)
    int pn_terminus_set_distribution_mode(pn_terminus_t *terminus, pn_distribution_mode_t mode)
    pn_durability_t pn_terminus_get_durability(pn_terminus_t *terminus)
    int pn_terminus_set_durability(pn_terminus_t *terminus, pn_durability_t durability)
    pn_expiry_policy_t pn_terminus_get_expiry_policy(pn_terminus_t *terminus)
    bint pn_terminus_has_expiry_policy(const pn_terminus_t *terminus)
    int pn_terminus_set_expiry_policy(pn_terminus_t *terminus, pn_expiry_policy_t policy)
    pn_seconds_t pn_terminus_get_timeout(pn_terminus_t *terminus)
    int pn_terminus_set_timeout(pn_terminus_t *terminus, pn_seconds_t timeout)
    bint pn_terminus_is_dynamic(pn_terminus_t *terminus)
    int pn_terminus_set_dynamic(pn_terminus_t *terminus, bint dynamic)
    pn_data_t *pn_terminus_properties(pn_terminus_t *terminus)
    pn_data_t *pn_terminus_capabilities(pn_terminus_t *terminus)
    pn_data_t *pn_terminus_outcomes(pn_terminus_t *terminus)
    pn_data_t *pn_terminus_filter(pn_terminus_t *terminus)
    int pn_terminus_copy(pn_terminus_t *terminus, pn_terminus_t *src)
