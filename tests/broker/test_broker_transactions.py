# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Local transactions: transactional sends (held until commit, dropped at rollback) and
transactional acknowledgements (applied at commit, undone at rollback), with several clients."""

from __future__ import annotations

import threading
from typing import Any, Dict, List, Tuple

from proton import Delivery, Described, Message, Terminus, Timeout, symbol, ulong
from proton.handlers import MessagingHandler, TransactionHandler
from proton.reactor import Container
from proton.utils import BlockingConnection


class TxPublisher(MessagingHandler, TransactionHandler):
    """Runs ``plan``: for each ``(ending, bodies)``, declare, send the bodies inside the
    transaction, note the queue depth, then commit or abort and note the depth again."""

    def __init__(self, broker: Any, address: str, plan: List[Tuple[str, List[Any]]]) -> None:
        super().__init__()
        self.broker, self.address, self.plan = broker, address, list(plan)
        self.sender: Any = None
        self.connection: Any = None
        self.transaction: Any = None
        self.batch: List[Any] = []
        self.unsettled = 0
        self.log: List[Tuple[str, int]] = []

    def on_start(self, event: Any) -> None:
        self.connection = event.container.connect(self.broker.url)
        self.sender = event.container.create_sender(self.connection, self.address)
        self.next_batch(event)

    def next_batch(self, event: Any) -> None:
        if not self.plan:
            self.connection.close()
            self.deadline_task.cancel()
            return
        event.container.declare_transaction(self.connection, handler=self)

    def on_transaction_declared(self, event: Any) -> None:
        self.transaction = event.transaction
        self.batch = list(self.plan[0][1])
        self.send_batch()

    def on_sendable(self, event: Any) -> None:
        self.send_batch()

    def send_batch(self) -> None:
        while self.transaction is not None and self.batch and self.sender.credit > 0:
            self.transaction.send(self.sender, Message(body=self.batch.pop(0)))
            self.unsettled += 1

    def on_settled(self, event: Any) -> None:
        if event.link != self.sender:
            return
        self.unsettled -= 1
        if self.unsettled == 0 and not self.batch and self.transaction is not None:
            ending = self.plan.pop(0)[0]
            self.log.append(("held", self.broker.queue_depth(self.address)))
            transaction, self.transaction = self.transaction, None
            transaction.commit() if ending == "commit" else transaction.abort()

    def on_transaction_committed(self, event: Any) -> None:
        self.log.append(("committed", self.broker.queue_depth(self.address)))
        self.next_batch(event)

    def on_transaction_aborted(self, event: Any) -> None:
        self.log.append(("aborted", self.broker.queue_depth(self.address)))
        self.next_batch(event)


def fill(broker: Any, address: str, bodies: List[Any]) -> None:
    connection = BlockingConnection(broker.url)
    try:
        sender = connection.create_sender(address)
        for body in bodies:
            sender.send(Message(body=body))
    finally:
        connection.close()


def take(broker: Any, address: str) -> List[Any]:
    connection = BlockingConnection(broker.url)
    got = []
    try:
        receiver = connection.create_receiver(address, credit=20)
        while True:
            try:
                got.append(receiver.receive(timeout=0.4).body)
            except Timeout:
                return got
            receiver.accept()
    finally:
        connection.close()


def test_transactional_sends_appear_at_commit(broker: Any, tools: Any, run_handler: Any) -> None:
    address = tools.unique()
    plan = [("commit", [1, 2, 3]), ("abort", [4, 5]), ("commit", [6])]
    handler = run_handler(TxPublisher(broker, address, plan))
    assert handler.log == [("held", 0), ("committed", 3), ("held", 3), ("aborted", 3), ("held", 3),
                           ("committed", 4)]
    assert take(broker, address) == [1, 2, 3, 6]
    assert broker.stats()["transactions"] == 0


def test_two_publishers_commit_and_abort_independently(broker: Any, tools: Any) -> None:
    address = tools.unique()
    committing = TxPublisher(broker, address, [("commit", ["c1", "c2"])])
    aborting = TxPublisher(broker, address, [("abort", ["a1", "a2"])])
    results: Dict[str, Any] = {}

    def run(name: str, handler: Any) -> None:
        container = Container(handler)
        handler.deadline_task = container.schedule(20, _Stop())
        container.run()
        results[name] = handler.log

    threads = [threading.Thread(target=run, args=(n, h)) for n, h in (("c", committing), ("a", aborting))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results["c"][-1][0] == "committed" and results["a"][-1][0] == "aborted"
    assert sorted(take(broker, address)) == ["c1", "c2"]


class _Stop:
    def on_timer_task(self, event: Any) -> None:
        event.container.stop()


class TxConsumer(MessagingHandler, TransactionHandler):
    """Takes ``count`` messages, accepts them inside a transaction, notes what the broker holds,
    then commits or aborts (``ending``) and notes the queue depth again."""

    def __init__(self, broker: Any, address: str, count: int, ending: str) -> None:
        super().__init__(prefetch=0, auto_accept=False)
        self.broker, self.address, self.count, self.ending = broker, address, count, ending
        self.connection: Any = None
        self.receiver: Any = None
        self.transaction: Any = None
        self.received: List[Any] = []
        self.log: List[Tuple[str, Any]] = []

    def on_start(self, event: Any) -> None:
        self.connection = event.container.connect(self.broker.url)
        self.receiver = event.container.create_receiver(self.connection, self.address)
        event.container.declare_transaction(self.connection, handler=self)

    def on_transaction_declared(self, event: Any) -> None:
        self.transaction = event.transaction
        self.receiver.flow(self.count)

    def on_message(self, event: Any) -> None:
        self.received.append(event.message.body)
        self.transaction.accept(event.delivery)
        if len(self.received) == self.count:
            stats = self.broker.stats()
            self.log.append(("held", (stats["queues"][self.address], stats["unacked"])))
            self.transaction.commit() if self.ending == "commit" else self.transaction.abort()

    def on_transaction_committed(self, event: Any) -> None:
        self.finish("committed")

    def on_transaction_aborted(self, event: Any) -> None:
        self.finish("aborted")

    def finish(self, what: str) -> None:
        self.log.append((what, self.broker.queue_depth(self.address)))
        self.connection.close()
        self.deadline_task.cancel()


def test_transactional_acknowledgements_apply_at_commit(broker: Any, tools: Any, run_handler: Any) -> None:
    address = tools.unique()
    fill(broker, address, ["a", "b", "c", "d"])
    handler = run_handler(TxConsumer(broker, address, 3, "commit"))
    assert handler.received == ["a", "b", "c"]
    assert handler.log == [("held", (1, 3)), ("committed", 1)]
    assert take(broker, address) == ["d"]


def test_transactional_acknowledgements_undone_at_rollback(broker: Any, tools: Any, run_handler: Any) -> None:
    address = tools.unique()
    fill(broker, address, ["a", "b", "c", "d"])
    handler = run_handler(TxConsumer(broker, address, 2, "abort"))
    assert handler.received == ["a", "b"]
    assert handler.log == [("held", (2, 2)), ("aborted", 4)]
    assert take(broker, address) == ["a", "b", "c", "d"]


class TxDoubleCommit(MessagingHandler, TransactionHandler):
    """Commits a transaction, then tries to discharge the same (now unknown) one again."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.events: List[str] = []
        self.transaction: Any = None

    def on_start(self, event: Any) -> None:
        self.connection = event.container.connect(self.url)
        event.container.declare_transaction(self.connection, handler=self)

    def on_transaction_declared(self, event: Any) -> None:
        self.events.append("declared")
        self.transaction = event.transaction
        self.transaction.commit()

    def on_transaction_committed(self, event: Any) -> None:
        self.events.append("committed")
        if self.events.count("committed") == 1:
            self.transaction.commit()
        else:
            self.finish()

    def on_transaction_commit_failed(self, event: Any) -> None:
        self.events.append("commit failed")
        self.failure = event.delivery.remote.condition
        self.finish()

    def finish(self) -> None:
        self.connection.close()
        self.deadline_task.cancel()


