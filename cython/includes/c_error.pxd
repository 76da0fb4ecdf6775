# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/error.h

cdef extern from "proton/error.h" nogil:
    ctypedef struct pn_error_t

    enum:
        PN_OK
        PN_EOS
        PN_ERR
        PN_OVERFLOW
        PN_UNDERFLOW
        PN_STATE_ERR
        PN_ARG_ERR
        PN_TIMEOUT
        PN_INTR
        PN_INPROGRESS
        PN_OUT_OF_MEMORY
        PN_ABORTED

    const char *pn_code(int code)
    pn_error_t *pn_error()
    void pn_error_free(pn_error_t *error)
    void pn_error_clear(pn_error_t *error)
    int pn_error_set(pn_error_t *error, int code, const char *text)
    int pn_error_code(pn_error_t *error)
    const char *pn_error_text(pn_error_t *error)
    int pn_error_copy(pn_error_t *error, pn_error_t *src)
