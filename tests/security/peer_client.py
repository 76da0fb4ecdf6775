# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""An AMQP client for the security tests, written with the public ``proton`` API only.

It runs unchanged under cyproton and under python-qpid-proton 0.40, so every scenario can be tried
with either implementation as the client. It connects once (never reconnects), optionally sends
and receives a few messages, closes, and prints one line ``RESULT {json}`` with what it saw:

- ``ok``: the connection opened (and the messages went through) and closed cleanly;
- ``condition`` / ``description`` / ``where``: the first error condition (``transport``,
  ``connection`` or ``link``), or ``timeout`` when nothing ended within ``--timeout`` seconds;
- what SASL and TLS negotiated: ``user``, ``mech``, ``outcome``, ``authenticated``,
  ``encrypted``, ``protocol``, ``cipher``, the server certificate's ``subject``, its
  ``subfields`` and ``fingerprints``, ``peer_hostname``;
- ``trace``: the lines a tracer callback got (``--tracer``), ``reprs`` of the connection and the
  URL, and ``exception`` (``--blocking``: the text of the exception BlockingConnection raised).

    python peer_client.py --url amqps://localhost:5671 --ca ca.crt --mechs PLAIN --user alice ...
"""

import argparse
import json
import logging
import sys
import time

from proton import SASL, SSL, Message, SSLDomain, Transport, Url
from proton.handlers import MessagingHandler
from proton.reactor import Container

VERIFY = {
    "name": SSLDomain.VERIFY_PEER_NAME,
    "peer": SSLDomain.VERIFY_PEER,
    "anonymous": SSLDomain.ANONYMOUS_PEER,
}
SUBFIELDS = {
    "CN": SSL.CERT_COMMON_NAME,
    "O": SSL.CERT_ORGANIZATION_NAME,
    "OU": SSL.CERT_ORGANIZATION_UNIT,
    "L": SSL.CERT_CITY_OR_LOCALITY,
    "ST": SSL.CERT_STATE_OR_PROVINCE,
    "C": SSL.CERT_COUNTRY_NAME,
}


def cond_fields(cond, where):
    return {"condition": cond.name, "description": cond.description, "where": where}


def ssl_facts(transport):
    if not transport.encrypted:
        return {}
    ssl = transport.ssl()  # the layer connect() made; no domain, so never a new one
    return {
        "protocol": ssl.protocol_name(),
        "cipher": ssl.cipher_name(),
        "subject": ssl.get_cert_subject(),
        "subfields": {k: ssl.get_cert_subject_subfield(v) for k, v in SUBFIELDS.items()},
        "accessors": {
            "CN": ssl.get_cert_common_name(), "O": ssl.get_cert_organization(),
            "OU": ssl.get_cert_organization_unit(), "L": ssl.get_cert_locality_or_city(),
            "ST": ssl.get_cert_state_or_province(), "C": ssl.get_cert_country(),
        },
        "fingerprints": {
            "sha1": ssl.get_cert_fingerprint_sha1(), "sha256": ssl.get_cert_fingerprint_sha256(),
            "sha512": ssl.get_cert_fingerprint_sha512(), "md5": ssl.get_cert_fingerprint_md5(),
            "generic_sha256": ssl.get_cert_fingerprint(65, SSL.SHA256),
            "too_short": ssl.get_cert_fingerprint(10, SSL.SHA256),
        },
        "peer_hostname": ssl.peer_hostname,
        "resume_status": ssl.resume_status(),
    }


def make_domain(o):
    """The client SSLDomain the options ask for, or None (container default)."""
    if o.default_domain:
        return None
    if not (o.ca or o.cert or o.verify != "name" or o.tls_protocols or o.tls_range):
        return None
    domain = SSLDomain(SSLDomain.MODE_CLIENT)
    if o.ca:
        domain.set_trusted_ca_db(o.ca)
    domain.set_peer_authentication(VERIFY[o.verify], o.ca if o.verify != "anonymous" else None)
    if o.cert:
        domain.set_credentials(o.cert, o.key, None)
    if o.tls_protocols:
        setter = getattr(domain, "_set_protocols", None)
        if setter is None:
            raise SystemExit("--tls-protocols: this proton has no SSLDomain._set_protocols (use OPENSSL_CONF)")
        setter(o.tls_protocols)
    if o.tls_range:
        domain.set_protocol_range(*o.tls_range.split(","))  # cyproton's extension
    return domain


def connect_kwargs(o):
    kw = {}
    if o.mechs is not None:
        kw["allowed_mechs"] = o.mechs
    if o.allow_insecure_mechs is not None:
        kw["allow_insecure_mechs"] = o.allow_insecure_mechs == "yes"
    if o.no_sasl:
        kw["sasl_enabled"] = False
    if o.user is not None:
        kw["user"] = o.user
    if o.password is not None:
        kw["password"] = o.password
    if o.sni is not None:
        kw["sni"] = o.sni
    if o.virtual_host is not None:
        kw["virtual_host"] = o.virtual_host
    if o.container_id is not None:
        kw["container_id"] = o.container_id
    return kw


class Client(MessagingHandler):
    def __init__(self, options, result):
        super().__init__()
        self.o = options
        self.result = result
        self.trace = []
        self.sent = self.accepted = self.received = 0
        self.conn = None
        self.timer = None
        self.finished = False

    def on_start(self, event):
        o = self.o
        container = event.container
        domain = make_domain(o)
        if o.default_domain and o.ca:
            container.ssl.client.set_trusted_ca_db(o.ca)
        self.timer = container.schedule(o.timeout, self)
        self.conn = container.connect(o.url, reconnect=False, ssl_domain=domain, **connect_kwargs(o))
        if o.authorization:
            self.conn.authorization = o.authorization  # before the transport is bound (on the next event)
        self.result["reprs"] = [repr(self.conn), repr(Url(o.url)), str(self.conn)]

    def on_connection_bound(self, event):
        if self.o.tracer and not event.transport.tracer:
            event.transport.tracer = lambda transport, line: self.trace.append(line)
        if self.o.tracer or self.o.trace_frm:
            event.transport.trace(Transport.TRACE_FRM)

    def on_connection_opened(self, event):
        transport = event.transport
        sasl = transport.sasl()
        self.result.update(opened=True, user=transport.user, authenticated=bool(transport.authenticated),
                           encrypted=bool(transport.encrypted), mech=sasl.mech, outcome=sasl.outcome,
                           conn_user=event.connection.user, remote_container=event.connection.remote_container)
        self.result.update(ssl_facts(transport))
        if self.o.send:
            event.container.create_sender(event.connection, self.o.address)
        elif self.o.receive:
            event.container.create_receiver(event.connection, self.o.address)
        else:
            self.finish(ok=True)

    def on_sendable(self, event):
        while event.sender.credit and self.sent < self.o.send:
            self.sent += 1
            event.sender.send(Message(body="message %d" % self.sent))

    def on_accepted(self, event):
        self.accepted += 1
        if self.accepted == self.o.send:
            event.sender.close()
            if self.o.receive:
                event.container.create_receiver(event.connection, self.o.address)
            else:
                self.finish(ok=True)

    def on_message(self, event):
        self.received += 1
        self.result.setdefault("bodies", []).append(event.message.body)
        if self.received == self.o.receive:
            event.receiver.close()
            self.finish(ok=True)

    def finish(self, **fields):
        if self.finished:
            return
        self.finished = True
        self.result.update(fields)
        if self.conn is not None:
            self.conn.close()

    def fail(self, cond, where):
        if "condition" not in self.result:
            self.result.update(cond_fields(cond, where))
        self.result["ok"] = False
        self.finished = True

    def on_transport_error(self, event):
        cond = event.transport.condition
        if cond is not None:
            self.fail(cond, "transport")

    def on_connection_error(self, event):
        self.fail(event.connection.remote_condition, "connection")
        event.connection.close()

    def on_link_error(self, event):
        self.fail(event.link.remote_condition, "link")
        event.connection.close()

    def on_transport_closed(self, event):
        self.done(event.container)

    def on_timer_task(self, event):
        if "ok" not in self.result:
            self.result.update(ok=False, condition="timeout", where="client")
        self.done(event.container)

    def done(self, container):
        self.result.update(sent=self.sent, accepted=self.accepted, received=self.received)
        if self.trace:
            self.result["trace"] = self.trace
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        container.stop()


def run_container(o):
    result = {"extended": SASL.extended(), "present": SSL.present()}
    client = Client(o, result)
    start = time.monotonic()
    try:
        Container(client).run()
    except Exception as exc:  # an error inside the library: report it, do not hide it
        result.update(ok=False, condition="exception", description="%s: %s" % (type(exc).__name__, exc))
    result["elapsed"] = round(time.monotonic() - start, 3)
    if client.trace and "trace" not in result:
        result["trace"] = client.trace
    result.setdefault("ok", False)
    return result


def run_blocking(o):
    """The same connection through BlockingConnection: what it raises, and what it saw."""
    from proton.utils import BlockingConnection
    result = {"extended": SASL.extended(), "present": SSL.present()}
    start = time.monotonic()
    try:
        conn = BlockingConnection(o.url, timeout=o.timeout, ssl_domain=make_domain(o), **connect_kwargs(o))
    except Exception as exc:
        result.update(ok=False, exception="%s: %s" % (type(exc).__name__, exc),
                      exception_condition=getattr(exc, "condition", None))
    else:
        transport = conn.conn.transport
        result.update(ok=True, user=transport.user, authenticated=bool(transport.authenticated),
                      encrypted=bool(transport.encrypted), mech=transport.sasl().mech)
        result.update(ssl_facts(transport))
        result["reprs"] = [repr(conn.conn), repr(conn.url), str(conn.url)]
        if o.send:
            sender = conn.create_sender(o.address)
            for i in range(o.send):
                sender.send(Message(body="message %d" % (i + 1)))
            result["accepted"] = o.send
        conn.close()
    result["elapsed"] = round(time.monotonic() - start, 3)
    return result


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True)
    p.add_argument("--ca", help="trusted CA certificates (PEM)")
    p.add_argument("--cert", help="client certificate (PEM)")
    p.add_argument("--key", help="client private key (PEM)")
    p.add_argument("--verify", choices=sorted(VERIFY), default="name")
    p.add_argument("--default-domain", action="store_true",
                   help="use the container's default client domain (trusting --ca)")
    p.add_argument("--tls-protocols", help='e.g. "TLSv1.2" (needs SSLDomain._set_protocols)')
    p.add_argument("--tls-range", help='MIN,MAX e.g. "TLSv1,TLSv1.3" (SSLDomain.set_protocol_range: cyproton only)')
    p.add_argument("--mechs", help="allowed SASL mechanisms")
    p.add_argument("--allow-insecure-mechs", choices=("yes", "no"))
    p.add_argument("--no-sasl", action="store_true", help="sasl_enabled=False")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--authorization", help="Connection.authorization (the identity to act as)")
    p.add_argument("--sni")
    p.add_argument("--virtual-host")
    p.add_argument("--container-id")
    p.add_argument("--address", default="examples")
    p.add_argument("--send", type=int, default=0)
    p.add_argument("--receive", type=int, default=0)
    p.add_argument("--tracer", action="store_true", help="collect frame traces with a tracer callback")
    p.add_argument("--trace-frm", action="store_true", help="transport.trace(TRACE_FRM), no tracer: to stderr")
    p.add_argument("--blocking", action="store_true", help="use BlockingConnection")
    p.add_argument("--log-debug", action="store_true", help="send all Python logging (DEBUG) to stderr")
    p.add_argument("--timeout", type=float, default=8.0)
    return p.parse_args(argv)


def main(argv=None):
    o = parse(argv)
    if o.log_debug:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    result = run_blocking(o) if o.blocking else run_container(o)
    sys.stdout.write("RESULT " + json.dumps(result, sort_keys=True) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
