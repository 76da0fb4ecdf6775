# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""What every scenario is given: the port to listen on, and an outside peer's address when it needs one."""

import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 5672
PEER = sys.argv[2] if len(sys.argv) > 2 else None  # host:port of an outside peer, when the scenario needs one
URL = f"127.0.0.1:{PORT}"
