# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Text from the network that is not valid UTF-8 never raises out of ``Container.run()``.

Each input puts the same invalid bytes (``bad\\xff\\xfe\\xc3(name``) in one string field a peer
controls. A ``Container.listen`` server that reads every remote attribute (``--peek``) must get
them with U+FFFD in place of the bad bytes, the broker must go on, and a real client must still be
served. python-qpid-proton 0.40 raises UnicodeDecodeError out of ``run()`` for most of them, often
from its own handlers, with no user code involved: that is the difference the README notes.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from hostile import (Server, assert_still_serves, crashed, hard_limit, ref_server, transport_fuzz,  # noqa: F401
                     wait_for_line)

pytestmark = pytest.mark.timeout(120)

H = bytes.fromhex
OPEN_BEGIN = H("414d5150000100000000001f02000000005310c0120aa106636f6e742d784040404040404040400000001402000000005311"
               "c00704404352645264")
ATTACH = H("0000002f02000000005312c0220ea1036c6e6b43424040005328c0020140005329c00501a102713140404340404040")
REPLACED = "bad\ufffd\ufffd\ufffd(name"

# name: (chunks, what a --peek container server prints about it)
CASES = {
    "sasl-mechanism": ([H("414d5150030100000000001e02010000005341c01102a30b626164fffec3286e616d65a00178")],
                       f"[mech={REPLACED}]"),
    "container-id": ([H("414d5150000100000000002402000000005310c0170aa10b626164fffec3286e616d65404040404040404040")],
                     f"PEEK-CONNECTION '{REPLACED}'"),
    "hostname": ([H("414d5150000100000000002b02000000005310c01e0aa106636f6e742d78a10b626164fffec3286e616d6540404040"
                    "40404040")],
                 f"PEEK-CONNECTION 'cont-x' '{REPLACED}'"),
    "connection-properties": (
        [H("414d5150000100000000003b02000000005310c02e0aa106636f6e742d784040404040404040c11b02a30b626164fffec328"
           "6e616d65a10b626164fffec3286e616d65")],
        f"{{symbol('{REPLACED}'): '{REPLACED}'}}"),
    "link-name": ([OPEN_BEGIN, H("0000003702000000005312c02a0ea10b626164fffec3286e616d6543424040005328c00201400053"
                                 "29c00501a102713140404340404040")],
                  f"PEEK-LINK '{REPLACED}'"),
    "target-address": ([OPEN_BEGIN, H("0000003802000000005312c02b0ea1036c6e6b43424040005328c0020140005329c00e01a10b"
                                      "626164fffec3286e616d6540404340404040")],
                       f"PEEK-LINK 'lnk' None '{REPLACED}'"),
    "source-address": ([OPEN_BEGIN, H("0000003802000000005312c02b0ea1036c6e6b43414040005328c00e01a10b626164fffec328"
                                      "6e616d65005329c002014040404340404040")],
                       f"PEEK-LINK 'lnk' '{REPLACED}'"),
    "link-properties": ([OPEN_BEGIN, H("0000004b02000000005312c03e0ea1036c6e6b43424040005328c0020140005329c00501a1"
                                       "027131404043404040c11b02a30b626164fffec3286e616d65a10b626164fffec3286e616d65")],
                        f"{{symbol('{REPLACED}'): '{REPLACED}'}}"),
    "close-condition": ([H("414d5150000100000000001f02000000005310c0120aa106636f6e742d78404040404040404040"),
                         H("0000002e02000000005318c0210100531dc01b02a30b626164fffec3286e616d65a10b626164fffec3286e61"
                           "6d65")],
                        f"CONNECTION-ERROR Condition('{REPLACED}', '{REPLACED}')"),
    "detach-condition": ([OPEN_BEGIN, ATTACH,
                          H("0000003002000000005316c02303434100531dc01b02a30b626164fffec3286e616d65a10b626164fffec328"
                            "6e616d65")],
                         f"LINK-ERROR Condition('{REPLACED}', '{REPLACED}')"),
    "end-condition": ([OPEN_BEGIN, H("0000002e02000000005317c0210100531dc01b02a30b626164fffec3286e616d65a10b626164ff"
                                     "fec3286e616d65")],
                      f"SESSION-ERROR Condition('{REPLACED}', '{REPLACED}')"),
    "link-name-in-an-error-text": (
        [OPEN_BEGIN, H("0000003702000000005312c02a0ea10b626164fffec3286e616d6543424040005328c0020140005329c00501a102"
                       "713140404340404040"),
         H("0000003002000000005312c02307a10b626164fffec3286e616d655201424040005328c0020140005329c00401a10171")],
        f"link name already attached: {REPLACED}"),
}

# a transfer whose message body is an amqp-value string of invalid UTF-8
UNDECODABLE_MESSAGE = [OPEN_BEGIN, ATTACH, H("0000001e02000000005314c00a064343a0027430434242005377a102fffe")]

# python-qpid-proton's own handlers read these, and raise UnicodeDecodeError out of run()
REFERENCE_RAISES = ["sasl-mechanism", "close-condition", "detach-condition", "end-condition",
                    "link-name-in-an-error-text"]


@pytest.fixture(scope="module")
def peeking() -> Iterator[Server]:
    with Server("container", ["--peek"]) as server:
        yield server


@pytest.fixture(scope="module")
def broker() -> Iterator[Server]:
    with Server("broker") as server:
        yield server


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_server_reading_every_attribute_gets_replacement_characters(peeking: Server, case: str) -> None:
    chunks, expected = CASES[case]
    transport_fuzz.replay(peeking.port, chunks, pause=0.02)
    line = wait_for_line(peeking, lambda text: expected in text)
    assert line is not None, f"expected {expected!r}; the server said {list(peeking.lines)[-8:]}"
    assert_still_serves(peeking)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_broker_goes_on(broker: Server, case: str) -> None:
    transport_fuzz.replay(broker.port, CASES[case][0], pause=0.02)
    assert crashed(broker, timeout=0.3) is None
    assert not [line for line in broker.lines if "Traceback" in line or "UnicodeDecodeError" in line]
    assert_still_serves(broker)


@pytest.mark.parametrize("kind", ["container", "broker"])
def test_an_undecodable_message_is_rejected_and_the_server_goes_on(kind: str) -> None:
    with Server(kind) as server:
        answer = transport_fuzz.replay(server.port, UNDECODABLE_MESSAGE, pause=0.05)
        assert server.alive()
        if kind == "container":
            # the disposition: rejected, with the decode error as its condition
            assert b"\x00\x53\x25" in answer and b"amqp:decode-error" in answer, answer
            assert "MESSAGE" not in "\n".join(server.lines)     # on_message never saw it
        assert_still_serves(server)


@pytest.mark.parametrize("case", REFERENCE_RAISES)
def test_python_qpid_proton_raises_out_of_run(case: str) -> None:
    with ref_server() as reference:
        transport_fuzz.replay(reference.port, CASES[case][0], pause=0.02)
        assert crashed(reference) == 1
        assert any("UnicodeDecodeError" in line for line in reference.stderr), list(reference.stderr)[-5:]


def test_python_qpid_proton_dies_on_an_undecodable_message() -> None:
    with ref_server() as reference:
        transport_fuzz.replay(reference.port, UNDECODABLE_MESSAGE, pause=0.05)
        assert crashed(reference) == 1
