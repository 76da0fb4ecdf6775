# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Constants and helpers of the wheel tier (standard library only)."""

import os
import types

#: The interpreter of the venv the wheel is installed into, inside the root.
VENV_PYTHON = "/opt/venv/bin/python"
#: Where Debian keeps the shared libraries (amd64).
LIBDIR = "/usr/lib/x86_64-linux-gnu"


def in_root_certs(certs):
    """The root's paths of the certificate files (conftest copies them to /opt/certs; same attribute names)."""
    return types.SimpleNamespace(**{k: "/opt/certs/" + os.path.basename(v) for k, v in vars(certs).items()
                                    if k != "dir"})
