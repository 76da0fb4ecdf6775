# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A server that authenticates clients with Kerberos (SASL GSSAPI).

Kerberos settings come from the environment: KRB5_CONFIG (the realm and its KDC) and KRB5_KTNAME (the
keytab with the amqp/<host> service keys). --config-dir holds a Cyrus configuration whose mech_list
includes GSSAPI (tests/peers/start_kdc.sh writes all of these; source its env.sh).

    source /tmp/kdc/env.sh; python gssapi_server.py --config-dir /tmp/kdc/sasl
"""

import argparse

from proton import Event, Url
from proton.handlers import MessagingHandler
from proton.reactor import Container


class GssapiServer(MessagingHandler):
    def __init__(self, options: argparse.Namespace) -> None:
        super().__init__()
        self.options = options
        self.received = 0

    def on_start(self, event: Event) -> None:
        acceptor = event.container.listen(self.options.url)
        url = Url(self.options.url)
        port = getattr(acceptor, "port", None) or url.port  # cyproton tells the port it got for ":0"
        print(f"listening on amqp://{url.host}:{port}", flush=True)

    def on_connection_bound(self, event: Event) -> None:
        sasl = event.transport.sasl()
        sasl.config_path(self.options.config_dir)
        sasl.config_name(self.options.config_name)
        sasl.allowed_mechs("GSSAPI")
        event.transport.require_auth(True)

    def on_connection_opening(self, event: Event) -> None:
        print(f"connection: Kerberos principal {event.transport.user} ({event.transport.sasl().mech})", flush=True)

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
    p = argparse.ArgumentParser(description="Authenticate clients with Kerberos (SASL GSSAPI).")
    p.add_argument("--url", default="amqp://127.0.0.1:5672", help="where to listen (default %(default)s)")
    p.add_argument("--config-dir", required=True, help="directory of the Cyrus configuration (mech_list: GSSAPI)")
    p.add_argument("--config-name", default="proton-server", help="its name without .conf (default %(default)s)")
    p.add_argument("--count", type=int, default=0, help="stop after this many messages (default: never)")
    options = p.parse_args()
    try:
        Container(GssapiServer(options)).run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
