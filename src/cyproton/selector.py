# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Message selectors: the SQL-like filter language of JMS, as used in AMQP ``selector`` filters.

A selector is a boolean expression over a message's application properties and a few header
fields, for example ``color = 'red' AND weight BETWEEN 1 AND 10``. It is compiled once into a
tree of small Python closures, then evaluated against each candidate message::

    sel = compile_selector("color IN ('red', 'blue') AND NOT sold")
    sel.evaluate({"color": "red", "sold": False})      # True
    sel.matches(message)                                # a proton.Message

What the language offers:

* literals: strings in single quotes (``'it''s'`` doubles a quote), integers (decimal, ``0x1F``
  hexadecimal, ``017`` octal, an optional ``L`` suffix), decimals with optional exponent and
  ``F``/``D`` suffix (``1.5``, ``.5e3``), ``TRUE``, ``FALSE`` and ``NULL``;
* identifiers: property names (case sensitive) that start with a letter, ``_`` or ``$`` and go
  on with letters, digits, ``_``, ``$`` or ``.``; keywords are case insensitive;
* arithmetic ``+ - * /`` and unary ``+ -`` on numbers (integer division truncates toward zero;
  dividing by zero gives NULL);
* comparisons ``= <> < > <= >=``; ``[NOT] LIKE 'pattern' [ESCAPE 'c']`` where ``%`` is any run
  of characters and ``_`` is exactly one; ``[NOT] IN (literal, ...)``;
  ``[NOT] BETWEEN low AND high``; ``IS [NOT] NULL``;
* ``NOT``, ``AND`` and ``OR`` with SQL's three-valued logic: an absent property is NULL, and
  any comparison with NULL is *unknown*. ``NOT unknown`` is unknown, ``FALSE AND unknown`` is
  false, ``TRUE OR unknown`` is true. A message is selected only when the whole expression is
  true.

Typing follows JMS: numbers compare with numbers (integers and decimals mix), strings and
booleans only with ``=`` and ``<>`` against their own kind, and any other mix compares false
(not unknown). Booleans are not numbers.

Header fields a selector can name, and the message field each one reads:

=====================  =======================================================================
``JMSMessageID``       ``id`` (as a string)
``JMSCorrelationID``   ``correlation_id`` (as a string)
``JMSPriority``        ``priority`` (4 when the message does not say)
``JMSTimestamp``       ``creation_time`` in milliseconds, NULL when not set
``JMSDeliveryMode``    ``'PERSISTENT'`` when ``durable``, else ``'NON_PERSISTENT'``
``JMSType``            the ``x-opt-jms-type`` message annotation, else ``subject``
``JMSExpiration``      ``expiry_time`` in milliseconds, 0 when not set
``JMSXUserID``         ``user_id`` (decoded as UTF-8)
``JMSXGroupID``        ``group_id``
``JMSXGroupSeq``       ``group_sequence``
=====================  =======================================================================

Any other name is looked up in the application properties.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Mapping, NoReturn, Optional, Tuple, Union

__all__ = ["Selector", "SelectorError", "compile_selector", "message_fields"]

#: A value seen by the evaluator: None stands for SQL NULL / unknown.
Value = Any
#: The lookup a compiled expression reads identifiers through.
Lookup = Callable[[str], Value]
_Node = Callable[[Lookup], Value]


class SelectorError(ValueError):
    """The selector text is not a valid expression. ``position`` is the offset of the problem."""

    def __init__(self, message: str, text: str, position: int) -> None:
        super().__init__(f"{message} at offset {position} in selector {text!r}")
        self.position = position
        self.text = text


# -- tokens ----------------------------------------------------------------------------------------

_KEYWORDS = frozenset(("AND", "OR", "NOT", "LIKE", "ESCAPE", "IN", "BETWEEN", "IS", "NULL", "TRUE", "FALSE"))

