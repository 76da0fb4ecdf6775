# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""An AMQP server for the security tests, written with the public ``proton`` API only.

It runs unchanged under cyproton and under python-qpid-proton 0.40, each in its own process (Cyrus
SASL reads its configuration once per process, so every SASL set-up gets a process of its own).

    python peer_server.py [--host H] [--port P] [--tls CERT,KEY[,CA]] [--default-domain] [--require-client-cert]
                          [--allow-unsecured] [--tls-protocols "TLSv1.2"] [--tls-range MIN,MAX]
                          [--mechs "PLAIN SCRAM-SHA-256"]
                          [--sasl-config-dir DIR] [--sasl-config-name NAME] [--allow-insecure-mechs]
                          [--require-auth] [--require-encryption]

Output on stdout, one line each, flushed at once:

- ``READY <port>`` once it listens (``--port 0`` needs cyproton: its acceptor reports the port);
- a JSON object per connection a client opened (``"event": "open"``): the client's container id,
  the authenticated user, the SASL mechanism and authorization identity, whether the transport is
  authenticated/encrypted, the TLS protocol and cipher and the client certificate's subject;
- ``"event": "message"`` for every message received (it is accepted), with its body; the message is
  queued under its link's target address and sent on to a client that receives from that address;
- ``"event": "error"`` for every transport error (condition name and description).

