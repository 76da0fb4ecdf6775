# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The codec fuzz tier, bounded for ``make test`` (``make fuzz-codec`` is the long run).

- every input of the kept corpus (tests/fuzz/corpus/codec: seeds, and the inputs that broke the
  contract before it was fixed) holds the contract (codec_contract.py);
- a deterministic mutation run (fixed seed, 20,000 inputs: a few seconds);
- a short coverage-guided atheris run (``FUZZ_SECONDS``, default 20 s) in a child process, on the
  corpus. It uses the instrumented build that ``make fuzz-codec`` leaves in build/fuzz/site when
  there is one up to date with the sources (then every branch of the compiled codec and engine
  guides it), else the regular build (then libFuzzer sees only the harness's own coverage, and the
  run is closer to random mutation). Skipped when atheris is not installed.

A break fails the test with the input's bytes in the message (and, for the child run, the crash
file libFuzzer wrote).
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys

import pytest

import proton
from codec_contract import check
from fuzz_codec import corpus_inputs, run_fallback

pytestmark = pytest.mark.impl

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus", "codec")
FUZZ_SECONDS = int(os.environ.get("FUZZ_SECONDS", "20"))


def test_corpus_is_small():
    sizes = {name: os.path.getsize(os.path.join(CORPUS, name)) for name in os.listdir(CORPUS)}
    assert len(sizes) >= 10
    assert max(sizes.values()) <= 600, "corpus entries are kept to a few hundred bytes"


@pytest.mark.parametrize("name", sorted(os.listdir(CORPUS)))
def test_corpus_input_holds_the_contract(name):
    with open(os.path.join(CORPUS, name), "rb") as f:
        check(f.read())


def test_deterministic_mutation_run_finds_no_break():
    done, _ = run_fallback([CORPUS], runs=20000, seed=20260101)
    assert done == 20000


def _atheris_core():
    try:
        import atheris
    except ImportError:
        return None
    found = glob.glob(os.path.join(os.path.dirname(atheris.__file__), "core_with_libfuzzer*.so"))
    return found[0] if found else None


def _instrumented_site():
    """build/fuzz/site when ``make fuzz-codec`` left an instrumented build there that is up to date
    with the sources (module newer than every Cython file, Python files the same), else None."""
    import filecmp

    site = os.path.join(REPO, "build", "fuzz", "site")
    built = glob.glob(os.path.join(site, "proton", "_cproton*.so"))
    if not built:
        return None
    sources = glob.glob(os.path.join(REPO, "cython", "**", "*.p*"), recursive=True)
    if not sources or os.path.getmtime(built[0]) < max(os.path.getmtime(p) for p in sources):
        return None
    ours = os.path.join(REPO, "src", "proton")
    names = [n for n in os.listdir(ours) if n.endswith(".py")]
    _, mismatch, errors = filecmp.cmpfiles(ours, os.path.join(site, "proton"), names, shallow=False)
    return None if mismatch or errors else site


@pytest.mark.timeout(FUZZ_SECONDS + 120)
def test_bounded_coverage_guided_run_finds_no_break(tmp_path):
    core = _atheris_core()
    if core is None:
        pytest.skip("atheris is not installed (make's venv set-up installs it where it can)")
    instrumented = _instrumented_site()
    env = dict(os.environ)
    if instrumented is not None:
        env["PYTHONPATH"] = instrumented
        env["LD_PRELOAD"] = core             # the instrumented module needs libFuzzer's symbols at load
    else:
        env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(proton.__file__)))
    work = tmp_path / "corpus"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, os.path.join(HERE, "fuzz_codec.py"), "-max_total_time=%d" % FUZZ_SECONDS,
         "-max_len=1024", "-timeout=20", "-rss_limit_mb=2048", "-artifact_prefix=%s/" % tmp_path, str(work), CORPUS],
        env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=FUZZ_SECONDS + 100,
    )
    tail = "\n".join(done.stderr.splitlines()[-25:])
    crashes = sorted(p for p in os.listdir(tmp_path) if p.startswith(("crash-", "timeout-", "oom-")))
    detail = ""
    if crashes:
        with open(tmp_path / crashes[0], "rb") as f:
            detail = "input %s: %s" % (crashes[0], f.read().hex())
    assert done.returncode == 0 and not crashes, "fuzzer failed (%s)\n%s" % (detail, tail)
    runs = re.findall(r"Done (\d+) runs in (\d+) second", done.stderr)
    assert runs, tail
    print("atheris: %s runs in %s s, %s" % (runs[-1][0], runs[-1][1],
                                          "instrumented build" if "LD_PRELOAD" in env else "regular build"))
    assert list(corpus_inputs([str(work)])), "the fuzzer kept no input"
