"""Security limits on what the crawler and the parser read and write:

- DOCX zip bombs are refused by the parser;
- XML is parsed with entity resolution and network access off (XXE through DOCX and through
  the Hanweb datastore XML);
- file names from URLs or ``Content-Disposition`` never become paths outside the data folder;
- SQLite is always given parameters (hostile titles and URLs are stored verbatim, tables survive);
- page JavaScript is never run: pagination numbers are read with regular expressions;
- pages built to make the crawler's own work explode (20,000 links in one block, unclosed
  records, backtracking titles, a megabyte of robots.txt rules) cost bounded time.
"""

from __future__ import annotations

import ast
import functools
import io
import json
import random
import sqlite3
import tracemalloc
import zipfile

import pytest
from docx import Document as new_document

import parsers
from fixtures.attachments import hostile as hostile_files
from fixtures.sites.dialects import Resp
from fixtures.sites.hostile import (
    COLUMN,
    file,
    html,
    report_page,
)
from ogi.parsing import time_limit  # its DocumentTimeout gets past the parser's own guard
from parsers.model import ParseError
from scraper.adapters.hanweb import HanwebAdapter
from scraper.discovery import analyse_list
from scraper.filenames import attachment_filename, path_inside, safe_filename
from scraper.state import State
from tests.security.support import (
    HOST,
    ROOT,
    TITLE,
    crawl_hostile,
    site,
    targets,
    url,
)

# --- DOCX zip bombs through the parser ---------------------------------------------------------


