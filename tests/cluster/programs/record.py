# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""What a failover client writes down, shared by every client kind (no ``proton`` import here).

A client lives through *epochs*: one per connection that opened (the node it reached, by the container id
RabbitMQ announces, which is the node's name), with the time it opened, the time of its first transfer (the first
message accepted, for a producer; the first received, for a consumer) and how it ended. Producers record the
sequence number of every message whose send the broker accepted; consumers every sequence number received,
duplicates counted.

The harness reads two files: ``STATUS`` (rewritten atomically when something changes: the node the client is on
now, counts) while the client runs, and the JSON summary printed as the last line of stdout when it ends. Times
are ``time.monotonic()``, which is one clock for every process of the machine (CLOCK_MONOTONIC).
"""

import json
import os
import time


def ranges(numbers):
    """Sorted distinct ints as [[first, last], ...] runs (compact for long consecutive runs)."""
    runs = []
    for n in sorted(set(numbers)):
        if runs and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return runs


def expand(runs):
    """The ints of :func:`ranges` output."""
    for first, last in runs:
        yield from range(first, last + 1)


class Recorder:
    """Epochs, counts and the status file of one client."""

    def __init__(self, args, role):
        self.args = args
        self.role = role
        self.status_path = args.status
        self.started = time.monotonic()
        self.epochs = []
        self.current = None
        self.accepted = []           # producer: seqs accepted, in the order the outcomes came
        self.received = {}           # consumer: seq -> times received
        self.released = 0
        self.rejected = 0
        self.resent = 0
        self.errors = []
        self.sent = 0
        self.foreign = 0             # consumer: messages without a seq (not from a producer of this tier)
        self._last_status = 0.0

    # -- epochs ------------------------------------------------------------------------------------

    def opened(self, node):
        self.closed("superseded")
        self.current = {"node": node, "opened": time.monotonic(), "first": None, "closed": None, "why": None}
        self.epochs.append(self.current)
        self.write_status(force=True)

    def closed(self, why):
        if self.current is not None:
            self.current["closed"] = time.monotonic()
            self.current["why"] = str(why)[:300]
            self.current = None
            self.write_status(force=True)

    def _transfer(self):
        now = time.monotonic()
        if self.current is not None and self.current["first"] is None:
            self.current["first"] = now
            self.write_status(force=True)
        elif now - self._last_status > 0.25:
            self.write_status()

    def accept(self, seq):
        self.accepted.append(seq)
        self._transfer()

    def receive(self, seq):
        self.received[seq] = self.received.get(seq, 0) + 1
        self._transfer()

    def error(self, what):
        self.errors.append([round(time.monotonic(), 3), str(what)[:300]])

    # -- files -------------------------------------------------------------------------------------

    def write_status(self, force=False):
        now = time.monotonic()
        if not self.status_path or (not force and now - self._last_status < 0.25):
            return
        self._last_status = now
        status = {"node": self.current["node"] if self.current else None, "epochs": len(self.epochs),
                  "accepted": len(self.accepted), "received": sum(self.received.values()), "t": now}
        tmp = self.status_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(status, f)
        os.replace(tmp, self.status_path)

    def summary(self, **extra):
        self.closed("end")
        dups = {str(seq): n - 1 for seq, n in self.received.items() if n > 1}
        out = {"role": self.role, "kind": self.args.kind, "started": self.started, "ended": time.monotonic(),
               "epochs": self.epochs, "accepted": ranges(self.accepted), "accepted_count": len(self.accepted),
               "accepted_twice": len(self.accepted) - len(set(self.accepted)),
               "received": ranges(self.received), "received_count": sum(self.received.values()),
               "duplicates": dups, "released": self.released, "rejected": self.rejected, "resent": self.resent,
               "sent": self.sent, "foreign": self.foreign, "errors": self.errors[-50:]}
        out.update(extra)
        return out


def stop_requested(args):
    """The harness asks producers to stop sending new messages by creating the file ``--stop``."""
    return bool(args.stop) and os.path.exists(args.stop)


def give_up_requested(args):
    """The harness ran out of time: end now and report what there is."""
    return bool(args.giveup) and os.path.exists(args.giveup)


def load_expected(args):
    """Consumers: the seqs their producer saw accepted, once the harness has written them to ``--expect`` (the
    file appears, complete, when the producer has ended), else None."""
    if not args.expect or not os.path.exists(args.expect):
        return None
    with open(args.expect) as f:
        return set(expand(json.load(f)["accepted"]))


class Completion:
    """When a consumer that takes one message at a time is done: every seq its producer saw accepted has
    arrived, and ``--linger`` seconds have passed since (duplicates that come late are counted too)."""

    def __init__(self, args, recorder):
        self.args, self.rec = args, recorder
        self.missing = None         # the expected seqs not received yet, once the producer's list is there
        self.complete_at = None

    def received(self, seq):
        self.rec.receive(seq)
        if self.missing is not None:
            self.missing.discard(seq)

    def done(self):
        if self.missing is None:
            expected = load_expected(self.args)
            if expected is not None:
                self.missing = expected - set(self.rec.received)
        if self.missing is None or self.missing:
            return False
        now = time.monotonic()
        self.complete_at = self.complete_at or now
        return now - self.complete_at >= self.args.linger
