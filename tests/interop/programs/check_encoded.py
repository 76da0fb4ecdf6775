# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Decode messages another implementation encoded (one hex string per line, message FIRST first) and check
each against messages.make, without a network in between.

    node tests/peers/rhea_client.js --op encode --count 500 | check_encoded.py --body-kind rhea-client

Prints one JSON line: decoded, mismatched, problems, errors.
"""

import argparse
import json
import sys

from proton import Message

import messages


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("file", nargs="?", help="file of hex lines (default: standard input)")
    p.add_argument("--body-kind", default="rhea-client")
    p.add_argument("--first", type=int, default=0)
    p.add_argument("--timeout", type=float, help="ignored (the test runner passes it to every program)")
    args = p.parse_args()
    s = {"program": "check_encoded", "decoded": 0, "mismatched": 0, "errors": 0, "problems": []}
    lines = open(args.file) if args.file else sys.stdin
    for n, line in enumerate((line for line in lines if line.strip()), args.first):
        msg = Message()
        try:
            msg.decode(bytes.fromhex(line.strip()))
        except Exception as e:   # a decoding error is a finding, not a crash
            s["errors"] += 1
            s["problems"].append("msg %d: %s: %s" % (n, type(e).__name__, e))
            continue
        s["decoded"] += 1
        problems = messages.check(n, msg, args.body_kind)
        if problems:
            s["mismatched"] += 1
            s["problems"].extend(problems[:max(0, 5 - len(s["problems"]))])
    s["ok"] = s["decoded"] > 0 and not (s["mismatched"] or s["errors"])
    print(json.dumps(s, sort_keys=True), flush=True)
    sys.exit(0 if s["ok"] else 1)


if __name__ == "__main__":
    main()