def _docx(paragraphs: list[str]) -> bytes:
    doc = new_document()
    for p in paragraphs:
        doc.add_paragraph(p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _replace_member(docx: bytes, name: str, body: bytes, *, drop: tuple[str, ...] = ()) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            dst.writestr(info.filename, body if info.filename == name else src.read(info))
    return out.getvalue()


@functools.cache
def _docx_bombs() -> dict[str, bytes]:
    big = b"<w:t>" + b"0" * (80 << 20) + b"</w:t>"
    inflating = _replace_member(_docx([TITLE]), "word/document.xml", big)
    return {
        "declared": hostile_files.zip_bomb(100 << 20),
        "understated": hostile_files.understated_zip(inflating, declared=100),
        "members": hostile_files.zip_many_members(20_000),
    }


@pytest.mark.parametrize("kind", ["declared", "understated", "members"])
def test_docx_zip_bombs_are_refused(kind):
    data = _docx_bombs()[kind]
    tracemalloc.start()
    try:
        with time_limit(20, cpu=True), pytest.raises(ParseError) as info:
            parsers.parse(data, source=f"{kind}.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.reason in ("zip_bomb", "unreadable")
    assert peak < 64 << 20, f"peak {peak / 1e6:.0f} MB"


# --- XML: no entities, no network --------------------------------------------------------------


SECRET = "TOP-SECRET-8d1c"


_LAUGHS = "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))


@pytest.mark.parametrize("fallback", [False, True], ids=["python-docx", "raw-document-xml"])
@pytest.mark.parametrize(
    ("doctype", "marks"),
    [
        (
            '<!DOCTYPE w:document [<!ENTITY file SYSTEM "file://{secret}">'
            '<!ENTITY web SYSTEM "{base}/xxe">]>',
            {"MARK1": "&file;", "MARK2": "&web;"},
        ),
        (
            '<!DOCTYPE w:document [<!ENTITY % dtd SYSTEM "{base}/evil.dtd"> %dtd;]>',
            {"MARK1": "&web;"},
        ),
        ('<!DOCTYPE w:document SYSTEM "{base}/evil.dtd">', {"MARK1": "&web;"}),
        ('<!DOCTYPE w:document [<!ENTITY a "{laugh}">' + _LAUGHS + "]>", {"MARK1": "&j;"}),
    ],
    ids=["external-entities", "parameter-entity", "external-dtd", "billion-laughs"],
)
def test_docx_xml_entities_and_network_stay_off(web, tmp_path, doctype, marks, fallback):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    base = url(web, "", "127.0.0.1")
    site(web, "127.0.0.1").routes = {
        "/xxe": html(SECRET),
        "/evil.dtd": Resp(
            200, [("Content-Type", "application/xml-dtd")], f'<!ENTITY web "{SECRET}">'.encode()
        ),
    }
    clean = _docx([TITLE, "MARK1", "MARK2"])
    xml = zipfile.ZipFile(io.BytesIO(clean)).read("word/document.xml").decode()
    head, rest = xml.split("?>", 1)
    for mark, entity in marks.items():
        rest = rest.replace(mark, entity)
    dt = doctype.format(secret=secret, base=base, laugh=SECRET[:4])
    evil = _replace_member(
        clean,
        "word/document.xml",
        (head + "?>" + dt + rest).encode(),
        drop=("_rels/.rels",) if fallback else (),
    )
    with time_limit(10, cpu=True):
        try:
            report = parsers.parse(evil, source="evil.docx")
            seen = json.dumps(report.to_dict(), ensure_ascii=False)
        except ParseError as exc:
            seen = str(exc)
    assert SECRET not in seen and SECRET[:4] * 3 not in seen
    assert web.world.requests() == []


def test_hanweb_datastore_xml_entities_are_text_not_requests(web, tmp_path):
    xxe = url(web, "/xxe", "127.0.0.1")
    site(web, "127.0.0.1").routes = {"/xxe": html(SECRET)}
    site(web).script = (
        '<script type="text/xml"><?xml version="1.0"?>'
        f'<!DOCTYPE datastore [<!ENTITY xxe SYSTEM "{xxe}"><!ENTITY % p SYSTEM "{xxe}"> %p;]>'
        "<datastore><recordset>"
        f'<record><![CDATA[<li><a href="/art/1.html" title="{TITLE}">{TITLE}</a></li>]]></record>'
        f'<record><![CDATA[<li><a href="/art/&xxe;.html" title="2022年&xxe;政府信息公开工作年度报告">'
        "x</a></li>]]></record></recordset></datastore></script>"
    )
    site(web).fallback = report_page(TITLE)
    crawl_hostile(web, tmp_path)
    assert "/art/1.html" in targets(web, HOST)  # the records were read
    assert web.world.requests("127.0.0.1") == []
    with State.open(tmp_path / "state.sqlite") as state:
        titles = [t for (t,) in state.conn.execute("SELECT title FROM urls") if t]
    assert titles and not any(SECRET in t for t in titles)


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            yield name, node


def _sources():
    for package in ("scraper", "parsers", "output", "ogi"):
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_every_xml_parser_in_the_code_has_entities_and_network_off():
    found = 0
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                risky = [n for n in names if n.startswith(("xml.etree", "xml.dom", "xml.sax"))]
                assert not risky, f"{path}: stdlib XML parsers expand entities: {risky}"
        for name, call in _calls(tree):
            kw = {k.arg: k.value for k in call.keywords}
            if name == "XMLParser":
                found += 1
                assert isinstance(kw.get("resolve_entities"), ast.Constant), path
                assert kw["resolve_entities"].value is False, path
                for flag in ("no_network", "load_dtd", "huge_tree", "dtd_validation"):
                    if flag in kw:
                        want = flag == "no_network"
                        assert getattr(kw[flag], "value", None) is want, f"{path}: {flag}"
            if name in ("fromstring", "XML", "parse", "iterparse") and isinstance(
                call.func, ast.Attribute
            ):
                owner = getattr(call.func.value, "id", "")
                if owner == "etree":
                    assert "parser" in kw, f"{path}:{call.lineno} lxml call without our parser"
    assert found >= 1  # the DOCX reader's parser was seen


# --- file names never escape the data folder --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/cron.d/evil", "evil"),
        ("C:\\Windows\\System32\\evil.dll", "evil.dll"),
        ("..\\..\\evil.bat", "evil.bat"),
        ("report.pdf\x00.sh", "report.pdf.sh"),
        ("..", "attachment"),
        ("", "attachment"),
        (None, "attachment"),
        (".bashrc", "bashrc"),
        ("CON", "_CON"),
        ("aux.pdf", "_aux.pdf"),
        ("a<b>:c|d?e*.pdf", "a_b__c_d_e_.pdf"),
        ("\u202efdp.exe", "fdp.exe"),
        ("2023年政府信息公开工作年度报告.pdf", "2023年政府信息公开工作年度报告.pdf"),
    ],
)
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe


