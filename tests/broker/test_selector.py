# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Unit tests of the selector language (cyproton.selector): parsing, typing, three-valued logic."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest

from proton import Message, symbol, ulong

from cyproton.selector import Selector, SelectorError, compile_selector

VALUES: Dict[str, Any] = {
    "colour": "red", "size": 7, "weight": 2.5, "fragile": True, "empty": "", "zero": 0,
    "name": "a_b%c", "path": "x.y", "neg": -3, "big": 2 ** 40,
}


def ev(text: str, values: Optional[Dict[str, Any]] = None) -> Optional[bool]:
    return compile_selector(text).evaluate(VALUES if values is None else values)


@pytest.mark.parametrize("text, expected", [
    # comparisons
    ("colour = 'red'", True), ("colour = 'blue'", False), ("colour <> 'blue'", True), ("colour != 'red'", False),
    ("size = 7", True), ("size > 6", True), ("size >= 7", True), ("size < 7", False), ("size <= 6", False),
    ("weight = 2.5", True), ("size = 7.0", True), ("weight < size", True), ("big > 1000000", True),
    ("fragile = TRUE", True), ("fragile <> false", True), ("fragile", True), ("NOT fragile", False),
    # literals
    ("010 = 8", True), ("0x1F = 31", True), ("0X10 = 16", True), ("7L = 7", True), ("1.5e1 = 15", True),
    (".5 = 0.5", True), ("2.0F = 2", True), ("1e2 = 100", True), ("'it''s' = 'it''s'", True),
    ("TRUE", True), ("FALSE", False), ("true AND True", True),
    # arithmetic
    ("size + 1 = 8", True), ("size - 10 = neg", True), ("size * 2 = 14", True), ("size / 2 = 3", True),
    ("-7 / 2 = -3", True), ("weight * 2 = 5", True), ("5 / 2.0 = 2.5", True), ("-size = -7", True),
    ("+size = 7", True), ("2 + 3 * 4 = 14", True), ("(2 + 3) * 4 = 20", True), ("10 - 2 - 3 = 5", True),
    ("size / 0 = 1", None), ("size / zero > 0", None),
    # AND / OR / NOT precedence
    ("colour = 'red' AND size = 7", True), ("colour = 'red' AND size = 8", False),
    ("colour = 'blue' OR size = 7", True), ("colour = 'blue' OR size = 8", False),
    ("NOT colour = 'blue'", True), ("NOT (colour = 'red' AND size = 7)", False),
    ("colour = 'blue' OR colour = 'red' AND size = 7", True),
    ("(colour = 'blue' OR colour = 'red') AND size = 8", False),
    ("NOT colour = 'blue' AND NOT size = 8", True),
    # LIKE
    ("colour LIKE 'r%'", True), ("colour LIKE '_ed'", True), ("colour LIKE 'r_'", False),
    ("colour LIKE '%'", True), ("empty LIKE '%'", True), ("empty LIKE '_'", False),
    ("colour NOT LIKE 'b%'", True), ("name LIKE 'a!_b!%c' ESCAPE '!'", True),
    ("name LIKE 'a!_b!%' ESCAPE '!'", False), ("path LIKE 'x.y'", True), ("path LIKE 'x_y'", True),
    ("colour LIKE 'R%'", False), ("name LIKE 'a\\_b%' ESCAPE '\\'", True), ("'a.c' LIKE 'a.c'", True),
    ("'abc' LIKE 'a.c'", False), ("'a+b' LIKE 'a+b'", True),
    # IN
    ("colour IN ('red', 'green')", True), ("colour IN ('blue')", False), ("colour NOT IN ('blue', 'green')", True),
    ("size IN (1, 7, 9)", True), ("size NOT IN (7)", False),
    # BETWEEN
    ("size BETWEEN 1 AND 10", True), ("size BETWEEN 7 AND 7", True), ("size BETWEEN 8 AND 10", False),
    ("size NOT BETWEEN 8 AND 10", True), ("weight BETWEEN 2 AND size", True), ("size BETWEEN 1 + 5 AND 2 * 4", True),
    # IS NULL
    ("missing IS NULL", True), ("colour IS NULL", False), ("missing IS NOT NULL", False),
    ("colour IS NOT NULL", True), ("NOT missing IS NULL", False),
    # keywords are case insensitive, identifiers are not
    ("colour like 'r%' and size between 1 and 10 or missing is null", True), ("COLOUR = 'red'", None),
])
def test_evaluation(text: str, expected: Optional[bool]) -> None:
    assert ev(text) is expected


@pytest.mark.parametrize("text, expected", [
    # NULL (absent) operands make comparisons unknown
    ("missing = 1", None), ("missing <> 1", None), ("missing > 1", None), ("NOT missing = 1", None),
    ("missing + 1 = 2", None), ("-missing = 1", None), ("missing LIKE '%'", None), ("missing NOT LIKE '%'", None),
    ("missing IN ('a')", None), ("missing NOT IN ('a')", None), ("missing BETWEEN 1 AND 2", None),
    ("missing NOT BETWEEN 1 AND 2", None), ("NULL = NULL", None), ("NULL IS NULL", True),
    # AND: false wins over unknown; OR: true wins over unknown
    ("missing = 1 AND size = 7", None), ("missing = 1 AND size = 8", False), ("size = 8 AND missing = 1", False),
    ("missing = 1 OR size = 7", True), ("missing = 1 OR size = 8", None), ("size = 7 OR missing = 1", True),
    ("NOT (missing = 1 OR size = 8)", None), ("NOT (missing = 1 AND size = 8)", True),
    # BETWEEN with one unknown bound can still be decided false
    ("size BETWEEN missing AND 3", False), ("size BETWEEN missing AND 10", None),
])
def test_three_valued_logic(text: str, expected: Optional[bool]) -> None:
    assert ev(text) is expected


