# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The build refuses engine sources that are not the pinned archive, and says why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PIN = REPO / "proton_c" / "SOURCE"

pytestmark = [pytest.mark.skipif(not (REPO / "setup.py").is_file(), reason="needs the source tree"),
              pytest.mark.timeout(300)]  # setup.py may re-run cythonize first


def _build_ext(tmp_path: Path, archive: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PROTON_C_ARCHIVE=str(archive))
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--build-temp", str(tmp_path / "temp"),
         "--build-lib", str(tmp_path / "lib")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )


def test_pin_names_the_package_and_its_hash() -> None:
    text = PIN.read_text()
    assert "python-qpid-proton" in text
    assert "7680d607cf6e9684f97bf5b2ba16cda7d8512aab9e4ff78f98d44a4644fc819a" in text


def test_an_archive_with_the_wrong_hash_stops_the_build(tmp_path: Path) -> None:
    fake = tmp_path / "python-qpid-proton-0.40.0.tar.gz"
    fake.write_bytes(b"not the engine sources\n")
    done = _build_ext(tmp_path, fake)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "SHA-256 mismatch" in output, output
    assert str(fake) in output
    assert "Traceback" not in output
    assert not (tmp_path / "lib").exists()   # nothing was built from it


def test_a_missing_archive_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.tar.gz"
    done = _build_ext(tmp_path, missing)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert f"PROTON_C_ARCHIVE={missing} is not a file" in output, output
