# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Time one codec scenario with whatever ``proton`` this interpreter imports; print JSON.

    python bench/codec_worker.py --row 3 --seconds 0.3

Used by ``bench/codec.py``, which runs it under cyproton's and under python-qpid-proton's
interpreter in turn. Only the public ``proton`` API is used, so the same file runs in both.
Output, one JSON object on stdout: ``row``, ``name``, ``ns_per_op``, ``iterations``,
``encoded_size`` (bytes produced or consumed by the scenario, to check both sides do the same
work), ``impl`` and ``proton_file``.
"""

import argparse
import json
import os
import sys
import time
import uuid

from proton import Data, Message, symbol, timestamp, ulong

TEXT_100 = ("cyproton codec benchmark: a one hundred character string body for Message(body=s).encode(). "
            "xxxxxx")[:100]

MESSAGE_FIELDS = (
    "durable", "priority", "ttl", "first_acquirer", "delivery_count", "id", "user_id", "address",
    "subject", "reply_to", "correlation_id", "content_type", "content_encoding", "expiry_time",
    "creation_time", "group_id", "group_sequence", "reply_to_group_id", "instructions", "annotations",
    "properties", "body", "inferred",
)

# ~180 bytes once encoded: a map holding lists, a nested map and most scalar kinds
NESTED = {
    "id": uuid.UUID("2f1c3e4d-5a6b-4c7d-8e9f-0a1b2c3d4e5f"),
    symbol("kind"): symbol("reading"),
    "seq": ulong(123456789),
    "at": timestamp(1767225600000),
    "values": [21.5, -3, 4096, True, None],
    "tags": [symbol("indoor"), "floor-3"],
    "meta": {"unit": "celsius", "raw": b"\x00\x01\x02\x03"},
}


def full_message():
    """A Message with properties, annotations and a str body, as an application would build it."""
    return Message(
        body="Hello from the cyproton codec benchmark!",
        id="msg-000001",
        correlation_id="request-42",
        address="examples",
        reply_to="reply-queue",
        subject="benchmark",
        content_type="text/plain",
        user_id=b"guest",
        durable=True,
        priority=6,
        ttl=30.0,
        creation_time=1767225600.0,
        properties={"sequence": 1, "tenant": "acme", "retry": False, "score": 0.75},
        annotations={symbol("x-opt-partition"): "p0", symbol("x-opt-offset"): ulong(1024)},
    )


FULL_BYTES = full_message().encode()
_nested_data = Data()
_nested_data.put_object(NESTED)
NESTED_BYTES = _nested_data.encode()


def row_encode_full():
    return full_message().encode()


def row_decode_full():
    message = Message()
    message.decode(FULL_BYTES)
    return [getattr(message, name) for name in MESSAGE_FIELDS]


def row_encode_simple():
    return Message(body=TEXT_100).encode()


def row_put_object():
    data = Data()
    data.put_object(NESTED)
    return data.encode()


def row_get_object():
    data = Data()
    data.decode(NESTED_BYTES)
    data.rewind()
    data.next()
    return data.get_object()


def row_build_full():
    return full_message()


# row number -> (label, scenario, bytes it produces or consumes)
ROWS = {
    1: ("encode full message", row_encode_full, len(FULL_BYTES)),
    2: ("decode full message + read fields", row_decode_full, len(FULL_BYTES)),
    3: ("Message(body=s).encode()", row_encode_simple, len(Message(body=TEXT_100).encode())),
    4: ("Data.put_object(nested) + encode", row_put_object, len(NESTED_BYTES)),
    5: ("Data decode + get_object", row_get_object, len(NESTED_BYTES)),
    6: ("build full Message(...)", row_build_full, None),
}


def _loop_ns(scenario, iterations):
    clock = time.perf_counter_ns
    start = clock()
    for _ in range(iterations):
        scenario()
    return clock() - start


def measure(scenario, seconds):
    """(ns per op, iterations): calibrate on doubling batches, then time ~``seconds`` of calls."""
    iterations = 1
    while True:
        elapsed = _loop_ns(scenario, iterations)
        if elapsed >= 20_000_000 or iterations >= 1 << 30:  # 20 ms is enough to size the run
            break
        iterations *= 2
    iterations = max(1, int(seconds * 1e9 * iterations / max(elapsed, 1)))
    return _loop_ns(scenario, iterations) / iterations, iterations


def describe_impl():
    """Which distribution provided the ``proton`` imported here."""
    import proton
    from importlib import metadata
    here = os.path.realpath(proton.__file__)
    for dist_name in ("cyproton", "python-qpid-proton"):
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError:
            continue
        if os.path.realpath(str(dist.locate_file("proton/__init__.py"))) == here:
            return "%s %s" % (dist_name, dist.version)
    return "proton at %s" % os.path.dirname(here)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--row", type=int, required=True, choices=sorted(ROWS))
    parser.add_argument("--seconds", type=float, default=0.3, help="timed duration (default 0.3)")
    args = parser.parse_args(argv)
    name, scenario, size = ROWS[args.row]
    scenario()  # fail before timing if the scenario does not work here
    ns_per_op, iterations = measure(scenario, args.seconds)
    import proton
    json.dump({"row": args.row, "name": name, "ns_per_op": ns_per_op, "iterations": iterations,
               "encoded_size": size, "impl": describe_impl(), "proton_file": proton.__file__}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
