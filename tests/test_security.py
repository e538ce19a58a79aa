"""Security limits, each against the real fake-site server on 127.0.0.1 where the web is involved:

- only http(s) is fetched, by redirect or by link;
- hosts are limited to the registry: a redirect (or link) to another domain, to ``localhost`` or
  to a host at a private address is refused unless the registry names that host — registry
  hosts themselves are reached wherever ``--resolve`` points them;
- the response size cap counts decompressed bytes, so gzip and brotli bombs are cut at the cap
  without being inflated in memory; DOCX zip bombs are refused by the parser;
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
import asyncio
import functools
import gzip
import io
import json
import random
import sqlite3
import time
import tracemalloc
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import brotli
import pytest
from docx import Document as new_document

import parsers
from fixtures.attachments import hostile as hostile_files
from fixtures.sites import FakeWeb
from fixtures.sites.dialects import Resp
from fixtures.sites.hostile import (
    COLUMN,
    bomb,
    file,
    hostile_world,
    html,
    redirect,
    report_page,
)
from ogi.parsing import time_limit  # its DocumentTimeout gets past the parser's own guard
from parsers.model import ParseError
from scraper.adapters.hanweb import HanwebAdapter
from scraper.archive import read_response
from scraper.canonical import canonical_url
from scraper.client import Client, ClientOptions
from scraper.crawl import crawl
from scraper.discovery import analyse_list
from scraper.filenames import attachment_filename, path_inside, safe_filename
from scraper.network import is_public_address, parse_resolve
from scraper.registry import parse_registry
from scraper.state import State
from tests.scraper.conftest import fast_options

ROOT = Path(__file__).resolve().parents[1]
HOST = "www.hostile.gov.cn"
SIBLING = "intra.hostile.gov.cn"  # same registrable domain, not in the registry
ELSEWHERE = "www.elsewhere.gov.cn"
HOSTS = (HOST, SIBLING, ELSEWHERE, "localhost", "127.0.0.1")
MAX_BODY = 1 << 20
BOMB = 200 << 20
TITLE = "2023年青石县政府信息公开工作年度报告"
NOW = datetime(2024, 4, 1, 12, tzinfo=UTC)


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def web():
    with FakeWeb(hostile_world(*HOSTS)) as w:
        yield w


def site(web, name: str = HOST):
    return web.world.hosts[name]


def url(web, path: str, host: str = HOST) -> str:
    return web.world.base(host) + path


def crawl_hostile(web, data: Path, *, allow: tuple[str, ...] = (), max_pages: int = 20):
    text = (
        "[[site]]\n"
        f'agency = "{site(web).agency}"\n'
        f'columns = ["{url(web, COLUMN)}"]\n'
        f"delay = 0\nmax_pages = {max_pages}\n"
        f"allow_hosts = {json.dumps(list(allow))}\n"
    )
    options = fast_options()
    options.client.max_body = MAX_BODY
    return crawl(
        parse_registry(text),
        data,
        resolve=web.world.resolve_entries(),
        clock=lambda: NOW,
        options=options,
    )


def row(data: Path, link: str) -> dict | None:
    with State.open(data / "state.sqlite") as state:
        return state.url_row(canonical_url(link))


def targets(web, host: str) -> list[str]:
    return [e["target"] for e in web.world.requests(host)]


def client_options(**kw) -> ClientOptions:
    base = dict(
        connect_timeout=0.5,
        read_timeout=0.5,
        total_timeout=5.0,
        max_body=MAX_BODY,
        retries=0,
        offline=True,
        user_agent="ogi-reports-test/1.0 (+https://example.org/ogi)",
    )
    base.update(kw)
    return ClientOptions(**base)


def fetch(web, link: str, *, scope=None, resolve: bool = True, **kw):
    async def go():
        mapping = parse_resolve(web.world.resolve_entries()) if resolve else {}
        async with Client(client_options(**kw), resolve=mapping) as c:
            return await c.fetch(link, scope=scope)

    return asyncio.run(go())


# --- only http and https ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "file:///etc/passwd",
        "ftp://www.hostile.gov.cn/a.pdf",
        "data:text/html,<h1>x</h1>",
        "javascript:alert(1)",
        "gopher://www.hostile.gov.cn:70/",
    ],
)
def test_only_http_and_https_urls_are_fetched(web, link):
    res = fetch(web, link)
    assert res.error_kind == "not_http" and not res.sent and res.body == b""
    assert web.world.requests() == []


def test_redirects_and_links_to_other_schemes_are_not_followed(web, tmp_path):
    h = site(web)
    h.links = [
        ("/r/file.html", f"{TITLE}（一）"),
        ("/r/ftp.html", f"{TITLE}（二）"),
        ("file:///etc/passwd", f"{TITLE}（三）"),
        ("ftp://www.hostile.gov.cn/b.pdf", f"{TITLE}（四）"),
    ]
    h.routes = {
        "/r/file.html": redirect("file:///etc/passwd", 302),
        "/r/ftp.html": redirect("ftp://www.hostile.gov.cn/a.pdf", 302),
    }
    crawl_hostile(web, tmp_path)
    for path in ("/r/file.html", "/r/ftp.html"):
        r = row(tmp_path, url(web, path))
        assert r["status"] == "error" and r["error_kind"] == "not_http"
        assert r["warc_file"] is None  # no body kept
    with State.open(tmp_path / "state.sqlite") as state:
        schemes = {k.split(":", 1)[0] for (k,) in state.conn.execute("SELECT key FROM urls")}
    assert schemes == {"http"}
    assert sorted(set(targets(web, HOST))) == sorted(
        {"/robots.txt", COLUMN, "/r/file.html", "/r/ftp.html"}
    )


# --- hosts limited to the registry -----------------------------------------------------------


def _redirect_to(web, host: str) -> str:
    """The registry host lists a report whose URL redirects to ``host``; returns that URL."""
    site(web).links = [("/r/away.html", TITLE)]
    site(web).routes = {"/r/away.html": redirect(url(web, "/x.html", host), 302)}
    site(web, host).routes = {"/x.html": report_page(TITLE)}
    return url(web, "/r/away.html")


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        (ELSEWHERE, "offsite"),
        ("localhost", "offsite"),
        ("127.0.0.1", "offsite"),
        (SIBLING, "private_address"),  # same domain, but resolves to a private address
    ],
)
def test_redirect_off_the_registry_is_refused(web, tmp_path, host, kind):
    link = _redirect_to(web, host)
    crawl_hostile(web, tmp_path)
    r = row(tmp_path, link)
    assert r["status"] == "offsite" and r["error_kind"] == kind
    assert r["redirect_to"] == url(web, "/x.html", host)
    assert web.world.requests(host) == []  # not a single packet to it, robots.txt included


@pytest.mark.parametrize("host", [ELSEWHERE, "localhost", "127.0.0.1", SIBLING])
def test_redirect_to_a_host_the_registry_names_is_followed(web, tmp_path, host):
    link = _redirect_to(web, host)
    crawl_hostile(web, tmp_path, allow=(host,))
    r = row(tmp_path, link)
    assert r["status"] == "ok" and r["final_url"] == url(web, "/x.html", host)
    assert "/x.html" in targets(web, host)
    with State.open(tmp_path / "state.sqlite") as state:
        assert TITLE.encode() in state.read_body(link)


def test_link_to_a_sibling_host_at_a_private_address_is_refused(web, tmp_path):
    link = url(web, "/y.html", SIBLING)
    site(web).links = [(link, TITLE)]
    crawl_hostile(web, tmp_path)
    r = row(tmp_path, link)
    assert r["status"] == "offsite" and r["error_kind"] == "private_address"
    assert web.world.requests(SIBLING) == []


def test_dns_answers_are_checked_for_hosts_the_registry_does_not_name(web):
    site(web, "localhost").routes = {"/x.html": report_page(TITLE)}
    # real name resolution (no resolve map): localhost is a loopback address
    res = fetch(
        web, url(web, "/x.html", "localhost"), scope=lambda h: True, resolve=False, offline=False
    )
    assert res.error_kind == "private_address" and not res.sent
    assert web.world.requests() == []
    # the same server reached as a host the caller names itself
    site(web, "127.0.0.1").routes = {"/x.html": report_page(TITLE)}
    res = fetch(web, url(web, "/x.html", "127.0.0.1"), resolve=False, offline=False)
    assert res.ok and TITLE.encode() in res.body


def test_proxy_settings_in_the_environment_do_not_route_around_the_address_checks(web, monkeypatch):
    """A proxy from the environment would connect for us, unseen by the address checks: the
    client ignores HTTP(S)_PROXY and ALL_PROXY and connects to the vetted address itself."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    proxy = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
            monkeypatch.setenv(name, proxy)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        site(web, "localhost").routes = {"/x.html": report_page(TITLE)}
        res = fetch(
            web,
            url(web, "/x.html", "localhost"),
            scope=lambda h: True,
            resolve=False,
            offline=False,
        )
        assert res.error_kind == "private_address" and not res.sent
        site(web).routes = {"/ok.html": report_page(TITLE)}
        res = fetch(web, url(web, "/ok.html"))
        assert res.ok and TITLE.encode() in res.body
        with pytest.raises(TimeoutError):
            listener.accept()  # the proxy was never connected to
    finally:
        listener.close()


