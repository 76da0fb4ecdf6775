#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# Development build: compile the extension and put it into src/proton (PYTHONPATH=src).
# The new module replaces the old one by rename, so processes that already loaded the old
# file keep running on it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" setup.py -q build_ext -b build/devlib "$@"
so=$(ls build/devlib/proton/_cproton*.so)
tmp="src/proton/.$(basename "$so").new"
cp "$so" "$tmp"
mv -f "$tmp" "src/proton/$(basename "$so")"
echo "dev build: src/proton/$(basename "$so")"
