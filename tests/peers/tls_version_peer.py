#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A TLS peer restricted to exactly one TLS version, in front of a plain AMQP server.

    tls_version_peer.py --version TLSv1 --cert server.crt --key server.key --target 127.0.0.1:5672
                        [--host 127.0.0.1] [--port 0]

It terminates TLS with CPython's ``ssl`` module (minimum = maximum = the version; for TLS 1.0 and
1.1 the cipher list is ``DEFAULT:@SECLEVEL=0``, which OpenSSL 3 needs for them) and copies the
bytes of each connection to and from ``--target``, so the AMQP conversation is real and the TLS
version is the peer's alone. Standard library only; it uses none of cyproton.

Output on stdout, one line each: ``READY <port>``, then a JSON object per connection,
``{"event": "handshake", "version": ..., "cipher": ...}`` or ``{"event": "refused", "error": ...}``.
It stops on SIGTERM (by PID) or when stdin closes.
"""

import argparse
import json
import socket
import ssl
import sys
import threading
import warnings

VERSIONS = {
    "TLSv1": ssl.TLSVersion.TLSv1,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}
_print_lock = threading.Lock()


def emit(**fields):
    with _print_lock:
        sys.stdout.write(json.dumps(fields, sort_keys=True) + "\n")
        sys.stdout.flush()


def context(version, cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with warnings.catch_warnings():  # Python deprecates setting the old versions; that is the point here
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = VERSIONS[version]
        ctx.maximum_version = VERSIONS[version]
    if VERSIONS[version] < ssl.TLSVersion.TLSv1_2:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    ctx.load_cert_chain(cert, key)
    return ctx


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(conn, ctx, target):
    conn.settimeout(10)
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError) as e:
        emit(event="refused", error=str(e))
        conn.close()
        return
    emit(event="handshake", version=tls.version(), cipher=tls.cipher()[0])
    tls.settimeout(None)
    try:
        upstream = socket.create_connection(target, timeout=10)
    except OSError as e:
        emit(event="upstream-failed", error=str(e))
        tls.close()
        return
    upstream.settimeout(None)
    back = threading.Thread(target=pipe, args=(upstream, tls), daemon=True)
    back.start()
    pipe(tls, upstream)
    back.join(10)
    tls.close()
    upstream.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--version", required=True, choices=sorted(VERSIONS))
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--target", required=True, help="HOST:PORT of the plain AMQP server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    o = p.parse_args()
    host, _, port = o.target.rpartition(":")
    target = (host, int(port))
    ctx = context(o.version, o.cert, o.key)
    listener = socket.create_server((o.host, o.port))
    print(f"READY {listener.getsockname()[1]}", flush=True)

    def accept():
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn, ctx, target), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    sys.stdin.read()  # until stdin closes (or SIGTERM ends the process)


if __name__ == "__main__":
    main()
