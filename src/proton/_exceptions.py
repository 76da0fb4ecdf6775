# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Exception classes of the ``proton`` package, and the engine-code lookup.

This is a leaf module: it imports nothing from ``proton``, so the compiled
extension can import it at load time without creating a cycle. The tree is::

    ProtonException
    ├── DataException
    ├── MessageException
    ├── TransportException
    │   └── SSLException
    │       └── SSLUnavailable
    ├── ConnectionException
    ├── SessionException
    ├── LinkException
    ├── Timeout
    └── Interrupt
"""

from __future__ import annotations

from typing import Dict, Optional, Type

# Result codes of the engine (proton/error.h). Zero and positive values mean success.
PN_EOS = -1
PN_ERR = -2
PN_OVERFLOW = -3
PN_UNDERFLOW = -4
PN_STATE_ERR = -5
PN_ARG_ERR = -6
PN_TIMEOUT = -7
PN_INTR = -8
PN_INPROGRESS = -9
PN_OUT_OF_MEMORY = -10
PN_ABORTED = -11


class ProtonException(Exception):
    """Base of every exception this package raises on its own account."""


class DataException(ProtonException):
    """An AMQP value could not be encoded, decoded or navigated by :class:`Data`."""


class MessageException(ProtonException):
    """A :class:`Message` could not be encoded, decoded or was given invalid content."""


class TransportException(ProtonException):
    """The AMQP transport reported a failure."""


class SSLException(TransportException):
    """TLS could not be set up or used, for example a bad certificate or key file."""


class SSLUnavailable(SSLException):
    """TLS was requested but this build has no TLS library behind it."""


class ConnectionException(ProtonException):
    """A connection endpoint reported a failure."""


class SessionException(ProtonException):
    """A session endpoint reported a failure."""


class LinkException(ProtonException):
    """A link endpoint reported a failure, or a send or receive was not possible."""


class Timeout(ProtonException):
    """A blocking call gave up because its deadline passed."""


class Interrupt(ProtonException):
    """A blocking call was interrupted before it completed."""


#: Engine codes that always mean the same thing, whichever object reported them.
#: Any other negative code becomes the caller's own default exception class.
EXCEPTION_FOR_CODE: Dict[int, Type[ProtonException]] = {
    PN_TIMEOUT: Timeout,
    PN_INTR: Interrupt,
}

# The name python-qpid-proton uses for the same table, for code that reached into it.
EXCEPTIONS = EXCEPTION_FOR_CODE


def error_for_code(
    code: int,
    text: Optional[str] = None,
    default: Type[ProtonException] = ProtonException,
) -> ProtonException:
    """Build (not raise) the exception that stands for an engine result code.

    The message reads ``"[<code>]: <text>"``, or just ``"[<code>]"`` when there
    is no text, matching what python-qpid-proton puts in its messages.

    :param code: the negative result code returned by an engine call.
    :param text: the engine's error text for the object that failed, if any.
    :param default: the class used when the code has no class of its own,
        e.g. :class:`LinkException` for a failure reported by a link.
    :return: an instance of ``EXCEPTION_FOR_CODE[code]`` or of ``default``.
    """
    cls = EXCEPTION_FOR_CODE.get(code, default)
    if text is None:
        return cls(f"[{code}]")
    return cls(f"[{code}]: {text}")
