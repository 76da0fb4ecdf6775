# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Authenticate with a TLS client certificate (SASL EXTERNAL), then send a message.

No password at all: the client presents --cert/--key during the TLS handshake and asks for SASL
EXTERNAL; the server takes the identity from the verified certificate (a proton server uses the whole
subject, RabbitMQ its common name). Try it against tls_server.py --require-client-cert --mechs EXTERNAL.

    python external_client.py --url amqps://localhost:5671/examples --ca ca.crt --cert client.crt --key client.key
"""

import argparse
import sys

from proton import Event, Message, SSLDomain, Url
from proton.handlers import MessagingHandler
from proton.reactor import Container


class ExternalClient(MessagingHandler):
    def __init__(self, options: argparse.Namespace) -> None:
        super().__init__()
        self.options = options
        self.failed = False
        self.sent = False

    def on_start(self, event: Event) -> None:
        o = self.options
        domain = SSLDomain(SSLDomain.MODE_CLIENT)
        domain.set_trusted_ca_db(o.ca)
        domain.set_peer_authentication(SSLDomain.VERIFY_PEER_NAME, o.ca)
        domain.set_credentials(o.cert, o.key, None)
        conn = event.container.connect(o.url, ssl_domain=domain, allowed_mechs="EXTERNAL", reconnect=False)
        event.container.create_sender(conn, Url(o.url).path or "examples")

    def on_connection_opened(self, event: Event) -> None:
        transport = event.transport
        print(f"authenticated with {transport.sasl().mech} over {transport.ssl().protocol_name()}, "
              f"server {transport.ssl().get_cert_common_name()}", flush=True)

    def on_sendable(self, event: Event) -> None:
        if not self.sent:
            self.sent = True
            event.sender.send(Message(body="hello from a certificate"))

    def on_accepted(self, event: Event) -> None:
        print("message accepted", flush=True)
        event.connection.close()

    def on_transport_error(self, event: Event) -> None:
        cond = event.transport.condition
        reason = f"{cond.name}: {cond.description}" if cond is not None else "the connection failed"
        print(f"failed: {reason}", file=sys.stderr, flush=True)
        self.failed = True


def main() -> None:
    p = argparse.ArgumentParser(description="Authenticate with a client certificate (SASL EXTERNAL).")
    p.add_argument("--url", default="amqps://localhost:5671/examples", help="default %(default)s")
    p.add_argument("--ca", required=True, help="the CA that signed the server certificate (PEM)")
    p.add_argument("--cert", required=True, help="client certificate (PEM)")
    p.add_argument("--key", required=True, help="its private key (PEM)")
    options = p.parse_args()
    client = ExternalClient(options)
    Container(client).run()
    sys.exit(1 if client.failed else 0)


if __name__ == "__main__":
    main()
