"""Security limits of the crawler, each against the real fake-site server on 127.0.0.1:

- only http(s) is fetched, by redirect or by link;
- hosts are limited to the registry: a redirect (or link) to another domain, to ``localhost`` or
  to a host at a private address is refused unless the registry names that host — registry
  hosts themselves are reached wherever ``--resolve`` points them;
- the response size cap counts decompressed bytes, so gzip and brotli bombs are cut at the cap
  without being inflated in memory.

The limits on files, XML, SQLite and page scripts are in ``test_files``.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import time
import tracemalloc
import zlib

import brotli
import pytest

from fixtures.sites.dialects import Resp
from fixtures.sites.hostile import (
    COLUMN,
    bomb,
    redirect,
    report_page,
)
from scraper.archive import read_response
from scraper.client import Client
from scraper.network import is_public_address, parse_resolve
from scraper.state import State
from tests.security.support import (
    BOMB,
    ELSEWHERE,
    HOST,
    SIBLING,
    TITLE,
    client_options,
    crawl_hostile,
    fetch,
    row,
    site,
    targets,
    url,
)

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
