# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A server under attack, as a program of its own (a crash must not take the test run with it).

``python server_prog.py container [OPTIONS]`` listens with ``Container.listen`` on 127.0.0.1:0
behind a plain :class:`MessagingHandler` (accepts every message, sends ``"hello"`` to every
receiver that gives credit), the way a user would write a small service.
``python server_prog.py broker [OPTIONS]`` runs the embedded broker instead.

The first line on stdout is ``PORT <n>``. Every handler error, every transport error condition
and every message received is reported on stdout, one line each, so a test can see what the
server made of its input. Runs until killed, or until stdin closes.

Options: ``--handshake-timeout SECONDS`` (``off`` for none), ``--idle-timeout SECONDS``,
``--peek`` (read the remote attributes of every connection and link, as a curious handler does).
The broker's log (INFO) goes to stdout as ``LOG ...`` lines.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import signal
import sys
import threading

from proton import Message
from proton.handlers import MessagingHandler
from proton.reactor import Container


def say(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


class Service(MessagingHandler):
    def __init__(self, options: argparse.Namespace) -> None:
        super().__init__()
        self.options = options
        self.received = 0

    def on_start(self, event):
        kwargs = {}
        if self.options.handshake_timeout is not None:
            kwargs["handshake_timeout"] = self.options.handshake_timeout
        if self.options.idle_timeout:
            kwargs["idle_timeout"] = self.options.idle_timeout
        self.acceptor = event.container.listen("127.0.0.1:0", **kwargs)
        if hasattr(self.acceptor, "port"):
            port = self.acceptor.port
        else:                       # python-qpid-proton: the listening socket is the selectable's delegate
            port = self.acceptor._selectable._delegate.getsockname()[1]
        say("PORT", port)

    def on_link_opening(self, event):
        # answer with the terminus the client asked for, as a small service does
        link = event.link
        if link.remote_source.address is not None:
            link.source.address = link.remote_source.address
        if link.remote_target.address is not None:
            link.target.address = link.remote_target.address

    def on_connection_opened(self, event):
        if self.options.peek:
            c = event.connection
            say("PEEK-CONNECTION", repr(c.remote_container), repr(c.remote_hostname),
                repr(c.remote_properties), repr(c.remote_offered_capabilities))

    def on_link_opened(self, event):
        if self.options.peek:
            link = event.link
            say("PEEK-LINK", repr(link.name), repr(link.remote_source.address), repr(link.remote_target.address),
                repr(link.remote_properties))

    def on_sendable(self, event):
        # Credit is the peer's to give (a hostile one grants 2**31): send a bounded batch per flow.
        for _ in range(min(event.sender.credit, 100)):
            event.sender.send(Message(body="hello"))

    def on_message(self, event):
        self.received += 1
        say("MESSAGE", repr(event.message.body)[:100])

    def on_transport_error(self, event):
        cond = event.transport.condition
        say("TRANSPORT-ERROR", cond.name if cond else None, repr(cond.description) if cond else None)
        super().on_transport_error(event)

    def on_connection_error(self, event):
        say("CONNECTION-ERROR", repr(event.connection.remote_condition))

    def on_link_error(self, event):
        say("LINK-ERROR", repr(event.link.remote_condition))

    def on_session_error(self, event):
        say("SESSION-ERROR", repr(event.session.remote_condition))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["container", "broker"])
    parser.add_argument("--handshake-timeout", default=None)
    parser.add_argument("--idle-timeout", type=float, default=None)
    parser.add_argument("--peek", action="store_true")
    options = parser.parse_args()
    if options.handshake_timeout is not None:
        options.handshake_timeout = 0 if options.handshake_timeout == "off" else float(options.handshake_timeout)
    faulthandler.register(signal.SIGUSR1, all_threads=True)    # a hung server can be asked where it is
    # stdin closing (the test went away) ends the server
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    if options.kind == "broker":
        import logging

        from cyproton.broker import Broker
        # the broker reports what it makes of its clients through logging: show it as the container does
        logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="LOG %(message)s")
        kwargs = {}
        if options.handshake_timeout is not None:
            kwargs["handshake_timeout"] = options.handshake_timeout
        if options.idle_timeout:
            kwargs["idle_timeout"] = options.idle_timeout
        broker = Broker("127.0.0.1:0", **kwargs)
        broker.start()
        say("PORT", broker.port)
        broker._thread.join()
        say("BROKER-STOPPED")
        return
    Container(Service(options)).run()
    say("CONTAINER-RETURNED")


if __name__ == "__main__":
    main()
