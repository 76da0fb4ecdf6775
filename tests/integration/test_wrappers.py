# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Wrapper semantics over a live connection: attributes live with the engine object, equality and
hashing follow it, and (cyproton) no wrapper outlives a connection's whole life."""

import gc

import pytest

from proton import Message
from proton.handlers import MessagingHandler
from proton.reactor import Container


class Tagger(MessagingHandler):
    def __init__(self, url):
        super().__init__()
        self.url = url
        self.checks = {}

    def on_start(self, event):
        self.conn = event.container.connect(self.url)
        self.sender = event.container.create_sender(self.conn, "wq", name="w-sender")
        self.receiver = event.container.create_receiver(self.conn, "wq", name="w-receiver")

    def on_connection_opened(self, event):
        event.connection.app_state = {"n": 1}
        event.connection.label = "tagged"

    def on_link_opened(self, event):
        event.link.purpose = f"purpose-{event.link.name}"

    def on_sendable(self, event):
        if not getattr(self, "sent", False):
            self.sent = True
            delivery = event.sender.send(Message(body="w"))
            delivery.note = "sent-by-test"

    def on_accepted(self, event):
        self.checks["delivery_note"] = getattr(event.delivery, "note", None)

    def on_message(self, event):
        link_conn = event.link.connection
        self.checks.update(
            label=link_conn.label,
            state=event.receiver.session.connection.app_state,
            same_state_object=link_conn.app_state is self.conn.app_state,
            purpose=event.link.purpose,
            sender_purpose=self.sender.purpose,
            eq=(event.connection == self.conn, event.link == self.receiver, event.session == self.sender.session),
            ne=(event.link != self.sender, event.link == self.sender),
            hashes=hash(event.connection) == hash(self.conn) and hash(event.link) == hash(self.receiver),
            as_key={self.conn: "c", self.receiver: "r"}.get(event.connection) == "c"
            and {self.receiver: "r"}.get(event.link) == "r",
            delivery_link=event.delivery.link == self.receiver,
        )
        event.connection.close()


def test_attributes_equality_and_hash_follow_the_engine_object(broker):
    handler = Tagger(broker.url)
    Container(handler).run()
    c = handler.checks
    assert c["label"] == "tagged"
    assert c["state"] == {"n": 1} and c["same_state_object"]
    assert c["purpose"] == "purpose-w-receiver" and c["sender_purpose"] == "purpose-w-sender"
    assert c["eq"] == (True, True, True)
    assert c["ne"] == (True, False)
    assert c["hashes"] and c["as_key"] and c["delivery_link"]
    assert c["delivery_note"] == "sent-by-test"


def test_attribute_set_on_one_wrapper_is_seen_by_a_handler_later(broker):
    seen = []

    class Later(MessagingHandler):
        def on_start(self, event):
            conn = event.container.connect(broker.url)
            conn.tag = "from-on_start"  # on the object connect() returned
            event.container.create_receiver(conn, "x", name="later")

        def on_link_opened(self, event):
            seen.append(event.connection.tag)  # on a wrapper the event made
            event.connection.close()

    Container(Later()).run()
    assert seen == ["from-on_start"]


@pytest.mark.impl
def test_live_wrappers_return_to_their_start_after_a_connection_life():
    """A whole connection life in one container (it listens and connects to itself, sends, receives,
    closes); the handler keeps wrappers of its own. Afterwards no wrapper is left alive."""
    from proton import _cproton

    class Life(MessagingHandler):
        def on_start(self, event):
            self.acceptor = event.container.listen("127.0.0.1:0")
            self.conn = event.container.connect("127.0.0.1:%d" % self.acceptor.port)
            self.sender = event.container.create_sender(self.conn, "lw", name="lw-s")
            self.got = self.sent = 0

        def on_link_opening(self, event):
            if event.link.is_receiver:
                event.link.target.address = event.link.remote_target.address

        def on_sendable(self, event):
            while event.sender.credit and self.sent < 10:
                event.sender.send(Message(body=self.sent, properties={"i": self.sent}))
                self.sent += 1

        def on_message(self, event):
            event.connection.note = event.message.body
            self.got += 1
            if self.got == 10:
                event.connection.close()
                self.acceptor.close()

    def one_life():
        handler = Life()
        Container(handler).run()
        assert handler.got == 10

    one_life()  # first life: module-level caches, event types, ...
    gc.collect()
    start = _cproton.live_wrappers()
    one_life()
    gc.collect()
    assert _cproton.live_wrappers() == start
