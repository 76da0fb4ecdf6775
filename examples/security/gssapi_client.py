# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Authenticate with Kerberos (SASL GSSAPI), then send a message.

Proton never picks GSSAPI by itself: it has to be named in allowed_mechs, as here. The Kerberos
credentials come from the environment: KRB5_CONFIG, and a ticket cache (KRB5CCNAME, from kinit) or a
client keytab (KRB5_CLIENT_KTNAME). The host in the URL chooses the service principal the client asks
for, amqp/<host>; --service-host names it when you connect to an address the KDC does not know.

    source /tmp/kdc/env.sh; python gssapi_client.py --url amqp://localhost:5672/examples
"""

import argparse
import sys

from proton import Event, Message, Url
from proton.handlers import MessagingHandler
from proton.reactor import Container


class GssapiClient(MessagingHandler):
    def __init__(self, options: argparse.Namespace) -> None:
        super().__init__()
        self.options = options
        self.failed = False
        self.sent = False

    def on_start(self, event: Event) -> None:
        extra = {"virtual_host": self.options.service_host} if self.options.service_host else {}
        conn = event.container.connect(self.options.url, allowed_mechs="GSSAPI", reconnect=False, **extra)
        event.container.create_sender(conn, Url(self.options.url).path or "examples")

    def on_connection_opened(self, event: Event) -> None:
        print(f"authenticated with {event.transport.sasl().mech}", flush=True)

    def on_sendable(self, event: Event) -> None:
        if not self.sent:
            self.sent = True
            event.sender.send(Message(body="hello from Kerberos"))

    def on_accepted(self, event: Event) -> None:
        print("message accepted", flush=True)
        event.connection.close()

    def on_transport_error(self, event: Event) -> None:
        cond = event.transport.condition
        reason = f"{cond.name}: {cond.description}" if cond is not None else "the connection failed"
        print(f"failed: {reason}", file=sys.stderr, flush=True)
        self.failed = True


def main() -> None:
    p = argparse.ArgumentParser(description="Authenticate with Kerberos (SASL GSSAPI) and send a message.")
    p.add_argument("--url", default="amqp://localhost:5672/examples", help="default %(default)s")
    p.add_argument("--service-host", help="host part of the service principal (default: the URL's host)")
    options = p.parse_args()
    client = GssapiClient(options)
    Container(client).run()
    sys.exit(1 if client.failed else 0)


if __name__ == "__main__":
    main()
