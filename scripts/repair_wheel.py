#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Turn a freshly built wheel (``CYPROTON_BUNDLE=1``) into the one we distribute.

    repair_wheel.py RAW_WHEEL DEST_DIR

1. ``auditwheel repair --strip``: copies the shared libraries the extension and the bundled Cyrus
   plugins need (OpenSSL, Cyrus SASL, Berkeley DB for sasldb) into ``cyproton.libs/`` under names
   of their own, points every ELF file at them (RUNPATH, DT_NEEDED), strips debug information and
   gives the wheel the lowest manylinux tag the build machine's glibc allows. The system's MIT
   Kerberos (``libgssapi_krb5.so.2``, needed only by the GSSAPI plugin) is left out on purpose: it
   belongs to the system, with its configuration and security updates.
2. Adds the licence texts to ``<dist-info>/licenses/``: cyproton's, the engine's notice, and for
   every bundled library and plugin the licence of the system package it came from (Debian:
   ``/usr/share/doc/<package>/copyright``; RPM: the package's ``%license`` files), with an index,
   ``BUNDLED.txt``, naming file, package and version. A bundled file whose licence is not found
   stops the script.
3. Checks that every plugin is there and every ELF file's needs are met inside the wheel or by the
   manylinux system libraries, then writes the wheel into DEST_DIR (RECORD rewritten).

cibuildwheel calls it as its repair command (pyproject.toml); ``make wheel`` through
scripts/build_wheels.sh.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLUGIN_DIR = "proton/_sasl_plugins"
LIBS_DIR = "cyproton.libs"
REQUIRED_PLUGINS = ("libanonymous.so", "libplain.so", "libscram.so", "libdigestmd5.so", "libcrammd5.so",
                    "libgssapiv2.so", "libsasldb.so")
# Left to the system (see above); auditwheel is told so.
SYSTEM_ONLY = ("libgssapi_krb5.so.2",)


def fail(msg: str) -> None:
    raise SystemExit(f"repair_wheel: {msg}")


def auditwheel() -> list[str]:
    try:
        import auditwheel  # noqa: F401
        return [sys.executable, "-m", "auditwheel"]
    except ImportError:
        found = shutil.which("auditwheel")
        if not found:
            fail("auditwheel is not installed (pip install auditwheel)")
        return [found]


# -------------------------------------------------------------------------------- where files came from

def soname_of_grafted(name: str) -> str:
    """auditwheel names a copy ``libssl-1a2b3c4d.so.3`` (``libdb-5-1a2b3c4d.3.so``): the library it copied."""
    return re.sub(r"-[0-9a-f]{8}\.", ".", name, count=1)


def system_library(name: str) -> Path:
    """The file of this machine's dynamic loader named (or with the soname) ``name``."""
    found = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    dirs = []
    for line in found.splitlines():
        parts = line.strip().split(" => ")
        if len(parts) == 2:
            path = Path(parts[1])
            if parts[0].split()[0] == name or path.resolve().name == name:
                return path
            dirs.append(path.parent)
    for d in os.environ.get("LD_LIBRARY_PATH", "").split(":") + ["/usr/local/lib", "/usr/local/lib64"] + dirs:
        if d and (Path(d) / name).exists():
            return Path(d) / name
    fail(f"cannot find where {name} came from on this machine")
    raise AssertionError


def owning_package(path: Path) -> tuple[str, str, list[Path]]:
    """(package, version, licence files) of the system package that installed ``path``."""
    candidates = {str(path), str(path.resolve())}
    for c in list(candidates):
        if c.startswith("/usr/lib"):
            candidates.add(c[len("/usr"):])       # merged /usr: dpkg may know the /lib name
        elif c.startswith("/lib"):
            candidates.add("/usr" + c)
    if shutil.which("dpkg-query"):
        for c in sorted(candidates):
            done = subprocess.run(["dpkg-query", "-S", c], capture_output=True, text=True)
            if done.returncode == 0:
                package = done.stdout.split(":")[0].strip()
                version = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package],
                                         capture_output=True, text=True).stdout.strip()
                copyright_file = Path("/usr/share/doc") / package / "copyright"
                return package, version, [copyright_file] if copyright_file.is_file() else []
    if shutil.which("rpm"):
        for c in sorted(candidates):
            done = subprocess.run(["rpm", "-qf", "--qf", "%{NAME}\t%{VERSION}-%{RELEASE}\n", c],
                                  capture_output=True, text=True)
            if done.returncode == 0 and "\t" in done.stdout:
                package, version = done.stdout.splitlines()[0].split("\t")
                files = subprocess.run(["rpm", "-qL", package], capture_output=True, text=True).stdout.split()
                return package, version, [Path(f) for f in files if Path(f).is_file()]
    fail(f"no system package owns {path}: cannot tell its licence")
    raise AssertionError


# -------------------------------------------------------------------------------- the wheel as files

def unpack(wheel: Path, into: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        for info in z.infolist():
            target = into / info.filename
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(info))
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                target.chmod(mode)


