# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The same traffic through the blocking API (proton.utils): one message at a time, waiting for each.

    blocking.py URL ADDRESS --count 1000 --op send        BlockingSender.send: returns when the peer settled it
    blocking.py URL ADDRESS --count 1000 --op receive     BlockingReceiver.receive + accept
    blocking.py URL ADDRESS --count 1000 --op roundtrip   a sender and a receiver on one connection: send, receive
    blocking.py URL ADDRESS --count 1000 --op request     SyncRequestResponse.call: the server echoes each
                                                          request to its reply-to, a dynamic address
Give --link-name to a peer that wants distinct link names (rhea): the sender is NAME-snd, the receiver NAME-rcv.
Prints one JSON line: sent, received, duplicates, mismatched, problems, error.
"""

from proton import SSLDomain
from proton.utils import BlockingConnection, SyncRequestResponse

import common
import messages


def main():
    p = common.parser(__doc__)
    p.add_argument("url")
    p.add_argument("address")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--credit", type=int, default=10)
    p.add_argument("--op", choices=("send", "receive", "roundtrip", "request"), default="roundtrip")
    args = p.parse_args()
    s = {"program": "blocking", "op": args.op, "sent": 0, "received": 0, "duplicates": 0, "mismatched": 0,
         "problems": [], "error": None, "ok": False}
    names = (args.link_name + "-snd", args.link_name + "-rcv") if args.link_name else (None, None)
    kwargs = {"allowed_mechs": args.mechs, "allow_insecure_mechs": True} if args.mechs else {}
    if args.container_id:
        kwargs["container_id"] = args.container_id
    seen = set()

    def check(msg, ignore=()):
        n = messages.seq_of(msg)
        if n in seen:
            s["duplicates"] += 1
            return
        seen.add(n)
        s["received"] += 1
        problems = messages.check(n, msg, args.body_kind, ignore)
        if problems:
            s["mismatched"] += 1
            s["problems"].extend(problems[:5 - len(s["problems"])])

    conn = None
    try:
        conn = BlockingConnection(args.url, timeout=args.timeout, properties=common.props(args.conn_props),
                                  ssl_domain=common.ssl_domain(args, SSLDomain.MODE_CLIENT), **kwargs)
        options = common.link_options(args)
        if args.op == "request":
            client = SyncRequestResponse(conn, args.address)
            for i in range(args.count):
                request = messages.make(args.first + i, args.body_kind)
                s["sent"] += 1
                check(client.call(request), ignore=("reply_to", "correlation_id"))
        else:
            sender = conn.create_sender(args.address, name=names[0], options=options) \
                if args.op in ("send", "roundtrip") else None
            receiver = conn.create_receiver(args.address, credit=args.credit, name=names[1], options=options) \
                if args.op in ("receive", "roundtrip") else None
            for i in range(args.count):
                if sender:
                    sender.send(messages.make(args.first + i, args.body_kind))
                    s["sent"] += 1
                if receiver:
                    check(receiver.receive(timeout=args.timeout))
                    receiver.accept()
        expected = args.count if args.op != "send" else 0
        s["ok"] = s["received"] == expected and not (s["duplicates"] or s["mismatched"])
    except Exception as e:   # report the failure (LinkDetached, ConnectionException, Timeout, SendException...)
        s["error"] = {"type": type(e).__name__, "description": str(e), "name": getattr(e, "condition", None)}
        endpoint = getattr(e, "link", None) or getattr(e, "connection", None)   # LinkDetached, ConnectionClosed
        if endpoint is not None and endpoint.remote_condition:
            s["error"].update(common.condition(endpoint.remote_condition))
    finally:
        if conn is not None:
            try:
                conn.close()
            except Exception as e:
                s["close_error"] = "%s: %s" % (type(e).__name__, e)
    common.finish(s)


if __name__ == "__main__":
    main()
