#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# node.sh DIR N COMMAND: one node of the cluster that start_cluster.sh DIR made (N = 1, 2 or 3).
#
#   start    boot the node (its data directory is kept: a node that was killed rejoins the cluster with what it
#            had) and wait until its AMQP 1.0 listener answers; a node already running is left alone
#   kill     SIGKILL its beam.smp (no AMQP close, no TCP FIN from the broker: the kernel resets the sockets)
#   pause    SIGSTOP its beam.smp: its sockets stay open but nothing answers (heartbeats stop)
#   resume   SIGCONT after pause
#   stop     clean shutdown (SIGTERM), then stop the wrapper, by PID
#   pid      print the beam.smp PID (empty when it is not running)
#   env      print the file to source for rabbitmqctl on this node (`. $(node.sh DIR 1 env); ctl cluster_status`)
#
# Every process is handled by the PID in DIR/nodeN/pids; nothing is found by name.
set -euo pipefail
. "$(dirname "$0")/../peers/_common.sh"

DIR="${1:?usage: node.sh DIR N start|kill|pause|resume|stop|pid|env}"
N="${2:?usage: node.sh DIR N COMMAND}"
CMD="${3:?usage: node.sh DIR N COMMAND}"
[ -f "$DIR/cluster.env" ] || fail "$DIR/cluster.env not found: start the cluster with start_cluster.sh $DIR"
. "$DIR/cluster.env"
eval "PORT=\${PORT_$N:?no node $N in $DIR/cluster.env}; DIST_PORT=\$DIST_PORT_$N; NODE=\$NODE_$N"
NODE_DIR="$DIR/node$N"
RMQ_HOME=$(ls -d /usr/lib/rabbitmq/lib/rabbitmq_server-* 2>/dev/null | sort -V | tail -1)

beam_pid() {   # the running beam.smp of this node, or nothing
    local pid=""
    [ -f "$NODE_DIR/pids" ] && . "$NODE_DIR/pids" && pid="${BEAM_PID:-}"
    [ -n "$pid" ] && alive "$pid" && echo "$pid"
    return 0
}

write_config() {   # once per node: configuration, environment, the cluster's cookie
    mkdir -p "$NODE_DIR/mnesia" "$NODE_DIR/log"
    [ -f "$NODE_DIR/env.sh" ] && return 0
    printf %s "$COOKIE" > "$NODE_DIR/.erlang.cookie"
    chmod 400 "$NODE_DIR/.erlang.cookie"
    # Classic Erlang-term configuration rather than rabbitmq.conf: a node then skips translating the new-style
    # file through every plugin's schema at each boot, which is seconds of CPU (and nodes boot many times here).
    cat > "$NODE_DIR/rabbitmq.config" <<EOF
[
 {rabbit, [{tcp_listeners, [{"127.0.0.1", $PORT}]},
           {loopback_users, []},
           {vm_memory_high_watermark, {absolute, 1073741824}},
           {disk_free_limit, 50000000},
           {log, [{file, [{level, info}]}, {console, [{enabled, false}]}]}]},
 {rabbitmq_amqp1_0, [{default_user, "guest"}, {default_vhost, <<"/">>}]}
].
EOF
    echo "[rabbitmq_amqp1_0]." > "$NODE_DIR/enabled_plugins"
    cat > "$NODE_DIR/env.sh" <<EOF
export HOME=$NODE_DIR
export RABBITMQ_HOME=$RMQ_HOME
export RABBITMQ_NODENAME=$NODE
export RABBITMQ_CONFIG_FILE=$NODE_DIR/rabbitmq.config
export RABBITMQ_ENABLED_PLUGINS_FILE=$NODE_DIR/enabled_plugins
export RABBITMQ_MNESIA_BASE=$NODE_DIR/mnesia
export RABBITMQ_LOG_BASE=$NODE_DIR/log
export RABBITMQ_PID_FILE=$NODE_DIR/beam.pid
export RABBITMQ_DIST_PORT=$DIST_PORT
export ERL_EPMD_ADDRESS=127.0.0.1
export ERL_EPMD_PORT=$EPMD_PORT
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
ctl() { /usr/lib/rabbitmq/bin/rabbitmqctl -n $NODE "\$@"; }
EOF
}

