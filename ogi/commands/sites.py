"""`ogi sites discover` and `ogi sites check`: find the report columns below portal home pages
and keep a sites registry healthy (thin wrappers over :mod:`scraper.sitefinder`)."""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer
from rich.console import Console

from ogi.app import app
from ogi.commands import crawl_flags as flags
from ogi.exits import EXIT_NOTHING_DONE, EXIT_USAGE
from scraper.network import ResolveError, parse_resolve, registrable_domain
from scraper.registry import Registry, RegistryError, load_registry
from scraper.sitefinder import (
    DiscoveryResult,
    FinderOptions,
    Note,
    StartError,
    discover,
    merge_plan,
    registry_text,
    start_url,
    write_atomic,
)
from scraper.sitefinder.check import check_registry
from scraper.sitefinder.columns import column_key
from scraper.sitefinder.fetch import DEFAULT_BUDGET, DEFAULT_DELAY, default_cache_path
from scraper.sitefinder.seeds import SeedError, read_starts
from scraper.sitefinder.walk import Start

sites_app = typer.Typer(
    name="sites",
    help="Find the annual-report columns below portal home pages; check a sites registry.",
    no_args_is_help=True,
)
app.add_typer(sites_app, name="sites")

FinderDelay = Annotated[
    float, typer.Option("--delay", help="Seconds between two requests to one host.")
]
Json = Annotated[bool, typer.Option("--json", help="Print a machine-readable summary (JSON).")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log retries and pauses.")]


def _options(
    timeout: float,
    total_timeout: float,
    retries: int,
    backoff: float,
    offline: bool,
    insecure_hosts: list[str] | None,
    **finder,
) -> FinderOptions:
    """The fetching options both commands' flags ask for."""
    client = flags.client_options(
        timeout=timeout,
        total_timeout=total_timeout,
        retries=retries,
        backoff=backoff,
        offline=offline,
    )
    return FinderOptions(client=client, insecure_hosts=tuple(insecure_hosts or ()), **finder)


def _usage(err: Console, message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(EXIT_USAGE)


@sites_app.command("discover")
def discover_command(
    urls: Annotated[
        list[str] | None,
        typer.Argument(
            help="Start pages: portal home pages, 政府信息公开 platforms, department sites."
        ),
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="Start pages from a CSV/XLSX: name,url[,division_code] or the national "
            "government website database export (网站名称, 首页网址, 主办单位, 政府网站标识码 …).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Registry to write (default sites.toml; with --merge, that file)."
        ),
    ] = None,
    merge: Annotated[
        Path | None,
        typer.Option(
            "--merge",
            help="Add what is new to this registry, keeping every hand edit; report dead columns.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out file.")] = False,
    budget: Annotated[
        int, typer.Option("--budget", help="Pages fetched per host at most.")
    ] = DEFAULT_BUDGET,
    delay: FinderDelay = DEFAULT_DELAY,
    cache: Annotated[
        Path | None,
        typer.Option("--cache", help="Page cache for conditional GETs (default: ~/.cache/ogi/)."),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Keep no page cache.")] = False,
    resolve: flags.Resolve = None,
    offline: flags.Offline = False,
    timeout: flags.Timeout = 20.0,
    total_timeout: flags.TotalTimeout = 120.0,
    retries: flags.Retries = 3,
    backoff: flags.Backoff = 1.0,
    insecure_hosts: flags.InsecureHosts = None,
    json_out: Json = False,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress", help="A live line on stderr (default: on a terminal)."
        ),
    ] = None,
    verbose: Verbose = False,
) -> None:
    """Walk from start pages to their annual-report columns; write them as a sites registry.

    The columns of the department and township platforms below a portal are found too, each
    named after its label and parent. Exit codes: 0 every start page led to columns, 1 some did not, 2 bad options or files,
    3 nothing was found.
    """
    err = Console(stderr=True, highlight=False)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        starts = [Start(start_url(u)) for u in urls or ()]
        if from_file is not None:
            starts += read_starts(from_file)
        mapping = parse_resolve(resolve)
        existing = load_registry(merge) if merge is not None else None
    except (StartError, SeedError, ResolveError, RegistryError) as e:
        raise _usage(err, str(e)) from None
    if not starts:
        raise _usage(err, "give start pages (URLs) or --from FILE")
    if budget < 1 or delay < 0:
        raise _usage(err, "--budget must be at least 1 and --delay not negative")
    target = out or merge or Path("sites.toml")
    if merge is None and target.exists() and not force:
        raise _usage(err, f"{target} exists: --merge {target} adds to it, --force replaces it")
    options = _options(
        timeout, total_timeout, retries, backoff, offline, insecure_hosts,
        delay=delay, budget=budget, cache=None if no_cache else (cache or default_cache_path()),
    )  # fmt: skip
    show = sys.stderr.isatty() and not json_out if progress is None else progress
    if show:
        with err.status("discovering…") as status:
            asked: Counter[str] = Counter()

            def on_request(host: str, url: str) -> None:
                asked[host] += 1
                status.update(f"discovering: {sum(asked.values())} requests on {len(asked)} hosts")

            options.on_request = on_request
            result = discover(starts, options=options, resolve=mapping)
    else:
        result = discover(starts, options=options, resolve=mapping)
    report: dict = {"out": str(target)}
    if existing is not None:
        assert merge is not None  # an existing registry is read from --merge
        dead = _dead_columns(existing, result, options, mapping)
        result.notes.extend(dead)
        plan = merge_plan(merge.read_text(encoding="utf-8-sig"), existing, result.sites)
        if plan.text != merge.read_text(encoding="utf-8-sig") or target != merge:
            write_atomic(target, plan.text)
        report |= {"added": len(plan.added), "known": plan.known, "dead": len(dead)}
        message = (
            f"{target}: {len(plan.added)} new entr{'ies' if len(plan.added) != 1 else 'y'} added, "
            f"{plan.known} column(s) already listed, {len(dead)} dead"
        )
    elif result.sites:
        write_atomic(target, registry_text(result.sites, result.notes, starts=len(starts)))
        message = f"wrote {target}: {len(result.sites)} sites"
    else:
        message = "no column found: nothing written"
    if json_out:
        print(json.dumps(result.as_dict() | report, ensure_ascii=False, indent=2))
    else:
        out_console = Console(highlight=False, soft_wrap=True)
        out_console.print(result.summary(), markup=False)
        out_console.print(message, markup=False)
    code = result.exit_code
    if existing is None and not result.sites:
        code = EXIT_NOTHING_DONE
    raise typer.Exit(code)


