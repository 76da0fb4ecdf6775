# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Engine logs and frame traces (PN_TRACE_FRM, PN_LOG) through Python logging: with no logging set up
they go to stderr exactly as python-qpid-proton prints them; once the application's logging would show
them (a handler that is not a NullHandler, on "proton.engine.<subsystem>" or an ancestor, and the
level enabled) they go to the logger "proton.engine.<subsystem>" instead; either way SASL secrets are
redacted. Each case runs in a child interpreter (environment variables and logging are process-wide)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from typing import Dict, Optional, Tuple

import pytest

import proton

pytestmark = pytest.mark.impl

SECRET = "Very-Secret-99"

# One container that listens and connects to itself, opens a link and closes.
EXCHANGE = textwrap.dedent('''
    from proton.handlers import MessagingHandler
    from proton.reactor import Container

    class Once(MessagingHandler):
        def on_start(self, event):
            self.acceptor = event.container.listen("127.0.0.1:0")
            self.conn = event.container.connect("127.0.0.1:%d" % self.acceptor.port)

        def on_connection_opened(self, event):
            if event.connection == self.conn:
                self.conn.close()
                self.acceptor.close()

    Container(Once()).run()
''')


def run_child(code: str, env: Optional[Dict[str, str]] = None) -> Tuple[str, str]:
    full_env = dict(os.environ)
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(proton.__file__)))
    full_env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, full_env.get("PYTHONPATH")) if p)
    for name in ("PN_TRACE_FRM", "PN_LOG", "PNPY_LOGGER_CONFIG"):
        full_env.pop(name, None)
    full_env.update(env or {})
    done = subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, f"child failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout, done.stderr


FRAME_ON_STDERR = re.compile(r"^\[0x[0-9a-f]+\]: ?AMQP:FRAME:.*@open", re.M)
FRAME_LOGGED = re.compile(r"^proton\.engine\.amqp DEBUG \[0x[0-9a-f]+\]: FRAME: .*@open", re.M)
LOG_TO_STDOUT = "import logging, sys\nlogging.basicConfig(stream=sys.stdout, level=logging.{level}, " \
                "format='%(name)s %(levelname)s %(message)s')\n"


def test_no_logging_configured_frames_go_to_stderr() -> None:
    out, err = run_child(EXCHANGE, env={"PN_TRACE_FRM": "1"})
    assert FRAME_ON_STDERR.search(err), err[:2000]
    assert out == ""


def test_logging_at_debug_takes_the_frames() -> None:
    out, err = run_child(LOG_TO_STDOUT.format(level="DEBUG") + EXCHANGE, env={"PN_TRACE_FRM": "1"})
    assert FRAME_LOGGED.search(out), out[:2000]
    assert not FRAME_ON_STDERR.search(err), err[:2000]


def test_logging_that_would_not_show_them_leaves_them_on_stderr() -> None:
    """Logging at INFO would drop DEBUG frames: they stay on stderr rather than vanish."""
    out, err = run_child(LOG_TO_STDOUT.format(level="INFO") + EXCHANGE, env={"PN_TRACE_FRM": "1"})
    assert FRAME_ON_STDERR.search(err), err[:2000]
    assert "FRAME" not in out


def test_a_handler_on_a_proton_logger_alone_takes_them() -> None:
    setup = textwrap.dedent('''
        import logging, sys
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        engine = logging.getLogger("proton.engine")
        engine.addHandler(handler)
        engine.setLevel(logging.DEBUG)
    ''')
    out, err = run_child(setup + EXCHANGE, env={"PN_TRACE_FRM": "1"})
    assert FRAME_LOGGED.search(out), out[:2000]
    assert not FRAME_ON_STDERR.search(err)


def test_pn_log_lines_and_secrets_through_logging() -> None:
    """PN_LOG=all (every subsystem's lines) and a PLAIN login with a password to a server that offers
    PLAIN: the sasl-init frame is logged with its secret redacted, and the password appears nowhere."""
    code = LOG_TO_STDOUT.format(level="DEBUG") + textwrap.dedent(f'''
        import threading
        from proton.handlers import MessagingHandler
        from proton.reactor import Container
        from proton.utils import BlockingConnection

        class PlainServer(MessagingHandler):
            def on_start(self, event):
                self.acceptor = event.container.listen("127.0.0.1:0")
                ready.set()

            def on_connection_bound(self, event):
                sasl = event.transport.sasl()
                sasl.allow_insecure_mechs = True
                sasl.allowed_mechs("PLAIN")

        ready = threading.Event()
        server = PlainServer()
        container = Container(server)
        threading.Thread(target=container.run, daemon=True).start()
        ready.wait(10)
        try:
            BlockingConnection("amqp://alice:{SECRET}@127.0.0.1:%d" % server.acceptor.port, allowed_mechs="PLAIN",
                               timeout=10).close()
        except Exception as problem:      # the server has no user database: the login fails
            print("failed:", type(problem).__name__)
    ''')
    out, err = run_child(code, env={"PN_TRACE_FRM": "1", "PN_LOG": "all"})
    init = [line for line in out.splitlines() if "sasl-init" in line]
    assert init and all("<redacted>" in line for line in init), out[:3000]
    assert init[0].startswith("proton.engine.amqp DEBUG ")
    assert re.search(r"^proton\.engine\.\w+ ", out, re.M)
    raw = [line for line in out.splitlines() if "RAW:" in line]
    assert len(raw) > 10, out[:3000]           # raw dumps were logged, those of sasl-init masked
    # not even a piece of it: the raw rows of the sasl-init frame are redacted, ASCII and hex
    hex_secret = " ".join(f"{b:02x}" for b in SECRET.encode())
    for piece in (SECRET, SECRET[4:], SECRET[:6], hex_secret[:20], hex_secret[-20:]):
        assert piece not in out + err, piece