def pack(tree: Path, dist_info: str, dest: Path) -> None:
    files = sorted(p for p in tree.rglob("*") if p.is_file())
    record_name = f"{dist_info}/RECORD"
    rows = []
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as z:
        # dist-info last, RECORD at the very end, as installers expect
        ordered = [p for p in files if not p.relative_to(tree).as_posix().startswith(dist_info + "/")]
        ordered += [p for p in files if p.relative_to(tree).as_posix().startswith(dist_info + "/")]
        for p in ordered:
            name = p.relative_to(tree).as_posix()
            if name == record_name:
                continue
            data = p.read_bytes()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            rows.append((name, f"sha256={digest}", str(len(data))))
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (p.stat().st_mode & 0o777 | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows(rows)
        writer.writerow((record_name, "", ""))
        info = zipfile.ZipInfo(record_name, date_time=(2026, 1, 1, 0, 0, 0))
        info.external_attr = 0o100644 << 16
        z.writestr(info, out.getvalue(), compress_type=zipfile.ZIP_DEFLATED)


def elf_needs(path: Path) -> tuple[list[str], str]:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)
    runpath = re.findall(r"\((?:RUNPATH|RPATH)\)\s+Library (?:runpath|rpath): \[([^\]]+)\]", out)
    return needed, (runpath[0] if runpath else "")


def has_debug_info(path: Path) -> bool:
    out = subprocess.run(["readelf", "-S", "-W", str(path)], capture_output=True, text=True).stdout
    return ".debug_info" in out or ".symtab" in out


# -------------------------------------------------------------------------------- the steps

def add_licences(tree: Path, dist_info: str) -> list[str]:
    target = tree / dist_info / "licenses"
    target.mkdir(parents=True, exist_ok=True)
    added = []
    if not (tree / dist_info / "LICENSE").is_file():   # setuptools puts cyproton's own there
        shutil.copyfile(REPO / "LICENSE", target / "LICENSE")
        added.append("LICENSE")
    shutil.copyfile(REPO / "licenses" / "qpid-proton-NOTICE.txt", target / "qpid-proton-NOTICE.txt")
    added.append("qpid-proton-NOTICE.txt")
    origins: dict[str, Path] = {}
    for lib in sorted((tree / LIBS_DIR).glob("*.so*")):
        origins[f"{LIBS_DIR}/{lib.name}"] = system_library(soname_of_grafted(lib.name))
    index = tree / PLUGIN_DIR / "PLUGINS.txt"
    for line in index.read_text().splitlines():
        if line and not line.startswith("#"):
            name, _mechs, source = line.split("\t")
            origins[f"{PLUGIN_DIR}/{name}"] = Path(source)
    lines = ["# Files in this wheel that were copied from the build machine's system packages, and the",
             "# licence text of each package (next to this file). file, package, version, licence file(s)"]
    by_content: dict[bytes, str] = {}     # packages of one source (Cyrus) share one text
    for member, source in sorted(origins.items()):
        package, version, texts = owning_package(source)
        if not texts:
            fail(f"{member} comes from {source} (package {package}), which ships no licence file")
        names = []
        for text in texts:
            data = text.read_bytes()
            name = by_content.get(data)
            if name is None:
                name = f"{package}.copyright" if text.name == "copyright" else f"{package}-{text.name}"
                (target / name).write_bytes(data)
                by_content[data] = name
                added.append(name)
            names.append(name)
        lines.append(f"{member}\t{package}\t{version}\t{' '.join(names)}")
    (target / "BUNDLED.txt").write_text("\n".join(lines) + "\n")
    added.append("BUNDLED.txt")
    metadata = tree / dist_info / "METADATA"
    text = metadata.read_text()
    head, sep, body = text.partition("\n\n")
    known = set(re.findall(r"^License-File: (.*)$", head, re.M))
    extra = "".join(f"License-File: licenses/{n}\n" for n in added
                    if f"licenses/{n}" not in known and n not in known)
    metadata.write_text(head + "\n" + extra.rstrip("\n") + sep + body if extra else text)
    return added


def check(tree: Path) -> None:
    for name in REQUIRED_PLUGINS:
        if not (tree / PLUGIN_DIR / name).is_file():
            fail(f"the wheel lacks the Cyrus plugin {PLUGIN_DIR}/{name}")
    allowed_system = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libresolv.so.2",
                      "libgcc_s.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", *SYSTEM_ONLY}
    for path in sorted(tree.rglob("*.so*")):
        if not path.is_file() or path.read_bytes()[:4] != b"\x7fELF":
            continue
        needed, runpath = elf_needs(path)
        dirs = [runpath.replace("$ORIGIN", str(path.parent))] if runpath else []
        for lib in needed:
            inside = any((Path(d) / lib).is_file() for d in ":".join(dirs).split(":") if d)
            if not inside and lib not in allowed_system:
                fail(f"{path.relative_to(tree)} needs {lib}, which is neither in the wheel nor a system library")
        if has_debug_info(path):
            fail(f"{path.relative_to(tree)} was not stripped")


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    raw, dest = Path(argv[1]).resolve(), Path(argv[2]).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cyproton-repair-") as tmp:
        work = Path(tmp)
        excludes = [arg for lib in SYSTEM_ONLY for arg in ("--exclude", lib)]
        subprocess.run([*auditwheel(), "repair", "--strip", *excludes, "-w", str(work / "repaired"), str(raw)],
                       check=True)
        (repaired,) = (work / "repaired").glob("*.whl")
        tree = work / "tree"
        unpack(repaired, tree)
        (dist_info,) = [p.name for p in tree.glob("*.dist-info")]
        added = add_licences(tree, dist_info)
        check(tree)
        out = dest / repaired.name
        pack(tree, dist_info, out)
    print(f"repair_wheel: {out.name} ({out.stat().st_size / 1e6:.1f} MB); licences: {', '.join(added)}")
    subprocess.run([*auditwheel(), "show", str(out)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
