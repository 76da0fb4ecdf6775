# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Small helpers shared by the rest of the package. A leaf module: imports nothing from proton."""

from __future__ import annotations

from typing import Union


def secs2millis(secs: Union[float, int]) -> int:
    """Seconds (possibly fractional) to whole milliseconds, truncating."""
    return int(secs * 1000)


def millis2secs(millis: int) -> float:
    """Milliseconds to seconds, as a float."""
    return millis / 1000.0


class Constant:
    """A named marker object: compared by identity, printed as its bare name."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name    # bare, as a constant's name reads in code
