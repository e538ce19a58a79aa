"""``discover``: start pages in, registry entries out (``ogi sites discover`` is a thin wrapper).

from scraper.sitefinder import discover

result = discover(["http://www.huaxi.gov.cn/"])
print(result.summary())
open("sites.toml", "w").write(registry_text(result.sites))
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

from ogi_errors import StartError as StartError
from scraper.sitefinder.fetch import Fetcher, FinderOptions, open_client
from scraper.sitefinder.naming import division_code, guess_level
from scraper.sitefinder.result import DiscoveryResult, SiteEntry
from scraper.sitefinder.walk import Owner, Start, Walk
from scraper.urls import BadURL, checked_url


def start_url(text: str) -> str:
    """A start address as given (``www.x.gov.cn`` → ``http://www.x.gov.cn/``)."""
    t = text.strip()
    if not re.match(r"https?://", t, re.I):
        if "://" in t:
            raise StartError(f"not an http(s) address: {text!r}")
        t = "http://" + t
    try:
        checked_url(t)
    except BadURL as e:
        raise StartError(f"not a web address: {text!r} ({e.reason})") from None
    return t if urlsplit(t).path else t + "/"


def discover(
    starts: Iterable[str | Start],
    *,
    options: FinderOptions | None = None,
    resolve: dict[tuple[str, int], str] | list[str] | None = None,
    connect_to: dict[tuple[str, int], tuple[str, int]] | list[str] | None = None,
) -> DiscoveryResult:
    """Walk from each start page (a portal's home page, a 政府信息公开 platform, a department's
    site) to its annual-report columns and those of its sub-platforms. Polite as the crawler:
    robots.txt, ``options.delay`` per host, ``options.budget`` pages per host."""
    return asyncio.run(
        discover_async(starts, options=options, resolve=resolve, connect_to=connect_to)
    )


async def discover_async(
    starts: Iterable[str | Start],
    *,
    options: FinderOptions | None = None,
    resolve: dict[tuple[str, int], str] | list[str] | None = None,
    connect_to: dict[tuple[str, int], tuple[str, int]] | list[str] | None = None,
) -> DiscoveryResult:
    """The coroutine behind :func:`discover`."""
    opts = options or FinderOptions()
    chosen: list[Start] = []
    seen: set[str] = set()
    for s in starts:
        start = s if isinstance(s, Start) else Start(s)
        start.url = start_url(start.url)
        if start.url in seen:
            continue
        seen.add(start.url)
        start.index = len(chosen)
        chosen.append(start)
    hosts = {(urlsplit(s.url).hostname or "").lower() for s in chosen}
    t0 = time.perf_counter()
    client = open_client(opts, hosts, resolve=resolve, connect_to=connect_to)
    fetcher = Fetcher(client, opts)
    try:
        async with client:
            walk = Walk(fetcher, opts, chosen)
            await walk.run()
            walk.finish()
            requests = client.host_requests()
    finally:
        fetcher.close()
    return DiscoveryResult(
        sites=site_entries(walk.owners),
        starts=[walk.outcomes[s.index] for s in chosen],
        notes=walk.notes,
        host_requests={h: n for h, n in sorted(requests.items()) if n},
        pages=sum(fetcher.pages.values()),
        budget=opts.budget,
        delay=opts.delay,
        seconds=time.perf_counter() - t0,
    )


def site_entries(owners: list[Owner]) -> list[SiteEntry]:
    """One registry entry per agency with columns, in walk order (each start's portal first,
    then its sub-platforms as they are listed)."""
    entries: dict[tuple[str, str | None], SiteEntry] = {}
    for o in sorted(owners, key=lambda o: o.order):
        if not o.columns:
            continue
        if o.level is None:
            o.level = guess_level(o.agency)
        parent = o.parent.agency if o.parent else None
        entry = entries.get((o.agency, parent))
        if entry is None:
            code = o.division_code
            if code is None:
                within = o.parent.division_code if o.parent else None
                code = division_code(o.agency, o.level, within)
            entry = entries[(o.agency, parent)] = SiteEntry(o.agency, o.level, parent, code, [])
        entry.columns.extend(sorted(o.columns, key=lambda c: c.url))
    out = list(entries.values())
    counts: dict[str, int] = {}
    for e in out:  # the registry keys sites by agency: a second entry needs an id
        counts[e.agency] = counts.get(e.agency, 0) + 1
        if counts[e.agency] > 1:
            e.id = f"{e.agency}-{counts[e.agency]}"
    return out
