"""Fewer garbage collections while an export decodes and writes its records.

Reading a record builds thousands of small objects (the JSON's dicts and lists, a cell object
per cell), almost none of them in reference cycles. Python's cyclic collector runs its
youngest generation every 700 net allocations and walks every object still alive there each
time; at the export's rate of allocation that was a fifth of the time spent reading records
(2,000 generated reports: 1.7 -> 1.4 CPU-s for the index pass). Collecting every 100,000
allocations instead keeps what garbage cycles there are bounded (they are still collected)
at a small fraction of the cost. The thresholds are put back afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 100_000  # net allocations between collections of the youngest generation


@contextmanager
def fewer_collections(threshold: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Within the block, the youngest generation is collected every ``threshold``
    allocations (never less often than it already is); the older generations keep their
    thresholds."""
    before = gc.get_threshold()
    if before[0] and before[0] < threshold:
        gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
