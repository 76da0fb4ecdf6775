#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# start_rabbitmq.sh: RabbitMQ 3.10 (Debian package rabbitmq-server) with the rabbitmq_amqp1_0 plugin, as plain
# background processes: no systemd, no /var/lib/rabbitmq, all state in DIR, loopback only.
#
# Usage: start_rabbitmq.sh DIR
# Env:   RABBITMQ_PORT       AMQP port (0-9-1 and 1.0 share it)            default 5673
#        RABBITMQ_TLS_PORT   amqps port, only with CERTS_DIR                 default 5674
#        RABBITMQ_DIST_PORT  Erlang distribution port                        default RABBITMQ_PORT + 20000
#        RABBITMQ_EPMD_PORT  epmd port (our own epmd, unless one listens)   default 4369
#        CERTS_DIR           dir made by make_certs.sh: adds the amqps listener (client certificates verified
#                            when given) and SASL EXTERNAL (user = client certificate CN, "testclient")
#        RABBITMQ_IPV6=1     also listen on [::1]:RABBITMQ_PORT
# Users: guest/guest (SASL ANONYMOUS logs in as guest), alice/alice-secret (PLAIN), testclient (EXTERNAL).
# AMQP 1.0 addresses on 3.10: "/queue/NAME" (declares queue NAME), "/amq/queue/NAME" (an existing queue),
# "/exchange/X/KEY", "/topic/KEY"; see tests/interop/test_rabbitmq.py.
#
# Writes DIR/env.sh (source it, then `ctl list_queues` runs rabbitmqctl on this node) and DIR/pids.
# Prints the PIDs. Stop with stop_rabbitmq.sh DIR. Exit 77 (skip) if rabbitmq-server is not installed.
set -euo pipefail
. "$(dirname "$0")/_common.sh"

DIR="${1:?usage: start_rabbitmq.sh DIR}"
PORT="${RABBITMQ_PORT:-5673}"
TLS_PORT="${RABBITMQ_TLS_PORT:-5674}"
DIST_PORT="${RABBITMQ_DIST_PORT:-$((PORT + 20000))}"
EPMD_PORT="${RABBITMQ_EPMD_PORT:-4369}"
NODE="cyproton-$PORT@localhost"

need_pkg rabbitmq-server
RMQ_HOME=$(ls -d /usr/lib/rabbitmq/lib/rabbitmq_server-* 2>/dev/null | sort -V | tail -1)
[ -n "$RMQ_HOME" ] || skip "rabbitmq-server is installed but $RMQ_HOME is missing"
ls -d "$RMQ_HOME"/plugins/rabbitmq_amqp1_0-* >/dev/null 2>&1 || skip "the rabbitmq_amqp1_0 plugin is missing"
need_cmd python3 python3
EPMD_BIN=$(command -v epmd || ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | tail -1)
[ -n "$EPMD_BIN" ] || skip "epmd not found (Debian package erlang-base)"

if [ -f "$DIR/pids" ]; then
    . "$DIR/pids"
    if alive "${BEAM_PID:-0}"; then echo "$SCRIPT: already running, beam.smp PID $BEAM_PID"; exit 0; fi
fi
for p in "$PORT" "$DIST_PORT"; do port_free "$p" || fail "port 127.0.0.1:$p is in use"; done
[ -z "${CERTS_DIR:-}" ] || port_free "$TLS_PORT" || fail "port 127.0.0.1:$TLS_PORT is in use"

t0=$(now)
mkdir -p "$DIR"
rm -rf "${DIR:?}/mnesia" "$DIR/log" "$DIR/beam.pid"
mkdir -p "$DIR/mnesia" "$DIR/log"

# Users come from a definitions file read at boot: quicker than one rabbitmqctl call (~1 s each) per user.
# Password hashes as rabbit_password_hashing_sha256 expects: base64(salt + sha256(salt + password)).
python3 - "$DIR/definitions.json" "${CERTS_DIR:+testclient}" <<'EOF'
import base64, hashlib, json, os, sys
def user(name, password):
    salt = os.urandom(4)
    digest = base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()
    return {"name": name, "password_hash": digest, "hashing_algorithm": "rabbit_password_hashing_sha256",
            "tags": "administrator" if name == "guest" else ""}
users = [("guest", "guest"), ("alice", "alice-secret")]
if sys.argv[2]:
    users.append((sys.argv[2], os.urandom(12).hex()))   # EXTERNAL: the password is never used
perm = {"vhost": "/", "configure": ".*", "write": ".*", "read": ".*"}
json.dump({"users": [user(*u) for u in users], "vhosts": [{"name": "/"}],
           "permissions": [dict(perm, user=u) for u, _ in users]}, open(sys.argv[1], "w"), indent=1)
EOF

