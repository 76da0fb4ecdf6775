# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Record which names python-qpid-proton's own Python layer takes from its ``cproton`` module.

The reference 0.40 package is three layers: a cffi extension, a ``cproton`` shim module and the
pure-Python ``proton`` package. Our top-level ``cproton`` module must serve that last layer (and
code such as RabbitMQ's AMQP 1.0 client that carries a copy of it). This script reads the released
source, never imports it, and writes the contract as data: every imported name, whether it is a
constant or a callable, and how it is called (parameter names for the shim functions, the C
parameter count for functions passed straight through from the C library).

Usage: python scripts/gen_cproton_inventory.py [REFSRC_DIR] [OUT_JSON]
REFSRC_DIR is the unpacked sdist (default /tmp/refsrc/python_qpid_proton-0.40.0).
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path
from typing import Any

DEFAULT_SRC = Path("/tmp/refsrc/python_qpid_proton-0.40.0")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "tests" / "conformance" / "cproton_inventory.json"


def imported_names(pkg: Path) -> dict[str, list[str]]:
    """Map each name imported from ``cproton`` to the proton modules importing it."""
    found: dict[str, list[str]] = {}
    for path in sorted(pkg.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "cproton":
                for alias in node.names:
                    found.setdefault(alias.name, []).append(path.stem)
            elif isinstance(node, ast.Import) and any(a.name == "cproton" for a in node.names):
                raise SystemExit(f"{path}: plain 'import cproton' is not handled by this script")
    return found


def shim_functions(shim: Path) -> dict[str, list[str]]:
    """Parameter names of every function defined in Python by the reference shim module."""
    tree = ast.parse(shim.read_text(encoding="utf-8"), str(shim))
    out: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            out[node.name] = [a.arg for a in node.args.args]
    return out


_DECL = re.compile(r"\b(pn_\w+)\s*\(([^()]*)\)$")


def c_functions(header: Path) -> dict[str, int]:
    """Parameter count of every function declared in the cffi declaration file."""
    text = re.sub(r"/\*.*?\*/", "", header.read_text(encoding="utf-8"), flags=re.S)
    out: dict[str, int] = {}
    for decl in " ".join(text.split()).split(";"):  # one declaration per ';', however it is wrapped
        m = _DECL.search(decl.strip())
        if m is None or "typedef" in decl:
            continue
        args = m.group(2).strip()
        out[m.group(1)] = 0 if args in ("", "void") else len(args.split(","))
    return out


def build(src: Path) -> dict[str, Any]:
    names = imported_names(src / "proton")
    shims = shim_functions(src / "cproton.py")
    cfuncs = c_functions(src / "cproton.h")
    entries: dict[str, Any] = {}
    for name in sorted(names):
        entry: dict[str, Any] = {"imported_by": sorted(set(names[name]))}
        if name in shims:
            entry.update(kind="function", source="shim", params=shims[name])
        elif name in cfuncs:
            entry.update(kind="function", source="c", arity=cfuncs[name])
        elif name.isupper() or name.startswith("PN_"):
            entry.update(kind="constant")
        else:
            raise SystemExit(f"cannot classify {name!r}: neither a shim, a C function nor a constant")
        entries[name] = entry
    version = (src / "VERSION.txt").read_text(encoding="utf-8").strip() if (src / "VERSION.txt").exists() else "?"
    return {"reference": f"python-qpid-proton {version}", "count": len(entries), "names": entries}


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_SRC
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    data = build(src)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    kinds: dict[str, int] = {}
    for e in data["names"].values():
        key = e["kind"] + ("/" + e["source"] if "source" in e else "")
        kinds[key] = kinds.get(key, 0) + 1
    print(f"{out}: {data['count']} names {kinds}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
