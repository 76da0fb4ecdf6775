# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Issue 2: the codec and message API of ``proton`` matches python-qpid-proton 0.40 in full.

One test per public name: every member, kind, constant value, parameter list and protocol
dunder recorded in ``api_inventory.json`` must be there (see ``inventory.py`` for the rules).
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inventory  # noqa: E402  (tests/conformance/inventory.py)

NAMES = (
    "Data", "Message", "symbol", "char", "timestamp", "ubyte", "ushort", "uint", "ulong", "byte", "short",
    "int32", "float32", "decimal32", "decimal64", "decimal128", "Described", "UNDESCRIBED", "Array",
    "AnnotationDict", "PropertyDict", "SymbolList",
    "ProtonException", "DataException", "MessageException", "TransportException", "SSLException",
    "SSLUnavailable", "ConnectionException", "SessionException", "LinkException", "Timeout", "Interrupt",
)


@pytest.fixture(scope="module")
def api():
    import proton
    return inventory.load_inventory(), proton


@pytest.mark.parametrize("name", NAMES)
def test_name_matches_reference(api, name):
    recorded, proton = api
    missing = inventory.missing_members(recorded, "proton", name, proton)
    assert not missing, "proton.%s differs from python-qpid-proton 0.40:\n  %s" % (name, "\n  ".join(missing))
