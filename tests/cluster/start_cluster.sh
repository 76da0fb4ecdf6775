#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# start_cluster.sh DIR: a 3-node RabbitMQ 3.10 cluster (Debian package rabbitmq-server, with the rabbitmq_amqp1_0
# plugin) on loopback, as plain background processes: no systemd, all state under DIR.
#
# Each node has its own name (cyproton-cN-PORT@localhost), AMQP port, Erlang distribution port and data directory;
# they share one Erlang cookie and one epmd of our own. Nodes 2 and 3 are joined to node 1 with rabbitmqctl.
# Users: guest/guest (SASL ANONYMOUS logs in as guest). AMQP 1.0 addresses a quorum queue Q as /amq/queue/Q.
#
# Env:   CLUSTER_PORTS    "P1 P2 P3" AMQP ports              default: free ports picked here
#        CLUSTER_EPMD_PORT                                   default: a free port
#        CLUSTER_QUEUES   "q1 q2 ..." quorum queues to declare once the cluster is formed (declare_queues.py)
#        PYTHON           interpreter with pika, for CLUSTER_QUEUES     default: the repository's .venv/bin/python
#
# Writes DIR/cluster.env (ports, node names; `. DIR/cluster.env; echo $URLS`), DIR/nodeN/ (one per node) and
# DIR/epmd.pid. Control single nodes with node.sh DIR N start|kill|pause|resume|stop. Stop everything with
# stop_cluster.sh DIR. Exit status 77 (skip) if rabbitmq-server or its AMQP 1.0 plugin is not installed.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../peers/_common.sh"

DIR="${1:?usage: start_cluster.sh DIR}"
need_pkg rabbitmq-server
RMQ_HOME=$(ls -d /usr/lib/rabbitmq/lib/rabbitmq_server-* 2>/dev/null | sort -V | tail -1)
[ -n "$RMQ_HOME" ] || skip "rabbitmq-server is installed but /usr/lib/rabbitmq/lib/rabbitmq_server-* is missing"
ls -d "$RMQ_HOME"/plugins/rabbitmq_amqp1_0-* >/dev/null 2>&1 || skip "the rabbitmq_amqp1_0 plugin is missing"
need_cmd python3 python3
EPMD_BIN=$(command -v epmd || ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | tail -1)
[ -n "$EPMD_BIN" ] || skip "epmd not found (Debian package erlang-base)"

if [ -f "$DIR/cluster.env" ]; then
    . "$DIR/cluster.env"
    if [ -f "$DIR/epmd.pid" ] && alive "$(cat "$DIR/epmd.pid")"; then
        echo "$SCRIPT: a cluster is already running in $DIR (stop_cluster.sh $DIR first)"; exit 0
    fi
fi

free_ports() {   # free_ports COUNT: COUNT distinct TCP ports nothing listens on now
    python3 - "$1" <<'EOF'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
EOF
}

t0=$(now)
rm -rf "${DIR:?}/node1" "$DIR/node2" "$DIR/node3"
mkdir -p "$DIR"
read -r -a picked <<< "$(free_ports 7)"
read -r -a ports <<< "${CLUSTER_PORTS:-${picked[0]} ${picked[1]} ${picked[2]}}"
[ ${#ports[@]} -eq 3 ] || fail "CLUSTER_PORTS must name 3 ports, not '${CLUSTER_PORTS:-}'"
EPMD_PORT="${CLUSTER_EPMD_PORT:-${picked[3]}}"
for p in "${ports[@]}" "$EPMD_PORT"; do port_free "$p" || fail "port 127.0.0.1:$p is in use"; done
{
    echo "EPMD_PORT=$EPMD_PORT"
    echo "COOKIE=$(python3 -c 'import secrets; print(secrets.token_hex(16).upper())')"
    echo "NODE_COUNT=3"
    urls=""
    for n in 1 2 3; do
        port=${ports[$((n - 1))]}
        echo "PORT_$n=$port"
        echo "DIST_PORT_$n=${picked[$((n + 3))]}"
        echo "NODE_$n=cyproton-c$n-$port@localhost"
        urls="$urls amqp://127.0.0.1:$port"
    done
    echo "URLS=\"${urls# }\""
} > "$DIR/cluster.env"
. "$DIR/cluster.env"

give_up() {   # stop what we started (by PID), fail
    "$HERE/stop_cluster.sh" "$DIR" >&2 || true
    fail "$1"
}

# Our own epmd in the foreground, so it has a PID to stop (rabbitmq-server would start `epmd -daemon`).
"$EPMD_BIN" -port "$EPMD_PORT" -address 127.0.0.1 >"$DIR/epmd.log" 2>&1 &
echo $! > "$DIR/epmd.pid"

# The three nodes boot at the same time, each as a cluster of one.
pids=()
for n in 1 2 3; do
    "$HERE/node.sh" "$DIR" "$n" start > "$DIR/start-node$n.log" 2>&1 &
    pids+=($!)
done
for n in 1 2 3; do
    wait "${pids[$((n - 1))]}" || { cat "$DIR/start-node$n.log" >&2; give_up "node $n did not start"; }
done

# Nodes 2 and 3 join node 1, one after the other (join_cluster resets the joining node).
for n in 2 3; do
    (
        . "$DIR/node$n/env.sh"
        ctl -q stop_app && ctl -q join_cluster "$NODE_1" && ctl -q start_app
    ) > "$DIR/join-node$n.log" 2>&1 || { cat "$DIR/join-node$n.log" >&2; give_up "node $n could not join $NODE_1"; }
done
# start_app starts the listeners again last: wait until they answer
for n in 2 3; do
    "$HERE/node.sh" "$DIR" "$n" start >/dev/null || give_up "node $n did not come back after joining"
done
members=$(. "$DIR/node1/env.sh"; ctl -q eval 'length(rabbit_nodes:all_running()).' 2>/dev/null | tr -d '\r\n ')
[ "$members" = 3 ] || give_up "the cluster has $members running nodes, not 3"

if [ -n "${CLUSTER_QUEUES:-}" ]; then
    PY="${PYTHON:-$REPO_ROOT/.venv/bin/python}"
    # shellcheck disable=SC2086
    "$PY" "$HERE/declare_queues.py" --url "amqp://guest:guest@127.0.0.1:$PORT_1" $CLUSTER_QUEUES ||
        give_up "could not declare the quorum queues $CLUSTER_QUEUES"
fi

echo "$SCRIPT: RabbitMQ $(basename "$RMQ_HOME" | sed 's/rabbitmq_server-//') cluster of 3 up in $(elapsed "$t0") s"
for n in 1 2 3; do
    eval "echo \"  node $n: \$NODE_$n  amqp://127.0.0.1:\$PORT_$n  beam.smp PID $("$HERE/node.sh" "$DIR" "$n" pid)\""
done
echo "  epmd 127.0.0.1:$EPMD_PORT PID $(cat "$DIR/epmd.pid"); users guest/guest (ANONYMOUS = guest)"
[ -n "${CLUSTER_QUEUES:-}" ] && echo "  quorum queues: $CLUSTER_QUEUES (AMQP 1.0 address /amq/queue/NAME)"
echo "  urls=[$(echo "$URLS" | sed 's/ /, /g')]"
echo "  rabbitmqctl: . $DIR/node1/env.sh; ctl cluster_status      stop: stop_cluster.sh $DIR"
