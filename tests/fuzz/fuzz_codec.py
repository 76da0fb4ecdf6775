# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Fuzz the codec contract (tests/fuzz/codec_contract.py) on arbitrary bytes.

Coverage-guided with atheris (libFuzzer) when it is installed::

    python tests/fuzz/fuzz_codec.py [libFuzzer options] CORPUS_DIR [SEED_DIR ...]

e.g. ``-max_total_time=60 -max_len=512``. Against the regular build libFuzzer sees the coverage
of the Python harness only; ``make fuzz-codec`` builds the extension with clang's
``-fsanitize=fuzzer-no-link`` (build/fuzz/lib), so that every branch of the compiled codec and
the engine guides the mutations, and preloads atheris' libFuzzer for it. A contract break stops
the run, and libFuzzer writes the input to ``crash-<sha1>`` (``-artifact_prefix=`` chooses where).

Without atheris (``--fallback``, or when it cannot be imported), a deterministic mutation fuzzer
runs instead: the corpus files, then mutations of them (bit flips, byte and length-field
overwrites, truncation, splices, repeated slices), from a fixed seed::

    python tests/fuzz/fuzz_codec.py --fallback --runs 20000 --seed 1 CORPUS_DIR

It prints what it ran and exits 1 on the first break, writing the input to ``crash-<sha1>``.
"""

from __future__ import annotations

import hashlib
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)


def corpus_inputs(dirs):
    """The bytes of every file in ``dirs``, in name order."""
    for directory in dirs:
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    yield f.read()


# Values that make interesting fields: lengths and counts at their edges, format codes.
_EDGE_BYTES = (0x00, 0x01, 0x40, 0x45, 0x53, 0x7F, 0x80, 0xA0, 0xA1, 0xA3, 0xB1, 0xC0, 0xC1, 0xD0, 0xD1, 0xE0,
               0xF0, 0xFE, 0xFF)
_EDGE_WORDS = (b"\x00\x00\x00\x00", b"\x00\x00\x00\x01", b"\x7f\xff\xff\xff", b"\xff\xff\xff\xff",
               b"\x00\x01\x00\x00")


def mutate(data, rng, pool):
    """One mutation of ``data`` (bytes), possibly spliced with another corpus entry from ``pool``."""
    buf = bytearray(data or b"\x40")
    for _ in range(rng.choice((1, 1, 2, 3, 5))):
        kind = rng.randrange(8)
        pos = rng.randrange(len(buf)) if buf else 0
        if kind == 0 and buf:
            buf[pos] ^= 1 << rng.randrange(8)
        elif kind == 1 and buf:
            buf[pos] = rng.choice(_EDGE_BYTES)
        elif kind == 2 and len(buf) >= 4:
            pos = rng.randrange(len(buf) - 3)
            buf[pos:pos + 4] = rng.choice(_EDGE_WORDS)
        elif kind == 3 and len(buf) > 1:
            del buf[rng.randrange(1, len(buf)):]
        elif kind == 4:
            other = rng.choice(pool)
            start = rng.randrange(len(other) + 1)
            buf[pos:pos] = other[start:start + rng.randrange(1, 64)]
        elif kind == 5 and buf:
            end = min(len(buf), pos + rng.randrange(1, 16))
            buf[pos:pos] = buf[pos:end] * rng.randrange(1, 4)
        elif kind == 6 and buf:
            del buf[pos:pos + rng.randrange(1, 8)]
        else:
            buf.insert(pos, rng.randrange(256))
    return bytes(buf[:4096])


def write_crash(data, prefix=""):
    path = "%scrash-%s" % (prefix, hashlib.sha1(data).hexdigest())
    with open(path, "wb") as f:
        f.write(data)
    return path


def run_fallback(dirs, runs, seed, seconds=None, prefix=""):
    """The deterministic fuzzer: returns (inputs run, seconds taken); raises ContractBreak."""
    from codec_contract import ContractBreak, check

    pool = [data for data in corpus_inputs(dirs) if data] or [b"\x00\x53\x77\xa1\x01x"]
    rng = random.Random(seed)
    started = time.monotonic()
    done = 0
    inputs = iter(pool)
    while done < runs:
        if seconds is not None and time.monotonic() - started > seconds:
            break
        data = next(inputs, None)
        if data is None:
            data = mutate(rng.choice(pool), rng, pool)
        try:
            check(data)
        except ContractBreak:
            write_crash(data, prefix)
            raise
        done += 1
    return done, time.monotonic() - started


def main(argv):
    args = list(argv[1:])
    fallback = "--fallback" in args
    if not fallback:
        try:
            import atheris
        except ImportError:
            print("fuzz_codec: atheris is not installed; running the deterministic fallback", file=sys.stderr)
            fallback = True
    if fallback:
        args = [a for a in args if a != "--fallback"]
        runs, seed, seconds, prefix = 20000, 1, None, ""
        dirs = []
        while args:
            arg = args.pop(0)
            if arg == "--runs":
                runs = int(args.pop(0))
            elif arg == "--seed":
                seed = int(args.pop(0))
            elif arg.startswith("-max_total_time="):
                seconds = float(arg.split("=", 1)[1])
            elif arg.startswith("-artifact_prefix="):
                prefix = arg.split("=", 1)[1]
            elif not arg.startswith("-"):
                dirs.append(arg)
        from codec_contract import ContractBreak
        try:
            done, took = run_fallback(dirs, runs, seed, seconds, prefix)
        except ContractBreak as exc:
            print("fuzz_codec: CONTRACT BREAK: %s" % exc)
            return 1
        print("fuzz_codec: deterministic fallback: %d inputs in %.1f s, 0 breaks" % (done, took))
        return 0

    with atheris.instrument_imports():
        import codec_contract
    atheris.Setup([argv[0]] + args, codec_contract.check, internal_libfuzzer=True)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
