"""An attribute made when first read: a record's tables, a page's cells.

A record read by its layout's plan keeps what was printed, and the objects it stands for
(hundreds of cells) are made only if someone reads them; most records are written to the
store, which reads the printed values instead. The object keeps, under a private key, what
will make the attribute; the first read makes it and keeps it in the object's own dict, so
later reads never come back here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def made_on_first_read(obj: object, name: str, key: str, make: Callable[[Any], Any]) -> Any:
    """``obj.<name>``, made now by ``make(obj.__dict__[key])`` and kept, for an object's
    ``__getattr__`` (called only for an attribute the object does not hold).

    The first value made is the one kept (``setdefault``) and the maker is let go of only
    after it: a thread that reads the attribute while another makes it gets the same value."""
    state = obj.__dict__
    deferred = state.get(key)
    if deferred is not None:
        value = state.setdefault(name, make(deferred))
        state.pop(key, None)
        return value
    if name in state:  # (made by another thread since this one looked)
        return state[name]
    raise AttributeError(f"{type(obj).__name__!r} object has no attribute {name!r}")