def test_discharging_an_unknown_transaction_fails(broker: Any, run_handler: Any) -> None:
    handler = run_handler(TxDoubleCommit(broker.url))
    assert handler.events == ["declared", "committed", "commit failed"]
    assert handler.failure.name == "amqp:transaction:unknown-id"


def _raw_coordinator(tools: Any, broker: Any) -> Tuple[Any, Any, Any]:
    peer = tools.RawPeer(broker.port)
    session = peer.connection.session()
    session.open()
    controller = session.sender("raw-txn-ctrl")
    controller.target.type = Terminus.COORDINATOR
    controller.target.capabilities.put_object(symbol("amqp:local-transactions"))
    controller.open()
    peer.pump(lambda: peer.attached(controller) and controller.credit > 0)
    return peer, session, controller


def _control(peer: Any, controller: Any, tag: str, body: Any) -> Any:
    delivery = controller.delivery(tag)
    controller.stream(Message(body=body).encode())
    controller.advance()
    peer.pump(lambda: delivery.remote_state)
    return delivery


def test_numeric_descriptors_and_rollback_when_the_client_vanishes(broker: Any, tools: Any) -> None:
    address = tools.unique()
    peer, session, controller = _raw_coordinator(tools, broker)
    assert controller.remote_target.type == Terminus.COORDINATOR
    declared = _control(peer, controller, "d1", Described(ulong(0x31), [None]))
    assert declared.remote_state == 0x33
    txn_id = declared.remote.data[0]
    sender = session.sender("raw-data")
    sender.target.address = address
    sender.open()
    peer.pump(lambda: sender.credit > 0)
    for number in range(2):
        delivery = sender.delivery(f"m{number}")
        sender.stream(Message(body=number).encode())
        delivery.local.data = [txn_id]
        delivery.update(0x34)
        sender.advance()
        peer.pump(lambda: delivery.remote_state)
        assert delivery.remote_state == 0x34
        assert delivery.remote.data[0] == txn_id
    assert broker.stats()["transactions"] == 1 and broker.queue_depth(address) == 0
    peer.abort_socket()
    tools.wait_for(lambda: broker.stats()["transactions"] == 0, what="the transaction to be rolled back")
    assert broker.queue_depth(address) == 0


def test_unknown_controls_and_unknown_ids_are_rejected(broker: Any, tools: Any) -> None:
    peer, session, controller = _raw_coordinator(tools, broker)
    try:
        bogus = _control(peer, controller, "b1", Described(symbol("amqp:bogus:list"), []))
        assert bogus.remote_state == Delivery.REJECTED
        assert bogus.remote.condition.name == "amqp:not-implemented"
        stray = _control(peer, controller, "b2", Described(symbol("amqp:discharge:list"), [b"no-such", False]))
        assert stray.remote_state == Delivery.REJECTED
        assert stray.remote.condition.name == "amqp:transaction:unknown-id"
        garbage = controller.delivery("b3")
        controller.stream(b"\x00\x53\x77\xff\xff")
        controller.advance()
        peer.pump(lambda: garbage.remote_state)
        assert garbage.remote_state == Delivery.REJECTED
        assert garbage.remote.condition.name == "amqp:decode-error"
    finally:
        peer.abort_socket()
    connection = BlockingConnection(broker.url)        # and the broker still serves
    try:
        connection.create_sender("after-tx-errors").send(Message(body=1))
    finally:
        connection.close()
