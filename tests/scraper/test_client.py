"""The polite client against the fake web on 127.0.0.1: resolve map, robots, pacing,
Retry-After, conditional GET, size cap, scope."""

from __future__ import annotations

import asyncio
import time

import pytest

from scraper.client import Client, ClientOptions
from scraper.network import ResolveError, parse_resolve, registrable_domain
from scraper.responses import classify_challenge

from .conftest import MAX_BODY


def opts(**kw) -> ClientOptions:
    base = dict(
        connect_timeout=0.5,
        read_timeout=0.5,
        total_timeout=2.0,
        max_body=MAX_BODY,
        retries=2,
        backoff_base=0.05,
        offline=True,
        user_agent="ogi-reports-test/1.0 (+https://example.org/ogi)",
    )
    base.update(kw)
    return ClientOptions(**base)


def run(coro):
    return asyncio.run(coro)


def test_parse_resolve_like_curl():
    m = parse_resolve(
        ["www.a.gov.cn:80:127.0.0.1", "*:8080:[::1]", "b.gov.cn:443:10.0.0.1,10.0.0.2"]
    )
    assert m == {
        ("www.a.gov.cn", 80): "127.0.0.1",
        ("*", 8080): "::1",
        ("b.gov.cn", 443): "10.0.0.1",
    }
    for bad in ("www.a.gov.cn:127.0.0.1", "a:99999:1.2.3.4", "a:80"):
        with pytest.raises(ResolveError):
            parse_resolve([bad])


def test_registrable_domain_knows_gov_cn():
    assert registrable_domain("www.mhk.gov.cn") == "mhk.gov.cn"
    assert registrable_domain("zyk.bjhd.gov.cn") == "bjhd.gov.cn"
    assert registrable_domain("rsj.km.gov.cn") == "km.gov.cn"
    assert registrable_domain("www.beijing.gov.cn") != registrable_domain("www.tianjin.gov.cn")
    assert registrable_domain("news.example.com") == "example.com"


def test_challenge_classification():
    assert classify_challenge(412, [], b"<script>$_ts=window['$_ts'];</script>") == "ruishu_412"
    assert (
        classify_challenge(
            521, [("Set-Cookie", "__jsluid_h=1")], b"<script>document.cookie=...</script>"
        )
        == "jsl_521"
    )
    assert classify_challenge(200, [], b"<p>$_ts is discussed here</p>") is None


def test_resolve_maps_host_and_keeps_host_header(web):
    w = web.world
    url = w.base("www.qingshan.gov.cn") + "/zwgk/zfxxgk/zfxxgknb/index.html"

    async def go():
        async with Client(opts(), resolve=parse_resolve(w.resolve_entries())) as c:
            c.configure_host("www.qingshan.gov.cn", delay=0, concurrency=1)
            return await c.fetch(url)

    res = run(go())
    assert res.ok and "政府信息公开年报" in res.body.decode()
    log = w.requests("www.qingshan.gov.cn")
    assert [e["target"] for e in log] == ["/robots.txt", "/zwgk/zfxxgk/zfxxgknb/index.html"]
    assert all(e["headers"]["user-agent"].startswith("ogi-reports-test/") for e in log)
    assert log[1]["headers"]["host"] == f"www.qingshan.gov.cn:{w.port}"


def test_offline_unknown_host_fails_without_dns():
    async def go():
        async with Client(opts(), resolve={}) as c:
            return await c.fetch("http://www.nowhere.gov.cn/")

    t0 = time.monotonic()
    res = run(go())
    assert res.error_kind == "robots_unreachable" and "resolve" in (res.error or "")
    assert time.monotonic() - t0 < 1.0


def test_only_http(web):
    async def go():
        async with Client(opts()) as c:
            return await c.fetch("ftp://www.qingshan.gov.cn/a.pdf")

    assert run(go()).error_kind == "not_http"


def test_per_host_delay_between_request_starts(web):
    w = web.world
    base = w.base("www.qingshan.gov.cn") + "/zwgk/zfxxgk/zfxxgknb/"

    async def go():
        async with Client(opts(), resolve=parse_resolve(w.resolve_entries())) as c:
            c.configure_host("www.qingshan.gov.cn", delay=0.2, concurrency=1)
            await asyncio.gather(
                *(
                    c.fetch(base + p)
                    for p in ("index.html", "index_1.html", "xzjd/index.html", "index.html")
                )
            )

    run(go())
    times = [e["t"] for e in w.requests("www.qingshan.gov.cn")]
    assert len(times) == 5  # robots.txt + 4
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # Arrival times at the server: a busy machine can delay one arrival and shorten the next
    # gap, so the rate over the run is asserted, and no gap may look like a burst. The rate is
    # taken from the first page on: robots.txt opens the connection, so its arrival lags its
    # start by the connection's set-up (up to ~20 ms on a loaded machine).
    assert min(gaps) >= 0.1, gaps
    assert times[-1] - times[1] >= 0.2 * (len(gaps) - 1) - 0.01


