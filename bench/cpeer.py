# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Build and run bench/cpeer.c, the peer-to-peer benchmark's sides driven from C over the engine cyproton links.

    python bench/cpeer.py            builds it (if stale) and prints the program's path

The program is compiled against what the project's build leaves in build/ (``make install``, which
``make bench`` runs first): the static engine library named in ``build/engine-<platform>/engine_library.txt``,
its link libraries in ``engine_config.txt``, and the engine's headers in the unpacked sources the
CMake cache points at (``PROTON_SRC_DIR``). The binary goes to ``build/bench/cpeer`` and is rebuilt when
bench/cpeer.c or the engine library is newer. No compiler, or no engine built: :class:`Unavailable`
says why, and bench/run.py prints that in place of the C figures.

:class:`CSide` is a ``driver.Side`` whose command is the program itself, so ``driver.run_peer_to_peer``
and the rest of the driver run it exactly as they run the Python worker (same options, same JSON).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
SOURCE = BENCH_DIR / "cpeer.c"
sys.path.insert(0, str(REPO_ROOT / "src"))

from cyproton.bench.driver import Side  # noqa: E402  (imports neither proton nor the extension)


class Unavailable(RuntimeError):
    """The C peer cannot be built here; the message says what is missing."""


def work_dir() -> Path:
    """Where setup.py builds (CYPROTON_WORK_DIR, as setup.py reads it, or build/)."""
    return Path(os.environ.get("CYPROTON_WORK_DIR") or REPO_ROOT / "build")


def _read_config(path: Path) -> Dict[str, str]:
    config = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        config[key.strip()] = value.strip()
    return config


def engine_build(work: Optional[Path] = None) -> Dict[str, str]:
    """The engine the extension was linked with: library, include dir, link libs and dirs."""
    work = work or work_dir()
    candidates = [work / ("engine-%s" % sysconfig.get_platform())] + sorted(work.glob("engine-*"))
    for bdir in candidates:
        if (bdir / "engine_library.txt").is_file() and (bdir / "engine_config.txt").is_file():
            break
    else:
        raise Unavailable("no engine build in %s (make install builds it)" % work)
    library = (bdir / "engine_library.txt").read_text().strip()
    if not os.path.isfile(library):
        raise Unavailable("engine library %s is missing (make install builds it)" % library)
    config = _read_config(bdir / "engine_config.txt")
    include = None
    cache = bdir / "CMakeCache.txt"
    if cache.is_file():
        for line in cache.read_text(errors="replace").splitlines():
            if line.startswith("PROTON_SRC_DIR:"):
                include = os.path.join(line.partition("=")[2].strip(), "include")
    if include is None:
        include = str(work / ("proton-src-%s" % config.get("engine_version", "")) / "include")
    if not os.path.isfile(os.path.join(include, "proton", "engine.h")):
        raise Unavailable("the engine's headers are not in %s (make install unpacks them)" % include)
    return {"library": library, "include": include, "link_libs": config.get("link_libs", ""),
            "link_dirs": config.get("link_dirs", ""), "version": config.get("engine_version", "?")}


def compiler() -> List[str]:
    if os.environ.get("CC"):
        return shlex.split(os.environ["CC"])
    for name in ("cc", "gcc", "clang"):
        found = shutil.which(name)
        if found:
            return [found]
    raise Unavailable("no C compiler found (cc, gcc or clang; Debian package build-essential)")


def build(work: Optional[Path] = None, force: bool = False) -> Path:
    """build/bench/cpeer, compiled now if missing or older than its source or the engine library."""
    work = work or work_dir()
    engine = engine_build(work)
    target = work / "bench" / "cpeer"
    newest = max(SOURCE.stat().st_mtime, os.stat(engine["library"]).st_mtime)
    if not force and target.is_file() and target.stat().st_mtime >= newest:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name("cpeer.tmp-%d" % os.getpid())
    command = compiler() + ["-O2", "-std=gnu11", "-Wall", "-DPROTON_DECLARE_STATIC", "-I", engine["include"],
                            str(SOURCE), engine["library"]]
    command += ["-L" + d for d in engine["link_dirs"].split() if d]
    for lib in engine["link_libs"].split():
        command.append(lib if lib.startswith("-") else "-l" + lib)
    command += ["-o", str(partial)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Unavailable("compiling bench/cpeer.c: %s" % exc) from None
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise Unavailable("compiling bench/cpeer.c failed: %s" % (done.stderr.strip()[-800:] or done.returncode))
    os.replace(partial, target)  # atomic: a run using the old binary keeps it
    return target


@dataclass
class CSide(Side):
    """The C program in the place of a side's interpreter: ``command`` ignores the worker script."""

    def command(self, script: str, args: List[str]) -> List[str]:
        return [self.python] + args


def side(name: str = "c", work: Optional[Path] = None) -> CSide:
    """A side running build/bench/cpeer (built first); :class:`Unavailable` when it cannot be built."""
    return CSide(name, str(build(work)))


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        print(build(force="--force" in args))
    except Unavailable as exc:
        print("cpeer: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