def test_safe_filename_keeps_the_extension_within_the_length_cap():
    name = safe_filename("报" * 300 + ".pdf")
    assert name.endswith(".pdf") and len(name.encode()) <= 200


@pytest.mark.parametrize(
    ("link", "disposition", "name"),
    [
        ("http://a.gov.cn/x/P0.pdf", 'attachment; filename="../../evil.sh"', "evil.sh"),
        (
            "http://a.gov.cn/x/P0.pdf",
            "attachment; filename*=UTF-8''..%2F..%2F%E6%8A%A5.pdf",
            "报.pdf",
        ),
        ("http://a.gov.cn/x/P0.pdf", 'attachment; filename="/etc/passwd"', "passwd"),
        ("http://a.gov.cn/x/P0.pdf", 'attachment; filename="C:\\boot.ini"', "boot.ini"),
        ("http://a.gov.cn/x/%2e%2e%2f%2e%2e%2fevil.pdf", None, "evil.pdf"),
        ("http://a.gov.cn/d.jsp?filename=a.pdf&showname=..%2F.ssh%2Fkeys.txt", None, "keys.txt"),
        ("http://a.gov.cn/d.jsp?filename=a.pdf&showname=%B1%A8%B8%E6.pdf", None, "报告.pdf"),
        ("http://a.gov.cn/x/", 'attachment; filename=".."', "attachment"),
    ],
)
def test_attachment_filename(link, disposition, name):
    assert attachment_filename(link, disposition) == name


def test_path_inside_refuses_every_way_out(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "out").symlink_to(tmp_path)
    assert path_inside(tmp_path / "raw", "a.warc.gz") == tmp_path / "raw" / "a.warc.gz"
    for bad in ("../x", "/etc/passwd", "a/../../x", "a\x00b", "C:x", "..\\x", "", "out/secret"):
        with pytest.raises(ValueError):
            path_inside(tmp_path / "raw", bad)


def test_crawl_writes_nothing_outside_its_folder(web, tmp_path):
    data = tmp_path / "data"
    names = [
        'attachment; filename="../../../evil.sh"',
        "attachment; filename*=UTF-8''..%2F..%2F..%2Fevil2.sh",
        'attachment; filename="/tmp/evil3.sh"',
        'inline; filename="..\\\\..\\\\evil4.bat"',
        'attachment; filename="evil5.pdf\x00.sh"',
    ]
    atts = [(f"/files/{i}/..%2f..%2fP0{i}.pdf", f"附件{i}.pdf") for i in range(len(names))]
    site(web).links = [("/art/1.html", TITLE)]
    site(web).routes = {"/art/1.html": report_page(TITLE, atts)}
    site(web).fallback = file(b"%PDF-1.4 attachment", "application/pdf", names[0])
    for (href, _), disposition in zip(atts, names, strict=True):
        site(web).routes[href] = file(b"%PDF-1.4 " + href.encode(), "application/pdf", disposition)
    crawl_hostile(web, data)
    with State.open(data / "state.sqlite") as state:
        docs = list(state.documents(kind="attachment"))
        nul = state.document(url(web, atts[-1][0]))
    # every attachment was downloaded and archived, except the one whose header holds a NUL:
    # the HTTP layer refuses that response outright
    assert len(docs) == len(atts) - 1
    assert nul.status == "error" and nul.error_kind == "protocol"
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    allowed = {"data/state.sqlite", "data/state.sqlite-wal", "data/state.sqlite-shm"}
    assert all(
        p in allowed or (p.startswith("data/raw/") and p.endswith(".warc.gz")) for p in written
    )
    assert not any("evil" in p for p in written)


