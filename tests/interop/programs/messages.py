# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Deterministic test messages: ``make(n, kind)`` builds message number ``n``, ``check(n, msg, kind)`` lists
how a received message differs from it. Sender and receiver each call ``make`` on their side, so nothing but
the sequence number ``n`` (application property ``seq``) has to travel out of band.

Kinds (what a path between two peers carries intact):

* ``str``       -- a string body and ``seq``: small and fast, for flow, outcome and error scenarios.
* ``all-types`` -- every section (header, delivery annotations, message annotations, properties, application
  properties, body) and every AMQP type: application properties hold one value of every simple type, the body
  rotates through every type and the three body kinds (amqp-value, a data section, an amqp-sequence section),
  every 97th message is 48 kB (a delivery in several transfer frames). For a proton peer.
* ``rabbitmq``  -- what RabbitMQ 3.10's AMQP 1.0 plugin passes through unchanged (see ``RABBITMQ_NOTES``);
  user-id "alice", so it must be sent as alice.
* ``rhea``      -- what the rhea mini broker (``tests/peers/rhea_broker.js``) passes through: rhea decodes a
  message into JavaScript values and encodes them again, so every section but only types that survive the trip.
* ``rhea-client`` -- what ``tests/peers/rhea_client.js`` sends; built here the same way, so our receiver can
  check every value the JavaScript peer produced.

Uses the public ``proton`` API only (both implementations import it as ``proton``).
"""

import uuid

from proton import (
    UNDESCRIBED, Array, Data, Described, Message, byte, char, decimal32, decimal64, decimal128, float32, int32,
    short, symbol, timestamp, ubyte, uint, ulong, ushort,
)

KINDS = ("str", "all-types", "rabbitmq", "rhea", "rhea-client")
BIG = 48 * 1024  # larger than one transfer frame of most peers


def _simple_values(n):
    """One value of every type allowed in application properties (no compound or described values)."""
    return [
        ("null", None),
        ("bool", n % 2 == 0),
        ("ubyte", ubyte(n % 256)),
        ("ushort", ushort(65535 - n % 1000)),
        ("uint", uint(4294967295 - n)),
        ("ulong", ulong(18446744073709551615 - n)),
        ("byte", byte(-128 + n % 256)),
        ("short", short(-32768 + n % 65536)),
        ("int", int32(-2147483648 + n % 2**32)),
        ("long", -9223372036854775808 + n),
        ("float", float32(0.5 + n % 64)),          # exact in 32 bits
        ("double", n + 0.25),
        ("decimal32", decimal32(0x22000000 + n)),
        ("decimal64", decimal64(0x2238000000000000 + n)),
        ("decimal128", decimal128(n.to_bytes(16, "big"))),
        ("char", char(chr(0x1F600 + n % 64))),      # outside the BMP: a 4-byte UTF-32 char
        ("timestamp", timestamp(1700000000000 + n)),
        ("uuid", uuid.UUID(int=n)),
        ("binary", bytes([n % 256]) * (1 + n % 7)),
        ("string", "stríng-%d" % n),
        ("symbol", symbol("sym-%d" % n)),
    ]


def _body_values(n):
    """Every AMQP type as an amqp-value body, plus compound and boundary cases."""
    small = [value for _, value in _simple_values(n)]
    return small + [
        "",                                             # empty string
        "x" * 300,                                      # str32 encoding
        b"",                                            # empty binary
        symbol("s" * 300),                              # sym32
        ulong(0), uint(0), 0,                           # ulong0 / uint0 / smalllong encodings
        [],                                             # list0
        [n, "two", symbol("three"), None, [uint(4)], {"five": 5}],
        # (no binary key: python-qpid-proton 0.40 decodes binary as memoryview, which cannot be a dict key)
        {"k": n, symbol("sym-key"): ulong(n), 7: [True, False], None: "null key", "empty": {}},
        {"big": ["x" * 40] * 10},                       # map32 holding a list32
        Array(UNDESCRIBED, Data.INT, *[int32(i - n) for i in range(5)]),
        Array(UNDESCRIBED, Data.STRING, "a", "bb", "ccc"),
        Array(UNDESCRIBED, Data.SYMBOL, symbol("x"), symbol("y")),
        Array(UNDESCRIBED, Data.LONG),                  # empty array
        Array(symbol("arr:desc"), Data.ULONG, ulong(1), ulong(n)),
        Described(symbol("test:described"), {"inner": [n]}),
        Described(ulong(0x1234), "numeric descriptor"),
    ]


def _body(n, kind):
    """The (body, inferred) pair of message n: amqp-value, data or amqp-sequence, in rotation."""
    if n % 97 == 96:
        return (bytes(range(256)) * (BIG // 256), True) if kind != "rhea-client" else ("x" * BIG, False)
    if kind in ("all-types", "rabbitmq"):
        values = _body_values(n)
        section = n % 4
        if section == 1:
            return ("data section %d" % n).encode(), True          # a data section
        if section == 2:                                            # an amqp-sequence section
            if kind == "rabbitmq":
                values = [v for v in values if not isinstance(v, Described)]
            return [n, "seq", values[n % len(values)]], True
        if kind == "rabbitmq":
            values = [v for v in values if _rabbitmq_value_ok(v)]
        return values[n % len(values)], False                       # amqp-value
    # rhea-client: the bodies rhea_client.js sends
    return [("rhea body %d" % n).encode(), "rhea body %d" % n, {"n": n, "s": "map body"}][n % 3], n % 3 == 0


RABBITMQ_NOTES = """What RabbitMQ 3.10.8's AMQP 1.0 plugin does not pass through (kind "rabbitmq" leaves it out):
- delivery annotations: any message with them kills the session ("unexpected_trailing_sections", connection
  aborted with amqp:connection:framing-error);
