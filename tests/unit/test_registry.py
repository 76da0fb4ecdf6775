# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The registry (cython/registry.pyx, proton/_bind.py): every slot is bound, the check refuses an
empty one, and the event numbers come from the engine's header, not from the Python layer."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.impl
pytest.importorskip("proton._cproton")        # the registry is cyproton's

import proton  # noqa: E402
from proton import _cproton, _data, _endpoints, _handlers  # noqa: E402
from proton._events import Event, EventType  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_every_slot_is_bound_to_the_public_class() -> None:
    bound = _cproton.bound()
    assert bound["Connection"] is proton.Connection
    assert bound["Message"] is proton.Message
    assert bound["symbol"] is _data.symbol
    assert bound["IncomingMessageHandler"] is _handlers.IncomingMessageHandler
    assert all(value is not None for value in bound.values())
    _cproton.check_bound()


def test_the_check_names_an_empty_slot() -> None:
    sender = _cproton.bound()["Sender"]
    _cproton.bind(Sender=None)
    try:
        with pytest.raises(ImportError, match="Sender"):
            _cproton.check_bound()
    finally:
        _cproton.bind(Sender=sender)
    _cproton.check_bound()
    assert _cproton.bound()["Sender"] is _endpoints.Sender


def test_an_unknown_slot_is_refused() -> None:
    with pytest.raises(TypeError, match="no slot"):
        _cproton.bind(NoSuchClass=object)


def test_engine_event_numbers_come_from_the_header() -> None:
    # proton/event.h of the engine this module was built with, read directly
    src = [d for d in os.listdir(os.path.join(ROOT, "build")) if d.startswith("proton-src-")] \
        if os.path.isdir(os.path.join(ROOT, "build")) else []
    if not src:
        pytest.skip("the engine's sources are not unpacked in build/")
    header = open(os.path.join(ROOT, "build", src[0], "include", "proton", "event.h")).read()
    header = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    end = header.index("} pn_event_type_t")
    body = header[header.rindex("typedef enum {", 0, end):end]
    names = re.findall(r"^\s*(PN_[A-Z_]+)\s*(?:=\s*(\d+))?\s*,?", body, re.M)
    numbers, n = {}, -1
    for name, value in names:
        n = int(value) if value else n + 1
        numbers[name] = n
    for number, name in _cproton.ENGINE_EVENTS:
        assert numbers["PN_" + name.upper()] == number, name
        assert getattr(Event, name.upper()).number == number
        assert EventType.TYPES[number].method == "on_" + name


def test_an_unbound_module_is_refused() -> None:
    # the compiled module loaded without the package's __init__ (so nothing is bound): the check
    # fails and names what is missing
    code = ("import sys, types\n"
            "pkg = types.ModuleType('proton'); pkg.__path__ = [%r]; sys.modules['proton'] = pkg\n"
            % os.path.dirname(_cproton.__file__) +
            "import proton._cproton as c\n"
            "try:\n    c.check_bound()\nexcept ImportError as e:\n    print(e); sys.exit(3)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert run.returncode == 3, run.stdout + run.stderr
    assert "Connection" in run.stdout and "loop_events" in run.stdout


def test_bound_wrappers_read_attributes_through_the_compiled_hook() -> None:
    from proton._endpoints import Link
    for cls in (proton.Connection, proton.Session, Link, proton.Sender, proton.Receiver, proton.Delivery,
                proton.Transport, Event):
        assert _cproton._fast_attribute_reads(cls), cls
    conn = proton.Connection()
    collector = proton.Collector()
    conn.collect(collector)
    sender = conn.session().sender("a")
    sender.mark = 7                                   # kept on the engine object, shared by its wrappers
    other = conn.link_head(0)                         # a second wrapper of the same link
    assert other is not sender and other == sender
    assert other.mark == 7 and other.name == "a"      # found through CWrapper.__getattr__
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        sender.missing
    event = collector.peek()                          # PN_CONNECTION_INIT
    assert type(event) is Event and event.connection == conn
    assert event.nonexistent_thing is None            # CEvent.__getattr__: looked up on the context


def test_a_class_with_its_own_attribute_hook_keeps_it() -> None:
    class Own(proton.Connection):
        def __getattr__(self, name):
            return "own:" + name

    class Later(proton.Connection):
        pass

    assert not _cproton._fast_attribute_reads(Own)
    assert Own().anything == "own:anything"
    assert _cproton._fast_attribute_reads(Later)
    Later.__getattr__ = lambda self, name: "later:" + name      # CPython works the hook out again
    assert Later().anything == "later:anything"
    assert proton.Connection().container is None
