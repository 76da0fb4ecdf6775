# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Throughput only (the messaging-API issue's view): S1, S2 and S4 of bench/run.py, side by side.

    python bench/throughput.py [--rounds 3] [--quick] [--ours-python PY] [--ref-python PY]

S1 peer to peer at-least-once, S2 peer to peer at-most-once (two processes, credit 1000), S4 one
process acked and presettled; 200,000 messages of a 100-character str each. Prints msg/s of
cyproton and python-qpid-proton, their ratio and the CPU per message of each process; the same
machinery and options as bench/run.py (``--scenarios`` picks a subset of S1,S2,S4 or any other).
Results go to ``bench/results/throughput-<timestamp>.json``.
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run  # noqa: E402  (bench/run.py)


def main(argv: Optional[List[str]] = None) -> int:
    return run.execute(argv, ["S1", "S2", "S4"], __doc__.splitlines()[0], "throughput-")


if __name__ == "__main__":
    sys.exit(main())
