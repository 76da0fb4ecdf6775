# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The leak figures, cyproton next to python-qpid-proton 0.40: ``make leak-report``.

Runs every cycle kind of ``leak_cycles.py`` under this interpreter (cyproton) and under the
reference interpreter (``.venv-ref``, or ``CYPROTON_REF_PYTHON``), against the same peers, and
prints resident-set growth and descriptors per 1,000 cycles as a Markdown table. Both run with
the garbage collector on, as programs do; cyproton is measured once more with it off.

    python tests/reliability/leak_report.py [--cycles N] [--ref-cycles N]

python-qpid-proton pays about 0.2 s per Container (it makes its TLS contexts up front), so its
``blocking`` and ``container`` kinds run fewer cycles by default; the figures are per 1,000 all
the same.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import test_leaks  # noqa: E402  (the peers and the runner)

REPO = HERE.parent.parent
REF_PYTHON = os.environ.get("CYPROTON_REF_PYTHON", str(REPO / ".venv-ref" / "bin" / "python"))
SLOW_ON_REF = {"blocking", "container"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=5000)
    parser.add_argument("--ref-cycles", type=int, default=1000, help="for the reference's slow kinds")
    args = parser.parse_args(argv)
    broker = test_leaks._start([sys.executable, "-m", "cyproton", "broker", "--address", "127.0.0.1:0"])
    dropper = test_leaks._start([sys.executable, str(HERE / "drop_peer.py")])
    urls = {"broker": broker[1].rsplit("amqp://", 1)[1], "drop": f"127.0.0.1:{int(dropper[1])}"}
    rows = []
    try:
        for kind in test_leaks.KINDS:
            url = urls["drop" if kind == "reconnect" else "broker"]
            ours = test_leaks.run_cycles(kind, url, cycles=args.cycles, gc=True, timeout=1800)
            ours_nogc = test_leaks.run_cycles(kind, url, cycles=args.cycles, gc=False, timeout=1800)
            ref_cycles = args.ref_cycles if kind in SLOW_ON_REF else args.cycles
            ref = None
            if os.access(REF_PYTHON, os.X_OK):
                ref = test_leaks.run_cycles(kind, url, cycles=ref_cycles, warmup=min(300, ref_cycles // 5), gc=True,
                                            python=REF_PYTHON, timeout=3600)
            rows.append((kind, ours, ours_nogc, ref))
            print(f"{kind}: ours {ours}\n  ours, no gc {ours_nogc}\n  reference {ref}", file=sys.stderr, flush=True)
    finally:
        test_leaks._stop(broker[0])
        test_leaks._stop(dropper[0])
    print("| cycle | cyproton KB / 1,000 | cyproton fds / 1,000 | cyproton, gc off: KB | "
          "python-qpid-proton 0.40 KB / 1,000 | python-qpid-proton fds / 1,000 | cycles (ours / ref) |")
    print("|---|---|---|---|---|---|---|")
    for kind, ours, nogc, ref in rows:
        ref_kb = f"{ref['kb_per_1000']:g}" if ref else "n/a"
        ref_fds = f"{ref['fds_per_1000']:g}" if ref else "n/a"
        print(f"| {kind} | {ours['kb_per_1000']:g} | {ours['fds_per_1000']:g} | {nogc['kb_per_1000']:g} | "
              f"{ref_kb} | {ref_fds} | {ours['cycles']:,} / {ref['cycles'] if ref else 0:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
