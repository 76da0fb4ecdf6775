# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The documentation (docs/: the user guide and the API reference from the docstrings) builds with
Sphinx without a single warning, as ``make docs`` builds it; and every example is in examples/README.md.
Skipped when Sphinx or myst-parser is not installed (``make dev`` and ``make test`` install them)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import pytest

import proton

pytestmark = pytest.mark.impl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")


@pytest.mark.skipif(importlib.util.find_spec("sphinx") is None or importlib.util.find_spec("myst_parser") is None,
                    reason="sphinx and myst-parser are not installed (make dev installs them)")
def test_docs_build_without_warnings(tmp_path) -> None:
    env = dict(os.environ)
    # document the proton these tests import (the source tree in a dev build, else the installed one)
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(proton.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", DOCS,
                           str(tmp_path / "html")], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "html" / "index.html").exists()
    api = (tmp_path / "html" / "api" / "proton.html").read_text(encoding="utf-8")
    for name in ("Message", "Connection", "SSLDomain", "Delivery"):         # autodoc found the classes
        assert f'id="proton.{name}"' in api, name
    guide = (tmp_path / "html" / "guide" / "cli.html").read_text(encoding="utf-8")
    assert "--password-file" in guide


def test_every_example_is_listed() -> None:
    with open(os.path.join(ROOT, "examples", "README.md"), encoding="utf-8") as f:
        listed = set(re.findall(r"`((?:security/)?\w+\.py)`", f.read()))
    found = set()
    for folder in ("", "security"):
        for name in os.listdir(os.path.join(ROOT, "examples", folder)):
            if name.endswith(".py"):
                found.add(f"{folder}/{name}" if folder else name)
    assert found - listed == set(), f"examples missing from examples/README.md: {sorted(found - listed)}"


def test_every_public_module_is_in_the_api_reference() -> None:
    """A new public module of cyproton (the asyncio API, cyproton.aio, when it lands) gets an automodule
    entry in docs/api/: this fails until it has one."""
    reference = ""
    for name in os.listdir(os.path.join(DOCS, "api")):
        with open(os.path.join(DOCS, "api", name), encoding="utf-8") as f:
            reference += f.read()
    package = os.path.join(ROOT, "src", "cyproton")
    modules = [name[:-3] for name in os.listdir(package) if name.endswith(".py") and not name.startswith("_")]
    modules += [name for name in os.listdir(package) if os.path.isdir(os.path.join(package, name))
                and not name.startswith("_") and os.path.exists(os.path.join(package, name, "__init__.py"))]
    undocumented = [m for m in modules if m not in ("demo", "bench") and f"cyproton.{m}" not in reference]
    assert not undocumented, f"add these to docs/api/cyproton.md: {undocumented}"
