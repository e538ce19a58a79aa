"""What the security tests share: the hostile fake web on 127.0.0.1 and ways to crawl and
fetch from it with the limits the tests check."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from fixtures.sites.hostile import (
    COLUMN,
)
from scraper.canonical import canonical_url
from scraper.client import Client, ClientOptions
from scraper.crawl import crawl
from scraper.network import parse_resolve
from scraper.registry import parse_registry
from scraper.state import State
from tests.scraper.conftest import fast_options

ROOT = Path(__file__).resolve().parents[2]
HOST = "www.hostile.gov.cn"
SIBLING = "intra.hostile.gov.cn"  # same registrable domain, not in the registry
ELSEWHERE = "www.elsewhere.gov.cn"
HOSTS = (HOST, SIBLING, ELSEWHERE, "localhost", "127.0.0.1")
MAX_BODY = 1 << 20
BOMB = 200 << 20
TITLE = "2023年青石县政府信息公开工作年度报告"
NOW = datetime(2024, 4, 1, 12, tzinfo=UTC)


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