def _dead_columns(
    registry: Registry, result: DiscoveryResult, options: FinderOptions, mapping
) -> list[Note]:
    """Columns of the registry on the walked domains that discovery did not find again,
    checked once: those that are gone are reported (never removed)."""
    domains = {registrable_domain(h) for h in result.host_requests}
    found = {column_key(c.url) for c in result.columns}
    sites = []
    for s in registry.enabled():
        cols = tuple(
            c
            for c in s.columns
            if column_key(c) not in found
            and registrable_domain((urlsplit(c).hostname or "").lower()) in domains
        )
        if cols:
            sites.append(dataclasses.replace(s, columns=cols))
    if not sites:
        return []
    checked = check_registry(
        Registry(tuple(sites), registry.crawl, registry.source),
        options=dataclasses.replace(options, cache=None),
        resolve=mapping,
        delay=options.delay,
    )
    return [
        Note("dead", c.url, c.agency, c.describe())
        for c in checked.columns
        if c.status in ("dead", "moved")
    ]


@sites_app.command("check")
def check_command(
    sites_file: Annotated[Path, typer.Argument(help="The sites registry (TOML).", metavar="SITES")],
    only: Annotated[
        list[str] | None,
        typer.Option("--site", help="Check only this site (agency or id). Repeatable."),
    ] = None,
    delay: flags.Delay = None,
    resolve: flags.Resolve = None,
    offline: flags.Offline = False,
    timeout: flags.Timeout = 20.0,
    total_timeout: flags.TotalTimeout = 120.0,
    retries: flags.Retries = 3,
    backoff: flags.Backoff = 1.0,
    insecure_hosts: flags.InsecureHosts = None,
    json_out: Json = False,
    verbose: Verbose = False,
) -> None:
    """Fetch every column of a sites registry once: does it still list reports?

    Each column is ok (report titles, newest year), empty, moved (redirect target), dead
    (404/410), needs_js, blocked, disallowed or failed.

    Exit codes as for `ogi crawl`: 0 every site has a working column, 1 some have none,
    2 bad registry or options, 3 none has.
    """
    err = Console(stderr=True, highlight=False)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        registry = load_registry(sites_file)
        mapping = parse_resolve(resolve)
    except (RegistryError, ResolveError) as e:
        raise _usage(err, str(e)) from None
    chosen = [s for s in registry.enabled() if not only or s.key in only or s.agency in only]
    if not chosen:
        raise _usage(err, "no enabled site matches")
    options = _options(timeout, total_timeout, retries, backoff, offline, insecure_hosts)
    result = check_registry(registry, options=options, resolve=mapping, sites=only, delay=delay)
    if json_out:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        Console(highlight=False, soft_wrap=True).print(result.summary(), markup=False)
    raise typer.Exit(result.exit_code)
