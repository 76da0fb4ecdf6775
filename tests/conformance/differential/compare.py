# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Run one scenario program under cyproton and under python-qpid-proton and compare what each saw.

A scenario (``scenarios/<name>.py``) prints the recorder's JSON lines and its own output. The two
runs agree when, for every stream (each connection, numbered in the order it was made, and ``-``
for events about no connection), the sequence of recorded events and handler calls is the same,
and the program's own lines are the same in the same order. Streams are compared one by one
because two connections in one process interleave as their bytes happen to arrive, differently
from run to run in either implementation.

A scenario module may set, at top level:

- ``GLOBAL_ORDER = True``: compare the whole sequence, not stream by stream (for programs whose
  every step waits for the one before);
- ``COLLAPSE = ("on_sendable", ...)``: calls whose repetitions depend on how credit arrives in
  frames; runs of the same call in one stream count as one;
- ``NEEDS = "broker"``: the scenario needs the embedded broker; its address is the second argument;
- ``REFERENCE_DIFFERS = "<text>"``: python-qpid-proton is known to go wrong here (a README
  compatibility note holds this text); the scenario's own ``EXPECTED_OUTPUT`` (its printed lines)
  is what cyproton must give instead.

Command line: ``python compare.py scenario.py [...]`` prints each difference.
"""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SCENARIOS = HERE / "scenarios"
REF_PYTHON = os.environ.get("CYPROTON_REF_PYTHON", str(REPO / ".venv-ref" / "bin" / "python"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def settings(path: Path) -> Dict[str, Any]:
    """The scenario's top-level GLOBAL_ORDER / COLLAPSE / PEER / TIMEOUT assignments."""
    found: Dict[str, Any] = {"GLOBAL_ORDER": False, "COLLAPSE": (), "NEEDS": None, "TIMEOUT": 15,
                             "REFERENCE_DIFFERS": None, "EXPECTED_OUTPUT": None}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in found:
                found[node.targets[0].id] = ast.literal_eval(node.value)
    return found


def run_program(python: Sequence[str], path: Path, args: Sequence[str], timeout: float,
                env: Optional[Dict[str, str]] = None) -> Tuple[int, List[str], str]:
    """Run ``path`` with ``python``; (exit code, stdout lines, stderr). A hang is a result too."""
    try:
        done = subprocess.run([*python, str(HERE / "launch.py"), str(path), *args], capture_output=True, text=True,
                              timeout=timeout,
                              cwd=str(path.parent), env=env)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return -999, out.splitlines() + [f"<hung after {timeout}s>"], ""
    return done.returncode, done.stdout.splitlines(), done.stderr


def streams(lines: List[str], collapse: Sequence[str], global_order: bool) -> Dict[str, List[Any]]:
    """Split recorded lines into their streams; the program's own lines are the stream ``out``."""
    result: Dict[str, List[Any]] = {}
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            result.setdefault("out", []).append(line)
            continue
        key = "all" if global_order else record.get("on", "-")
        entries = result.setdefault(key, [])
        name = record.get("ev") or record.get("cb")
        if name in collapse and entries and entries[-1].get("ev", entries[-1].get("cb")) == name:
            continue
        entries.append(record)
    return result


def first_difference(ours: List[Any], theirs: List[Any]) -> Optional[str]:
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            return f"step {i}: cyproton {a!r}\n          python-qpid-proton {b!r}"
    if len(ours) != len(theirs):
        shorter, longer, who = (ours, theirs, "python-qpid-proton") if len(ours) < len(theirs) \
            else (theirs, ours, "cyproton")
        return f"step {len(shorter)}: only {who} goes on: {longer[len(shorter)]!r} (+{len(longer) - len(shorter) - 1})"
    return None


class Outcome:
    def __init__(self, name: str, ours: Tuple[int, List[str], str], theirs: Tuple[int, List[str], str],
                 differences: List[str]) -> None:
        self.name = name
        self.ours = ours
        self.theirs = theirs
        self.differences = differences

    def report(self) -> str:
        lines = [f"scenario {self.name}: {len(self.differences)} difference(s)"]
        lines += ["  " + d.replace("\n", "\n  ") for d in self.differences]
        for who, (rc, _, err) in (("cyproton", self.ours), ("python-qpid-proton", self.theirs)):
            if rc != 0 and err.strip():
                lines.append(f"  {who} stderr (exit {rc}):\n    " + "\n    ".join(err.strip().splitlines()[-15:]))
        return "\n".join(lines)


def compare(path: Path, ours_python: Sequence[str], peer: Optional[str] = None,
            ours_env: Optional[Dict[str, str]] = None) -> Outcome:
    conf = settings(path)
    args = [str(free_port())] + ([peer] if peer else [])
    theirs_env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    theirs = run_program([REF_PYTHON, "-I"], path, args, conf["TIMEOUT"], env=theirs_env)
    args = [str(free_port())] + ([peer] if peer else [])
    if ours_env is None:
        # the scenarios run in their own folder: a relative PYTHONPATH (PYTHONPATH=src) must keep
        # pointing where it did
        ours_env = dict(os.environ)
        if ours_env.get("PYTHONPATH"):
            paths = ours_env["PYTHONPATH"].split(os.pathsep)
            ours_env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in paths)
    ours = run_program(ours_python, path, args, conf["TIMEOUT"], env=ours_env)
    differences = []
    if conf["REFERENCE_DIFFERS"]:
        # the reference is not the oracle here: cyproton must do what the program means
        out = streams(ours[1], (), False).get("out", [])
        if ours[0] != 0:
            differences.append(f"exit code: cyproton {ours[0]}")
        if out != conf["EXPECTED_OUTPUT"]:
            differences.append(f"output: cyproton {out!r}, expected {conf['EXPECTED_OUTPUT']!r}")
        return Outcome(path.stem, ours, theirs, differences)
    if ours[0] != 0 or theirs[0] != 0:
        # a scenario that fails in both would otherwise "agree": each must run to its end
        differences.append(f"exit code: cyproton {ours[0]}, python-qpid-proton {theirs[0]} (both must be 0)")
    a = streams(ours[1], conf["COLLAPSE"], conf["GLOBAL_ORDER"])
    b = streams(theirs[1], conf["COLLAPSE"], conf["GLOBAL_ORDER"])
    for key in sorted(set(a) | set(b)):
        diff = first_difference(a.get(key, []), b.get(key, []))
        if diff:
            differences.append(f"stream {key}: {diff}")
    return Outcome(path.stem, ours, theirs, differences)


def main(argv: List[str]) -> int:
    failed = 0
    for arg in argv:
        outcome = compare(Path(arg).resolve(), [sys.executable])
        print(outcome.report())
        failed += bool(outcome.differences)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
