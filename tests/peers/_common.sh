# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# Sourced by the start/make scripts here. Exit status 77 means "skip": a prerequisite is not installed.
# Anything else that goes wrong (a port in use, a peer that does not come up) is a failure (exit 1).

PEERS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$PEERS_DIR/../.." && pwd)"
SCRIPT="$(basename "$0")"

skip() {
    echo "$SCRIPT: SKIP: $*" >&2
    exit 77
}

fail() {
    echo "$SCRIPT: FAILED: $*" >&2
    exit 1
}

# need_cmd COMMAND DEBIAN-PACKAGE: skip, naming the package, if COMMAND is not installed
need_cmd() {
    command -v "$1" >/dev/null 2>&1 ||
        skip "'$1' not found: Debian package '$2' is missing (make system-test-deps, or apt-get install -y $2)"
}

# need_pkg DEBIAN-PACKAGE...: skip, naming them, unless every package is installed
need_pkg() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] ||
        skip "Debian package(s) missing: ${missing[*]} (make system-test-deps, or apt-get install -y ${missing[*]})"
}

# port_free PORT [HOST]: true if nothing listens on HOST:PORT (TCP)
port_free() {
    ! (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null
}

# alive PID: the process exists and is not a zombie (an orphan that exited stays a zombie until init reaps it)
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    case "$(ps -o stat= -p "$1" 2>/dev/null)" in Z*) return 1;; esac
}

# stop_pid PID NAME: SIGTERM, wait up to 15 s, then SIGKILL; only this PID
stop_pid() {
    [ -n "$1" ] || return 0
    alive "$1" || return 0
    kill -TERM "$1" 2>/dev/null
    for _ in $(seq 1 150); do alive "$1" || break; sleep 0.1; done
    alive "$1" && kill -KILL "$1" 2>/dev/null
    echo "$SCRIPT: stopped $2 PID $1"
}

now() { date +%s.%N; }
elapsed() { awk "BEGIN{printf \"%.1f\", $(now)-$1}"; }
