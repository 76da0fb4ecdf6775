# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The layout of the compiled module's sources (cython/): one module made of included fragments,
where whatever one fragment takes from another is declared in the .pxd of the fragment that
defines it, and proton._cproton.pxd includes those .pxd files in the order _cproton.pyx includes the
fragments. So no fragment depends on the include order for a class or a function.

These read the sources only; a checker run on a small made-up tree shows each rule can fail."""

from __future__ import annotations

import os
import re
from typing import Dict, List, Set, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CYTHON = os.path.join(ROOT, "cython")

_INCLUDE = re.compile(r'^include "([\w.]+)"', re.M)
_CLASS = re.compile(r"^cdef class (\w+)\s*[(:]", re.M)     # a definition, not a forward declaration
_FUNCTION = re.compile(r"^c(?:p)?def (?:inline )?(?:[\w.*\[\] ]+? )?\**(\w+)\(", re.M)
# module-level C variables ("cdef object NAME = ...", "cdef ThreadPools _last_pools = None")
_VARIABLE = re.compile(r"^cdef (?!class |inline |extern |enum |struct )[\w.*\[\] ]+? \**(\w+)\s*(?:=|$|\[)", re.M)


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def _code(text: str) -> str:
    """The text without comments and string literals (so a name in a docstring is not a use)."""
    text = re.sub(r'"""(?:.|\n)*?"""', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"'(?:\\.|[^'\\\n])*'", "''", text)
    return re.sub(r"#.*", "", text)


def _defined(text: str) -> Tuple[Set[str], Set[str]]:
    """(classes and C functions, module-level C variables) defined at the top level of a fragment."""
    code = _code(text)
    names = set(_CLASS.findall(code)) | set(_FUNCTION.findall(code))
    return names, set(_VARIABLE.findall(code)) - names


def _used(text: str, names: Set[str]) -> Set[str]:
    code = _code(text)
    return {n for n in names if re.search(r"\b%s\b" % re.escape(n), code)}


def check_layout(directory: str) -> List[str]:
    """Every way the sources in ``directory`` break the layout rule, as readable lines."""
    problems: List[str] = []
    fragments = _INCLUDE.findall(_read(os.path.join(directory, "_cproton.pyx")))
    pxd_path = os.path.join(directory, "proton._cproton.pxd")
    declared_order = _INCLUDE.findall(_read(pxd_path)) if os.path.exists(pxd_path) else []
    sources: Dict[str, str] = {f: _read(os.path.join(directory, f)) for f in fragments}
    declarations: Dict[str, str] = {}
    for f in fragments:
        pxd = f[:-len(".pyx")] + ".pxd"
        if os.path.exists(os.path.join(directory, pxd)):
            declarations[f] = _read(os.path.join(directory, pxd))
            if pxd not in declared_order:
                problems.append("%s is not included by proton._cproton.pxd" % pxd)
    wanted_order = [f[:-len(".pyx")] + ".pxd" for f in fragments if f in declarations]
    if [p for p in declared_order if p in wanted_order] != wanted_order:
        problems.append("proton._cproton.pxd includes %s, not in the fragments' order %s"
                        % (declared_order, wanted_order))

    owner: Dict[str, str] = {}
    variables: Dict[str, str] = {}
    for f in fragments:
        names, cvars = _defined(sources[f])
        for n in names:
            owner.setdefault(n, f)
        for n in cvars:
            variables.setdefault(n, f)
    for n, f in owner.items():
        if f in declarations and not re.search(r"^\s*c(?:p)?def\b[^\n]*\b%s\b" % re.escape(n), declarations[f], re.M):
            if any(n in _used(sources[g], {n}) for g in fragments if g != f):
                problems.append("%s (defined in %s, used by another fragment) is not declared in %s"
                                % (n, f, f[:-len(".pyx")] + ".pxd"))
        elif f not in declarations:
            users = [g for g in fragments if g != f and _used(sources[g], {n})]
            if users:
                problems.append("%s (defined in %s) is used by %s, and %s has no .pxd"
                                % (n, f, ", ".join(users), f))
    position = {f: i for i, f in enumerate(fragments)}
    for g in fragments:
        for n in _used(sources[g], set(variables)):
            f = variables[n]
            if f != g and position[f] > position[g]:
                problems.append("%s uses %s, a C variable of %s, which is included after it" % (g, n, f))
    return problems


def test_the_module_sources_follow_the_layout() -> None:
    assert check_layout(CYTHON) == []


def test_each_fragment_declaration_has_its_definition() -> None:
    fragments = _INCLUDE.findall(_read(os.path.join(CYTHON, "_cproton.pyx")))
    stale = []
    for f in fragments:
        pxd = os.path.join(CYTHON, f[:-len(".pyx")] + ".pxd")
        if not os.path.exists(pxd):
            continue
        declared = set(_CLASS.findall(_read(pxd))) | set(_FUNCTION.findall(re.sub(r"(?m)^\s+.*\n", "", _read(pxd))))
        defined, _ = _defined(_read(os.path.join(CYTHON, f)))
        stale += sorted("%s in %s" % (n, os.path.basename(pxd)) for n in declared - defined)
    assert stale == []


def _tree(tmp_path, files: Dict[str, str]) -> str:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return str(tmp_path)


def test_the_checker_finds_an_undeclared_name(tmp_path) -> None:
    d = _tree(tmp_path, {
        "_cproton.pyx": 'include "a.pyx"\ninclude "b.pyx"\n',
        "proton._cproton.pxd": 'include "a.pxd"\n',
        "a.pyx": "cdef int helper(int x):\n    return x\n\ncdef int other(int x):\n    return x\n",
        "a.pxd": "cdef int helper(int x)\n",
        "b.pyx": "def f():\n    return helper(1) + other(2)\n",
    })
    assert check_layout(d) == ["other (defined in a.pyx, used by another fragment) is not declared in a.pxd"]


def test_the_checker_finds_a_fragment_without_pxd_and_a_late_variable(tmp_path) -> None:
    d = _tree(tmp_path, {
        "_cproton.pyx": 'include "a.pyx"\ninclude "b.pyx"\n',
        "proton._cproton.pxd": "",
        "a.pyx": "def f():\n    return LIMIT + g(1)\n",
        "b.pyx": "cdef int LIMIT = 3\n\ncdef int g(int x):\n    return x\n",
    })
    assert sorted(check_layout(d)) == [
        "a.pyx uses LIMIT, a C variable of b.pyx, which is included after it",
        "g (defined in b.pyx) is used by a.pyx, and b.pyx has no .pxd",
    ]


def test_the_checker_finds_a_pxd_left_out_or_out_of_order(tmp_path) -> None:
    d = _tree(tmp_path, {
        "_cproton.pyx": 'include "a.pyx"\ninclude "b.pyx"\n',
        "proton._cproton.pxd": 'include "b.pxd"\n',
        "a.pyx": "cdef int f(int x):\n    return x\n",
        "a.pxd": "cdef int f(int x)\n",
        "b.pyx": "cdef int g(int x):\n    return f(x)\n",
        "b.pxd": "cdef int g(int x)\n",
    })
    problems = check_layout(d)
    assert "a.pxd is not included by proton._cproton.pxd" in problems
    assert any("not in the fragments' order" in p for p in problems)
