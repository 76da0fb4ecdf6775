# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The build refuses engine sources that are not the pinned archive, and says why; it applies the
engine patch series (proton_c/patches) exactly, or stops."""

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


def _build_ext_without_pkgconfig_modules(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """build_ext where pkg-config finds neither openssl nor libsasl2 (as on a machine without the -dev packages)."""
    empty = tmp_path / "no-pc"
    empty.mkdir()
    full = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CYPROTON_ALLOW_STUBS", "CYPROTON_BUNDLE")}
    full.update(PKG_CONFIG_LIBDIR=str(empty), PKG_CONFIG_PATH="", **env)
    return subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--build-temp", str(tmp_path / "temp"),
         "--build-lib", str(tmp_path / "lib")],
        cwd=REPO, env=full, capture_output=True, text=True, timeout=600,
    )


def test_missing_openssl_and_cyrus_headers_stop_the_build_and_name_the_packages(tmp_path: Path) -> None:
    done = _build_ext_without_pkgconfig_modules(tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    for package in ("libssl-dev", "openssl-devel", "libsasl2-dev", "cyrus-sasl-devel", "CYPROTON_ALLOW_STUBS=1"):
        assert package in output, output
    assert "Traceback" not in output
    assert not (tmp_path / "lib").exists()


def test_a_wheel_for_distribution_never_falls_back_to_stubs(tmp_path: Path) -> None:
    done = _build_ext_without_pkgconfig_modules(tmp_path, CYPROTON_BUNDLE="1", CYPROTON_ALLOW_STUBS="1")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "a wheel for distribution (CYPROTON_BUNDLE=1) needs" in output and "libssl-dev" in output, output


PATCHES = REPO / "proton_c" / "patches"


def _pinned_archive() -> Path:
    pin = dict(line.split(" = ", 1) for line in PIN.read_text().splitlines() if " = " in line and line[0] != "#")
    archive = REPO / "build" / "engine-archive" / pin["archive"].strip()
    if not archive.is_file():
        pytest.skip(f"the pinned engine archive is not cached at {archive} (any build fetches it)")
    return archive


def test_every_engine_patch_says_what_it_fixes_and_is_documented() -> None:
    readme = (REPO / "proton_c" / "README.md").read_text()
    patches = sorted(PATCHES.glob("*.patch"))
    assert patches
    for number, patch in enumerate(patches, 1):
        assert patch.name.startswith(f"{number:04d}-"), patch.name        # numbered in order, no gaps
        text = patch.read_text()
        assert text.startswith("# SPDX-License-Identifier: Apache-2.0\n"), patch.name
        header = text.split("\n--- ", 1)[0]
        assert "# Fixes:" in header and "# Test:" in header, patch.name
        assert patch.name in readme, f"{patch.name} is not listed in proton_c/README.md"


def test_a_patch_that_does_not_apply_stops_the_build(tmp_path: Path) -> None:
    archive = _pinned_archive()
    series = tmp_path / "series"
    series.mkdir()
    (series / "0001-good.patch").write_text((PATCHES / "0001-sasl-init-needs-a-mechanism.patch").read_text())
    (series / "0002-stale.patch").write_text(
        "# a patch written for other sources\n"
        "--- a/src/sasl/sasl.c\n+++ b/src/sasl/sasl.c\n"
        "@@ -909,3 +909,3 @@\n"
        "   pn_bytes_t recv;\n-  this line is not in the pinned sources\n+  replaced\n   pn_bytes_t more;\n")
    env = dict(os.environ, PROTON_C_ARCHIVE=str(archive), CYPROTON_ENGINE_PATCHES=str(series))
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--build-temp", str(tmp_path / "temp"),
         "--build-lib", str(tmp_path / "lib")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "applied engine patch 0001-good.patch" in output, output
    assert "engine patch 0002-stale.patch does not apply: hunk 1 of src/sasl/sasl.c" in output, output
    assert "Traceback" not in output
    assert not (tmp_path / "lib").exists()
    assert not list((REPO / "build").glob("proton-src-*.tmp-*"))        # nothing half-patched left behind
