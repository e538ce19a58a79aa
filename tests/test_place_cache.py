"""The division table built once and read back from the user's cache (places.tablecache): the
same table as one built from the packaged text, and a cache that is damaged, foreign or
cannot be written never changes a lookup."""

from __future__ import annotations

import gzip
from importlib import resources

import pytest

from places import tablecache
from places.divisions import DATA_FILE, DivisionTable


@pytest.fixture(scope="module")
def built() -> DivisionTable:
    data = resources.files("places").joinpath("data", DATA_FILE).read_bytes()
    return DivisionTable.from_text(gzip.decompress(data).decode("utf-8"))


def _same(a: DivisionTable, b: DivisionTable) -> None:
    assert a.by_code == b.by_code
    assert a._names == b._names
    assert a._lengths == b._lengths
    assert (a.editions, a.meta, a.latest, a.max_name_length) == (
        b.editions,
        b.meta,
        b.latest,
        b.max_name_length,
    )
    assert a.lookup("梅河口") == b.lookup("梅河口")


def _cache_file(folder):
    files = list((folder / "places").glob("divisions-*.marshal"))
    assert len(files) == 1
    return files[0]


def test_the_first_load_writes_the_cache_and_the_next_reads_the_same_table(
    tmp_path, monkeypatch, built
):
    monkeypatch.setenv("OGI_CACHE_DIR", str(tmp_path))
    first = DivisionTable.load()
    cached = _cache_file(tmp_path)
    stamp = cached.stat().st_mtime_ns
    second = DivisionTable.load()
    assert cached.stat().st_mtime_ns == stamp  # read, not written again
    _same(first, built)
    _same(second, built)


def test_a_damaged_cache_is_ignored_and_written_again(tmp_path, monkeypatch, built):
    monkeypatch.setenv("OGI_CACHE_DIR", str(tmp_path))
    DivisionTable.load()
    cached = _cache_file(tmp_path)
    blob = bytearray(cached.read_bytes())
    blob[len(blob) // 2] ^= 0xFF  # one flipped byte in the middle of the payload
    cached.write_bytes(bytes(blob))
    assert tablecache.read(cached) is None
    _same(DivisionTable.load(), built)
    assert tablecache.read(cached) is not None  # rebuilt and stored again
    cached.write_bytes(cached.read_bytes()[:1000])  # cut short
    _same(DivisionTable.load(), built)


def test_a_cache_of_another_layout_is_not_used(tmp_path, monkeypatch, built):
    monkeypatch.setenv("OGI_CACHE_DIR", str(tmp_path))
    DivisionTable.load()
    cached = _cache_file(tmp_path)
    layout, *rest = tablecache.read(cached)
    tablecache.write(cached, (layout + 1, *rest))
    _same(DivisionTable.load(), built)


def test_a_cache_folder_that_cannot_be_written_only_means_building(tmp_path, monkeypatch, built):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("OGI_CACHE_DIR", str(blocked))
    _same(DivisionTable.load(), built)
    monkeypatch.setenv("OGI_CACHE_DIR", "")  # turned off
    assert tablecache.cache_dir() is None
    _same(DivisionTable.load(), built)


def test_a_table_read_from_the_cache_answers_every_code_as_the_built_one(
    tmp_path, monkeypatch, built
):
    """The cached table makes each division when first asked for; asked one by one, through
    every way a dict is asked, it answers as the table built from the text."""
    monkeypatch.setenv("OGI_CACHE_DIR", str(tmp_path))
    DivisionTable.load()
    read = DivisionTable.load()  # from the cache
    lazy = read.by_code
    assert dict.__len__(lazy) == 0  # nothing made yet
    assert len(lazy) == len(built.by_code)
    for code in ("22", "2205", "220581", "220581108", "110101"):
        assert code in lazy
        assert lazy.get(code) == built.by_code[code]
        assert lazy[code] is lazy.get(code)  # made once, then kept
    for absent in ("99", "220581999", "", "not a code"):
        assert absent not in lazy
        assert lazy.get(absent) is None
        assert lazy.get(absent, "default") == "default"
        with pytest.raises(KeyError):
            lazy[absent]
    assert dict.__len__(lazy) == 5
    assert list(lazy) == list(built.by_code)
    other = DivisionTable.load().by_code  # a second table read from the cache, nothing made
    assert lazy == other
    assert (lazy != other) is False
    assert dict.__len__(other) == len(built.by_code)
    assert lazy.copy() == built.by_code and type(lazy.copy()) is dict
    assert dict(lazy.items()) == built.by_code  # every division made
    assert dict.__len__(lazy) == len(built.by_code)


def test_a_cached_table_lists_its_divisions_in_the_built_tables_order(tmp_path, monkeypatch, built):
    """Divisions are made in the order they are first asked for; the table's listings
    (keys, values, items, a region's children) must not depend on it."""
    monkeypatch.setenv("OGI_CACHE_DIR", str(tmp_path))
    DivisionTable.load()
    read = DivisionTable.load()
    for code in ("510000", "220581108", "5110", "11", "2205", "510104"):  # out of order
        read.by_code.get(code)
    assert list(read.by_code.keys()) == list(built.by_code.keys())
    assert [d.code for d in read.by_code.values()] == [d.code for d in built.by_code.values()]
    assert [c for c, _ in read.by_code.items()] == list(built.by_code)
    assert list(read.by_code.copy()) == list(built.by_code)
    for region in ("5110", "22", "1101"):
        assert [d.code for d in read.children(region)] == [d.code for d in built.children(region)]


def test_resolving_through_a_cached_table_gives_the_same_places(tmp_path, monkeypatch, built):
    from places import resolve

    monkeypatch.setenv("OGI_CACHE_DIR", str(tmp_path))
    DivisionTable.load()
    read = DivisionTable.load()
    for name in (
        "梅河口市进化镇人民政府",
        "上海市人民政府办公厅",
        "平潭综合实验区管委会",
        "北京市东城区东华门街道办事处",
    ):
        assert resolve(name, table=read).to_dict() == resolve(name, table=built).to_dict()


def test_threads_asking_for_one_code_at_once_get_the_same_division(tmp_path, monkeypatch):
    import sys
    import threading

    def ask(lazy, start, seen) -> None:
        start.wait()
        seen.append({code: lazy[code] for code in codes})

    monkeypatch.setenv("OGI_CACHE_DIR", str(tmp_path))
    DivisionTable.load()
    codes = list(DivisionTable.load().by_code)[:200]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch as often as they can
    try:
        for _ in range(10):
            lazy, start, seen = DivisionTable.load().by_code, threading.Barrier(4), []
            threads = [threading.Thread(target=ask, args=(lazy, start, seen)) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert all(got[code] is lazy[code] for got in seen for code in codes)
    finally:
        sys.setswitchinterval(interval)
