#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# stop_rabbitmq.sh DIR: stop what start_rabbitmq.sh DIR started, by PID: beam.smp (SIGTERM is a clean Erlang
# shutdown, about 4 s; RABBITMQ_STOP_FAST=1 sends SIGKILL, for a throwaway node), its sh wrapper, then our epmd.
# Keeps DIR (logs); REMOVE_DIR=1 deletes it.
set -uo pipefail
. "$(dirname "$0")/_common.sh"
DIR="${1:?usage: stop_rabbitmq.sh DIR}"
[ -f "$DIR/pids" ] || { echo "$SCRIPT: nothing to stop (no $DIR/pids)"; exit 0; }
. "$DIR/pids"
[ -z "${BEAM_PID:-}" ] && [ -s "$DIR/beam.pid" ] && BEAM_PID=$(cat "$DIR/beam.pid")
if [ "${RABBITMQ_STOP_FAST:-0}" = 1 ] && [ -n "${BEAM_PID:-}" ] && alive "$BEAM_PID"; then
    kill -KILL "$BEAM_PID" && echo "$SCRIPT: killed beam.smp PID $BEAM_PID"
    for _ in $(seq 1 50); do alive "$BEAM_PID" || break; sleep 0.1; done
fi
stop_pid "${BEAM_PID:-}" beam.smp
stop_pid "${WRAPPER_PID:-}" rabbitmq-server
stop_pid "${EPMD_PID:-}" epmd
rm -f "$DIR/pids"
[ "${REMOVE_DIR:-0}" = 1 ] && rm -rf "${DIR:?}"
exit 0
