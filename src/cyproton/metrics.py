# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""OpenTelemetry metrics for cyproton's ``proton``, off by default: ``cyproton.metrics.enable()``
(or ``CYPROTON_METRICS=1`` in the environment before ``proton`` is imported) switches them on.
What is counted, and how switching on works: :mod:`proton._metrics`."""

from proton._metrics import ENV_SWITCH, enable, enabled

__all__ = ["ENV_SWITCH", "enable", "enabled"]
