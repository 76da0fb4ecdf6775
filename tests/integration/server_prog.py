# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The test broker as a program of its own, for tests that kill their peer.

``python server_prog.py PORT`` listens on 127.0.0.1:PORT with a :class:`support.Broker`, prints
``READY`` on stdout once it accepts connections, and runs until it is killed. The reconnect tests
start it with python-qpid-proton's interpreter when there is one, so the peer they kill is
independent of the implementation under test.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from proton.reactor import Container  # noqa: E402

import support  # noqa: E402


class AnnouncedBroker(support.Broker):
    def on_start(self, event):
        super().on_start(event)
        print("READY", flush=True)


def main():
    port = int(sys.argv[1])
    broker = AnnouncedBroker(listen_url=support.url_for("127.0.0.1", port))
    Container(broker, container_id=f"server-prog-{os.getpid()}").run()


if __name__ == "__main__":
    main()
