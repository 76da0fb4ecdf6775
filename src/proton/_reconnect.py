# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Reconnect timing (:func:`delay_iter`, :class:`Backoff`) and the connection configuration file.

Reconnect timing
    A reconnect plan is an iterable of delays in seconds. The connector takes one delay per
    address it tries; ``0`` means "try at once". :func:`delay_iter` gives python-qpid-proton's
    sequence ``0, initial, initial*factor, ...`` capped at ``max_delay``. :class:`Backoff` wraps
    it and adds one cyproton extension, ``jitter``, which spreads each non-zero delay randomly so
    that many clients cut off together do not all come back in the same instant.

The configuration file
    When ``Container.connect()`` gets no address at all, python-qpid-proton 0.40 reads a JSON file
    (comments allowed) that names the peer and the security settings::

        {
            "scheme": "amqps",              // default "amqps"
            "host": "broker.example.com",   // default "localhost"
            "port": 5671,                   // default 5671 for amqps, 5672 otherwise
            "user": "alice",                /* used only when non-empty */
            "password": "secret",           /* used only together with "user" */
            "sasl": {"enabled": true, "mechanisms": "PLAIN SCRAM-SHA-256"},
            "tls": {"ca": "ca.pem", "cert": "client.pem", "key": "client-key.pem", "verify": true}
        }

    The file is the one named by the environment variable ``MESSAGING_CONNECT_FILE`` when that is
    set and non-empty (even if no such file exists: then there is no configuration), otherwise the
    first of ``./connect.json``, ``~/.config/messaging/connect.json`` and
    ``/etc/messaging/connect.json`` that exists. It is read again on every such ``connect()``.

    :func:`connect_arguments_from_config` turns the file into the arguments python-qpid-proton
    derives from it. Where this module decides differently, it says so below:

    * a JSON ``null`` counts as "not given" (the reference formats it into the address as
      ``None``, turns ``"verify": null`` into "do not verify", and fails on ``"sasl": null``);
    * the scheme is compared without regard to case (the reference treats ``"AMQPS"`` as plain
      AMQP on port 5672 when choosing the TLS settings);
    * an IPv6 address as host gets brackets in the address (the reference's ``amqps://::1:5671``
      parses to no host at all);
    * a list of SASL mechanisms is joined into the space-separated string the engine expects;
    * ``"sasl": {"allow_insecure": ...}`` and ``"tls": {"enabled": ...}`` are ignored by the
      reference; the first is reported separately (not applied), the second is not read.

Comments in the file are ``// to the end of the line`` and ``/* block */``; a ``//`` or ``/*``
inside a JSON string (``"amqp://host"``) is text, not a comment, as in the reference.

