# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""API coverage of the five public modules against python-qpid-proton 0.40, as a report.

Prints a table (run ``pytest -s -m report tests/conformance`` to see it) and fails only when a
module's coverage drops below its floor in ``coverage_floor.json``: raise the floors as issues
land, never lower them.
"""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import inventory  # noqa: E402  (tests/conformance/inventory.py)

FLOOR_FILE = os.path.join(HERE, "coverage_floor.json")


_CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import inventory
recorded = inventory.load_inventory()
out = []
for module_name in inventory.MODULES:
    module_obj, error = inventory.import_module(module_name)
    present, total, missing = inventory.coverage(recorded, module_name, module_obj)
    out.append([module_name, present, total, error and str(error), missing[:20]])
print(json.dumps(out))
"""


@pytest.mark.report
def test_api_coverage_report():
    # Measured in a child interpreter: importing proton.tracing switches tracing on for the whole
    # process, which must not leak into the other tests.
    result = subprocess.run([sys.executable, "-c", _CHILD, HERE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    with open(FLOOR_FILE, encoding="utf-8") as f:
        floors = json.load(f)
    rows, below = [], []
    for module_name, present, total, error, missing in measured:
        percent = 100.0 * present / total if total else 100.0
        rows.append((module_name, present, total, error))
        floor = floors.get(module_name, 0)
        if percent < floor:
            below.append("%s: %.1f%% < floor %.1f%%; first problems:\n    %s"
                         % (module_name, percent, floor, "\n    ".join(missing)))
    table = inventory.coverage_table(rows)
    print("\nAPI coverage against python-qpid-proton 0.40\n" + table)
    assert not below, table + "\n\n" + "\n".join(below)