_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<float>(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?|\d+[eE][+-]?\d+[fFdD]?|\d+[fFdD])
  | (?P<hex>0[xX][0-9a-fA-F]+[lL]?)
  | (?P<int>\d+[lL]?)
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$.]*)
  | (?P<op><>|<=|>=|!=|[=<>+\-*/(),])
    """,
    re.VERBOSE,
)


class _Token:
    __slots__ = ("kind", "value", "pos")

    def __init__(self, kind: str, value: Any, pos: int) -> None:
        self.kind = kind      # "lit", "name", "kw", "op" or "end"
        self.value = value
        self.pos = pos

    def __repr__(self) -> str:
        return f"_Token({self.kind}, {self.value!r}, {self.pos})"


def _int_literal(digits: str) -> int:
    digits = digits.rstrip("lL")
    if len(digits) > 1 and digits[0] == "0":
        if all(ch in "01234567" for ch in digits):
            return int(digits, 8)
    return int(digits, 10)


def _tokenize(text: str) -> List[_Token]:
    tokens: List[_Token] = []
    pos = 0
    end = len(text)
    while pos < end:
        found = _TOKEN_RE.match(text, pos)
        if found is None:
            raise SelectorError(f"unexpected character {text[pos]!r}", text, pos)
        kind = found.lastgroup
        raw = found.group()
        if kind == "string":
            tokens.append(_Token("lit", raw[1:-1].replace("''", "'"), pos))
        elif kind == "float":
            tokens.append(_Token("lit", float(raw.rstrip("fFdD")), pos))
        elif kind == "hex":
            tokens.append(_Token("lit", int(raw.rstrip("lL"), 16), pos))
        elif kind == "int":
            tokens.append(_Token("lit", _int_literal(raw), pos))
        elif kind == "name":
            upper = raw.upper()
            if upper in _KEYWORDS:
                if upper == "TRUE":
                    tokens.append(_Token("lit", True, pos))
                elif upper == "FALSE":
                    tokens.append(_Token("lit", False, pos))
                else:
                    tokens.append(_Token("kw", upper, pos))
            else:
                tokens.append(_Token("name", raw, pos))
        elif kind == "op":
            tokens.append(_Token("op", "<>" if raw == "!=" else raw, pos))
        pos = found.end()
        if pos == found.start():  # pragma: no cover - every alternative consumes a character
            raise SelectorError("tokenizer made no progress", text, pos)
    tokens.append(_Token("end", None, end))
    return tokens


# -- value helpers (three-valued logic) -----------------------------------------------------------

def _kind(value: Value) -> str:
    """Which JMS family a value belongs to: "bool", "num", "str" or "other"."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "num"
    if isinstance(value, str):
        return "str"
    return "other"


def _equal(a: Value, b: Value) -> Optional[bool]:
    if a is None or b is None:
        return None
    if _kind(a) != _kind(b):
        return False
    return bool(a == b)


def _ordered(a: Value, b: Value) -> Optional[bool]:
    """None when unknown, False when the pair cannot be ordered, True when both are numbers."""
    if a is None or b is None:
        return None
    return _kind(a) == "num" and _kind(b) == "num"


def _less(a: Value, b: Value) -> Optional[bool]:
    ok = _ordered(a, b)
    return ok and a < b


def _less_equal(a: Value, b: Value) -> Optional[bool]:
    ok = _ordered(a, b)
    return ok and a <= b


def _greater(a: Value, b: Value) -> Optional[bool]:
    ok = _ordered(a, b)
    return ok and a > b


def _greater_equal(a: Value, b: Value) -> Optional[bool]:
    ok = _ordered(a, b)
    return ok and a >= b


def _not_equal(a: Value, b: Value) -> Optional[bool]:
    same = _equal(a, b)
    return None if same is None else not same


_COMPARISONS: Dict[str, Callable[[Value, Value], Optional[bool]]] = {
    "=": _equal, "<>": _not_equal, "<": _less, "<=": _less_equal, ">": _greater, ">=": _greater_equal,
}


def _negate(value: Optional[bool]) -> Optional[bool]:
    return None if value is None else not value


def _truth(value: Value) -> Optional[bool]:
    """A value used as a condition: booleans are themselves, NULL is unknown, anything else false."""
    if value is None or isinstance(value, bool):
        return value
    return False


def _arith(op: str, a: Value, b: Value) -> Value:
    if a is None or b is None or _kind(a) != "num" or _kind(b) != "num":
        return None
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        return None
    if isinstance(a, int) and isinstance(b, int):
        quotient = abs(a) // abs(b)
        return quotient if (a >= 0) == (b >= 0) else -quotient
    return a / b


