# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The ``cyproton`` command: send and receive messages, run the embedded broker, run benchmarks.

::

    cyproton send ADDRESS [--url URL] [--count N] [--body TEXT] [--property K=V ...]
                          [--durable] [--ttl SECONDS] [--at-most-once | --at-least-once]
    cyproton receive ADDRESS [--url URL] [--count N] [--timeout SECONDS] [--selector EXPR]
                             [--format body|json]
    cyproton broker [--address HOST:PORT] [--no-auto-create] [--topic-prefix PREFIX]
                    [--dead-letter QUEUE] [--verbose]
    cyproton bench ...
    cyproton --version

Problems a user can expect (nothing listening, a wrong host name, refused credentials, nothing to
receive in time) end the command with one line on stderr and a non-zero exit status, never a
traceback: 1 for connection and protocol problems, 2 for bad usage, 3 for a timeout. A password
given in ``--url`` is never printed: every message shows it as ``***``.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import decimal
import json
import re
import signal
import sys
import threading
import uuid
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Tuple

from . import __version__

__all__ = ["main", "message_to_json", "parse_property"]

DEFAULT_URL = "amqp://127.0.0.1:5672"

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 3


class _Failure(Exception):
    """An expected failure: reported as one line, with an exit status."""

    def __init__(self, text: str, status: int = EXIT_FAILURE) -> None:
        super().__init__(text)
        self.status = status


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


