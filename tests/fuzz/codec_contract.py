# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The codec contract, checked on one input of arbitrary bytes.

Shared by the pytest tier (tests/fuzz/test_codec_fuzz.py), the coverage-guided fuzzer
(tests/fuzz/fuzz_codec.py, atheris) and its deterministic fallback. For any bytes:

1. ``Message.decode`` raises nothing but :class:`MessageException`.
2. A message that decodes encodes again (``encode`` raises nothing), and the encoding is stable:
   decode -> encode -> decode -> encode gives the same bytes. The direct encoder and the
   engine's encoder agree on it byte for byte.
3. ``Data.decode`` raises nothing but :class:`DataException`, and neither does ``get_object`` on
   each value decoded.
4. What ``get_object`` returns goes back through ``put_object`` and ``encode``, and that
   encoding is stable the same way.

A break raises :class:`ContractBreak` naming which of these failed.
"""

from __future__ import annotations

import importlib.util

from proton import Data, DataException, Message, MessageException

#: Whether ``proton`` is cyproton (the engine-encoder comparison needs its compiled module).
CYPROTON = importlib.util.find_spec("proton._cproton") is not None
if CYPROTON:
    from proton._cproton import _encode_with_engine
else:  # pragma: no cover - python-qpid-proton has no second encoder
    _encode_with_engine = None


class ContractBreak(AssertionError):
    """The codec broke its contract on an input (which part, and what happened)."""


def _fail(part, data, detail):
    raise ContractBreak("%s on input %s: %s" % (part, data.hex(), detail))


def _decode_message(data):
    message = Message()
    message.decode(data)
    return message


def check_message(data):
    """Points 1 and 2 for ``data``; True when it decoded, False when it was refused."""
    try:
        message = _decode_message(data)
    except MessageException:
        return False
    except Exception as exc:  # noqa: BLE001 - anything else is the break being looked for
        _fail("Message.decode raised other than MessageException", data, repr(exc))
    try:
        first = bytes(message.encode())
    except Exception as exc:  # noqa: BLE001
        _fail("a decoded message does not encode", data, repr(exc))
    if _encode_with_engine is not None:
        try:
            engine = bytes(_encode_with_engine(message))
        except DataException as exc:
            # The engine's data tree holds at most 65535 values; the direct encoder has no such
            # limit, so a message the decoder accepted can be beyond the engine's reach and no
            # comparison is possible. Any other refusal by the engine is a disagreement.
            if "[-10]" not in str(exc):
                _fail("the engine's encoder refuses what the direct encoder takes", data, repr(exc))
            engine = first
        if engine != first:
            _fail("the direct encoder and the engine's disagree", data, "%s != %s" % (first.hex(), engine.hex()))
    try:
        again = _decode_message(first)
        second = bytes(again.encode())
    except Exception as exc:  # noqa: BLE001
        _fail("a re-encoded message does not decode and encode", data, repr(exc))
    if first != second:
        _fail("message re-encoding not stable", data, "%s != %s" % (first.hex(), second.hex()))
    return True


def _objects(data, part, original):
    """Every top-level value decoded from ``data`` (bytes), with get_object."""
    tree = Data()
    try:
        tree.decode(data)
    except DataException:
        return None
    except Exception as exc:  # noqa: BLE001
        _fail(part + ": Data.decode raised other than DataException", original, repr(exc))
    tree.rewind()
    values = []
    try:
        while tree.next() is not None:
            values.append(tree.get_object())
    except DataException:
        return None
    except Exception as exc:  # noqa: BLE001
        _fail(part + ": get_object raised other than DataException", original, repr(exc))
    return values


def _encode_objects(values, part, original):
    tree = Data()
    try:
        for value in values:
            tree.put_object(value)
        return bytes(tree.encode())
    except Exception as exc:  # noqa: BLE001
        _fail(part + ": a decoded value does not encode", original, "%r: %r" % (values, exc))


def check_data(data):
    """Points 3 and 4 for ``data``; True when it decoded, False when it was refused."""
    values = _objects(data, "Data", data)
    if values is None:
        return False
    first = _encode_objects(values, "Data", data)
    again = _objects(first, "Data re-decode", data)
    if again is None:
        _fail("Data: a re-encoded value does not decode", data, first.hex())
    second = _encode_objects(again, "Data re-decode", data)
    if first != second:
        _fail("Data re-encoding not stable", data, "%s != %s" % (first.hex(), second.hex()))
    return True


def check(data):
    """The whole contract on ``data`` (bytes)."""
    check_message(data)
    check_data(data)
