# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Handler dispatch: which method an event reaches, however many handler classes take part.

cyproton remembers, per handler class and event, which method applies; these tests make sure the
memory never answers for another class or outlives an instance-level override.
"""

from __future__ import annotations

from proton.reactor import ApplicationEvent


def make_class(index, handles):
    """A handler class of its own: with an on_ping when ``handles``, else only on_unhandled."""
    def on_ping(self, event):
        self.seen.append(("handled", index))

    def on_unhandled(self, name, event):
        self.seen.append((name, index))

    def init(self):
        self.seen = []

    body = {"__init__": init, "on_unhandled": on_unhandled}
    if handles:
        body["on_ping"] = on_ping
    return type("Handler%d" % index, (), body)


def test_thousands_of_handler_classes_each_get_their_own_method():
    classes = [make_class(i, i % 3 != 0) for i in range(3000)]
    handlers = [cls() for cls in classes]
    for _ in range(2):  # the second round answers from what the first one learnt
        for handler in handlers:
            ApplicationEvent("ping").dispatch(handler)
            ApplicationEvent("pong").dispatch(handler)
    for i, handler in enumerate(handlers):
        first = ("handled", i) if i % 3 else ("on_ping", i)
        assert handler.seen == [first, ("on_pong", i)] * 2


def test_instance_method_set_later_wins_over_the_class_method():
    cls = make_class(0, True)
    handler, other = cls(), cls()
    ApplicationEvent("ping").dispatch(handler)
    calls = []
    handler.on_ping = calls.append
    event = ApplicationEvent("ping")
    event.dispatch(handler)
    event.dispatch(other)
    assert handler.seen == [("handled", 0)] and calls == [event] and other.seen == [("handled", 0)]
    del handler.on_ping
    ApplicationEvent("ping").dispatch(handler)
    assert handler.seen == [("handled", 0)] * 2


def test_children_hear_the_event_depth_first_after_their_parent():
    order = []

    class Node:
        def __init__(self, name, *children):
            self.name = name
            self.handlers = list(children)

        def on_ping(self, event):
            order.append(self.name)

    class Leaf:  # no handlers attribute at all
        def on_ping(self, event):
            order.append("leaf")

    root = Node("root", Node("a", Node("a1"), Leaf()), Node("b"))
    ApplicationEvent("ping").dispatch(root)
    assert order == ["root", "a", "a1", "leaf", "b"]


def test_event_type_given_to_dispatch_picks_the_method():
    handler = make_class(7, True)()
    event = ApplicationEvent("pong")
    event.dispatch(handler, ApplicationEvent("ping").type)
    assert handler.seen == [("handled", 7)]
