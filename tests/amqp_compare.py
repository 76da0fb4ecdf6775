# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Strict comparison of decoded AMQP values, shared by the codec, message and interop tests.

``==`` is too lenient for a codec: ``1 == 1.0 == True`` and ``ulong(5) == 5``. :func:`same` wants
equal values of identical types all the way down; floats compare by bit pattern (so ``-0.0`` is
not ``0.0``), except that any NaN matches any NaN. Only ``proton`` is imported, so the same
helper serves when the tests run against python-qpid-proton.
"""

from __future__ import annotations

import math
import struct
from typing import Any, Callable, Optional

from proton import UNDESCRIBED, Array, Described


def same(actual: Any, expected: Any, prepare: Optional[Callable[[Any], Any]] = None) -> bool:
    """True when ``actual`` matches ``expected`` exactly; ``prepare`` (if given) is applied to
    ``actual`` first, e.g. to turn the reference's memoryviews into bytes."""
    if prepare is not None:
        actual = prepare(actual)
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, float):
        if math.isnan(expected):
            return math.isnan(actual)
        return struct.pack(">d", actual) == struct.pack(">d", expected)
    if isinstance(expected, dict):
        return len(actual) == len(expected) and all(
            same(ak, ek, prepare) and same(av, ev, prepare)
            for (ak, av), (ek, ev) in zip(actual.items(), expected.items()))
    if isinstance(expected, list):
        return len(actual) == len(expected) and all(same(a, e, prepare) for a, e in zip(actual, expected))
    if isinstance(expected, Described):
        return same(actual.descriptor, expected.descriptor, prepare) and same(actual.value, expected.value, prepare)
    if isinstance(expected, Array):
        if (expected.descriptor is UNDESCRIBED) != (actual.descriptor is UNDESCRIBED):
            return False
        if expected.descriptor is not UNDESCRIBED and not same(actual.descriptor, expected.descriptor, prepare):
            return False
        return (actual.type == expected.type and len(actual.elements) == len(expected.elements)
                and all(same(a, e, prepare) for a, e in zip(actual.elements, expected.elements)))
    return actual == expected
