# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The ``cyproton`` command: send and receive messages with any AMQP 1.0 broker, look inside the
embedded broker, run it, run benchmarks.

::

    cyproton send ADDRESS [connection options] [--body TEXT | --body-file PATH] [--body-format text|json|binary]
                          [--whole-stdin] [--count N] [--rate N] [--durable] [--ttl S] [--priority N]
                          [--subject S] [--content-type T] [--correlation-id ID] [--reply-to ADDR]
                          [--property K=V ...] [--annotation K=V ...] [--at-most-once] [--no-progress] [--quiet]
    cyproton receive ADDRESS [connection options] [--count N | --forever] [--timeout S] [--selector EXPR]
                             [--browse] [--durable [--subscription NAME]] [--format text|json|raw]
    cyproton stat [connection options] [--format text|json]
    cyproton broker [--address HOST:PORT] [--no-auto-create] [--queue Q] [--topic T] [--topic-prefix P]
                    [--dead-letter QUEUE] [--handshake-timeout SECONDS] [--idle-timeout SECONDS] [--verbose]
    cyproton bench ...
    cyproton --version

Connection options: ``--url`` (``amqp://`` or ``amqps://``; without it, the connection configuration
file python-qpid-proton reads, ``connect.json``, when there is one, else ``amqp://127.0.0.1:5672``),
``--user``, ``--password`` / ``--password-file`` / ``--password-env`` (or ``CYPROTON_PASSWORD``),
``--sasl-mechanisms``, ``--ca``, ``--cert``, ``--key``, ``--insecure``, ``--sni``, ``--container-id``,
``--connect-timeout``.

Problems a user can expect (nothing listening, a wrong host name, refused credentials or
certificates, nothing to receive in time) end the command with one line on stderr and a non-zero
exit status, never a traceback: 1 for connection and protocol problems (and messages the peer
did not accept), 2 for bad usage, 3 for a timeout. A password is never printed: wherever it could
appear (a URL, an error from the library) it is written ``***``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from typing import Any, Callable, Deque, Dict, Iterator, List, Optional, Sequence, TextIO, Tuple

from . import __version__
from .amqpjson import from_json, message_to_json, to_json

__all__ = ["main", "message_to_json", "parse_property"]

DEFAULT_URL = "amqp://127.0.0.1:5672"
#: The environment variable read for a password when no other source is given.
PASSWORD_ENV = "CYPROTON_PASSWORD"
#: Schemes the command speaks.
AMQP_SCHEMES = ("amqp", "amqps")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 3

# how many sent messages may wait for their outcome at once
_WINDOW = 1000
# the longest the command waits on the connection at a time, so that Ctrl-C is seen promptly
_SLICE = 0.2


class _Failure(Exception):
    """An expected failure: reported as one line, with an exit status."""

    def __init__(self, text: str, status: int = EXIT_FAILURE) -> None:
        super().__init__(text)
        self.status = status


# -- secrets ------------------------------------------------------------------------------------------

_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s/@:]*:)[^\s/@]*@")
_secrets: List[str] = []     # every password this run knows of, to mask wherever it might show
_where: List[str] = []       # the URL this run connects to, once known (for error messages)


def _keep_secret(secret: Optional[str]) -> None:
    if secret and secret not in _secrets:
        _secrets.append(secret)


def _shown(text: Any, url: Optional[str] = None) -> str:
    """``text`` fit to print: the password of any URL in it, and every password this run was given
    (on the command line, in a file, the environment or connect.json), written ``***``."""
    from urllib.parse import quote

    shown = str(text)
    # the package's own masking of URLs, where it has one
    redacted = getattr(importlib.import_module("proton._url"), "redacted", None)
    if redacted is not None:
        shown = str(redacted(shown, url))
    for secret in sorted(_secrets, key=len, reverse=True):
        shown = shown.replace(secret, "***").replace(quote(secret, safe=""), "***")
    return _CREDENTIALS.sub(lambda m: m.group(1) + "***@", shown)


# -- values -------------------------------------------------------------------------------------------

def parse_property(text: str) -> Tuple[str, Any]:
    """Split ``KEY=VALUE`` into ``(key, value)``: the value becomes an int, a float, a bool
    (``true``/``false``) or stays a string; quote it (``k='12'``) to force a string.

    :raise ValueError: when there is no ``=`` or the key is empty.
    """
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise ValueError(f"a property must look like KEY=VALUE, not {text!r}")
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return key, raw[1:-1]
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return key, lowered == "true"
    for convert in (int, float):
        try:
            return key, convert(raw)
        except ValueError:
            pass
    return key, raw


def _pairs(items: Optional[List[str]], what: str) -> Dict[str, Any]:
    found: Dict[str, Any] = {}
    for item in items or []:
        try:
            key, value = parse_property(item)
        except ValueError as problem:
            raise _Failure(f"{what}: {problem}", EXIT_USAGE) from None
        found[key] = value
    return found


def _body_text(body: Any) -> str:
    if isinstance(body, str):
        return str(body)
    if isinstance(body, (bytes, bytearray, memoryview)):
        try:
            return bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return repr(bytes(body))
    return json.dumps(to_json(body), sort_keys=True)


