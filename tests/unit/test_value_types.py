# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""AMQP value types, the symbol-keyed containers and the exception classes.

Everything except the ``impl``-marked test uses public ``proton`` names only,
so the file also runs unchanged against python-qpid-proton 0.40.
"""

from __future__ import annotations

import pytest

import proton
from proton import (
    UNDESCRIBED, AnnotationDict, Array, Described, PropertyDict, SymbolList, byte, char, decimal32, decimal64,
    decimal128, float32, int32, short, symbol, timestamp, ubyte, uint, ulong, ushort,
)

# pn_type_t codes (proton/codec.h), the numbers Array.type carries; Data.SYMBOL etc. in the public API.
AMQP_INT = 8
AMQP_SYMBOL = 21


# ---------------------------------------------------------------------------
# Scalar types: base class, value semantics, repr
# ---------------------------------------------------------------------------

SCALARS = [
    (symbol, str, "amqp", "symbol('amqp')"),
    (char, str, "x", "char('x')"),
    (timestamp, int, 1311704463521, "timestamp(1311704463521)"),
    (byte, int, -7, "byte(-7)"),
    (short, int, 1000, "short(1000)"),
    (int32, int, -100000, "int32(-100000)"),
    (ubyte, int, 200, "ubyte(200)"),
    (ushort, int, 60000, "ushort(60000)"),
    (uint, int, 4000000000, "uint(4000000000)"),
    (ulong, int, 2 ** 63, "ulong(9223372036854775808)"),
    (float32, float, 1.5, "float32(1.5)"),
    (decimal32, int, 0x22500001, "decimal32(575668225)"),
    (decimal64, int, 0x2238000000000001, "decimal64(2465720795985346561)"),
    (decimal128, bytes, b"\x22\x08" + b"\x00" * 13 + b"\x01",
     "decimal128(b'\"\\x08\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01')"),
]


@pytest.mark.parametrize("cls, base, value, text", SCALARS, ids=[s[0].__name__ for s in SCALARS])
def test_scalar_is_a_thin_subclass(cls, base, value, text):
    v = cls(value)
    assert cls.__bases__ == (base,)
    assert isinstance(v, base)
    assert type(v) is cls
    assert v == value and value == v
    assert hash(v) == hash(value)
    assert not (v != value)
    assert repr(v) == text
    if base is int or base is float:
        # int and float have no __str__ of their own, so str() falls back to the tagged repr
        assert str(v) == text
    else:
        assert str(v) == str(value)


@pytest.mark.parametrize("cls, base, value, text", SCALARS, ids=[s[0].__name__ for s in SCALARS])
def test_scalar_usable_as_dict_key_and_set_member(cls, base, value, text):
    d = {cls(value): "x"}
    assert d[value] == "x"
    assert {cls(value), value} == {value}


def test_arithmetic_and_concatenation_give_builtin_types():
    assert type(ulong(1) + 1) is int
    assert type(ubyte(3) * 2) is int
    assert type(float32(1.5) + 1) is float
    assert type(symbol("a") + "b") is str
    assert symbol("a") + "b" == "ab"


def test_different_amqp_types_with_same_value_are_equal():
    assert ulong(5) == uint(5) == ushort(5) == ubyte(5) == byte(5) == short(5) == int32(5) == 5
    assert symbol("a") == char("a") == "a"


def test_str_types_accept_any_text():
    assert symbol("caf\u00e9") == "caf\u00e9"
    assert symbol("") == ""
    # char does not enforce a length of one
    assert char("ab") == "ab"


def test_scalar_default_constructors():
    assert symbol() == ""
    assert timestamp() == 0
    assert float32() == 0.0
    assert decimal128() == b""


def test_repr_of_scalar_subclass_keeps_amqp_name():
    class MySymbol(symbol):
        pass

    assert repr(MySymbol("q")) == "symbol('q')"


# ---------------------------------------------------------------------------
# Range checks: unsigned types refuse negatives only; signed types check nothing
# ---------------------------------------------------------------------------

UNSIGNED = [(ubyte, 2 ** 8 - 1), (ushort, 2 ** 16 - 1), (uint, 2 ** 32 - 1), (ulong, 2 ** 64 - 1)]


@pytest.mark.parametrize("cls, top", UNSIGNED, ids=[u[0].__name__ for u in UNSIGNED])
def test_unsigned_accepts_its_full_range(cls, top):
    assert cls(0) == 0
    assert cls(top) == top


@pytest.mark.parametrize("cls, top", UNSIGNED, ids=[u[0].__name__ for u in UNSIGNED])
def test_unsigned_rejects_negative_with_assertion_error(cls, top):
    with pytest.raises(AssertionError) as info:
        cls(-1)
    assert str(info.value) == "initializing %s with negative value" % cls.__name__
    with pytest.raises(AssertionError):
        cls(-(2 ** 70))


@pytest.mark.parametrize("cls, top", UNSIGNED, ids=[u[0].__name__ for u in UNSIGNED])
def test_unsigned_upper_bound_is_left_to_the_encoder(cls, top):
    # python-qpid-proton checks only the sign; an oversized value fails later, when encoded.
    assert cls(top + 1) == top + 1


def test_unsigned_checks_the_argument_before_truncation():
    with pytest.raises(AssertionError):
        ulong(-0.5)
    assert ulong(3.9) == 3


SIGNED = [(byte, 8), (short, 16), (int32, 32)]


@pytest.mark.parametrize("cls, bits", SIGNED, ids=[s[0].__name__ for s in SIGNED])
def test_signed_types_are_not_range_checked(cls, bits):
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    assert cls(low) == low
    assert cls(high) == high
    assert cls(low - 1) == low - 1
    assert cls(high + 1) == high + 1


@pytest.mark.parametrize("cls", [timestamp, decimal32, decimal64])
def test_other_int_types_are_not_range_checked(cls):
    assert cls(-1) == -1
    assert cls(2 ** 80) == 2 ** 80


# ---------------------------------------------------------------------------
# Described, UNDESCRIBED, Array
# ---------------------------------------------------------------------------

def test_described_fields_and_repr():
    d = Described(symbol("x-opt"), 5)
    assert d.descriptor == symbol("x-opt")
    assert d.value == 5
    assert repr(d) == "Described(symbol('x-opt'), 5)"
    assert repr(Described(ulong(0x70), [1, "a"])) == "Described(ulong(112), [1, 'a'])"


def test_described_equality():
    assert Described(ulong(1), "v") == Described(ulong(1), "v")
    assert not (Described(ulong(1), "v") != Described(ulong(1), "v"))
    assert Described(ulong(1), "v") != Described(ulong(2), "v")
    assert Described(ulong(1), "v") != Described(ulong(1), "w")
    assert Described(1, 2) != (1, 2)
    assert (Described(1, 2) == None) is False  # noqa: E711


def test_described_is_unhashable():
    with pytest.raises(TypeError):
        hash(Described(1, 2))


def test_undescribed_sentinel():
    assert repr(UNDESCRIBED) == "UNDESCRIBED"
    assert type(UNDESCRIBED).__name__ == "Constant"
    assert proton.UNDESCRIBED is UNDESCRIBED
    assert UNDESCRIBED != "UNDESCRIBED"
    assert UNDESCRIBED is not None


def test_array_fields_and_iteration():
    a = Array(UNDESCRIBED, AMQP_SYMBOL, symbol("a"), symbol("b"))
    assert a.descriptor is UNDESCRIBED
    assert a.type == AMQP_SYMBOL
    assert a.elements == (symbol("a"), symbol("b"))
    assert list(a) == ["a", "b"]
    assert list(Array(UNDESCRIBED, AMQP_INT)) == []


def test_array_repr():
    assert repr(Array(UNDESCRIBED, AMQP_SYMBOL, symbol("a"), symbol("b"))) == \
        "Array(UNDESCRIBED, 21, symbol('a'), symbol('b'))"
    assert repr(Array(UNDESCRIBED, AMQP_INT)) == "Array(UNDESCRIBED, 8)"
    assert repr(Array(symbol("d"), AMQP_INT, 1, 2)) == "Array(symbol('d'), 8, 1, 2)"


def test_array_equality():
    a = Array(UNDESCRIBED, AMQP_INT, 1, 2, 3)
    assert a == Array(UNDESCRIBED, AMQP_INT, 1, 2, 3)
    assert a != Array(UNDESCRIBED, AMQP_INT, 1, 2)
    assert a != Array(symbol("d"), AMQP_INT, 1, 2, 3)
    assert a != Array(UNDESCRIBED, AMQP_SYMBOL, 1, 2, 3)
    assert a != (1, 2, 3)
    assert (a == [1, 2, 3]) is False


def test_array_is_unhashable():
    with pytest.raises(TypeError):
        hash(Array(UNDESCRIBED, AMQP_INT, 1))


# ---------------------------------------------------------------------------
# PropertyDict and AnnotationDict
# ---------------------------------------------------------------------------

def _key_types(d):
    return sorted({type(k).__name__ for k in d})


def test_property_dict_construction_forms_are_equal_and_symbolised():
    a = PropertyDict(one=1, two=2)
    b = PropertyDict({"one": 1, symbol("two"): 2})
    c = PropertyDict(zip(["one", symbol("two")], [1, 2]))
    d = PropertyDict([(symbol("one"), 1), ("two", 2)])
    e = PropertyDict(a)
    f = PropertyDict((pair for pair in [("one", 1), ("two", 2)]))
    for x in (a, b, c, d, e, f):
        assert x == {"one": 1, "two": 2}
        assert _key_types(x) == ["symbol"]
        assert isinstance(x, dict)


def test_container_classes_derive_directly_from_builtins():
    assert PropertyDict.__mro__[2:] == (dict, object)
    assert AnnotationDict.__mro__[2:] == (dict, object)
    assert PropertyDict.__mro__[1] is AnnotationDict.__mro__[1]
    assert SymbolList.__bases__ == (list,)
    assert Described.__bases__ == (object,)
    assert Array.__bases__ == (object,)


def test_property_dict_empty_and_attributes():
    p = PropertyDict()
    assert p == {}
    assert p.raise_on_error is True
    assert callable(p.validation_fn)
    assert PropertyDict(raise_on_error=False).raise_on_error is False


def test_property_dict_repr():
    assert repr(PropertyDict({"a": 1})) == "PropertyDict({symbol('a'): 1})"
    assert repr(PropertyDict()) == "PropertyDict({})"


def test_property_dict_rejects_non_string_keys_with_key_error():
    with pytest.raises(KeyError) as info:
        PropertyDict({"one": 1, 2: "two"})
    assert info.value.args[0] == "invalid non-symbol key: <class 'int'>: 2"
    p = PropertyDict()
    with pytest.raises(KeyError):
        p[3] = "x"
    with pytest.raises(KeyError):
        p[ulong(3)] = "x"
    with pytest.raises(KeyError):
        p.update({b"bytes": 1})
    assert p == {}


def test_property_dict_lenient_mode_keeps_other_keys():
    p = PropertyDict({"one": 1, 2: "two"}, raise_on_error=False)
    assert p == {"one": 1, 2: "two"}
    assert type(next(k for k in p if k == "one")) is symbol
    assert type(next(k for k in p if k == 2)) is int
    p[ulong(7)] = "seven"
    assert type(next(k for k in p if k == 7)) is ulong


def test_property_dict_unhashable_key_is_a_key_error_even_when_lenient():
    p = PropertyDict(raise_on_error=False)
    with pytest.raises(KeyError):
        p[[1, 2]] = "x"


def test_property_dict_setitem_and_update_convert():
    p = PropertyDict()
    p["a"] = 1
    p.update({"b": 2})
    p.update([("c", 3)])
    p.update(d=4)
    p.update(zip(["e"], [5]), f=6)
    p[char("g")] = 7
    assert p == dict(a=1, b=2, c=3, d=4, e=5, f=6, g=7)
    assert _key_types(p) == ["symbol"]
    p["a"] = 10
    assert p[symbol("a")] == 10 and len(p) == 7


def test_property_dict_setdefault_is_plain_dict_behaviour():
    p = PropertyDict({"a": 1})
    assert p.setdefault("a", 99) == 1
    # setdefault is not overridden: a new key goes in unconverted and unchecked
    assert p.setdefault("b", 2) == 2
    assert type(next(k for k in p if k == "b")) is str
    p.setdefault(3, "three")
    assert p[3] == "three"


def test_property_dict_lookup_by_str_or_symbol():
    p = PropertyDict({"k": "v"})
    assert p["k"] == "v"
    assert p[symbol("k")] == "v"
    assert "k" in p


def test_annotation_dict_key_rules():
    a = AnnotationDict(one=1, two=2)
    a[ulong(3)] = "three"
    b = AnnotationDict({"one": 1, symbol("two"): 2, ulong(3): "three"})
    c = AnnotationDict(zip([symbol("one"), "two", ulong(3)], [1, 2, "three"]))
    d = AnnotationDict([("one", 1), (symbol("two"), 2), (ulong(3), "three")])
    e = AnnotationDict(a)
    assert a == b == c == d == e
    for x in (a, b, c, d, e):
        assert _key_types(x) == ["symbol", "ulong"]


def test_annotation_dict_rejects_plain_int_and_other_keys():
    with pytest.raises(KeyError) as info:
        AnnotationDict({"one": 1, 2: "two"})
    assert info.value.args[0] == "invalid non-symbol key: <class 'int'>: 2"
    a = AnnotationDict()
    for bad in (3, uint(3), 1.5, b"k", None):
        with pytest.raises(KeyError):
            a[bad] = "x"
    assert a == {}


def test_annotation_dict_lenient_mode_and_repr():
    a = AnnotationDict({"one": 1, 2: "two"}, raise_on_error=False)
    assert a == {"one": 1, 2: "two"}
    assert a.raise_on_error is False
    assert repr(AnnotationDict({ulong(1): "x"})) == "AnnotationDict({ulong(1): 'x'})"
    assert repr(AnnotationDict({"a": 1})) == "AnnotationDict({symbol('a'): 1})"


# ---------------------------------------------------------------------------
# SymbolList
# ---------------------------------------------------------------------------

def _all_symbols(items):
    return all(type(i) is symbol for i in items)


def test_symbol_list_construction():
    a = SymbolList(["one", symbol("two"), "three"])
    b = SymbolList([symbol("one"), "two", symbol("three")])
    c = SymbolList(a)
    d = SymbolList(("one", "two", "three"))
    e = SymbolList(s for s in ["one", "two", "three"])
    assert a == b == c == d == e
    for x in (a, b, c, d, e):
        assert _all_symbols(x)
        assert isinstance(x, list)
    assert SymbolList() == []
    assert SymbolList(None) == []
    assert SymbolList().raise_on_error is True


def test_symbol_list_single_string_is_one_item():
    s = SymbolList("queue")
    assert list(s) == ["queue"]
    assert _all_symbols(s)
    assert list(SymbolList(symbol("topic"))) == ["topic"]


def test_symbol_list_rejects_non_strings_with_type_error():
    with pytest.raises(TypeError) as info:
        SymbolList(["one", symbol("two"), 3])
    assert str(info.value) == "Non-symbol type <class 'int'>: 3"
    with pytest.raises(TypeError):
        SymbolList([ulong(1)])


def test_symbol_list_lenient_mode_keeps_other_items():
    s = SymbolList(["one", symbol("two"), 3], raise_on_error=False)
    assert s == ["one", "two", 3]
    assert [type(i) for i in s] == [symbol, symbol, int]
    s.append(4)
    s[0] = 5
    assert s == [5, "two", 3, 4]
    assert repr(s) == "SymbolList([5, symbol('two'), 3, 4])"


def test_symbol_list_mutators_convert():
    s = SymbolList()
    s.append("a")
    s.extend(["b", symbol("c")])
    s.extend(x for x in ["d"])
    s.insert(0, "z")
    s[1] = "A"
    assert s == ["z", "A", "b", "c", "d"]
    assert _all_symbols(s)


def test_symbol_list_mutators_reject():
    s = SymbolList(["a"])
    for op in (lambda: s.append(1), lambda: s.extend([1]), lambda: s.insert(0, 1)):
        with pytest.raises(TypeError):
            op()

    def setitem():
        s[0] = 1
    with pytest.raises(TypeError):
        setitem()
    assert s == ["a"]


def test_symbol_list_add_and_iadd():
    s = SymbolList(["a"])
    t = s + ["b", "c"]
    assert type(t) is SymbolList
    assert t == ["a", "b", "c"] and _all_symbols(t)
    assert s == ["a"]
    assert (s + ("x",)) == ["a", "x"]
    with pytest.raises(TypeError):
        s + [1]
    lenient = SymbolList([], raise_on_error=False) + [1]
    assert lenient.raise_on_error is False and lenient == [1]

    before = s
    s += ["d", symbol("e")]
    assert s is before
    assert s == ["a", "d", "e"] and _all_symbols(s)
    with pytest.raises(TypeError):
        s += [2]


def test_symbol_list_equality_converts_other_side():
    assert SymbolList(["a", "b"]) == ["a", "b"]
    assert SymbolList(["a", "b"]) == (symbol("a"), "b")
    assert SymbolList(["a"]) == "a"
    assert not (SymbolList(["a", "b"]) == ["b", "a"])
    assert not (SymbolList(["a"]) == [1])


def test_symbol_list_repr_and_hash():
    assert repr(SymbolList(["a", "b"])) == "SymbolList([symbol('a'), symbol('b')])"
    assert repr(SymbolList()) == "SymbolList([])"
    with pytest.raises(TypeError):
        hash(SymbolList(["a"]))


def test_symbol_list_to_array():
    arr = SymbolList(["a", "b"]).to_array()
    assert isinstance(arr, Array)
    assert arr == Array(UNDESCRIBED, AMQP_SYMBOL, symbol("a"), symbol("b"))
    assert arr.descriptor is UNDESCRIBED
    assert repr(SymbolList().to_array()) == "Array(UNDESCRIBED, 21)"


# ---------------------------------------------------------------------------
# Exceptions
# ---------------------------------------------------------------------------

HIERARCHY = [
    (proton.ProtonException, Exception),
    (proton.DataException, proton.ProtonException),
    (proton.MessageException, proton.ProtonException),
    (proton.TransportException, proton.ProtonException),
    (proton.SSLException, proton.TransportException),
    (proton.SSLUnavailable, proton.SSLException),
    (proton.ConnectionException, proton.ProtonException),
    (proton.SessionException, proton.ProtonException),
    (proton.LinkException, proton.ProtonException),
    (proton.Timeout, proton.ProtonException),
    (proton.Interrupt, proton.ProtonException),
]


@pytest.mark.parametrize("cls, parent", HIERARCHY, ids=[h[0].__name__ for h in HIERARCHY])
def test_exception_bases(cls, parent):
    assert cls.__bases__ == (parent,)
    assert issubclass(cls, proton.ProtonException)
    with pytest.raises(parent) as info:
        raise cls("boom", 2)
    assert info.value.args == ("boom", 2)
    assert str(cls("boom")) == "boom"


def test_ssl_unavailable_is_caught_as_transport_error():
    with pytest.raises(proton.TransportException):
        raise proton.SSLUnavailable("no TLS library")


@pytest.mark.impl
def test_error_for_code():
    from proton import _exceptions as ex

    assert ex.EXCEPTION_FOR_CODE == {ex.PN_TIMEOUT: proton.Timeout, ex.PN_INTR: proton.Interrupt}
    codes = [ex.PN_EOS, ex.PN_ERR, ex.PN_OVERFLOW, ex.PN_UNDERFLOW, ex.PN_STATE_ERR, ex.PN_ARG_ERR,
             ex.PN_TIMEOUT, ex.PN_INTR, ex.PN_INPROGRESS, ex.PN_OUT_OF_MEMORY, ex.PN_ABORTED]
    assert codes == list(range(-1, -12, -1))

    err = ex.error_for_code(ex.PN_TIMEOUT, "took too long", proton.LinkException)
    assert type(err) is proton.Timeout
    assert str(err) == "[-7]: took too long"

    err = ex.error_for_code(ex.PN_INTR, "woken up")
    assert type(err) is proton.Interrupt
    assert str(err) == "[-8]: woken up"

    err = ex.error_for_code(ex.PN_ARG_ERR, "bad argument", default=proton.LinkException)
    assert type(err) is proton.LinkException
    assert str(err) == "[-6]: bad argument"

    err = ex.error_for_code(ex.PN_ERR, "")
    assert type(err) is proton.ProtonException
    assert str(err) == "[-2]: "

    err = ex.error_for_code(ex.PN_STATE_ERR, None, proton.SessionException)
    assert type(err) is proton.SessionException
    assert str(err) == "[-5]"
