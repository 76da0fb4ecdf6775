# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Log in with a user name and password using SASL PLAIN, then send a message.

PLAIN sends the password as it is, so proton clients refuse it over plain TCP unless told
--allow-insecure-mechs; over amqps (give --ca) it is protected by TLS. The credentials come from the
URL (amqp://alice:alice-secret@host:port) or from --user/--password.

    python sasl_plain_client.py --url amqp://localhost:5672/examples --user alice --password alice-secret \
        --allow-insecure-mechs
"""

import argparse
import sys

from proton import Event, Message, SSLDomain, Url
from proton.handlers import MessagingHandler
from proton.reactor import Container


class PlainClient(MessagingHandler):
    def __init__(self, options: argparse.Namespace) -> None:
        super().__init__()
        self.options = options
        self.failed = False
        self.sent = False

    def on_start(self, event: Event) -> None:
        o = self.options
        domain = None
        if o.ca:
            domain = SSLDomain(SSLDomain.MODE_CLIENT)
            domain.set_trusted_ca_db(o.ca)
            domain.set_peer_authentication(SSLDomain.VERIFY_PEER_NAME, o.ca)
        credentials = {k: v for k, v in (("user", o.user), ("password", o.password)) if v}
        conn = event.container.connect(o.url, ssl_domain=domain, allowed_mechs="PLAIN", reconnect=False,
                                       allow_insecure_mechs=o.allow_insecure_mechs, **credentials)
        event.container.create_sender(conn, Url(o.url).path or "examples")

    def on_connection_opened(self, event: Event) -> None:
        transport = event.transport
        print(f"authenticated as {transport.user} with {transport.sasl().mech}"
              f"{' over TLS' if transport.encrypted else ' (no TLS: the password went in clear)'}", flush=True)

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
    p = argparse.ArgumentParser(description="Authenticate with SASL PLAIN and send a message.")
    p.add_argument("--url", default="amqp://localhost:5672/examples", help="default %(default)s")
    p.add_argument("--user", help="user name (or put it in the URL)")
    p.add_argument("--password", help="password (or put it in the URL)")
    p.add_argument("--ca", help="trust this CA and use TLS (the URL should then be amqps://)")
    p.add_argument("--allow-insecure-mechs", action="store_true", help="allow PLAIN without TLS")
    p.add_argument("--message", default="hello from PLAIN", help="what to send")
    options = p.parse_args()
    client = PlainClient(options)
    Container(client).run()
    sys.exit(1 if client.failed else 0)


if __name__ == "__main__":
    main()
