"""The fast path: the well-formed common case read at close to the speed of the input's own
text, with the general reader as its fallback.

Most reports follow the form closely: every row label is found, every row prints exactly as
many numbers as the form has columns, and nothing needs the table's arithmetic to place it. For
those, the general matcher (:mod:`parsers.tables`) spends most of its time on machinery the
document does not need — a :class:`~parsers.cells.base.Cell` and a token object per cell,
candidate readings, the solver. The fast path reads the same cells as compact tokens
(:mod:`parsers.fastpath.stream`) and builds the same tables directly, checking at each step
that the document is still the common case; the moment anything is unusual (a row short of
numbers, a label the form does not place, a warning the general reader would give) it gives
up and the general reader reads the document from the start. So the record, its warnings and
its checks are the general reader's, only sooner.
"""
