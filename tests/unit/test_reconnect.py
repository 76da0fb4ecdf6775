# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""``proton._reconnect``: reconnect delays, ``Backoff`` (with cyproton's jitter) and the connect file.

These tests reach into cyproton's own module, so they all carry the ``impl`` marker. The
expected values were read from python-qpid-proton 0.40 (``delay_iter``, ``Backoff``,
``_get_default_config`` and what ``Container.connect()`` does with it). When the reference
interpreter is present (``$CYPROTON_REF_PYTHON`` or ``<repo>/.venv-ref``),
:func:`test_same_connect_arguments_as_reference` also asks it directly.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import pytest

reconnect = pytest.importorskip("proton._reconnect")

pytestmark = pytest.mark.impl

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def first(iterable, count):
    return list(itertools.islice(iterable, count))


# --------------------------------------------------------------------------- delay_iter

def test_default_delays():
    assert first(reconnect.delay_iter(), 11) == [0.0, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 10.0, 10.0, 10.0]


@pytest.mark.parametrize("kwargs, expected", [
    ({"max_tries": 0}, [0.0]),
    ({"max_tries": 1}, [0.0]),
    ({"max_tries": 3}, [0.0, 0.1, 0.2]),
    ({"max_tries": 2.5}, [0.0, 0.1, 0.2]),
    ({"initial": 1, "factor": 1.5, "max_delay": 5, "max_tries": 7}, [0.0, 1, 1.5, 2.25, 3.375, 5, 5]),
    ({"initial": 20, "max_delay": 10, "max_tries": 4}, [0.0, 20, 10, 10]),  # initial is not capped
    ({"initial": 0, "max_tries": 3}, [0.0, 0, 0]),
])
def test_delay_parameters(kwargs, expected):
    assert list(reconnect.delay_iter(**kwargs)) == expected


def test_delays_grow_by_repeated_multiplication():
    # 0.1 * 1.5 * 1.5 is 0.22500000000000003 but 0.1 * 1.5 ** 2 is 0.225: multiply step by step, as the reference
    expected = [0.0, 0.1, 0.15000000000000002, 0.22500000000000003]
    assert first(reconnect.delay_iter(initial=0.1, factor=1.5, max_delay=100), 4) == expected


# --------------------------------------------------------------------------- Backoff

def test_backoff_without_jitter_is_the_reference_sequence():
    backoff = reconnect.Backoff(max_delay=1.0, max_tries=6)
    assert backoff.kwargs == {"max_delay": 1.0, "max_tries": 6}
    assert backoff.jitter == 0.0
    assert iter(backoff) is backoff.iter
    assert list(backoff) == [0.0, 0.1, 0.2, 0.4, 0.8, 1.0]


def test_iterating_again_continues_the_same_sequence():
    backoff = reconnect.Backoff()
    assert first(backoff, 3) == [0.0, 0.1, 0.2]
    assert first(backoff, 2) == [0.4, 0.8]
    assert next(backoff) == 1.6


def test_reset_starts_over():
    backoff = reconnect.Backoff(initial=1.0)
    assert first(backoff, 3) == [0.0, 1.0, 2.0]
    backoff.reset()
    assert first(backoff, 3) == [0.0, 1.0, 2.0]


def test_backoff_uses_the_new_iterator_protocol_only():
    # python-qpid-proton wraps objects with reset() *and* next() as old-style backoffs
    assert not hasattr(reconnect.Backoff(), "next")


def test_backoff_refuses_unknown_keywords_at_once():
    with pytest.raises(TypeError):
        reconnect.Backoff(delay=1)


@pytest.mark.parametrize("jitter", [-0.1, 1.5, "0.2", True, None])
def test_bad_jitter(jitter):
    with pytest.raises(ValueError):
        reconnect.Backoff(jitter=jitter)


def test_jitter_spreads_each_nonzero_delay_within_its_fraction():
    plain = first(reconnect.delay_iter(), 60)
    for _ in range(20):
        backoff = reconnect.Backoff(jitter=0.25)
        assert backoff.kwargs == {}
        jittered = first(backoff, 60)
        assert jittered[0] == 0.0
        for base, value in zip(plain[1:], jittered[1:]):
            assert base * 0.75 <= value <= base * 1.25


