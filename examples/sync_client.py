#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Request/response with the blocking API: ``SyncRequestResponse.call`` sends a request and
waits for the answer that carries its correlation id. Run ``server.py`` first::

    python sync_client.py --url amqp://127.0.0.1:5672 --address examples
"""

import argparse
import sys

from proton import Message
from proton.utils import BlockingConnection, SyncRequestResponse

QUESTIONS = ["one small step", "for a man", "one giant leap", "for mankind"]


def main() -> int:
    parser = argparse.ArgumentParser(description="Call the mirror service synchronously (see server.py).")
    parser.add_argument("--url", default="amqp://127.0.0.1:5672", help="broker URL (default %(default)s)")
    parser.add_argument("--address", default="examples", help="the server's request queue (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each answer")
    args = parser.parse_args()

    connection = BlockingConnection(args.url, timeout=args.timeout)
    try:
        service = SyncRequestResponse(connection, args.address)
        for question in QUESTIONS:
            answer = service.call(Message(body=question))
            print(f"call({question!r}) returned {answer.body!r}")
    finally:
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
