# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What errors.pyx gives the other fragments (included by proton._cproton.pxd).

cdef object _error_text(pn_error_t *error)

cdef int check(int code, pn_error_t *error, object default) except -1