def test_jitter_varies_and_keeps_other_settings():
    backoff = reconnect.Backoff(jitter=0.5, initial=2.0, max_delay=2.0, max_tries=50)
    backoff._random.seed(1234)
    values = list(backoff)
    assert len(values) == 50 and values[0] == 0.0
    assert len(set(values[1:])) > 40
    assert all(1.0 <= v <= 3.0 for v in values[1:])
    backoff.reset()
    assert next(backoff) == 0.0


# --------------------------------------------------------------------------- comments

@pytest.mark.parametrize("text, expected", [
    ('{"a": 1} // note', {"a": 1}),
    ('// first\n{"a": 1}', {"a": 1}),
    ('{/* x */"a": /* y */ 1}', {"a": 1}),
    ('{"a": 1, /* several\nlines\n*/ "b": 2}', {"a": 1, "b": 2}),
    ('{"url": "amqp://host:5672"}', {"url": "amqp://host:5672"}),
    ('{"p": "/* not a comment */", "q": "// nor this"} // but this', {"p": "/* not a comment */", "q": "// nor this"}),
    ('{"esc": "quote \\" // still text", "n": 2}', {"esc": 'quote " // still text', "n": 2}),
    ('{"back": "\\\\"} // comment after an escaped backslash', {"back": "\\"}),
    ('{"a": 1}\r\n// windows line end\r\n', {"a": 1}),
    ('{"x": "it\'s // fine"} // don\'t mind the apostrophe', {"x": "it's // fine"}),
    ('[1, 2 /* / */, 3]', [1, 2, 3]),
])
def test_comments_are_removed_outside_strings(text, expected):
    assert json.loads(reconnect.strip_json_comments(text)) == expected


def test_comment_removal_keeps_line_numbers():
    text = '{\n/* one\ntwo */\n"a": oops\n}'
    with pytest.raises(json.JSONDecodeError) as info:
        json.loads(reconnect.strip_json_comments(text))
    assert info.value.lineno == 4


def test_comment_becomes_a_separator():
    assert json.loads("[%s]" % reconnect.strip_json_comments("1/**/,2")) == [1, 2]
    with pytest.raises(json.JSONDecodeError):
        json.loads(reconnect.strip_json_comments("[1/**/2]"))  # not glued into 12


def test_unterminated_block_comment():
    with pytest.raises(json.JSONDecodeError, match="Unterminated"):
        reconnect.strip_json_comments('{"a": 1} /* open')


# --------------------------------------------------------------------------- finding the file

@pytest.fixture
def places(tmp_path, monkeypatch):
    """An empty home and working directory, and no MESSAGING_CONNECT_FILE."""
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv(reconnect.CONNECT_FILE_ENV, raising=False)
    monkeypatch.chdir(work)
    real_isfile = os.path.isfile
    monkeypatch.setattr(os.path, "isfile",
                        lambda p: False if str(p).startswith("/etc/messaging") else real_isfile(p))
    return home, work


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_anywhere(places):
    assert reconnect.find_connect_file() is None
    assert reconnect.load_connect_config() == {}
    args = reconnect.connect_arguments_from_config()
    assert args["url"] == "amqps://localhost:5671"


def test_search_order(places, monkeypatch):
    home, work = places
    write(home / ".config" / "messaging" / "connect.json", '{"host": "home"}')
    assert reconnect.find_connect_file() == str(home / ".config" / "messaging" / "connect.json")
    assert reconnect.load_connect_config() == {"host": "home"}
    write(work / "connect.json", '{"host": "cwd"}')
    assert reconnect.find_connect_file() == os.path.join(".", "connect.json")
    assert reconnect.load_connect_config() == {"host": "cwd"}
    named = write(work / "elsewhere.json", '{"host": "env"}')
    monkeypatch.setenv(reconnect.CONNECT_FILE_ENV, str(named))
    assert reconnect.load_connect_config() == {"host": "env"}
    monkeypatch.setenv(reconnect.CONNECT_FILE_ENV, "")  # empty counts as unset
    assert reconnect.load_connect_config() == {"host": "cwd"}


