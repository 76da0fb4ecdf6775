# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""cyproton's own extras beyond the python-qpid-proton API: build information, the command line,
the embedded broker and the benchmarks."""

from __future__ import annotations

from typing import Dict, Union

__version__ = "0.1.0"


def build_info() -> Dict[str, Union[str, bool]]:
    """What the compiled extension was built with: engine version, TLS and SASL implementations.

    ``tls`` and ``sasl`` read ``"none"`` when the build fell back to the engine's stubs.
    """
    from proton._cproton import build_info as _info

    return dict(_info())
