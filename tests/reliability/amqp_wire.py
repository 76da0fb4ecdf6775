# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""AMQP 1.0 bytes written by hand, for tests that must send what no client would.

Nothing here imports ``proton``: the bytes a hostile peer sends must not depend on the library
under test. :func:`enc` encodes a small tree of Python values (with :class:`Sym`, :class:`UInt`,
:class:`ULong`, ... marking AMQP types), :func:`performative` wraps a field list in its
descriptor, :func:`frame` puts a body in a frame, and :func:`split_stream` cuts a captured
byte stream back into protocol headers and frames (the fuzz tier mutates those).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

AMQP_HEADER = b"AMQP\x00\x01\x00\x00"
SASL_HEADER = b"AMQP\x03\x01\x00\x00"
AMQP_FRAME = 0
SASL_FRAME = 1

# performative and SASL descriptor codes
OPEN, BEGIN, ATTACH, FLOW, TRANSFER, DISPOSITION, DETACH, END, CLOSE = range(0x10, 0x19)
SASL_MECHANISMS, SASL_INIT, SASL_CHALLENGE, SASL_RESPONSE, SASL_OUTCOME = range(0x40, 0x45)
ERROR = 0x1D
SOURCE, TARGET = 0x28, 0x29
ACCEPTED = 0x24

NAMES = {OPEN: "open", BEGIN: "begin", ATTACH: "attach", FLOW: "flow", TRANSFER: "transfer",
         DISPOSITION: "disposition", DETACH: "detach", END: "end", CLOSE: "close",
         SASL_MECHANISMS: "sasl-mechanisms", SASL_INIT: "sasl-init", SASL_CHALLENGE: "sasl-challenge",
         SASL_RESPONSE: "sasl-response", SASL_OUTCOME: "sasl-outcome"}


class Sym(bytes):
    """A symbol (its bytes are sent as they are, valid ASCII or not)."""


class Str(bytes):
    """A string whose UTF-8 bytes are given as they are (so they may be invalid UTF-8)."""


class Raw(bytes):
    """Bytes already encoded, inserted verbatim."""


@dataclass(frozen=True)
class UInt:
    value: int


@dataclass(frozen=True)
class ULong:
    value: int


@dataclass(frozen=True)
class UShort:
    value: int


@dataclass(frozen=True)
class UByte:
    value: int


@dataclass(frozen=True)
class Described:
    descriptor: int
    value: Any


@dataclass(frozen=True)
class SymArray:
    items: Tuple[bytes, ...]


@dataclass(frozen=True)
class Map:
    items: Tuple[Tuple[Any, Any], ...]


def enc(value: Any) -> bytes:
    """The AMQP encoding of ``value``."""
    if value is None:
        return b"\x40"
    if isinstance(value, Raw):
        return bytes(value)
    if value is True:
        return b"\x41"
    if value is False:
        return b"\x42"
    if isinstance(value, Sym):
        return (b"\xa3" + struct.pack(">B", len(value)) if len(value) < 256
                else b"\xb3" + struct.pack(">I", len(value))) + bytes(value)
    if isinstance(value, Str):
        return (b"\xa1" + struct.pack(">B", len(value)) if len(value) < 256
                else b"\xb1" + struct.pack(">I", len(value))) + bytes(value)
    if isinstance(value, str):
        return enc(Str(value.encode("utf-8")))
    if isinstance(value, bytes):
        return (b"\xa0" + struct.pack(">B", len(value)) if len(value) < 256
                else b"\xb0" + struct.pack(">I", len(value))) + value
    if isinstance(value, UInt):
        return b"\x43" if value.value == 0 else (
            b"\x52" + struct.pack(">B", value.value) if value.value < 256 else b"\x70" + struct.pack(">I", value.value))
    if isinstance(value, ULong):
        return b"\x44" if value.value == 0 else (
            b"\x53" + struct.pack(">B", value.value) if value.value < 256 else b"\x80" + struct.pack(">Q", value.value))
    if isinstance(value, UShort):
        return b"\x60" + struct.pack(">H", value.value)
    if isinstance(value, UByte):
        return b"\x50" + struct.pack(">B", value.value)
    if isinstance(value, int):
        return b"\x71" + struct.pack(">i", value)
    if isinstance(value, Described):
        return b"\x00" + enc(ULong(value.descriptor)) + enc(value.value)
    if isinstance(value, list):
        return enc_list([enc(v) for v in value])
    if isinstance(value, Map):
        body = b"".join(enc(k) + enc(v) for k, v in value.items)
        count = 2 * len(value.items)
        if len(body) < 255 and count < 256:
            return b"\xc1" + struct.pack(">BB", len(body) + 1, count) + body
        return b"\xd1" + struct.pack(">II", len(body) + 4, count) + body
    if isinstance(value, SymArray):
        body = b"".join(struct.pack(">B", len(s)) + bytes(s) for s in value.items)
        return b"\xe0" + struct.pack(">BB", len(body) + 2, len(value.items)) + b"\xa3" + body
    raise TypeError(f"cannot encode {value!r}")


def enc_list(fields: List[bytes]) -> bytes:
    """A list from already encoded fields."""
    if not fields:
        return b"\x45"
    body = b"".join(fields)
    if len(body) < 255 and len(fields) < 256:
        return b"\xc0" + struct.pack(">BB", len(body) + 1, len(fields)) + body
    return b"\xd0" + struct.pack(">II", len(body) + 4, len(fields)) + body


def performative(code: int, *fields: Any) -> bytes:
    """A described list: the body of a frame."""
    return b"\x00" + enc(ULong(code)) + enc(list(fields))


