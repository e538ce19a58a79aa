"""The sites registry: the minimal form, optional fields, and errors that name line and field."""

from __future__ import annotations

import pytest

from scraper.registry import RegistryError, load_registry, parse_registry

MINIMAL = """
[[site]]
agency = "梅河口市人民政府"
columns = ["https://www.mhk.gov.cn/zwgk/zfxxgknb/index.html"]
"""


def test_minimal_form_keeps_working():
    reg = parse_registry(MINIMAL)
    (site,) = reg.sites
    assert site.agency == "梅河口市人民政府"
    assert site.columns == ("https://www.mhk.gov.cn/zwgk/zfxxgknb/index.html",)
    assert site.delay == 1.0 and site.concurrency == 1 and site.adapter == "auto"
    assert site.hosts == {"www.mhk.gov.cn"}
    assert site.line == 2


def test_optional_fields_defaults_and_crawl_table(tmp_path):
    text = """
[crawl]
contact = "mailto:data@example.org"
concurrency = 8

[defaults]
delay = 2.5

[[site]]
agency = "青山县人民政府"
id = "qingshan"
level = "county"
division_code = "130533"
adapter = "trs"
columns = ["http://www.qingshan.gov.cn/zwgk/zfxxgk/zfxxgknb/index.html"]
allow_hosts = ["files.qingshan.gov.cn"]
concurrency = 2

[[site]]
agency = "青山县城关镇人民政府"
level = "township"
parent = "青山县人民政府"
column = "http://www.qingshan.gov.cn/zwgk/zfxxgk/zfxxgknb/xzjd/index.html"
delay = 0.5
"""
    p = tmp_path / "sites.toml"
    p.write_text(text, encoding="utf-8")
    reg = load_registry(p)
    a, b = reg.sites
    assert reg.crawl.contact == "mailto:data@example.org" and reg.crawl.concurrency == 8
    assert (a.key, a.level, a.division_code, a.adapter, a.delay, a.concurrency) == (
        "qingshan",
        "county",
        "130533",
        "trs",
        2.5,
        2,
    )
    assert a.hosts == {"www.qingshan.gov.cn", "files.qingshan.gov.cn"}
    assert (b.level, b.parent, b.delay, b.columns) == (
        "township",
        "青山县人民政府",
        0.5,
        ("http://www.qingshan.gov.cn/zwgk/zfxxgk/zfxxgknb/xzjd/index.html",),
    )


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        (
            MINIMAL + '\n[[site]]\nagency = "B"\ncolumns = ["ftp://x.gov.cn/a"]\n',
            8,
            "columns",
            "not an http(s) URL",
        ),
        ('[[site]]\nagency = "A"\n', 1, "columns", "missing"),
        ('[[site]]\ncolumns = ["http://a.gov.cn/"]\n', 1, "agency", "missing"),
        (
            '[[site]]\nagency = "A"\ncolumns = ["http://a.gov.cn/"]\nlevel = "village"\n',
            4,
            "level",
            "unknown level",
        ),
        (
            '[[site]]\nagency = "A"\ncolumns = ["http://a.gov.cn/"]\ndelay = "fast"\n',
            4,
            "delay",
            "must be a number",
        ),
        (
            '[[site]]\nagency = "A"\ncolumns = ["http://a.gov.cn/"]\ndivision_code = "12345"\n',
            4,
            "division_code",
            "6, 9 or 12 digits",
        ),
        (
            '[[site]]\nagency = "A"\ncolumns = ["http://a.gov.cn/"]\ncolums = 1\n',
            4,
            "colums",
            "unknown field",
        ),
        (
            '[[site]]\nagency = "A"\ncolumns = ["http://a.gov.cn/"]\nconcurrency = 0\n',
            4,
            "concurrency",
            "at least 1",
        ),
        (
            '[[site]]\nagency = "A"\ncolumns = ["http://a.gov.cn/"]\n\n[[site]]\nagency = "A"\ncolumns = ["http://b.gov.cn/"]\n',
            5,
            "agency",
            "duplicate",
        ),
        ('[[site]]\nagency = "A"\ncolumns = ["http://a.gov.cn/"\n', 3, None, "not valid TOML"),
        (
            '[crawl]\nmax_body = 0\n[[site]]\nagency = "A"\ncolumns = ["http://a.gov.cn/"]\n',
            2,
            "crawl.max_body",
            "at least 1",
        ),
    ],
)
def test_errors_name_line_and_field(text, line, field, words):
    with pytest.raises(RegistryError) as e:
        parse_registry(text, source="sites.toml")
    assert e.value.line == line
    assert e.value.field == field
    assert words in str(e.value)
    assert str(e.value).startswith(f"sites.toml:{line}")


def test_missing_file_and_empty_registry(tmp_path):
    with pytest.raises(RegistryError, match="file not found"):
        load_registry(tmp_path / "nope.toml")
    with pytest.raises(RegistryError, match="no \\[\\[site\\]\\] entries"):
        parse_registry("")
