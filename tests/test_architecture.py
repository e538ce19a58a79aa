"""The import graph: no circle between modules, and each package imports only the floors below.

::

    review   ogi          the review app and the command line (review is imported only by
       │      │           the CLI's ``ogi serve``; no stage imports either)
       └──┬───┘
          ├──────────────┐
        output         scraper        records → datasets        bytes from the web
          │              │
        parsers          │            bytes → one record
          └──────┬───────┘
               places                 the division table and agency names
                 │
             ogi_errors               the error tree

``parsers`` and ``scraper`` never import each other. The graph is built by grimp from the
source (imports inside functions count too).
"""

from __future__ import annotations

import grimp
import pytest

PACKAGES = ("ogi", "ogi_errors", "review", "output", "scraper", "parsers", "places")

MAY_IMPORT = {
    "ogi_errors": set(),
    "places": {"ogi_errors"},
    "parsers": {"places", "ogi_errors"},
    "scraper": {"places", "ogi_errors"},
    "output": {"parsers", "places", "ogi_errors"},
    "ogi": {"output", "scraper", "parsers", "places", "ogi_errors"},
    "review": {"ogi", "output", "scraper", "parsers", "places", "ogi_errors"},
}
"""Which other packages each package may import."""

CLI_MAY_IMPORT_REVIEW = "ogi.commands."
"""The one way into the review app from below the top floor: the ``ogi serve`` command."""


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)  # a cache would outlive edits


def _where(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    lines = ", ".join(f"line {d['line_number']}" for d in details)
    return f"{importer} → {imported} ({lines})"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iteratively)."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            if i < len(edges[node]):
                work.append((node, i + 1))
                nxt = edges[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def test_no_module_imports_itself_through_others(graph):
    circles = []
    for group in _cycles(graph):
        members = set(group)
        edges = [
            _where(graph, a, b)
            for a in group
            for b in sorted(graph.find_modules_directly_imported_by(a))
            if b in members
        ]
        circles.append("; ".join(edges))
    assert circles == []


def test_each_package_imports_only_the_floors_below(graph):
    wrong = []
    for importer in sorted(graph.modules):
        floor = importer.split(".")[0]
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            target = imported.split(".")[0]
            if target == floor or target in MAY_IMPORT[floor]:
                continue
            if target == "review" and importer.startswith(CLI_MAY_IMPORT_REVIEW):
                continue
            wrong.append(_where(graph, importer, imported))
    assert wrong == []


def test_the_checker_sees_a_circle():
    """The cycle finder itself: a made-up graph with one circle and one tail."""
    g = grimp.ImportGraph()
    for name in ("a", "b", "c", "d"):
        g.add_module(name)
    g.add_import(importer="a", imported="b")
    g.add_import(importer="b", imported="c")
    g.add_import(importer="c", imported="a")
    g.add_import(importer="c", imported="d")
    assert _cycles(g) == [["a", "b", "c"]]
