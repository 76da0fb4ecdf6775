# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The exact bytes each engine patch (proton_c/patches) and each wrapper fix is about, sent to a
``Container.listen`` server and to the embedded broker, each in a process of its own.

Every input must leave the server running, end that one connection with an error condition
(the server closes it by itself, and reports the condition), and leave a new real client served.
Where python-qpid-proton 0.40 crashes or stops serving on the same bytes, a test shows it, so these
tests can fail.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from typing import Callable, Iterator, List

import pytest

from hostile import (Server, assert_still_serves, crashed, fresh_client, hard_limit, ref_server,  # noqa: F401
                     reported_error, talk)

pytestmark = pytest.mark.timeout(120)

H = bytes.fromhex

# name: (chunks, condition name, text in the description)
CASES = {
    # 0001: the AMQP SASL header and a sasl-init whose field list is empty (20 bytes)
    "sasl-init-without-fields": (
        [H("414d5150030100000000000c0201000000534145")],
        "amqp:decode-error", "sasl-init without a valid mechanism symbol"),
    # 0001: a sasl-init whose mechanism symbol claims 255 bytes
    "sasl-init-bogus-mechanism-length": (
        [H("414d5150030100000000001102010000005341c00401a3ff41")],
        "amqp:decode-error", "sasl-init without a valid mechanism symbol"),
    # 0001: the mechanism as a string, not a symbol
    "sasl-init-mechanism-not-a-symbol": (
        [H("414d5150030100000000001902010000005341c00c01a109414e4f4e594d4f5553")],
        "amqp:decode-error", "sasl-init without a valid mechanism symbol"),
    # 0001: "ANONYMOUS\0x"
    "sasl-init-mechanism-with-nul": (
        [H("414d5150030100000000001b02010000005341c00e01a30b414e4f4e594d4f55530078")],
        "amqp:decode-error", "sasl-init without a valid mechanism symbol"),
    # 0002: a sasl-response before any sasl-init (Cyrus steps a mechanism never started)
    "sasl-response-before-init": (
        [H("414d5150030100000000001202010000005343c00501a0027878")],
        "amqp:connection:framing-error", "sasl-response before sasl-init"),
    # 0002: sasl-init CRAM-MD5 (the server challenges), then a second sasl-init
    "sasl-init-twice": (
        [H("414d5150030100000000001802010000005341c00b01a3084352414d2d4d4435"),
         H("0000001802010000005341c00b01a3084352414d2d4d4435")],
        "amqp:connection:framing-error", "unexpected second sasl-init"),
    # 0003: open and begin in place of the SASL exchange
    "amqp-frames-in-the-sasl-layer": (
        [H("414d5150030100000000001102000000005310c00401a101630000001402000000005311c00704404352645264")],
        "amqp:connection:framing-error", "unexpected AMQP frame (type 0) in the SASL layer"),
    # 0003 (and 0001 again): ANONYMOUS succeeds, then an empty sasl-init after the AMQP header
    "sasl-frame-after-authentication": (
        [H("414d5150030100000000001c02010000005341c00f02a309414e4f4e594d4f5553a00178414d5150000100000000000c02010000"
           "00534145")],
        "amqp:connection:framing-error", "unexpected SASL frame (type 1) in the AMQP layer"),
    # 0004: sasl-mechanisms sent to a server (a client's frame in the wrong direction)
    "sasl-mechanisms-to-a-server": (
        [H("414d5150030100000000001802010000005340c00b01e00801a305504c41494e")],
        "amqp:connection:framing-error", "unexpected frame: type 1, descriptor 0x40"),
    # 0004: a performative with descriptor 0x99
    "unknown-performative": (
        [H("414d5150000100000000001102000000005310c00401a10163"), H("0000001002000000005399c003015201")],
        "amqp:connection:framing-error", "unexpected frame: type 0, descriptor 0x99"),
    # 0004: a frame body that is a bare list
    "frame-body-not-described": (
        [H("414d5150000100000000001102000000005310c00401a10163"), H("000000090200000045")],
        "amqp:connection:framing-error", "frame body is not a performative"),
    # 0005: a second begin on channel 0
    "begin-on-a-channel-in-use": (
        [H("414d5150000100000000001102000000005310c00401a101630000001402000000005311c00704404352645264"),
         H("0000001402000000005311c00704404352645264")],
        "amqp:connection:framing-error", "begin on channel 0, which is already in use"),
    # 0005: two attaches on handle 0
    "attach-on-a-handle-in-use": (
        [H("414d5150000100000000001102000000005310c00401a101630000001402000000005311c00704404352645264"),
         H("0000002502000000005312c01807a1016143424040005328c0020140005329c00401a10171"),
         H("0000002502000000005312c01807a1016243424040005328c0020140005329c00401a10171")],
        "amqp:session:handle-in-use", "attach on handle 0, which is already in use"),
    # 0006: the peer attaches as receiver, then transfers on that link
    "transfer-to-a-sender": (
        [H("414d5150000100000000001102000000005310c00401a101630000001402000000005311c00704404352645264"),
         H("0000002502000000005312c01807a1017243414040005328c00401a10171005329c0020140"),
         H("0000001b02000000005314c008054343a001744341005377a10178")],
        "amqp:connection:framing-error", "transfer on handle 0, a link on which the peer is the receiver"),
}