plugins="rabbitmq_amqp1_0"
{
    echo "listeners.tcp.1 = 127.0.0.1:$PORT"
    [ "${RABBITMQ_IPV6:-0}" = 1 ] && echo "listeners.tcp.2 = ::1:$PORT"
    echo "load_definitions = $DIR/definitions.json"
    echo "loopback_users = none"
    echo "amqp1_0.default_user = guest"
    echo "amqp1_0.default_vhost = /"
    echo "log.file.level = info"
    echo "log.console = false"
    echo "vm_memory_high_watermark.absolute = 1GiB"
    echo "disk_free_limit.absolute = 50MB"
    if [ -n "${CERTS_DIR:-}" ]; then
        plugins="$plugins,rabbitmq_auth_mechanism_ssl"
        echo "listeners.ssl.1 = 127.0.0.1:$TLS_PORT"
        echo "ssl_options.cacertfile = $CERTS_DIR/ca.crt"
        echo "ssl_options.certfile = $CERTS_DIR/server.crt"
        echo "ssl_options.keyfile = $CERTS_DIR/server.key"
        echo "ssl_options.verify = verify_peer"
        echo "ssl_options.fail_if_no_peer_cert = false"
        echo "auth_mechanisms.1 = PLAIN"
        echo "auth_mechanisms.2 = AMQPLAIN"
        echo "auth_mechanisms.3 = EXTERNAL"
        echo "ssl_cert_login_from = common_name"
    fi
} > "$DIR/rabbitmq.conf"
echo "[$plugins]." > "$DIR/enabled_plugins"

cat > "$DIR/env.sh" <<EOF
export HOME=$DIR
export RABBITMQ_HOME=$RMQ_HOME
export RABBITMQ_NODENAME=$NODE
export RABBITMQ_CONFIG_FILE=$DIR/rabbitmq.conf
export RABBITMQ_ENABLED_PLUGINS_FILE=$DIR/enabled_plugins
export RABBITMQ_MNESIA_BASE=$DIR/mnesia
export RABBITMQ_LOG_BASE=$DIR/log
export RABBITMQ_PID_FILE=$DIR/beam.pid
export RABBITMQ_DIST_PORT=$DIST_PORT
export ERL_EPMD_ADDRESS=127.0.0.1
export ERL_EPMD_PORT=$EPMD_PORT
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
ctl() { /usr/lib/rabbitmq/bin/rabbitmqctl -n $NODE "\$@"; }
EOF
. "$DIR/env.sh"

# Our own epmd in the foreground (rabbitmq-server would start `epmd -daemon`, which has no PID to stop).
EPMD_PID=""
if port_free "$EPMD_PORT"; then
    "$EPMD_BIN" -port "$EPMD_PORT" -address 127.0.0.1 >"$DIR/log/epmd.log" 2>&1 &
    EPMD_PID=$!
else
    echo "$SCRIPT: note: an epmd already listens on 127.0.0.1:$EPMD_PORT; using it (not ours to stop)"
fi

# Run the server script directly as root: the /usr/sbin wrapper would `su rabbitmq`.
/usr/lib/rabbitmq/bin/rabbitmq-server >"$DIR/log/stdout.log" 2>&1 &
WRAPPER_PID=$!
echo "WRAPPER_PID=$WRAPPER_PID EPMD_PID=$EPMD_PID BEAM_PID=" > "$DIR/pids"

give_up() {   # show the logs, stop what we started (by PID), fail
    echo "$SCRIPT: $1; logs in $DIR/log" >&2
    grep -h -m5 -E 'eaddrinuse|error|Error' "$DIR"/log/*.log >&2 || true
    tail -5 "$DIR/log/stdout.log" >&2 || true
    "$(dirname "$0")/stop_rabbitmq.sh" "$DIR" >&2 || true
    exit 1
}

# Ready when the AMQP port answers an AMQP 1.0 SASL protocol header with one (the 1.0 plugin is up).
amqp10_ready() {
    local reply
    reply=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT && printf 'AMQP\\003\\001\\000\\000' >&3 &&
                               head -c 8 <&3 | od -An -tx1" 2>/dev/null | tr -d ' \n') || return 1
    [ "$reply" = "414d515003010000" ]
}
for _ in $(seq 1 600); do
    [ -z "${BEAM_PID:-}" ] && [ -s "$DIR/beam.pid" ] && BEAM_PID=$(cat "$DIR/beam.pid") &&
        echo "WRAPPER_PID=$WRAPPER_PID EPMD_PID=$EPMD_PID BEAM_PID=$BEAM_PID" > "$DIR/pids"
    alive "$WRAPPER_PID" || give_up "rabbitmq-server exited"
    if [ -n "${BEAM_PID:-}" ] && amqp10_ready; then break; fi
    sleep 0.1
done
amqp10_ready || give_up "no AMQP 1.0 listener on 127.0.0.1:$PORT after 60 s"
if [ -n "${CERTS_DIR:-}" ]; then   # the TLS listener starts with the TCP one; wait until it accepts
    for _ in $(seq 1 100); do port_free "$TLS_PORT" || break; sleep 0.1; done
fi

version=$(basename "$RMQ_HOME" | sed 's/rabbitmq_server-//')
echo "$SCRIPT: started RabbitMQ $version node $NODE in $(elapsed "$t0") s"
echo "  PIDs: beam.smp $BEAM_PID (wrapper $WRAPPER_PID, epmd ${EPMD_PID:-not ours})"
echo "  AMQP 1.0: amqp://127.0.0.1:$PORT$([ "${RABBITMQ_IPV6:-0}" = 1 ] && echo " and amqp://[::1]:$PORT")" \
     "users guest/guest, alice/alice-secret"
[ -z "${CERTS_DIR:-}" ] || echo "  TLS: amqps://localhost:$TLS_PORT (CA $CERTS_DIR/ca.crt; EXTERNAL user testclient)"
echo "  rabbitmqctl: source $DIR/env.sh; ctl list_queues"
