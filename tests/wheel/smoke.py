# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Smoke test of an installed wheel (cibuildwheel's test-command; also runs as a test of the wheel tier).

    python smoke.py

Checks, with nothing but the wheel: TLS and Cyrus SASL are there, Cyrus loads its plugins from the
wheel, every plugin but GSSAPI loads (GSSAPI needs the system's libgssapi_krb5.so.2), and one message
goes through a loopback connection authenticated by Cyrus' ANONYMOUS plugin. Exit status 0 and
``SMOKE OK`` when all is well; an AssertionError otherwise.
"""

import ctypes
import glob
import os
import sys

import cyproton
import proton
from proton import Message
from proton.handlers import MessagingHandler
from proton.reactor import Container


class Echo(MessagingHandler):
    def __init__(self):
        super().__init__()
        self.got = None
        self.mech = None

    def on_start(self, event):
        self.acceptor = event.container.listen("amqp://127.0.0.1:0")
        conn = event.container.connect(f"amqp://127.0.0.1:{self.acceptor.port}", allowed_mechs="ANONYMOUS")
        event.container.create_sender(conn, "smoke")
        event.container.schedule(10, self)

    def on_sendable(self, event):
        if self.got is None and event.sender.credit:
            event.sender.send(Message(body="smoke"))

    def on_message(self, event):
        self.got = event.message.body
        self.mech = event.transport.sasl().mech
        event.connection.close()
        self.acceptor.close()

    def on_accepted(self, event):
        event.connection.close()

    def on_timer_task(self, event):
        event.container.stop()


def main():
    info = cyproton.build_info()
    assert proton.SSL.present() and proton.SASL.extended(), info
    plugins = info["sasl_plugin_dir"]
    assert plugins and os.path.isdir(plugins), f"Cyrus does not use the wheel's plugins: {info}"
    names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(plugins, "*.so")))
    for name in names:
        if name == "libgssapiv2.so":
            continue
        ctypes.CDLL(os.path.join(plugins, name))  # raises OSError if a dependency is missing
    import cproton  # the top-level pn_* module ships in the wheel, over the same engine
    connection = proton.Connection()
    connection.container = "smoke"
    assert cproton.pn_connection_get_container(connection) == "smoke"
    echo = Echo()
    Container(echo).run()
    assert (echo.got, echo.mech) == ("smoke", "ANONYMOUS"), (echo.got, echo.mech)
    print(f"SMOKE OK: {info['tls']}, {info['sasl']}, plugins {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
