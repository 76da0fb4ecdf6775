#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# start_kdc.sh DIR: a throwaway MIT Kerberos KDC on 127.0.0.1, non-interactive, for SASL GSSAPI tests.
# Env: KDC_PORT (18888, UDP and TCP)  KDC_REALM (CYPROTON.TEST)
#      KDC_SERVICES ("amqp/localhost amqp/127.0.0.1": a client asks for amqp/<host of its URL>)
#      KDC_CLIENT (client)  KDC_CLIENT_PW (client-secret)
# Creates in DIR: krb5.conf, kdc.conf, the database, server.keytab (the service principals), client.keytab,
# client.ccache (a ticket for the client, from kinit), sasl/proton-server.conf (mech_list: GSSAPI) and env.sh:
#   KRB5_CONFIG=DIR/krb5.conf             both sides
#   KRB5_KTNAME=DIR/server.keytab         the server (acceptor)
#   KRB5CCNAME=FILE:DIR/client.ccache     the client (initiator)
#   KRB5_CLIENT_KTNAME=DIR/client.keytab  the client (lets GSSAPI get a ticket by itself)
# A Cyrus-enabled proton server needs env.sh, sasl.config_path(DIR/sasl) and allowed_mechs("GSSAPI"); a client
# allowed_mechs="GSSAPI" and a URL host of localhost or 127.0.0.1.
# krb5.conf says ignore_acceptor_hostname = true: proton's server passes no host name to Cyrus, so Cyrus asks
# for amqp@$(hostname), which is not in the keytab; with the option any amqp/* key there is accepted.
# Starts `krb5kdc -n` (PID in DIR/krb5kdc.pid, printed). Stop with stop_kdc.sh DIR.
# Exit 77 (skip) if krb5-kdc, krb5-admin-server (kadmin.local), krb5-user or the Cyrus GSSAPI module is missing.
set -euo pipefail
. "$(dirname "$0")/_common.sh"
DIR="${1:?usage: start_kdc.sh DIR}"
REALM="${KDC_REALM:-CYPROTON.TEST}"
PORT="${KDC_PORT:-18888}"
SERVICES="${KDC_SERVICES:-amqp/localhost amqp/127.0.0.1}"
CLIENT="${KDC_CLIENT:-client}"
CLIENT_PW="${KDC_CLIENT_PW:-client-secret}"

need_cmd krb5kdc krb5-kdc
need_cmd kdb5_util krb5-kdc
need_cmd kadmin.local krb5-admin-server
need_cmd kinit krb5-user
need_pkg libsasl2-modules-gssapi-mit
if [ -f "$DIR/krb5kdc.pid" ] && alive "$(cat "$DIR/krb5kdc.pid")"; then
    echo "$SCRIPT: already running, PID $(cat "$DIR/krb5kdc.pid") ($DIR)"; exit 0
fi
port_free "$PORT" || fail "port 127.0.0.1:$PORT is in use"

t0=$(now)
mkdir -p "$DIR"
chmod 700 "$DIR"
rm -f "$DIR"/principal* "$DIR/stash" "$DIR"/*.keytab "$DIR/client.ccache"
cat > "$DIR/krb5.conf" <<EOF
[libdefaults]
    default_realm = $REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    ignore_acceptor_hostname = true
    udp_preference_limit = 1
    ticket_lifetime = 1h
    forwardable = false
[realms]
    $REALM = {
        kdc = 127.0.0.1:$PORT
    }
[domain_realm]
    localhost = $REALM
    .localhost = $REALM
    127.0.0.1 = $REALM
EOF
cat > "$DIR/kdc.conf" <<EOF
[kdcdefaults]
    kdc_listen = 127.0.0.1:$PORT
    kdc_tcp_listen = 127.0.0.1:$PORT
[realms]
    $REALM = {
        database_name = $DIR/principal
        key_stash_file = $DIR/stash
        acl_file = $DIR/kadm5.acl
        max_life = 1h
        max_renewable_life = 0
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    }
[logging]
    kdc = FILE:$DIR/kdc.log
    default = FILE:$DIR/kdc.log
EOF
: > "$DIR/kadm5.acl"
mkdir -p "$DIR/sasl"
printf 'mech_list: GSSAPI\n' > "$DIR/sasl/proton-server.conf"

export KRB5_CONFIG="$DIR/krb5.conf" KRB5_KDC_PROFILE="$DIR/kdc.conf"
# -s: write a stash file; -P: the master password on the command line (no prompt)
kdb5_util create -s -r "$REALM" -P "master-$$-$RANDOM$RANDOM" >"$DIR/setup.log" 2>&1 ||
    { cat "$DIR/setup.log" >&2; fail "kdb5_util create failed"; }
kal() {
    kadmin.local -r "$REALM" -q "$1" >>"$DIR/setup.log" 2>&1 || { tail -3 "$DIR/setup.log" >&2; fail "kadmin: $1"; }
}
for svc in $SERVICES; do
    kal "addprinc -randkey $svc"
    kal "ktadd -k $DIR/server.keytab $svc"
done
kal "addprinc -pw $CLIENT_PW $CLIENT"
kal "ktadd -k $DIR/client.keytab -norandkey $CLIENT"   # -norandkey: the password keeps working

# -n: stay in the foreground, so that $! is the KDC's own PID
krb5kdc -n -r "$REALM" >>"$DIR/kdc.log" 2>&1 &
KDC_PID=$!
echo "$KDC_PID" > "$DIR/krb5kdc.pid"
for _ in $(seq 1 100); do
    port_free "$PORT" || break
    alive "$KDC_PID" || { cat "$DIR/kdc.log" >&2; fail "krb5kdc exited"; }
    sleep 0.1
done
port_free "$PORT" && { "$(dirname "$0")/stop_kdc.sh" "$DIR" >&2; fail "krb5kdc does not listen on $PORT"; }

export KRB5CCNAME="FILE:$DIR/client.ccache"
kinit -k -t "$DIR/client.keytab" "$CLIENT@$REALM" || { "$(dirname "$0")/stop_kdc.sh" "$DIR" >&2; fail "kinit failed"; }
cat > "$DIR/env.sh" <<EOF
export KRB5_CONFIG=$DIR/krb5.conf
export KRB5_KTNAME=$DIR/server.keytab
export KRB5CCNAME=FILE:$DIR/client.ccache
export KRB5_CLIENT_KTNAME=$DIR/client.keytab
EOF

echo "$SCRIPT: started krb5kdc PID $KDC_PID, realm $REALM, on 127.0.0.1:$PORT (UDP+TCP) in $(elapsed "$t0") s"
echo "  services: $SERVICES (keytab $DIR/server.keytab); client $CLIENT@$REALM (ticket in $DIR/client.ccache)"
echo "  Cyrus server config: $DIR/sasl (mech_list: GSSAPI); environment: source $DIR/env.sh"
