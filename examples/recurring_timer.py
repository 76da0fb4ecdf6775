#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Timers without any connection: a task that schedules itself again until it has run enough.

The container stays alive while a timer is pending, and returns from ``run()`` once the last
tick has not scheduled another::

    python recurring_timer.py --interval 0.5 --ticks 5
"""

import argparse
import sys
import time

from proton import Event
from proton.reactor import Container


class Metronome:
    """A handler whose ``on_timer_task`` ticks and re-arms itself."""

    def __init__(self, interval: float, ticks: int) -> None:
        self.interval = interval
        self.remaining = ticks
        self.count = 0
        self.began = 0.0

    def on_reactor_init(self, event: Event) -> None:
        self.began = time.monotonic()
        event.container.schedule(self.interval, self)

    def on_timer_task(self, event: Event) -> None:
        self.count += 1
        self.remaining -= 1
        print(f"tick {self.count}")
        if self.remaining > 0:
            event.container.schedule(self.interval, self)
        else:
            elapsed = time.monotonic() - self.began
            print(f"done after {self.count} ticks")
            if elapsed < self.interval * self.count:
                print("the ticks came early", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description="Print a tick at a fixed interval, a given number of times.")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between ticks (default %(default)s)")
    parser.add_argument("--ticks", type=int, default=5, help="how many ticks (default %(default)s)")
    args = parser.parse_args()
    if args.ticks < 1:
        parser.error("--ticks must be at least 1")
    Container(Metronome(args.interval, args.ticks)).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
