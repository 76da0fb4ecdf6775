#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# test_wheel.sh [WHEEL]: the wheel tier (`make test-wheel`).
#
# Without WHEEL: builds the wheel for the bare root's Python (Debian 12: 3.11) from the sdist in
# dist/ with the network switched off (`unshare --net`, pip --no-index --no-build-isolation with
# .venv's setuptools and Cython), so the sdist is shown to build offline from what it carries;
# repairs it (scripts/repair_wheel.py) into build/wheelhouse/tested. Then runs tests/wheel against
# it (bare Debian 12 root, see tests/wheel/conftest.py).
# Env: VPY (the dev venv's python, default .venv/bin/python), WHEEL_TOOLS (auditwheel venv).
set -euo pipefail
cd "$(dirname "$0")/.."
VPY="${VPY:-.venv/bin/python}"
TOOLS="${WHEEL_TOOLS:-build/wheel-tools}"
wheel="${1:-}"

if [ -z "$wheel" ]; then
    sdist=$(ls -t dist/cyproton-*.tar.gz 2>/dev/null | head -1)
    [ -n "$sdist" ] || { echo "test_wheel: no sdist in dist/ (make sdist)" >&2; exit 2; }
    tag=$("$VPY" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
    [ "$tag" = cp311 ] || echo "test_wheel: note: $VPY is $tag, the bare root runs cp311" >&2
    raw=build/wheelhouse/from-sdist
    rm -rf "$raw" build/wheelhouse/tested
    mkdir -p "$raw"
    offline=(unshare --net --)
    if ! unshare --net -- true 2>/dev/null; then
        echo "test_wheel: cannot switch the network off here (unshare --net); building with pip --no-index only" >&2
        offline=()
    fi
    t0=$(date +%s)
    echo "test_wheel: building $tag from $sdist offline"
    env -u PROTON_CY_DEBUG -u PROTON_C_ARCHIVE -u PYTHONPATH CYPROTON_BUNDLE=1 PIP_NO_INDEX=1 "${offline[@]}" \
        nice "$VPY" -m pip wheel -q --no-deps --no-build-isolation -w "$raw" "$sdist"
    PATH="$PWD/$TOOLS/bin:$PATH" "$TOOLS/bin/python" scripts/repair_wheel.py "$raw"/cyproton-*.whl \
        build/wheelhouse/tested
    wheel=$(ls build/wheelhouse/tested/cyproton-*.whl)
    echo "test_wheel: built $wheel from the sdist in $(( $(date +%s) - t0 )) s"
fi
CYPROTON_TEST_WHEEL="$(realpath "$wheel")" exec "$VPY" -m pytest -q -p no:cacheprovider tests/wheel
