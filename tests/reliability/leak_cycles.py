# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Repeat one connection life cycle many times and report what the process kept.

Run as a program, one cycle kind per process, so that nothing else the process did blurs the
figures; public API only, so the same program measures cyproton and python-qpid-proton::

    python leak_cycles.py KIND --url HOST:PORT --cycles N [--warmup W] [--no-gc]

Kinds:

- ``blocking``: ``BlockingConnection(url)`` then ``close()``.
- ``container``: a new ``Container`` per cycle that connects, closes on open and runs to its end.
- ``long-lived``: one ``Container`` that opens a connection, closes it, opens the next, ...
- ``listener``: one ``Container`` that per cycle listens on a new port, connects to itself,
  closes the connection and then the listener.
- ``reconnect``: one ``Container`` with one reconnecting connection to a peer that drops every
  connection right after the open frames (the url of ``drop_peer.py``); a cycle is one drop and
  the reconnect after it.

After ``--warmup`` cycles (caches filled, arenas grown) the resident set size and the open
descriptors are taken, then again after ``--cycles`` more. One JSON line on stdout gives both,
and for ``blocking`` and ``container`` also whether the last cycle's objects (the connection,
the container) were still alive right after it, before any garbage collection. ``--no-gc``
turns the cyclic garbage collector off for the whole run: then anything that only a collection
would free shows up as growth.
"""

import argparse
import gc
import json
import os
import socket
import sys
import time
import weakref

from proton.handlers import MessagingHandler
from proton.reactor import Backoff, Container
from proton.utils import BlockingConnection

_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def rss_kb():
    """Resident set size of this process, in KiB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE_KB


def open_fds():
    """Descriptors open in this process (the listing's own is not counted)."""
    return len(os.listdir("/proc/self/fd")) - 1


def free_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class Probe:
    """Takes the figures at the end of the warm-up and at the end of the run."""

    def __init__(self, warmup, cycles):
        self.warmup = warmup
        self.total = warmup + cycles
        self.done = 0
        self.start = None
        self.end = None
        self.started_at = None

    def cycle_done(self):
        """Count one cycle; True when the run is over."""
        self.done += 1
        if self.done == self.warmup:
            self.start = self.take()
            self.started_at = time.monotonic()
        if self.done == self.total:
            self.end = self.take()
            self.end["seconds"] = time.monotonic() - self.started_at
            return True
        return False

    @staticmethod
    def take():
        if gc.isenabled():
            gc.collect()
        return {"rss_kb": rss_kb(), "fds": open_fds()}


# -- the cycles -------------------------------------------------------------------------------------

def run_blocking(url, probe):
    alive = {}
    while True:
        conn = BlockingConnection(url, timeout=10)
        refs = {"connection": weakref.ref(conn.conn), "container": weakref.ref(conn.container)}
        conn.close()
        del conn
        alive = {name: ref() is not None for name, ref in refs.items()}
        if probe.cycle_done():
            return alive


class OpenClose(MessagingHandler):
    """Connects on start, closes on open; ``then`` is called once the connection is closed."""

    def __init__(self, url, then=None):
        super().__init__()
        self.url = url
        self.then = then

    def on_start(self, event):
        event.container.connect(self.url, reconnect=False)

    def on_connection_opened(self, event):
        event.connection.close()

    def on_connection_closed(self, event):
        if self.then is not None:
            self.then(event)

    def on_transport_error(self, event):
        raise RuntimeError(f"connection failed: {event.transport.condition}")


def run_container(url, probe):
    while True:
        container = Container(OpenClose(url))
        container.run()
        ref = weakref.ref(container)
        del container
        alive = {"container": ref() is not None}
        if probe.cycle_done():
            return alive


def run_long_lived(url, probe):
    def next_cycle(event):
        if not probe.cycle_done():
            event.container.connect(url, reconnect=False)

    Container(OpenClose(url, then=next_cycle)).run()
    return {}


class SelfConnect(MessagingHandler):
    """Per cycle: listen on a new port, connect to it, close, stop listening."""

    def __init__(self, probe):
        super().__init__()
        self.probe = probe
        self.acceptor = None
        self.client = None
        self.closed = 0

    def on_start(self, event):
        self.cycle(event.container)

    def cycle(self, container):
        port = free_port()
        self.acceptor = container.listen(f"127.0.0.1:{port}")
        self.client = container.connect(f"127.0.0.1:{port}", reconnect=False)
        self.closed = 0

    def on_connection_opened(self, event):
        if event.connection == self.client:
            event.connection.close()

    def on_connection_closed(self, event):
        self.closed += 1          # the client's side and the server's side
        if self.closed == 2:
            self.acceptor.close()
            self.acceptor = self.client = None
            if not self.probe.cycle_done():
                self.cycle(event.container)


def run_listener(url, probe):
    Container(SelfConnect(probe)).run()
    return {}


class Redial(MessagingHandler):
    """One reconnecting connection; every drop by the peer is a cycle."""

    def __init__(self, url, probe):
        super().__init__()
        self.url = url
        self.probe = probe
        self.connection = None

    def on_start(self, event):
        # delays of 0: reconnect at once, every time
        self.connection = event.container.connect(self.url, reconnect=Backoff(initial=0, max_delay=0),
                                                  sasl_enabled=False)

    def on_disconnected(self, event):
        if self.probe.cycle_done():
            self.connection.close()
            self.connection = None


def run_reconnect(url, probe):
    Container(Redial(url, probe)).run()
    return {}


KINDS = {
    "blocking": run_blocking, "container": run_container, "long-lived": run_long_lived,
    "listener": run_listener, "reconnect": run_reconnect,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("--url", default="127.0.0.1:5672")
    parser.add_argument("--cycles", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--no-gc", action="store_true")
    args = parser.parse_args(argv)
    if args.no_gc:
        gc.disable()
    probe = Probe(args.warmup, args.cycles)
    alive = KINDS[args.kind](args.url, probe)
    start, end = probe.start, probe.end
    print(json.dumps({
        "kind": args.kind, "cycles": args.cycles, "gc": not args.no_gc, "seconds": round(end["seconds"], 2),
        "rss_kb": [start["rss_kb"], end["rss_kb"]], "fds": [start["fds"], end["fds"]],
        "kb_per_1000": round((end["rss_kb"] - start["rss_kb"]) * 1000 / args.cycles, 1),
        "fds_per_1000": round((end["fds"] - start["fds"]) * 1000 / args.cycles, 1),
        "alive_after_cycle": alive,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
