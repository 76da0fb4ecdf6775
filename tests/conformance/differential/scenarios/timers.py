# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Timers scheduled and cancelled in every order: before and after firing, twice, from a timer,
with equal deadlines, and a cancelled one last."""

from recorder import MessagingHandler, Recorded, run

GLOBAL_ORDER = True


class Tick(Recorded):
    def __init__(self, name, then=None):
        self.name = name
        self.then = then

    def on_timer_task(self, event):
        print("fired", self.name)
        if self.then:
            self.then(event)


class Plan(Recorded, MessagingHandler):
    def on_start(self, event):
        schedule = event.container.schedule
        self.tasks = {}
        self.tasks["late"] = schedule(0.25, Tick("late"))
        self.tasks["a"] = schedule(0.02, Tick("a", self.after_a))
        self.tasks["b"] = schedule(0.04, Tick("b"))
        self.tasks["c"] = schedule(0.06, Tick("c"))
        self.tasks["c"].cancel()
        self.tasks["c"].cancel()
        self.tasks["same1"] = schedule(0.08, Tick("same1"))
        self.tasks["same2"] = schedule(0.08, Tick("same2"))
        self.tasks["last"] = schedule(0.3, Tick("last"))

    def after_a(self, event):
        self.tasks["a"].cancel()            # already fired
        self.tasks["b"].cancel()            # not yet
        event.container.schedule(0.01, Tick("from-a"))
        self.tasks["last"].cancel()         # run() must still wait for "late"


run(Plan())
print("done")
