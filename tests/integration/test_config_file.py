# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The connection configuration file: ``Container.connect()`` with no address goes where the JSON
file named by ``MESSAGING_CONNECT_FILE`` says, with the credentials and SASL settings in it.

The credentials are observed on the wire: a relay in front of the broker does the SASL exchange
itself, offering only PLAIN, and records what the client sent.
"""

import json

import pytest

from proton.handlers import MessagingHandler
from proton.reactor import Container

import support


class NoAddress(MessagingHandler):
    """Calls ``connect()`` without any address (plus ``kwargs``), closes once open."""

    def __init__(self, configure=None, **kwargs):
        super().__init__()
        self.kwargs = kwargs
        self.configure = configure
        self.opened = []
        self.transport_errors = []

    def on_start(self, event):
        if self.configure is not None:
            self.configure(event.container)
        self.conn = event.container.connect(**self.kwargs)

    def on_connection_opened(self, event):
        self.opened.append((event.connection.hostname, event.connection.connected_address))
        event.connection.close()

    def on_transport_error(self, event):
        self.transport_errors.append(event.transport.condition)


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    path = tmp_path / "connect.json"
    monkeypatch.setenv("MESSAGING_CONNECT_FILE", str(path))
    monkeypatch.chdir(tmp_path)  # and no ./connect.json from wherever the tests were started

    def write(text):
        path.write_text(text)
        return path

    return write


@pytest.fixture
def plain_proxy(broker):
    proxy = support.TcpProxy(("127.0.0.1", broker.port), sasl_plain=True)
    try:
        yield proxy
    finally:
        proxy.close()


def test_host_port_and_credentials_come_from_the_file(broker, plain_proxy, config_file):
    config_file("""
    // the peer to use when Container.connect() is given no address
    {
        "scheme": "amqp",            /* plain AMQP: the default would be amqps */
        "host": "127.0.0.1",
        "port": %d,
        "user": "alice",             // sent with SASL PLAIN
        "password": "s3cret//not-a-comment",
        "note": "http://example.com/a/*b*/c"
    }
    """ % plain_proxy.port)
    handler = NoAddress()
    Container(handler).run()
    assert len(handler.opened) == 1
    assert plain_proxy.mechanisms_chosen == ["PLAIN"]
    assert plain_proxy.credentials[0][1:3] == ("alice", "s3cret//not-a-comment")
    assert len(broker.broker.connections) == 1
    assert broker.broker.connections[0]["hostname"] == "127.0.0.1"


def test_file_without_credentials_connects_without_sasl_plain(broker, config_file):
    config_file(json.dumps({"scheme": "amqp", "host": "127.0.0.1", "port": broker.port}))
    handler = NoAddress()
    Container(handler).run()
    assert len(handler.opened) == 1
    assert len(broker.broker.connections) == 1


def test_sasl_disabled_in_the_file(plain_proxy, config_file):
    config_file(json.dumps({"scheme": "amqp", "host": "127.0.0.1", "port": plain_proxy.port,
                            "sasl": {"enabled": False}}))
    handler = NoAddress()
    Container(handler).run()
    assert len(handler.opened) == 1
    assert plain_proxy.mechanisms_chosen == []  # the client spoke AMQP straight away


def test_mechanisms_from_the_file_restrict_the_client(plain_proxy, config_file):
    # the relay offers only PLAIN; the file allows only ANONYMOUS: no mechanism in common
    config_file(json.dumps({"scheme": "amqp", "host": "127.0.0.1", "port": plain_proxy.port,
                            "user": "bob", "password": "pw", "sasl": {"mechanisms": "ANONYMOUS"}}))
    handler = NoAddress(reconnect=False)
    Container(handler).run()
    assert handler.opened == []
    assert handler.transport_errors and handler.transport_errors[0] is not None
    assert plain_proxy.credentials == []


def test_plain_over_cleartext_needs_allow_insecure_mechs(plain_proxy, config_file):
    config_file(json.dumps({"scheme": "amqp", "host": "127.0.0.1", "port": plain_proxy.port,
                            "user": "carol", "password": "pw"}))

    def forbid(container):
        container.allow_insecure_mechs = False

    handler = NoAddress(configure=forbid, reconnect=False)
    Container(handler).run()
    assert handler.opened == []
    assert plain_proxy.credentials == []
    # the container's default allows it (python-qpid-proton's Container sets allow_insecure_mechs)
    handler = NoAddress(reconnect=False)
    container = Container(handler)
    assert container.allow_insecure_mechs is True
    container.run()
    assert len(handler.opened) == 1
    assert plain_proxy.credentials[-1][1:3] == ("carol", "pw")


def test_keyword_arguments_are_overridden_by_the_file(plain_proxy, config_file):
    config_file(json.dumps({"scheme": "amqp", "host": "127.0.0.1", "port": plain_proxy.port,
                            "user": "from-file", "password": "file-pw"}))
    handler = NoAddress(user="from-kwargs", password="kw-pw")
    Container(handler).run()
    assert plain_proxy.credentials[0][1:3] == ("from-file", "file-pw")


def test_default_scheme_is_amqps(broker, config_file):
    # no scheme: TLS is attempted against the plain broker, which cannot work
    config_file(json.dumps({"host": "127.0.0.1", "port": broker.port}))
    handler = NoAddress(reconnect=False)
    Container(handler).run()
    assert handler.opened == []
    assert handler.transport_errors
