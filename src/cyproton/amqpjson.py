# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""AMQP values and messages as JSON, with their types kept (``cyproton receive --format json``,
``cyproton send --body-format json``).

JSON's own types stand for the AMQP types Python gives by default: ``null``, ``true``/``false``,
strings (AMQP string), integers (long), numbers with a fraction or exponent (double), arrays (list)
and objects whose keys are strings (map). Every other value is an object with one key naming its
type::

    {"$symbol": "x-opt-kind"}      {"$ulong": 7}        {"$uint": 7}         {"$ushort": 7}
    {"$ubyte": 7}                  {"$byte": -7}        {"$short": -7}       {"$int": -7}
    {"$float": 1.5}                {"$char": "a"}       {"$timestamp": 1700000000123} (milliseconds)
    {"$uuid": "12345678-..."}      {"$binary": "<base64>"}
    {"$decimal32": 123} {"$decimal64": 123} (the raw bits)   {"$decimal128": "<base64>"}
    {"$described": {"descriptor": ..., "value": ...}}
    {"$array": {"type": "INT", "descriptor": ..., "elements": [...]}}
    {"$map": [[key, value], ...]}  (a map whose keys are not all strings, or has a key starting with "$")

The keys of annotation sections, which AMQP makes symbols, are written as plain strings.

:func:`to_json` and :func:`from_json` convert one value each way and are inverse to each other;
:func:`message_to_json` gives every section of a message.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from proton import (
    UNDESCRIBED, Array, Data, Described, Message, byte, char, decimal32, decimal64, decimal128, float32, int32,
    short, symbol, timestamp, ubyte, uint, ulong, ushort,
)

__all__ = ["from_json", "message_to_json", "to_json"]

# Subclasses of int and str, most specific first (bool is handled before, as JSON's own type).
_INT_TYPES: List[Tuple[type, str]] = [
    (timestamp, "$timestamp"), (ulong, "$ulong"), (uint, "$uint"), (ushort, "$ushort"), (ubyte, "$ubyte"),
    (byte, "$byte"), (short, "$short"), (int32, "$int"), (decimal32, "$decimal32"), (decimal64, "$decimal64"),
]
_MAKERS: Dict[str, Callable[[Any], Any]] = {
    "$symbol": symbol, "$char": char, "$float": lambda v: float32(float(v)),
    "$uuid": uuid.UUID, "$binary": lambda v: base64.b64decode(str(v), validate=True),
    "$decimal128": lambda v: decimal128(base64.b64decode(str(v), validate=True)),
}
_MAKERS.update({tag: cls for cls, tag in _INT_TYPES})

_TYPE_NAMES = {code: name for name, code in vars(Data).items() if name.isupper() and isinstance(code, int)}
_TYPE_CODES = {name: code for code, name in _TYPE_NAMES.items()}


