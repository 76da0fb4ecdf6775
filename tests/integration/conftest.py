# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Fixtures for the integration tests (loopback only, peers started by the tests themselves).

- a hard per-test time limit: ``SIGALRM`` raises :class:`HardTimeout` in the test (default
  :data:`DEFAULT_LIMIT` seconds, ``@pytest.mark.timeout(n)`` to change it), and if even that does
  not end the test, ``faulthandler`` dumps every thread's stack and exits the process. When
  pytest-timeout is installed it is left in charge instead.
- ``broker``: a :class:`support.BrokerThread` on 127.0.0.1, stopped after the test;
- a check after every test that no thread and no socket the test made is left behind.
"""

import faulthandler
import gc
import os
import signal
import sys
import threading
import time

import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import support  # noqa: E402

DEFAULT_LIMIT = 20


class HardTimeout(BaseException):
    """A test ran past its time limit (BaseException: handlers must not swallow it)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "timeout(seconds): hard time limit for one integration test")


def _limit_for(item):
    mark = item.get_closest_marker("timeout")
    if mark is not None and mark.args:
        return float(mark.args[0])
    return DEFAULT_LIMIT


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if item.config.pluginmanager.hasplugin("timeout") or threading.current_thread() is not threading.main_thread():
        yield
        return
    limit = _limit_for(item)

    def expire(signum, frame):
        raise HardTimeout(f"{item.nodeid} ran past its {limit:g}s limit")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limit)
    faulthandler.dump_traceback_later(limit + 15, exit=True)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)


def _socket_fds():
    found = set()
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return found
    for name in names:
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                found.add(int(name))
        except OSError:
            pass
    return found


@pytest.fixture(autouse=True)
def no_leaks():
    """Every thread a test starts has ended and every socket it opened is closed afterwards."""
    gc.collect()
    threads_before = set(threading.enumerate())
    sockets_before = _socket_fds()
    yield
    deadline = time.monotonic() + 5
    while True:
        gc.collect()
        threads = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
        sockets = _socket_fds() - sockets_before
        if not threads and not sockets:
            return
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert not threads, f"threads left running: {threads}"
    assert not sockets, f"sockets left open: {sorted(sockets)}"


@pytest.fixture
def broker():
    """A :class:`support.BrokerThread` on 127.0.0.1, stopped after the test."""
    peer = support.BrokerThread().start()
    try:
        yield peer
    finally:
        peer.stop()


@pytest.fixture
def broker_factory():
    """Start more brokers (``broker_factory(host=..., port=...)``); all are stopped after the test."""
    started = []

    def make(**kwargs):
        peer = support.BrokerThread(**kwargs).start()
        started.append(peer)
        return peer

    yield make
    for peer in started:
        peer.stop()
