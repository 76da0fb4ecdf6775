# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/version.h

cdef extern from "proton/version.h":
    enum:
        PN_VERSION_MAJOR
        PN_VERSION_MINOR
        PN_VERSION_POINT