- an amqp-value body that is a list of two or more elements: the session crashes (badarg in fill_from_list);
- a described value with a descriptor it does not know, in an amqp-sequence section or in message annotations:
  the session crashes ({unknown, {ulong, 4660}}); in an amqp-value body it passes;
- a null amqp-value body comes back as an empty data section;
- a ulong message-id or correlation-id comes back as a long;
- user-id must be the authenticated user (else the message is refused: precondition_failed), so it is "alice";
- header: first-acquirer comes back true and delivery-count 0 (the broker's own count)."""


def _rabbitmq_value_ok(value):
    return value is not None and not (isinstance(value, list) and len(value) > 1)


def rhea_number(x):
    """The AMQP type rhea gives a JavaScript number it encodes: a double unless whole, else uint/ulong if
    positive, int/long if not. A value of this type survives rhea's decode and encode unchanged."""
    if x != int(x):
        return float(x)
    if x > 0:
        return uint(x) if x < 2 ** 32 else ulong(x)
    return int32(x) if x > -2 ** 31 else int(x)


def make(n, kind="all-types"):
    """Message number ``n`` of ``kind``."""
    if kind == "str":
        return Message(body="message %d" % n, properties={"seq": n})
    if kind == "rhea-client":
        return _make_rhea_client(n)
    if kind == "rhea":
        return _make_rhea(n)
    body, inferred = _body(n, kind)
    m = Message(body=body, inferred=inferred)
    # header
    m.durable = n % 2 == 1
    m.priority = n % 10
    m.ttl = 600 + n % 7                             # seconds; long enough for any queue to keep it
    m.first_acquirer = n % 3 == 0 or kind == "rabbitmq"
    m.delivery_count = 0 if kind == "rabbitmq" else n % 5
    # properties
    m.id = [ulong(n), uuid.UUID(int=n), ("id-%d" % n).encode(), "id-%d" % n][n % 4]
    m.user_id = b"user-%d" % (n % 3) if kind != "rabbitmq" else b"alice"
    m.address = "to-%d" % n
    m.subject = "subject %d" % n
    m.reply_to = "reply-%d" % n
    m.correlation_id = ["corr-%d" % n, ulong(n), uuid.UUID(int=n + 1), b"corr"][n % 4]
    if kind == "rabbitmq" and n % 4 in (0, 1):
        m.id, m.correlation_id = "id-%d" % n, "corr-%d" % n     # not ulong
    m.content_type = "application/x-test-%d" % (n % 3)
    m.content_encoding = "identity"
    m.expiry_time = 4102444800.0 + n               # 2100-01-01, in seconds with ms precision
    m.creation_time = 1700000000.0 + n / 1000.0
    m.group_id = "group-%d" % (n % 10)
    m.group_sequence = n
    m.reply_to_group_id = "reply-group"
    # application properties: every simple type, plus the sequence number
    m.properties = dict([("seq", n)] + _simple_values(n))
    # message annotations (symbol and ulong keys, values of any type) and delivery annotations
    m.annotations = {symbol("x-opt-seq"): n, symbol("x-opt-list"): [n, "a", symbol("b")],
                     symbol("x-opt-map"): {"k": ubyte(n % 256)}, symbol("x-opt-uuid"): uuid.UUID(int=n)}
    m.annotations[ulong(n % 100)] = "numeric key"
    if kind == "all-types":
        m.instructions = {symbol("x-opt-delivery-annotation"): n, symbol("x-opt-list"): [ushort(n % 65536)]}
    return m


def _make_rhea(n):
    """Every section, with values whose types survive rhea's decoding into JavaScript values and encoding again:
    strings, booleans, null, binary, doubles, numbers typed as rhea_number() gives them, lists and maps of those,
    symbol keys in annotations. (A symbol value comes back as a string, a binary message-id as a uuid.)"""
    num = rhea_number
    body = [("data section %d" % n).encode(), "string body %d" % n, b"binary body",
            {"n": num(n), "neg": num(-n - 1), "half": n + 0.5, "list": ["a", num(n), None, True], "map": {"k": "v"}},
            ["list", num(n), {"x": None}], [num(n), "seq"]][n % 6]
    if n % 97 == 96:
        body = "x" * BIG
    # a data section, amqp-values, an amqp-sequence
    m = Message(body=body, inferred=n % 6 in (0, 5) and not isinstance(body, str))
    m.durable = n % 2 == 1
    m.priority = n % 10
    m.ttl = 600 + n % 7
    m.first_acquirer = n % 3 == 0
    m.delivery_count = n % 5
    m.id = "id-%d" % n
    m.user_id = b"user-%d" % (n % 3)
    m.address = "to-%d" % n
    m.subject = "subject %d" % n
    m.reply_to = "reply-%d" % n
    m.correlation_id = "corr-%d" % n
    m.content_type = "text/plain"
    m.content_encoding = "identity"
    m.expiry_time = 4102444800.0 + n
    m.creation_time = 1700000000.0 + n / 1000.0
    m.group_id = "group-%d" % (n % 10)
    m.group_sequence = n
    m.reply_to_group_id = "reply-group"
    m.properties = {"seq": num(n), "string": "s-%d" % n, "bool": n % 2 == 0, "null": None, "binary": b"b-%d" % n,
                    "double": n + 0.25, "negative": num(-n - 1), "big": num(2 ** 40 + n)}
    m.annotations = {symbol("x-opt-seq"): num(n), symbol("x-opt-str"): "annotation %d" % n,
                     symbol("x-opt-list"): ["a", num(n + 1)]}
    m.instructions = {symbol("x-opt-delivery-annotation"): "da %d" % n}
    return m


def _make_rhea_client(n):
    """The message rhea_client.js sends as number n (keep the two in step)."""
    body, inferred = _body(n, "rhea-client")
    m = Message(body=body, inferred=inferred)
    m.durable = n % 2 == 1
    m.priority = n % 10
    m.id = "rhea-%d" % n
    m.subject = "subject %d" % n
    m.content_type = "text/plain"
    m.creation_time = (1700000000000 + n) / 1000.0
    m.group_sequence = n
    m.properties = {"seq": n, "ubyte": ubyte(n % 256), "ushort": ushort(n), "uint": uint(n), "ulong": ulong(n),
                    "byte": byte(-(n % 128)), "short": short(-n), "int": int32(-n), "long": -n,
                    "double": n + 0.5, "float": float32(0.5), "bool": n % 2 == 0, "string": "s-%d" % n,
                    "symbol": symbol("sym-%d" % n), "binary": b"b-%d" % n, "null": None,
                    "timestamp": timestamp(1700000000000 + n), "uuid": uuid.UUID(int=n), "char": char("r")}
    m.annotations = {symbol("x-opt-seq"): n, symbol("x-opt-str"): "annotation"}
    return m


# --------------------------------------------------------------------------------------------------------------
# Checking

def seq_of(msg):
    """The sequence number a message carries (None if it has none)."""
    props = msg.properties or {}
    seq = props.get("seq")
    return int(seq) if isinstance(seq, int) and not isinstance(seq, bool) else None


def canon(value):
    """A comparable form of an AMQP value that keeps its exact type: ``canon(ubyte(1)) != canon(1)``.
    A binary may be decoded as ``bytes`` or ``memoryview``: both are the AMQP binary type."""
    if isinstance(value, (bytes, memoryview, bytearray)):
        return ("binary", bytes(value))
    if isinstance(value, Described):
        return ("described", canon(value.descriptor), canon(value.value))
    if isinstance(value, Array):
        return ("array", canon(value.descriptor) if value.descriptor is not UNDESCRIBED else "undescribed",
                value.type, tuple(canon(e) for e in value.elements))
    if isinstance(value, dict):   # AMQP maps: order of entries is not significant
        return ("map", tuple(sorted(((canon(k), canon(v)) for k, v in value.items()), key=repr)))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(canon(e) for e in value))
    if value is None:
        return ("null",)
    if value is UNDESCRIBED:
        return ("undescribed",)
    return (type(value).__name__, value)


