# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Send messages over TLS, checking the server's certificate and host name.

The client trusts only the CA given with --ca and, as proton clients do by default, checks that the
server certificate names the host in the URL (VERIFY_PEER_NAME). It prints the agreed protocol and
cipher and the server certificate's subject and SHA-256 fingerprint. --cert/--key present a client
certificate.

    python tls_client.py --url amqps://localhost:5671/examples --ca ca.crt
"""

import argparse
import sys

from proton import Event, Message, SSLDomain, Url
from proton.handlers import MessagingHandler
from proton.reactor import Container


class TlsClient(MessagingHandler):
    def __init__(self, options: argparse.Namespace) -> None:
        super().__init__()
        self.options = options
        self.sent = self.accepted = 0
        self.failed = False

    def on_start(self, event: Event) -> None:
        o = self.options
        domain = SSLDomain(SSLDomain.MODE_CLIENT)
        domain.set_trusted_ca_db(o.ca)
        domain.set_peer_authentication(SSLDomain.VERIFY_PEER_NAME, o.ca)
        if o.cert:
            domain.set_credentials(o.cert, o.key, None)
        url = Url(o.url)
        conn = event.container.connect(o.url, ssl_domain=domain, reconnect=False)
        event.container.create_sender(conn, url.path or "examples")

    def on_connection_opened(self, event: Event) -> None:
        tls = event.transport.ssl()
        print(f"TLS: {tls.protocol_name()} {tls.cipher_name()}")
        print(f"server certificate: {tls.get_cert_subject()} (common name {tls.get_cert_common_name()})")
        print(f"sha256 fingerprint: {tls.get_cert_fingerprint_sha256()}", flush=True)

    def on_sendable(self, event: Event) -> None:
        while event.sender.credit and self.sent < self.options.count:
            self.sent += 1
            event.sender.send(Message(body=f"secret message {self.sent}"))

    def on_accepted(self, event: Event) -> None:
        self.accepted += 1
        if self.accepted == self.options.count:
            print(f"sent {self.accepted} messages over TLS", flush=True)
            event.connection.close()

    def on_transport_error(self, event: Event) -> None:
        cond = event.transport.condition
        reason = f"{cond.name}: {cond.description}" if cond is not None else "the connection failed"
        print(f"failed: {reason}", file=sys.stderr, flush=True)
        self.failed = True


def main() -> None:
    p = argparse.ArgumentParser(description="Send messages over TLS, verifying the server.")
    p.add_argument("--url", default="amqps://localhost:5671/examples", help="default %(default)s")
    p.add_argument("--ca", required=True, help="the CA to trust (PEM)")
    p.add_argument("--cert", help="client certificate (PEM), if the server asks for one")
    p.add_argument("--key", help="its private key (PEM)")
    p.add_argument("--count", type=int, default=3, help="messages to send (default %(default)s)")
    options = p.parse_args()
    client = TlsClient(options)
    Container(client).run()
    sys.exit(1 if client.failed else 0)


if __name__ == "__main__":
    main()
