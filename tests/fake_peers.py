# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Peers that fail a client on purpose, for the error paths: standard library only (the few
protocol bytes they need are written by hand), so they serve cyproton and python-qpid-proton
alike, in this process or another.

- :class:`SaslRefuser`: offers SASL PLAIN, takes the client's credentials and refuses them
  (sasl-outcome ``auth``); what the client sent is kept in :attr:`SaslRefuser.received`.
- :class:`SilentPeer`: accepts connections and never says anything (the client times out).

Each listens on 127.0.0.1, a port the system picks (:attr:`port`), on a daemon thread, and is a
context manager that stops it.
"""

import socket
import struct
import threading

SASL_HEADER = b"AMQP\x03\x01\x00\x00"


def sasl_frame(performative, fields):
    """A SASL frame (type 1) carrying described list ``performative`` with encoded ``fields``."""
    body = b"".join(fields)
    payload = b"\x00\x53" + bytes([performative]) + b"\xc0" + bytes([len(body) + 1, len(fields)]) + body
    return struct.pack(">IBBH", 8 + len(payload), 2, 1, 0) + payload


def sasl_mechanisms(name=b"PLAIN"):
    return sasl_frame(0x40, [b"\xa3" + bytes([len(name)]) + name])     # sym8


def sasl_outcome(code=1):
    return sasl_frame(0x44, [b"\x50" + bytes([code])])                 # ubyte; 1 = auth failed


class _Listener:
    def __init__(self):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stopping = threading.Event()
        self._clients = []
        self._thread = threading.Thread(target=self._run, name=f"{type(self).__name__}-{self.port}", daemon=True)
        self._thread.start()

    @property
    def url_host(self):
        return f"127.0.0.1:{self.port}"

    def _run(self):
        while not self._stopping.is_set():
            try:
                client, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self._clients.append(client)
            try:
                self.serve(client)
            except OSError:
                pass

    def serve(self, client):
        pass

    def stop(self):
        self._stopping.set()
        self._thread.join(5)
        self._sock.close()
        for client in self._clients:
            client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class SaslRefuser(_Listener):
    """Offers PLAIN, reads the sasl-init, answers "authentication failed" and hangs up."""

    def __init__(self):
        self.received = b""
        super().__init__()

    def serve(self, client):
        client.settimeout(5)
        got = b""
        while len(got) < 8:
            chunk = client.recv(4096)
            if not chunk:
                return
            got += chunk
        client.sendall(SASL_HEADER + sasl_mechanisms())
        while len(got) < 12 or len(got) < 8 + struct.unpack(">I", got[8:12])[0]:
            chunk = client.recv(4096)
            if not chunk:
                break
            got += chunk
        self.received += got
        client.sendall(sasl_outcome(1))
        client.shutdown(socket.SHUT_RDWR)
        client.close()
        self._clients.remove(client)


class SilentPeer(_Listener):
    """Accepts and keeps every connection open without a word."""