def _plain(value: Any) -> Any:
    """An AMQP value as something :mod:`json` can write: binary as ``{"base64": ...}``, UUIDs and
    decimals tagged, described values as ``{"descriptor": ..., "value": ...}``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str(value)          # symbol and char are str subclasses
    if isinstance(value, int):
        return int(value)          # ulong, timestamp and friends
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, uuid.UUID):
        return {"uuid": str(value)}
    if isinstance(value, decimal.Decimal):
        return {"decimal": str(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    descriptor = getattr(value, "descriptor", None)
    if descriptor is not None and hasattr(value, "value"):
        return {"descriptor": _plain(descriptor), "value": _plain(value.value)}
    elements = getattr(value, "elements", None)
    if elements is not None:
        return [_plain(v) for v in elements]
    return str(value)


def _timestamp(seconds: Any) -> Optional[str]:
    if not seconds:
        return None
    return datetime.datetime.fromtimestamp(float(seconds), datetime.timezone.utc).isoformat()


def message_to_json(message: Any) -> Dict[str, Any]:
    """Every field of ``message`` (a :class:`proton.Message`) as a JSON-ready dict."""
    return {
        "address": message.address,
        "id": _plain(message.id),
        "correlation_id": _plain(message.correlation_id),
        "subject": message.subject,
        "reply_to": message.reply_to,
        "content_type": _plain(message.content_type),
        "content_encoding": _plain(message.content_encoding),
        "user_id": _plain(message.user_id) if message.user_id else None,
        "group_id": message.group_id,
        "group_sequence": message.group_sequence,
        "reply_to_group_id": message.reply_to_group_id,
        "creation_time": _timestamp(message.creation_time),
        "expiry_time": _timestamp(message.expiry_time),
        "durable": bool(message.durable),
        "priority": message.priority,
        "ttl": message.ttl,
        "first_acquirer": bool(message.first_acquirer),
        "delivery_count": message.delivery_count,
        "instructions": _plain(message.instructions),
        "annotations": _plain(message.annotations),
        "properties": _plain(message.properties),
        "body": _plain(message.body),
    }


def _body_text(body: Any) -> str:
    if isinstance(body, str):
        return str(body)
    if isinstance(body, (bytes, bytearray, memoryview)):
        try:
            return bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return repr(bytes(body))
    return json.dumps(_plain(body), sort_keys=True)


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


def _connect(url: str, timeout: Optional[float]) -> Any:
    from proton.utils import BlockingConnection

    try:
        return BlockingConnection(url, timeout=timeout)
    except ValueError as problem:
        raise _Failure(f"bad URL {_shown(url)!r}: {problem}", EXIT_USAGE) from None


def _shown(text: Any, url: Optional[str] = None) -> str:
    """``text`` fit to print: the password of any URL in it, and that of ``url`` wherever it
    appears, written ``***``."""
    from proton._url import redacted

    return redacted(str(text), url)


# -- commands --------------------------------------------------------------------------------------------

def _cmd_send(args: argparse.Namespace, out: TextIO) -> int:
    from proton import Message
    from proton.reactor import AtLeastOnce, AtMostOnce

    properties: Dict[str, Any] = {}
    for item in args.property or []:
        try:
            key, value = parse_property(item)
        except ValueError as problem:
            raise _Failure(str(problem), EXIT_USAGE) from None
        properties[key] = value
    body = args.body
    if body is None:
        body = sys.stdin.read()
        if body.endswith("\n"):      # what `echo text |` adds
            body = body[:-1]
    if args.count < 1:
        raise _Failure("--count must be at least 1", EXIT_USAGE)
    connection = _connect(args.url, args.timeout)
    try:
        option = AtMostOnce() if args.at_most_once else AtLeastOnce()
        sender = connection.create_sender(args.address, options=option)
        for number in range(args.count):
            message = Message(body=body, address=args.address, durable=args.durable)
            if properties:
                message.properties = dict(properties)
            if args.ttl is not None:
                message.ttl = args.ttl
            if args.count > 1:
                message.id = number + 1
            sender.send(message, timeout=args.timeout)
        mode = "at-most-once" if args.at_most_once else "at-least-once"
        if not args.quiet:
            out.write(f"sent {args.count} message{'s' if args.count != 1 else ''} to {args.address} ({mode})\n")
    finally:
        _close_quietly(connection)
    return EXIT_OK


def _cmd_receive(args: argparse.Namespace, out: TextIO) -> int:
    from proton import Timeout
    from proton.reactor import Selector

    if args.count < 0:
        raise _Failure("--count cannot be negative", EXIT_USAGE)
    if args.selector is not None:
        from .selector import Selector as Check, SelectorError

        try:
            Check(args.selector)
        except SelectorError as problem:
            raise _Failure(f"bad selector: {problem}", EXIT_USAGE) from None
    connection = _connect(args.url, args.timeout)
    received = 0
    try:
        options = Selector(args.selector) if args.selector is not None else None
        credit = args.count if 0 < args.count < 100 else 100
        receiver = connection.create_receiver(args.address, credit=credit, options=options)
        while args.count == 0 or received < args.count:
            try:
                message = receiver.receive(timeout=args.timeout)
            except Timeout:
                if args.count and received < args.count:
                    raise _Failure(f"timed out after {args.timeout:g}s with {received} of {args.count} "
                                   f"messages from {args.address}", EXIT_TIMEOUT) from None
                break
            receiver.accept()
            received += 1
            if args.format == "json":
                out.write(json.dumps(message_to_json(message), sort_keys=True) + "\n")
            else:
                out.write(_body_text(message.body) + "\n")
            out.flush()
    finally:
        _close_quietly(connection)
    return EXIT_OK


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # the connection may already be gone; the command's outcome is decided
        pass


def _cmd_broker(args: argparse.Namespace, out: TextIO) -> int:
    import logging

    from .broker import Broker

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        broker = Broker(address=args.address, auto_create=not args.no_auto_create, topic_prefix=args.topic_prefix,
                        dead_letter=args.dead_letter, queues=args.queue or (), topics=args.topic or ())
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
        import importlib

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

def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cyproton`` command."""
    parser = argparse.ArgumentParser(prog="cyproton", description="AMQP 1.0 messaging tools from cyproton.")
    parser.add_argument("--version", action="store_true", help="print the version and the build and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    send = commands.add_parser("send", help="send messages to an address")
    send.add_argument("address", help="the queue or topic to send to")
    send.add_argument("--url", default=DEFAULT_URL, help=f"where to connect (default {DEFAULT_URL})")
    send.add_argument("--count", type=int, default=1, help="how many messages to send (default 1)")
    send.add_argument("--body", help="the message body (default: everything read from stdin)")
    send.add_argument("--property", "-p", action="append", metavar="KEY=VALUE",
                      help="an application property (repeatable); numbers and true/false are typed")
    send.add_argument("--durable", action="store_true", help="mark the messages durable")
    send.add_argument("--ttl", type=float, metavar="SECONDS", help="time to live of each message")
    mode = send.add_mutually_exclusive_group()
    mode.add_argument("--at-most-once", action="store_true", help="send presettled (fire and forget)")
    mode.add_argument("--at-least-once", action="store_true", help="wait for each acknowledgement (default)")
    send.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the broker (default 10)")
    send.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")

    receive = commands.add_parser("receive", help="receive messages from an address")
    receive.add_argument("address", help="the queue or topic to receive from")
    receive.add_argument("--url", default=DEFAULT_URL, help=f"where to connect (default {DEFAULT_URL})")
    receive.add_argument("--count", type=int, default=0,
                         help="stop after this many messages; fewer in time is an error (default 0: no limit)")
    receive.add_argument("--timeout", type=float, default=5.0,
                         help="seconds to wait for each message; with no --count, the end (default 5)")
    receive.add_argument("--selector", help="only messages matching this JMS selector")
    receive.add_argument("--format", choices=("body", "json"), default="body",
                         help="print each body (default), or each whole message as one JSON line")

    broker = commands.add_parser("broker", help="run the embedded AMQP broker")
    broker.add_argument("--address", default="127.0.0.1:5672", help="HOST:PORT to listen on (default 127.0.0.1:5672)")
    broker.add_argument("--no-auto-create", action="store_true",
                        help="refuse links to queues and topics not declared with --queue/--topic")
    broker.add_argument("--queue", action="append", metavar="NAME", help="declare a queue (repeatable)")
    broker.add_argument("--topic", action="append", metavar="NAME", help="declare a topic (repeatable)")
    broker.add_argument("--topic-prefix", default="topic://",
                        help="addresses with this prefix are topics (default topic://; '' turns it off)")
    broker.add_argument("--dead-letter", metavar="QUEUE", help="queue for rejected messages (default: drop them)")
    broker.add_argument("--verbose", "-v", action="store_true", help="log connections and refusals")

    bench = commands.add_parser("bench", help="run the benchmarks (options are the benchmark driver's)",
                                add_help=False)
    bench.add_argument("bench_args", nargs=argparse.REMAINDER)
    return parser


_COMMANDS: Dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "send": _cmd_send, "receive": _cmd_receive, "broker": _cmd_broker, "bench": _cmd_bench,
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
    url = getattr(args, "url", "") or getattr(args, "address", "") or _bench_url(args) or ""   # to keep secret
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
            explained = _explain(problem, _shown(url, url))
            sys.stderr.write(_shown(f"cyproton {args.command}: {explained}\n", url))
            return explained.status
        # Not an expected failure: the traceback is printed, but with the password masked in it.
        import traceback

        lines = traceback.format_exception(type(problem), problem, problem.__traceback__)
        sys.stderr.write(_shown("".join(lines), url))
        return EXIT_FAILURE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
