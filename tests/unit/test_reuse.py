# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Re-entrant use of the reused buffers on one thread (the rule at the top of cython/pools.pyx).

An encode can run Python code half-way (here: a putter an application registered for its own
class in ``Data.put_mappings``), and that code may encode or decode another message. The inner
call must get buffers of its own and leave the outer call's bytes intact. The multi-threaded case
is tests/integration/test_threads_reuse.py.
"""

from __future__ import annotations

import pytest

from proton import Data, Described, Message, symbol

pytestmark = pytest.mark.impl
pytest.importorskip("proton._cproton")        # footers are cyproton's


class Token:
    """An application type the codec does not know; its putter runs other codec work inside."""

    def __init__(self, inner):
        self.inner = inner


INNER_RESULTS = []


def put_token(data, token):
    inner = token.inner
    encoded = bytes(inner.encode())          # a whole message encoded in the middle of another
    again = Message()
    again.decode(encoded)                     # ... and decoded
    INNER_RESULTS.append((encoded, bytes(again.encode())))
    data.put_string("token")


@pytest.fixture
def token_type():
    Data.put_mappings[Token] = put_token
    INNER_RESULTS.clear()
    yield
    del Data.put_mappings[Token]


INNERS = [
    Message(body="inner " * 40),                                          # direct encoder
    Message(body=Described(symbol("d"), ["x" * 700, 1]), subject="s"),    # engine encoder, grows its buffer
    Message(body=1, footer={symbol("f"): "y" * 300}),                     # footer tree
]


@pytest.mark.parametrize("inner", INNERS, ids=["direct", "engine", "footer"])
@pytest.mark.parametrize("outer_body", [
    lambda t: [t, "after" * 100],
    lambda t: Described(symbol("outer"), [t, "z" * 900]),
], ids=["list", "described"])
def test_encode_inside_an_encode_keeps_both(token_type, inner, outer_body):
    expected_inner = bytes(inner.encode())
    outer = Message(body=outer_body(Token(inner)), footer={symbol("o"): "w" * 50}, properties={"p": 1})
    plain = Message(body=outer_body("token"), footer={symbol("o"): "w" * 50}, properties={"p": 1})
    assert bytes(outer.encode()) == bytes(plain.encode())
    assert INNER_RESULTS == [(expected_inner, expected_inner)]


def test_each_thread_has_pools_of_its_own_which_go_with_it() -> None:
    import gc
    import threading
    import weakref

    from proton import _cproton

    mine = _cproton._pools_of_this_thread()
    assert _cproton._pools_of_this_thread() is mine
    seen = []

    def other() -> None:
        pools = _cproton._pools_of_this_thread()
        assert _cproton._pools_of_this_thread() is pools
        Message(body="x" * 5000).encode()             # uses this thread's encode buffer
        seen.append(weakref.ref(pools))

    worker = threading.Thread(target=other)
    worker.start()
    worker.join()
    assert seen[0]() is not None and seen[0]() is not mine
    assert _cproton._pools_of_this_thread() is mine  # asking again drops the other thread's from the cache
    gc.collect()
    assert seen[0]() is None                          # its thread is gone, and so are its buffers
