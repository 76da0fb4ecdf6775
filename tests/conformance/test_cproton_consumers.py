# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Code that carries its own copy of python-qpid-proton's Python layer runs over our ``cproton``.

rabbitmq-amqp-python-client 1.0.1 vendors that layer as ``rabbitmq_amqp_python_client.qpid.proton``
and imports ``cproton`` for the engine. Its wheel is fetched with pip into build/consumers at test
time (never committed; skipped when it cannot be fetched), put on the path with cyproton's src,
and exercised in a child interpreter: the package imports, and its vendored classes exchange a
message between two engines through our ``cproton``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.impl

REPO = Path(__file__).resolve().parent.parent.parent
WHEEL_DIR = REPO / "build" / "consumers"
REQUIREMENT = "rabbitmq-amqp-python-client==1.0.1"

CHILD = r'''
import os
import sys
import cproton
import rabbitmq_amqp_python_client as rmq
from rabbitmq_amqp_python_client.qpid import proton as vp
assert cproton.__file__ == os.environ["CYPROTON_EXPECT_CPROTON"], cproton.__file__
assert "cproton_ffi" not in sys.modules
assert hasattr(rmq, "Environment") and hasattr(rmq, "Connection")

m = vp.Message(id="m-1", subject="hello", body={"n": 1, "s": "x"}, durable=True)
n = vp.Message()
n.decode(m.encode())
assert (n.id, n.subject, n.body, n.durable) == ("m-1", "hello", {"n": 1, "s": "x"}, True), n

client, server = vp.Connection(), vp.Connection()
ct, st = vp.Transport(), vp.Transport(vp.Transport.SERVER)
ct.bind(client)
st.bind(server)

def pump():
    while True:
        moved = 0
        for a, b in ((ct, st), (st, ct)):
            out = a.peek(a.pending() or 0) if a.pending() > 0 else b""
            if out:
                b.push(out)
                a.pop(len(out))
                moved += len(out)
        if not moved:
            return

client.container = "rmq-client"
client.open()
snd = client.session().sender("to-server")
snd.target.address = "q1"
snd.session.open()
snd.open()
pump()
server.open()
ssn = server.session_head(0)
ssn.open()
rcv = server.link_head(0)
rcv.open()
rcv.flow(5)
pump()
assert server.remote_container == "rmq-client" and snd.credit == 5
d = snd.delivery(b"t1")
snd.send(m.encode())
snd.advance()
pump()
got = rcv.current
body = rcv.recv(got.pending)
rcv.advance()
got.update(vp.Delivery.ACCEPTED)
got.settle()
pump()
r = vp.Message()
r.decode(body)
assert r.body == {"n": 1, "s": "x"} and d.remote_state == vp.Delivery.ACCEPTED
print("ok")
'''


@pytest.fixture(scope="module")
def site() -> Path:
    wheels = sorted(WHEEL_DIR.glob("rabbitmq_amqp_python_client-1.0.1-*.whl"))
    if not wheels:
        WHEEL_DIR.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(WHEEL_DIR),
                               REQUIREMENT], capture_output=True, text=True, timeout=300)
        wheels = sorted(WHEEL_DIR.glob("rabbitmq_amqp_python_client-1.0.1-*.whl"))
        if done.returncode != 0 or not wheels:
            pytest.skip(f"{REQUIREMENT} could not be fetched: {done.stderr[-300:]}")
    target = WHEEL_DIR / "site"
    if not (target / "rabbitmq_amqp_python_client").is_dir():
        with zipfile.ZipFile(wheels[-1]) as whl:
            whl.extractall(target)
    return target


def test_rabbitmq_client_runs_over_our_cproton(site: Path) -> None:
    for module in ("packaging", "typing_extensions"):
        pytest.importorskip(module)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    ours = importlib.util.find_spec("cproton")   # found, not imported: the cyproton this run tests
    assert ours is not None and ours.origin
    env["PYTHONPATH"] = os.pathsep.join([str(site), os.path.dirname(ours.origin)])
    env["CYPROTON_EXPECT_CPROTON"] = ours.origin
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stdout + done.stderr
