#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# stop_cluster.sh DIR: stop what start_cluster.sh DIR started, by PID: the three nodes (in parallel; a paused node
# is resumed first), then our epmd. A clean shutdown takes a few seconds per node; CLUSTER_STOP_FAST=1 kills them
# (SIGKILL), for a throwaway cluster. Keeps DIR (logs); REMOVE_DIR=1 deletes it.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../peers/_common.sh"
DIR="${1:?usage: stop_cluster.sh DIR}"
[ -f "$DIR/cluster.env" ] || { echo "$SCRIPT: nothing to stop (no $DIR/cluster.env)"; exit 0; }
pids=()
for n in 1 2 3; do
    FAST="${CLUSTER_STOP_FAST:-0}" "$HERE/node.sh" "$DIR" "$n" stop &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
[ -f "$DIR/epmd.pid" ] && stop_pid "$(cat "$DIR/epmd.pid")" epmd
rm -f "$DIR/epmd.pid"
[ "${REMOVE_DIR:-0}" = 1 ] && rm -rf "${DIR:?}"
exit 0
