# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Log in with SASL SCRAM (SHA-1, SHA-256 or SHA-512), then send a message.

SCRAM proves the password without sending it, so it needs no TLS and no --allow-insecure-mechs, and
the client also checks that the server knows the password. It needs proton built with Cyrus SASL
(proton.SASL.extended() is True).

    python sasl_scram_client.py --url amqp://alice:alice-secret@localhost:5672/examples --mech SCRAM-SHA-256
"""

import argparse
import sys

from proton import Event, SASL, Message, Url
from proton.handlers import MessagingHandler
from proton.reactor import Container


class ScramClient(MessagingHandler):
    def __init__(self, options: argparse.Namespace) -> None:
        super().__init__()
        self.options = options
        self.failed = False
        self.sent = False

    def on_start(self, event: Event) -> None:
        o = self.options
        credentials = {k: v for k, v in (("user", o.user), ("password", o.password)) if v}
        conn = event.container.connect(o.url, allowed_mechs=o.mech, reconnect=False, **credentials)
        event.container.create_sender(conn, Url(o.url).path or "examples")

    def on_connection_opened(self, event: Event) -> None:
        print(f"authenticated as {event.transport.user} with {event.transport.sasl().mech}", flush=True)

    def on_sendable(self, event: Event) -> None:
        if not self.sent:
            self.sent = True
            event.sender.send(Message(body=self.options.message))

    def on_accepted(self, event: Event) -> None:
        print("message accepted", flush=True)
        event.connection.close()

    def on_transport_error(self, event: Event) -> None:
        cond = event.transport.condition
        reason = f"{cond.name}: {cond.description}" if cond is not None else "the connection failed"
        print(f"failed: {reason}", file=sys.stderr, flush=True)
        self.failed = True


def main() -> None:
    p = argparse.ArgumentParser(description="Authenticate with SASL SCRAM and send a message.")
    p.add_argument("--url", default="amqp://localhost:5672/examples", help="default %(default)s")
    p.add_argument("--user", help="user name (or put it in the URL)")
    p.add_argument("--password", help="password (or put it in the URL)")
    p.add_argument("--mech", default="SCRAM-SHA-256", choices=["SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512"])
    p.add_argument("--message", default="hello from SCRAM", help="what to send")
    options = p.parse_args()
    if not SASL.extended():
        sys.exit("this proton has no Cyrus SASL: SCRAM is not available")
    client = ScramClient(options)
    Container(client).run()
    sys.exit(1 if client.failed else 0)


if __name__ == "__main__":
    main()
