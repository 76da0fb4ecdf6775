# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Serve codec questions from the reference python-qpid-proton 0.40 (the "oracle").

Run by :class:`refpeer.RefOracle` as ``<.venv-ref>/bin/python -E -s tests/ref_oracle.py``; it
reads request frames on stdin and writes reply frames on stdout until stdin closes. The framing
and the pickling rules live in ``refpeer.py`` beside this file (standard library only). The
first frame sent is ``("ready", info)``.

Requests:

- ``("encode_data", value)`` -> bytes of ``Data().put_object(value)``, ``encode()``
- ``("decode_data", bytes)`` -> ``Data().decode(b)``, ``rewind()``, ``next()``, ``get_object()``
- ``("encode_message", {field: value})`` -> bytes of a ``Message`` with those attributes set
- ``("decode_message", bytes)`` -> ``{field: value}`` for every field in ``MESSAGE_FIELDS``
- ``("call", expression, {name: value})`` -> the value of ``eval(expression)``

Binary values come back as ``bytes``, never as the reference's memoryviews (see :func:`detach`).

Any exception becomes the reply ``("error", class_name, message)``; the process keeps serving.
"""

import os
import sys

# Claim stdout for the protocol before anything can print: frames go to a private copy of fd 1,
# and fd 1 itself (Python prints, C library chatter) is pointed at stderr.
_wire_out = os.fdopen(os.dup(1), "wb")
os.dup2(2, 1)
sys.stdout = sys.stderr
_wire_in = sys.stdin.buffer

from importlib import metadata  # noqa: E402

import refpeer  # noqa: E402  (tests/refpeer.py, found because this script's folder leads sys.path)


def _import_reference():
    """Import ``proton`` and make sure it is python-qpid-proton's, not cyproton from a source tree."""
    try:
        dist = metadata.distribution("python-qpid-proton")
    except metadata.PackageNotFoundError:
        sys.exit("ref_oracle: python-qpid-proton is not installed in %s" % sys.prefix)
    import proton
    import proton.handlers  # noqa: F401  (so that call() expressions can reach the submodules)
    import proton.reactor  # noqa: F401
    import proton.utils  # noqa: F401
    expected = os.path.realpath(str(dist.locate_file("proton/__init__.py")))
    if os.path.realpath(proton.__file__) != expected:
        sys.exit("ref_oracle: imported proton from %s, not the python-qpid-proton installed at %s"
                 % (proton.__file__, expected))
    return proton, dist.version


proton, _dist_version = _import_reference()


def detach(value):
    """Deep copy of a decoded value with every ``memoryview`` turned into ``bytes``.

    The reference hands out binary values as writable memoryviews into the engine's own buffers
    (the ``pn_data_t`` of a ``Data``, or a ``Message``'s body/id fields). They dangle once that
    object is freed, and then read other memory. So values are detached while their owner lives.
    """
    if isinstance(value, memoryview):
        return value.tobytes()
    if type(value) in (list, tuple):
        return type(value)(detach(item) for item in value)
    if type(value) is dict:
        return {detach(key): detach(item) for key, item in value.items()}
    args = refpeer.rebuild_args(value) if type(value).__module__ == "proton._data" else None
    return value if args is None else type(value)(*detach(args))


def encode_data(value):
    data = proton.Data()
    data.put_object(value)
    return data.encode()


def decode_data(encoded):
    data = proton.Data()
    data.decode(encoded)
    data.rewind()
    data.next()
    return detach(data.get_object())


def encode_message(fields):
    unknown = sorted(set(fields) - set(refpeer.MESSAGE_FIELDS))
    if unknown:
        raise KeyError("not Message fields: %s" % ", ".join(unknown))
    message = proton.Message()
    for name in refpeer.MESSAGE_FIELDS:
        if name in fields:
            setattr(message, name, fields[name])
    return message.encode()


def decode_message(encoded):
    message = proton.Message()
    message.decode(encoded)
    return {name: detach(getattr(message, name)) for name in refpeer.MESSAGE_FIELDS}


_CALL_NAMESPACE = {name: getattr(proton, name) for name in proton.__all__}
_CALL_NAMESPACE["proton"] = proton


def call(expression, names=None):
    namespace = dict(_CALL_NAMESPACE)
    namespace.update(names or {})
    # detached before the temporaries of the expression go away (see detach)
    return detach(eval(expression, namespace))


OPERATIONS = {
    "encode_data": encode_data,
    "decode_data": decode_data,
    "encode_message": encode_message,
    "decode_message": decode_message,
    "call": call,
}


def _error(exc):
    return refpeer.dumps(("error", type(exc).__name__, str(exc)))


def _answer(payload):
    """Reply payload for one request payload; never raises."""
    try:
        request = refpeer.loads(payload)
        if not isinstance(request, tuple) or not request or request[0] not in OPERATIONS:
            raise ValueError("unknown request %r" % (request[:1] if isinstance(request, tuple) else request,))
        result = OPERATIONS[request[0]](*request[1:])
    except Exception as exc:
        return _error(exc)
    try:
        return refpeer.dumps(("ok", result))
    except Exception as exc:  # the result itself cannot travel (e.g. a proton.Message)
        return _error(exc)


def main():
    info = {
        "proton_version": tuple(proton.VERSION),
        "distribution": _dist_version,
        "proton_file": proton.__file__,
        "python": sys.version.split()[0],
        "sasl_extended": bool(proton.SASL.extended()),
        "ssl_present": bool(proton.SSL.present()),
    }
    refpeer.send_frame(_wire_out, refpeer.dumps(("ready", info)))
    while True:
        payload = refpeer.recv_frame(_wire_in)
        if payload is None:
            return 0
        refpeer.send_frame(_wire_out, _answer(payload))


if __name__ == "__main__":
    sys.exit(main())
