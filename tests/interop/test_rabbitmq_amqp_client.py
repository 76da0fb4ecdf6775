# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""rabbitmq-amqp-python-client 1.0.1 over our ``cproton``, against the RabbitMQ 3.10 node of ``peer_rabbitmq``.

The client targets RabbitMQ 4 and says so in three places, each seen here against 3.10.8:

* ``Connection.dial()`` opens the AMQP connection, reads the broker's connection properties, then raises
  ``ValidationCodeException('The AMQP client library requires RabbitMQ 4.0.0 or higher. Server version:
  3.10.8')``.
* ``publisher()``/``consumer()`` accept only the v2 addresses ``/queues/NAME`` and ``/exchanges/...``; 3.10
  ends the session on attach (``amqp:invalid-field``, ``Attach rejected: {unknown_destination,"/queues/q"}``),
  so the client waits for the link until its time-out. ``management()`` (link to ``/management``) fails the
  same way.
* Its message handler reads ``x-stream-offset`` from the message annotations, which 3.10 leaves empty unless
  the publisher set some (``TypeError: argument of type 'NoneType' is not iterable``).

With the version check and the address check switched off in the child, and one annotation on each message,
the client's publisher and consumer move messages through a 3.10 queue (``/queue/NAME``) over our ``cproton``.
Closing does not work against 3.10: ``Publisher.close()`` times out after 60 s (``Timeout: Connection ... timed
out: Closing link ...``), and after ``Consumer.stop()`` every ``close()`` spins in the stopped container.
python-qpid-proton 0.40's ``cproton`` behaves the same in both cases, so the child exits without closing.
"""

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.interop

REPO = Path(__file__).resolve().parent.parent.parent
WHEEL_DIR = REPO / "build" / "consumers"
REQUIREMENT = "rabbitmq-amqp-python-client==1.0.1"
COUNT = 200

DIAL = r'''
import os
import sys
import cproton
from rabbitmq_amqp_python_client import Environment
assert cproton.__file__ == os.environ["CYPROTON_EXPECT_CPROTON"], cproton.__file__
connection = Environment(uri="amqp://alice:alice-secret@127.0.0.1:%s/" % sys.argv[1]).connection()
try:
    connection.dial()
except BaseException as e:
    print(type(e).__name__, str(e))
'''

MOVE = r'''
import os
import sys
import cproton
from rabbitmq_amqp_python_client import AMQPMessagingHandler, Converter, Environment
from rabbitmq_amqp_python_client import connection as rmq_connection, publisher as rmq_publisher
from rabbitmq_amqp_python_client.qpid.proton import Delivery, Message
assert cproton.__file__ == os.environ["CYPROTON_EXPECT_CPROTON"], cproton.__file__

port, address, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
rmq_connection.Connection._validate_server_properties = lambda self: None
rmq_connection.validate_address = rmq_publisher.validate_address = lambda address: True

connection = Environment(uri="amqp://alice:alice-secret@127.0.0.1:%d/" % port).connection()
connection.dial()
publisher = connection.publisher(address)
states = set()
for i in range(count):
    body = Converter.string_to_bytes("message %d" % i)
    states.add(publisher.publish(Message(body=body, annotations={"x-opt-seq": i})).remote_state)
assert states == {Delivery.ACCEPTED}, states

bodies = []


class Counter(AMQPMessagingHandler):
    def on_amqp_message(self, event):
        bodies.append(Converter.bytes_to_string(event.message.body))
        self.delivery_context.accept(event)
        if len(bodies) == count:
            consumer.stop()


consumer = connection.consumer(address, message_handler=Counter())
consumer.run()
print(len(bodies), int(bodies == ["message %d" % i for i in range(count)]), flush=True)
os._exit(0)
'''


@pytest.fixture(scope="module")
def client_path() -> str:
    """PYTHONPATH for a child: the unpacked client wheel (fetched into build/consumers once), then our src."""
    for module in ("packaging", "typing_extensions"):
        pytest.importorskip(module)
    wheels = sorted(WHEEL_DIR.glob("rabbitmq_amqp_python_client-1.0.1-*.whl"))
    if not wheels:
        WHEEL_DIR.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(WHEEL_DIR),
                               REQUIREMENT], capture_output=True, text=True, timeout=300)
        wheels = sorted(WHEEL_DIR.glob("rabbitmq_amqp_python_client-1.0.1-*.whl"))
        if done.returncode != 0 or not wheels:
            pytest.skip("%s could not be fetched: %s" % (REQUIREMENT, done.stderr[-300:]))
    site = WHEEL_DIR / "site"
    if not (site / "rabbitmq_amqp_python_client").is_dir():
        with zipfile.ZipFile(wheels[-1]) as wheel:
            wheel.extractall(site)
    spec = importlib.util.find_spec("cproton")   # found, not imported: the src this run tests (PYTHONPATH)
    src = os.path.dirname(spec.origin) if spec and spec.origin else str(REPO / "src")
    return os.pathsep.join([str(site), src])


def run_child(code, client_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = client_path
    spec = importlib.util.find_spec("cproton")
    env["CYPROTON_EXPECT_CPROTON"] = spec.origin if spec and spec.origin else str(REPO / "src" / "cproton.py")
    return subprocess.run([sys.executable, "-c", code] + [str(a) for a in args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_dial_reads_the_broker_version_and_refuses_3_10(peer_rabbitmq, client_path):
    """The connection opens over our cproton: the client gets far enough to read RabbitMQ's version."""
    done = run_child(DIAL, client_path, peer_rabbitmq.port)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == ("ValidationCodeException 'The AMQP client library requires RabbitMQ 4.0.0 or "
                                   "higher. Server version: 3.10.8'"), done.stdout + done.stderr


def test_publish_and_consume_through_a_queue(peer_rabbitmq, client_path):
    """COUNT messages published by the client's Publisher come back, in order, to its Consumer."""
    done = run_child(MOVE, client_path, peer_rabbitmq.port, "/queue/rmq-client-count", COUNT)
    assert done.returncode == 0 and done.stdout.split() == [str(COUNT), "1"], done.stdout + done.stderr
