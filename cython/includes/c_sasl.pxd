# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/sasl.h
from .c_types cimport pn_transport_t


cdef extern from "proton/sasl.h" nogil:
    ctypedef struct pn_sasl_t

    ctypedef enum pn_sasl_outcome_t:
        PN_SASL_NONE
        PN_SASL_OK
        PN_SASL_AUTH
        PN_SASL_SYS
        PN_SASL_PERM
        PN_SASL_TEMP

    pn_sasl_t *pn_sasl(pn_transport_t *transport)
    bint pn_sasl_extended()
    void pn_sasl_done(pn_sasl_t *sasl, pn_sasl_outcome_t outcome)
    pn_sasl_outcome_t pn_sasl_outcome(pn_sasl_t *sasl)
    const char *pn_sasl_get_user(pn_sasl_t *sasl)
    const char *pn_sasl_get_authorization(pn_sasl_t *sasl)
    const char *pn_sasl_get_mech(pn_sasl_t *sasl)
    void pn_sasl_allowed_mechs(pn_sasl_t *sasl, const char *mechs)
    void pn_sasl_set_allow_insecure_mechs(pn_sasl_t *sasl, bint insecure)
    bint pn_sasl_get_allow_insecure_mechs(pn_sasl_t *sasl)
    void pn_sasl_config_name(pn_sasl_t *sasl, const char *name)
    void pn_sasl_config_path(pn_sasl_t *sasl, const char *path)
