# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Declare (or delete) quorum queues on a RabbitMQ node over AMQP 0-9-1, with pika.

RabbitMQ's AMQP 1.0 plugin (3.10) declares only classic queues itself (``/queue/NAME``); a quorum queue has to
exist already, and is then addressed as ``/amq/queue/NAME``. Quorum queues replicate every message to a majority
of the cluster's nodes before the publisher hears "accepted", so they survive a node's death.

    python declare_queues.py --url amqp://guest:guest@127.0.0.1:PORT q1 q2      # declare
    python declare_queues.py --url ... --delete q1 q2                           # delete (and their messages)

Also importable: :func:`declare` and :func:`delete`.
"""

import argparse
import sys

import pika

QUORUM = {"x-queue-type": "quorum"}


def _channel(url):
    params = pika.URLParameters(url)
    params.connection_attempts = 3
    params.retry_delay = 1
    params.socket_timeout = 10
    params.blocked_connection_timeout = 30
    connection = pika.BlockingConnection(params)
    return connection, connection.channel()


def declare(url, names):
    """Declare each of ``names`` as a durable quorum queue (a queue that exists already is left as it is)."""
    connection, channel = _channel(url)
    try:
        for name in names:
            channel.queue_declare(queue=name, durable=True, arguments=QUORUM)
    finally:
        connection.close()


def delete(url, names):
    """Delete each of ``names`` (missing queues are no error)."""
    connection, channel = _channel(url)
    try:
        for name in names:
            channel.queue_delete(queue=name)
    finally:
        connection.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description="declare or delete quorum queues")
    parser.add_argument("--url", required=True, help="AMQP 0-9-1 URL of one node, amqp://guest:guest@host:port")
    parser.add_argument("--delete", action="store_true", help="delete the queues instead")
    parser.add_argument("names", nargs="+")
    args = parser.parse_args(argv)
    (delete if args.delete else declare)(args.url, args.names)
    print("%s %s" % ("deleted" if args.delete else "declared quorum queues", " ".join(args.names)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
