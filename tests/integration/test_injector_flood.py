# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""EventInjector under a flood: a million triggers from the container's own thread, and a million
from several threads at once. trigger() must never block (python-qpid-proton 0.40 writes one byte
per event into a blocking pipe, so its 65,537th trigger from the loop's thread waits for ever),
and every event must arrive, in the order each thread triggered it."""

from __future__ import annotations

import threading
import time

import pytest
from proton.handlers import MessagingHandler
from proton.reactor import ApplicationEvent, Container, EventInjector

TOTAL = 1_000_000


class Counting(MessagingHandler):
    """Checks that each source's events come in order, without gaps, and ends when all came."""

    def __init__(self, injector: EventInjector, sources: int, per_source: int) -> None:
        super().__init__()
        self.injector = injector
        self.per_source = per_source
        self.next_expected = [0] * sources
        self.received = 0
        self.wanted = sources * per_source
        self.problems: list = []

    def on_flood(self, event) -> None:
        source, number = event.subject
        if number != self.next_expected[source]:
            if len(self.problems) < 10:
                self.problems.append(f"source {source}: got {number}, expected {self.next_expected[source]}")
            return
        self.next_expected[source] = number + 1
        self.received += 1
        self.after(source, number)
        if self.received == self.wanted:
            self.injector.close()

    def after(self, source: int, number: int) -> None:
        pass


class FromTheLoop(Counting):
    """Triggers in bursts from inside its own handler: each burst is well past 65,536 events."""

    BURST = 200_000

    def on_start(self, event) -> None:
        event.container.selectable(self.injector)
        self.burst(0)

    def burst(self, start: int) -> None:
        for number in range(start, min(start + self.BURST, self.per_source)):
            self.injector.trigger(ApplicationEvent("flood", subject=(0, number)))

    def after(self, source: int, number: int) -> None:
        if (number + 1) % self.BURST == 0:
            self.burst(number + 1)


@pytest.mark.impl  # python-qpid-proton 0.40's trigger() blocks once its pipe holds 65,536 bytes
@pytest.mark.timeout(180)
def test_a_million_triggers_from_the_containers_own_thread():
    injector = EventInjector()
    handler = FromTheLoop(injector, 1, TOTAL)
    started = time.monotonic()
    Container(handler).run()
    elapsed = time.monotonic() - started
    print(f"\n{TOTAL:,} triggers from the loop's thread in {elapsed:.1f} s ({TOTAL / elapsed:,.0f}/s)")
    assert handler.problems == []
    assert handler.received == TOTAL


class FromThreads(Counting):
    """Counts what producer threads trigger, and lets each producer run at most WINDOW events
    ahead of what has been dispatched (only so that a million events are never all in memory)."""

    WINDOW = 50_000

    def __init__(self, injector: EventInjector, sources: int, per_source: int) -> None:
        super().__init__(injector, sources, per_source)
        self.room = [threading.Semaphore(self.WINDOW) for _ in range(sources)]

    def on_start(self, event) -> None:
        event.container.selectable(self.injector)

    def after(self, source: int, number: int) -> None:
        self.room[source].release()


@pytest.mark.timeout(180)
def test_a_million_triggers_from_several_threads_at_once():
    sources = 4
    per_source = TOTAL // sources
    injector = EventInjector()
    handler = FromThreads(injector, sources, per_source)
    container = Container(handler)
    failures: list = []

    def produce(source: int) -> None:
        try:
            room = handler.room[source]
            for number in range(per_source):
                if not room.acquire(timeout=60):
                    failures.append(f"source {source}: no event dispatched for a minute (a lost wake-up?)")
                    return
                injector.trigger(ApplicationEvent("flood", subject=(source, number)))
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(f"source {source}: {exc!r}")

    producers = [threading.Thread(target=produce, args=(s,), name=f"producer-{s}") for s in range(sources)]
    started = time.monotonic()
    runner = threading.Thread(target=container.run, name="container")
    runner.start()
    for thread in producers:
        thread.start()
    for thread in producers:
        thread.join()
    runner.join(120)
    elapsed = time.monotonic() - started
    assert not runner.is_alive(), f"the container did not finish: {handler.received:,} of {TOTAL:,} events came"
    print(f"\n{TOTAL:,} triggers from {sources} threads in {elapsed:.1f} s ({TOTAL / elapsed:,.0f}/s)")
    assert failures == []
    assert handler.problems == []
    assert handler.received == TOTAL


class Timers(MessagingHandler):
    """Schedules COUNT timers from the loop's thread; counts them as they fire."""

    COUNT = 100_000

    def __init__(self) -> None:
        super().__init__()
        self.fired = 0

    def on_start(self, event) -> None:
        for _ in range(self.COUNT):
            event.container.schedule(0, self)

    def on_timer_task(self, event) -> None:
        self.fired += 1


@pytest.mark.impl  # python-qpid-proton 0.40's Container.wakeup() is an empty stub
@pytest.mark.timeout(120)
def test_wake_ups_never_block_and_lose_nothing():
    """Timers scheduled from the loop's thread and a storm of wakeup() calls from another thread:
    each asks to wake the loop, none may block the caller, every timer fires."""
    handler = Timers()
    container = Container(handler)
    stop = threading.Event()
    calls = [0]

    def storm() -> None:
        while not stop.is_set():
            container.wakeup()
            calls[0] += 1

    waker = threading.Thread(target=storm, name="waker")
    waker.start()
    try:
        container.run()
    finally:
        stop.set()
        waker.join(10)
    print(f"\n{Timers.COUNT:,} timers fired with {calls[0]:,} wakeup() calls from another thread meanwhile")
    assert handler.fired == Timers.COUNT
    assert calls[0] > 0