def frame(body: bytes, frame_type: int = AMQP_FRAME, channel: int = 0, payload: bytes = b"",
          doff: int = 2, size: Optional[int] = None) -> bytes:
    """One frame; ``size`` overrides the size field (to lie about it)."""
    real = 4 * doff + len(body) + len(payload)
    head = struct.pack(">IBBH", real if size is None else size, doff, frame_type, channel)
    return head + b"\x00" * (4 * doff - 8) + body + payload


def sasl_frame(body: bytes) -> bytes:
    return frame(body, SASL_FRAME)


def error(name: bytes, description: Optional[bytes] = None) -> Described:
    return Described(ERROR, [Sym(name), None if description is None else Str(description)])


# -- reading a captured stream back -------------------------------------------------------------


@dataclass
class Unit:
    """One piece of a captured stream: a protocol header, a frame, or trailing bytes."""
    kind: str              # "header", "frame" or "tail"
    data: bytes
    frame_type: int = -1
    channel: int = -1
    code: int = -1         # descriptor code of the performative (-1 when none or unknown)

    @property
    def name(self) -> str:
        if self.kind != "frame":
            return self.kind
        return NAMES.get(self.code, "empty" if self.code == -1 else hex(self.code))


def descriptor_code(body: bytes) -> int:
    """The ulong descriptor at the start of a frame body, or -1."""
    if len(body) < 2 or body[0] != 0:
        return -1
    if body[1] == 0x53 and len(body) >= 3:
        return body[2]
    if body[1] == 0x44:
        return 0
    if body[1] == 0x80 and len(body) >= 10:
        return struct.unpack(">Q", body[2:10])[0]
    return -1


def split_stream(data: bytes) -> List[Unit]:
    """Cut ``data`` (one direction of a connection) into headers and frames."""
    units: List[Unit] = []
    pos = 0
    while pos < len(data):
        if data[pos:pos + 4] == b"AMQP" and len(data) - pos >= 8:
            units.append(Unit("header", data[pos:pos + 8]))
            pos += 8
            continue
        if len(data) - pos < 8:
            break
        size, doff, ftype, channel = struct.unpack(">IBBH", data[pos:pos + 8])
        if size < 8 or pos + size > len(data) or doff < 2:
            break
        chunk = data[pos:pos + size]
        units.append(Unit("frame", chunk, ftype, channel, descriptor_code(chunk[doff * 4:])))
        pos += size
    if pos < len(data):
        units.append(Unit("tail", data[pos:]))
    return units


def frame_fields(unit: Unit) -> Optional[Tuple[bytes, bytes, List[bytes], bytes]]:
    """(frame head incl. extended header, descriptor bytes, encoded fields, payload after the list)
    of a frame whose body is a described list, or None."""
    doff = unit.data[4]
    head, body = unit.data[:doff * 4], unit.data[doff * 4:]
    if descriptor_code(body) < 0:
        return None
    dlen = {0x53: 3, 0x44: 2, 0x80: 10}[body[1]]
    desc, rest = body[:dlen], body[dlen:]
    if not rest:
        return None
    if rest[0] == 0x45:
        return head, desc, [], rest[1:]
    if rest[0] == 0xC0 and len(rest) >= 3:
        size, count, start = rest[1], rest[2], 3
        end = 2 + size
    elif rest[0] == 0xD0 and len(rest) >= 9:
        size, count = struct.unpack(">II", rest[1:9])
        start, end = 9, 5 + size
    else:
        return None
    fields = []
    pos = start
    for _ in range(count):
        width = value_width(rest, pos)
        if width is None or pos + width > end:
            return None
        fields.append(rest[pos:pos + width])
        pos += width
    return head, desc, fields, rest[end:]


def rebuild(head: bytes, desc: bytes, fields: List[bytes], payload: bytes) -> bytes:
    """A frame again from the parts :func:`frame_fields` gave, with its size field corrected."""
    body = desc + enc_list(fields) + payload
    return struct.pack(">I", len(head) + len(body)) + head[4:] + body


_FIXED = {0x40: 0, 0x41: 0, 0x42: 0, 0x43: 0, 0x44: 0, 0x45: 0, 0x50: 1, 0x51: 1, 0x52: 1, 0x53: 1,
          0x54: 1, 0x55: 1, 0x56: 1, 0x60: 2, 0x61: 2, 0x70: 4, 0x71: 4, 0x72: 4, 0x73: 4, 0x74: 4,
          0x80: 8, 0x81: 8, 0x82: 8, 0x83: 8, 0x84: 8, 0x94: 16, 0x98: 16}


def value_width(data: bytes, pos: int) -> Optional[int]:
    """How many bytes the encoded value at ``data[pos]`` takes, or None when it runs off the end."""
    if pos >= len(data):
        return None
    code = data[pos]
    if code == 0x00:
        first = value_width(data, pos + 1)
        if first is None:
            return None
        second = value_width(data, pos + 1 + first)
        return None if second is None else 1 + first + second
    if code in _FIXED:
        return 1 + _FIXED[code]
    if code in (0xA0, 0xA1, 0xA3, 0xC0, 0xC1, 0xE0):
        if pos + 1 >= len(data):
            return None
        return 2 + data[pos + 1]
    if code in (0xB0, 0xB1, 0xB3, 0xD0, 0xD1, 0xF0):
        if pos + 5 > len(data):
            return None
        return 5 + struct.unpack(">I", data[pos + 1:pos + 5])[0]
    return None