def test_retry_after_is_honoured(web):
    w = web.world
    url = w.base("www.ratelimited.gov.cn") + "/zwgk/zfxxgk/zfxxgknb/index.html"

    async def go():
        async with Client(opts(), resolve=parse_resolve(w.resolve_entries())) as c:
            c.configure_host("www.ratelimited.gov.cn", delay=0, concurrency=1)
            return await c.fetch(url)

    res = run(go())
    assert res.ok
    log = w.requests("www.ratelimited.gov.cn")
    assert [e["status"] for e in log] == [429, 429, 200, 200]  # robots twice throttled, then fine
    assert log[1]["t"] - log[0]["t"] >= 0.95 and log[2]["t"] - log[1]["t"] >= 0.95


def test_retry_after_beyond_the_cap_gives_up(web):
    w = web.world
    url = w.base("www.ratelimited.gov.cn") + "/zwgk/zfxxgk/zfxxgknb/index.html"

    async def go():
        async with Client(
            opts(max_retry_after=0.5), resolve=parse_resolve(w.resolve_entries())
        ) as c:
            c.configure_host("www.ratelimited.gov.cn", delay=0, concurrency=1)
            return await c.fetch(url)

    res = run(go())
    assert res.error_kind == "robots_unreachable" and "Retry-After" in (res.error or "")
    assert len(w.requests("www.ratelimited.gov.cn")) == 1


def test_conditional_get_gives_304(web):
    w = web.world
    url = w.base("www.qingshan.gov.cn") + "/zwgk/zfxxgk/zfxxgknb/index.html"

    async def go():
        async with Client(opts(), resolve=parse_resolve(w.resolve_entries())) as c:
            c.configure_host("www.qingshan.gov.cn", delay=0, concurrency=1)
            first = await c.fetch(url)
            second = await c.fetch(
                url, etag=first.header("etag"), last_modified=first.header("last-modified")
            )
            return first, second

    first, second = run(go())
    assert first.status == 200 and first.header("etag")
    assert second.not_modified and second.body == b""


def test_size_cap_stops_the_download(web):
    w = web.world
    host = w.hosts["www.hugebody.gov.cn"]
    d = w.dialect(host)
    it = host.items[0]
    urls = [w.base(host.name) + d.attachment_path(it, a) for a in it.attachments]

    async def go():
        async with Client(opts(), resolve=parse_resolve(w.resolve_entries())) as c:
            c.configure_host(host.name, delay=0, concurrency=1)
            return [await c.fetch(u) for u in urls]

    results = run(go())
    assert [r.error_kind for r in results] == ["too_large", "too_large"]
    assert all(r.body == b"" and r.truncated for r in results)
    time.sleep(0.1)
    sent = [e["sent"] for e in w.requests(host.name) if e["target"].endswith(".pdf")]
    assert sent[0] <= MAX_BODY + 4 * 65536  # the streamed one was cut near the cap


def test_redirect_to_another_domain_is_not_followed(web):
    w = web.world
    url = w.base("www.migrated.gov.cn") + "/zwgk/zfxxgk/zfxxgknb/index.html"

    async def go():
        async with Client(opts(), resolve=parse_resolve(w.resolve_entries())) as c:
            return await c.fetch(url)

    res = run(go())
    assert res.error_kind == "offsite" and "www.newplace.gov.cn" in res.final_url
    assert w.requests("www.newplace.gov.cn") == []


def test_robots_crawl_delay_raises_the_host_delay(web):
    w = web.world
    w.hosts["www.qingshan.gov.cn"].robots = "User-agent: *\nCrawl-delay: 0.3\nDisallow: /admin/\n"
    base = w.base("www.qingshan.gov.cn") + "/zwgk/zfxxgk/zfxxgknb/"

    async def go():
        async with Client(opts(), resolve=parse_resolve(w.resolve_entries())) as c:
            c.configure_host("www.qingshan.gov.cn", delay=0.0, concurrency=1)
            for p in ("index.html", "index_1.html", "xzjd/index.html"):
                await c.fetch(base + p)
            return c.host_delay("www.qingshan.gov.cn")

    assert run(go()) == 0.3
    times = [e["t"] for e in w.requests("www.qingshan.gov.cn")]
    assert times[-1] - times[1] >= 0.6 - 0.01  # two gaps after robots.txt was read
