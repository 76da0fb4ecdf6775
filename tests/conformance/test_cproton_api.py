# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Issue 12: the top-level ``cproton`` module serves python-qpid-proton 0.40's Python layer.

``cproton_inventory.json`` (written by scripts/gen_cproton_inventory.py from the reference sdist)
lists every name that layer imports from ``cproton``. Each must exist here with the same way of
calling it; the constants must have the reference's values; and the functions must convert their
arguments and results the way that layer relies on (C strings, pn_bytes_t, message ids, NULL as
None, Python objects kept in engine records and events). Objects made through ``cproton`` and
through ``proton`` are the same engine objects.
"""

from __future__ import annotations

import gc
import importlib.util
import inspect
import json
import os
import re
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import cproton
import proton

pytestmark = pytest.mark.impl

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
INVENTORY = json.loads((HERE / "cproton_inventory.json").read_text(encoding="utf-8"))
NAMES: Dict[str, Dict[str, Any]] = INVENTORY["names"]
REF_PYTHON = os.environ.get("CYPROTON_REF_PYTHON", str(REPO / ".venv-ref" / "bin" / "python"))


def test_inventory_is_the_reference_contract() -> None:
    """The recorded contract is for 0.40 and non-trivial (a truncated inventory would test nothing)."""
    assert INVENTORY["reference"] == "python-qpid-proton 0.40.0"
    assert INVENTORY["count"] == len(NAMES) > 400
    kinds = {e["kind"] for e in NAMES.values()}
    assert kinds == {"constant", "function"}


def test_inventory_is_what_the_generator_reads_from_the_release(tmp_path: Path) -> None:
    """scripts/gen_cproton_inventory.py run on the pinned release archive gives the committed data."""
    archives = [p for p in (REPO / "build" / "engine-archive" / "python_qpid_proton-0.40.0.tar.gz",
                            REPO / "build" / "proof" / "dl" / "python_qpid_proton-0.40.0.tar.gz") if p.is_file()]
    if not archives:
        pytest.skip("the python-qpid-proton 0.40.0 archive is not in build/ (a build or the proof tier fetches it)")
    with tarfile.open(archives[0]) as tar:
        wanted = [m for m in tar.getmembers() if m.isfile() and re.fullmatch(
            r"[^/]+/(proton/[^/]+\.py|cproton\.py|cproton\.h|VERSION\.txt)", m.name)]
        tar.extractall(tmp_path, members=wanted)
    src = next(tmp_path.iterdir())
    script = REPO / "scripts" / "gen_cproton_inventory.py"
    spec = importlib.util.spec_from_file_location("gen_cproton_inventory", script)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert generator.build(src) == INVENTORY


@pytest.mark.parametrize("name", sorted(NAMES))
def test_name_is_there_and_called_the_same_way(name: str) -> None:
    entry = NAMES[name]
    assert hasattr(cproton, name), f"cproton.{name} is missing (imported by proton.{entry['imported_by']})"
    value = getattr(cproton, name)
    if entry["kind"] == "constant":
        assert isinstance(value, int) and not callable(value)
        return
    assert callable(value)
    params = list(inspect.signature(value).parameters.values())
    assert all(p.kind == p.POSITIONAL_OR_KEYWORD and p.default is p.empty for p in params), params
    if entry["source"] == "shim":
        assert [p.name for p in params] == entry["params"]
    else:
        assert len(params) == entry["arity"], f"{name}: {len(params)} parameters, C has {entry['arity']}"


def test_constants_have_the_reference_values() -> None:
    """Each constant equals the reference ``cproton``'s, read from the python-qpid-proton venv."""
    if not os.access(REF_PYTHON, os.X_OK):
        pytest.skip("no python-qpid-proton interpreter (.venv-ref)")
    consts = sorted(n for n, e in NAMES.items() if e["kind"] == "constant")
    code = "import cproton, json, sys; print(json.dumps({n: getattr(cproton, n) for n in sys.argv[1:]}))"
    done = subprocess.run([REF_PYTHON, "-I", "-c", code, *consts], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    ref = json.loads(done.stdout)
    ours = {n: getattr(cproton, n) for n in consts}
    assert {n: v for n, v in ours.items() if ref[n] != v} == {}
    assert len(ref) == len(consts) > 100


def test_cproton_is_over_the_engine_proton_uses() -> None:
    from proton import _cproton
    assert cproton.pn_connection is _cproton._lowlevel["pn_connection"]
    assert not hasattr(_cproton, "pn_connection"), "the pn_* names stay out of proton._cproton's namespace"


# -- NULL, identity and the proton objects -------------------------------------------------------

def test_null_is_none_and_pointers_compare_by_address() -> None:
    conn = cproton.pn_connection()
    try:
        assert not isinstance(conn, int) and not cproton.isnull(conn)
        assert cproton.isnull(None)
        assert cproton.pn_connection_transport(conn) is None  # not bound: NULL
        assert cproton.pn_session_head(conn, 0) is None
        address = cproton.addressof(conn)
        assert isinstance(address, int) and address != 0
        assert cproton.addressof(None) == 0
        again = cproton.pn_cast_pn_connection(conn)
        assert again == conn and hash(again) == hash(conn)
        session = cproton.pn_session(conn)
        assert cproton.pn_session_connection(session) == conn and cproton.pn_session_connection(session) is not conn
        assert session != conn and len({conn, again, session}) == 2
        with pytest.raises(TypeError):
            cproton.pn_connection_open(address)  # a number is not a pointer (cffi refuses it too)
    finally:
        cproton.pn_decref(conn)


def test_proton_objects_are_the_same_engine_objects() -> None:
    conn = proton.Connection()
    conn.container = "made-by-proton"
    assert cproton.pn_connection_get_container(conn) == "made-by-proton"  # a wrapper is a pointer
    cproton.pn_connection_set_hostname(conn, "set.by.cproton")
    assert conn.hostname == "set.by.cproton"
    session = conn.session()
    ssn = cproton.pn_session_head(conn, 0)
    assert cproton.addressof(ssn) == cproton.addressof(session)
    assert cproton.addressof(cproton.pn_session_connection(ssn)) == cproton.addressof(conn)
    sender = session.sender("out")
    assert cproton.pn_link_name(sender) == "out"
    assert cproton.pn_link_session(sender) == ssn
    assert cproton.pn_link_is_sender(sender) is True
    transport = proton.Transport()
    transport.bind(conn)
    assert cproton.addressof(cproton.pn_connection_transport(conn)) == cproton.addressof(transport)
    assert cproton.addressof(cproton.pn_transport_connection(transport)) == cproton.addressof(conn)
    assert hash(conn) == hash(cproton.addressof(conn))  # proton hashes by the same address
    made = cproton.pn_connection()
    try:
        assert cproton.addressof(made) not in {cproton.addressof(conn), 0}
    finally:
        cproton.pn_decref(made)


# -- argument and result conversions -------------------------------------------------------------

def test_c_strings() -> None:
    conn = cproton.pn_connection()
    try:
        assert cproton.pn_connection_get_container(conn) is None  # unset: NULL
        cproton.pn_connection_set_container(conn, "cöntainer")
        assert cproton.pn_connection_get_container(conn) == "cöntainer"
        cproton.pn_connection_set_user(conn, "u")
        cproton.pn_connection_set_user(conn, None)
        assert cproton.pn_connection_get_user(conn) is None
        with pytest.raises(TypeError):
            cproton.pn_connection_set_container(conn, b"bytes are not C strings here")
        with pytest.raises(TypeError):
            cproton.pn_connection_set_hostname(conn, 42)
        assert cproton.pn_connection_get_container(conn) == "cöntainer"
    finally:
        cproton.pn_connection_release(conn)
    assert cproton.pn_event_type_name(cproton.PN_CONNECTION_INIT) == "PN_CONNECTION_INIT"


def test_condition_strings() -> None:
    conn = cproton.pn_connection()
    try:
        cond = cproton.pn_connection_condition(conn)
        assert not cproton.pn_condition_is_set(cond)
        assert cproton.pn_condition_get_name(cond) is None
        cproton.pn_condition_set_name(cond, "amqp:internal-error")
        cproton.pn_condition_set_description(cond, "broken")
        assert cproton.pn_condition_is_set(cond)
        assert (cproton.pn_condition_get_name(cond), cproton.pn_condition_get_description(cond)) == \
            ("amqp:internal-error", "broken")
        cproton.pn_condition_clear(cond)
        assert not cproton.pn_condition_is_set(cond)
    finally:
        cproton.pn_connection_release(conn)


@pytest.mark.parametrize("value,expected", [
    (None, None),
    (0, 0),
    (2**64 - 1, 2**64 - 1),
    ("id-ü", "id-ü"),
    (b"\x00\xffraw", b"\x00\xffraw"),
    (uuid.UUID(int=12345), uuid.UUID(int=12345)),
    ((cproton.PN_UUID, uuid.UUID(int=7).bytes), uuid.UUID(int=7)),
    (3.5, None),  # not an id type: stored as null, as the reference does
])
def test_message_ids(value: Any, expected: Any) -> None:
    msg = cproton.pn_message()
    try:
        for setter, getter in ((cproton.pn_message_set_id, cproton.pn_message_get_id),
                               (cproton.pn_message_set_correlation_id, cproton.pn_message_get_correlation_id)):
            setter(msg, "something else")
            setter(msg, value)
            got = getter(msg)
            if isinstance(expected, bytes):
                assert isinstance(got, memoryview) and bytes(got) == expected
            else:
                assert got == expected and type(got) is type(expected)
    finally:
        cproton.pn_message_free(msg)


def test_message_ids_out_of_range() -> None:
    msg = cproton.pn_message()
    try:
        with pytest.raises(OverflowError):
            cproton.pn_message_set_id(msg, -1)
    finally:
        cproton.pn_message_free(msg)


def test_message_fields_encode_decode() -> None:
    msg = cproton.pn_message()
    back = cproton.pn_message()
    try:
        cproton.pn_message_set_address(msg, "queue/a")
        cproton.pn_message_set_subject(msg, "subj")
        cproton.pn_message_set_user_id(msg, b"user")
        cproton.pn_message_set_durable(msg, True)
        cproton.pn_message_set_priority(msg, 7)
        body = cproton.pn_message_body(msg)
        cproton.pn_data_put_string(body, "hello")
        err, encoded = cproton.pn_message_encode(msg, 1024)
        assert err > 0 and isinstance(encoded, bytearray) and len(encoded) == err
        assert cproton.pn_message_encode(msg, 4)[0] == cproton.PN_OVERFLOW
        assert cproton.pn_message_decode(back, bytes(encoded)) == 0
        assert cproton.pn_message_get_address(back) == "queue/a"
        assert cproton.pn_message_get_subject(back) == "subj"
        assert cproton.pn_message_get_user_id(back) == b"user"
        assert cproton.pn_message_get_reply_to(back) is None
        assert cproton.pn_message_is_durable(back) is True
        assert cproton.pn_message_get_priority(back) == 7
        data = cproton.pn_message_body(back)
        cproton.pn_data_rewind(data)
        assert cproton.pn_data_next(data) and cproton.pn_data_type(data) == cproton.PN_STRING
        assert cproton.pn_data_get_string(data) == "hello"
        # the message decodes the same through proton
        m = proton.Message()
        m.decode(bytes(encoded))
        assert (m.address, m.subject, m.body, m.user_id) == ("queue/a", "subj", "hello", b"user")
    finally:
        cproton.pn_message_free(msg)
        cproton.pn_message_free(back)


def test_data_values_and_codec() -> None:
    data = cproton.pn_data(16)
    copy = cproton.pn_data(16)
    try:
        u = uuid.uuid4()
        cproton.pn_data_put_list(data)
        cproton.pn_data_enter(data)
        cproton.pn_data_put_string(data, "strïng")
        cproton.pn_data_put_symbol(data, "sym")
        cproton.pn_data_put_binary(data, bytearray(b"\x01\x02"))
        cproton.pn_data_put_uuid(data, u)
        cproton.pn_data_put_decimal128(data, bytes(range(16)))
        cproton.pn_data_put_ulong(data, 2**63)
        cproton.pn_data_put_timestamp(data, -5)
        cproton.pn_data_exit(data)
        with pytest.raises(UnicodeEncodeError):
            cproton.pn_data_put_symbol(data, "nön-ascii")
        n, encoded = cproton.pn_data_encode(data, 1024)
        assert n == len(encoded) > 0 and n == cproton.pn_data_encoded_size(data)
        assert cproton.pn_data_decode(copy, encoded) == n
        cproton.pn_data_rewind(copy)
        assert cproton.pn_data_next(copy) and cproton.pn_data_get_list(copy) == 7
        cproton.pn_data_enter(copy)
        got: List[Any] = []
        getters = [cproton.pn_data_get_string, cproton.pn_data_get_symbol, cproton.pn_data_get_binary,
                   cproton.pn_data_get_uuid, cproton.pn_data_get_decimal128, cproton.pn_data_get_ulong,
                   cproton.pn_data_get_timestamp]
        for get in getters:
            assert cproton.pn_data_next(copy)
            got.append(get(copy))
        assert isinstance(got[2], memoryview)
        got[2] = bytes(got[2])
        assert got == ["strïng", "sym", b"\x01\x02", u, bytes(range(16)), 2**63, -5]
        err, text = cproton.pn_data_format(copy, 1024)
        assert err > 0 and b"sym" in text
    finally:
        cproton.pn_data_free(data)
        cproton.pn_data_free(copy)


# -- Python objects held by the engine ------------------------------------------------------------

def test_record_contexts_hold_python_objects() -> None:
    conn = cproton.pn_connection()
    try:
        record = cproton.pn_connection_attachments(conn)
        assert cproton.pn_record_get_py(record) is None
        cproton.pn_record_def_py(record)
        before = cproton.retained_count()
        attrs: Dict[str, Any] = {"k": 1}
        cproton.pn_record_set_py(record, attrs)
        assert cproton.retained_count() == before + 1
        assert cproton.pn_record_get_py(record) is attrs
        del attrs
        gc.collect()
        assert cproton.pn_record_get_py(record) == {"k": 1}  # the record keeps it alive
        cproton.pn_record_set_py(record, None)
        assert cproton.retained_count() == before
        assert cproton.pn_record_get_py(record) is None
        cproton.pn_record_set_py(record, ["last"])
        assert cproton.retained_count() == before + 1
    finally:
        cproton.pn_decref(conn)  # the last reference: frees the record, which gives its object back
    assert cproton.retained_count() == before


def test_pyref_incref_decref_are_counted() -> None:
    obj = object()
    before = cproton.retained_count()
    refs = sys.getrefcount(obj)
    cproton.pn_pyref_incref(obj)
    assert cproton.retained_count() == before + 1 and sys.getrefcount(obj) == refs + 1
    cproton.pn_pyref_decref(obj)
    assert cproton.retained_count() == before and sys.getrefcount(obj) == refs


class _Type:
    def __init__(self, number: int) -> None:
        self.number = number


def test_collector_events_with_a_python_context() -> None:
    collector = cproton.pn_collector()
    try:
        payload = {"app": "event"}
        before = cproton.retained_count()
        cproton.pn_collector_put_pyref(collector, payload, _Type(cproton.PN_TIMER_TASK))
        assert cproton.retained_count() == before + 1
        event = cproton.pn_collector_peek(collector)
        assert event is not None and cproton.pn_event_type(event) == cproton.PN_TIMER_TASK
        assert cproton.pn_event_class_name(event) == "pn_pyref"
        assert cproton.void2py(cproton.pn_event_context(event)) is payload
        assert cproton.pn_event_connection(event) is None
        assert cproton.pn_collector_pop(collector) is True
        assert cproton.pn_collector_peek(collector) is None
        assert cproton.void2py(None) is None
    finally:
        cproton.pn_collector_free(collector)
    assert cproton.retained_count() == before


# -- a peer-to-peer exchange driven only through cproton ------------------------------------------

def _pump(a: int, b: int) -> None:
    """Move bytes between two transports until neither has any to give."""
    while True:
        moved = 0
        for src, dst in ((a, b), (b, a)):
            pending = cproton.pn_transport_pending(src)
            if pending > 0:
                n, chunk = cproton.pn_transport_peek(src, pending)
                assert n == pending == len(chunk)
                assert cproton.pn_transport_push(dst, chunk) == pending
                cproton.pn_transport_pop(src, pending)
                moved += pending
        if not moved:
            return


def test_send_and_receive_over_two_engines() -> None:
    lines: List[Tuple[int, str]] = []
    ends = []
    for server in (False, True):
        conn, transport, collector = cproton.pn_connection(), cproton.pn_transport(), cproton.pn_collector()
        if server:
            cproton.pn_transport_set_server(transport)
        cproton.pn_connection_collect(conn, collector)
        assert cproton.pn_transport_bind(transport, conn) == 0
        record = cproton.pn_transport_attachments(transport)
        cproton.pn_record_def_py(record)
        cproton.pn_record_set_py(record, {})
        ends.append((conn, transport, collector))
    (c1, t1, _), (c2, t2, col2) = ends
    cproton.pn_transport_trace(t1, cproton.PN_TRACE_FRM)
    cproton.pn_transport_set_pytracer(t1, lambda t, line: lines.append((t, line)))
    assert cproton.pn_transport_get_pytracer(t1) is not None
    cproton.pn_connection_set_container(c1, "client")
    cproton.pn_connection_open(c1)
    ssn = cproton.pn_session(c1)
    cproton.pn_session_open(ssn)
    snd = cproton.pn_sender(ssn, "link-1")
    cproton.pn_terminus_set_address(cproton.pn_link_target(snd), "q")
    cproton.pn_link_open(snd)
    _pump(t1, t2)
    # the server opens whatever the client opened
    cproton.pn_connection_open(c2)
    assert cproton.pn_connection_remote_container(c2) == "client"
    rssn = cproton.pn_session_head(c2, 0)
    cproton.pn_session_open(rssn)
    rcv = cproton.pn_link_head(c2, 0)
    assert cproton.pn_link_is_receiver(rcv) and cproton.pn_link_name(rcv) == "link-1"
    assert cproton.pn_terminus_get_address(cproton.pn_link_remote_target(rcv)) == "q"
    cproton.pn_link_open(rcv)
    cproton.pn_link_flow(rcv, 10)
    _pump(t1, t2)
    assert cproton.pn_link_credit(snd) == 10
    msg = cproton.pn_message()
    cproton.pn_data_put_string(cproton.pn_message_body(msg), "payload")
    _, encoded = cproton.pn_message_encode(msg, 512)
    dlv = cproton.pn_delivery(snd, "tag-1")
    assert cproton.pn_link_send(snd, encoded) == len(encoded)
    cproton.pn_link_advance(snd)
    _pump(t1, t2)
    rdlv = cproton.pn_link_current(rcv)
    assert rdlv is not None and cproton.pn_delivery_tag(rdlv) == "tag-1"
    assert cproton.pn_delivery_readable(rdlv) and not cproton.pn_delivery_partial(rdlv)
    n, got = cproton.pn_link_recv(rcv, 1024)
    assert n == len(encoded) and got == encoded
    assert cproton.pn_link_recv(rcv, 1024)[0] == cproton.PN_EOS
    cproton.pn_delivery_update(rdlv, cproton.PN_ACCEPTED)
    cproton.pn_delivery_settle(rdlv)
    _pump(t1, t2)
    assert cproton.pn_delivery_remote_state(dlv) == cproton.PN_ACCEPTED
    assert cproton.pn_delivery_settled(dlv)
    # the tracer saw frames, with its transport handle and text
    assert any("@open" in line for _, line in lines) and {t for t, _ in lines} == {t1}
    assert all(type(t) is type(t1) for t, _ in lines)
    kinds = []
    while (ev := cproton.pn_collector_peek(col2)) is not None:
        kinds.append(cproton.pn_event_type_name(cproton.pn_event_type(ev)))
        cproton.pn_collector_pop(col2)
    assert "PN_CONNECTION_REMOTE_OPEN" in kinds and "PN_DELIVERY" in kinds
    cproton.pn_message_free(msg)
    for conn, transport, collector in ends:
        cproton.pn_transport_unbind(transport)
        cproton.pn_decref(transport)
        cproton.pn_connection_release(conn)
        cproton.pn_collector_free(collector)


def test_buffers_reject_non_buffers() -> None:
    transport = cproton.pn_transport()
    try:
        with pytest.raises(TypeError):
            cproton.pn_transport_push(transport, "text is not a buffer")
    finally:
        cproton.pn_decref(transport)


def test_cproton_ffi_says_what_to_use() -> None:
    sys.modules.pop("cproton_ffi", None)
    with pytest.raises(ImportError, match="cproton"):
        import cproton_ffi  # noqa: F401


def test_integer_arguments_refuse_floats() -> None:
    """As cffi does: a float is not silently truncated into a C integer (or enum) argument."""
    msg = cproton.pn_message()
    data = cproton.pn_data(4)
    try:
        with pytest.raises(TypeError):
            cproton.pn_message_set_priority(msg, 1.5)
        with pytest.raises(TypeError):
            cproton.pn_data_put_int(data, 2.0)
        with pytest.raises(TypeError):
            cproton.pn_data_put_array(data, False, float(cproton.PN_INT))
        with pytest.raises(OverflowError):
            cproton.pn_data_put_ubyte(data, 256)
        cproton.pn_message_set_priority(msg, True)  # bool is an int
        assert cproton.pn_message_get_priority(msg) == 1
        cproton.pn_data_put_double(data, 3)  # and an int is a fine double
    finally:
        cproton.pn_message_free(msg)
        cproton.pn_data_free(data)


@pytest.mark.parametrize("put,get,value", [
    ("timestamp", "timestamp", -2**63), ("timestamp", "timestamp", 2**63 - 1),
    ("decimal64", "decimal64", 2**64 - 1), ("decimal32", "decimal32", 2**32 - 1),
    ("ulong", "ulong", 2**64 - 1), ("long", "long", -2**63), ("uint", "uint", 2**32 - 1),
    ("char", "char", 0x10FFFF), ("ushort", "ushort", 2**16 - 1), ("byte", "byte", -128),
])
def test_integer_arguments_keep_their_c_width(put: str, get: str, value: int) -> None:
    data = cproton.pn_data(4)
    try:
        assert getattr(cproton, "pn_data_put_" + put)(data, value) == 0
        cproton.pn_data_rewind(data)
        assert cproton.pn_data_next(data)
        assert getattr(cproton, "pn_data_get_" + get)(data) == value
    finally:
        cproton.pn_data_free(data)