def test_a_tampered_state_row_cannot_point_outside_the_archive(web, tmp_path):
    (tmp_path / "secret.txt").write_text(SECRET)
    site(web).links = [("/art/1.html", TITLE)]
    site(web).routes = {"/art/1.html": report_page(TITLE)}
    data = tmp_path / "data"
    crawl_hostile(web, data)
    with State.open(data / "state.sqlite") as state:
        state.conn.execute("UPDATE urls SET warc_file='../../secret.txt', warc_offset=0")
        doc = state.document(url(web, "/art/1.html"))
        with pytest.raises(ValueError, match="leaves its folder"):
            state.read_body(doc)


# --- SQLite: parameters only ------------------------------------------------------------------


HOSTILE_LINKS = [
    (
        "/art/a'b.html?x=1';DROP TABLE urls;--",
        "2023年'; DROP TABLE urls; --青石县政府信息公开工作年度报告",
    ),
    ('/art/q"uote.html', '2022年"); DELETE FROM fetches; --青石县政府信息公开工作年度报告'),
    ("/art/or.html?id=1' OR '1'='1", "2021年' OR '1'='1 青石县政府信息公开工作年度报告"),
    ("/art/bs.html?x=\\'", "2020年\\'; PRAGMA writable_schema=1; --政府信息公开工作年度报告"),
]


def test_hostile_titles_and_urls_are_stored_verbatim(web, tmp_path):
    site(web).links = HOSTILE_LINKS
    site(web).fallback = report_page(TITLE)
    first = crawl_hostile(web, tmp_path)
    second = crawl_hostile(web, tmp_path)  # the re-run reads every stored row back
    assert first.total("reports_found") == second.total("reports_found") == len(HOSTILE_LINKS)
    with State.open(tmp_path / "state.sqlite") as state:
        tables = {r[0] for r in state.conn.execute("SELECT name FROM sqlite_master")}
        assert {"urls", "fetches", "links", "runs", "columns", "host_events"} <= tables
        stored = {r["title"] for r in state.conn.execute("SELECT title FROM urls WHERE is_report")}
        assert stored == {title for _, title in HOSTILE_LINKS}
        assert len(state.runs()) == 2
        assert state.conn.execute("SELECT count(*) FROM fetches").fetchone()[0] > 0
        for href, title in HOSTILE_LINKS:
            doc = state.document(url(web, href))
            assert doc is not None and doc.title == title and doc.status == "ok"
        assert list(state.documents(site="x' OR '1'='1")) == []
        assert len(list(state.documents())) == len(HOSTILE_LINKS)


def test_dataset_sqlite_keeps_hostile_agency_names(tmp_path):
    from fixtures.townships import generated_inputs
    from output.export import export

    records = generated_inputs(random.Random(3), 4)
    names = [
        "青石县'; DROP TABLE reports; --人民政府",
        'x"); DELETE FROM cells; --',
        "a' OR '1'='1",
        f"\\'; ATTACH DATABASE '{tmp_path / 'x.db'}' AS x; --",
    ]
    for item, name in zip(records, names, strict=True):
        item.report.agency = name
    export(records, tmp_path, ["sqlite"])
    (db,) = tmp_path.glob("*.sqlite")
    with sqlite3.connect(db) as conn:
        agencies = {r[0] for r in conn.execute("SELECT agency FROM reports")}
        cells = conn.execute("SELECT count(*) FROM cells").fetchone()[0]
    assert agencies == set(names) and cells > 0
    assert not (tmp_path / "x.db").exists()