This is a leaf module: it imports only the standard library.
"""

from __future__ import annotations

import ipaddress
import json
import os
import random
import re
from typing import Any, Dict, Iterator, Mapping, Optional

__all__ = [
    "CONNECT_FILE_ENV", "Backoff", "connect_arguments_from_config", "delay_iter", "find_connect_file",
    "load_connect_config", "strip_json_comments",
]

#: The environment variable that names the configuration file.
CONNECT_FILE_ENV = "MESSAGING_CONNECT_FILE"

_CONNECT_FILE_NAME = "connect.json"
_SEARCH_FOLDERS = (".", "~/.config/messaging", "/etc/messaging")


# --------------------------------------------------------------------------- reconnect timing

def delay_iter(initial: float = 0.1, factor: float = 2.0, max_delay: float = 10.0,
               max_tries: Optional[int] = None) -> Iterator[float]:
    """Generate reconnect delays in seconds: ``0.0`` first, then ``initial``, growing by ``factor``.

    Each delay after ``initial`` is the previous one times ``factor``, but never more than
    ``max_delay`` (``initial`` itself is not capped). With the defaults the sequence is
    ``0.0, 0.1, 0.2, 0.4, ..., 6.4, 10.0, 10.0, ...`` and never ends.

    :param initial: the second delay (the first is always ``0.0``).
    :param factor: how much each delay grows over the one before.
    :param max_delay: the ceiling for grown delays.
    :param max_tries: how many delays to give in all, counting the first ``0.0``; ``None`` for no
        limit. Values below 1 still give the single ``0.0``.
    :return: an iterator of ``float`` (or of the type of ``initial``/``max_delay`` when those are
        ints and are returned unchanged).
    """
    yield 0.0
    handed_out = 1
    current = initial
    while max_tries is None or handed_out < max_tries:
        yield current
        handed_out += 1
        grown = factor * current
        current = grown if grown < max_delay else max_delay


class Backoff:
    """An iterable reconnect plan: the delays of :func:`delay_iter`, optionally jittered.

    Pass it as ``reconnect=`` to ``Container.connect()``. Keywords other than ``jitter`` go to
    :func:`delay_iter` unchanged (``initial``, ``factor``, ``max_delay``, ``max_tries``); an
    unknown keyword raises ``TypeError`` here rather than at the first reconnect.

    ``jitter`` is a cyproton extension: a fraction between 0 and 1. Each non-zero delay ``d``
    becomes a random value in ``[d * (1 - jitter), d * (1 + jitter)]``, so it may exceed
    ``max_delay`` by up to that fraction. The default, 0, gives exactly python-qpid-proton's
    sequence. A ``0.0`` delay is never jittered.

    As in python-qpid-proton, iterating a ``Backoff`` twice continues the same sequence
    (``iter()`` returns the one underlying iterator), so the delays keep growing across
    successful reconnects; call :meth:`reset` to start again from ``0.0``.

    :param kwargs: ``jitter`` and the keywords of :func:`delay_iter`.
    :raise ValueError: if ``jitter`` is not a number between 0 and 1.
    :raise TypeError: if a keyword is not one of :func:`delay_iter`'s.

    :ivar kwargs: the keywords handed to :func:`delay_iter` (``jitter`` removed).
    :ivar iter: the current iterator of delays.
    :ivar jitter: the jitter fraction, a ``float``.
    """

    def __init__(self, **kwargs: Any) -> None:
        spread = kwargs.pop("jitter", 0.0)
        if isinstance(spread, bool) or not isinstance(spread, (int, float)) or not 0.0 <= spread <= 1.0:
            raise ValueError("Backoff jitter must be a number from 0 to 1, not %r" % (spread,))
        self.jitter = float(spread)
        self.kwargs = kwargs
        self._random = random.Random()
        self.iter = self._sequence()

    def _sequence(self) -> Iterator[float]:
        plain = delay_iter(**self.kwargs)
        if not self.jitter:
            return plain
        return (self._spread(delay) for delay in plain)

    def _spread(self, delay: float) -> float:
        if not delay:
            return delay
        return delay * (1.0 + self._random.uniform(-self.jitter, self.jitter))

    def reset(self) -> None:
        """Start the plan over: the next delay handed out is ``0.0`` again."""
        self.iter = self._sequence()

    def __iter__(self) -> Iterator[float]:
        return self.iter

    def __next__(self) -> float:
        return next(self.iter)


# --------------------------------------------------------------------------- configuration file

_STRING_OR_SLASH = re.compile(r'["/]')
_QUOTE_OR_ESCAPE = re.compile(r'["\\]')


def _string_end(text: str, opening: int) -> int:
    """Index just past the JSON string whose opening quote is at ``opening`` (or the text's end)."""
    cursor = opening + 1
    while True:
        found = _QUOTE_OR_ESCAPE.search(text, cursor)
        if found is None:
            return len(text)
        if found.group() == "\\":
            cursor = found.start() + 2
        else:
            return found.start() + 1


def strip_json_comments(text: str) -> str:
    """Blank out ``//`` line comments and ``/* */`` block comments from JSON text.

    Each comment becomes one space (a block comment also keeps its line breaks, so error
    positions reported by :mod:`json` still point at the right line). Comment markers inside
    JSON strings are left alone.

    :param text: JSON with comments.
    :return: the text without comments.
    :raise json.JSONDecodeError: if a ``/*`` comment is never closed.
    """
    kept = []
    copied = 0
    cursor = 0
    while True:
        found = _STRING_OR_SLASH.search(text, cursor)
        if found is None:
            break
        at = found.start()
        if found.group() == '"':
            cursor = _string_end(text, at)
            continue
        marker = text[at:at + 2]
        if marker == "//":
            stop = text.find("\n", at)
            resume = len(text) if stop < 0 else stop
            filler = " "
        elif marker == "/*":
            stop = text.find("*/", at + 2)
            if stop < 0:
                raise json.JSONDecodeError("Unterminated /* comment", text, at)
            resume = stop + 2
            filler = " " + "\n" * text.count("\n", at, stop)
        else:
            cursor = at + 1
            continue
        kept.append(text[copied:at])
        kept.append(filler)
        copied = cursor = resume
    kept.append(text[copied:])
    return "".join(kept)


def find_connect_file() -> Optional[str]:
    """Locate the configuration file, as python-qpid-proton 0.40 does.

    :return: the value of ``MESSAGING_CONNECT_FILE`` when set and non-empty (whether or not the
        file exists), else the first existing file of ``./connect.json``,
        ``~/.config/messaging/connect.json`` and ``/etc/messaging/connect.json``, else ``None``.
    """
    named = os.environ.get(CONNECT_FILE_ENV)
    if named:
        return named
    for folder in _SEARCH_FOLDERS:
        candidate = os.path.join(os.path.expanduser(folder), _CONNECT_FILE_NAME)
        if os.path.isfile(candidate):
            return candidate
    return None


def load_connect_config(path: Optional[str] = None) -> Dict[str, Any]:
    """Read the configuration file into a dict, exactly as written (no defaults filled in).

    :param path: the file to read; ``None`` to use :func:`find_connect_file`.
    :return: the parsed JSON object, or ``{}`` when there is no file (or ``path`` is not a
        regular file).
    :raise json.JSONDecodeError: if the file is not valid JSON once comments are removed (the
        message starts with the file name).
    :raise ValueError: if the file holds valid JSON that is not an object.
    :raise OSError: if the file exists but cannot be read.
    """
    if path is None:
        path = find_connect_file()
    if not path or not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8-sig") as source:
        text = source.read()
    try:
        config = json.loads(strip_json_comments(text))
    except json.JSONDecodeError as error:
        raise json.JSONDecodeError("%s: %s" % (path, error.msg), error.doc, error.pos) from None
    if not isinstance(config, dict):
        raise ValueError("%s: the connection configuration must be a JSON object" % path)
    return config


def _given(section: Mapping[str, Any], key: str, fallback: Any) -> Any:
    value = section.get(key)
    return fallback if value is None else value


def _subsection(config: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = config.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError("connection configuration: %r must be a JSON object" % key)
    return value


def connect_arguments_from_config(config: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Work out what ``Container.connect()`` with no address should do.

    :param config: an already loaded configuration; ``None`` to call :func:`load_connect_config`.
    :return: a dict with these keys:

        ``"url"`` (``str``)
            the address to connect to, ``scheme://host:port``.
        ``"scheme"``, ``"host"``, ``"port"``
            its parts after defaults: scheme lower-cased (default ``"amqps"``), host (default
            ``"localhost"``, no brackets), port as written in the file (``int`` or ``str``) or
            5671 for ``amqps`` and 5672 otherwise.
        ``"connect_kwargs"`` (``dict``)
            keywords that replace the caller's own ``connect()`` keywords: ``"sasl_enabled"``
            (always present: the file's ``sasl.enabled``, default ``True``, so a caller's
            ``sasl_enabled=False`` is overridden as in the reference), ``"user"`` (when the file
            has a non-empty user), ``"password"`` (when it also has a non-empty password),
            ``"allowed_mechs"`` (a space-separated ``str``, when ``sasl.mechanisms`` is
            non-empty).
        ``"tls"`` (``dict`` or ``None``)
            ``None`` unless the scheme is ``amqps``. Otherwise a client ``SSLDomain`` is to be
            built from ``{"ca": str | None, "cert": str | None, "key": str | None,
            "verify": bool}``: call ``set_trusted_ca_db(ca)`` when ``ca`` is set,
            ``set_peer_authentication(ANONYMOUS_PEER, None)`` when ``verify`` is false, and
            ``set_credentials(cert, key, None)`` only when both ``cert`` and ``key`` are set.
        ``"allow_insecure_mechs"`` (``bool`` or ``None``)
            the file's ``sasl.allow_insecure``, for information only: python-qpid-proton 0.40
            does not apply it, so it is not in ``connect_kwargs``.

    :raise ValueError: if ``sasl`` or ``tls`` is present but not a JSON object.
    """
    if config is None:
        config = load_connect_config()
    scheme = str(_given(config, "scheme", "amqps")).lower()
    secure = scheme == "amqps"
    host = str(_given(config, "host", "localhost"))
    port = _given(config, "port", 5671 if secure else 5672)
    address_host = host
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if _is_ipv6_address(bare):
        host, address_host = bare, "[%s]" % bare

    options: Dict[str, Any] = {}
    user = config.get("user")
    if user:
        options["user"] = user
        password = config.get("password")
        if password:
            options["password"] = password
    sasl = _subsection(config, "sasl")
    options["sasl_enabled"] = _given(sasl, "enabled", True)
    mechanisms = sasl.get("mechanisms")
    if mechanisms:
        if not isinstance(mechanisms, str):
            mechanisms = " ".join(str(name) for name in mechanisms)
        options["allowed_mechs"] = mechanisms

    tls: Optional[Dict[str, Any]] = None
    if secure:
        section = _subsection(config, "tls")
        tls = {
            "ca": _text_or_none(section.get("ca")),
            "cert": _text_or_none(section.get("cert")),
            "key": _text_or_none(section.get("key")),
            "verify": bool(_given(section, "verify", True)),
        }

    return {
        "url": "%s://%s:%s" % (scheme, address_host, port),
        "scheme": scheme,
        "host": host,
        "port": port,
        "connect_kwargs": options,
        "tls": tls,
        "allow_insecure_mechs": sasl.get("allow_insecure"),
    }


def _is_ipv6_address(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _text_or_none(value: Any) -> Optional[str]:
    return str(value) if value else None
