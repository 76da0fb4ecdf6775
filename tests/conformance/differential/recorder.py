# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""What a scenario program records, written with the public ``proton`` API only.

A scenario runs unchanged under cyproton and under python-qpid-proton 0.40. It builds its
handlers as usual and hands them to :func:`run` (or adds :func:`spy` to its own container); the
recording goes to stdout as one JSON object per line, mixed with the program's own output:

- ``{"ev": "on_link_remote_open", "on": "c1", ...}``: a core event, seen by a plain child handler
  of the container (so it changes nothing in how the program's own handlers are called), with the
  stream it belongs to (``"c1"``, ``"c2"``: connections numbered in the order they were made;
  ``"-"``: events about no connection), the endpoint's kind, name and state, the delivery's
  outcome and settlement, the condition's name and text;
- ``{"cb": "on_message", "on": "c2", ...}``: a call of one of the program's own handler methods
  (the ``on_*`` methods its classes define), made through :class:`Recorded`;
- any other line: what the program printed.

The comparison (``test_differential.py``) reads this back. Events whose number and order follow
I/O timing rather than the program (socket selectables, ``reactor_quiesced``, ``transport``) are
left out here: see the README's compatibility notes.
"""

import functools
import json
import re
import sys

from proton import Delivery, Endpoint
from proton.handlers import MessagingHandler  # noqa: F401  (scenarios import it from here too)
from proton.reactor import Container

#: Events a scenario never compares: their count depends on how bytes arrive, not on the program.
TIMING_EVENTS = frozenset({
    "on_reactor_quiesced", "on_transport",
    "on_selectable_init", "on_selectable_updated", "on_selectable_readable", "on_selectable_writable",
    "on_selectable_expired", "on_selectable_error", "on_selectable_final",
})

_STATE_NAMES = {
    Endpoint.LOCAL_UNINIT: "LU", Endpoint.LOCAL_ACTIVE: "LA", Endpoint.LOCAL_CLOSED: "LC",
    Endpoint.REMOTE_UNINIT: "RU", Endpoint.REMOTE_ACTIVE: "RA", Endpoint.REMOTE_CLOSED: "RC",
}
_OUTCOMES = {
    Delivery.RECEIVED: "received", Delivery.ACCEPTED: "accepted", Delivery.REJECTED: "rejected",
    Delivery.RELEASED: "released", Delivery.MODIFIED: "modified",
}


def _state(endpoint):
    state = endpoint.state
    return "".join(text for bit, text in sorted(_STATE_NAMES.items()) if state & bit)


def _condition(cond):
    if cond is None:
        return None
    return [cond.name, cond.description]


class _Streams:
    """Numbers connections in the order they are first seen (the dict keeps each connection alive,
    so no engine address is reused while the program runs)."""

    def __init__(self):
        self.names = {}

    def of(self, connection):
        if connection is None:
            return "-"
        name = self.names.get(connection)
        if name is None:
            name = self.names[connection] = f"c{len(self.names) + 1}"
        return name


_streams = _Streams()


# Generated names (container ids, link names made from them) differ from run to run.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def emit(record):
    sys.stdout.write(_UUID.sub("<uuid>", json.dumps(record, sort_keys=True, default=repr)) + "\n")
    sys.stdout.flush()


def describe(event):
    """The fields of one event that both implementations must agree on."""
    out = {"on": _streams.of(event.connection)}
    link = event.link
    delivery = event.delivery
    if link is not None:
        out["link"] = [link.name, "sender" if link.is_sender else "receiver", _state(link)]
    elif event.session is not None:
        out["session"] = _state(event.session)
    elif event.connection is not None:
        out["connection"] = _state(event.connection)
    if delivery is not None:
        out["delivery"] = [_OUTCOMES.get(delivery.remote_state, delivery.remote_state),
                           bool(delivery.settled), _OUTCOMES.get(delivery.local_state, delivery.local_state)]
    name = event.type.name if event.type is not None else None
    conditions = []
    if name and ("error" in name or "close" in name or "detach" in name):
        if event.transport is not None and event.transport.condition is not None:
            conditions.append(["transport", _condition(event.transport.condition)])
        for what, endpoint in (("link", link), ("session", event.session), ("connection", event.connection)):
            if endpoint is not None and endpoint.remote_condition is not None:
                conditions.append([what, _condition(endpoint.remote_condition)])
                break
    if conditions:
        out["conditions"] = conditions
    return out


class Spy:
    """A child handler of the container that records every core event it is given."""

    def on_unhandled(self, method, event):
        if method in TIMING_EVENTS:
            return
        record = {"ev": method}
        record.update(describe(event))
        emit(record)


def spy():
    return Spy()


class Recorded:
    """Mix into a handler class: each ``on_*`` method the class (or a subclass) defines is recorded
    when called, before it runs. MessagingHandler's own methods are not wrapped, so the library
    decides as usual which of them run."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if name.startswith("on_") and callable(value) and not getattr(value, "_recorded", False):
                setattr(cls, name, _recording(name, value))


def _recording(name, method):
    @functools.wraps(method)
    def wrapper(self, *args):
        record = {"cb": name}
        if name == "on_unhandled":
            record["cb"] = "on_unhandled:" + str(args[0])
            if args[0] in TIMING_EVENTS:
                return method(self, *args)
        event = args[-1] if args else None
        if event is not None and hasattr(event, "type"):
            record.update(describe(event))
            message = getattr(event, "message", None)
            if name == "on_message" and message is not None:
                record["body"] = message.body
        emit(record)
        return method(self, *args)

    wrapper._recorded = True
    return wrapper


def run(*handlers, **kwargs):
    """Run a Container with ``handlers`` and the spy; report an exception out of run() as a line."""
    container = Container(*handlers, spy(), **kwargs)
    try:
        container.run()
    except Exception as exc:  # the comparison looks at what came out of run(), too
        emit({"raised": type(exc).__name__, "text": str(exc)})
    return container
