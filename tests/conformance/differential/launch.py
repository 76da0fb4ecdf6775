# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Start a scenario as ``__main__`` with the recorder importable (the reference runs with -I,
which keeps the script's own folder off sys.path): ``python -I launch.py scenario.py args...``."""

import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
scenario = os.path.abspath(sys.argv[1])
sys.argv = sys.argv[1:]
sys.path[:0] = [os.path.dirname(scenario), HERE]
runpy.run_path(scenario, run_name="__main__")