def _like_regex(pattern: str, escape: Optional[str]) -> re.Pattern[str]:
    parts: List[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if escape is not None and ch == escape and i + 1 < len(pattern):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "%":
            parts.append(".*")
        elif ch == "_":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
        i += 1
    return re.compile("".join(parts), re.DOTALL)


# -- parser: recursive descent producing closures ---------------------------------------------------

class _Parser:
    """Turns tokens into a closure ``node(lookup) -> value``. One instance per selector text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.at = 0
        self.names: List[str] = []

    # token plumbing
    def _peek(self) -> _Token:
        return self.tokens[self.at]

    def _take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def _is(self, kind: str, value: Any = None) -> bool:
        token = self.tokens[self.at]
        return token.kind == kind and (value is None or token.value == value)

    def _accept(self, kind: str, value: Any = None) -> bool:
        if self._is(kind, value):
            self.at += 1
            return True
        return False

    def _expect(self, kind: str, value: Any, what: str) -> _Token:
        if not self._is(kind, value):
            self._fail(f"expected {what}")
        return self._take()

    def _fail(self, message: str) -> NoReturn:
        token = self._peek()
        shown = "end of input" if token.kind == "end" else repr(self.text[token.pos:token.pos + 12])
        raise SelectorError(f"{message}, found {shown}", self.text, token.pos)

    # grammar
    def parse(self) -> _Node:
        if self._is("end"):
            self._fail("empty selector")
        node = self._or()
        if not self._is("end"):
            self._fail("unexpected text after the expression")
        return node

    def _or(self) -> _Node:
        terms = [self._and()]
        while self._accept("kw", "OR"):
            terms.append(self._and())
        if len(terms) == 1:
            return terms[0]

        def either(lookup: Lookup) -> Optional[bool]:
            unknown = False
            for term in terms:
                value = _truth(term(lookup))
                if value:
                    return True
                if value is None:
                    unknown = True
            return None if unknown else False
        return either

    def _and(self) -> _Node:
        terms = [self._not()]
        while self._accept("kw", "AND"):
            terms.append(self._not())
        if len(terms) == 1:
            return terms[0]

        def both(lookup: Lookup) -> Optional[bool]:
            unknown = False
            for term in terms:
                value = _truth(term(lookup))
                if value is False:
                    return False
                if value is None:
                    unknown = True
            return None if unknown else True
        return both

    def _not(self) -> _Node:
        if self._accept("kw", "NOT"):
            inner = self._not()
            return lambda lookup: _negate(_truth(inner(lookup)))
        return self._predicate()

    def _predicate(self) -> _Node:
        left = self._sum()
        token = self._peek()
        if token.kind == "op" and token.value in _COMPARISONS:
            self._take()
            compare = _COMPARISONS[token.value]
            right = self._sum()
            return lambda lookup: compare(left(lookup), right(lookup))
        if self._accept("kw", "IS"):
            negated = self._accept("kw", "NOT")
            self._expect("kw", "NULL", "NULL after IS")
            if negated:
                return lambda lookup: left(lookup) is not None
            return lambda lookup: left(lookup) is None
        negated = self._accept("kw", "NOT")
        if self._accept("kw", "LIKE"):
            node = self._like(left)
        elif self._accept("kw", "IN"):
            node = self._in(left)
        elif self._accept("kw", "BETWEEN"):
            node = self._between(left)
        elif negated:
            self._fail("expected LIKE, IN or BETWEEN after NOT")
        else:
            return left
        if negated:
            positive = node
            return lambda lookup: _negate(positive(lookup))
        return node

    def _string_literal(self, what: str) -> str:
        token = self._peek()
        if token.kind != "lit" or not isinstance(token.value, str):
            self._fail(f"expected a string literal for {what}")
        self._take()
        return str(token.value)

    def _like(self, left: _Node) -> _Node:
        pattern = self._string_literal("the LIKE pattern")
        escape: Optional[str] = None
        if self._accept("kw", "ESCAPE"):
            where = self._peek().pos
            escape = self._string_literal("ESCAPE")
            if len(escape) != 1:
                raise SelectorError("ESCAPE takes exactly one character", self.text, where)
        matcher = _like_regex(pattern, escape).fullmatch

        def like(lookup: Lookup) -> Optional[bool]:
            value = left(lookup)
            if value is None:
                return None
            if not isinstance(value, str):
                return False
            return matcher(value) is not None
        return like

    def _in(self, left: _Node) -> _Node:
        self._expect("op", "(", "'(' after IN")
        choices: List[Value] = []
        while True:
            token = self._peek()
            if token.kind != "lit":
                self._fail("expected a literal in the IN list")
            choices.append(self._take().value)
            if self._accept("op", ")"):
                break
            self._expect("op", ",", "',' or ')' in the IN list")

        def member(lookup: Lookup) -> Optional[bool]:
            value = left(lookup)
            if value is None:
                return None
            for choice in choices:
                if _equal(value, choice):
                    return True
            return False
        return member

    def _between(self, left: _Node) -> _Node:
        low = self._sum()
        self._expect("kw", "AND", "AND in BETWEEN")
        high = self._sum()

        def between(lookup: Lookup) -> Optional[bool]:
            value = left(lookup)
            above = _greater_equal(value, low(lookup))
            if above is False:
                return False
            below = _less_equal(value, high(lookup))
            if below is False:
                return False
            return None if above is None or below is None else True
        return between

    def _sum(self) -> _Node:
        node = self._product()
        while self._is("op", "+") or self._is("op", "-"):
            op = self._take().value
            node = self._binary(op, node, self._product())
        return node

    def _product(self) -> _Node:
        node = self._unary()
        while self._is("op", "*") or self._is("op", "/"):
            op = self._take().value
            node = self._binary(op, node, self._unary())
        return node

    @staticmethod
    def _binary(op: str, left: _Node, right: _Node) -> _Node:
        return lambda lookup: _arith(op, left(lookup), right(lookup))

    def _unary(self) -> _Node:
        if self._accept("op", "-"):
            inner = self._unary()

            def minus(lookup: Lookup) -> Value:
                value = inner(lookup)
                return -value if _kind(value) == "num" else None
            return minus
        if self._accept("op", "+"):
            inner = self._unary()
            return lambda lookup: inner(lookup) if _kind(inner(lookup)) == "num" else None
        return self._primary()

    def _primary(self) -> _Node:
        token = self._peek()
        if token.kind == "lit":
            self._take()
            constant = token.value
            return lambda lookup: constant
        if token.kind == "kw" and token.value == "NULL":
            self._take()
            return lambda lookup: None
        if token.kind == "name":
            self._take()
            name = str(token.value)
            self.names.append(name)
            return lambda lookup: lookup(name)
        if self._accept("op", "("):
            inner = self._or()
            self._expect("op", ")", "')'")
            return inner
        self._fail("expected a value, a name or '('")


# -- message view ------------------------------------------------------------------------------------

def _as_text(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _millis(seconds: Any) -> Optional[int]:
    if not seconds:
        return None
    return int(round(float(seconds) * 1000))


def _jms_type(message: Any) -> Optional[str]:
    annotations = message.annotations
    if annotations:
        for key, value in annotations.items():
            if key == "x-opt-jms-type":
                return _as_text(value)
    return _as_text(message.subject)


_HEADERS: Dict[str, Callable[[Any], Value]] = {
    "JMSMessageID": lambda m: _as_text(m.id),
    "JMSCorrelationID": lambda m: _as_text(m.correlation_id),
    "JMSPriority": lambda m: int(m.priority) if m.priority is not None else 4,
    "JMSTimestamp": lambda m: _millis(m.creation_time),
    "JMSDeliveryMode": lambda m: "PERSISTENT" if m.durable else "NON_PERSISTENT",
    "JMSType": _jms_type,
    "JMSExpiration": lambda m: _millis(m.expiry_time) or 0,
    "JMSXUserID": lambda m: _as_text(m.user_id) or None,
    "JMSXGroupID": lambda m: _as_text(m.group_id),
    "JMSXGroupSeq": lambda m: m.group_sequence,
}


def _plain(value: Any) -> Value:
    """Bring an AMQP value to the plain families the evaluator knows (symbol -> str, ulong -> int...)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value if type(value) is str else str(value)
    if isinstance(value, int):
        return value if type(value) is int else int(value)
    if isinstance(value, float):
        return value if type(value) is float else float(value)
    return value


def message_fields(message: Any) -> Lookup:
    """A lookup over ``message`` (a :class:`proton.Message`): header names first, then properties."""
    properties = message.properties or {}

    def lookup(name: str) -> Value:
        header = _HEADERS.get(name)
        if header is not None:
            return header(message)
        return _plain(properties.get(name))
    return lookup


# -- the compiled selector ------------------------------------------------------------------------------

class Selector:
    """A compiled selector. Build one with :func:`compile_selector` (or ``Selector(text)``).

    :param text: the selector expression.
    :raise SelectorError: when ``text`` is not a valid selector.
    """

    __slots__ = ("text", "_root", "names")

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise SelectorError("a selector must be a string", repr(text), 0)
        parser = _Parser(text)
        self._root = parser.parse()
        self.text = text
        #: The identifiers the expression reads, in order of appearance.
        self.names: Tuple[str, ...] = tuple(dict.fromkeys(parser.names))

    def evaluate(self, values: Union[Mapping[str, Any], Lookup]) -> Optional[bool]:
        """The three-valued result over ``values``: True, False, or None for unknown.

        :param values: a mapping of names to values, or a function from a name to its value
            (None when absent).
        """
        if callable(values):
            lookup: Lookup = values
        else:
            mapping = values

            def lookup(name: str) -> Value:
                return _plain(mapping.get(name))
        return _truth(self._root(lookup))

    def matches(self, message: Any) -> bool:
        """Whether ``message`` (a :class:`proton.Message`) is selected: the expression is true."""
        return self._root(message_fields(message)) is True

    def __repr__(self) -> str:
        return f"Selector({self.text!r})"


def compile_selector(text: str) -> Selector:
    """Compile ``text`` into a :class:`Selector`.

    :raise SelectorError: with the offset of the first problem when ``text`` is not valid.
    """
    return Selector(text)
