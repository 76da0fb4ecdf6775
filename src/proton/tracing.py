# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Message tracing (public facade). Importing this module switches tracing on for the process:
see :mod:`proton._tracing` for the spans, their tags and the ``x-opt-qpid-tracestate`` annotation."""

from ._tracing import get_tracer, init_tracer

__all__ = ["get_tracer", "init_tracer"]