def to_json(value: Any) -> Any:
    """``value`` (anything an AMQP message can carry) as a JSON-ready Python value.

    :raise TypeError: for a value that has no AMQP mapping.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if isinstance(value, symbol):
            return {"$symbol": str(value)}
        if isinstance(value, char):
            return {"$char": str(value)}
        return str(value)
    if isinstance(value, int):
        for cls, tag in _INT_TYPES:
            if isinstance(value, cls):
                return {tag: int(value)}
        return int(value)
    if isinstance(value, float):
        return {"$float": float(value)} if isinstance(value, float32) else float(value)
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if isinstance(value, decimal128):
        return {"$decimal128": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$binary": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Described):
        return {"$described": {"descriptor": to_json(value.descriptor), "value": to_json(value.value)}}
    if isinstance(value, Array):
        body: Dict[str, Any] = {"type": _TYPE_NAMES.get(value.type, str(value.type)),
                                "elements": [to_json(v) for v in value.elements]}
        if value.descriptor is not UNDESCRIBED:
            body["descriptor"] = to_json(value.descriptor)
        return {"$array": body}
    if isinstance(value, Mapping):
        if all(type(k) is str and not k.startswith("$") for k in value):
            return {k: to_json(v) for k, v in value.items()}
        return {"$map": [[to_json(k), to_json(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    raise TypeError(f"no JSON form for a {type(value).__name__}")


def from_json(value: Any) -> Any:
    """The AMQP value that :func:`to_json` turned into ``value``.

    :raise ValueError: for a type tag that is not known, or a value that does not fit it.
    """
    if isinstance(value, list):
        return [from_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((tag, inner),) = value.items()
        if tag.startswith("$"):
            return _tagged(tag, inner)
    return {k: from_json(v) for k, v in value.items()}


def _tagged(tag: str, inner: Any) -> Any:
    try:
        if tag == "$map":
            return {_hashable(from_json(k)): from_json(v) for k, v in inner}
        if tag == "$described":
            return Described(from_json(inner["descriptor"]), from_json(inner["value"]))
        if tag == "$array":
            code = _TYPE_CODES[str(inner["type"]).upper()]
            descriptor = from_json(inner["descriptor"]) if "descriptor" in inner else UNDESCRIBED
            return Array(descriptor, code, *[from_json(v) for v in inner.get("elements", [])])
        maker = _MAKERS[tag]
    except (KeyError, TypeError, ValueError) as problem:
        raise ValueError(f"bad {tag} value {inner!r}: {problem}") from None
    try:
        return maker(inner)
    except (TypeError, ValueError, ArithmeticError) as problem:
        raise ValueError(f"bad {tag} value {inner!r}: {problem}") from None


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def _timestamp_ms(seconds: float) -> Dict[str, int]:
    return {"$timestamp": int(round(seconds * 1000))}


def _text(value: Any) -> Optional[str]:
    """A string property as the message holds it; an unset content type reads back as the symbol
    'None' (python-qpid-proton's habit): that is absent, not a type called None."""
    if value is None or (isinstance(value, symbol) and value == "None"):
        return None
    return str(value)


def message_to_json(message: Message) -> Dict[str, Any]:
    """Every section of ``message`` as a JSON-ready dict: ``header`` (always), ``delivery_annotations``,
    ``message_annotations``, ``properties`` (the fields that are set), ``application_properties``,
    ``body`` (always, ``null`` when there is none) and ``footer``; a section that is absent is left out.
    Values keep their AMQP types (see the module's description)."""
    out: Dict[str, Any] = {"header": {
        "durable": bool(message.durable), "priority": int(message.priority), "ttl": float(message.ttl),
        "first_acquirer": bool(message.first_acquirer), "delivery_count": int(message.delivery_count),
    }}
    if message.instructions:
        out["delivery_annotations"] = _annotations(message.instructions)
    if message.annotations:
        out["message_annotations"] = _annotations(message.annotations)
    properties: Dict[str, Any] = {}
    for name, value in (("message_id", message.id), ("user_id", message.user_id or None),
                        ("to", message.address), ("subject", message.subject), ("reply_to", message.reply_to),
                        ("correlation_id", message.correlation_id)):
        if value is not None:
            properties[name] = to_json(value)
    for name, text in (("content_type", _text(message.content_type)),
                       ("content_encoding", _text(message.content_encoding))):
        if text is not None:
            properties[name] = {"$symbol": text}
    if message.expiry_time:
        properties["absolute_expiry_time"] = _timestamp_ms(message.expiry_time)
    if message.creation_time:
        properties["creation_time"] = _timestamp_ms(message.creation_time)
    if message.group_id is not None:
        properties["group_id"] = message.group_id
    if message.group_sequence:
        properties["group_sequence"] = {"$uint": int(message.group_sequence)}
    if message.reply_to_group_id is not None:
        properties["reply_to_group_id"] = message.reply_to_group_id
    if properties:
        out["properties"] = properties
    if message.properties:
        out["application_properties"] = to_json(message.properties)
    out["body"] = to_json(message.body)
    if message.footer:
        out["footer"] = _annotations(message.footer)
    return out


def _annotations(section: Mapping[Any, Any]) -> Any:
    """Annotations, whose keys AMQP makes symbols: written with the keys as plain strings when they all
    are symbols (the usual case), else as any other map."""
    if all(isinstance(k, symbol) and not k.startswith("$") for k in section):
        return {str(k): to_json(v) for k, v in section.items()}
    return to_json(section)
