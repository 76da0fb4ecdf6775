#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Hello world with the blocking API: no handlers, just calls that wait.

::

    python helloworld_blocking.py --url amqp://127.0.0.1:5672 --address examples
"""

import argparse
import sys

from proton import Message
from proton.utils import BlockingConnection


def main() -> int:
    parser = argparse.ArgumentParser(description="Send and receive one message with BlockingConnection.")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="queue to use (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait at each step")
    args = parser.parse_args()

    connection = BlockingConnection(args.url, timeout=args.timeout)
    try:
        inbox = connection.create_receiver(args.address)
        outbox = connection.create_sender(args.address)
        outbox.send(Message(body="Hello, world!"))   # returns once the broker has accepted it
        print("sent: Hello, world!")
        greeting = inbox.receive(timeout=args.timeout)
        inbox.accept()
        print(f"received: {greeting.body}")
    finally:
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
