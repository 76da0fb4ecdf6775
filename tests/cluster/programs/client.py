# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A failover client for the cluster tier: one producer or one consumer of one quorum queue, at-least-once,
with ``urls=[node1, node2, node3]`` and reconnect on.

It uses only the public ``proton`` API, so the same program runs on cyproton and on python-qpid-proton 0.40::

    PYTHONPATH=src .venv/bin/python tests/cluster/programs/client.py --kind handler --role producer \\
        --urls amqp://127.0.0.1:P1,amqp://127.0.0.1:P2,amqp://127.0.0.1:P3 --address /amq/queue/q1 ...
    .venv-ref/bin/python -I tests/cluster/programs/client.py --kind handler ...

A *client kind* is one way of using the library (``handler``: Container + MessagingHandler; ``blocking``:
BlockingConnection; ``asyncio``: cyproton.aio, cyproton only). Each lives in its own module (``kind_<name>.py``)
with ``produce(args, recorder)`` and ``consume(args, recorder)``; :data:`KINDS` lists them. A new kind is one
more module and one more entry, and the harness picks it up from ``--kind``.

The program prints a JSON summary as its last line of stdout (see ``record.py``) and exits 0 when it stopped
as asked, 2 when its time ran out.
"""

import argparse
import importlib
import json
import os
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from record import Recorder, give_up_requested  # noqa: E402

#: client kind -> module implementing it
KINDS = {"handler": "kind_handler", "blocking": "kind_blocking", "asyncio": "kind_asyncio"}
#: seconds past --timeout after which a client that has not ended is reported as hung and exits
HANG_GRACE = 20


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kind", choices=sorted(KINDS), required=True)
    p.add_argument("--role", choices=("producer", "consumer"), required=True)
    p.add_argument("--urls", required=True, help="comma-separated node URLs, in the order to try them")
    p.add_argument("--address", required=True, help="e.g. /amq/queue/NAME")
    p.add_argument("--status", help="status file, rewritten while running")
    p.add_argument("--stop", help="producer: stop sending new messages once this file exists")
    p.add_argument("--giveup", help="stop at once (and report) once this file exists: the harness ran out of time")
    p.add_argument("--expect", help="consumer: JSON file with the producer's accepted seqs (appears at the end)")
    p.add_argument("--heartbeat", type=float, default=2.0, help="idle timeout in seconds (heartbeats)")
    p.add_argument("--max-delay", type=float, default=1.0, help="Backoff max_delay, seconds")
    p.add_argument("--jitter", type=float, default=0.3, help="Backoff jitter, where the library has it")
    p.add_argument("--window", type=int, default=50, help="producer: most unsettled sends at once")
    p.add_argument("--rate", type=float, default=0, help="producer: most messages per second (0: no limit)")
    p.add_argument("--body-size", type=int, default=64)
    p.add_argument("--prefetch", type=int, default=50, help="consumer credit")
    p.add_argument("--linger", type=float, default=1.0, help="consumer: keep counting this long after the last")
    p.add_argument("--op-timeout", type=float, default=10.0, help="blocking: timeout of one call")
    p.add_argument("--timeout", type=float, default=300.0, help="give up (exit 2) after this many seconds")
    p.add_argument("--resend", choices=("app", "library"), default="app",
                   help="producer: who resends unsettled messages after a failover (library: cyproton only)")
    args = p.parse_args(argv)
    args.url_list = [u for u in args.urls.split(",") if u]
    return args


def backoff(args):
    """The reconnect plan: Backoff with jitter where the library has it (a cyproton extension)."""
    from proton.reactor import Backoff
    try:
        return Backoff(initial=0.05, max_delay=args.max_delay, jitter=args.jitter)
    except TypeError:
        return Backoff(initial=0.05, max_delay=args.max_delay)


def message(args, seq):
    from proton import Message
    return Message(id=seq, durable=True, properties={"seq": seq}, body="m%d " % seq + "x" * args.body_size)


def seq_of(msg):
    """The producer's sequence number, or None for a message no producer of this tier sent."""
    seq = (msg.properties or {}).get("seq")
    return None if seq is None else int(seq)


def node_of(connection):
    """The node a connection reached: RabbitMQ announces its node name as container id."""
    return connection.remote_container or connection.hostname


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    recorder = Recorder(args, args.role)
    kind = importlib.import_module(KINDS[args.kind])
    import proton
    where = os.path.dirname(proton.__file__)

    def report(**state):
        sys.stdout.write(json.dumps(recorder.summary(proton=where, **state)) + "\n")
        sys.stdout.flush()

    def hung():
        # The library did not give control back in time (a wait that never ends): say so, and leave.
        report(timed_out=True, hung=True)
        os._exit(3)

    watchdog = threading.Timer(args.timeout + HANG_GRACE, hung)
    watchdog.daemon = True
    watchdog.start()
    run = kind.produce if args.role == "producer" else kind.consume
    timed_out = run(args, recorder)
    watchdog.cancel()
    report(timed_out=bool(timed_out), hung=False, gave_up=give_up_requested(args))
    return 2 if timed_out else 0


if __name__ == "__main__":
    sys.exit(main())
