# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""AMQP value types and the :class:`Data` codec object.

Python's own ``int``, ``str``, ``float`` and ``bytes`` cannot say which of the
several AMQP encodings a value wants (an ``int`` may be a ubyte, a short, a
uint, a long ...). The small subclasses defined first in this module carry
that choice: they behave exactly like their builtin base (same equality, same
hash, same arithmetic) and only add a repr naming the AMQP type. The unsigned
ones refuse negative input.

The compound helpers (:class:`Described`, :class:`Array`) and the key-checking
containers (:class:`PropertyDict`, :class:`AnnotationDict`, :class:`SymbolList`)
follow, then the :class:`Data` class itself.
"""

from __future__ import annotations

import uuid

from ._common import Constant

from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, SupportsIndex, Tuple, Union

# ---------------------------------------------------------------------------
# AMQP type codes, numbered as the engine's pn_type_t (proton/codec.h).
# ---------------------------------------------------------------------------

PN_NULL = 1
PN_BOOL = 2
PN_UBYTE = 3
PN_BYTE = 4
PN_USHORT = 5
PN_SHORT = 6
PN_UINT = 7
PN_INT = 8
PN_CHAR = 9
PN_ULONG = 10
PN_LONG = 11
PN_TIMESTAMP = 12
PN_FLOAT = 13
PN_DOUBLE = 14
PN_DECIMAL32 = 15
PN_DECIMAL64 = 16
PN_DECIMAL128 = 17
PN_UUID = 18
PN_BINARY = 19
PN_STRING = 20
PN_SYMBOL = 21
PN_DESCRIBED = 22
PN_ARRAY = 23
PN_LIST = 24
PN_MAP = 25

#: Lower-case AMQP name of each type code, as ``Data.type_name()`` reports it.
TYPE_NAMES: Dict[int, str] = {
    code: name.lower()
    for name, code in (
        ("NULL", PN_NULL), ("BOOL", PN_BOOL), ("UBYTE", PN_UBYTE), ("BYTE", PN_BYTE),
        ("USHORT", PN_USHORT), ("SHORT", PN_SHORT), ("UINT", PN_UINT), ("INT", PN_INT),
        ("CHAR", PN_CHAR), ("ULONG", PN_ULONG), ("LONG", PN_LONG), ("TIMESTAMP", PN_TIMESTAMP),
        ("FLOAT", PN_FLOAT), ("DOUBLE", PN_DOUBLE), ("DECIMAL32", PN_DECIMAL32),
        ("DECIMAL64", PN_DECIMAL64), ("DECIMAL128", PN_DECIMAL128), ("UUID", PN_UUID),
        ("BINARY", PN_BINARY), ("STRING", PN_STRING), ("SYMBOL", PN_SYMBOL),
        ("DESCRIBED", PN_DESCRIBED), ("ARRAY", PN_ARRAY), ("LIST", PN_LIST), ("MAP", PN_MAP),
    )
}


# ---------------------------------------------------------------------------
# Scalar value types
# ---------------------------------------------------------------------------

def _tagged_repr(type_name: str, base_repr: Callable[[Any], str]) -> Callable[[Any], str]:
    """Make a ``__repr__`` that wraps the builtin repr in ``type_name(...)``.

    The name is fixed rather than taken from ``type(self)`` so that user
    subclasses print the same way as the AMQP type they extend.
    """
    def __repr__(self: Any) -> str:
        return f"{type_name}({base_repr(self)})"
    __repr__.__qualname__ = f"{type_name}.__repr__"
    return __repr__


def _reject_negative(value: Any, type_name: str) -> None:
    # An explicit raise, not ``assert``: the check must survive ``python -O``.
    if value < 0:
        raise AssertionError(f"initializing {type_name} with negative value")


class symbol(str):
    """AMQP ``symbol``: a string from a restricted (ASCII) vocabulary, such as a
    capability, an annotation key or a descriptor name. Equal to, and hashed
    like, the plain ``str`` with the same characters.
    """

    __repr__ = _tagged_repr("symbol", str.__repr__)


class char(str):
    """AMQP ``char``: a single Unicode code point, sent as UTF-32. The length is
    not checked here; the encoder takes the first character.
    """

    __repr__ = _tagged_repr("char", str.__repr__)


class timestamp(int):
    """AMQP ``timestamp``: signed milliseconds since the Unix epoch (UTC)."""

    __repr__ = _tagged_repr("timestamp", int.__repr__)


class byte(int):
    """AMQP ``byte``: signed 8-bit integer. The range is enforced by the encoder,
    not by the constructor.
    """

    __repr__ = _tagged_repr("byte", int.__repr__)


class short(int):
    """AMQP ``short``: signed 16-bit integer. The range is enforced by the
    encoder, not by the constructor.
    """

    __repr__ = _tagged_repr("short", int.__repr__)


class int32(int):
    """AMQP ``int``: signed 32-bit integer. The range is enforced by the encoder,
    not by the constructor.
    """

    __repr__ = _tagged_repr("int32", int.__repr__)


class ubyte(int):
    """AMQP ``ubyte``: unsigned 8-bit integer.

    :param i: the value; only its sign is checked here.
    :raise AssertionError: if ``i`` is negative.
    """

    def __init__(self, i: int) -> None:
        if i < 0:  # inline: this runs for every value built
            _reject_negative(i, "ubyte")

    __repr__ = _tagged_repr("ubyte", int.__repr__)


class ushort(int):
    """AMQP ``ushort``: unsigned 16-bit integer.

    :param i: the value; only its sign is checked here.
    :raise AssertionError: if ``i`` is negative.
    """

    def __init__(self, i: int) -> None:
        if i < 0:  # inline: this runs for every value built
            _reject_negative(i, "ushort")

    __repr__ = _tagged_repr("ushort", int.__repr__)


class uint(int):
    """AMQP ``uint``: unsigned 32-bit integer.

    :param u32: the value; only its sign is checked here.
    :raise AssertionError: if ``u32`` is negative.
    """

    def __init__(self, u32: int) -> None:
        _reject_negative(u32, "uint")

    __repr__ = _tagged_repr("uint", int.__repr__)


class ulong(int):
    """AMQP ``ulong``: unsigned 64-bit integer. Also accepted as a key of an
    :class:`AnnotationDict`.

    :param u64: the value; only its sign is checked here.
    :raise AssertionError: if ``u64`` is negative.
    """

    def __init__(self, u64: int) -> None:
        if u64 < 0:  # inline: this runs for every value built
            _reject_negative(u64, "ulong")

    __repr__ = _tagged_repr("ulong", int.__repr__)


class float32(float):
    """AMQP ``float``: IEEE 754 binary32. Held at Python (double) precision until
    encoded, where it is rounded to 32 bits.
    """

    __repr__ = _tagged_repr("float32", float.__repr__)


class decimal32(int):
    """AMQP ``decimal32``: the raw 32 bits of an IEEE 754 decimal32, as an int."""

    __repr__ = _tagged_repr("decimal32", int.__repr__)


class decimal64(int):
    """AMQP ``decimal64``: the raw 64 bits of an IEEE 754 decimal64, as an int."""

    __repr__ = _tagged_repr("decimal64", int.__repr__)


class decimal128(bytes):
    """AMQP ``decimal128``: the 16 raw bytes of an IEEE 754 decimal128."""

    __repr__ = _tagged_repr("decimal128", bytes.__repr__)


class UnmappedType:
    """Placeholder produced when decoding meets a type with no Python mapping.

    :param msg: text naming what could not be mapped.
    """

    def __init__(self, msg: str) -> None:
        self.msg = msg

    def __repr__(self) -> str:
        return f"UnmappedType({self.msg})"


# ---------------------------------------------------------------------------
# Compound values
# ---------------------------------------------------------------------------

#: Descriptor of an :class:`Array` whose elements carry no descriptor.
UNDESCRIBED = Constant("UNDESCRIBED")


class Described:
    """An AMQP described value: any value tagged with a descriptor (usually a
    :class:`symbol` or a :class:`ulong` code) that tells the peer how to read it.

    :param descriptor: the descriptor, any AMQP value.
    :param value: the value being described.
    """

    def __init__(self, descriptor: PythonAMQPData, value: PythonAMQPData) -> None:
        self.descriptor = descriptor
        self.value = value

    def __eq__(self, other: object) -> bool:
        # Anything that is not a Described is simply unequal (no NotImplemented hand-off).
        if not isinstance(other, Described):
            return False
        return self.descriptor == other.descriptor and self.value == other.value

    def __repr__(self) -> str:
        return f"Described({self.descriptor!r}, {self.value!r})"


class Array:
    """An AMQP array: a run of values that all share one AMQP type and,
    optionally, one descriptor.

    :param descriptor: the common descriptor, or :data:`UNDESCRIBED`.
    :param type: the element type as a ``pn_type_t`` code, e.g. :data:`PN_SYMBOL`
        (also available as ``Data.SYMBOL``).
    :param elements: the values; kept as a tuple in :attr:`elements`.
    """

    def __init__(self, descriptor: Union[PythonAMQPData, Constant], type: int, *elements: Any) -> None:
        self.descriptor = descriptor
        self.type = type
        self.elements = elements

    def __iter__(self) -> Iterator[Any]:
        return iter(self.elements)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Array):
            return False
        return (self.descriptor == other.descriptor and self.type == other.type
                and self.elements == other.elements)

    def __repr__(self) -> str:
        # The type prints as its number, e.g. Array(UNDESCRIBED, 21, symbol('a')).
        fields = [repr(self.descriptor), repr(self.type)] + [repr(item) for item in self.elements]
        return f"Array({', '.join(fields)})"


#: Python values the codec can turn into AMQP.
PythonAMQPData = Union[
    Dict["PythonAMQPData", "PythonAMQPData"],
    List["PythonAMQPData"],
    Described, Array, int, str, symbol, bytes, float, None,
]


# ---------------------------------------------------------------------------
# Containers that restrict their keys or items to symbols
# ---------------------------------------------------------------------------

def _symbolize(item: Any, raise_on_error: bool = True) -> Any:
    """Return ``item`` as a :class:`symbol` if it is any kind of ``str``.

    Anything else is returned unchanged when ``raise_on_error`` is false.

    :raise TypeError: for a non-string while ``raise_on_error`` is true.
    """
    if isinstance(item, str):
        return item if isinstance(item, symbol) else symbol(item)
    if raise_on_error:
        raise TypeError(f"Non-symbol type {type(item)}: {item}")
    return item


def _symbolize_or_ulong(item: Any, raise_on_error: bool = True) -> Any:
    """Like :func:`_symbolize`, but a :class:`ulong` is also accepted as it is."""
    if isinstance(item, ulong):
        return item
    return _symbolize(item, raise_on_error)


def _key_value_pairs(source: Any) -> Iterator[Tuple[Any, Any]]:
    """Yield ``(key, value)`` from a mapping, or pass through an iterable of pairs."""
    if callable(getattr(source, "keys", None)):
        for key in source.keys():
            yield key, source[key]
    else:
        yield from source


class RestrictedKeyDict(dict[Any, Any]):
    """A ``dict`` that runs every key through a validation function on the way in.

    Instances keep their two settings in slots (no per-instance ``__dict__``): decoding makes one
    of these for every message's annotations, so they must be cheap to create.

    Keys added by item assignment, :meth:`update` and the constructor are
    checked; other ``dict`` methods (``setdefault``, ``|=`` ...) are left as
    they are in ``dict`` and store keys unchecked.

    :param validation_fn: called as ``validation_fn(key, raise_on_error)``; returns
        the key to store, or raises ``TypeError`` to refuse it.
    :param e: initial content: a mapping, or an iterable of ``(key, value)`` pairs.
    :param raise_on_error: passed on to ``validation_fn``; when false, keys of the
        wrong type are stored unchanged instead of refused.
    :param kwargs: further initial items, by name.
    """

    __slots__ = ("validation_fn", "raise_on_error")

    def __init__(self, validation_fn: Callable[[Any, bool], Any], e: Optional[Any] = None,
                 raise_on_error: bool = True, **kwargs: Any) -> None:
        # (dict.__init__ is not called: it would store e's items unchecked)
        self.raise_on_error = raise_on_error
        self.validation_fn = validation_fn
        if e or kwargs:
            self.update(e, **kwargs)

    def __setitem__(self, key: Any, value: Any) -> None:
        """Store ``value`` under the validated form of ``key``.

        :raise KeyError: if the key is refused (or cannot be hashed).
        """
        try:
            super().__setitem__(self.validation_fn(key, self.raise_on_error), value)
        except TypeError:
            raise KeyError(f"invalid non-symbol key: {type(key)}: {key}") from None

    def update(self, e: Optional[Any] = None, **kwargs: Any) -> None:  # type: ignore[override]
        """Add items the way ``dict.update`` does, but through :meth:`__setitem__`
        so that every key is validated.

        :param e: a mapping, or an iterable (list, ``zip`` ...) of ``(key, value)`` pairs.
        :param kwargs: further items, by name.
        """
        if e:
            for key, value in _key_value_pairs(e):
                self[key] = value
        for key, value in kwargs.items():
            self[key] = value


class PropertyDict(RestrictedKeyDict):
    """A ``dict`` keyed by :class:`symbol`, as AMQP wants for properties maps.

    Plain ``str`` keys are converted to :class:`symbol`. Other keys raise
    ``KeyError``, unless ``raise_on_error`` is false, in which case they are
    kept as given::

        PropertyDict({"a": 1}, b=2)   # PropertyDict({symbol('a'): 1, symbol('b'): 2})

    :param e: initial content: a mapping, or an iterable of ``(key, value)`` pairs.
    :param raise_on_error: refuse non-string keys (default) or keep them.
    :param kwargs: further initial items, by name.
    """

    __slots__ = ()

    def __init__(self, e: Optional[Any] = None, raise_on_error: bool = True, **kwargs: Any) -> None:
        super().__init__(_symbolize, e, raise_on_error, **kwargs)

    def __repr__(self) -> str:
        return f"PropertyDict({dict.__repr__(self)})"


class AnnotationDict(RestrictedKeyDict):
    """A ``dict`` keyed by :class:`symbol` or :class:`ulong`, as AMQP wants for
    annotations maps.

    Plain ``str`` keys are converted to :class:`symbol`; ``ulong`` keys are kept.
    Other keys raise ``KeyError``, unless ``raise_on_error`` is false, in which
    case they are kept as given.

    :param e: initial content: a mapping, or an iterable of ``(key, value)`` pairs.
    :param raise_on_error: refuse other keys (default) or keep them.
    :param kwargs: further initial items, by name.
    """

    __slots__ = ()

    def __init__(
        self,
        e: Optional[Union[Dict[Any, Any], List[Any], Tuple[Any, ...], Iterable[Any]]] = None,
        raise_on_error: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(_symbolize_or_ulong, e, raise_on_error, **kwargs)

    def __repr__(self) -> str:
        return f"AnnotationDict({dict.__repr__(self)})"


class SymbolList(list[Any]):
    """A ``list`` of :class:`symbol`, as AMQP wants for capabilities and the like.

    Strings are converted to :class:`symbol` whenever they enter the list: on
    construction, :meth:`append`, :meth:`extend`, :meth:`insert`, item
    assignment, ``+`` and ``+=``. Other items raise ``TypeError``, unless
    ``raise_on_error`` is false, in which case they are kept as given. A single
    string passed to the constructor becomes a one-item list.

    Comparison with ``==`` first converts the other operand the same way, so
    ``SymbolList(["a"]) == "a"`` is true.

    :param t: initial items, or a single string.
    :param raise_on_error: refuse non-string items (default) or keep them.
    """

    def __init__(self, t: Optional[Union[str, List[Any]]] = None, raise_on_error: bool = True) -> None:
        super().__init__()
        self.raise_on_error = raise_on_error
        if isinstance(t, str):
            self.append(t)
        else:
            self.extend(t or ())

    def _converted(self, items: Optional[Iterable[Any]]) -> List[Any]:
        # A falsy argument (None, empty) contributes nothing.
        if not items:
            return []
        return [_symbolize(item, self.raise_on_error) for item in items]

    def append(self, v: str) -> None:
        """Add ``v``, as a symbol, at the end."""
        super().append(_symbolize(v, self.raise_on_error))

    def extend(self, t: Iterable[str]) -> None:
        """Add every item of ``t``, as symbols, at the end."""
        super().extend(self._converted(t))

    def insert(self, i: SupportsIndex, v: str) -> None:
        """Insert ``v``, as a symbol, before position ``i``."""
        super().insert(i, _symbolize(v, self.raise_on_error))

    def __setitem__(self, i: Any, t: Any) -> None:
        # The assigned value is checked as a single item, slices included.
        super().__setitem__(i, _symbolize(t, self.raise_on_error))

    def __add__(self, t: Iterable[Any]) -> SymbolList:
        joined = list(self) + self._converted(t)
        return SymbolList(joined, raise_on_error=self.raise_on_error)

    def __iadd__(self, t: Iterable[Any]) -> SymbolList:
        self.extend(t)
        return self

    def __eq__(self, other: object) -> bool:
        return super().__eq__(SymbolList(other, raise_on_error=False))  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"SymbolList({list.__repr__(self)})"

    def to_array(self) -> Array:
        """Return the items as an undescribed AMQP array of symbols."""
        return Array(UNDESCRIBED, PN_SYMBOL, *self)


# --- Data class below ---

from . import _cproton  # noqa: E402  (the compiled codec needs the types above)


class Data(_cproton.CData):
    """A tree of AMQP values with a cursor, for building and reading encoded AMQP data.

    Values are appended with the ``put_*`` methods (containers are entered with :meth:`enter`
    and left with :meth:`exit`) and read back by moving the cursor with :meth:`next`,
    :meth:`prev`, :meth:`enter` and :meth:`exit` and calling the matching ``get_*`` method.
    :meth:`put_object` and :meth:`get_object` convert whole Python values in one call.

    :param capacity: initial number of nodes (the tree grows as needed).
    """

    NULL = PN_NULL
    BOOL = PN_BOOL
    UBYTE = PN_UBYTE
    BYTE = PN_BYTE
    USHORT = PN_USHORT
    SHORT = PN_SHORT
    UINT = PN_UINT
    INT = PN_INT
    CHAR = PN_CHAR
    ULONG = PN_ULONG
    LONG = PN_LONG
    TIMESTAMP = PN_TIMESTAMP
    FLOAT = PN_FLOAT
    DOUBLE = PN_DOUBLE
    DECIMAL32 = PN_DECIMAL32
    DECIMAL64 = PN_DECIMAL64
    DECIMAL128 = PN_DECIMAL128
    UUID = PN_UUID
    BINARY = PN_BINARY
    STRING = PN_STRING
    SYMBOL = PN_SYMBOL
    DESCRIBED = PN_DESCRIBED
    ARRAY = PN_ARRAY
    LIST = PN_LIST
    MAP = PN_MAP

    #: Lower-case AMQP name of each type code.
    type_names = TYPE_NAMES

    #: Python class -> the method that appends a value of it (what :meth:`put_object` does, by exact class).
    put_mappings: Dict[Any, Callable[..., None]] = {}
    #: Type code -> the method that reads a node of it (what :meth:`get_object` does).
    get_mappings: Dict[int, Callable[..., Any]] = {}


    @classmethod
    def type_name(cls, amqptype: int) -> str:
        """The lower-case AMQP name of the type code ``amqptype``."""
        return cls.type_names[amqptype]


def _describe_mappings() -> None:
    d = Data
    d.put_mappings.update({
        type(None): lambda self, _: self.put_null(), bool: d.put_bool, ubyte: d.put_ubyte, ushort: d.put_ushort,
        uint: d.put_uint, ulong: d.put_ulong, byte: d.put_byte, short: d.put_short, int32: d.put_int,
        int: d.put_long, float32: d.put_float, float: d.put_double, decimal32: d.put_decimal32,
        decimal64: d.put_decimal64, decimal128: d.put_decimal128, char: d.put_char, timestamp: d.put_timestamp,
        uuid.UUID: d.put_uuid, bytes: d.put_binary, bytearray: d.put_binary, memoryview: d.put_binary,
        str: d.put_string, symbol: d.put_symbol, list: d.put_sequence, tuple: d.put_sequence, dict: d.put_dict,
        Described: d.put_py_described, Array: d.put_py_array, AnnotationDict: d.put_dict,
        PropertyDict: d.put_dict, SymbolList: d.put_sequence,
    })
    d.get_mappings.update({
        PN_NULL: lambda self: None, PN_BOOL: d.get_bool, PN_BYTE: d.get_byte, PN_UBYTE: d.get_ubyte,
        PN_SHORT: d.get_short, PN_USHORT: d.get_ushort, PN_INT: d.get_int, PN_UINT: d.get_uint,
        PN_CHAR: d.get_char, PN_LONG: d.get_long, PN_ULONG: d.get_ulong, PN_TIMESTAMP: d.get_timestamp,
        PN_FLOAT: d.get_float, PN_DOUBLE: d.get_double, PN_DECIMAL32: d.get_decimal32,
        PN_DECIMAL64: d.get_decimal64, PN_DECIMAL128: d.get_decimal128, PN_UUID: d.get_uuid,
        PN_BINARY: d.get_binary, PN_STRING: d.get_string, PN_SYMBOL: d.get_symbol,
        PN_DESCRIBED: d.get_py_described, PN_ARRAY: d.get_py_array, PN_LIST: d.get_sequence, PN_MAP: d.get_dict,
    })


_describe_mappings()
