# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The low-level ``pn_*`` API of python-qpid-proton, one function per engine call.

python-qpid-proton's own Python layer (and code that carries a copy of it) is written against a
module named ``cproton``. This is that module for cyproton: the functions live in the same
compiled extension as :mod:`proton` (``proton._cproton``), so an engine object made here is the
very object :mod:`proton` wraps, and the engine is linked once.

An engine pointer is a small object that compares and hashes by address (never an int: the
reference layer tells a pointer from a number by its type); a NULL pointer is ``None``.
:func:`isnull` and :func:`addressof` work on both, as the reference layer expects, and proton's own
wrappers (Connection, Session, Link, Delivery, Transport) are accepted wherever a pointer is.
The contract (which names, how they are called) is recorded in
``tests/conformance/cproton_inventory.json`` and checked by ``tests/conformance/test_cproton_api.py``.

When the ``proton`` package that Python finds is not cyproton's (python-qpid-proton's pure-Python
layer placed first on the path, running over this module), the compiled extension is loaded from
the cyproton installation next to this file instead; see :func:`_load_beside`.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import sys
from types import ModuleType


def _load_beside() -> ModuleType:
    """Load cyproton's compiled module when ``proton`` names another package.

    The extension imports one module at load time, the leaf ``proton._exceptions``. That name is
    pointed at cyproton's own copy only while the extension initialises, and then given back, so
    the other ``proton`` package still imports its own ``_exceptions`` afterwards.
    """
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "proton")
    found = sorted(glob.glob(os.path.join(here, "_cproton*.so")) + glob.glob(os.path.join(here, "_cproton*.pyd")))
    if not found:
        raise ImportError(f"cyproton's compiled module proton._cproton is not in {here}")
    saved = sys.modules.get("proton._exceptions")
    before = set(sys.modules)
    try:
        exc_spec = importlib.util.spec_from_file_location("proton._exceptions", os.path.join(here, "_exceptions.py"))
        assert exc_spec is not None and exc_spec.loader is not None
        exceptions = importlib.util.module_from_spec(exc_spec)
        sys.modules["proton._exceptions"] = exceptions
        exc_spec.loader.exec_module(exceptions)
        spec = importlib.util.spec_from_file_location("proton._cproton", found[0])
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        if saved is None:
            sys.modules.pop("proton._exceptions", None)
        else:
            sys.modules["proton._exceptions"] = saved
        # The extension registers itself as proton._cproton while it initialises; that name would
        # then claim a submodule of the other proton package, so it is taken back too.
        if sys.modules.get("proton._cproton") is not None and "proton._cproton" not in before:
            del sys.modules["proton._cproton"]
    return module


try:
    from proton import _cproton
except ImportError:
    _cproton = _load_beside()

globals().update(_cproton._lowlevel)

__all__ = sorted(_cproton._lowlevel)
