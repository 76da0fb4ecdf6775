# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Symbols and map keys as the two decoders (Data.get_object and Message.decode) return them.

cyproton shares one Python object per short decoded name between decodes; whatever the sharing
does, every decode must give back values of the right type and content, however many distinct
names pass through and however they collide.
"""

from __future__ import annotations

import pytest

from amqp_compare import same
from proton import AnnotationDict, Data, Message, MessageException, symbol, ulong


def data_decode(value):
    data = Data()
    data.put_object(value)
    encoded = data.encode()
    fresh = Data()
    fresh.decode(encoded)
    fresh.rewind()
    fresh.next()
    return fresh.get_object()


def message_decode(value):
    """``value`` through a message, as its body."""
    message = Message(body=value)
    decoded = Message()
    decoded.decode(message.encode())
    return decoded.body


DECODERS = [data_decode, message_decode]

ASCII_NAMES = ["", "a", "kind", "x-opt-partition", "n" * 47, "n" * 48, "n" * 49, "long-" * 60]
OTHER_NAMES = ["\u00e9t\u00e9", "\u65e5\u672c\u8a9e", "\U0001f600"]


def check_name(decode, name, symbols):
    sym = symbol if symbols else str
    value = {name: sym(name), sym(name + "!"): name, "list": [sym(name), name]}
    for _ in range(3):  # later rounds find the names already decoded once
        decoded = decode(value)
        assert same(decoded, value)
        assert [type(k) for k in sorted(decoded, key=lambda k: (type(k) is symbol, k))] == \
            ([str, str, symbol] if symbols else [str, str, str])
        assert type(decoded[name]) is sym and type(decoded[sym(name + "!")]) is str
        assert [type(v) for v in decoded["list"]] == [sym, str]


@pytest.mark.parametrize("decode", DECODERS)
@pytest.mark.parametrize("name", ASCII_NAMES)
def test_str_and_symbol_of_one_name_stay_apart(decode, name):
    check_name(decode, name, True)


@pytest.mark.parametrize("decode", DECODERS)
@pytest.mark.parametrize("name", OTHER_NAMES)
def test_non_ascii_names(decode, name):
    check_name(decode, name, False)


@pytest.mark.impl   # the reference refuses non-ASCII symbols (README, compatibility)
@pytest.mark.parametrize("decode", DECODERS)
@pytest.mark.parametrize("name", OTHER_NAMES)
def test_non_ascii_symbols(decode, name):
    check_name(decode, name, True)


@pytest.mark.parametrize("decode", DECODERS)
def test_thousands_of_distinct_names_in_one_map(decode):
    value = {("key-%d" % i if i % 2 else symbol("sym-%d" % i)): symbol("v%d" % (i % 700)) for i in range(5000)}
    for _ in range(2):
        decoded = decode(value)
        assert same(decoded, value)


@pytest.mark.parametrize("decode", DECODERS)
def test_names_that_differ_only_in_a_late_byte(decode):
    value = {"%s%04d" % ("p" * 40, i): i for i in range(300)}
    assert same(decode(value), value)
    value = {symbol("%04d%s" % (i, "q" * 40)): i for i in range(300)}
    assert same(decode(value), value)


def test_decoded_annotations_with_symbol_and_ulong_keys():
    annotations = {symbol("x-opt-a"): 1, ulong(7): "seven", symbol("x-opt-b"): [symbol("s")]}
    for _ in range(2):
        decoded = Message()
        decoded.decode(Message(annotations=annotations, instructions=annotations).encode())
        for got in (decoded.annotations, decoded.instructions):
            assert type(got) is AnnotationDict
            assert same(dict(got), annotations)
            got["later"] = 1                      # still checks new keys: str becomes symbol
            assert type(next(k for k in got if k == "later")) is symbol


def test_annotations_given_with_str_keys_become_symbols():
    message = Message(annotations={"x-opt-a": 1, symbol("x-opt-b"): 2, ulong(3): 3})
    assert type(message.annotations) is AnnotationDict
    assert sorted(type(k).__name__ for k in message.annotations) == ["symbol", "symbol", "ulong"]


def map8(*pairs):
    """A map8 encoding of ``pairs`` of already encoded keys and values."""
    body = b"".join(k + v for k, v in pairs)
    return bytes([0xC1, len(body) + 1, 2 * len(pairs)]) + body


def sym8(raw):
    return bytes([0xA3, len(raw)]) + raw


def str8(raw):
    return bytes([0xA1, len(raw)]) + raw


@pytest.mark.impl   # the reference lets UnicodeDecodeError out of both
@pytest.mark.parametrize("bad_key", [sym8(b"\xff\xfe"), str8(b"ab\xc3"), str8(b"\xed\xa0\x80")])
def test_invalid_utf8_names_raise_and_leave_later_decodes_intact(bad_key):
    good = map8((str8(b"ab"), b"\x40"), (sym8(b"ab"), b"\x40"))
    bad = map8((str8(b"ok"), b"\x40"), (bad_key, b"\x40"))
    data = Data()
    with pytest.raises(UnicodeDecodeError):       # as python-qpid-proton raises it
        data.decode(bad)
        data.rewind()
        data.next()
        data.get_object()
    # the same bytes as an application-properties section of a message
    section = b"\x00\x53\x74" + bad
    with pytest.raises(MessageException):
        Message().decode(section)
    for _ in range(2):
        data = Data()
        data.decode(good)
        data.rewind()
        data.next()
        decoded = data.get_object()
        assert same(decoded, {"ab": None, symbol("ab"): None})
        message = Message()
        message.decode(b"\x00\x53\x77" + good)     # as a body (application-properties keys are strings)
        assert same(message.body, {"ab": None, symbol("ab"): None})