@pytest.mark.parametrize(
    ("addr", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("::ffff:8.8.8.8", True),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("[::1]", False),
        ("fc00::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("localhost", False),  # not an address at all
    ],
)
def test_public_addresses(addr, public):
    assert is_public_address(addr) is public


# --- size caps: plain, gzip and brotli bodies --------------------------------------------------


def test_robots_txt_is_read_up_to_500_kib(web):
    """RFC 9309 §2.5: rules past 500 KiB are ignored, so a huge robots.txt of wildcard rules
    costs bounded time; the rules within the limit still hold."""
    padding = "".join(f"Disallow: /junk{i}*a*b*c*/\n" for i in range(40_000))  # ~1 MB
    robots = f"User-agent: *\nDisallow: /admin/\n{padding}Disallow: /zwgk/\n"
    assert len(robots) > 800 * 1024
    site(web).routes = {"/robots.txt": Resp(200, [("Content-Type", "text/plain")], robots.encode())}

    async def go():
        mapping = parse_resolve(web.world.resolve_entries())
        async with Client(client_options(max_body=8 << 20), resolve=mapping) as c:
            c.configure_host(HOST, delay=0, concurrency=1)
            admin = await c.allowed(url(web, "/admin/x.html"))
            column = await c.allowed(url(web, COLUMN))
            return admin, column

    admin, column = asyncio.run(go())
    assert admin == (False, "disallowed")
    assert column == (True, None)  # its rule sits beyond the limit


@functools.cache
def _bomb(coding: str) -> Resp:
    if coding == "identity":
        return Resp(200, [("Content-Type", "application/pdf")], b"%PDF-1.4\n" + b"0" * (3 << 20))
    return bomb(coding, BOMB)


@pytest.mark.parametrize("coding", ["gzip", "br", "identity"])
def test_response_cap_counts_decompressed_bytes(web, coding):
    site(web).routes = {"/big.pdf": _bomb(coding)}
    tracemalloc.start()
    try:
        t0 = time.monotonic()
        res = fetch(web, url(web, "/big.pdf"))
        seconds = time.monotonic() - t0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert res.error_kind == "too_large" and res.truncated and res.body == b""
    # 200 MB inflated would show here; reading stops within a decoding step of the 1 MB cap
    assert peak < 16 << 20, f"peak {peak / 1e6:.0f} MB"
    assert seconds < 5


def test_crawl_records_a_bomb_as_too_large_and_archives_no_payload(web, tmp_path):
    site(web).links = [("/art/1.html", TITLE)]
    site(web).routes = {
        "/art/1.html": report_page(TITLE, [("/files/P0201.pdf", "附件.pdf")]),
        "/files/P0201.pdf": _bomb("br"),
    }
    crawl_hostile(web, tmp_path)
    r = row(tmp_path, url(web, "/files/P0201.pdf"))
    assert r["status"] == "too_large" and r["sha256"] is None
    warcs = sum(p.stat().st_size for p in (tmp_path / "raw").glob("*.warc.gz"))
    assert warcs < 64 << 10


@pytest.mark.parametrize("coding", ["gzip", "br", "deflate", "gzip, br"])
def test_encoded_bodies_are_decoded_and_archived_decoded(web, tmp_path, coding):
    page = report_page(TITLE).body
    payload = page
    for c in (x.strip() for x in coding.split(",")):
        payload = {"gzip": gzip.compress, "br": brotli.compress, "deflate": zlib.compress}[c](
            payload
        )
    site(web).links = [("/art/1.html", TITLE)]
    site(web).routes = {
        "/art/1.html": Resp(
            200,
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", coding)],
            payload,
        )
    }
    crawl_hostile(web, tmp_path)
    with State.open(tmp_path / "state.sqlite") as state:
        doc = state.document(url(web, "/art/1.html"))
        assert doc.status == "ok" and state.read_body(doc) == page
        stored = read_response(state.archive_dir, doc.warc_file, doc.warc_offset)
    headers = {k.lower(): v for k, v in stored.headers}
    assert headers["x-original-content-encoding"] == coding
    assert "content-encoding" not in headers  # nobody may decode the stored body twice


@pytest.mark.parametrize(
    ("coding", "payload"),
    [("zstd", b"\x28\xb5\x2f\xfd" + bytes(64)), ("gzip", b"<html>not gzip</html>"), ("br", b"??")],
)
def test_a_body_its_coding_does_not_decode_is_an_error_not_a_document(
    web, tmp_path, coding, payload
):
    site(web).links = [("/art/1.html", TITLE)]
    site(web).routes = {
        "/art/1.html": Resp(
            200, [("Content-Type", "text/html"), ("Content-Encoding", coding)], payload
        )
    }
    crawl_hostile(web, tmp_path)
    r = row(tmp_path, url(web, "/art/1.html"))
    assert r["status"] == "error" and r["error_kind"] == "bad_encoding"
    assert r["sha256"] is None


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
