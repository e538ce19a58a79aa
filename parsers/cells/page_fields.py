"""A page's meta fields with the labeled fields of its text (发布日期：…) added when first read.

The labeled fields are read from the page's first lines, which cost a walk of the page before
the report block and a normalization of its text; a record reads them only when its report is
silent (no agency in its title, no signed date), and the meta tags a page names (ArticleTitle
…) are read without them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


class PageFields(dict[str, str]):
    """The page's meta fields (``tags``) and, where a name is not among them, the fields
    ``labeled()`` gives: a dict equal to ``{**labeled(), **tags}`` in the order of
    ``tags`` then the others (as adding each labeled field with ``setdefault`` gives it).

    ``labeled`` is called once, on the first read that needs a name the tags lack (a key
    the tags hold reads as it is: a labeled field never replaces one) or any read of the
    whole (its keys, length, equality, a copy …)."""

    def __init__(self, tags: dict[str, str], labeled: Callable[[], dict[str, str]]) -> None:
        super().__init__(tags)
        self._labeled: Callable[[], dict[str, str]] | None = labeled

    def _whole(self) -> PageFields:
        labeled = self._labeled
        if labeled is not None:
            for key, value in labeled().items():
                dict.setdefault(self, key, value)
            self._labeled = None  # (only now: a reader meanwhile adds the same fields again)
        return self

    def __getitem__(self, key: str) -> str:
        if self._labeled is not None and not dict.__contains__(self, key):
            self._whole()
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        if self._labeled is not None and not dict.__contains__(self, key):
            self._whole()
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        if self._labeled is not None and not dict.__contains__(self, key):
            self._whole()
        return dict.__contains__(self, key)

    def __iter__(self) -> Iterator[str]:
        return dict.__iter__(self._whole())

    def __reversed__(self) -> Iterator[str]:
        return dict.__reversed__(self._whole())

    def __len__(self) -> int:
        return dict.__len__(self._whole())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PageFields):  # (dict's own comparison reads the other's items)
            other._whole()
        return dict.__eq__(self._whole(), other)

    def __ne__(self, other: object) -> bool:
        if isinstance(other, PageFields):
            other._whole()
        return dict.__ne__(self._whole(), other)

    __hash__ = None

    def __repr__(self) -> str:
        return dict.__repr__(self._whole())

    def __reduce__(self) -> tuple[Any, ...]:  # pickled (and copied) as the plain dict it equals
        return (dict, (dict(self._whole().items()),))

    def __or__(self, other: Any) -> Any:
        return dict.__or__(self._whole(), other)

    def __ror__(self, other: Any) -> Any:
        return dict.__ror__(self._whole(), other)

    def __ior__(self, other: Any) -> PageFields:  # type: ignore[override]
        dict.__ior__(self._whole(), other)
        return self

    def __setitem__(self, key: str, value: str) -> None:
        dict.__setitem__(self._whole(), key, value)

    def __delitem__(self, key: str) -> None:
        dict.__delitem__(self._whole(), key)

    def keys(self) -> Any:
        return dict.keys(self._whole())

    def values(self) -> Any:
        return dict.values(self._whole())

    def items(self) -> Any:
        return dict.items(self._whole())

    def copy(self) -> dict[str, str]:
        return dict(self._whole().items())

    def setdefault(self, key: str, default: Any = None) -> Any:
        return dict.setdefault(self._whole(), key, default)

    def pop(self, key: str, *default: Any) -> Any:
        return dict.pop(self._whole(), key, *default)

    def popitem(self) -> tuple[str, str]:
        return dict.popitem(self._whole())

    def update(self, *args: Any, **kwargs: Any) -> None:
        dict.update(self._whole(), *args, **kwargs)

    def clear(self) -> None:
        dict.clear(self._whole())
