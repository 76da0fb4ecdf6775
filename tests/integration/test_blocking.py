# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""proton.utils: BlockingConnection, its senders and receivers, SyncRequestResponse, and the
errors they raise when the peer misbehaves or disappears."""

import socket
import threading
import time

import pytest

from proton import Condition, ConnectionException, Delivery, Message, Timeout
from proton.utils import BlockingConnection, ConnectionClosed, LinkDetached, SendException, SyncRequestResponse

import support


@pytest.fixture
def blocking(broker):
    conn = BlockingConnection(broker.url, timeout=5)
    try:
        yield conn
    finally:
        conn.close()


def _round_trip(conn):
    """Make sure everything sent before has reached the broker: a send waits for its outcome, and the
    broker handles frames in order. (Waiting for a condition only the broker's thread changes would
    not do: wait() checks it between I/O waits, and nothing would wake it.)"""
    conn.create_sender("sink/sync").send(Message(body="sync"))


def _fill(peer, queue, bodies):
    peer.call(lambda b: b.queues[queue].extend((Message(body=body), None) for body in bodies))


def test_send_and_receive(broker, blocking):
    sender = blocking.create_sender("bq")
    delivery = sender.send(Message(body="one", properties={"k": "v"}))
    assert delivery.remote_state == Delivery.ACCEPTED
    receiver = blocking.create_receiver("bq")
    msg = receiver.receive(timeout=5)
    receiver.accept()
    assert msg.body == "one" and msg.properties == {"k": "v"}
    _round_trip(blocking)
    assert broker.broker.outcomes[0][1:3] == ("one", Delivery.ACCEPTED)


def test_receive_times_out_when_nothing_arrives(blocking):
    receiver = blocking.create_receiver("nothing-here")
    started = time.monotonic()
    with pytest.raises(Timeout):
        receiver.receive(timeout=0.3)
    assert time.monotonic() - started < 5


def test_send_times_out_when_the_peer_never_settles(blocking):
    sender = blocking.create_sender("hold/forever")
    with pytest.raises(Timeout):
        sender.send(Message(body="stuck"), timeout=0.3)


def test_receiver_credit_lets_the_peer_push_ahead(broker, blocking):
    _fill(broker, "cq", range(5))
    receiver = blocking.create_receiver("cq", credit=5)
    support.wait_for(lambda: broker.call(lambda b: len(b.queues["cq"])) == 0, what="all 5 sent on credit")
    assert [receiver.receive(timeout=5).body for _ in range(5)] == list(range(5))
    for _ in range(5):
        receiver.accept()


def test_receiver_without_credit_asks_for_one_message_at_a_time(broker, blocking):
    _fill(broker, "nq", range(3))
    receiver = blocking.create_receiver("nq")
    time.sleep(0.2)
    assert broker.call(lambda b: len(b.queues["nq"])) == 3  # no credit given yet
    assert receiver.receive(timeout=5).body == 0
    receiver.accept()
    assert broker.call(lambda b: len(b.queues["nq"])) == 2


def test_accept_reject_release(broker, blocking):
    _fill(broker, "arq", ["a", "r", "m", "x"])
    receiver = blocking.create_receiver("arq", credit=1)
    assert receiver.receive(timeout=5).body == "a"
    receiver.accept()
    assert receiver.receive(timeout=5).body == "r"
    receiver.reject()
    assert receiver.receive(timeout=5).body == "m"
    receiver.release()  # delivered: MODIFIED
    redelivered = receiver.receive(timeout=5)
    receiver.release(delivered=False)
    _round_trip(blocking)
    states = [(body, state) for _, body, state, _ in broker.broker.outcomes[:4]]
    assert states == [("a", Delivery.ACCEPTED), ("r", Delivery.REJECTED), ("m", Delivery.MODIFIED),
                      (redelivered.body, Delivery.RELEASED)]
    assert redelivered.body in ("m", "x")  # "m" went back to the queue; "x" may have been on its way


def test_send_raises_send_exception_when_rejected_or_released(blocking):
    with pytest.raises(SendException) as info:
        blocking.create_sender("reject/b").send(Message(body="no"))
    assert info.value.state == Delivery.REJECTED
    with pytest.raises(SendException) as info:
        blocking.create_sender("release/b").send(Message(body="no"))
    assert info.value.state == Delivery.RELEASED
    delivery = blocking.create_sender("reject/c").send(Message(body="tolerated"), error_states=[])
    assert delivery.remote_state == Delivery.REJECTED


def test_sync_request_response(broker, blocking):
    client = SyncRequestResponse(blocking, "service/upper")
    for text in ("hello", "again"):
        request = Message(body=text)
        reply = client.call(request)
        assert reply.body == text.upper()
        assert reply.correlation_id == request.correlation_id
    assert client.reply_to.startswith("dynamic/")
    received = [m for a, m in broker.broker.received if a == "service/upper"]
    assert [m.reply_to for m in received] == [client.reply_to] * 2


def test_connection_closed_by_the_peer_with_a_condition(broker):
    conn = BlockingConnection(broker.url, timeout=5)
    try:
        receiver = conn.create_receiver("cc", name="cc-link")
        broker.call(lambda b: b.close_connection_of("cc-link", Condition("amqp:internal-error", "going away")))
        with pytest.raises(ConnectionClosed) as info:
            receiver.receive(timeout=5)
        assert info.value.condition == "amqp:internal-error"
        assert "going away" in str(info.value)
    finally:
        conn.close()


def test_link_detached_by_the_peer_with_a_condition(broker, blocking):
    receiver = blocking.create_receiver("ld", name="ld-link")
    broker.call(lambda b: b.close_link("ld-link", Condition("amqp:not-found", "node deleted")))
    with pytest.raises(LinkDetached) as info:
        receiver.receive(timeout=5)
    assert info.value.condition == "amqp:not-found"
    assert info.value.link.name == "ld-link"
    # the connection itself is still usable
    assert blocking.create_sender("sink/after").send(Message(body=1)).remote_state == Delivery.ACCEPTED


def test_peer_going_away_mid_wait_raises_connection_exception(broker):
    conn = BlockingConnection(broker.url, timeout=5)
    try:
        receiver = conn.create_receiver("gone", name="gone-link")
        cutter = threading.Timer(0.3, lambda: broker.call(lambda b: b.drop_connections()))
        cutter.start()
        started = time.monotonic()
        with pytest.raises(ConnectionException) as info:
            receiver.receive(timeout=10)
        cutter.join()
        assert not isinstance(info.value, Timeout)
        assert time.monotonic() - started < 8
    finally:
        conn.close()


def test_connecting_to_nothing_raises_connection_exception():
    port = support.free_port()
    started = time.monotonic()
    with pytest.raises(ConnectionException):
        BlockingConnection(f"127.0.0.1:{port}", timeout=5)
    assert time.monotonic() - started < 5


def test_anonymous_sender_routes_by_message_address(broker, blocking):
    sender = blocking.create_sender(None)
    for address in ("anon-a", "anon-b"):
        sender.send(Message(address=address, body=address))
    receiver = blocking.create_receiver("anon-b")
    assert receiver.receive(timeout=5).body == "anon-b"
    receiver.accept()
    assert [(a, m.body) for a, m in broker.broker.received] == [("anon-a", "anon-a"), ("anon-b", "anon-b")]


def test_sync_request_response_with_per_request_addresses(broker, blocking):
    client = SyncRequestResponse(blocking)
    assert client.call(Message(address="service/one", body="x")).body == "X"
    assert client.call(Message(address="service/two", body="y")).body == "Y"
    with pytest.raises(ValueError):
        client.call(Message(body="no address"))


def test_connecting_to_a_peer_that_never_answers_times_out():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)  # the kernel completes the TCP handshake; nobody ever speaks AMQP
    try:
        started = time.monotonic()
        with pytest.raises(Timeout):
            BlockingConnection(f"127.0.0.1:{silent.getsockname()[1]}", timeout=0.5)
        assert time.monotonic() - started < 5
    finally:
        silent.close()