# The sender's flow frame that advances its delivery-count by 1000 without being asked to drain.
FLOW_DRAINED = [
    H("414d5150000100000000001102000000005310c00401a101630000001402000000005311c00704404352645264"),
    H("0000002802000000005312c01b0aa1017343424040005328c0020140005329c00401a10171404043"),
    H("0000001b02000000005313c00e074352644352644370000003e843"),
]

# python-qpid-proton 0.40 dies with SIGSEGV on these
REFERENCE_CRASHES = ["sasl-init-without-fields", "sasl-init-bogus-mechanism-length", "sasl-response-before-init",
                     "sasl-frame-after-authentication"]


@pytest.fixture(scope="module", params=["container", "broker"])
def servers(request: pytest.FixtureRequest) -> Iterator[Callable[[], Server]]:
    """A server of each kind for the module: the function returns it running (a test that left it
    dead has failed; the next one gets a new server)."""
    holder: List[Server] = [Server(request.param).start()]

    def running() -> Server:
        if not holder[0].alive():
            holder[0].stop()
            holder[0] = Server(request.param).start()
        return holder[0]

    yield running
    holder[0].stop()


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_connection_ends_with_a_condition_and_the_server_goes_on(servers: Callable[[], Server],
                                                                     case: str) -> None:
    server = servers()
    chunks, name, description = CASES[case]
    port = server.port
    answer, closed = talk(port, chunks)
    assert closed, f"the server left the connection open; it sent {answer!r}"
    assert crashed(server, timeout=0.3) is None, f"the server died with status {server.returncode}"
    line = reported_error(server, name, description)
    assert line is not None, (f"no transport error {name} ({description}) reported; "
                              f"server said: {list(server.lines)[-10:]}")
    if b"AMQP\x00\x01\x00\x00" in answer[:8]:
        assert name.encode() in answer     # the AMQP layer was up: the close frame carries the condition
    assert_still_serves(server)


def test_a_sender_advancing_its_delivery_count_does_not_stop_credit_for_everyone(
        servers: Callable[[], Server]) -> None:
    server = servers()
    with socket.create_connection(("127.0.0.1", server.port)) as hostile:
        for chunk in FLOW_DRAINED:
            hostile.sendall(chunk)
            time.sleep(0.05)
        assert_still_serves(server)        # new links still get credit while that connection is open
    assert_still_serves(server)


@pytest.mark.parametrize("case", REFERENCE_CRASHES)
def test_python_qpid_proton_dies_on_the_same_bytes(case: str) -> None:
    with ref_server() as server:
        talk(server.port, CASES[case][0], limit=1.0)
        assert crashed(server) == -signal.SIGSEGV


def test_python_qpid_proton_acts_on_amqp_frames_sent_instead_of_sasl() -> None:
    # open, begin, attach and transfer where the SASL exchange belongs: the reference dispatches
    # them (its error is about the session window of the transfer); ours refuses the first one.
    attach = H("0000002502000000005312c01807a1016143424040005328c0020140005329c00401a10171")
    transfer = H("0000001b02000000005314c008054343a001744341005377a10178")
    chunks = [CASES["amqp-frames-in-the-sasl-layer"][0][0] + attach + transfer]
    with ref_server() as reference:
        talk(reference.port, chunks, limit=1.0)
        assert reported_error(reference, "amqp:session:window-violation") is not None
    with Server("container") as ours:
        talk(ours.port, chunks)
        assert reported_error(ours, "amqp:connection:framing-error", "in the SASL layer") is not None
        assert reported_error(ours, "window-violation", timeout=0.2) is None


def test_python_qpid_proton_stops_granting_credit_after_one_drained_flow() -> None:
    with ref_server() as reference:
        with socket.create_connection(("127.0.0.1", reference.port)) as hostile:
            for chunk in FLOW_DRAINED:
                hostile.sendall(chunk)
                time.sleep(0.05)
            with pytest.raises(Exception, match="timed out"):
                fresh_client(reference.port, "container", timeout=3)


def test_the_client_side_refuses_a_sasl_outcome_before_its_init() -> None:
    """0002 on the client: a server that answers the SASL header with an outcome at once."""
    from proton.handlers import MessagingHandler
    from proton.reactor import Container

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    class Client(MessagingHandler):
        def __init__(self) -> None:
            super().__init__()
            self.errors: List[object] = []

        def on_start(self, event):  # type: ignore[no-untyped-def]
            event.container.connect(f"amqp://127.0.0.1:{port}", reconnect=False)

        def on_transport_error(self, event):  # type: ignore[no-untyped-def]
            self.errors.append(event.transport.condition)

    def serve() -> None:
        peer, _ = listener.accept()
        with peer:
            peer.recv(8)
            # the SASL header and sasl-outcome(ok) before any mechanisms or init
            peer.sendall(H("414d5150030100000000001002010000005344c0030150" + "00"))
            time.sleep(1.0)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client = Client()
    Container(client).run()
    thread.join(5)
    listener.close()
    assert [c.name for c in client.errors] == ["amqp:connection:framing-error"]
    assert "sasl-outcome before sasl-init" in client.errors[0].description
