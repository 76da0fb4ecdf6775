# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A server that accepts AMQP over TLS only (amqps) and prints what it receives.

It shows, for every client, the TLS protocol and cipher that were agreed and, when the client
presented one, the subject of its certificate. With --require-client-cert it refuses clients whose
certificate is missing or not signed by --ca; add --mechs EXTERNAL and the certificate subject also
becomes the authenticated user name (see external_client.py).

    python tls_server.py --cert server.crt --key server.key [--ca ca.crt --require-client-cert]
"""

import argparse

from proton import Event, SSLDomain, Url
from proton.handlers import MessagingHandler
from proton.reactor import Container


class TlsServer(MessagingHandler):
    def __init__(self, options: argparse.Namespace) -> None:
        super().__init__()
        self.options = options
        self.received = 0

    def on_start(self, event: Event) -> None:
        o = self.options
        domain = SSLDomain(SSLDomain.MODE_SERVER)
        domain.set_credentials(o.cert, o.key, None)
        if o.require_client_cert:
            domain.set_trusted_ca_db(o.ca)
            domain.set_peer_authentication(SSLDomain.VERIFY_PEER, o.ca)
        else:
            domain.set_peer_authentication(SSLDomain.ANONYMOUS_PEER)
        acceptor = event.container.listen(o.url, ssl_domain=domain)
        url = Url(o.url)
        port = getattr(acceptor, "port", None) or url.port  # cyproton tells the port it got for ":0"
        print(f"listening on amqps://{url.host}:{port}", flush=True)

    def on_connection_bound(self, event: Event) -> None:
        if self.options.mechs:
            event.transport.sasl().allowed_mechs(self.options.mechs)
            event.transport.require_auth(True)

    def on_connection_opening(self, event: Event) -> None:
        transport = event.transport
        tls = transport.ssl()  # the TLS layer the listener set up for this connection
        print(f"connection: {tls.protocol_name()} {tls.cipher_name()}, "
              f"client certificate: {tls.get_cert_subject() or 'none'}, "
              f"user: {transport.user} ({transport.sasl().mech})", flush=True)

    def on_link_opening(self, event: Event) -> None:
        if event.link.is_receiver:
            event.link.target.address = event.link.remote_target.address

    def on_message(self, event: Event) -> None:
        self.received += 1
        print(f"received: {event.message.body}", flush=True)

    def on_transport_closed(self, event: Event) -> None:
        # Stop once the client that brought the last message has gone (its close frame answered).
        if self.options.count and self.received >= self.options.count:
            event.container.stop()


def main() -> None:
    p = argparse.ArgumentParser(description="Accept AMQP over TLS and print what arrives.")
    p.add_argument("--url", default="amqps://127.0.0.1:5671", help="where to listen (default %(default)s)")
    p.add_argument("--cert", required=True, help="server certificate (PEM)")
    p.add_argument("--key", required=True, help="its private key (PEM)")
    p.add_argument("--ca", help="CA that signs client certificates (PEM)")
    p.add_argument("--require-client-cert", action="store_true", help="refuse clients without a valid certificate")
    p.add_argument("--mechs", help='SASL mechanisms to allow, e.g. "EXTERNAL" (default: any, ANONYMOUS included)')
    p.add_argument("--count", type=int, default=0, help="stop after this many messages (default: never)")
    options = p.parse_args()
    if options.require_client_cert and not options.ca:
        p.error("--require-client-cert needs --ca")
    try:
        Container(TlsServer(options)).run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
