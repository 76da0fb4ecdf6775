# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Placeholder for python-qpid-proton's cffi extension, which cyproton does not provide.

python-qpid-proton builds its engine binding with cffi as ``cproton_ffi`` (``ffi`` and ``lib``).
cyproton binds the engine with Cython instead, so there is no cffi ``ffi`` or ``lib`` to import.
Importing this module says so, rather than failing later with a confusing error.
"""

raise ImportError(
    "cproton_ffi is python-qpid-proton's cffi extension and is not part of cyproton: cyproton has no "
    "cffi 'ffi' or 'lib' objects. Use the 'cproton' module (the same pn_* functions, over cyproton's "
    "compiled engine) or the 'proton' package instead."
)
