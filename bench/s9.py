# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""S9: python-qpid-proton's own Python layer over our ``cproton`` against the same layer over its cffi one.

    python bench/s9.py [--rounds 3] [--quick] [--ref-python PY]

Both sides run the unchanged reference ``proton`` package (0.40) and the S1 scenario of
bench/run.py (peer to peer, two processes, at-least-once, credit 1000). Only the engine binding
under it differs: ours is the proof-tier interpreter from scripts/make_proof_venv.py (the
reference layer, then cyproton's ``cproton``), the other is python-qpid-proton as installed
(``.venv-ref``), cffi ``cproton`` and all. The ratio isolates what the binding itself costs the
layer above it. Results go to ``bench/results/s9-<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import List, Optional

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)

import run  # noqa: E402  (bench/run.py)

MAKE_PROOF = os.path.join(run.REPO_ROOT, "scripts", "make_proof_venv.py")
S9 = run.Scenario("S9", "reference Python layer: over cyproton's cproton vs over its cffi cproton", run.run_s1, [
    # The goal: the same Python layer is no slower over our binding than over its own.
    run.Row("S9", "reference layer, p2p at-least-once", "msg/s", "msg_per_s", target=1.0, target_text=">= ref",
            cpu_keys=("sender_cpu_us", "receiver_cpu_us"), rss_keys=("sender_maxrss_kb", "receiver_maxrss_kb")),
])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 3; 1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="20,000 messages, one round")
    parser.add_argument("--ref-python", default=run.codec_bench.default_ref_python())
    parser.add_argument("--json-out", default=None)
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 3)
    cfg = run.Config.quick() if args.quick else run.Config()
    made = subprocess.run([sys.executable, MAKE_PROOF], capture_output=True, text=True)
    if made.returncode != 0:
        raise SystemExit("could not make the proof interpreter:\n" + made.stderr)
    proof_python = made.stdout.strip().splitlines()[-1]
    ref = run.codec_bench.resolve_python(args.ref_python) if args.ref_python else None
    if ref is None:
        raise SystemExit("S9 needs python-qpid-proton's interpreter (scripts/make_ref_venv.sh or --ref-python)")
    # Both isolated (-E -s): no PYTHONPATH may put cyproton's proton in front of the reference layer.
    sides = [run.Side("ours", proof_python, isolated=True), run.Side("ref", ref, isolated=True)]
    cfg.ours_python = proof_python
    started = time.time()
    outcome = run.run_rounds([S9], sides, cfg, rounds, 1, lambda text: print(text, file=sys.stderr, flush=True))
    summary = run.summarize([S9], sides, outcome)
    header = ["S9: python-qpid-proton 0.40's Python layer, %d messages, %d round(s)" % (cfg.messages, rounds),
              "ours: that layer over cyproton's cproton (%s)" % proof_python,
              "ref:  that layer over python-qpid-proton's cffi cproton (%s)" % ref]
    print(run.render_table(summary, header))
    json_out = args.json_out or os.path.join(BENCH_DIR, "results", "s9-%s.json" % time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(os.path.dirname(os.path.abspath(json_out)), exist_ok=True)
    with open(json_out, "w", encoding="utf-8") as f:
        json.dump({"benchmark": "s9", "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "rounds": rounds,
                   "messages": cfg.messages, "ours": proof_python, "ref": ref, "rows": summary,
                   "samples": outcome["samples"], "errors": outcome["errors"],
                   "duration_seconds": time.time() - started}, f, indent=1, default=str)
        f.write("\n")
    print("\nresults: %s" % os.path.abspath(json_out))
    return 0 if outcome["samples"]["S9"]["ours"] else 1


if __name__ == "__main__":
    sys.exit(main())