@pytest.mark.parametrize("text, expected", [
    # unlike types compare false (not unknown); booleans are not numbers; strings are not ordered
    ("colour = 1", False), ("colour <> 1", True), ("size = '7'", False), ("fragile = 1", False),
    ("colour > 'a'", False), ("colour < 'z'", False), ("fragile > 0", False),
    ("NOT colour > 'a'", True), ("colour + 1 = 1", None), ("fragile + 1 = 2", None),
    ("size LIKE '7'", False), ("size IN ('7')", False), ("colour IN (1, 2)", False),
    ("colour", False), ("size", False), ("size AND TRUE", False), ("NOT size", True),
])
def test_typing(text: str, expected: Optional[bool]) -> None:
    assert ev(text) is expected


@pytest.mark.parametrize("text", [
    "", "   ", "colour =", "= 1", "colour = 'red' AND", "colour == 'red'", "size > > 1", "(size = 1",
    "size = 1)", "colour LIKE red", "colour LIKE 'a' ESCAPE 'ab'", "colour IN ()", "colour IN ('a',)",
    "colour IN 'a'", "size BETWEEN 1", "size BETWEEN 1 OR 2", "colour IS 'red'", "colour IS NOT", "size NOT 5",
    "'unterminated", "size = 1 # 2", "a.b.c = @", "NOT", "AND size = 1", "size IN (other)",
])
def test_syntax_errors(text: str) -> None:
    with pytest.raises(SelectorError) as raised:
        compile_selector(text)
    assert isinstance(raised.value, ValueError)
    assert 0 <= raised.value.position <= len(text)
    assert "offset" in str(raised.value)


def test_error_position_points_at_the_problem() -> None:
    with pytest.raises(SelectorError) as raised:
        compile_selector("colour = 'red' AND size >")
    assert raised.value.position == len("colour = 'red' AND size >")
    with pytest.raises(SelectorError) as raised:
        compile_selector("colour ~ 1")
    assert raised.value.position == len("colour ")


def test_identifiers() -> None:
    values = {"$dollar": 1, "_under": 2, "with.dot": 3, "x9": 4, "ANDROID": 5, "nothing": 6}
    assert ev("$dollar = 1 AND _under = 2 AND with.dot = 3 AND x9 = 4", values) is True
    assert ev("ANDROID = 5 AND nothing = 6", values) is True        # keywords only as whole words
    assert Selector("a = 1 OR b > a AND c IS NULL").names == ("a", "b", "c")


def test_evaluate_accepts_a_lookup_function() -> None:
    asked = []

    def lookup(name: str) -> Any:
        asked.append(name)
        return {"a": 1}.get(name)

    assert Selector("a = 1 OR b = 2").evaluate(lookup) is True
    assert asked == ["a"]                                            # OR stops at the first true


def test_amqp_value_types_are_plain_values() -> None:
    values = {"sym": symbol("red"), "big": ulong(5)}
    assert ev("sym = 'red' AND big = 5 AND big > 4", values) is True


def test_non_string_selector_is_refused() -> None:
    with pytest.raises(SelectorError):
        Selector(42)  # type: ignore[arg-type]


def test_message_headers_and_properties() -> None:
    message = Message(
        id="ID:1", correlation_id=b"corr-7", priority=9, durable=True, subject="order",
        creation_time=1700000000.5, expiry_time=1700000100.0, user_id=b"alice", group_id="g1",
        group_sequence=3, properties={"colour": "red", "size": 7},
    )
    assert Selector("JMSMessageID = 'ID:1'").matches(message)
    assert Selector("JMSCorrelationID = 'corr-7'").matches(message)
    assert Selector("JMSPriority > 5").matches(message)
    assert Selector("JMSDeliveryMode = 'PERSISTENT'").matches(message)
    assert Selector("JMSType = 'order'").matches(message)
    assert Selector("JMSTimestamp = 1700000000500").matches(message)
    assert Selector("JMSExpiration = 1700000100000").matches(message)
    assert Selector("JMSXUserID = 'alice' AND JMSXGroupID = 'g1' AND JMSXGroupSeq = 3").matches(message)
    assert Selector("colour = 'red' AND size BETWEEN 5 AND 10").matches(message)
    assert not Selector("colour = 'blue'").matches(message)
    assert not Selector("missing = 1").matches(message)              # unknown is not a match


def test_message_header_defaults() -> None:
    message = Message(body="plain")
    assert Selector("JMSPriority = 4").matches(message)
    assert Selector("JMSDeliveryMode = 'NON_PERSISTENT'").matches(message)
    assert Selector("JMSMessageID IS NULL AND JMSCorrelationID IS NULL").matches(message)
    assert Selector("JMSTimestamp IS NULL AND JMSExpiration = 0").matches(message)
    assert Selector("JMSType IS NULL").matches(message)


def test_jms_type_prefers_the_annotation() -> None:
    message = Message(subject="from-subject", annotations={symbol("x-opt-jms-type"): "from-annotation"})
    assert Selector("JMSType = 'from-annotation'").matches(message)


def test_a_compiled_selector_is_reusable_and_has_a_repr() -> None:
    selector = Selector("size > 3")
    assert [selector.evaluate({"size": n}) for n in (2, 4, None)] == [False, True, None]
    assert repr(selector) == "Selector('size > 3')"
