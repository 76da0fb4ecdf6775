# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The source checks that run as tests: the stub of the compiled module is current, mypy --strict
passes on the package and the examples (and flags the mistakes in tests/typing/mistakes.py), ruff
finds nothing. A check whose tool is not installed is skipped (``make dev`` and ``make test``
install them into .venv); mypy's cache goes to build/.mypy_cache.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import os
import re
import subprocess
import sys
from typing import Dict, List, Set, Tuple

import pytest

pytestmark = pytest.mark.impl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")
STUB = os.path.join(SRC, "proton", "_cproton.pyi")
GENERATOR = os.path.join(ROOT, "scripts", "gen_cproton_stub.py")
TYPING_DIR = os.path.join(ROOT, "tests", "typing")
HAVE_MYPY = importlib.util.find_spec("mypy") is not None
HAVE_RUFF = importlib.util.find_spec("ruff") is not None
needs_mypy = pytest.mark.skipif(not HAVE_MYPY, reason="mypy is not installed (make dev installs it)")
needs_ruff = pytest.mark.skipif(not HAVE_RUFF, reason="ruff is not installed (make dev installs it)")


def _generator():
    spec = importlib.util.spec_from_file_location("gen_cproton_stub", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _compiled():
    from proton import _cproton

    return _cproton


# -- the stub ---------------------------------------------------------------------------------------------------

def test_stub_is_what_the_generator_writes() -> None:
    """The committed stub is the generator's output for the module these tests import."""
    generator = _generator()
    with open(generator.OVERLAY, encoding="utf-8") as f:
        overlay = generator.Overlay(f.read())
    expected = generator.generate(_compiled(), overlay)
    with open(STUB, encoding="utf-8") as f:
        committed = f.read()
    assert committed == expected, ("src/proton/_cproton.pyi is stale: run "
                                   "PYTHONPATH=src python scripts/gen_cproton_stub.py and commit the result")


def _stub_tree() -> Tuple[Dict[str, ast.AST], Set[str]]:
    with open(STUB, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    defined: Dict[str, ast.AST] = {}
    imported: Set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            defined[node.name] = node
        elif isinstance(node, ast.ImportFrom):
            imported |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined[node.target.id] = node
    return defined, imported


def _members(node: ast.ClassDef) -> Dict[str, List[ast.AST]]:
    found: Dict[str, List[ast.AST]] = {}
    for item in node.body:
        name = getattr(item, "name", None) or getattr(getattr(item, "target", None), "id", None)
        if name:
            found.setdefault(name, []).append(item)
    return found


def _param_names(node: ast.FunctionDef) -> List[str]:
    args = node.args
    names = [a.arg for a in args.posonlyargs + args.args]
    names += [f"*{args.vararg.arg}"] if args.vararg else []
    names += [a.arg for a in args.kwonlyargs]
    names += [f"**{args.kwarg.arg}"] if args.kwarg else []
    return names


def _runtime_names(signature: inspect.Signature) -> List[str]:
    prefix = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
    return [prefix.get(p.kind, "") + p.name for p in signature.parameters.values()]


def test_stub_has_every_public_name_and_signature() -> None:
    """Checked without the generator: every class, function, method and property of the module is
    in the stub, and every function's parameters have the module's names, in its order."""
    module = _compiled()
    defined, imported = _stub_tree()
    missing: List[str] = []
    wrong: List[str] = []
    for name in dir(module):
        obj = getattr(module, name)
        if name.startswith("__") or inspect.ismodule(obj):
            continue
        if isinstance(obj, type) and obj.__module__ != module.__name__:
            if name not in imported and not name.startswith("_"):
                missing.append(name)
            continue
        node = defined.get(name)
        if node is None:
            missing.append(name)
            continue
        if isinstance(obj, type):
            assert isinstance(node, ast.ClassDef)
            members = _members(node)
            for attr, value in vars(obj).items():
                if attr.startswith("__"):
                    continue
                if attr not in members:
                    missing.append(f"{name}.{attr}")
                    continue
                defs = [m for m in members[attr] if isinstance(m, ast.FunctionDef)
                        and not any(getattr(d, "id", None) == "property" or getattr(d, "attr", None) == "setter"
                                    for d in m.decorator_list)]
                if defs and callable(value) and type(value).__name__ != "getset_descriptor":
                    runtime = getattr(obj, attr)
                    try:
                        signature = inspect.signature(runtime)
                    except (TypeError, ValueError):
                        continue
                    declared = _param_names(defs[0])
                    actual = _runtime_names(signature)
                    if not isinstance(value, staticmethod):
                        declared = declared[1:]      # self / cls
                        actual = actual[1:] if actual[:1] in (["self"], ["cls"]) else actual
                    if declared != actual:
                        wrong.append(f"{name}.{attr}: stub {declared}, module {actual}")
        elif callable(obj):
            assert isinstance(node, ast.FunctionDef)
            actual = _runtime_names(inspect.signature(obj))
            if _param_names(node) != actual:
                wrong.append(f"{name}: stub {_param_names(node)}, module {actual}")
    assert not missing, f"not in the stub: {missing}"
    assert not wrong, f"parameters differ: {wrong}"


def test_stub_generator_refuses_an_overlay_that_drifts() -> None:
    """A typed member the module lacks, or parameters other than the module's, stop the generator."""
    generator = _generator()
    module = _compiled()
    with pytest.raises(generator.StubError, match="no_such_member"):
        generator.generate(module, generator.Overlay("class CMessage:\n    no_such_member: int\n"))
    with pytest.raises(generator.StubError, match="parameters"):
        renamed = "class CMessage:\n    def decode(self, blob: bytes) -> None: ...\n"
        generator.generate(module, generator.Overlay(renamed))
    with pytest.raises(generator.StubError, match="not_a_function"):
        generator.generate(module, generator.Overlay("def not_a_function() -> None: ...\n"))


# -- mypy ---------------------------------------------------------------------------------------------------------

def _mypy(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MYPYPATH=SRC)
    command = [sys.executable, "-m", "mypy", "--cache-dir", os.path.join(ROOT, "build", ".mypy_cache"),
               "--show-error-codes", "--no-color-output", "--no-error-summary", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@needs_mypy
def test_mypy_strict_on_the_package() -> None:
    """``mypy`` with the project's configuration (strict, src/proton and src/cyproton) finds nothing."""
    done = _mypy("--config-file", os.path.join(ROOT, "pyproject.toml"))
    assert done.returncode == 0, done.stdout + done.stderr


@needs_mypy
def test_mypy_strict_on_examples_and_typed_user_code() -> None:
    """The examples and tests/typing/good.py (typed the way applications are) pass ``mypy --strict``."""
    done = _mypy("--strict", "examples", os.path.join("tests", "typing", "good.py"))
    assert done.returncode == 0, done.stdout + done.stderr


@needs_mypy
def test_mypy_flags_every_mistake() -> None:
    """Each line of tests/typing/mistakes.py marked ``# E: code`` gets exactly that error, and
    nothing else is reported: the types are precise enough to catch what users get wrong."""
    path = os.path.join("tests", "typing", "mistakes.py")
    expected: Set[Tuple[int, str]] = set()
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            marked = re.search(r"# E: ([a-z-]+)\s*$", line)
            if marked:
                expected.add((number, marked.group(1)))
    assert len(expected) >= 15
    done = _mypy("--strict", path)
    reported = {(int(m.group(1)), m.group(2))
                for m in re.finditer(r"^[^:]+:(\d+): error: .*\[([a-z-]+)\]$", done.stdout, re.M)}
    assert reported == expected, f"missed: {sorted(expected - reported)}, unexpected: {sorted(reported - expected)}" \
        f"\n{done.stdout}"


# -- lint ------------------------------------------------------------------------------------------------------------

@needs_ruff
def test_ruff() -> None:
    """ruff (pyflakes and pycodestyle, as configured in pyproject.toml) on the Python sources."""
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "src", "examples", "scripts", "bench",
                           "tests", os.path.join("cython", "_cproton_types.pyi")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
