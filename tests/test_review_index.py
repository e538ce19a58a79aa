"""The review app's index of a data folder (SQLite, beside the stores): agencies, search and the
review queue a page at a time, brought up to date from the stores' new rows only; a report page
reads its one record, with where each cell was printed."""

from __future__ import annotations

import sqlite3

import pytest

import parsers
from fixtures.review import archived_folder, report_page
from output.inputs import ReportInput
from output.store import RecordStore
from parsers.model import UNCERTAIN
from review.index import INDEX_NAME, ReviewIndex

TOWNS = ["进化镇", "红梅镇", "山城镇", "海龙镇", "水道镇"]


@pytest.fixture
def folder(tmp_path):
    pages = [
        (f"http://www.mhk.gov.cn/{n}.html", report_page(n, f"梅河口市{town}人民政府", 2023, glue=n == 2))
        for n, town in enumerate(TOWNS)
    ]  # fmt: skip
    archived_folder(tmp_path, pages)
    return tmp_path


def _agencies(tree) -> list[str]:
    return [
        agency for _place, levels in tree for _level, agencies in levels for agency, _ in agencies
    ]


def test_agencies_search_and_queue_come_a_page_at_a_time(folder):
    index = ReviewIndex(folder)
    first, total = index.tree(page=1, per_page=2)
    assert total == 5 and len(_agencies(first)) == 2
    pages = [_agencies(index.tree(page=n, per_page=2)[0]) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sorted(sum(pages, [])) == sorted(f"梅河口市{t}人民政府" for t in TOWNS)
    found, hits = index.tree("红梅", per_page=2)
    assert hits == 1 and _agencies(found) == ["梅河口市红梅镇人民政府"]
    assert index.tree("100%_", per_page=2)[1] == 0  # LIKE's wildcards are only text
    queue, waiting = index.queue(page=1, per_page=1)
    assert waiting == 1 and queue[0].agency == "梅河口市山城镇人民政府" and queue[0].n_uncertain
    assert index.queue(page=2, per_page=1)[0] == []
    assert index.counts() == (5, 1)
    assert (folder / INDEX_NAME).exists()
    index.close()


def test_the_index_reads_only_new_rows_and_drops_deleted_ones(folder):
    seen: list[int] = []
    index = ReviewIndex(folder)
    index.refresh(progress=seen.append)
    assert seen[-1] == 5
    seen.clear()
    index.refresh(progress=seen.append)
    assert seen == []  # nothing changed: nothing read
    body = report_page(9, "梅河口市杨树镇人民政府", 2022)
    url = "http://www.mhk.gov.cn/9.html"
    with RecordStore.open(folder) as store:
        store.put_many([ReportInput(parsers.parse(body, source=url), url=url)])
    index.refresh(progress=seen.append)
    assert seen == [1]  # the one new row, not the five before it
    assert index.counts() == (6, 1)
    with sqlite3.connect(folder / "records.sqlite") as db:
        db.execute("DELETE FROM records WHERE url LIKE '%/2.html'")
    index.refresh()
    assert index.counts() == (5, 0)
    assert "梅河口市山城镇人民政府" not in _agencies(index.tree(per_page=10)[0])
    index.close()
    # a new app on the same folder starts from the index on disk, reading no record again
    seen.clear()
    again = ReviewIndex(folder)
    again.refresh(progress=seen.append)
    assert seen == [] and again.counts() == (5, 0)
    again.close()


def test_a_report_page_reads_its_one_record_with_provenance(folder):
    index = ReviewIndex(folder)
    (summary,) = index.queue()[0]
    item = index.load(summary)
    cell = item.report.tables["proactive"]["regulations"]["issued"]
    assert cell.status == UNCERTAIN and cell.origin is not None
    assert cell.origin.label_text == "规章"
    decided = item.report.tables["applications"]["granted"]["total"]
    assert decided.source is not None and decided.source.text == decided.raw
    index.close()


def test_an_index_of_an_older_layout_is_rebuilt(folder):
    index = ReviewIndex(folder)
    assert index.counts()[0] == 5
    index.close()
    with sqlite3.connect(folder / INDEX_NAME) as db:
        db.execute("PRAGMA user_version = 0")
    again = ReviewIndex(folder)
    assert again.counts()[0] == 5
    again.close()