SIGTERM (the default action: no handler is installed) or, with ``--stdin-eof-exit``, the end of stdin
stops it.
"""

import argparse
import collections
import json
import os
import sys
import threading

from proton import Endpoint, SSLDomain
from proton.handlers import MessagingHandler
from proton.reactor import Container


def emit(**fields):
    sys.stdout.write(json.dumps(fields, sort_keys=True) + "\n")
    sys.stdout.flush()


def ssl_facts(transport):
    """What TLS negotiated on ``transport`` (empty when it is not encrypted)."""
    if not transport.encrypted:
        return {}
    ssl = transport.ssl()  # the layer the acceptor made; with no domain this never makes a new one
    return {
        "protocol": ssl.protocol_name(),
        "cipher": ssl.cipher_name(),
        "subject": ssl.get_cert_subject(),
        "cn": ssl.get_cert_common_name(),
    }


class Server(MessagingHandler):
    def __init__(self, options):
        super().__init__()
        self.options = options
        self.queues = {}   # address -> messages received and not yet sent on
        self.senders = {}  # address -> links that consume from it

    def on_start(self, event):
        o = self.options
        domain = None
        if o.tls:
            parts = o.tls.split(",")
            # --default-domain: configure the container's own server domain (Container.ssl.server) and
            # let listen("amqps://...") pick it up, instead of passing a domain of our own.
            domain = event.container.ssl.server if o.default_domain else SSLDomain(SSLDomain.MODE_SERVER)
            domain.set_credentials(parts[0], parts[1], None)
            if len(parts) > 2 and parts[2]:
                domain.set_trusted_ca_db(parts[2])
            if o.require_client_cert:
                domain.set_peer_authentication(SSLDomain.VERIFY_PEER, parts[2])
            else:
                domain.set_peer_authentication(SSLDomain.ANONYMOUS_PEER)
            if o.allow_unsecured:
                domain.allow_unsecured_client()
            if o.tls_protocols:
                setter = getattr(domain, "_set_protocols", None)
                if setter is None:
                    sys.exit("--tls-protocols: this proton has no SSLDomain._set_protocols (use OPENSSL_CONF)")
                setter(o.tls_protocols)
            if o.tls_range:
                domain.set_protocol_range(*o.tls_range.split(","))  # cyproton's extension
        host = "[%s]" % o.host if ":" in o.host else o.host
        scheme = "amqps" if domain is not None else "amqp"
        listen_domain = None if o.default_domain else domain
        acceptor = event.container.listen("%s://%s:%d" % (scheme, host, o.port), ssl_domain=listen_domain)
        port = getattr(acceptor, "port", None) or o.port
        sys.stdout.write("READY %d\n" % port)
        sys.stdout.flush()

    def on_connection_bound(self, event):
        o = self.options
        transport = event.transport
        if o.require_auth:
            transport.require_auth(True)
        if o.require_encryption:
            transport.require_encryption(True)
        if o.mechs or o.sasl_config_dir or o.sasl_config_name or o.allow_insecure_mechs:
            sasl = transport.sasl()
            if o.sasl_config_dir:
                sasl.config_path(o.sasl_config_dir)
            if o.sasl_config_name:
                sasl.config_name(o.sasl_config_name)
            if o.mechs:
                sasl.allowed_mechs(o.mechs)
            if o.allow_insecure_mechs:
                sasl.allow_insecure_mechs = True

    def on_connection_opening(self, event):
        conn = event.connection
        transport = event.transport
        sasl = transport.sasl()
        facts = dict(event="open", container=conn.remote_container, hostname=conn.remote_hostname,
                     user=transport.user, mech=sasl.mech, sasl_user=sasl.user, authorization=sasl.authorization,
                     authenticated=bool(transport.authenticated), encrypted=bool(transport.encrypted))
        facts.update(ssl_facts(transport))
        emit(**facts)

    def on_link_opening(self, event):
        link = event.link
        if link.is_sender:
            link.source.address = link.remote_source.address
        else:
            link.target.address = link.remote_target.address

    def on_message(self, event):
        address = event.link.target.address
        self.queues.setdefault(address, collections.deque()).append(event.message)
        emit(event="message", container=event.connection.remote_container, body=event.message.body,
             user=event.transport.user)
        for sender in self.senders.get(address, ()):
            self.drain(sender)

    def on_sendable(self, event):
        self.senders.setdefault(event.link.source.address, set()).add(event.link)
        self.drain(event.link)

    def drain(self, sender):
        if sender.state & (Endpoint.LOCAL_CLOSED | Endpoint.REMOTE_CLOSED):
            return
        queue = self.queues.get(sender.source.address)
        while queue and sender.credit > 0:
            sender.send(queue.popleft())

    def on_transport_error(self, event):
        cond = event.transport.condition
        emit(event="error", condition=cond.name if cond else None,
             description=cond.description if cond else None)
        super().on_transport_error(event)


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls", help="CERT,KEY[,CA]: listen with amqps (CA: trusted for client certificates)")
    p.add_argument("--default-domain", action="store_true", help="set up Container.ssl.server, not a new domain")
    p.add_argument("--require-client-cert", action="store_true", help="verify client certificates against CA")
    p.add_argument("--allow-unsecured", action="store_true", help="also accept clients without TLS")
    p.add_argument("--tls-protocols", help='e.g. "TLSv1.2" (needs SSLDomain._set_protocols)')
    p.add_argument("--tls-range", help='MIN,MAX e.g. "TLSv1,TLSv1.3" (SSLDomain.set_protocol_range: cyproton only)')
    p.add_argument("--mechs", help="SASL mechanisms to offer, space separated")
    p.add_argument("--sasl-config-dir", help="directory of the Cyrus configuration file")
    p.add_argument("--sasl-config-name", help="name of the Cyrus configuration file (without .conf)")
    p.add_argument("--allow-insecure-mechs", action="store_true", help="offer PLAIN etc. without TLS")
    p.add_argument("--require-auth", action="store_true")
    p.add_argument("--require-encryption", action="store_true")
    p.add_argument("--stdin-eof-exit", action="store_true", help="stop when stdin is closed")
    return p.parse_args(argv)


def main(argv=None):
    options = parse(argv)
    container = Container(Server(options))

    if options.stdin_eof_exit:
        def watch():
            sys.stdin.read()
            os._exit(0)  # nothing to flush: every line was flushed when written
        threading.Thread(target=watch, daemon=True).start()
    container.run()


if __name__ == "__main__":
    main()
