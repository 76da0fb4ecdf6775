#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# make_sasldb.sh DIR: a Cyrus SASL user database and the configuration file a Cyrus-enabled proton *server*
# (Container.listen) reads.
#   DIR/proton.sasldb            users alice/alice-secret and bob/bob-secret (SASL_USERS="user:password ...")
#   DIR/proton-server.conf       pwcheck_method auxprop, sasldb_path, mech_list (SASL_MECHS)
# The server then calls, when its connection is bound: transport.sasl().config_path(DIR) and
# .config_name("proton-server") (or sets PN_SASL_CONFIG_PATH=DIR before the first SASL use: Cyrus reads its
# configuration once per process), and allowed_mechs(...).
# Users are stored in Cyrus' default realm (the host name), the realm proton's server looks them up in.
# Starts no process (PID: none); delete DIR to clean up. Exit 77 (skip) if sasl2-bin is not installed.
set -euo pipefail
. "$(dirname "$0")/_common.sh"
DIR="${1:?usage: make_sasldb.sh DIR}"
USERS="${SASL_USERS:-alice:alice-secret bob:bob-secret}"
MECHS="${SASL_MECHS:-SCRAM-SHA-512 SCRAM-SHA-256 SCRAM-SHA-1 DIGEST-MD5 CRAM-MD5 PLAIN ANONYMOUS EXTERNAL}"
NAME="${SASL_CONF_NAME:-proton-server}"
need_cmd saslpasswd2 sasl2-bin
need_pkg libsasl2-modules

t0=$(now)
mkdir -p "$DIR"
DB="$DIR/proton.sasldb"
rm -f "$DB"
for up in $USERS; do
    # -c create, -p password from stdin, -f database file, -a application name
    printf '%s' "${up#*:}" | saslpasswd2 -c -p -f "$DB" -a "$NAME" "${up%%:*}"
done
chmod 600 "$DB"
cat > "$DIR/$NAME.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $DB
mech_list: $MECHS
EOF
echo "$SCRIPT: wrote $DB and $DIR/$NAME.conf in $(elapsed "$t0") s (no process started, PID: none)"
echo "  users: $(sasldblistusers2 -f "$DB" | tr '\n' ' ')"
echo "  mechanisms: $MECHS"
