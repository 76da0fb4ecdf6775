# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# Declarations of the Proton-C engine headers, one module per header. Never imported at run time.