def _body_raw(body: Any) -> bytes:
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(to_json(body), sort_keys=True).encode("utf-8")


# -- failures ------------------------------------------------------------------------------------------

# "... disconnected: Condition('name', 'description')", the description quoted either way
_CONDITION_RE = re.compile(r"""Condition\('([^']*)'(?:, (['"])(.*)\2)?\)""")


def _condition_text(problem: BaseException) -> Optional[Tuple[str, str]]:
    """``(name, description)`` of the AMQP error condition behind ``problem``, when there is one."""
    for owner in ("link", "connection"):          # LinkDetached, ConnectionClosed
        endpoint = getattr(problem, owner, None)
        condition = getattr(endpoint, "remote_condition", None) if endpoint is not None else None
        if condition is not None and getattr(condition, "name", None):
            return str(condition.name), str(condition.description or "")
    found = _CONDITION_RE.search(str(problem))
    if found is not None:
        return found.group(1), found.group(3) or ""
    return None


def _explain(problem: BaseException, url: str) -> _Failure:
    """Turn an exception from the client API into one line a user can act on."""
    from proton import Timeout

    text = str(problem) or type(problem).__name__
    condition = _condition_text(problem)
    if condition is not None:
        text = condition[1] or condition[0]
    lowered = f"{problem} {text}".lower()
    if isinstance(problem, (Timeout, TimeoutError)):
        return _Failure(f"timed out talking to {url}: {text}", EXIT_TIMEOUT)
    if "certificate" in lowered or "ssl failure" in lowered or ("tls" in lowered and "handshake" in lowered):
        return _Failure(f"TLS failed with {url}: {text}")
    if "unauthorized" in lowered or "authentication" in lowered or "sasl" in lowered:
        return _Failure(f"authentication failed at {url}: {text}")
    if "resolve" in lowered or "name or service" in lowered or "nodename" in lowered or "gaierror" in lowered:
        return _Failure(f"unknown host in {url}: {text}")
    if "refused" in lowered and getattr(problem, "link", None) is None:
        return _Failure(f"connection refused by {url}: {text}")
    if getattr(problem, "link", None) is not None and condition is not None:
        return _Failure(f"the peer at {url} refused the link ({condition[0]}): {text}")
    if condition is not None:
        return _Failure(f"{url} ended the exchange ({condition[0]}): {text}")
    if isinstance(problem, OSError):
        return _Failure(f"cannot connect to {url}: {text}")
    return _Failure(f"{type(problem).__name__} at {url}: {text}")


# -- connecting ------------------------------------------------------------------------------------------

class _Target:
    """Where and how to connect, from the options, connect.json and the defaults."""

    def __init__(self, url: str, keywords: Dict[str, Any], ssl_domain: Any, source: str) -> None:
        self.url = url
        self.keywords = keywords
        self.ssl_domain = ssl_domain
        self.source = source         # "--url", a connect.json path, or "default"

    @property
    def shown(self) -> str:
        return _shown(self.url, self.url)


def _read_password(args: argparse.Namespace) -> Optional[str]:
    given = [name for name in ("password", "password_file", "password_env") if getattr(args, name, None)]
    if len(given) > 1:
        raise _Failure("give the password one way only: --password, --password-file or --password-env", EXIT_USAGE)
    if args.password:
        return str(args.password)
    if args.password_file:
        try:
            with open(args.password_file, encoding="utf-8") as f:
                return f.readline().rstrip("\r\n")
        except OSError as problem:
            raise _Failure(f"cannot read the password file: {problem.strerror or problem}", EXIT_USAGE) from None
    if args.password_env:
        value = os.environ.get(args.password_env)
        if value is None:
            raise _Failure(f"the environment variable {args.password_env} is not set", EXIT_USAGE)
        return value
    return os.environ.get(PASSWORD_ENV) or None


def _check_scheme(url: str) -> str:
    """The scheme of ``url`` (amqp when it has none); anything but amqp and amqps is refused."""
    found = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", url)
    scheme = found.group(1).lower() if found else "amqp"
    if scheme not in AMQP_SCHEMES:
        raise _Failure(f"{_shown(url, url)} is not an AMQP address: the URL must start with amqp:// or amqps:// "
                       f"(this command speaks AMQP 1.0, not {scheme})", EXIT_USAGE)
    return scheme


