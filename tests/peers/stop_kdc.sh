#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# stop_kdc.sh DIR: stop the krb5kdc that start_kdc.sh DIR started, by its PID. Keeps DIR; REMOVE_DIR=1 deletes it.
set -uo pipefail
. "$(dirname "$0")/_common.sh"
DIR="${1:?usage: stop_kdc.sh DIR}"
if [ -f "$DIR/krb5kdc.pid" ]; then
    stop_pid "$(cat "$DIR/krb5kdc.pid")" krb5kdc
    rm -f "$DIR/krb5kdc.pid"
else
    echo "$SCRIPT: nothing to stop (no $DIR/krb5kdc.pid)"
fi
[ "${REMOVE_DIR:-0}" = 1 ] && rm -rf "${DIR:?}"
exit 0