# Message fields compared by check(): (attribute, compare-as-AMQP-value?)
FIELDS = (
    "durable", "priority", "ttl", "first_acquirer", "delivery_count", "id", "user_id", "address", "subject",
    "reply_to", "correlation_id", "content_type", "content_encoding", "expiry_time", "creation_time", "group_id",
    "group_sequence", "reply_to_group_id", "instructions", "annotations", "properties", "body", "inferred",
)


def check(n, msg, kind="all-types", ignore=()):
    """Differences between ``msg`` and ``make(n, kind)``, as a list of short strings (empty: identical)."""
    expected = make(n, kind)
    problems = []
    for field in FIELDS:
        if field in ignore:
            continue
        want, got = getattr(expected, field), getattr(msg, field)
        if field in ("instructions", "annotations", "properties"):
            want, got = dict(want or {}), dict(got or {})
        if field in ("ttl", "expiry_time", "creation_time"):   # floats in seconds, carried as integer ms
            same = round((want or 0) * 1000) == round((got or 0) * 1000)
        else:
            same = canon(want) == canon(got)
        if same:
            continue
        if isinstance(want, dict):   # name the entries that differ
            for key in sorted(set(want) | set(got), key=repr):
                if canon(want.get(key, "<absent>")) != canon(got.get(key, "<absent>")):
                    problems.append("msg %d %s[%r]: want %s got %s" % (
                        n, field, key, _short(want.get(key, "<absent>")), _short(got.get(key, "<absent>"))))
        else:
            problems.append("msg %d %s: want %s got %s" % (n, field, _short(want), _short(got)))
    return problems


def _short(value, limit=160):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
