"""The crawl options `ogi crawl`, `ogi harvest` and `ogi sites` share: one definition of each flag, and the
one place that turns them into :class:`scraper.crawl.CrawlOptions`."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from scraper.client import ClientOptions
from scraper.crawl import CrawlOptions

Resolve = Annotated[
    list[str] | None,
    typer.Option(
        "--resolve", help="HOST:PORT:ADDR, like curl: connect to ADDR for HOST:PORT. Repeatable."
    ),
]
Offline = Annotated[
    bool, typer.Option("--offline", help="Reach only hosts given with --resolve (no DNS).")
]
Full = Annotated[
    bool, typer.Option("--full", help="Walk every list page even when page 1 is unchanged.")
]
RevisitDays = Annotated[
    float,
    typer.Option(
        "--revisit-days", help="Re-check fetched documents after this many days (0: every run)."
    ),
]
Delay = Annotated[
    float | None,
    typer.Option("--delay", help="Seconds between requests to one host (overrides the registry)."),
]
Concurrency = Annotated[
    int | None,
    typer.Option("--concurrency", help="Requests in flight per host (overrides the registry)."),
]
Timeout = Annotated[float, typer.Option("--timeout", help="Connect and read timeout, seconds.")]
TotalTimeout = Annotated[
    float, typer.Option("--total-timeout", help="Whole-response timeout, seconds.")
]
Retries = Annotated[int, typer.Option("--retries", help="Extra attempts for failed requests.")]
Backoff = Annotated[
    float,
    typer.Option("--backoff", help="First retry wait, seconds (doubles each time, with jitter)."),
]
MaxBody = Annotated[int | None, typer.Option("--max-body", help="Largest body kept, bytes.")]
InsecureHosts = Annotated[
    list[str] | None,
    typer.Option(
        "--insecure-host",
        help="Do not verify TLS certificates of this host (patterns like *.x.gov.cn); "
        "a conscious choice for government hosts with broken certificates. Repeatable.",
    ),
]


def client_options(
    *, timeout: float, total_timeout: float, retries: int, backoff: float, offline: bool
) -> ClientOptions:
    """The client options the timeout, retry and offline flags ask for."""
    return ClientOptions(
        connect_timeout=timeout,
        read_timeout=timeout,
        total_timeout=total_timeout,
        retries=retries,
        backoff_base=backoff,
        offline=offline,
    )


def crawl_options(
    *,
    full: bool,
    revisit_days: float,
    delay: float | None,
    concurrency: int | None,
    timeout: float,
    total_timeout: float,
    retries: int,
    backoff: float,
    max_body: int | None,
    offline: bool,
    insecure_hosts: list[str] | None,
) -> CrawlOptions:
    """The crawl options the flags above ask for (client defaults where a flag is absent)."""
    client = client_options(
        timeout=timeout,
        total_timeout=total_timeout,
        retries=retries,
        backoff=backoff,
        offline=offline,
    )
    if max_body is not None:
        client.max_body = max_body
    return CrawlOptions(
        client=client,
        full=full,
        revisit_after=timedelta(days=revisit_days),
        delay=delay,
        concurrency=concurrency,
        insecure_hosts=tuple(insecure_hosts or ()),
    )
