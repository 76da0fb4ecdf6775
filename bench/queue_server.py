# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A minimal AMQP queue server for the BlockingConnection benchmark (S5), public ``proton`` API only.

    python bench/queue_server.py --port 5672 [--prefetch 100] [--timeout 600]

One FIFO queue per address: messages arriving on a link to an address are accepted and stored;
links from that address get them in order, as their credit allows. Prints ``{"ready": true}``
once it listens, and a result line with the counts when it stops, on SIGTERM or SIGINT, or
after ``--timeout`` seconds. bench/run.py runs it under one interpreter (cyproton's) for both
implementations' client runs, so only the client differs between them.
"""

from __future__ import annotations

import argparse
import collections
import json
import resource
import signal
import sys
from typing import Any, Deque, Dict, List, Optional

from proton.handlers import MessagingHandler
from proton.reactor import Container


class QueueServer(MessagingHandler):
    def __init__(self, port: int, prefetch: int, lifetime: float) -> None:
        super().__init__(prefetch=prefetch)
        self.url = "127.0.0.1:%d" % port
        self.lifetime = lifetime
        self.queues: Dict[str, Deque[Any]] = {}
        self.consumers: Dict[str, List[Any]] = {}
        self.stored = 0
        self.delivered = 0
        self.acceptor: Any = None
        self.connections: List[Any] = []
        self.stopping = False

    def on_start(self, event: Any) -> None:
        self.acceptor = event.container.listen(self.url)
        event.container.schedule(self.lifetime, self)
        sys.stdout.write(json.dumps({"ready": True, "url": self.url}) + "\n")
        sys.stdout.flush()

    def on_timer_task(self, event: Any) -> None:
        self.stop()

    def stop(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        for connection in self.connections:
            connection.close()
        if self.acceptor is not None:
            self.acceptor.close()

    def on_connection_opening(self, event: Any) -> None:
        self.connections.append(event.connection)

    def on_link_opening(self, event: Any) -> None:
        link = event.link
        if link.is_sender:
            address = link.remote_source.address or ""
            link.source.address = address
            self.consumers.setdefault(address, []).append(link)
        else:
            link.target.address = link.remote_target.address

    def _forget(self, link: Any) -> None:
        if link.is_sender:
            for links in self.consumers.values():
                if link in links:
                    links.remove(link)

    def on_link_closing(self, event: Any) -> None:
        self._forget(event.link)

    def on_link_closed(self, event: Any) -> None:
        self._forget(event.link)

    def on_disconnected(self, event: Any) -> None:
        connection = event.connection
        for links in self.consumers.values():
            links[:] = [link for link in links if link.connection != connection]
        if connection in self.connections:
            self.connections.remove(connection)

    def on_message(self, event: Any) -> None:
        address = event.link.target.address or ""
        self.queues.setdefault(address, collections.deque()).append(event.message)
        self.stored += 1
        for link in self.consumers.get(address, ()):
            self._pump(link, address)

    def on_sendable(self, event: Any) -> None:
        self._pump(event.sender, event.sender.source.address or "")

    def _pump(self, link: Any, address: str) -> None:
        waiting = self.queues.get(address)
        while waiting and link.credit > 0:
            link.send(waiting.popleft())
            self.delivered += 1


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--prefetch", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=600.0, help="stop after this many seconds")
    args = parser.parse_args(argv)
    signal.alarm(int(args.timeout) + 30)  # in case the loop does not stop by itself
    server = QueueServer(args.port, args.prefetch, args.timeout)

    def on_signal(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        Container(server).run()
    except KeyboardInterrupt:
        pass
    usage = resource.getrusage(resource.RUSAGE_SELF)
    sys.stdout.write(json.dumps({"role": "queue-server", "stored": server.stored, "delivered": server.delivered,
                                 "cpu_seconds": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss,
                                 "error": None}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