def test_named_file_that_does_not_exist_means_no_configuration(places, monkeypatch):
    _, work = places
    write(work / "connect.json", '{"host": "cwd"}')
    monkeypatch.setenv(reconnect.CONNECT_FILE_ENV, str(work / "missing.json"))
    assert reconnect.find_connect_file() == str(work / "missing.json")
    assert reconnect.load_connect_config() == {}


def test_system_wide_file_comes_last(places, monkeypatch):
    home, _ = places
    monkeypatch.setattr(os.path, "isfile", lambda p: p == "/etc/messaging/connect.json")
    assert reconnect.find_connect_file() == "/etc/messaging/connect.json"
    write(home / ".config" / "messaging" / "connect.json", "{}")
    monkeypatch.setattr(os.path, "isfile", lambda p: p == "/etc/messaging/connect.json" or p.startswith(str(home)))
    assert reconnect.find_connect_file() == str(home / ".config" / "messaging" / "connect.json")


def test_directory_named_connect_json_is_skipped(places):
    home, work = places
    (work / "connect.json").mkdir()
    write(home / ".config" / "messaging" / "connect.json", '{"host": "home"}')
    assert reconnect.load_connect_config() == {"host": "home"}


def test_file_with_comments_and_bom(places):
    _, work = places
    write(work / "connect.json", '\ufeff// made by hand\n{"host": "amqp://x//y", /* why not */ "port": 1}\n')
    assert reconnect.load_connect_config() == {"host": "amqp://x//y", "port": 1}


def test_invalid_file_names_itself(places):
    _, work = places
    write(work / "connect.json", '{"host": }')
    with pytest.raises(json.JSONDecodeError, match="connect.json"):
        reconnect.load_connect_config()
    write(work / "connect.json", "[1, 2]")
    with pytest.raises(ValueError, match="JSON object"):
        reconnect.load_connect_config()


def test_explicit_path(tmp_path):
    path = write(tmp_path / "c.json", '{"scheme": "amqp"}')
    assert reconnect.load_connect_config(str(path)) == {"scheme": "amqp"}
    assert reconnect.load_connect_config(str(tmp_path / "none.json")) == {}


# --------------------------------------------------------------------------- connect arguments

def ssl_calls(tls):
    """The SSLDomain calls a caller makes from the ``tls`` entry, as the reference's connect() does."""
    if tls is None:
        return None
    calls = [("SSLDomain", "client")]
    if tls["ca"]:
        calls.append(("ca", tls["ca"]))
    if not tls["verify"]:
        calls.append(("peer", "anonymous"))
    if tls["cert"] and tls["key"]:
        calls.append(("credentials", tls["cert"], tls["key"]))
    return calls


CLIENT = [("SSLDomain", "client")]

