"""TLS and scheme habits of government hosts, against the fake web's HTTPS port (certificates
made at test time: valid, self-signed, another host's name, expired) and a port that refuses:
verification by default, ``tls_verify = false`` and ``insecure_hosts`` as recorded choices,
redirects between schemes, and one recorded try of the other scheme."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest

from fixtures.sites import FakeWeb, World
from fixtures.sites.cms import build_gkmlpt
from fixtures.sites.world import _Ids, build_trs_county
from scraper.canonical import canonical_url
from scraper.crawl import CrawlOptions, crawl
from scraper.network import ResolveError, host_matches, parse_connect_to
from scraper.registry import RegistryError, parse_registry
from scraper.state import State

from .conftest import fast_options, world_clock

pytest.importorskip("cryptography")
from fixtures.sites.tls import make_pki  # noqa: E402

BROKEN = {
    "www.selfsigned.gov.cn": ("selfsigned", "self-signed certificate"),
    "www.mismatch.gov.cn": ("mismatch", "Hostname mismatch"),
    "www.expired.gov.cn": ("expired", "certificate has expired"),
}
COLUMN = "/zwgk/zfxxgk/zfxxgknb/index.html"


def tls_world() -> World:
    rng, ids = random.Random(3), _Ids(300000)

    def county(name: str, **fields):
        h = build_trs_county(rng, name, f"{name.split('.')[1]}县人民政府", ids=ids, events=False)
        h.extra_sites = []
        for k, v in fields.items():
            setattr(h, k, v)
        return h

    hosts = [
        county("www.good.gov.cn", scheme="https", tls="valid"),
        *(
            county(name, scheme="https", tls=kind, redirect="https", crawlable=False)
            for name, (kind, _) in BROKEN.items()
        ),
        county("www.oldcert.gov.cn", scheme="https", tls="selfsigned", tls_verify=False),
        county("www.tohttps.gov.cn", scheme="http", tls="valid", redirect="https"),
        county("www.tohttp.gov.cn", scheme="https", tls="valid", redirect="http"),
    ]
    g = build_gkmlpt(rng, ids, "www.httponly.gov.cn", "惠城县人民政府", zero_based=False)
    g.scheme = "https"  # the seed says https; the host answers only on http
    hosts.append(g)
    return World(hosts)


def options(pki, **kw) -> CrawlOptions:
    opts = fast_options(**kw)
    opts.client.ca_bundle = str(pki.ca_cert)
    return opts


def run(world, data, pki, *, hosts=None, registry_extra: str = "", **kw):
    text = registry_extra + world.registry_toml(hosts=hosts)
    return crawl(
        parse_registry(text),
        data,
        connect_to=world.connect_entries(),
        clock=world_clock(world),
        options=kw.pop("opts", None) or options(pki),
        **kw,
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    base = tmp_path_factory.mktemp("tls")
    pki = make_pki(base / "pki")
    with FakeWeb(tls_world(), tls=pki) as web:
        result = run(web.world, base / "data", pki)
        yield web, base / "data", result


def state(data) -> State:
    return State.open(data / "state.sqlite")


def test_good_hosts_are_crawled_completely_over_https_and_redirects(crawled):
    web, data, result = crawled
    truth = {canonical_url(u): t for u, t in web.world.truth().items()}
    with state(data) as st:
        found = {d.key for d in st.documents(kind="page", reports_only=True)}
    assert found == set(truth)
    schemes = Counter((t.host, canonical_url(u).split(":")[0]) for u, t in truth.items())
    assert schemes[("www.tohttps.gov.cn", "https")] and schemes[("www.tohttp.gov.cn", "http")]
    assert schemes[("www.httponly.gov.cn", "http")] == 11
    assert {s.agency for s in result.failed_sites} == {
        f"{h.split('.')[1]}县人民政府" for h in BROKEN
    }


@pytest.mark.parametrize("host", BROKEN)
def test_broken_certificates_fail_as_tls_cert_on_both_schemes_without_retries(crawled, host):
    web, data, result = crawled
    reason = BROKEN[host][1]
    with state(data) as st:
        for scheme in ("https", "http"):  # the column, then its other scheme once
            row = st.url_row(canonical_url(f"{scheme}://{host}{COLUMN}"))
            assert (row["status"], row["error_kind"]) == ("error", "tls_cert")
            assert reason in row["last_error"]
        tries = [
            r["attempts"]
            for r in st.conn.execute(
                "SELECT attempts FROM fetches WHERE run_id=? AND error_kind='tls_cert'",
                (result.run_id,),
            )
        ]
    assert tries and set(tries) <= {0, 1}  # a certificate is not retried
    site = next(s for s in result.sites if s.agency.startswith(host.split(".")[1]))
    assert site.failures == Counter({"tls_cert": 2}) and site.failed
    # nothing of the host was read: the handshake failed before any request
    assert [e["target"] for e in web.world.requests(host)] == ["/robots.txt"]  # http, 301


def test_tls_verify_false_is_honoured_and_recorded(crawled):
    web, data, result = crawled
    with state(data) as st:
        docs = [d for d in st.documents(kind="page") if "oldcert" in d.url]
        assert docs and all(d.url.startswith("https://") for d in docs)
        events = {(e["host"], e["kind"]) for e in st.host_events(result.run_id)}
    assert ("www.oldcert.gov.cn", "tls_unverified") in events
    # only that host went unverified
    assert {h for h, k in events if k == "tls_unverified"} == {"www.oldcert.gov.cn"}


def test_http_to_https_redirects_are_followed_robots_txt_included(crawled):
    web, _, _ = crawled
    log = web.world.requests("www.tohttps.gov.cn")
    assert (log[0]["scheme"], log[0]["target"], log[0]["status"]) == ("http", "/robots.txt", 301)
    assert (log[1]["scheme"], log[1]["target"], log[1]["status"]) == ("https", "/robots.txt", 200)
    # the robots.txt found behind the redirect is obeyed
    assert not any("/draft/" in e["target"] for e in log)
    assert all(e["scheme"] == "https" for e in log if e["status"] == 200)


def test_a_refused_https_seed_falls_back_to_http_once_and_says_so(crawled):
    web, data, result = crawled
    host = "www.httponly.gov.cn"
    with state(data) as st:
        events = [e for e in st.host_events(result.run_id) if e["host"] == host]
        row = st.url_row(canonical_url(f"https://{host}/gkmlpt/index"))
    assert [e["kind"] for e in events] == ["scheme_fallback"]
    assert "connect" in events[0]["detail"] and f"http://{host}/gkmlpt/index" in events[0]["detail"]
    assert row["error_kind"] == "connect"  # the failed try is on record
    site = next(s for s in result.sites if s.agency == "惠城县人民政府")
    assert "scheme_fallback" in site.flags and not site.failures and not site.failed
    assert all(e["scheme"] == "http" for e in web.world.requests(host))


def test_without_the_ca_even_a_valid_certificate_is_refused(crawled, tmp_path):
    web, _, _ = crawled
    result = run(web.world, tmp_path, None, hosts=["www.good.gov.cn"], opts=fast_options())
    with state(tmp_path) as st:
        row = st.url_row(canonical_url(f"https://www.good.gov.cn{COLUMN}"))
    assert row["error_kind"] == "tls_cert" and "certificate verify failed" in row["last_error"]
    # the host also answers on http, which the run falls back to (and records)
    (site,) = result.sites
    assert "scheme_fallback" in site.flags and not site.failed


def test_insecure_hosts_run_wide_and_in_the_registry(crawled, tmp_path):
    web, _, _ = crawled
    world = web.world
    pki_less = fast_options(revisit_after=timedelta(days=30))
    pki_less.insecure_hosts = ("www.selfsigned.gov.cn",)
    a = run(world, tmp_path / "a", None, hosts=["www.selfsigned.gov.cn"], opts=pki_less)
    assert set(a.failures) <= {"disallowed"} and a.total("new") > 5  # its draft: robots.txt
    b = run(
        world,
        tmp_path / "b",
        None,
        hosts=["www.expired.gov.cn"],
        registry_extra='[crawl]\ninsecure_hosts = ["*.expired.gov.cn"]\n\n',
        opts=fast_options(),
    )
    assert set(b.failures) <= {"disallowed"} and b.total("new") > 5
    with state(tmp_path / "b") as st:
        assert {e["kind"] for e in st.host_events(b.run_id)} == {"tls_unverified"}


# --- options ---------------------------------------------------------------------------------


def test_registry_tls_fields_are_validated():
    site = parse_registry(
        '[[site]]\nagency = "甲"\ncolumns = ["https://a.gov.cn/"]\ntls_verify = false\n'
    ).sites[0]
    assert site.tls_verify is False
    assert (
        parse_registry('[[site]]\nagency = "甲"\ncolumns = ["https://a.gov.cn/"]\n')
        .sites[0]
        .tls_verify
    )
    with pytest.raises(RegistryError) as e:
        parse_registry('[[site]]\nagency = "甲"\ncolumns = ["https://a.gov.cn/"]\ntls_verify = 0\n')
    assert e.value.field == "tls_verify" and e.value.line == 4
    with pytest.raises(RegistryError) as e:  # a conscious choice per site, not a default
        parse_registry(
            '[defaults]\ntls_verify = false\n[[site]]\nagency = "甲"\ncolumns = ["https://a.gov.cn/"]\n'
        )
    assert e.value.field == "defaults.tls_verify"
    reg = parse_registry(
        '[crawl]\ninsecure_hosts = ["*.x.gov.cn", "WWW.Y.gov.cn"]\n'
        '[[site]]\nagency = "甲"\ncolumns = ["https://a.gov.cn/"]\n'
    )
    assert reg.crawl.insecure_hosts == ("*.x.gov.cn", "www.y.gov.cn")
    with pytest.raises(RegistryError) as e:
        parse_registry(
            '[crawl]\ninsecure_hosts = ["http://x.gov.cn"]\n'
            '[[site]]\nagency = "甲"\ncolumns = ["https://a.gov.cn/"]\n'
        )
    assert e.value.field == "crawl.insecure_hosts" and e.value.line == 2


def test_host_patterns_and_connect_to_entries():
    assert host_matches("www.x.gov.cn", ["*.x.gov.cn"]) and host_matches("x.gov.cn", ["*.x.gov.cn"])
    assert not host_matches("www.xx.gov.cn", ["*.x.gov.cn"])
    assert host_matches("WWW.Y.gov.cn", ["www.y.gov.cn"]) and not host_matches(
        "y.gov.cn", ["www.y.gov.cn"]
    )
    assert parse_connect_to(["a.gov.cn:443:127.0.0.1:8443", "b.gov.cn:80::8080"]) == {
        ("a.gov.cn", 443): ("127.0.0.1", 8443),
        ("b.gov.cn", 80): ("b.gov.cn", 8080),
    }
    for bad in ("a.gov.cn:443:127.0.0.1", "a:0:b:1", "a:1:b:70000"):
        with pytest.raises(ResolveError):
            parse_connect_to([bad])
