# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""cyproton encodes messages without the engine when it can; the bytes must be exactly the
engine's. Random messages are encoded both ways and compared."""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proton import (
    UNDESCRIBED, Array, Data, Described, Message, byte, char, decimal32, decimal64, decimal128, float32, int32, short,
    symbol, timestamp, ubyte, uint, ulong, ushort,
)

pytestmark = pytest.mark.impl

_cproton = pytest.importorskip("proton._cproton")

text = st.text(max_size=300)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=False), text,
    st.binary(max_size=300), text.map(symbol), st.integers(0, 2**64 - 1).map(ulong),
    st.integers(0, 2**32 - 1).map(uint),
    st.integers(-2**31, 2**31 - 1).map(int32), st.integers(0, 255).map(ubyte), st.integers(0, 65535).map(ushort),
    st.integers(-2**63, 2**63 - 1).map(timestamp), st.uuids(), st.floats(width=32, allow_nan=False).map(float32),
    st.characters().map(char),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=6), st.dictionaries(st.one_of(text, text.map(symbol)), inner, max_size=6)), max_leaves=30)
ids = st.one_of(st.none(), st.integers(0, 2**64 - 1), text, st.binary(max_size=40), st.uuids())


@st.composite
def messages(draw):
    m = Message()
    m.durable = draw(st.booleans())
    m.priority = draw(st.integers(0, 255))
    m.ttl = draw(st.integers(0, 2**32 - 1)) / 1000.0
    m.first_acquirer = draw(st.booleans())
    m.delivery_count = draw(st.integers(0, 2**32 - 1))
    m.id = draw(ids)
    m.correlation_id = draw(ids)
    m.user_id = draw(st.one_of(st.none(), st.binary(max_size=300)))
    for name in ("address", "subject", "reply_to", "content_type", "content_encoding", "group_id",
                 "reply_to_group_id"):
        setattr(m, name, draw(st.one_of(st.none(), text.filter(lambda s: "\0" not in s))))
    m.expiry_time = draw(st.integers(0, 2**40)) / 1000.0
    m.creation_time = draw(st.integers(0, 2**40)) / 1000.0
    m.group_sequence = draw(st.integers(0, 2**32 - 1))
    m.instructions = draw(st.one_of(st.none(), st.dictionaries(text.map(symbol), values, max_size=4)))
    m.annotations = draw(st.one_of(st.none(), st.dictionaries(text.map(symbol), values, max_size=4)))
    m.properties = draw(st.one_of(st.none(), st.dictionaries(text, scalars, max_size=6)))
    m.body = draw(values)
    m.inferred = draw(st.booleans())
    return m


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages())
def test_direct_encoding_is_the_engines_encoding(msg):
    assert msg.encode() == _cproton._encode_with_engine(msg)


def test_a_uuid_id_and_large_sections():
    msg = Message(id=uuid.uuid4(), body="x" * 70000, properties={"k" * 300: "v" * 300}, subject="s" * 256)
    assert msg.encode() == _cproton._encode_with_engine(msg)


# Arrays and described values: the engine writes arrays its own way (array32 always, the widest
# constructor once for all the elements, plain ints cut to the array's integer type), and the
# direct encoder must write the same bytes.
any_int = st.integers(-2**63, 2**63 - 1)
ELEMENTS = {
    Data.NULL: st.none(), Data.BOOL: st.booleans(),
    Data.UBYTE: st.one_of(st.integers(0, 255).map(ubyte), any_int),
    Data.BYTE: st.one_of(st.integers(-128, 127).map(byte), any_int),
    Data.USHORT: st.one_of(st.integers(0, 65535).map(ushort), any_int),
    Data.SHORT: st.one_of(st.integers(-32768, 32767).map(short), any_int),
    Data.UINT: st.one_of(st.integers(0, 2**32 - 1).map(uint), any_int),
    Data.INT: st.one_of(st.integers(-2**31, 2**31 - 1).map(int32), any_int),
    Data.ULONG: st.one_of(st.integers(0, 2**64 - 1).map(ulong), any_int),
    Data.LONG: any_int, Data.TIMESTAMP: st.one_of(any_int.map(timestamp), any_int),
    Data.FLOAT: st.floats(width=32, allow_nan=False).map(float32), Data.DOUBLE: st.floats(allow_nan=False),
    Data.CHAR: st.characters().map(char), Data.DECIMAL32: st.integers(0, 2**32 - 1).map(decimal32),
    Data.DECIMAL64: st.integers(0, 2**64 - 1).map(decimal64),
    Data.DECIMAL128: st.binary(min_size=16, max_size=16).map(decimal128),
    Data.UUID: st.uuids(), Data.BINARY: st.binary(max_size=300), Data.STRING: st.one_of(text, text.map(symbol)),
    Data.SYMBOL: st.one_of(text.map(symbol), text, st.binary(max_size=20)),
}
descriptors = st.one_of(st.just(UNDESCRIBED), text.map(symbol), st.integers(0, 2**64 - 1).map(ulong))


def _arrays(inner):
    scalar_arrays = st.sampled_from(sorted(ELEMENTS)).flatmap(
        lambda t: st.tuples(descriptors, st.just(t), st.lists(ELEMENTS[t], max_size=5)))
    compound_arrays = st.one_of(
        st.tuples(descriptors, st.just(Data.LIST), st.lists(st.lists(inner, max_size=3), max_size=3)),
        st.tuples(descriptors, st.just(Data.MAP),
                  st.lists(st.dictionaries(text.map(symbol), inner, max_size=3), max_size=3)),
        st.tuples(descriptors.map(lambda d: UNDESCRIBED if d is UNDESCRIBED else Described(d, None)),
                  st.just(Data.ARRAY),
                  st.lists(scalar_arrays.map(lambda a: Array(a[0], a[1], *a[2])), max_size=3)),
    )
    return st.one_of(scalar_arrays, compound_arrays).map(lambda a: Array(a[0], a[1], *a[2]))


rich_values = st.recursive(
    st.one_of(scalars, st.binary(min_size=16, max_size=16).map(decimal128)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(text.map(symbol), inner, max_size=4),
        st.tuples(st.one_of(text.map(symbol), inner), inner).map(lambda dv: Described(*dv)), _arrays(inner)),
    max_leaves=20)


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(rich_values, st.one_of(st.none(), st.dictionaries(text.map(symbol), rich_values, max_size=3), rich_values))
def test_arrays_described_values_and_footers_encode_as_the_engine_does(body, footer):
    msg = Message(body=body, annotations={symbol("a"): body})
    msg.footer = footer
    assert msg.encode() == _cproton._encode_with_engine(msg)


def test_an_array_longer_than_the_engine_tree_encodes_and_decodes():
    # the engine's data tree holds 65535 values: the direct encoder has no such limit
    body = Array(UNDESCRIBED, Data.INT, *range(70000))
    msg = Message(body=body)
    encoded = msg.encode()
    again = Message()
    again.decode(encoded)
    assert again.body.type == Data.INT and list(again.body.elements) == list(range(70000))
    assert again.encode() == encoded
