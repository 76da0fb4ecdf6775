#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# bench_wheel.sh [WHEEL] [bench/run.py options]: `make bench` with cyproton installed from a wheel
# (into build/bench-wheel-venv, a venv of .venv's interpreter) instead of the source build, so a
# distributed wheel's speed can be compared with the development build's (`make bench-wheel`).
# Default WHEEL: the newest wheel in dist/ for that interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
VPY="${VPY:-.venv/bin/python}"
wheel="${1:-}"
[ $# -gt 0 ] && shift
tag=$("$VPY" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
if [ -z "$wheel" ]; then
    wheel=$(ls -t dist/cyproton-*-"$tag"-*manylinux*.whl 2>/dev/null | head -1)
    [ -n "$wheel" ] || { echo "bench_wheel: no $tag wheel in dist/ (make wheel)" >&2; exit 2; }
fi
venv=build/bench-wheel-venv
rm -rf "$venv"
"$("$VPY" -c 'import sys; print(sys._base_executable)')" -m venv "$venv"
"$venv/bin/pip" install -q --no-index --disable-pip-version-check "$wheel"
echo "bench_wheel: cyproton from $wheel"
exec env -u PYTHONPATH "$VPY" bench/run.py --ours-python "$venv/bin/python" "$@"  # no source tree on the path
