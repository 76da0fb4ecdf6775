# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Codec benchmark: cyproton against python-qpid-proton 0.40, side by side in one run.

    python bench/codec.py [--rounds 5] [--seconds 0.3] [--rows 1,3]
                          [--ours-python PY] [--ref-python PY] [--json-out FILE]

Every scenario of ``codec_worker.py`` runs in a fresh subprocess of each interpreter, the two
interpreters interleaved (ours, ref, ours, ref ...) for ``--rounds`` rounds so that drift on a
noisy machine hits both alike. Each cell of the table is the median of its rounds; the ratio is
ref / ours, so above 1 means cyproton is faster. The samples go to JSON, by default
``bench/results/codec-<timestamp>.json``.

``--ours-python`` defaults to this interpreter, ``--ref-python`` to ``$CYPROTON_REF_PYTHON`` or
``<repo>/.venv-ref/bin/python`` (made by ``scripts/make_ref_venv.sh``). Without a reference
interpreter only our column is measured.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
WORKER = os.path.join(BENCH_DIR, "codec_worker.py")
ROW_NUMBERS = (1, 2, 3, 4, 5, 6)


def default_ref_python():
    path = os.environ.get("CYPROTON_REF_PYTHON") or os.path.join(REPO_ROOT, ".venv-ref", "bin", "python")
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


def resolve_python(python):
    """Absolute path of an interpreter given as a path or a command name, or None if absent.

    Not ``realpath``: a venv's ``bin/python`` is a symlink whose target would lose the venv.
    """
    if not python:
        return None
    path = os.path.abspath(python) if os.sep in python else shutil.which(python)
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


class WorkerError(RuntimeError):
    pass


def run_worker(python, row, seconds, isolated):
    """One worker result (dict) for ``row`` under ``python``.

    ``isolated`` runs it with ``-E -s``: the reference must not see a PYTHONPATH meant for our
    source tree, since both provide ``proton``.
    """
    cmd = [python] + (["-E", "-s"] if isolated else []) + [WORKER, "--row", str(row), "--seconds", str(seconds)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120 + 20 * seconds)
    if proc.returncode != 0:
        raise WorkerError("%s exited %d:\n%s" % (" ".join(cmd), proc.returncode, proc.stderr.strip()[-2000:]))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _median(samples):
    return statistics.median(samples) if samples else None


def _fmt_ns(value):
    return "%12s" % ("-" if value is None else "{:,.0f}".format(value))


def render_table(rows, ours_label, ref_label):
    header = "%-36s %12s %12s %8s" % ("row", "cyproton", "qpid-proton", "ratio")
    lines = ["ns/op, median of rounds; ratio = python-qpid-proton / cyproton (higher: cyproton faster)",
             "cyproton column:    " + ours_label,
             "qpid-proton column: " + ref_label,
             "", header, "-" * len(header)]
    for row in rows:
        ratio = "%7.2fx" % row["ratio"] if row["ratio"] else "%8s" % "-"
        lines.append("%-36s %s %s %s" % ("%d. %s" % (row["row"], row["name"]), _fmt_ns(row["ours_median"]),
                                         _fmt_ns(row["ref_median"]), ratio))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per row (default 5)")
    parser.add_argument("--seconds", type=float, default=0.3, help="timed seconds per row per round (default 0.3)")
    parser.add_argument("--rows", default=",".join(map(str, ROW_NUMBERS)), help="comma-separated row numbers")
    parser.add_argument("--ours-python", default=sys.executable, help="interpreter that imports cyproton")
    parser.add_argument("--ref-python", default=default_ref_python(),
                        help="interpreter of the python-qpid-proton venv (default .venv-ref)")
    parser.add_argument("--json-out", help="results file (default bench/results/codec-<timestamp>.json)")
    args = parser.parse_args(argv)
    row_numbers = [int(r) for r in args.rows.split(",") if r.strip()]
    if not set(row_numbers) <= set(ROW_NUMBERS):
        parser.error("rows are numbered %s" % ", ".join(map(str, ROW_NUMBERS)))

    ours_python = resolve_python(args.ours_python)
    if ours_python is None:
        parser.error("--ours-python %s: no such interpreter" % args.ours_python)
    ref_python = resolve_python(args.ref_python)
    if ref_python is None:
        print("python-qpid-proton interpreter not found (run scripts/make_ref_venv.sh or pass --ref-python): "
              "measuring cyproton only", file=sys.stderr)
    sides = [("ours", ours_python, False)] + ([("ref", ref_python, True)] if ref_python else [])

    samples = {(side, row): [] for side, _, _ in sides for row in row_numbers}
    info = {}
    failed = {}
    for round_number in range(1, args.rounds + 1):
        print("round %d/%d" % (round_number, args.rounds), file=sys.stderr, flush=True)
        for row in row_numbers:
            for side, python, isolated in sides:
                if side in failed:
                    continue
                try:
                    result = run_worker(python, row, args.seconds, isolated)
                except (WorkerError, subprocess.TimeoutExpired) as exc:
                    failed[side] = str(exc)
                    print("%s side failed, dropping its column: %s" % (side, exc), file=sys.stderr)
                    continue
                samples[(side, row)].append(result["ns_per_op"])
                info[(side, row)] = result

    rows = []
    for row in row_numbers:
        ours = _median(samples.get(("ours", row), []))
        ref = _median(samples.get(("ref", row), []))
        any_result = info.get(("ours", row)) or info.get(("ref", row)) or {}
        rows.append({
            "row": row,
            "name": any_result.get("name", "?"),
            "ours_median": ours,
            "ref_median": ref,
            "ratio": ref / ours if ours and ref else None,
            "ours_ns": samples.get(("ours", row), []),
            "ref_ns": samples.get(("ref", row), []),
            "encoded_size": {side: info[(side, row)]["encoded_size"] for side, _, _ in sides if (side, row) in info},
        })

    def label(side, python):
        if side in failed:
            return "%s (failed)" % python
        found = next((info[key] for key in info if key[0] == side), None)
        return "%s (%s)" % (python, found["impl"]) if found else "not measured"

    ours_label = label("ours", ours_python)
    ref_label = label("ref", ref_python) if ref_python else "not measured (no reference interpreter)"
    print(render_table(rows, ours_label, ref_label))

    json_out = args.json_out or os.path.join(BENCH_DIR, "results", "codec-%s.json" % time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(os.path.dirname(os.path.abspath(json_out)), exist_ok=True)
    report = {
        "benchmark": "codec",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "rounds": args.rounds,
        "seconds": args.seconds,
        "machine": {"platform": platform.platform(), "processor": platform.processor(),
                    "cpus": os.cpu_count(), "driver_python": platform.python_version()},
        "ours": {"python": ours_python, "label": ours_label, "error": failed.get("ours")},
        "ref": {"python": ref_python, "label": ref_label, "error": failed.get("ref")},
        "rows": rows,
    }
    with open(json_out, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    print("\nresults: %s" % os.path.abspath(json_out))
    return 1 if "ours" in failed else 0


if __name__ == "__main__":
    sys.exit(main())