# --- page JavaScript is read, never run -------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "most_list_pages"),
    [
        ("createPageHTML(__import__('os').system('touch PWNED'), 0, \"index\", \"html\");", 1),
        ('createPageHTML(eval("1e9"), 0, "index", "html");', 1),
        ('createPageHTML(3, 0, "../../../../admin/x", "html");', 1),
        ('createPageHTML(999999999999999999999999, 0, "index", "html");', 5),  # max_pages
        ("var countPage = 1e999; var prefixName = '../admin';", 5),
    ],
)
def test_pagination_script_is_read_never_run(web, tmp_path, monkeypatch, script, most_list_pages):
    monkeypatch.chdir(tmp_path)
    site(web).script = f"<script>{script}</script>"
    crawl_hostile(web, tmp_path / "data", max_pages=5)
    listed = [t for t in targets(web, HOST) if t != "/robots.txt"]
    assert 1 <= len(listed) <= most_list_pages
    assert all(t.startswith(COLUMN.rsplit("/", 1)[0] + "/") for t in listed)
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize(
    "pager",
    [
        "new Pager({totalRecord:100,perPage:0,proxyUrl:'/module/web/jpage/dataproxy.jsp'});",
        "new Pager({totalRecord:99999999999,perPage:1,proxyUrl:'/module/web/jpage/dataproxy.jsp'});",
        "new Pager({totalRecord:100,perPage:-15,proxyUrl:'javascript:alert(1)'});",
    ],
)
def test_hanweb_pager_numbers_cannot_hang_the_crawler(pager):
    page = (
        "<html><body><div><script type='text/xml'><datastore><recordset></recordset></datastore>"
        f"</script></div><script>var param_1 = {{col:1,columnid:5}};{pager}</script></body></html>"
    )
    column = "http://www.a.gov.cn/col/col5/index.html"
    with time_limit(5, cpu=True):
        pages = HanwebAdapter().pages(page, column, column_url=column)
        analysis = analyse_list(page, column, column_url=column)
    assert len(pages) <= 20000 and len(analysis.pages) == len(pages)
    assert all(p.url.startswith(("http://", "https://")) for p in pages)


def test_no_javascript_engine_and_no_eval_in_the_code():
    engines = ("js2py", "execjs", "py_mini_racer", "quickjs", "dukpy", "STPyV8", "pythonmonkey")
    browsers = ("selenium", "playwright", "pyppeteer")
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not [n for n in names if n.split(".")[0] in engines + browsers], path
        for name, call in _calls(tree):
            if isinstance(call.func, ast.Name) and name in ("eval", "exec"):
                raise AssertionError(f"{path}:{call.lineno}: {name}()")


# --- pages built to make the crawler's own work explode ------------------------------------


def test_a_page_of_20000_links_in_one_block_is_read_in_linear_time():
    """Each link looks at the text around it for a date; a block of 20,000 links must not make
    that quadratic (it took 78 s for this 780 KB page)."""
    links = "".join(f'<a href="/a/{i}.html">第{i}条通知公告内容</a>' for i in range(20_000))
    dated = '<ul><li><a href="/r.html">2023年青石县政府信息公开工作年度报告</a>2024-01-25</li></ul>'
    page = f"<html><body>{dated}<div>{links}</div></body></html>"
    column = "http://www.hostile.gov.cn/zwgk/zfxxgknb/index.html"
    with time_limit(10, cpu=True):
        analysis = analyse_list(page, column, column_url=column)
    (report,) = analysis.items
    assert report.date == "2024-01-25"  # dates beside a link are still found


@pytest.mark.parametrize(
    "body",
    [
        "<script type='text/xml'><datastore>" + "<record><![CDATA[<li>x</li>" * 40_000,
        "<script>" + "var param_1 = {" * 50_000 + "</script><datastore>",
        f'<a href="/r.html" title="{"-" * 50_000}x">x</a>',
        f'<a href="/r.html">2023年{"（" * 50_000}政府信息公开工作年度报告</a>',
        "<script>" + "createPageHTML(" * 50_000 + "var countPage = " * 50_000 + "</script>",
    ],
    ids=[
        "unclosed-hanweb-records",
        "unclosed-param-objects",
        "dash-title",
        "bracket-title",
        "pager-calls",
    ],
)
def test_list_pages_built_to_backtrack_are_read_in_bounded_time(body):
    """Patterns that rescan the rest of the page at every occurrence (lazy ``.*?`` to a closer
    that never comes, ``(…)+$`` over a long run) made these pages take minutes each."""
    page = f"<html><body>{body}</body></html>"
    column = "http://www.hostile.gov.cn/col/col1/index.html"
    with time_limit(10, cpu=True):
        analysis = analyse_list(page, column, column_url=column)
    assert len(analysis.items) <= 1
