#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Hello world without a broker: the program listens, connects to itself and sends a greeting.

Both ends of the connection live in one container. The accepted (server) end receives the
message; receiving it closes the listener and the connection, and the program ends::

    python helloworld_direct.py --listen 127.0.0.1:0
"""

import argparse
import socket
import sys
from typing import Any, Optional, Tuple

from proton import Event, Message
from proton.handlers import MessagingHandler
from proton.reactor import Container


def split_host_port(text: str) -> Tuple[str, int]:
    """``"host:port"`` into its parts; port 0 becomes a free port picked now."""
    host, _, port = text.rpartition(":")
    host = host or "127.0.0.1"
    number = int(port)
    if number == 0:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((host, 0))
            number = probe.getsockname()[1]
    return host, number


class SelfTalk(MessagingHandler):
    """Listens, connects to its own listener and sends one greeting over that connection."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        super().__init__()
        self.endpoint = f"{host}:{port}"
        self.timeout = timeout
        self.listener: Optional[Any] = None
        self.guard: Optional[Any] = None
        self.sent = False
        self.status = 1

    def on_start(self, event: Event) -> None:
        container = event.container
        self.listener = container.listen(self.endpoint)
        print(f"listening on {self.endpoint}")
        container.create_sender(f"amqp://{self.endpoint}/greetings")
        self.guard = container.schedule(self.timeout, self)

    def on_sendable(self, event: Event) -> None:
        if not self.sent:
            event.sender.send(Message(body="Hello, world!"))
            self.sent = True
            print("sent: Hello, world!")

    def on_message(self, event: Event) -> None:
        # Only the accepted end has a receiver, so this runs on the listener's side.
        print(f"received: {event.message.body}")
        self.status = 0
        self.shut_down(event.connection)

    def on_timer_task(self, event: Event) -> None:
        print(f"the greeting did not arrive within {self.timeout:g}s", file=sys.stderr)
        self.guard = None
        self.shut_down(None)
        event.container.stop()

    def shut_down(self, connection: Any) -> None:
        if self.guard is not None:
            self.guard.cancel()
            self.guard = None
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        if connection is not None:
            connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description="Peer to peer hello world: listen and send to yourself.")
    parser.add_argument("--listen", default="127.0.0.1:0",
                        help="HOST:PORT to listen on; port 0 picks a free port (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=10.0, help="give up after this many seconds")
    args = parser.parse_args()
    host, port = split_host_port(args.listen)
    handler = SelfTalk(host, port, args.timeout)
    Container(handler).run()
    return handler.status


if __name__ == "__main__":
    sys.exit(main())
