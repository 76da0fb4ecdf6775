# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What reactor.pyx gives the other fragments (included by proton._cproton.pxd).

cdef int bind_loop_events(dict numbers) except -1

cdef bint loop_events_bound() noexcept
