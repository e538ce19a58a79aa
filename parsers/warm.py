"""Importing this module readies a process to parse: the parsers are imported, the place
table (about a third of a second to load) is loaded, and what is loaded so far is frozen out
of the garbage collector's way. numpy too: the parsers import it only when a page first needs
it (``import parsers`` stays light), and a worker replaced every few hundred documents would
otherwise import it again each time (~60 ms a worker, more than it saves on the pages it
parses). The HTML source too, which the parse stages import on a first page (~10 ms a worker).

A fork server imports it once, so that every worker forked from it starts ready instead of
loading the same table on its first report (see :mod:`ogi.pool`); frozen, those objects are
never walked by a worker's garbage collections, and their memory pages stay shared between
the workers (a collection would otherwise write to every one of them).
"""

from __future__ import annotations

import gc

import numpy  # noqa: F401  (the HTML depth bound counts a page's tags with it)

import parsers  # noqa: F401  (the parse stages and the schema)
import parsers.cells.html  # noqa: F401  (the HTML source: selectolax, ~10 ms on a first page)
import parsers.tables.stream_read  # noqa: F401  (imported by the first pipe text the fast path declines)
from parsers.placements import preload
from places import default_table

default_table()
preload()  # (the shapes' combinations, made on the first rows of each shape otherwise)
gc.freeze()