# config, url, connect_kwargs, SSLDomain calls: what python-qpid-proton 0.40's connect() derives
FROM_REFERENCE = [
    ({}, "amqps://localhost:5671", {"sasl_enabled": True}, CLIENT),
    ({"scheme": "amqp"}, "amqp://localhost:5672", {"sasl_enabled": True}, None),
    ({"host": "b.example", "port": 5999}, "amqps://b.example:5999", {"sasl_enabled": True}, CLIENT),
    ({"port": "amqps"}, "amqps://localhost:amqps", {"sasl_enabled": True}, CLIENT),
    ({"scheme": "amqp", "port": 0}, "amqp://localhost:0", {"sasl_enabled": True}, None),
    ({"user": "u", "password": "p"}, "amqps://localhost:5671", {"user": "u", "password": "p", "sasl_enabled": True},
     CLIENT),
    ({"password": "p"}, "amqps://localhost:5671", {"sasl_enabled": True}, CLIENT),
    ({"user": "", "password": "p"}, "amqps://localhost:5671", {"sasl_enabled": True}, CLIENT),
    ({"user": "u", "password": ""}, "amqps://localhost:5671", {"user": "u", "sasl_enabled": True}, CLIENT),
    ({"sasl": {"enabled": False}}, "amqps://localhost:5671", {"sasl_enabled": False}, CLIENT),
    ({"sasl": {"mechanisms": "PLAIN ANONYMOUS"}}, "amqps://localhost:5671",
     {"sasl_enabled": True, "allowed_mechs": "PLAIN ANONYMOUS"}, CLIENT),
    ({"sasl": {"mechanisms": ""}}, "amqps://localhost:5671", {"sasl_enabled": True}, CLIENT),
    ({"sasl": {"allow_insecure": False}}, "amqps://localhost:5671", {"sasl_enabled": True}, CLIENT),
    ({"tls": {"ca": "ca.pem"}}, "amqps://localhost:5671", {"sasl_enabled": True}, CLIENT + [("ca", "ca.pem")]),
    ({"tls": {"ca": "ca.pem", "verify": False}}, "amqps://localhost:5671", {"sasl_enabled": True},
     CLIENT + [("ca", "ca.pem"), ("peer", "anonymous")]),
    ({"tls": {"verify": 0}}, "amqps://localhost:5671", {"sasl_enabled": True}, CLIENT + [("peer", "anonymous")]),
    ({"tls": {"cert": "c.pem"}}, "amqps://localhost:5671", {"sasl_enabled": True}, CLIENT),
    ({"tls": {"cert": "c.pem", "key": "k.pem", "ca": "ca.pem", "verify": True}}, "amqps://localhost:5671",
     {"sasl_enabled": True}, CLIENT + [("ca", "ca.pem"), ("credentials", "c.pem", "k.pem")]),
    ({"tls": {"enabled": False}}, "amqps://localhost:5671", {"sasl_enabled": True}, CLIENT),
    ({"scheme": "amqp", "tls": {"ca": "x", "verify": False}}, "amqp://localhost:5672", {"sasl_enabled": True}, None),
    ({"host": "[::1]", "scheme": "amqp"}, "amqp://[::1]:5672", {"sasl_enabled": True}, None),
    ({"host": "127.0.0.1", "port": "5672"}, "amqps://127.0.0.1:5672", {"sasl_enabled": True}, CLIENT),
]


@pytest.mark.parametrize("config, url, options, calls", FROM_REFERENCE)
def test_connect_arguments(config, url, options, calls):
    args = reconnect.connect_arguments_from_config(config)
    assert args["url"] == url
    assert args["connect_kwargs"] == options
    assert ssl_calls(args["tls"]) == calls


def test_result_shape():
    args = reconnect.connect_arguments_from_config(
        {"host": "h", "sasl": {"allow_insecure": True}, "tls": {"ca": 7, "cert": "c", "key": "k"}})
    assert args == {
        "url": "amqps://h:5671", "scheme": "amqps", "host": "h", "port": 5671,
        "connect_kwargs": {"sasl_enabled": True},
        "tls": {"ca": "7", "cert": "c", "key": "k", "verify": True},
        "allow_insecure_mechs": True,
    }
    assert reconnect.connect_arguments_from_config({"scheme": "amqp"})["allow_insecure_mechs"] is None


def test_reads_the_file_when_no_config_is_given(places, monkeypatch):
    _, work = places
    path = write(work / "mine.json", '{"scheme": "amqp", "host": "b", "port": 1, "user": "u"} // done')
    monkeypatch.setenv(reconnect.CONNECT_FILE_ENV, str(path))
    args = reconnect.connect_arguments_from_config()
    assert args["url"] == "amqp://b:1"
    assert args["connect_kwargs"] == {"user": "u", "sasl_enabled": True}


# Where cyproton decides differently from python-qpid-proton (see the module docstring).

