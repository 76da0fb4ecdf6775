# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Fixtures shared by the interop tests.

``ref_oracle``: a :class:`refpeer.RefOracle`, python-qpid-proton 0.40 running in its own
interpreter (``.venv-ref``, made by ``scripts/make_ref_venv.sh``, which ``make test`` always runs),
answering codec questions. Module-scoped: one process per test module.
"""

import os
import sys

import pytest

_TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)  # for tests/refpeer.py

import refpeer  # noqa: E402


@pytest.fixture(scope="module")
def ref_oracle():
    """The reference implementation as an oracle; skips when its interpreter is missing."""
    if refpeer.ref_python() is None:
        pytest.skip("no python-qpid-proton reference interpreter: run scripts/make_ref_venv.sh "
                    "(make test does) or set CYPROTON_REF_PYTHON")
    oracle = refpeer.RefOracle()
    try:
        yield oracle
    finally:
        oracle.close()
