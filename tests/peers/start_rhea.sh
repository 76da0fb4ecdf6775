#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# start_rhea.sh DIR: the rhea mini broker (rhea_broker.js), an AMQP 1.0 server that is not proton, on node.
# Env: RHEA_PORT (5830)  RHEA_HOST (127.0.0.1, or ::1)  RHEA_ANON=1 (allow ANONYMOUS besides PLAIN alice)
#      CERTS_DIR (amqps, certificates from make_certs.sh)  RHEA_REQUIRE_CLIENT_CERT=1
#      RHEA_NPM_DIR  where the rhea package is installed (default: build/npm-rhea in the repository); the
#                    first run installs it there with `npm install rhea@3`
# Writes DIR/rhea.pid and DIR/rhea.log. Stop with stop_rhea.sh DIR.
# Exit 77 (skip) if node/npm are not installed or rhea cannot be installed.
#
# rhea_client.js (beside this script) is the client side; run it with the same NODE_PATH: see ensure_rhea.
set -euo pipefail
. "$(dirname "$0")/_common.sh"
DIR="${1:?usage: start_rhea.sh DIR}"
PORT="${RHEA_PORT:-5830}"
HOST="${RHEA_HOST:-127.0.0.1}"
case "$HOST" in 127.0.0.1|::1|localhost) ;; *) fail "RHEA_HOST must be a loopback address";; esac

NPM_DIR=$("$PEERS_DIR/ensure_rhea.sh")   # prints the node_modules dir, or exits 77
if [ -f "$DIR/rhea.pid" ] && alive "$(cat "$DIR/rhea.pid")"; then
    echo "$SCRIPT: already running, PID $(cat "$DIR/rhea.pid")"; exit 0
fi
port_free "$PORT" "$HOST" || fail "port $HOST:$PORT is in use"

t0=$(now)
mkdir -p "$DIR"
rm -f "$DIR/rhea.log"
NODE_PATH="$NPM_DIR" RHEA_HOST="$HOST" RHEA_PORT="$PORT" node "$PEERS_DIR/rhea_broker.js" >"$DIR/rhea.log" 2>&1 &
PID=$!
echo "$PID" > "$DIR/rhea.pid"
for _ in $(seq 1 100); do
    grep -q LISTENING "$DIR/rhea.log" && break
    alive "$PID" || { cat "$DIR/rhea.log" >&2; rm -f "$DIR/rhea.pid"; fail "rhea_broker.js exited"; }
    sleep 0.1
done
grep -q LISTENING "$DIR/rhea.log" || { "$PEERS_DIR/stop_rhea.sh" "$DIR" >&2; fail "rhea_broker.js did not start"; }
scheme=amqp; [ -n "${CERTS_DIR:-}" ] && scheme=amqps
echo "$SCRIPT: started rhea $(node -p "require('$NPM_DIR/rhea/package.json').version") broker PID $PID on" \
     "$scheme://$HOST:$PORT in $(elapsed "$t0") s (SASL PLAIN alice/alice-secret$([ "${RHEA_ANON:-0}" = 1 ] &&
     echo ", ANONYMOUS"))"
