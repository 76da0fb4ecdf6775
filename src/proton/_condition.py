# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The :class:`Condition` value: why an endpoint closed, or why a delivery was rejected."""

from __future__ import annotations

from typing import Any, Optional


class Condition:
    """An AMQP error condition: a symbolic ``name`` (such as ``amqp:not-found``), an optional
    human-readable ``description`` and an optional ``info`` map with details.

    Set one as the ``condition`` attribute of a connection, session or link before closing it to
    tell the peer why; read the peer's from ``remote_condition``.
    """

    def __init__(self, name: str, description: Optional[str] = None, info: Any = None) -> None:
        self.name = name
        self.description = description
        self.info = info

    def __repr__(self) -> str:
        shown = [repr(part) for part in (self.name, self.description, self.info) if part]
        return f"Condition({', '.join(shown)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Condition):
            return False
        return (self.name, self.description, self.info) == (other.name, other.description, other.info)

    def __hash__(self) -> int:
        return hash((self.name, self.description))