def _target(args: argparse.Namespace) -> _Target:
    from proton import SSLDomain, Url
    from proton._reconnect import connect_arguments_from_config, find_connect_file, load_connect_config

    keywords: Dict[str, Any] = {}
    tls: Optional[Dict[str, Any]] = None
    if args.url:
        url, source = args.url, "--url"
    else:
        path = find_connect_file()
        if path is not None and os.path.exists(path):
            try:
                settings = connect_arguments_from_config(load_connect_config(path))
            except (OSError, ValueError) as problem:
                raise _Failure(f"cannot use the connection file {path}: {problem}", EXIT_USAGE) from None
            url, source = settings["url"], path
            keywords.update(settings["connect_kwargs"])
            tls = settings["tls"]
            _keep_secret(keywords.get("password"))
        else:
            url, source = DEFAULT_URL, "default"
    _where[:] = [url]
    scheme = _check_scheme(url)
    try:
        parsed = Url(url)
    except ValueError as problem:
        raise _Failure(f"bad URL {_shown(url, url)!r}: {problem}", EXIT_USAGE) from None
    _keep_secret(parsed.password)
    password = _read_password(args)
    _keep_secret(password)
    if args.user:
        keywords["user"] = args.user
    if password is not None:
        keywords["password"] = password
        if "user" not in keywords and not parsed.username:
            raise _Failure("a password needs a user: give --user (or put it in the URL)", EXIT_USAGE)
    if args.sasl_mechanisms:
        keywords["allowed_mechs"] = " ".join(args.sasl_mechanisms.replace(",", " ").split())
    if args.container_id:
        keywords["container_id"] = args.container_id
    if args.sni:
        keywords["sni"] = args.sni
    tls_flags = [flag for flag, value in (("--ca", args.ca), ("--cert", args.cert), ("--key", args.key),
                                           ("--insecure", args.insecure), ("--sni", args.sni)) if value]
    domain = None
    if scheme == "amqps":
        tls = dict(tls or {"ca": None, "cert": None, "key": None, "verify": True})
        if args.ca:
            tls["ca"] = args.ca
        if args.cert or args.key:
            if not (args.cert and args.key):
                raise _Failure("--cert and --key go together", EXIT_USAGE)
            tls["cert"], tls["key"] = args.cert, args.key
        if args.insecure:
            tls["verify"] = False
        for option in ("ca", "cert", "key"):
            if tls.get(option) and not os.path.exists(str(tls[option])):
                raise _Failure(f"--{option}: no such file: {tls[option]}", EXIT_USAGE)
        domain = SSLDomain(SSLDomain.MODE_CLIENT)
        if tls.get("ca"):
            domain.set_trusted_ca_db(str(tls["ca"]))
        if tls["verify"]:
            domain.set_peer_authentication(SSLDomain.VERIFY_PEER_NAME, tls.get("ca"))
        else:
            domain.set_peer_authentication(SSLDomain.ANONYMOUS_PEER)
        if tls.get("cert") and tls.get("key"):
            domain.set_credentials(str(tls["cert"]), str(tls["key"]), None)
    elif tls_flags:
        raise _Failure(f"{', '.join(tls_flags)} need{'s' if len(tls_flags) == 1 else ''} an amqps:// URL "
                       f"(TLS), not {_shown(url, url)}", EXIT_USAGE)
    return _Target(url, keywords, domain, source)


def _connect(target: _Target, timeout: float) -> Any:
    from proton.utils import BlockingConnection

    try:
        return BlockingConnection(target.url, timeout=timeout, ssl_domain=target.ssl_domain, **target.keywords)
    except ValueError as problem:
        raise _Failure(f"bad URL {target.shown!r}: {_shown(problem)}", EXIT_USAGE) from None


def _address(args: argparse.Namespace, target: _Target) -> str:
    """The address from the command line, else the path of the URL."""
    if args.address:
        return str(args.address)
    from proton import Url

    path = Url(target.url).path
    if path:
        return str(path)
    raise _Failure("no address: name one (or put it in the URL's path, amqp://host/ADDRESS)", EXIT_USAGE)


def _open_link(connection: Any, target: _Target, make: Callable[[], Any]) -> Any:
    """``make()`` (a create_sender/create_receiver call); a peer that ends the whole session instead
    of refusing the link (RabbitMQ does, for a missing queue) is reported as such, not as a timeout."""
    from proton import Timeout

    try:
        return make()
    except Timeout:
        conn = getattr(connection, "conn", None)
        session = conn.session_head(0) if conn is not None else None
        while session is not None:
            condition = session.remote_condition
            if condition is not None and condition.name:
                raise _Failure(f"the peer at {target.shown} ended the session ({condition.name}): "
                               f"{_shown(condition.description or condition.name)}") from None
            session = session.next(0)
        raise


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # the connection may already be gone; the command's outcome is decided
        pass


class _Interrupts:
    """Ctrl-C and SIGTERM ask the command to stop at the next message boundary (rather than raise
    wherever the loop happens to be), so that it can close the connection cleanly."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self._previous: Dict[int, Any] = {}

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGINT, signal.SIGTERM):
                self._previous[number] = signal.signal(number, self._ask)
        return self

    def _ask(self, signum: int, frame: Any) -> None:
        self.stop.set()

    def __exit__(self, *exc: Any) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)


def _wait_for(connection: Any, condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Serve the connection until ``condition()`` holds, checking it at least every :data:`_SLICE`
    seconds (a wait on the connection alone may sleep through a condition that became true without
    an event); :class:`proton.Timeout` after ``timeout`` seconds."""
    from proton import Timeout

    deadline = time.monotonic() + timeout
    while not condition():
        left = deadline - time.monotonic()
        if left <= 0:
            raise Timeout(f"{what}: no answer in {timeout:g}s")
        try:
            connection.wait(condition, timeout=min(left, _SLICE))
        except Timeout:
            pass