@pytest.mark.parametrize("config, url, options, calls", [
    # the reference builds "None://None:None" out of nulls
    ({"scheme": None, "host": None, "port": None}, "amqps://localhost:5671", {"sasl_enabled": True}, CLIENT),
    # the reference: "amqps://::1:5671", which Url reads as no host at all
    ({"host": "::1"}, "amqps://[::1]:5671", {"sasl_enabled": True}, CLIENT),
    ({"host": "fe80::1%eth0", "scheme": "amqp"}, "amqp://[fe80::1%eth0]:5672", {"sasl_enabled": True}, None),
    ({"host": "a:b"}, "amqps://a:b:5671", {"sasl_enabled": True}, CLIENT),  # not an address: left alone
    # the reference: "AMQPS://localhost:5672" without its TLS settings
    ({"scheme": "AMQPS"}, "amqps://localhost:5671", {"sasl_enabled": True}, CLIENT),
    # the reference: "verify": null turns verification off; "enabled": null turns SASL off
    ({"tls": {"verify": None}, "sasl": {"enabled": None}}, "amqps://localhost:5671", {"sasl_enabled": True}, CLIENT),
    # the reference fails with AttributeError on "sasl": null and passes a list to the engine as is
    ({"sasl": None, "tls": None}, "amqps://localhost:5671", {"sasl_enabled": True}, CLIENT),
    ({"sasl": {"mechanisms": ["PLAIN", "EXTERNAL"]}}, "amqps://localhost:5671",
     {"sasl_enabled": True, "allowed_mechs": "PLAIN EXTERNAL"}, CLIENT),
])
def test_deliberate_differences(config, url, options, calls):
    args = reconnect.connect_arguments_from_config(config)
    assert (args["url"], args["connect_kwargs"], ssl_calls(args["tls"])) == (url, options, calls)


@pytest.mark.parametrize("config", [{"sasl": "PLAIN"}, {"tls": ["ca.pem"]}])
def test_sections_must_be_objects(config):
    with pytest.raises(ValueError):
        reconnect.connect_arguments_from_config(config)


# --------------------------------------------------------------------------- against the reference

_REFERENCE_SCRIPT = r"""
import json, os, sys
import proton._reactor as R
results = []
class Domain:
    MODE_CLIENT = "client"
    ANONYMOUS_PEER = "anonymous"
    def __init__(self, mode): calls.append(["SSLDomain", mode])
    def set_trusted_ca_db(self, ca): calls.append(["ca", ca])
    def set_peer_authentication(self, mode, db): calls.append(["peer", mode])
    def set_credentials(self, cert, key, password): calls.append(["credentials", cert, key])
def capture(self, url=None, urls=None, handler=None, reconnect=None, heartbeat=None, ssl_domain=None, **kwargs):
    results.append({"url": url, "kwargs": kwargs, "ssl": calls if ssl_domain is not None else None})
R.SSLDomain = Domain
R.Container._connect = capture
container = R.Container.__new__(R.Container)
for path in sys.argv[1:]:
    calls = []
    os.environ["MESSAGING_CONNECT_FILE"] = path
    container.connect()
print(json.dumps(results))
"""


def _reference_python():
    path = os.environ.get("CYPROTON_REF_PYTHON") or os.path.join(REPO_ROOT, ".venv-ref", "bin", "python")
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


def test_same_connect_arguments_as_reference(tmp_path):
    python = _reference_python()
    if python is None:
        pytest.skip("python-qpid-proton's interpreter is not installed (.venv-ref)")
    texts = [json.dumps(config) for config, _, _, _ in FROM_REFERENCE]
    texts.append('// c\n{"host": "x//y", /* c */ "scheme": "amqp", "port": 7, "user": "u", "password": "p"}')
    paths = [str(write(tmp_path / ("c%d.json" % n), text)) for n, text in enumerate(texts)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    done = subprocess.run([python, "-E", "-s", "-c", _REFERENCE_SCRIPT] + paths, env=env, cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for path, expected in zip(paths, json.loads(done.stdout)):
        ours = reconnect.connect_arguments_from_config(reconnect.load_connect_config(path))
        calls = ssl_calls(ours["tls"])
        assert {"url": ours["url"], "kwargs": ours["connect_kwargs"],
                "ssl": None if calls is None else [list(call) for call in calls]} == expected, path


def test_module_exports():
    assert sorted(reconnect.__all__) == sorted([
        "CONNECT_FILE_ENV", "Backoff", "connect_arguments_from_config", "delay_iter", "find_connect_file",
        "load_connect_config", "strip_json_comments"])
    assert sys.modules["proton._reconnect"] is reconnect
