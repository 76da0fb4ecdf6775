# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Make the proof-tier interpreter: python-qpid-proton 0.40's own Python layer over our ``cproton``.

    python scripts/make_proof_venv.py [--python PY]     # prints the new interpreter's path

The reference's pure-Python ``proton`` package is taken from its release archive (the same pinned,
hash-checked sdist the build uses: build/engine-archive, or fetched with ``pip download`` into
build/proof), unpacked into build/proof/refpkg (never committed), and put first on the path of a
new venv in build/proof/venv. cyproton's ``src`` comes next, so ``import proton`` finds the
reference layer, whose ``from cproton import ...`` finds our module, over our compiled engine.
The test tools (pytest, hypothesis) come from the interpreter the script runs under.

Exit status 3 means the archive could not be obtained (the test that uses this script skips then).
"""

from __future__ import annotations

import argparse
import importlib.util
import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROOF = ROOT / "build" / "proof"
UNAVAILABLE = 3


def read_pin() -> dict[str, str]:
    pin: dict[str, str] = {}
    for line in (ROOT / "proton_c" / "SOURCE").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pin[key.strip()] = value.strip()
    return pin


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def obtain_archive(pin: dict[str, str], python: str) -> Path | None:
    for candidate in (ROOT / "build" / "engine-archive" / pin["archive"], PROOF / "dl" / pin["archive"]):
        if candidate.is_file() and sha256(candidate) == pin["sha256"]:
            return candidate
    dl = PROOF / "dl"
    dl.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([python, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q", "-d", str(dl),
                           f"{pin['name']}=={pin['version']}"], capture_output=True, text=True)
    got = dl / pin["archive"]
    if done.returncode != 0 or not got.is_file():
        print(f"could not fetch {pin['archive']}: {done.stderr.strip()[-500:]}", file=sys.stderr)
        return None
    if sha256(got) != pin["sha256"]:
        raise SystemExit(f"{got}: SHA-256 differs from proton_c/SOURCE")
    return got


def unpack_reference_layer(archive: Path, dest: Path) -> None:
    """Copy just the archive's top-level ``proton/`` package (pure Python) to dest/proton."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        prefix = tar.getmembers()[0].name.split("/")[0] + "/proton/"
        members = [m for m in tar.getmembers() if m.name.startswith(prefix) and m.isfile()
                   and "/" not in m.name[len(prefix):]]
        if not any(m.name.endswith("/__init__.py") for m in members):
            raise SystemExit(f"{archive}: no proton/ package inside")
        for m in members:
            data = tar.extractfile(m)
            assert data is not None
            (dest / "proton").mkdir(exist_ok=True)
            (dest / "proton" / Path(m.name).name).write_bytes(data.read())


def ours_dir() -> str:
    """Where this interpreter finds cyproton's ``cproton`` (found, not imported): ``src`` in a
    development tree run with PYTHONPATH=src, site-packages when cyproton is installed."""
    spec = importlib.util.find_spec("cproton")
    if spec is None or not spec.origin:
        raise SystemExit("make_proof_venv: cyproton's cproton is not importable here")
    return os.path.dirname(spec.origin)


def make_venv(venv: Path, refpkg: Path) -> Path:
    if venv.exists():
        shutil.rmtree(venv)
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    tools = sysconfig.get_paths()["purelib"]  # pytest and hypothesis, from the running interpreter
    # .pth files are read in name order: the reference layer, then cyproton's src, then the tools.
    (Path(site) / "00_reference_proton.pth").write_text(str(refpkg) + "\n", encoding="utf-8")
    (Path(site) / "10_cyproton_src.pth").write_text(ours_dir() + "\n", encoding="utf-8")
    (Path(site) / "20_test_tools.pth").write_text(tools + "\n", encoding="utf-8")
    return python


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter whose pip fetches the archive")
    args = parser.parse_args()
    archive = obtain_archive(read_pin(), args.python)
    if archive is None:
        return UNAVAILABLE
    PROOF.mkdir(parents=True, exist_ok=True)
    refpkg = PROOF / "refpkg"
    unpack_reference_layer(archive, refpkg)
    python = make_venv(PROOF / "venv", refpkg)
    check = subprocess.run([str(python), "-I", "-c",
                            "import proton, cproton; print(proton.__file__); print(cproton.__file__)"],
                           capture_output=True, text=True, env={k: v for k, v in os.environ.items()
                                                                 if not k.startswith("PYTHON")})
    if check.returncode != 0:
        raise SystemExit("the proof interpreter cannot import proton over cproton:\n" + check.stderr)
    print(python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
