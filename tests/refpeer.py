# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Talk to the reference python-qpid-proton 0.40 running in its own interpreter.

The reference and cyproton both install the import name ``proton``, so they can never share a
process. :class:`RefOracle` starts ``tests/ref_oracle.py`` under the reference venv's interpreter
and exchanges requests with it over the child's stdin/stdout::

    with RefOracle() as ref:
        wire = ref.encode_message({"body": "hi", "properties": {"k": 1}})
        assert ref.decode_message(Message(body="hi").encode())["body"] == "hi"

Wire format: each frame is a 4-byte big-endian length followed by a pickle. Requests are tuples
``(operation, *arguments)``; a reply is ``("ok", value)`` or ``("error", class_name, message)``.
The AMQP value classes live in ``proton._data`` under the same names in both implementations, so
pickles name them by that path; :class:`WirePickler` rebuilds each of them through its public
constructor rather than through its internal state, turns ``memoryview`` into ``bytes`` and sends
the ``UNDESCRIBED`` singleton by name, so a value survives the trip whichever side built it.

This module uses only the standard library: the oracle process imports it too, for the framing.
"""

import importlib
import io
import os
import pickle
import selectors
import struct
import subprocess
import sys
import tempfile
import threading
import time
import types

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(TESTS_DIR)
ORACLE_SCRIPT = os.path.join(TESTS_DIR, "ref_oracle.py")

# Every field ('encode_message' accepts, 'decode_message' returns), in the order they are set.
MESSAGE_FIELDS = (
    "durable", "priority", "ttl", "first_acquirer", "delivery_count", "id", "user_id", "address",
    "subject", "reply_to", "correlation_id", "content_type", "content_encoding", "expiry_time",
    "creation_time", "group_id", "group_sequence", "reply_to_group_id", "instructions", "annotations",
    "properties", "body", "inferred",
)

PICKLE_PROTOCOL = 4  # understood by every Python 3 the two venvs may use
_LENGTH = struct.Struct(">I")
_DATA_MODULE = "proton._data"


def ref_python():
    """Path of the reference interpreter, or None when it is not there.

    ``$CYPROTON_REF_PYTHON`` wins; otherwise ``<repo>/.venv-ref/bin/python`` as made by
    ``scripts/make_ref_venv.sh``.
    """
    path = os.environ.get("CYPROTON_REF_PYTHON") or os.path.join(REPO_ROOT, ".venv-ref", "bin", "python")
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


# --------------------------------------------------------------------------- wire format

def rebuild_args(obj):
    """Constructor arguments that recreate an AMQP value object of ``proton._data``, or None.

    ``type(obj)(*rebuild_args(obj))`` is a copy of ``obj`` built through the public constructor.
    """
    cls = type(obj)
    if cls.__name__ == "Described":
        return (obj.descriptor, obj.value)
    if cls.__name__ == "Array":
        return (obj.descriptor, obj.type) + tuple(obj.elements)
    if isinstance(obj, (dict, list)):  # AnnotationDict, PropertyDict, SymbolList
        plain = dict(obj) if isinstance(obj, dict) else list(obj)
        return (plain, getattr(obj, "raise_on_error", True))
    for base in (str, bytes, int, float):  # symbol, char, decimal128, ulong, timestamp, float32 ...
        if isinstance(obj, base):
            return (base(obj),)
    return None


class WirePickler(pickle.Pickler):
    """Pickler whose output unpickles against either implementation of ``proton``."""

    def reducer_override(self, obj):
        if isinstance(obj, memoryview):
            return bytes, (obj.tobytes(),)
        if isinstance(obj, types.ModuleType):  # only reached through UNDESCRIBED below
            return importlib.import_module, (obj.__name__,)
        data_module = sys.modules.get(_DATA_MODULE)
        if data_module is None:
            return NotImplemented
        if obj is getattr(data_module, "UNDESCRIBED", None):
            # a singleton compared by identity: look it up on arrival, never copy it
            return getattr, (data_module, "UNDESCRIBED")
        if type(obj).__module__ == _DATA_MODULE:
            args = rebuild_args(obj)
            if args is not None:
                return type(obj), args
        return NotImplemented


def dumps(obj):
    """Pickle ``obj`` for the wire (see :class:`WirePickler`)."""
    buf = io.BytesIO()
    WirePickler(buf, PICKLE_PROTOCOL).dump(obj)
    return buf.getvalue()


def loads(payload):
    return pickle.loads(payload)


def send_frame(stream, payload):
    """Write one length-prefixed frame to a binary stream and flush it."""
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


def recv_frame(stream):
    """Read one frame's payload from a binary stream; None on a clean end of stream."""
    header = stream.read(_LENGTH.size)
    if not header:
        return None
    if len(header) != _LENGTH.size:
        raise EOFError("stream ended inside a frame header")
    (size,) = _LENGTH.unpack(header)
    payload = stream.read(size)
    if len(payload) != size:
        raise EOFError("stream ended inside a frame of %d bytes" % size)
    return payload


