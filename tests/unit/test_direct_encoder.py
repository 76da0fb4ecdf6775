# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""cyproton encodes messages without the engine when it can; the bytes must be exactly the
engine's. Random messages are encoded both ways and compared."""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proton import Message, char, float32, int32, symbol, timestamp, ubyte, uint, ulong, ushort

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
