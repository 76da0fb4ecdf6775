# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What bundle.pyx gives the other fragments (included by proton._cproton.pxd).

cdef object sasl_mechs_hint(mechs)
