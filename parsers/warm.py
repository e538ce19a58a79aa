"""Importing this module readies a process to parse: the parsers are imported and the place
table (about a third of a second to load) is loaded.

A fork server imports it once, so that every worker forked from it starts ready instead of
loading the same table on its first report (see :mod:`ogi.pool`).
"""

from __future__ import annotations

import parsers  # noqa: F401  (the parse stages and the schema)
from parsers.places import default_table

default_table()
