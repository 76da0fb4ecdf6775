# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The structural check Message.decode runs before decoding, against a plain Python model of it.

The compiled scanner steps over common leaves in place and skips arrays of fixed-width elements in
one go; whatever shortcut it takes, it must accept and refuse exactly what a value-by-value walk
does.
"""

from __future__ import annotations

import struct
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proton import Data, Described, Array, UNDESCRIBED, symbol, ulong

pytestmark = pytest.mark.impl

_cproton = pytest.importorskip("proton._cproton")

DEPTH_LIMIT = 1000
EMPTY_ELEMENTS_LIMIT = 65535     # constructor-only array elements one scan allows, all arrays together


def width(code):
    if 0x40 <= code <= 0x45:
        return 0
    if 0x50 <= code <= 0x56:
        return 1
    if code in (0x60, 0x61):
        return 2
    if 0x70 <= code <= 0x74:
        return 4
    if 0x80 <= code <= 0x84:
        return 8
    if code in (0x94, 0x98):
        return 16
    if code in (0xA0, 0xA1, 0xA3, 0xB0, 0xB1, 0xB3, 0xC0, 0xC1, 0xD0, 0xD1, 0xE0, 0xF0):
        return None
    return "bad"


def model_body(data, code, pos, end, depth, empty):
    """End of the value whose constructor ``code`` was read (payload at ``pos``), or -1.
    ``empty`` is a one-item list: the constructor-only elements the scan still allows."""
    w = width(code)
    if depth > DEPTH_LIMIT or w == "bad":
        return -1
    if w is not None:
        return pos + w if pos + w <= end else -1
    small = code >> 4 in (0xA, 0xC, 0xE)
    n = 1 if small else 4
    if pos + n > end:
        return -1
    size = data[pos] if small else struct.unpack(">I", data[pos:pos + 4])[0]
    pos += n
    if size > end - pos:
        return -1
    stop = pos + size
    if code >> 4 in (0xA, 0xB):
        return stop
    if pos + n > stop:
        return -1
    count = data[pos] if small else struct.unpack(">I", data[pos:pos + 4])[0]
    pos += n
    if code in (0xC1, 0xD1) and count % 2:
        return -1
    if code in (0xE0, 0xF0):
        if count == 0 and pos == stop:
            return stop
        if pos >= stop:
            return -1
        element = data[pos]
        pos += 1
        if element == 0x00:
            pos = model_value(data, pos, stop, depth + 1, empty)
            if pos < 0 or pos >= stop:
                return -1
            element = data[pos]
            pos += 1
        if width(element) == "bad":      # no such element type, even in an empty array
            return -1
        if width(element) == 0:
            if pos != stop or (count and depth + 1 > DEPTH_LIMIT) or count > empty[0]:
                return -1
            empty[0] -= count
            return stop
        for _ in range(count):
            pos = model_body(data, element, pos, stop, depth + 1, empty)
            if pos < 0:
                return -1
        return stop if pos == stop else -1
    for _ in range(count):
        pos = model_value(data, pos, stop, depth + 1, empty)
        if pos < 0:
            return -1
    return stop if pos == stop else -1


def model_value(data, pos, end, depth, empty=None):
    if empty is None:
        empty = [EMPTY_ELEMENTS_LIMIT]
    if depth > DEPTH_LIMIT or pos >= end:
        return -1
    if data[pos] == 0x00:
        pos = model_value(data, pos + 1, end, depth + 1, empty)
        return -1 if pos < 0 else model_value(data, pos, end, depth + 1, empty)
    return model_body(data, data[pos], pos + 1, end, depth, empty)


def encoded(value):
    data = Data()
    data.put_object(value)
    return data.encode()


SAMPLES = [
    encoded([1, "two", b"three", symbol("four"), None, True, 2.5, ulong(7)]),
    encoded({"a": [1, 2, {"b": b"x" * 300}], symbol("c"): "d" * 300}),
    encoded(Array(UNDESCRIBED, Data.INT, 1, 2, 3, 4)),
    encoded(Array(UNDESCRIBED, Data.STRING, "a", "bb", "c" * 300)),
    encoded(Array(Described(symbol("d"), None).descriptor, Data.LONG, 5, 6)),
    encoded(Described(ulong(0x73), ["id", None, "to"])),
    encoded([[[]], {}, Array(UNDESCRIBED, Data.NULL)]),
]


def agree(blob):
    assert _cproton._scan_value(blob) == (model_value(blob, 0, len(blob), 0) if blob else -1), blob.hex()


@pytest.mark.parametrize("blob", SAMPLES, ids=[f"sample{i}" for i in range(len(SAMPLES))])
def test_every_prefix_and_single_byte_change(blob):
    agree(blob)
    assert _cproton._scan_value(blob) == len(blob)
    for cut in range(len(blob)):
        agree(blob[:cut])
    for at in range(min(len(blob), 64)):
        for byte in (0x00, 0x01, 0x40, 0x52, 0xA1, 0xC0, 0xE0, 0xFF):
            agree(blob[:at] + bytes([byte]) + blob[at + 1:])


def test_fixed_width_arrays_must_fill_their_size_exactly():
    good = bytes([0xE0, 1 + 1 + 8, 2, 0x71]) + struct.pack(">ii", 1, 2)
    agree(good)
    assert _cproton._scan_value(good) == len(good)
    for size, count in [(10, 3), (10, 1), (9, 2), (11, 2)]:
        blob = bytes([0xE0, size, count, 0x71]) + b"\x00" * (size - 2)
        agree(blob)
        assert _cproton._scan_value(blob) == -1


def test_depth_limit_is_the_same_for_leaves_and_arrays():
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * DEPTH_LIMIT + 200))     # the model recurses twice per level
    try:
        _depths_agree()
    finally:
        sys.setrecursionlimit(limit)


def _depths_agree():
    for leaf in (b"\x41", b"\xa1\x01x", bytes([0xE0, 6, 1, 0x71, 0, 0, 0, 7])):
        for depth in (DEPTH_LIMIT - 2, DEPTH_LIMIT - 1, DEPTH_LIMIT, DEPTH_LIMIT + 1):
            blob = leaf
            for _ in range(depth):
                blob = bytes([0xD0]) + struct.pack(">II", len(blob) + 4, 1) + blob
            agree(blob)


@pytest.mark.parametrize("count, ok", [(0, True), (1, True), (65535, True), (65536, False), (0xFFFFFFF0, False)])
def test_arrays_of_constructor_only_elements_have_a_bounded_count(count, ok):
    for element in (0x40, 0x41, 0x43, 0x45):
        blob = bytes([0xF0]) + struct.pack(">II", 5, count) + bytes([element])
        agree(blob)
        assert (_cproton._scan_value(blob) == len(blob)) is ok


@pytest.mark.parametrize("counts, ok", [
    ((65535, 0), True), ((30000, 35535), True), ((30000, 35536), False), ((65535, 1), False),
    ((40000,) * 3, False),
])
def test_the_allowance_of_constructor_only_elements_covers_all_the_arrays_of_a_value(counts, ok):
    # An array of arrays of nulls: nine bytes each, however many nulls each claims; without one
    # allowance for the whole value, 9 KB of them expand to gigabytes.
    inner = b"".join(struct.pack(">II", 5, count) + b"\x40" for count in counts)
    body = struct.pack(">I", len(counts)) + b"\xf0" + inner
    blob = b"\xf0" + struct.pack(">I", len(body)) + body
    agree(blob)
    assert (_cproton._scan_value(blob) == len(blob)) is ok


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(SAMPLES), st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)), max_size=4))
def test_mutated_encodings(blob, changes):
    mutable = bytearray(blob)
    for at, byte in changes:
        if at < len(mutable):
            mutable[at] = byte
    agree(bytes(mutable))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_random_bytes(blob):
    agree(blob)