# --------------------------------------------------------------------------- client

class RefOracleError(Exception):
    """The reference raised an exception while serving a request.

    ``remote_type`` is the exception's class name over there (``"DataException"``, ``"KeyError"``
    ...) and ``remote_message`` its ``str()``.
    """

    def __init__(self, remote_type, remote_message):
        super().__init__("%s: %s" % (remote_type, remote_message))
        self.remote_type = remote_type
        self.remote_message = remote_message


class RefOracleProcessError(RuntimeError):
    """The oracle process could not be started, died, broke the protocol or timed out."""


class RefOracle:
    """A long-lived reference python-qpid-proton process answering codec questions.

    :param python: interpreter of the reference venv; default :func:`ref_python`.
    :param timeout: seconds to wait for any one reply before the process is killed.
    :raise RefOracleProcessError: when the interpreter is missing or the oracle fails to start.
    """

    def __init__(self, python=None, timeout=60.0):
        self.python = python or ref_python()
        if not self.python:
            raise RefOracleProcessError("no reference interpreter: run scripts/make_ref_venv.sh or set "
                                        "CYPROTON_REF_PYTHON")
        self.timeout = timeout
        self._lock = threading.Lock()
        self._stderr = tempfile.TemporaryFile()  # a file, so a chatty child can never block on it
        # -E: ignore PYTHONPATH and friends, which may point at our own src/proton;
        # -s: no user site-packages. The script's own folder (tests/) still comes first on sys.path.
        self._proc = subprocess.Popen(
            [self.python, "-E", "-s", ORACLE_SCRIPT],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            cwd=TESTS_DIR, close_fds=True,
        )
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._proc.stdout, selectors.EVENT_READ)
        hello = self._receive()
        if not (isinstance(hello, tuple) and hello[:1] == ("ready",)):
            self._fail("unexpected greeting %r" % (hello,))
        #: what the oracle runs: proton_version, distribution, proton_file, python, sasl_extended, ssl_present
        self.info = hello[1]

    # --- the requests

    def encode_data(self, value):
        """Bytes of ``Data().put_object(value)`` then ``encode()`` in the reference."""
        return self._request("encode_data", value)

    def decode_data(self, encoded):
        """The value the reference's ``Data`` decodes from ``encoded`` (first value, via get_object)."""
        return self._request("decode_data", bytes(encoded))

    def encode_message(self, fields=None, **more):
        """Bytes of a reference ``Message`` with the given attributes set, then ``encode()``."""
        merged = dict(fields or {})
        merged.update(more)
        return self._request("encode_message", merged)

    def decode_message(self, encoded):
        """Every field of :data:`MESSAGE_FIELDS` of a reference ``Message`` that decoded ``encoded``."""
        return self._request("decode_message", bytes(encoded))

    def call(self, expression, **names):
        """Evaluate a Python expression in the reference and return its value.

        The expression sees ``proton`` (with ``handlers``, ``reactor`` and ``utils`` imported),
        every name of ``proton.__all__``, and the keyword arguments given here.
        """
        return self._request("call", expression, names)

    def close(self):
        """End the oracle process (closing its stdin makes it exit); safe to call twice."""
        proc = self._proc
        if proc is None:
            return
        self._proc = None
        self._selector.close()
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        self._stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    @property
    def alive(self):
        return self._proc is not None and self._proc.poll() is None

    # --- plumbing

    def _request(self, *request):
        payload = dumps(request)  # fails here, before anything is sent, if a value cannot travel
        with self._lock:
            if self._proc is None:
                raise RefOracleProcessError("the oracle is closed")
            try:
                send_frame(self._proc.stdin, payload)
            except (BrokenPipeError, OSError) as exc:
                self._fail("cannot send to the oracle (%s)" % exc)
            reply = self._receive()
        if isinstance(reply, tuple) and reply and reply[0] == "ok" and len(reply) == 2:
            return reply[1]
        if isinstance(reply, tuple) and len(reply) == 3 and reply[0] == "error":
            raise RefOracleError(reply[1], reply[2])
        self._fail("malformed reply %r" % (reply,))

    def _receive(self):
        header = self._read_exact(_LENGTH.size)
        (size,) = _LENGTH.unpack(header)
        return loads(self._read_exact(size))

    def _read_exact(self, size):
        deadline = time.monotonic() + self.timeout
        fd = self._proc.stdout.fileno()
        chunks = []
        while size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._selector.select(remaining):
                self._fail("no reply within %.0f s" % self.timeout)
            chunk = os.read(fd, size)
            if not chunk:
                self._fail("the oracle exited")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _fail(self, reason):
        proc = self._proc
        stderr = ""
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            self._stderr.seek(0)
            stderr = self._stderr.read()[-4000:].decode("utf-8", "replace")
            self.close()
        detail = ("\n--- oracle stderr ---\n" + stderr) if stderr.strip() else ""
        raise RefOracleProcessError("reference oracle (%s): %s%s" % (self.python, reason, detail))