def _pause(connection: Any, seconds: float, stop: threading.Event) -> None:
    """Keep the connection served for ``seconds`` (or until asked to stop)."""
    from proton import Timeout

    deadline = time.monotonic() + seconds
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            connection.wait(stop.is_set, timeout=min(left, _SLICE))
        except Timeout:
            pass


# -- send ------------------------------------------------------------------------------------------------

class _Progress:
    """One status line on stderr, rewritten in place while a long run goes on; only on a terminal."""

    def __init__(self, enabled: bool, verb: str, total: Optional[int]) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.verb = verb
        self.total = total
        self.started = time.monotonic()
        self.next_at = self.started + 0.5
        self.shown = False

    def update(self, done: int, outcomes: Dict[str, int], final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not final and now < self.next_at:
            return
        self.next_at = now + 0.5
        rate = done / max(now - self.started, 1e-6)
        of = f"/{self.total}" if self.total else ""
        tail = ", ".join(f"{count} {name}" for name, count in outcomes.items() if count)
        sys.stderr.write(f"\r\033[K{self.verb} {done}{of} ({rate:,.0f} msg/s){': ' + tail if tail else ''}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _parse_body(text: str, form: str, where: str) -> Any:
    if form == "json":
        try:
            return from_json(json.loads(text))
        except ValueError as problem:
            raise _Failure(f"{where} is not JSON a message body can hold: {problem}", EXIT_USAGE) from None
    return text


def _bodies(args: argparse.Namespace) -> Tuple[Iterator[Any], Optional[int]]:
    """The bodies to send and, when known, how many."""
    form = args.body_format
    if args.body is not None or args.body_file is not None:
        if args.body is not None:
            body: Any = args.body.encode("utf-8") if form == "binary" else _parse_body(args.body, form, "--body")
        else:
            try:
                with open(args.body_file, "rb") as f:
                    raw = f.read()
            except OSError as problem:
                raise _Failure(f"cannot read {args.body_file}: {problem.strerror or problem}", EXIT_USAGE) from None
            if form == "binary":
                body = raw
            else:
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise _Failure(f"{args.body_file} is not UTF-8 text: send it with --body-format binary",
                                   EXIT_USAGE) from None
                body = _parse_body(text, form, args.body_file)
        count = 1 if args.count is None else args.count
        return (body for _ in range(count)), count
    if form == "binary" or args.whole_stdin:
        raw = sys.stdin.buffer.read()
        if form == "binary":
            body = raw
        else:
            text = raw.decode("utf-8", "replace")
            if text.endswith("\n"):      # what `echo text |` adds
                text = text[:-1]
            body = _parse_body(text, form, "stdin")
        count = 1 if args.count is None else args.count
        return (body for _ in range(count)), count

    def lines() -> Iterator[Any]:
        for number, line in enumerate(sys.stdin, 1):
            if args.count is not None and number > args.count:
                return
            yield _parse_body(line.rstrip("\r\n"), form, f"stdin line {number}")
    return lines(), args.count


def _template(args: argparse.Namespace, address: str) -> Dict[str, Any]:
    fields: Dict[str, Any] = {"address": address, "durable": args.durable}
    if args.ttl is not None:
        fields["ttl"] = args.ttl
    if args.priority is not None:
        fields["priority"] = args.priority
    for name in ("subject", "content_type", "correlation_id", "reply_to"):
        value = getattr(args, name)
        if value is not None:
            fields[name] = value
    properties = _pairs(args.property, "--property")
    if properties:
        fields["properties"] = properties
    annotations = _pairs(args.annotation, "--annotation")
    if annotations:
        fields["annotations"] = annotations
    return fields


def _cmd_send(args: argparse.Namespace, out: TextIO) -> int:
    from proton import Delivery, Message
    from proton.reactor import AtLeastOnce, AtMostOnce

    if args.count is not None and args.count < 1:
        raise _Failure("--count must be at least 1", EXIT_USAGE)
    if args.rate is not None and args.rate <= 0:
        raise _Failure("--rate must be more than 0", EXIT_USAGE)
    if args.priority is not None and not 0 <= args.priority <= 255:
        raise _Failure("--priority must be from 0 to 255", EXIT_USAGE)
    if args.ttl is not None and args.ttl < 0:
        raise _Failure("--ttl cannot be negative", EXIT_USAGE)
    target = _target(args)
    address = _address(args, target)
    fields = _template(args, address)
    bodies, total = _bodies(args)
    numbered = total is None or total > 1
    outcomes: Dict[str, int] = {"accepted": 0, "rejected": 0, "released": 0, "modified": 0, "unsettled": 0}
    names = {Delivery.ACCEPTED: "accepted", Delivery.REJECTED: "rejected", Delivery.RELEASED: "released",
             Delivery.MODIFIED: "modified"}
    first_refusal: List[str] = []
    connection = _connect(target, args.connect_timeout)
    sent = 0
    progress = _Progress(not args.no_progress and not args.quiet, "sent", total)
    in_flight: Deque[Any] = deque()

    def collect() -> None:
        while in_flight and in_flight[0].settled:
            delivery = in_flight.popleft()
            name = names.get(delivery.remote_state, "unsettled")
            outcomes[name] += 1
            if name != "accepted" and not first_refusal:
                condition = delivery.remote.condition
                first_refusal.append(f" ({condition.name}: {condition.description})" if condition else "")

    try:
        option = AtMostOnce() if args.at_most_once else AtLeastOnce()
        link = _open_link(connection, target, lambda: connection.create_sender(address, options=option)).link
        interval = 1.0 / args.rate if args.rate else 0.0
        started = time.monotonic()
        with _Interrupts() as interrupts:
            for body in bodies:
                if interrupts.stop.is_set():
                    break
                message = Message(body=body, **fields)
                if numbered:
                    message.id = sent + 1
                delivery = link.send(message)
                sent += 1
                if not args.at_most_once:
                    in_flight.append(delivery)
                    collect()
                    if len(in_flight) >= _WINDOW:
                        _wait_for(connection, lambda: in_flight[0].settled or interrupts.stop.is_set(),
                                  args.timeout, "waiting for outcomes")
                        collect()
                if interval:
                    _pause(connection, started + sent * interval - time.monotonic(), interrupts.stop)
                progress.update(sent, outcomes)
            # everything sent is settled by the peer (at-least-once) or written out (at-most-once)
            _wait_for(connection, lambda: all(d.settled for d in in_flight), args.timeout, "waiting for outcomes")
            collect()
            if args.at_most_once:
                _wait_for(connection, lambda: link.queued == 0, args.timeout, "sending")
        progress.update(sent, outcomes, final=True)
    finally:
        progress.close()
        _close_quietly(connection)
    mode = "at-most-once" if args.at_most_once else "at-least-once"
    refused = sent - outcomes["accepted"] if not args.at_most_once else 0
    if not args.quiet:
        line = f"sent {sent} message{'s' if sent != 1 else ''} to {address} ({mode})"
        if refused:
            line += ": " + ", ".join(f"{count} {name}" for name, count in outcomes.items() if count)
        out.write(line + "\n")
    if refused:
        raise _Failure(f"{refused} of {sent} messages were not accepted by {target.shown}{first_refusal[0]}")
    return EXIT_OK


# -- receive ------------------------------------------------------------------------------------------------

def _cmd_receive(args: argparse.Namespace, out: TextIO) -> int:
    from proton import Timeout
    from proton.reactor import Copy, DurableSubscription, Selector

    if args.count < 0:
        raise _Failure("--count cannot be negative", EXIT_USAGE)
    if args.selector is not None:
        from .selector import Selector as Check, SelectorError

        try:
            Check(args.selector)
        except SelectorError as problem:
            raise _Failure(f"bad selector: {problem}", EXIT_USAGE) from None
    if args.subscription and not args.durable:
        raise _Failure("--subscription names a durable subscription: add --durable", EXIT_USAGE)
    if args.durable and args.browse:
        raise _Failure("--browse and --durable do not go together", EXIT_USAGE)
    target = _target(args)
    address = _address(args, target)
    if args.durable and "container_id" not in target.keywords:
        # the broker knows a durable subscription by container id and link name: both must be the same next time
        target.keywords["container_id"] = f"cyproton-cli-{os.uname().nodename}"
    options: List[Any] = []
    if args.selector is not None:
        options.append(Selector(args.selector))
    if args.browse:
        options.append(Copy())
    if args.durable:
        options.append(DurableSubscription())
    name = (args.subscription or address) if args.durable else None
    connection = _connect(target, args.connect_timeout)
    received = 0
    binary_out = getattr(out, "buffer", None)
    try:
        credit = args.count if 0 < args.count < 100 else 100
        receiver = _open_link(connection, target, lambda: connection.create_receiver(
            address, credit=credit, options=options or None, name=name))
        with _Interrupts() as interrupts:
            idle_since = time.monotonic()
            while (args.count == 0 or received < args.count) and not interrupts.stop.is_set():
                try:
                    message = receiver.receive(timeout=_SLICE)
                except Timeout:
                    if args.forever or time.monotonic() - idle_since < args.timeout:
                        continue
                    if args.count and received < args.count:
                        raise _Failure(f"timed out after {args.timeout:g}s with {received} of {args.count} "
                                       f"messages from {address}", EXIT_TIMEOUT) from None
                    break
                # written and flushed before it is accepted: an interruption may repeat a message, never lose one
                if args.format == "json":
                    out.write(json.dumps(message_to_json(message), sort_keys=True) + "\n")
                elif args.format == "raw":
                    if binary_out is not None:
                        out.flush()
                        binary_out.write(_body_raw(message.body))
                        binary_out.flush()
                    else:
                        out.write(_body_raw(message.body).decode("utf-8", "replace"))
                else:
                    out.write(_body_text(message.body) + "\n")
                out.flush()
                receiver.accept()
                received += 1
                idle_since = time.monotonic()
            if args.durable:
                receiver.link.detach()     # detached, not closed: the subscription stays
    finally:
        _close_quietly(connection)
    if args.forever and not args.quiet:
        sys.stderr.write(f"received {received} message{'s' if received != 1 else ''} from {address}\n")
    return EXIT_OK


# -- stat -----------------------------------------------------------------------------------------------------

def _cmd_stat(args: argparse.Namespace, out: TextIO) -> int:
    from proton import LinkException, Message, symbol
    from proton.utils import SyncRequestResponse

    from .broker import PRODUCT, STAT_ADDRESS

    target = _target(args)
    connection = _connect(target, args.connect_timeout)
    try:
        properties = connection.conn.remote_properties or {}
        product = properties.get(symbol("product"))
        if product != PRODUCT:
            what = f"{product} " if isinstance(product, str) and product else ""
            raise _Failure(f"the peer at {target.shown} is a {what}broker, not cyproton's embedded broker: "
                           f"cyproton stat shows only that one (its 'product' connection property is {PRODUCT!r})")
        try:
            client = SyncRequestResponse(connection, STAT_ADDRESS)
            reply = client.call(Message(body=None, subject="stat"))
        except LinkException as problem:
            condition = _condition_text(problem)
            why = f" ({condition[0]}: {condition[1]})" if condition else ""
            raise _Failure(f"the peer at {target.shown} does not answer at {STAT_ADDRESS}: "
                           f"cyproton stat works with cyproton's embedded broker{why}") from None
    finally:
        _close_quietly(connection)
    report = reply.body
    if not isinstance(report, dict) or "queues" not in report:
        raise _Failure(f"the peer at {target.shown} answered at {STAT_ADDRESS} with something else "
                       f"than a broker report")
    if args.format == "json":
        out.write(json.dumps(to_json(report), sort_keys=True) + "\n")
        return EXIT_OK
    _print_report(report, target.shown, out)
    return EXIT_OK


def _table(out: TextIO, title: str, columns: Sequence[str], rows: List[List[Any]]) -> None:
    out.write(f"{title} ({len(rows)})\n")
    if not rows:
        return
    cells = [list(columns)] + [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    for row in cells:
        text = "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
        out.write("  " + text.rstrip() + "\n")


def _print_report(report: Dict[str, Any], url: str, out: TextIO) -> None:
    totals = report.get("totals", {})
    out.write(f"cyproton broker {report.get('container_id', '')} at {url}: {totals.get('messages', 0)} messages on "
              f"{totals.get('queues', 0)} queues, {totals.get('connections', 0)} connections, "
              f"{totals.get('links', 0)} links, {totals.get('transactions', 0)} open transactions\n")
    _table(out, "queues", ["name", "depth", "consumers", "browsers", "unacked"],
           [[q["name"], q["depth"], q["consumers"], q["browsers"], q["unacked"]] for q in report.get("queues", [])])
    _table(out, "topics", ["name", "subscriptions", "backlog"],
           [[t["name"], t["subscriptions"], t["backlog"]] for t in report.get("topics", [])])
    durable = report.get("durable_subscriptions", [])
    if durable:
        _table(out, "durable subscriptions", ["name", "depth", "attached"],
               [[d["name"], d["depth"], "yes" if d["attached"] else "no"] for d in durable])
    connections = report.get("connections", [])
    _table(out, "connections", ["container id", "peer", "user", "links"],
           [[c["container_id"], c["peer"], c["user"], len(c["links"])] for c in connections])
    rows = [[c["container_id"], link["role"], link["address"], link["credit"], link.get("unacked", "")]
            for c in connections for link in c["links"]]
    _table(out, "links", ["connection", "role", "address", "credit", "unacked"], rows)


# -- broker, bench, version -----------------------------------------------------------------------------------

def _cmd_broker(args: argparse.Namespace, out: TextIO) -> int:
    import logging

    from .broker import Broker

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        broker = Broker(address=args.address, auto_create=not args.no_auto_create, topic_prefix=args.topic_prefix,
                        dead_letter=args.dead_letter, queues=args.queue or (), topics=args.topic or (),
                        handshake_timeout=args.handshake_timeout or None, idle_timeout=args.idle_timeout or None)
    except ValueError as problem:   # not a HOST:PORT address
        raise _Failure(str(problem), EXIT_USAGE) from None
    try:
        broker.start()
    except Exception as problem:   # address in use, no such interface, bad address...
        text = str(problem)
        if not text.startswith("cannot listen"):
            text = f"cannot listen on {args.address}: {text}"
        raise _Failure(text) from None
    out.write(f"cyproton broker listening on {broker.url}\n")
    out.flush()
    finished = threading.Event()

    def ask_to_stop(signum: int, frame: Any) -> None:
        finished.set()

    previous = {signal.SIGTERM: signal.signal(signal.SIGTERM, ask_to_stop)}
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, ask_to_stop)
    try:
        while not finished.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        broker.stop()
    out.write("cyproton broker stopped\n")
    return EXIT_OK


def _cmd_bench(args: argparse.Namespace, out: TextIO) -> int:
    try:
        module = importlib.import_module("cyproton.bench")
    except ImportError as problem:
        if problem.name not in ("cyproton.bench", None):
            raise _Failure(f"the benchmarks could not be loaded: {problem}") from None
        module = None
    runner: Optional[Callable[[List[str]], int]] = getattr(module, "main", None) if module is not None else None
    if runner is None:
        raise _Failure("the benchmarks are not available in this installation (cyproton.bench.main is missing)")
    return int(runner(list(args.bench_args)) or 0)


def _print_version(out: TextIO) -> int:
    from . import build_info

    out.write(f"cyproton {__version__}\n")
    try:
        info = build_info()
    except ImportError as problem:
        out.write(f"  (the compiled extension is unavailable: {problem})\n")
        return EXIT_FAILURE
    out.write(f"  engine: Qpid Proton-C {info.get('engine_version', 'unknown')}\n")
    out.write(f"  TLS:    {info.get('tls', 'unknown')}\n")
    out.write(f"  SASL:   {info.get('sasl', 'unknown')}\n")
    for key in sorted(k for k in info if k not in ("engine_version", "tls", "sasl")):
        out.write(f"  {key}: {info[key]}\n")
    return EXIT_OK


# -- the parser ----------------------------------------------------------------------------------------

def _seconds(text: str) -> float:
    """A duration argument: a number of seconds, not negative."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    return value


def _connection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection")
    group.add_argument("--url", help=f"amqp://[USER[:PASSWORD]@]HOST[:PORT] or amqps://... (default: the "
                                     f"connect.json python-qpid-proton reads, if any, else {DEFAULT_URL})")
    group.add_argument("--user", help="the user name to authenticate as (SASL)")
    group.add_argument("--password", help="the password (visible to other users of this machine: prefer "
                                          f"--password-file or --password-env; default ${PASSWORD_ENV})")
    group.add_argument("--password-file", metavar="PATH", help="read the password from the first line of PATH")
    group.add_argument("--password-env", metavar="VAR", help="read the password from the environment variable VAR")
    group.add_argument("--sasl-mechanisms", metavar="MECHS",
                       help='the SASL mechanisms to allow, e.g. "SCRAM-SHA-256 PLAIN" (default: any)')
    group.add_argument("--ca", metavar="PEM", help="trust the certificates this CA signed (amqps)")
    group.add_argument("--cert", metavar="PEM", help="this client's certificate (amqps; with --key)")
    group.add_argument("--key", metavar="PEM", help="the private key of --cert")
    group.add_argument("--insecure", action="store_true",
                       help="do not check the server's certificate or name (amqps; for tests only)")
    group.add_argument("--sni", metavar="HOST", help="the server name to ask for in the TLS handshake")
    group.add_argument("--container-id", metavar="ID", help="this client's AMQP container id")
    group.add_argument("--connect-timeout", type=float, default=10.0, metavar="SECONDS",
                       help="seconds to wait for the connection to open (default 10)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cyproton`` command."""
    parser = argparse.ArgumentParser(prog="cyproton", description="AMQP 1.0 messaging tools from cyproton.")
    parser.add_argument("--version", action="store_true", help="print the version and the build and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    send = commands.add_parser("send", help="send messages to an address",
                               description="Send messages: by default one per line of standard input.")
    send.add_argument("address", nargs="?", help="the queue or topic to send to (default: the URL's path)")
    _connection_options(send)
    body = send.add_argument_group("bodies")
    source = body.add_mutually_exclusive_group()
    source.add_argument("--body", help="the body (sent --count times); default: one message per line of stdin")
    source.add_argument("--body-file", metavar="PATH", help="the body is the content of PATH (sent --count times)")
    source.add_argument("--whole-stdin", action="store_true", help="all of stdin is one body (sent --count times)")
    body.add_argument("--body-format", choices=("text", "json", "binary"), default="text",
                      help="text (an AMQP string, the default), json (a value, see cyproton.amqpjson) or binary "
                           "(the bytes as they are; from stdin, all of it)")
    send.add_argument("--count", type=int, help="how many messages (default 1, or every line of stdin)")
    send.add_argument("--rate", type=float, metavar="N", help="send at most N messages a second")
    fields = send.add_argument_group("message fields")
    fields.add_argument("--durable", action="store_true", help="mark the messages durable")
    fields.add_argument("--ttl", type=float, metavar="SECONDS", help="time to live of each message")
    fields.add_argument("--priority", type=int, metavar="N", help="priority, 0 to 255 (AMQP's default is 4)")
    fields.add_argument("--subject", help="the subject")
    fields.add_argument("--content-type", metavar="TYPE", help="the content type, e.g. application/json")
    fields.add_argument("--correlation-id", metavar="ID", help="the correlation id")
    fields.add_argument("--reply-to", metavar="ADDRESS", help="where replies should go")
    fields.add_argument("--property", "-p", action="append", metavar="KEY=VALUE",
                        help="an application property (repeatable); numbers and true/false are typed")
    fields.add_argument("--annotation", "-a", action="append", metavar="KEY=VALUE",
                        help="a message annotation (repeatable; keys become symbols, e.g. x-opt-...)")
    mode = send.add_mutually_exclusive_group()
    mode.add_argument("--at-most-once", action="store_true", help="send presettled (fire and forget)")
    mode.add_argument("--at-least-once", action="store_true", help="wait for each outcome (default)")
    send.add_argument("--timeout", type=float, default=10.0,
                      help="seconds to wait for the broker's outcomes (default 10)")
    send.add_argument("--no-progress", action="store_true", help="no progress line (there is none unless "
                                                                 "stderr is a terminal)")
    send.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")

    receive = commands.add_parser("receive", help="receive messages from an address")
    receive.add_argument("address", nargs="?", help="the queue or topic to receive from (default: the URL's path)")
    _connection_options(receive)
    receive.add_argument("--count", type=int, default=0,
                         help="stop after this many messages; fewer in time is an error (default 0: no limit)")
    receive.add_argument("--forever", action="store_true",
                         help="wait for messages until interrupted (Ctrl-C or SIGTERM end it cleanly)")
    receive.add_argument("--timeout", type=float, default=5.0,
                         help="seconds to wait for each message; with no --count, the end (default 5)")
    receive.add_argument("--selector", help="only messages matching this JMS selector")
    receive.add_argument("--browse", action="store_true", help="look at the messages, leaving them on the queue")
    receive.add_argument("--durable", action="store_true",
                         help="a durable topic subscription: messages sent while away wait for the next run")
    receive.add_argument("--subscription", metavar="NAME",
                         help="the durable subscription's name (default: the address)")
    receive.add_argument("--format", choices=("text", "body", "json", "raw"), default="text",
                         help="text: each body as text (default; 'body' is the same), json: each message as one "
                              "JSON line with every section and its types, raw: the bodies' bytes as they are")
    receive.add_argument("--quiet", "-q", action="store_true", help="no summary line after --forever")

    stat = commands.add_parser("stat", help="show the queues, connections and links of cyproton's broker")
    _connection_options(stat)
    stat.add_argument("--format", choices=("text", "json"), default="text", help="tables (default) or JSON")

    broker = commands.add_parser("broker", help="run the embedded AMQP broker")
    broker.add_argument("--address", default="127.0.0.1:5672", help="HOST:PORT to listen on (default 127.0.0.1:5672)")
    broker.add_argument("--no-auto-create", action="store_true",
                        help="refuse links to queues and topics not declared with --queue/--topic")
    broker.add_argument("--queue", action="append", metavar="NAME", help="declare a queue (repeatable)")
    broker.add_argument("--topic", action="append", metavar="NAME", help="declare a topic (repeatable)")
    broker.add_argument("--topic-prefix", default="topic://",
                        help="addresses with this prefix are topics (default topic://; '' turns it off)")
    broker.add_argument("--dead-letter", metavar="QUEUE", help="queue for rejected messages (default: drop them)")
    broker.add_argument("--handshake-timeout", type=_seconds, default=10.0, metavar="SECONDS",
                        help="disconnect clients that have not sent their AMQP open this long after connecting "
                             "(default 10; 0 turns it off)")
    broker.add_argument("--idle-timeout", type=_seconds, default=None, metavar="SECONDS",
                        help="drop clients silent for this long, asking them for heartbeats at half of it "
                             "(default: none)")
    broker.add_argument("--verbose", "-v", action="store_true", help="log connections and refusals")

    bench = commands.add_parser("bench", help="run the benchmarks (options are the benchmark driver's)",
                                add_help=False)
    bench.add_argument("bench_args", nargs=argparse.REMAINDER)
    return parser


_COMMANDS: Dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "send": _cmd_send, "receive": _cmd_receive, "stat": _cmd_stat, "broker": _cmd_broker, "bench": _cmd_bench,
}


def _bench_url(args: argparse.Namespace) -> Optional[str]:
    """The ``--url`` among the benchmark driver's options, if any."""
    options = list(getattr(args, "bench_args", None) or ())
    for i, option in enumerate(options):
        if option == "--url" and i + 1 < len(options):
            return str(options[i + 1])
        if option.startswith("--url="):
            return str(option[len("--url="):])
    return None


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``cyproton`` command with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["bench"]:   # everything after 'bench' belongs to the benchmark driver
        args = argparse.Namespace(command="bench", bench_args=arguments[1:], version=False)
    else:
        args = build_parser().parse_args(arguments)
    if args.version:
        return _print_version(sys.stdout)
    if not args.command:
        build_parser().print_help(sys.stderr)
        return EXIT_USAGE
    url = getattr(args, "url", None) or getattr(args, "address", None) or _bench_url(args) or ""   # to keep secret
    _keep_secret(getattr(args, "password", None))
    try:
        return _COMMANDS[args.command](args, sys.stdout)
    except _Failure as failure:
        sys.stderr.write(_shown(f"cyproton {args.command}: {failure}\n", url))
        return failure.status
    except KeyboardInterrupt:
        sys.stderr.write(f"cyproton {args.command}: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_FAILURE
    except Exception as problem:  # anything the client API raises for a failed exchange
        from proton import ProtonException

        if isinstance(problem, (ProtonException, OSError, TimeoutError)):
            where = _where[0] if _where else url or DEFAULT_URL
            explained = _explain(problem, _shown(where, where))
            sys.stderr.write(_shown(f"cyproton {args.command}: {explained}\n", url))
            return explained.status
        # Not an expected failure: the traceback is printed, but with every password masked in it.
        import traceback

        lines = traceback.format_exception(type(problem), problem, problem.__traceback__)
        sys.stderr.write(_shown("".join(lines), url))
        return EXIT_FAILURE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
