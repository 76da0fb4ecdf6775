# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Shared bits of the interop programs: command-line options for connections and links, TLS/SASL set-up,
AMQP values as JSON, and the one JSON summary line each program prints last. Public ``proton`` API only."""

import argparse
import json
import sys
import uuid

from proton import Condition, Delivery, SSLDomain, symbol, ubyte, uint, ulong
from proton.reactor import AtLeastOnce, AtMostOnce, LinkOption

# "type:value" strings in --conn-props/--link-props JSON become these AMQP types (and back, in summaries)
TYPED = {"symbol": symbol, "ulong": ulong, "uint": uint, "ubyte": ubyte, "uuid": uuid.UUID,
         "binary": lambda text: text.encode()}


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--container-id", help="AMQP container id (default: generated)")
    p.add_argument("--conn-props", default="{}", help="connection properties, JSON object ('ulong:5' typed values)")
    p.add_argument("--link-name", help="link name (default: generated)")
    p.add_argument("--link-props", default="{}", help="link properties, JSON object")
    p.add_argument("--mode", choices=("at-least-once", "at-most-once"), default="at-least-once")
    p.add_argument("--body-kind", default="all-types", help="message kind, see messages.py")
    p.add_argument("--first", type=int, default=0, help="sequence number of the first message")
    p.add_argument("--mechs", help="allowed SASL mechanisms, space separated")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--ssl-ca", help="CA file to verify the peer (amqps)")
    p.add_argument("--ssl-cert", help="own certificate (client certificate, or the server's)")
    p.add_argument("--ssl-key")
    p.add_argument("--verify-name", action="store_true", help="client: check the server's host name too")
    p.add_argument("--timeout", type=float, default=60.0, help="give up (and report) after this many seconds")
    return p


def typed(value):
    """JSON value -> AMQP value: 'ulong:5' -> ulong(5), lists and objects recursively, the rest as is."""
    if isinstance(value, str) and ":" in value and value.split(":", 1)[0] in TYPED:
        kind, text = value.split(":", 1)
        return TYPED[kind](int(text)) if kind in ("ulong", "uint", "ubyte") else TYPED[kind](text)
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, dict):
        return {typed(k): typed(v) for k, v in value.items()}
    return value


def props(text):
    """--conn-props/--link-props JSON -> a map with symbol keys (None when empty)."""
    mapping = json.loads(text)
    return {symbol(k): typed(v) for k, v in mapping.items()} or None


def jsonable(value):
    """AMQP value -> JSON, the inverse of ``typed``: builtin types as they are, others as 'type:value'."""
    if isinstance(value, dict):
        return {str(jsonable(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, (bytes, memoryview)):
        return "binary:" + bytes(value).decode("utf-8", "replace")
    name = {uuid.UUID: "uuid"}.get(type(value), type(value).__name__)
    for base in (bool, int, float, str):   # the plain value of ulong(5), symbol('x') etc.
        if isinstance(value, base):
            return "%s:%s" % (name, base(value) if base is not str else str.__str__(value))
    return "%s:%s" % (name, value)


def condition(cond):
    """An error condition as JSON (or None)."""
    if cond is None:
        return None
    return {"name": cond.name, "description": cond.description, "info": jsonable(cond.info)}


def outcome_details(delivery):
    """What the peer said with its outcome: the error of a rejection, the flags and annotations of a modified."""
    remote = delivery.remote
    details = {"condition": condition(remote.condition)}
    if delivery.remote_state == Delivery.MODIFIED:
        details.update(failed=remote.failed, undeliverable=remote.undeliverable,
                       annotations=jsonable(remote.annotations))
    return details


def make_condition(name, description, **info):
    return Condition(name, description, {symbol(k): v for k, v in info.items()} or None)


class LinkProperties(LinkOption):
    """Sets the link's properties map before it is opened."""

    def __init__(self, properties):
        self.properties = properties

    def apply(self, link):
        link.properties = self.properties


def link_options(args):
    options = [AtMostOnce() if args.mode == "at-most-once" else AtLeastOnce()]
    if props(args.link_props):
        options.append(LinkProperties(props(args.link_props)))
    return options


def ssl_domain(args, mode):
    """The SSLDomain the options ask for (None for plain AMQP)."""
    if not (args.ssl_ca or args.ssl_cert):
        return None
    domain = SSLDomain(mode)
    if args.ssl_cert:
        domain.set_credentials(args.ssl_cert, args.ssl_key, None)
    if args.ssl_ca:
        domain.set_trusted_ca_db(args.ssl_ca)
        if mode == SSLDomain.MODE_CLIENT:
            domain.set_peer_authentication(SSLDomain.VERIFY_PEER_NAME if args.verify_name else SSLDomain.VERIFY_PEER)
        else:
            domain.set_peer_authentication(SSLDomain.VERIFY_PEER, args.ssl_ca)
    return domain


def connect_options(args):
    """The keywords of Container.connect (and cyproton.aio.connect) that the command line asks for."""
    kwargs = {"properties": props(args.conn_props), "ssl_domain": ssl_domain(args, SSLDomain.MODE_CLIENT)}
    if args.container_id:
        kwargs["container_id"] = args.container_id
    if args.mechs:
        kwargs["allowed_mechs"] = args.mechs
        kwargs["allow_insecure_mechs"] = True
    if args.user:
        kwargs["user"], kwargs["password"] = args.user, args.password
    return kwargs


def connect(container, args, handler=None):
    """Container.connect with the options given; no reconnect, so a failure ends the run."""
    return container.connect(args.url, handler=handler, reconnect=False, **connect_options(args))


class Timeout:
    """Stops the container after ``seconds`` unless cancelled, and records that in the summary.

    Call ``cancel()`` when the transport closes: a pending timer keeps Container.run() going, and a cancelled
    one too, until the loop next wakes up (up to 3.14 s in python-qpid-proton 0.40): so cancel also stops the
    container, which is idle by then."""

    def __init__(self, container, seconds, summary):
        self.summary = summary
        self.task = container.schedule(seconds, self)

    def on_timer_task(self, event):
        self.summary["timed_out"] = True
        event.container.stop()

    def cancel(self, container):
        self.task.cancel()
        container.stop()


def endpoint_info(summary, link=None, connection=None):
    """What the client saw of the server: its container id, connection and link properties."""
    if connection is not None:
        summary["remote_container"] = connection.remote_container
        summary["remote_conn_props"] = jsonable(connection.remote_properties)
    if link is not None:
        summary["remote_link_props"] = jsonable(link.remote_properties)
        terminus = link.remote_target if link.is_sender else link.remote_source
        summary["remote_address"] = terminus.address


def finish(summary):
    """Print the summary as the last line of stdout; exit 0 if ok, 2 after an error condition, 3 on time-out."""
    print(json.dumps(summary, sort_keys=True), flush=True)
    if summary.get("timed_out"):
        sys.exit(3)
    if summary.get("error"):
        sys.exit(2)
    sys.exit(0 if summary.get("ok") else 1)