# Ready when the AMQP port answers an AMQP 1.0 SASL protocol header with one (the 1.0 plugin is up; the listeners
# are the last thing a node starts).
amqp10_ready() {
    local reply
    reply=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT && printf 'AMQP\\003\\001\\000\\000' >&3 &&
                               head -c 8 <&3 | od -An -tx1" 2>/dev/null | tr -d ' \n') || return 1
    [ "$reply" = "414d515003010000" ]
}

wait_dead() {   # wait_dead PID: until it is gone (at most 10 s)
    for _ in $(seq 1 100); do alive "$1" || return 0; sleep 0.1; done
    return 1
}

case "$CMD" in
start)
    [ -n "$RMQ_HOME" ] || skip "rabbitmq-server is not installed (Debian package rabbitmq-server)"
    running=$(beam_pid)
    if [ -n "$running" ]; then echo "$SCRIPT: node $N ($NODE) already running, beam.smp PID $running"; exit 0; fi
    port_free "$PORT" || fail "node $N: port 127.0.0.1:$PORT is in use"
    write_config
    t0=$(now)
    rm -f "$NODE_DIR/beam.pid"
    (
        . "$NODE_DIR/env.sh"
        # the server script itself, as root (the /usr/sbin wrapper would `su rabbitmq`)
        exec /usr/lib/rabbitmq/bin/rabbitmq-server >>"$NODE_DIR/log/stdout.log" 2>&1
    ) &
    WRAPPER_PID=$!
    echo "WRAPPER_PID=$WRAPPER_PID BEAM_PID=" > "$NODE_DIR/pids"
    BEAM_PID=""
    for _ in $(seq 1 1200); do
        if [ -z "$BEAM_PID" ] && [ -s "$NODE_DIR/beam.pid" ]; then
            BEAM_PID=$(cat "$NODE_DIR/beam.pid")
            echo "WRAPPER_PID=$WRAPPER_PID BEAM_PID=$BEAM_PID" > "$NODE_DIR/pids"
        fi
        if ! alive "$WRAPPER_PID"; then
            tail -5 "$NODE_DIR/log/stdout.log" >&2 || true
            fail "node $N: rabbitmq-server exited; logs in $NODE_DIR/log"
        fi
        if [ -n "$BEAM_PID" ] && amqp10_ready; then
            echo "$SCRIPT: node $N ($NODE) up in $(elapsed "$t0") s: amqp://127.0.0.1:$PORT, beam.smp PID $BEAM_PID"
            exit 0
        fi
        sleep 0.1
    done
    fail "node $N: no AMQP 1.0 listener on 127.0.0.1:$PORT after 120 s; logs in $NODE_DIR/log"
    ;;
kill|pause|resume)
    pid=$(beam_pid)
    [ -n "$pid" ] || fail "node $N is not running"
    case "$CMD" in
    kill)
        kill -KILL "$pid"
        wait_dead "$pid" || fail "node $N: beam.smp PID $pid survived SIGKILL"
        . "$NODE_DIR/pids"
        wait_dead "$WRAPPER_PID" || stop_pid "$WRAPPER_PID" rabbitmq-server
        rm -f "$NODE_DIR/beam.pid"
        echo "$SCRIPT: node $N: killed beam.smp PID $pid"
        ;;
    pause) kill -STOP "$pid" && echo "$SCRIPT: node $N: paused beam.smp PID $pid" ;;
    resume) kill -CONT "$pid" && echo "$SCRIPT: node $N: resumed beam.smp PID $pid" ;;
    esac
    ;;
stop)
    [ -f "$NODE_DIR/pids" ] || exit 0
    . "$NODE_DIR/pids"
    [ -n "${BEAM_PID:-}" ] && alive "$BEAM_PID" && kill -CONT "$BEAM_PID" 2>/dev/null   # a paused node cannot stop
    if [ "${FAST:-0}" = 1 ] && [ -n "${BEAM_PID:-}" ] && alive "$BEAM_PID"; then
        kill -KILL "$BEAM_PID" && wait_dead "$BEAM_PID"
    fi
    stop_pid "${BEAM_PID:-}" "beam.smp (node $N)"
    stop_pid "${WRAPPER_PID:-}" "rabbitmq-server (node $N)"
    rm -f "$NODE_DIR/pids" "$NODE_DIR/beam.pid"
    ;;
pid) beam_pid ;;
env) echo "$NODE_DIR/env.sh" ;;
*) fail "unknown command $CMD (start|kill|pause|resume|stop|pid|env)" ;;
esac
