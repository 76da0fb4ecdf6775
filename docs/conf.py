# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Sphinx configuration: the user guide (Markdown, through MyST) and the API reference (autodoc of
the docstrings). ``make docs`` builds it with warnings as errors; tests/test_docs.py does the same."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if os.environ.get("CYPROTON_DOCS_SOURCE"):   # document the source tree (a dev build) rather than the install
    sys.path.insert(0, os.path.join(ROOT, "src"))

project = "cyproton"
copyright = "2026, the cyproton authors"
author = "the cyproton authors"

import cyproton  # noqa: E402

release = version = cyproton.__version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.viewcode", "myst_parser"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_heading_anchors = 3
exclude_patterns = ["_build"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
# The compiled base classes (CMessage, CConnection, ...) are implementation: their members are shown
# on the public classes that inherit them.
autodoc_inherit_docstrings = True
html_theme = "alabaster"
html_title = f"cyproton {release}"
suppress_warnings = ["myst.xref_missing"]
