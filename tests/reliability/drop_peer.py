# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A peer that drops every connection right after the AMQP open: the reconnect cycle's partner.

Standard library only (it speaks the few bytes it needs itself). For each client, without SASL:
read the protocol header, answer with the header and an open frame, and hang up once the client's
first frame has arrived. The client sees its connection opened and then lost, and reconnects.

Run as ``python drop_peer.py``: it prints the port it listens on (127.0.0.1), then serves until
its standard input is closed or it is terminated.
"""

import selectors
import socket
import struct
import sys
import threading

AMQP_HEADER = b"AMQP\x00\x01\x00\x00"


def open_frame(container_id=b"drop-peer"):
    """An AMQP open frame (channel 0) whose only field is the container id."""
    field = b"\xa1" + bytes([len(container_id)]) + container_id      # str8-utf8
    fields = b"\xc0" + bytes([len(field) + 1, 1]) + field            # list8: size, count
    body = b"\x00\x53\x10" + fields                                  # described by ulong 0x10 (open)
    return struct.pack(">IBBH", 8 + len(body), 2, 0, 0) + body


def serve(listener):
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, None)
    reply = AMQP_HEADER + open_frame()
    while True:
        for key, _ in sel.select():
            if key.data is None:
                client, _ = listener.accept()
                client.setblocking(False)
                sel.register(client, selectors.EVENT_READ, bytearray())
                continue
            client, seen = key.fileobj, key.data
            try:
                chunk = client.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if chunk and len(seen) < len(AMQP_HEADER):
                seen += chunk
                if len(seen) >= len(AMQP_HEADER):
                    client.sendall(reply)
                    if len(seen) == len(AMQP_HEADER):
                        continue           # the client's open frame has not come yet
            sel.unregister(client)
            client.close()


def main():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    print(listener.getsockname()[1], flush=True)
    threading.Thread(target=serve, args=(listener,), daemon=True).start()
    sys.stdin.read()      # until the parent closes our input (or ends)
    return 0


if __name__ == "__main__":
    sys.exit(main())
