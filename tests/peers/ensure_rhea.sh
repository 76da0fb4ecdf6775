#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# ensure_rhea.sh: make sure the npm package rhea (3.x) is installed in the cache dir (RHEA_NPM_DIR, default
# build/npm-rhea in the repository), installing it with npm the first time. Prints the node_modules directory
# to use as NODE_PATH. Exit 77 (skip) if node or npm is missing, or rhea cannot be installed (no registry).
set -euo pipefail
. "$(dirname "$0")/_common.sh"
NPM_DIR="${RHEA_NPM_DIR:-$REPO_ROOT/build/npm-rhea}"
need_cmd node nodejs
if [ ! -f "$NPM_DIR/node_modules/rhea/package.json" ]; then
    need_cmd npm npm
    mkdir -p "$NPM_DIR"
    echo "$SCRIPT: installing rhea@3 into $NPM_DIR" >&2
    (cd "$NPM_DIR" && npm install --no-audit --no-fund --no-save --loglevel=error rhea@3 >&2) ||
        skip "npm could not install rhea@3 into $NPM_DIR (is the npm registry reachable?)"
fi
echo "$NPM_DIR/node_modules"
