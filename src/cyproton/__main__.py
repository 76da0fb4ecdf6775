# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""``python -m cyproton``: the same as the ``cyproton`` command."""

import sys

from .cli import main

sys.exit(main())
