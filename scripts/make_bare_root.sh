#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# make_bare_root.sh DIR: a bare Debian 12 root for the wheel tier (tests/wheel), made with
#   debootstrap --variant=minbase --include=python3,python3-venv bookworm DIR
# and nothing else: no libsasl2, no SASL plugins, no -dev package, no compiler. The root is made
# once and kept (DIR/.cyproton-bare-root records how it was made); the tests never change it, they
# work on a copy, so reusing it is clean. A half-made root is never used: debootstrap writes into
# DIR.partial, which is renamed when it succeeded. Delete DIR to make it anew.
#
# The Debian mirror is the one this machine's apt uses (DEBIAN_MIRROR overrides it), so the
# root's packages come from the same archive as the build machine's. Needs root (debootstrap,
# chroot) and the Debian package debootstrap. Starts no process that outlives it.
set -euo pipefail
DIR="${1:?usage: make_bare_root.sh DIR}"
SUITE=bookworm
SPEC="debootstrap --variant=minbase --include=python3,python3-venv $SUITE"

if [ -f "$DIR/.cyproton-bare-root" ] && [ "$(cat "$DIR/.cyproton-bare-root")" = "$SPEC" ]; then
    echo "make_bare_root: reusing $DIR ($SPEC)"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "make_bare_root: needs root (debootstrap and chroot)" >&2
    exit 77
fi
if ! command -v debootstrap >/dev/null; then
    echo "make_bare_root: debootstrap is not installed (Debian package debootstrap)" >&2
    exit 77
fi

mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
    # deb822 sources (Debian 12's default), then the one-line format.
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        mirror=$(awk -v suite="$SUITE" '
            /^URIs:/ { uris = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) hit = 1 }
            /^$/ { if (hit && uris != "" && uris !~ /security/) { print uris; exit } uris = ""; hit = 0 }
            END { if (hit && uris != "" && uris !~ /security/) print uris }' "$f" | head -1)
        [ -n "$mirror" ] && break
    done
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
    mirror=$(awk -v suite="$SUITE" '$1 == "deb" && $3 == suite && $2 !~ /security/ { print $2; exit }' \
        /etc/apt/sources.list)
fi

t0=$(date +%s)
rm -rf "$DIR.partial"
mkdir -p "$(dirname "$DIR")"
echo "make_bare_root: $SPEC ${mirror:-"(debootstrap's default mirror)"} into $DIR (a few minutes)"
# shellcheck disable=SC2086
if ! debootstrap --variant=minbase --include=python3,python3-venv "$SUITE" "$DIR.partial" $mirror \
        >"$DIR.log" 2>&1; then
    tail -20 "$DIR.log" >&2
    echo "make_bare_root: debootstrap failed (full log: $DIR.log)" >&2
    exit 1
fi
rm -rf "$DIR.partial/var/cache/apt/archives/"*.deb
rm -rf "$DIR"
mv "$DIR.partial" "$DIR"
echo "$SPEC" > "$DIR/.cyproton-bare-root"
echo "make_bare_root: made $DIR in $(( $(date +%s) - t0 )) s ($(du -sh "$DIR" | cut -f1))"
