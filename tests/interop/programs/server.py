# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A small AMQP 1.0 server built on Container.listen, so one implementation can serve the other's clients.

    server.py --port 5800 [--mode broker|echo|sink] [--outcome accept|reject|release|modify] [--log FILE]

Modes:
  broker  store-and-forward, one queue per address. An incoming message is accepted on arrival and queued;
          it leaves its queue when it is sent to a consumer, within the consumer's credit (pre-settled if
          the consumer asked for at-most-once). Consumer outcomes are counted, not acted on (no redelivery).
  echo    every incoming message is queued to the address in its reply-to (request/response, e.g.
          proton.utils.SyncRequestResponse, whose dynamic receiver gets an address "dynamic-N").
  sink    every incoming message is settled with --outcome and dropped.
Addresses with a meaning of their own:
  error:NAME       the link is attached, then detached with error condition NAME (e.g. error:amqp:not-found)
  conn-error:NAME  the connection is closed with error condition NAME
  drain/...        credit only by draining, --drain-window at a time; a drain that comes back short ends it
Links and connections answer with the properties they were opened with, plus x-test-server. Everything seen is
written to --log as JSON lines: connections (container id, properties, user), links (name, address, properties,
settle modes) and, when a link or connection ends, per-link counts. Prints LISTENING once it listens.
"""

import argparse
import collections
import json
import os

from proton import Delivery, SSLDomain, symbol
from proton.handlers import MessagingHandler
from proton.reactor import Container

import common


class Server(MessagingHandler):
    def __init__(self, args):
        super().__init__(prefetch=0, auto_accept=False)   # credit is managed below, link by link
        self.args = args
        self.queues = collections.defaultdict(collections.deque)
        self.consumers = collections.defaultdict(list)     # address -> sender links
        self.stats = {}                                    # link -> counts, logged when the link ends
        self.dynamic = 0
        self.log_file = open(args.log, "a") if args.log else None

    def log(self, **record):
        if self.log_file:
            self.log_file.write(json.dumps(record, sort_keys=True) + "\n")
            self.log_file.flush()

    def on_start(self, event):
        url = "%s://%s:%d" % ("amqps" if self.args.ssl_cert else "amqp", self.args.host, self.args.port)
        event.container.listen(url, common.ssl_domain(self.args, SSLDomain.MODE_SERVER))
        print("LISTENING %s pid %d" % (url, os.getpid()), flush=True)

    def on_connection_bound(self, event):   # a raw proton event: set up the server's SASL layer
        if self.args.mechs:
            sasl = event.transport.sasl()
            if self.args.sasl_config_dir:
                sasl.config_path(self.args.sasl_config_dir)
                sasl.config_name(self.args.sasl_config_name)
            sasl.allowed_mechs(self.args.mechs)
            sasl.allow_insecure_mechs = True
            event.transport.require_auth(self.args.require_auth)

    def on_connection_opening(self, event):
        conn = event.connection
        conn.container = self.args.container_id   # (an accepted connection has none of its own)
        conn.properties = {**(conn.remote_properties or {}), symbol("x-test-server"): "server.py"}
        self.log(event="connection", container=conn.remote_container, hostname=conn.remote_hostname,
                 properties=common.jsonable(conn.remote_properties), user=event.transport.user)

    def on_link_opening(self, event):
        link = event.link
        if link.is_sender:
            address = link.remote_source.address
            if link.remote_source.dynamic:
                self.dynamic += 1
                address = "dynamic-%d" % self.dynamic
            link.source.address = address
            link.snd_settle_mode = link.remote_snd_settle_mode
        else:
            address = link.remote_target.address
            link.target.address = address
        link.snd_settle_mode = link.remote_snd_settle_mode
        link.rcv_settle_mode = link.remote_rcv_settle_mode
        link.properties = {**(link.remote_properties or {}), symbol("x-test-server"): "server.py"}
        self._stats(link, address)
        self.log(event="link", name=link.name, address=address, role=self.stats[link]["role"],
                 properties=common.jsonable(link.remote_properties),
                 snd_settle_mode=int(link.remote_snd_settle_mode), rcv_settle_mode=int(link.remote_rcv_settle_mode),
                 container=event.connection.remote_container)

    def _stats(self, link, address=None):
        """The counts kept for a link (made on first use: a peer may still be sending as its connection closes)."""
        if link not in self.stats:
            terminus = link.source if link.is_sender else link.target
            self.stats[link] = {"event": "link-stats", "name": link.name, "address": address or terminus.address,
                                "role": "sender" if link.is_sender else "receiver", "received": 0, "sent": 0,
                                "accepted": 0, "rejected": 0, "released": 0, "modified": 0, "settled": 0,
                                "drains": 0, "drained_credit": 0}
        return self.stats[link]

    def on_link_opened(self, event):
        link = event.link
        address = self._stats(link)["address"] or ""
        if address.startswith("error:"):
            link.condition = common.make_condition(address[len("error:"):], "link refused on request: %s" % address,
                                                   address=address)
            link.close()
        elif address.startswith("conn-error:"):
            self._close_connection(event.connection, address)
        elif link.is_sender:
            self.consumers[address].append(link)
            self._pump(address)
        elif address.startswith("drain/"):
            link.drain(self.args.drain_window)
        else:
            link.flow(self.args.window)

    def _close_connection(self, conn, address):
        conn.condition = common.make_condition(address[len("conn-error:"):], "connection closed on request",
                                               address=address)
        conn.close()

    # --- incoming messages (the server's receivers) ---

    def on_message(self, event):
        link, dlv, msg = event.receiver, event.delivery, event.message
        stats = self._stats(link)
        stats["received"] += 1
        if self.args.mode == "sink":
            self._settle(dlv, self.args.outcome)
        else:
            address = (msg.reply_to if self.args.mode == "echo" else stats["address"]) or msg.address
            self.queues[address].append(msg)
            self._settle(dlv, "accept")
            self._pump(address)
        if (stats["address"] or "").startswith("drain/"):
            if link.credit == 0:
                self._drain_window_done(link)
        elif link.credit <= self.args.window // 2:
            link.flow(self.args.window - link.credit)

    def _settle(self, dlv, outcome):
        if not dlv.settled:   # a pre-settled (at-most-once) delivery takes no outcome
            if outcome == "reject":
                dlv.local.condition = common.make_condition("x-test:rejected", "rejected by server.py",
                                                            by="server.py")
            elif outcome == "modify":
                dlv.local.failed = True
                dlv.local.undeliverable = True
                dlv.local.annotations = {symbol("x-opt-modified-by"): "server.py"}
            dlv.update({"accept": Delivery.ACCEPTED, "reject": Delivery.REJECTED, "release": Delivery.RELEASED,
                        "modify": Delivery.MODIFIED}[outcome])
        dlv.settle()

    def on_link_flow(self, event):
        link = event.link
        if link.is_receiver and link.credit == 0 and (self.stats.get(link, {}).get("address") or "").startswith(
                "drain/"):
            self._drain_window_done(link)

    def _drain_window_done(self, link):
        """No credit left on a drain/ link: used up by messages (drain the next window), or given back by the
        sender, which had nothing more to send (the end: no more credit)."""
        stats = self._stats(link)
        returned = link.drained()
        if returned:
            stats["drains"] += 1
            stats["drained_credit"] += returned
        elif not stats["drains"]:
            link.drain(self.args.drain_window)

    # --- outgoing messages (the server's senders) ---

    def on_sendable(self, event):
        self._pump(event.link.source.address)

    def _pump(self, address):
        queue = self.queues[address]
        for link in self.consumers[address]:
            while queue and link.credit > 0:
                link.send(queue.popleft())
                self._stats(link)["sent"] += 1
            if link.drain_mode and link.credit > 0 and not queue:   # the consumer drains: nothing left
                self._stats(link)["drains"] += 1
                self._stats(link)["drained_credit"] += link.drained()

    def on_accepted(self, event):
        self._outcome("accepted", event)

    def on_rejected(self, event):
        self._outcome("rejected", event)

    def on_released(self, event):
        self._outcome("modified" if event.delivery.remote_state == Delivery.MODIFIED else "released", event)

    def _outcome(self, name, event):
        """Count a consumer's outcome; keep the details of the first of each kind."""
        stats = self._stats(event.link)
        stats[name] += 1
        if name not in stats.setdefault("first_outcome", {}):
            stats["first_outcome"][name] = common.outcome_details(event.delivery)

    def on_settled(self, event):
        self._stats(event.link)["settled"] += 1

    # --- the end of links and connections ---

    def on_link_closing(self, event):
        self._forget([event.link])

    def on_connection_closing(self, event):
        self._forget([link for link in self.stats if link.connection == event.connection])

    def on_disconnected(self, event):
        self._forget([link for link in self.stats if link.connection == event.connection])

    def _forget(self, links):
        for link in links:
            stats = self.stats.pop(link, None)
            if stats:
                self.log(**stats)
            for consumers in self.consumers.values():
                if link in consumers:
                    consumers.remove(link)

    def on_link_error(self, event):
        self._forget([event.link])

    def on_connection_error(self, event):
        self.on_connection_closing(event)

    def on_transport_error(self, event):
        self.log(event="transport-error", condition=common.condition(event.transport.condition))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", choices=("broker", "echo", "sink"), default="broker")
    p.add_argument("--outcome", choices=("accept", "reject", "release", "modify"), default="accept")
    p.add_argument("--window", type=int, default=200, help="credit window of each incoming link")
    p.add_argument("--drain-window", type=int, default=64, help="credit of each drain on drain/ addresses")
    p.add_argument("--log", help="append JSON lines about connections and links here")
    p.add_argument("--container-id", default="interop-server")
    p.add_argument("--ssl-cert", help="serve amqps with this certificate")
    p.add_argument("--ssl-key")
    p.add_argument("--ssl-ca", help="require client certificates issued by this CA")
    p.add_argument("--mechs", help="allowed SASL mechanisms (space separated)")
    p.add_argument("--sasl-config-dir", help="Cyrus SASL configuration directory")
    p.add_argument("--sasl-config-name", default="proton-server")
    p.add_argument("--require-auth", action="store_true")
    args = p.parse_args()
    Container(Server(args), container_id=args.container_id).run()


if __name__ == "__main__":
    main()
