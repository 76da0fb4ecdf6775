# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""cyproton.aio against real peers: the embedded broker, python-qpid-proton 0.40's interpreter
running the test broker (server_prog.py), and cyproton.aio's own server; every test runs under the
default asyncio loop and under uvloop."""

import asyncio
import os
import selectors
import subprocess

import pytest

from proton import Condition, ConnectionException, Disposition, LinkException, Message
from proton.reactor import Backoff

import support

if not support.CYPROTON:   # the reference run (tests/test_reference_run.py): cyproton.aio is ours alone
    pytest.skip("cyproton.aio is cyproton's own API", allow_module_level=True)

from cyproton import aio  # noqa: E402
from cyproton.aio import _api as aio_api  # noqa: E402
from cyproton.broker import Broker  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LIMIT = 15


def _uvloop_factory():
    uvloop = pytest.importorskip("uvloop")
    return uvloop.new_event_loop()


@pytest.fixture(params=["asyncio", "uvloop"])
def run(request):
    """run(coroutine) on a fresh loop of the kind the test is parametrised with."""
    factory = asyncio.new_event_loop if request.param == "asyncio" else _uvloop_factory

    def runner(coro):
        loop = factory()
        try:
            return loop.run_until_complete(asyncio.wait_for(coro, LIMIT))
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
    return runner


@pytest.fixture
def broker():
    """The embedded broker (cyproton.broker) on a free loopback port."""
    with Broker(address="127.0.0.1:0") as running:
        yield running


@pytest.fixture
def ref_server(tmp_path):
    """The test broker run by python-qpid-proton 0.40's interpreter (skipped without .venv-ref)."""
    ref = os.environ.get("CYPROTON_REF_PYTHON") or os.path.join(REPO, ".venv-ref", "bin", "python")
    if not (os.path.isfile(ref) and os.access(ref, os.X_OK)):
        pytest.skip("no python-qpid-proton interpreter (.venv-ref)")
    port = support.free_port()
    log = open(tmp_path / "ref.log", "wb")
    proc = subprocess.Popen([ref, "-E", "-s", os.path.join(HERE, "server_prog.py"), str(port)],
                            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
    try:
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        ready = sel.select(15)
        sel.close()
        assert ready and proc.stdout.readline().strip() == b"READY", "reference server did not start"
        yield support.url_for("127.0.0.1", port)
    finally:
        proc.kill()
        proc.wait(10)
        proc.stdout.close()
        log.close()


async def _round_trip(url, count, credit):
    async with await aio.connect(url) as conn:
        sender = await conn.open_sender("aio-queue")
        receiver = await conn.open_receiver("aio-queue", credit=credit)
        outcomes = await asyncio.gather(*[sender.send(Message(body=i)) for i in range(count)])
        got = []
        async for delivery in receiver:
            got.append(delivery.message.body)
            delivery.accept()
            if len(got) == count:
                break
        with pytest.raises(asyncio.TimeoutError):
            await receiver.receive(timeout=0.2)
        assert receiver.credit <= credit        # auto top-up keeps the window, never more
        return outcomes, got


@pytest.mark.parametrize("peer", ["broker", "reference"])
def test_many_in_flight_nothing_lost_nothing_duplicated(run, peer, request):
    url = request.getfixturevalue("broker").url if peer == "broker" else request.getfixturevalue("ref_server")
    outcomes, got = run(_round_trip(url, 500, 16))
    assert outcomes == [Disposition.ACCEPTED] * 500
    assert got == list(range(500))


def test_presettled_send_completes_on_transfer(run, broker):
    async def main():
        async with await aio.connect(broker.url) as conn:
            sender = await conn.open_sender("pre", settled=True)
            results = await asyncio.gather(*[sender.send(Message(body=i)) for i in range(50)])
            receiver = await conn.open_receiver("pre", credit=100)
            bodies = [(await receiver.receive(timeout=5)).message.body for _ in range(50)]
            return results, bodies
    results, bodies = run(main())
    assert results == [None] * 50
    assert bodies == list(range(50))


def test_send_nowait_futures(run, broker):
    async def main():
        async with await aio.connect(broker.url) as conn:
            sender = await conn.open_sender("nowait")
            futures = [sender.send_nowait(Message(body=i)) for i in range(100)]
            assert not any(f.done() for f in futures)     # nothing is sent before the loop runs
            return await asyncio.gather(*futures)
    assert run(main()) == [Disposition.ACCEPTED] * 100


async def _outcome_server(server):
    """An aio server: accepts one connection, takes its links, answers by body."""
    conn = await server.accept()
    async for link in conn.incoming_links(credit=5):
        if isinstance(link, aio.Receiver):
            async for delivery in link:
                body = delivery.message.body
                if body == "reject":
                    delivery.reject(Condition("test:refused", "not this one"))
                elif body == "release":
                    delivery.release()
                elif body == "modify":
                    delivery.modify(delivery_failed=True, undeliverable=True)
                elif body == "hang-up":
                    await conn.close(Condition("test:bye", "closing on you"))
                    return
                else:
                    delivery.accept()


def test_outcomes_raise_proton_exceptions_with_condition(run):
    async def main():
        port = support.free_port()
        server = await aio.listen(f"127.0.0.1:{port}")
        serving = asyncio.ensure_future(_outcome_server(server))
        try:
            async with await aio.connect(f"127.0.0.1:{port}") as conn:
                sender = await conn.open_sender("outcomes")
                assert await sender.send(Message(body="fine")) == Disposition.ACCEPTED
                with pytest.raises(aio.DeliveryRejected) as rejected:
                    await sender.send(Message(body="reject"))
                with pytest.raises(aio.DeliveryReleased) as released:
                    await sender.send(Message(body="release"))
                with pytest.raises(aio.DeliveryModified) as modified:
                    await sender.send(Message(body="modify"))
                assert await sender.send(Message(body="fine again")) == Disposition.ACCEPTED
                return rejected.value, released.value, modified.value
        finally:
            serving.cancel()
            await server.close()
    rejected, released, modified = run(main())
    assert isinstance(rejected, LinkException)
    assert rejected.condition.name == "test:refused" and rejected.condition.description == "not this one"
    assert rejected.outcome == Disposition.REJECTED
    assert released.outcome == Disposition.RELEASED and released.condition is None
    assert modified.outcome == Disposition.MODIFIED


def test_peer_close_wakes_every_waiter(run):
    async def main():
        port = support.free_port()
        server = await aio.listen(f"127.0.0.1:{port}")
        serving = asyncio.ensure_future(_outcome_server(server))
        try:
            conn = await aio.connect(f"127.0.0.1:{port}")
            receiver = await conn.open_receiver("nothing-here", credit=3)
            sender = await conn.open_sender("outcomes")
            waiters = [asyncio.ensure_future(receiver.receive()) for _ in range(3)]
            await asyncio.sleep(0.05)
            with pytest.raises(aio.ConnectionClosed) as closed:
                await sender.send(Message(body="hang-up"))
            results = await asyncio.gather(*waiters, return_exceptions=True)
            with pytest.raises(aio.ConnectionClosed):
                await conn.open_sender("too-late")
            await conn.close()
            return closed.value, results
        finally:
            await serving
            await server.close()
    closed, results = run(main())
    assert isinstance(closed, ConnectionException)
    assert all(isinstance(r, aio.ConnectionClosed) for r in results), results
    assert any(r.condition is not None and r.condition.name == "test:bye" for r in results + [closed])


def test_a_task_that_never_waits_still_has_its_frames_written(run):
    """send_nowait in a loop that never awaits: every FLUSH_EVERY sends the container is processed
    at once, so the transfers are on the wire before the task gives the loop a turn."""
    count = 3 * aio_api.FLUSH_EVERY

    async def main(url):
        async with await aio.connect(url) as conn:
            sender = await conn.open_sender("flushed")
            while sender.credit < count:            # the broker's window
                await asyncio.sleep(0.01)
            transport = conn.proton_connection.transport
            before = transport.frames_output
            futures = [sender.send_nowait(Message(body=i)) for i in range(count)]
            written = transport.frames_output - before      # no await since the first send
            await asyncio.gather(*futures)
            return written
    with Broker(address="127.0.0.1:0", credit_window=2 * count) as broker:
        assert run(main(broker.url)) >= 2 * aio_api.FLUSH_EVERY


def test_an_outcome_is_given_once(run, broker):
    async def main():
        async with await aio.connect(broker.url) as conn:
            sender = await conn.open_sender("once")
            await asyncio.gather(*[sender.send(Message(body=i)) for i in range(2)])
            receiver = await conn.open_receiver("once", credit=1)
            first = await receiver.receive(timeout=5)
            assert not first.settled
            first.accept()
            assert first.settled
            first.release()                 # too late: nothing more is sent
            first.reject(Condition("test:late", "too late"))
            second = await receiver.receive(timeout=5)
            second.release()                # back to the queue: delivered again
            again = await receiver.receive(timeout=5)
            again.accept()
            await receiver.close()
            # the accepted one is gone for good: a new receiver finds nothing
            receiver = await conn.open_receiver("once", credit=5)
            with pytest.raises(asyncio.TimeoutError):
                await receiver.receive(timeout=0.3)
            return first.message.body, second.message.body, again.message.body
    assert run(main()) == (0, 1, 1)


def test_undecodable_bytes_are_rejected_and_the_link_goes_on(run):
    """Bytes that are not a message, sent to an aio server: rejected with amqp:decode-error (the
    application never sees them), and the next message arrives as usual."""
    async def serve(server, got):
        conn = await server.accept()
        async for link in conn.incoming_links(credit=5):
            if isinstance(link, aio.Receiver):
                async for delivery in link:
                    got.append(delivery.message.body)
                    delivery.accept()

    async def main():
        port = support.free_port()
        server = await aio.listen(f"127.0.0.1:{port}")
        got = []
        serving = asyncio.ensure_future(serve(server, got))
        try:
            async with await aio.connect(f"127.0.0.1:{port}") as conn:
                sender = await conn.open_sender("raw")
                link = sender.proton_link
                raw = link.delivery("raw-1")
                link.send(b"\x00\x53\x77\xa1\xff")           # a value section cut short
                link.advance()
                conn._core.bridge.kick()
                for _ in range(500):
                    if raw.remote_state is not None and raw.remote_state != 0:
                        break
                    await asyncio.sleep(0.01)
                assert await sender.send(Message(body="fine")) == Disposition.ACCEPTED
                return raw.remote_state, raw.remote.condition, got
        finally:
            serving.cancel()
            await server.close()
    state, condition, got = run(main())
    assert state == Disposition.REJECTED
    assert condition is not None and condition.name == "amqp:decode-error"
    assert got == ["fine"]


def test_connections_leave_no_container_behind(run, broker):
    """Each connect runs a container of its own: once the connection has ended (or never opened),
    nothing keeps it alive (the engine's tie from a transport to its socket is cut)."""
    import gc
    from proton.reactor import Container

    def containers():
        gc.collect()
        # by type: isinstance() on a weak proxy whose object is gone would raise
        return sum(1 for o in gc.get_objects() if issubclass(type(o), Container))

    async def main():
        for _ in range(3):
            with pytest.raises(aio.ConnectionClosed):
                await aio.connect(f"127.0.0.1:{support.free_port()}")
        for _ in range(3):
            async with await aio.connect(broker.url) as conn:
                sender = await conn.open_sender("no-leak")
                await sender.send(Message(body="x"))
    before = containers()
    run(main())
    assert containers() == before


async def _hold_then_drop(server, count, got):
    """The first connection: take ``count`` messages, settle none, drop the socket (no close
    frame). The next one (the client's reconnect): accept everything, noting the bodies."""
    first = await server.accept()
    async for link in first.incoming_links(credit=count):
        if isinstance(link, aio.Receiver):
            held = [await link.receive(timeout=5) for _ in range(count)]
            assert not any(d.settled for d in held)
            break
    container = first._core.bridge.container
    container._close_socket(first.proton_connection.transport)
    first._core.bridge.kick()
    second = await server.accept()
    async for link in second.incoming_links(credit=count):
        if isinstance(link, aio.Receiver):
            async for delivery in link:
                got.append(delivery.message.body)
                delivery.accept()


@pytest.mark.parametrize("resend", [True, False], ids=["resend", "no-resend"])
def test_reconnect_resends_or_fails_what_was_in_flight(run, resend):
    """With reconnect, the messages the peer had not settled when the connection dropped are sent
    again on the next connection and their futures get the outcome from there (aio's default);
    with resend_unsettled=False their futures fail with ConnectionClosed. Either way, none hangs."""
    count = 20

    async def main():
        port = support.free_port()
        server = await aio.listen(f"127.0.0.1:{port}")
        got = []
        serving = asyncio.ensure_future(_hold_then_drop(server, count, got))
        try:
            options = {} if resend else {"resend_unsettled": False}
            async with await aio.connect(f"127.0.0.1:{port}", reconnect=True, **options) as conn:
                sender = await conn.open_sender("in-flight")
                futures = [sender.send_nowait(Message(body=i)) for i in range(count)]
                outcomes = await asyncio.gather(*futures, return_exceptions=True)
                if not resend:      # the link is back on the new connection: a new message goes through
                    assert await sender.send(Message(body="after")) == Disposition.ACCEPTED
                return outcomes, got
        finally:
            serving.cancel()
            await server.close()
    outcomes, got = run(main())
    if resend:
        assert outcomes == [Disposition.ACCEPTED] * count
        assert sorted(got) == list(range(count))
    else:
        assert all(isinstance(o, aio.ConnectionClosed) for o in outcomes), outcomes
        assert got == ["after"]


def test_a_reconnect_that_gives_up_wakes_every_waiter(run):
    """Backoff(max_tries=2) and a server that is gone for good: once the plan is used up, the
    send in flight, a receive and the next call all end with ConnectionClosed (none waits on)."""
    async def serve(server, ready):
        conn = await server.accept()
        async for link in conn.incoming_links(credit=10):
            if isinstance(link, aio.Receiver):
                await link.receive(timeout=5)       # taken, never settled
                ready.set_result(None)
                return

    async def main():
        port = support.free_port()
        server = await aio.listen(f"127.0.0.1:{port}")
        ready = asyncio.get_running_loop().create_future()
        serving = asyncio.ensure_future(serve(server, ready))
        conn = await aio.connect(f"127.0.0.1:{port}", reconnect=Backoff(initial=0.01, max_delay=0.05, max_tries=2))
        sender = await conn.open_sender("gone")
        receiver = await conn.open_receiver("gone-too", credit=1)
        in_flight = sender.send_nowait(Message(body="lost"))
        waiting = asyncio.ensure_future(receiver.receive())
        await ready
        await serving
        await server.close()                        # the socket and the listener: nothing comes back
        outcomes = await asyncio.gather(in_flight, waiting, return_exceptions=True)
        with pytest.raises(aio.ConnectionClosed):
            await sender.send(Message(body="after"))
        await conn.close()
        return outcomes
    outcomes = run(main())
    assert all(isinstance(o, aio.ConnectionClosed) for o in outcomes), outcomes


def test_a_state_on_the_way_is_not_the_outcome(run):
    """A receiver that first says "received" (an unsettled, non-terminal state) and accepts later:
    the send's future waits for the accept."""
    async def main():
        port = support.free_port()
        server = await aio.listen(f"127.0.0.1:{port}")
        try:
            async with await aio.connect(f"127.0.0.1:{port}") as client:
                conn = await server.accept()
                sender = await client.open_sender("received-first")
                future = sender.send_nowait(Message(body="x"))
                links = conn.incoming_links(credit=5)
                receiver = await links.__anext__()
                delivery = await receiver.receive(timeout=5)
                delivery._delivery.update(Disposition.RECEIVED)
                conn._core.bridge.kick()
                await asyncio.sleep(0.2)
                early = future.done()
                delivery.accept()
                return early, await asyncio.wait_for(future, 5)
        finally:
            await server.close()
    early, outcome = run(main())
    assert not early
    assert outcome == Disposition.ACCEPTED


def test_cancelled_waiter_leaves_connection_usable(run, broker):
    async def main():
        async with await aio.connect(broker.url) as conn:
            receiver = await conn.open_receiver("cancel", credit=4)
            sender = await conn.open_sender("cancel")
            waiting = asyncio.ensure_future(receiver.receive())
            await asyncio.sleep(0.05)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            with pytest.raises(asyncio.TimeoutError):
                await receiver.receive(timeout=0.05)
            await asyncio.gather(*[sender.send(Message(body=i)) for i in range(20)])
            got = []
            for _ in range(20):
                delivery = await receiver.receive(timeout=5)
                got.append(delivery.message.body)
                delivery.accept()
            return got
    assert run(main()) == list(range(20))


def test_flow_and_drain_without_window(run, broker):
    async def main():
        async with await aio.connect(broker.url) as conn:
            sender = await conn.open_sender("manual")
            await asyncio.gather(*[sender.send(Message(body=i)) for i in range(5)])
            receiver = await conn.open_receiver("manual", credit=0)
            with pytest.raises(asyncio.TimeoutError):
                await receiver.receive(timeout=0.1)     # no credit: nothing comes
            receiver.flow(3)
            first = [(await receiver.receive(timeout=5)) for _ in range(3)]
            for delivery in first:
                delivery.accept()
            receiver.flow(10)
            await receiver.drain(timeout=5)
            assert receiver.credit == 0
            rest = []
            while True:
                try:
                    delivery = await receiver.receive(timeout=0.1)
                except asyncio.TimeoutError:
                    break
                rest.append(delivery.message.body)
                delivery.accept()
            return [d.message.body for d in first], rest
    first, rest = run(main())
    assert first == [0, 1, 2]
    assert rest == [3, 4]


def test_connect_failure_raises(run):
    async def main():
        port = support.free_port()
        with pytest.raises(aio.ConnectionClosed):
            await aio.connect(f"127.0.0.1:{port}")
    run(main())


def test_failed_connects_leave_no_descriptor_behind(run):
    # an application's own failover loop retries for as long as a cluster is down: each failed attempt
    # used to keep its container's epoll and eventfd open, until the process ran out of descriptors
    async def main():
        port = support.free_port()
        before = len(os.listdir("/proc/self/fd"))
        for _ in range(150):
            with pytest.raises(aio.ConnectionClosed):
                await aio.connect(f"127.0.0.1:{port}")
        return len(os.listdir("/proc/self/fd")) - before
    assert run(main()) < 10


def test_connect_options_reach_the_peer(run):
    async def main():
        port = support.free_port()
        async with await aio.listen(f"127.0.0.1:{port}") as server:
            with pytest.raises(aio.ConnectionClosed) as refused:     # the server offers no PLAIN
                await aio.connect(f"127.0.0.1:{port}", user="someone", password="secret", allowed_mechs="PLAIN")
            assert refused.value.condition.name == "amqp:unauthorized-access"
            async with await aio.connect(f"127.0.0.1:{port}", properties={"client": "aio"}, heartbeat=2):
                accepted = await server.accept(timeout=5)
                peer = accepted.proton_connection
                return peer.remote_properties, peer.transport.remote_idle_timeout
    properties, idle = run(main())
    assert properties == {"client": "aio"}
    assert idle == 1.0         # heartbeat=2: the engine advertises half of it, as proton does


def test_echo_server_many_clients(run):
    """The aio server echoes to reply-to addresses of several concurrent aio clients."""
    async def echo(server):
        async def serve(conn):
            senders = {}
            async for link in conn.incoming_links():
                if isinstance(link, aio.Sender):
                    senders[link.address] = link
                else:
                    async def pump(receiver):
                        async for delivery in receiver:
                            reply = Message(body=delivery.message.body)
                            delivery.accept()
                            senders[delivery.message.reply_to].send_nowait(reply)
                    asyncio.ensure_future(pump(link))
        async for conn in server:
            asyncio.ensure_future(serve(conn))

    async def client(url, n):
        async with await aio.connect(url) as conn:
            receiver = await conn.open_receiver(f"replies-{n}", credit=8)
            sender = await conn.open_sender("echo")
            await asyncio.gather(*[sender.send(Message(body=(n, i), reply_to=f"replies-{n}")) for i in range(40)])
            bodies = []
            for _ in range(40):
                delivery = await receiver.receive(timeout=5)
                bodies.append(delivery.message.body)
                delivery.accept()
            return sorted(bodies)

    async def main():
        port = support.free_port()
        server = await aio.listen(f"127.0.0.1:{port}")
        serving = asyncio.ensure_future(echo(server))
        try:
            return await asyncio.gather(*[client(f"127.0.0.1:{port}", n) for n in range(4)])
        finally:
            await server.close()
            serving.cancel()
    results = run(main())
    assert results == [[[n, i] for i in range(40)] for n in range(4)]    # AMQP lists


def test_send_cancelled_before_credit_is_not_sent(run):
    async def main():
        port = support.free_port()
        async with await aio.listen(f"127.0.0.1:{port}") as server:
            async with await aio.connect(f"127.0.0.1:{port}") as conn:
                accepted = await server.accept(timeout=5)
                links = accepted.incoming_links(credit=0)
                sender = await conn.open_sender("held")
                receiver = await links.__anext__()
                given_up = asyncio.ensure_future(sender.send(Message(body="given up")))
                await asyncio.sleep(0.05)
                assert sender.credit == 0 and not given_up.done()
                given_up.cancel()
                kept = asyncio.ensure_future(sender.send(Message(body="kept")))
                receiver.flow(2)
                delivery = await receiver.receive(timeout=5)
                delivery.accept()
                assert await kept == Disposition.ACCEPTED
                with pytest.raises(asyncio.TimeoutError):
                    await receiver.receive(timeout=0.2)
                await links.aclose()
                return delivery.message.body
    assert run(main()) == "kept"


def test_request_response_through_the_broker(run, broker):
    async def service(conn):
        requests = await conn.open_receiver("service", credit=10)
        replies = {}
        async for delivery in requests:
            request = delivery.message
            if request.reply_to not in replies:
                replies[request.reply_to] = await conn.open_sender(request.reply_to)
            await replies[request.reply_to].send(Message(body=request.body.upper(),
                                                         correlation_id=request.correlation_id))
            delivery.accept()

    async def main():
        async with await aio.connect(broker.url) as server_side:
            serving = asyncio.ensure_future(service(server_side))
            async with await aio.connect(broker.url) as conn:
                requester = await conn.open_requester("service")
                assert requester.reply_to
                answers = await asyncio.gather(*[requester.request(Message(body=f"word {i}"), timeout=5)
                                                 for i in range(30)])
                await requester.close()
            serving.cancel()
            return [answer.body for answer in answers]
    assert run(main()) == [f"WORD {i}" for i in range(30)]


def test_transactions_commit_and_abort(run, broker):
    async def main():
        async with await aio.connect(broker.url) as conn:
            sender = await conn.open_sender("txn-queue")
            async with conn.transaction() as txn:
                for i in range(5):
                    await txn.send(sender, Message(body=f"kept {i}"))
            with pytest.raises(RuntimeError):
                async with conn.transaction() as txn:
                    for i in range(3):
                        await txn.send(sender, Message(body=f"rolled back {i}"))
                    raise RuntimeError("give up")
            receiver = await conn.open_receiver("txn-queue", credit=20)
            return await _accept_until_quiet(receiver)
    assert run(main()) == [f"kept {i}" for i in range(5)]


async def _accept_until_quiet(receiver):
    """Accept whatever arrives until nothing has come for half a second; the bodies."""
    bodies = []
    while True:
        try:
            delivery = await receiver.receive(timeout=0.5)
        except asyncio.TimeoutError:
            return bodies
        bodies.append(delivery.message.body)
        delivery.accept()


def test_transactional_accept(run, broker):
    async def main():
        async with await aio.connect(broker.url) as conn:
            sender = await conn.open_sender("txn-accept")
            await asyncio.gather(*[sender.send(Message(body=i)) for i in range(2)])
            receiver = await conn.open_receiver("txn-accept", credit=0)
            receiver.flow(1)
            first = await receiver.receive(timeout=5)
            with pytest.raises(RuntimeError):
                async with conn.transaction() as txn:
                    txn.accept(first)
                    raise RuntimeError("roll the accept back")
            receiver.flow(1)
            second = await receiver.receive(timeout=5)
            async with conn.transaction() as txn:
                txn.accept(second)
            await receiver.close()
            again = await conn.open_receiver("txn-accept", credit=10)
            left = await _accept_until_quiet(again)
            return first.message.body, second.message.body, left
    first, second, left = run(main())
    assert (first, second) == (0, 0)    # the rolled-back accept put message 0 back: it came again
    assert left == [1]                  # the committed accept consumed it
