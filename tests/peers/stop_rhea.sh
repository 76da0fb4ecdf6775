#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# stop_rhea.sh DIR: stop the rhea broker that start_rhea.sh DIR started, by its PID (the npm cache stays).
set -uo pipefail
. "$(dirname "$0")/_common.sh"
DIR="${1:?usage: stop_rhea.sh DIR}"
[ -f "$DIR/rhea.pid" ] || { echo "$SCRIPT: nothing to stop (no $DIR/rhea.pid)"; exit 0; }
stop_pid "$(cat "$DIR/rhea.pid")" "rhea broker (node)"
rm -f "$DIR/rhea.pid"
exit 0
