#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# Create the reference venv used by the side-by-side tests and benchmarks: python-qpid-proton
# 0.40.0 built from its source release with Cyrus SASL and OpenSSL. It must live in a venv of
# its own, because it and cyproton both install the import name `proton`.
#
#   scripts/make_ref_venv.sh            -> <repo>/.venv-ref
#   REF_VENV=/tmp/ref scripts/make_ref_venv.sh
#   PYTHON=python3.12 scripts/make_ref_venv.sh
#
# Idempotent: when the venv carries our marker file and the reference still reports SASL and SSL
# support, nothing is done. Needs (Debian 12): python3-venv, build-essential, python3-dev,
# pkg-config, libsasl2-dev, libssl-dev; and PyPI, for python-qpid-proton and cffi.
set -euo pipefail

REF_VERSION=0.40.0
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${REF_VENV:-.venv-ref}
case "$venv" in
    /*) ;;
    *) venv="$repo_root/$venv" ;;
esac
python=${PYTHON:-python3}
marker="$venv/.cyproton-ref-ok"

die() {
    echo "make_ref_venv: error: $*" >&2
    exit 1
}

# Prints the two capability flags; exits non-zero unless both are on.
check_features() {
    # -I: neither PYTHONPATH nor the current folder may put our own src/proton in its place
    "$venv/bin/python" -I - <<'PY'
import sys
import proton
sasl = bool(proton.SASL.extended())
ssl = bool(proton.SSL.present())
print("proton %s: SASL.extended()=%s SSL.present()=%s" % (".".join(map(str, proton.VERSION)), sasl, ssl))
sys.exit(0 if sasl and ssl else 1)
PY
}

# pytest and hypothesis let the behaviour tests run against the reference too (tests/test_reference_run.py);
# tornado drives a container from another event loop in tests/integration/test_foreign_loop.py.
test_tools() {
    "$venv/bin/python" -I -c 'import pytest, hypothesis, tornado' >/dev/null 2>&1 || \
        "$venv/bin/python" -m pip install -q "pytest>=7" "hypothesis>=6" tornado \
        || die "pip could not install pytest/hypothesis/tornado"
}

if [ -f "$marker" ] && [ -x "$venv/bin/python" ] && check_features >/dev/null 2>&1; then
    test_tools
    echo "make_ref_venv: $venv is ready (python-qpid-proton $REF_VERSION with SASL and SSL)"
    exit 0
fi
rm -f "$marker"

command -v "$python" >/dev/null 2>&1 || die "'$python' not found (Debian: apt-get install python3 python3-venv)"
command -v pkg-config >/dev/null 2>&1 || \
    die "pkg-config not found (Debian: apt-get install pkg-config libsasl2-dev libssl-dev)"
if ! pkg-config --exists libsasl2 openssl; then
    missing=""
    pkg-config --exists libsasl2 || missing="$missing libsasl2 (Debian package libsasl2-dev)"
    pkg-config --exists openssl || missing="$missing openssl (Debian package libssl-dev)"
    die "pkg-config cannot find:$missing. Install them with: apt-get install libsasl2-dev libssl-dev"
fi
command -v cc >/dev/null 2>&1 || die "no C compiler (Debian: apt-get install build-essential)"
"$python" -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' || \
    die "Python.h not found for $python (Debian: apt-get install python3-dev)"

# A venv left half-made (python3-venv was missing, say) has no pip: rebuild it in place.
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    echo "make_ref_venv: creating $venv"
    "$python" -m venv --clear "$venv" || die "'$python -m venv' failed (Debian: apt-get install python3-venv)"
fi

pip_install() {
    "$venv/bin/python" -m pip install --no-cache-dir --no-binary python-qpid-proton "$@" \
        "python-qpid-proton==$REF_VERSION" \
        || die "building python-qpid-proton failed (Debian: apt-get install build-essential python3-dev)"
}

echo "make_ref_venv: building python-qpid-proton==$REF_VERSION from source (about 30 s)"
pip_install
if ! check_features; then
    # an earlier build without the libraries is still installed: build it again against them
    echo "make_ref_venv: rebuilding python-qpid-proton now that SASL and SSL are available"
    pip_install --force-reinstall --no-deps
    check_features || die "python-qpid-proton in $venv still lacks Cyrus SASL or OpenSSL support"
fi
test_tools
echo "python-qpid-proton==$REF_VERSION" >"$marker"
echo "make_ref_venv: $venv is ready"
