# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The behaviour suites, run once more under python-qpid-proton 0.40 (``.venv-ref``).

tests/unit and tests/integration use only the public ``proton`` API, apart from the tests marked
``impl``. Passing on the reference as well as on cyproton checks the tests themselves: an
expectation that python-qpid-proton does not meet is either a known difference (marked in the
test, and listed in the README) or a wrong test.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REF_PYTHON = os.environ.get("CYPROTON_REF_PYTHON", str(REPO / ".venv-ref" / "bin" / "python"))


def _ref_has(*modules: str) -> bool:
    if not os.access(REF_PYTHON, os.X_OK):
        return False
    code = "import " + ", ".join(modules)
    return subprocess.run([REF_PYTHON, "-I", "-c", code], capture_output=True).returncode == 0


@pytest.mark.slow
@pytest.mark.timeout(600)  # the suites' own per-test limits apply inside the child run
@pytest.mark.parametrize("suite", ["unit", "integration"])
def test_suite_passes_on_python_qpid_proton(suite: str, tmp_path: Path) -> None:
    if not _ref_has("proton", "pytest", "hypothesis"):
        pytest.skip("no reference interpreter with pytest (scripts/make_ref_venv.sh makes one)")
    check = subprocess.run([REF_PYTHON, "-I", "-c", "import proton, sys; sys.exit(hasattr(proton, '_cproton'))"])
    assert check.returncode == 0, "the reference interpreter imports cyproton instead of python-qpid-proton"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run(
        [REF_PYTHON, "-I", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not impl",
         "--rootdir", str(REPO), str(REPO / "tests" / suite)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900,
    )
    tail = "\n".join(done.stdout.splitlines()[-40:])
    assert done.returncode == 0, tail
    assert " passed" in tail and " failed" not in tail, tail
