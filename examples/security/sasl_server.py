# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A server that authenticates clients with Cyrus SASL against a user database (sasldb).

--config-dir names the directory holding the Cyrus configuration file, <config-name>.conf, which says
where the sasldb is and which mechanisms to offer (tests/peers/make_sasldb.sh writes both). Every
connection is printed with the authenticated user and the mechanism, every message with its body.
Without TLS, mechanisms that send the password in clear (PLAIN) are offered only with
--allow-insecure-mechs; with --cert/--key the server speaks TLS and PLAIN is safe.

    python sasl_server.py --config-dir /tmp/sasl --mechs "SCRAM-SHA-256 PLAIN" --allow-insecure-mechs
"""

import argparse

from proton import Event, SSLDomain, Url
from proton.handlers import MessagingHandler
from proton.reactor import Container


class SaslServer(MessagingHandler):
    def __init__(self, options: argparse.Namespace) -> None:
        super().__init__()
        self.options = options
        self.received = 0

    def on_start(self, event: Event) -> None:
        o = self.options
        domain = None
        if o.cert:
            domain = SSLDomain(SSLDomain.MODE_SERVER)
            domain.set_credentials(o.cert, o.key, None)
        acceptor = event.container.listen(o.url, ssl_domain=domain)
        url = Url(o.url)
        port = getattr(acceptor, "port", None) or url.port  # cyproton tells the port it got for ":0"
        print(f"listening on {'amqps' if domain else 'amqp'}://{url.host}:{port}", flush=True)

    def on_connection_bound(self, event: Event) -> None:
        # Called for every accepted connection before any byte is read: configure its SASL layer.
        o = self.options
        sasl = event.transport.sasl()
        sasl.config_path(o.config_dir)  # Cyrus reads it once per process: the first connection's counts
        sasl.config_name(o.config_name)
        if o.mechs:
            sasl.allowed_mechs(o.mechs)
        sasl.allow_insecure_mechs = o.allow_insecure_mechs
        event.transport.require_auth(True)  # no ANONYMOUS, no skipping SASL

    def on_connection_opening(self, event: Event) -> None:
        transport = event.transport
        print(f"connection: user {transport.user} authenticated with {transport.sasl().mech}"
              f"{' over TLS' if transport.encrypted else ''}", flush=True)

    def on_link_opening(self, event: Event) -> None:
        if event.link.is_receiver:
            event.link.target.address = event.link.remote_target.address

    def on_message(self, event: Event) -> None:
        self.received += 1
        print(f"received from {event.transport.user}: {event.message.body}", flush=True)

    def on_transport_closed(self, event: Event) -> None:
        # Stop once the client that brought the last message has gone (its close frame answered).
        if self.options.count and self.received >= self.options.count:
            event.container.stop()


def main() -> None:
    p = argparse.ArgumentParser(description="Authenticate clients against a Cyrus sasldb.")
    p.add_argument("--url", default="amqp://127.0.0.1:5672", help="where to listen (default %(default)s)")
    p.add_argument("--config-dir", required=True, help="directory of the Cyrus configuration file")
    p.add_argument("--config-name", default="proton-server", help="its name without .conf (default %(default)s)")
    p.add_argument("--mechs", help="mechanisms to offer (default: those of the configuration file)")
    p.add_argument("--allow-insecure-mechs", action="store_true", help="offer PLAIN even without TLS")
    p.add_argument("--cert", help="server certificate (PEM): listen with TLS")
    p.add_argument("--key", help="its private key (PEM)")
    p.add_argument("--count", type=int, default=0, help="stop after this many messages (default: never)")
    options = p.parse_args()
    try:
        Container(SaslServer(options)).run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
