"""`ogi crawl`: fetch report pages and attachments of the sites in a registry (a thin wrapper
over :func:`scraper.crawl.crawl`)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from ogi.app import app
from ogi.commands import crawl_flags as flags
from ogi.exits import EXIT_USAGE, exits_on_errors
from scraper.crawl import CrawlResult, crawl
from scraper.network import ResolveError, parse_resolve
from scraper.registry import RegistryError, load_registry


@app.command("crawl")
def crawl_command(
    sites: Annotated[Path, typer.Option("--sites", help="Sites registry (TOML).")],
    data: Annotated[
        Path, typer.Option("--data", help="Data folder: state.sqlite and raw/*.warc.gz.")
    ] = Path("data"),
    resolve: flags.Resolve = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--site", help="Crawl only this site (agency or id). Repeatable."),
    ] = None,
    full: flags.Full = False,
    revisit_days: flags.RevisitDays = 30.0,
    delay: flags.Delay = None,
    concurrency: flags.Concurrency = None,
    timeout: flags.Timeout = 20.0,
    total_timeout: flags.TotalTimeout = 120.0,
    retries: flags.Retries = 3,
    backoff: flags.Backoff = 1.0,
    max_body: flags.MaxBody = None,
    offline: flags.Offline = False,
    insecure_hosts: flags.InsecureHosts = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the run summary as JSON here.")
    ] = None,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress", help="Progress bars (default: when on a terminal)."
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log every retry and pause.")
    ] = False,
) -> None:
    """Crawl the sites registry: find annual reports, fetch new and changed ones, archive them.

    Exit codes: 0 all sites crawled, 1 some sites failed, 2 bad registry or options, 3 no site
    could be crawled.
    """
    console = Console(stderr=True)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    with exits_on_errors(console, only=(RegistryError, ResolveError)):
        registry = load_registry(sites)
        mapping = parse_resolve(resolve)
    opts = flags.crawl_options(
        full=full,
        revisit_days=revisit_days,
        delay=delay,
        concurrency=concurrency,
        timeout=timeout,
        total_timeout=total_timeout,
        retries=retries,
        backoff=backoff,
        max_body=max_body,
        offline=offline,
        insecure_hosts=insecure_hosts,
    )
    chosen = [s for s in registry.enabled() if not only or s.key in only or s.agency in only]
    if not chosen:
        console.print("[red]error:[/red] no enabled site matches")
        raise typer.Exit(EXIT_USAGE)
    show = sys.stderr.isatty() if progress is None else progress
    if show:
        result = _with_progress(console, registry, data, mapping, opts, only, len(chosen))
    else:
        result = crawl(registry, data, resolve=mapping, options=opts, sites=only)
    _summary(Console(), result)
    if json_out is not None:
        json_out.write_text(
            json.dumps(result.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
    raise typer.Exit(result.exit_code)


def _with_progress(
    console: Console, registry, data, mapping, opts, only, n_sites: int
) -> CrawlResult:
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", justify="left"),
        BarColumn(bar_width=20),
        MofNCompleteColumn(),
        TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        overall = bar.add_task("sites", total=n_sites, info="")
        tasks: dict[str, TaskID] = {}
        counts: dict[str, dict[str, int]] = {}

        def on_event(site: str, event: str, info: dict) -> None:
            if event == "start":
                tasks[site] = bar.add_task(
                    f"  {info.get('agency', site)[:24]}", total=None, info="", visible=True
                )
                counts[site] = {"requests": 0, "reports": 0}
            elif event == "request" and site in tasks:
                counts[site]["requests"] += 1
                c = counts[site]
                bar.update(
                    tasks[site],
                    completed=c["requests"],
                    info=f"{c['requests']} req, {c['reports']} new/changed",
                )
            elif event == "report" and site in tasks:
                counts[site]["reports"] += 1
            elif event == "done" and site in tasks:
                bar.remove_task(tasks.pop(site))
                bar.advance(overall)

        return crawl(registry, data, resolve=mapping, options=opts, progress=on_event, sites=only)


def _summary(console: Console, r: CrawlResult) -> None:
    """The one-screen summary: totals, failures by kind, the sites that failed."""
    t = Table(
        title=f"crawl run {r.run_id}: {len(r.sites)} sites in {r.seconds:.1f}s",
        show_header=False,
        box=None,
    )
    t.add_column(justify="left")
    t.add_column(justify="right")
    rows = [
        ("requests", r.total("requests")),
        ("list pages", r.total("list_pages")),
        ("reports found", r.total("reports_found")),
        ("attachments linked", r.total("attachments")),
        ("new", r.total("new")),
        ("changed", r.total("changed")),
        ("unchanged", r.total("unchanged")),
        ("gone", r.total("gone")),
        ("moved", r.total("moved")),
        ("failed sites", len(r.failed_sites)),
    ]
    for name, value in rows:
        t.add_row(name, str(value))
    console.print(t)
    if r.failures:
        console.print(
            "failures by kind: " + ", ".join(f"{k} {v}" for k, v in r.failures.most_common())
        )
    for s in r.failed_sites[:20]:
        console.print(
            f"  [red]failed[/red] {s.agency}: {', '.join(sorted(s.failures)) or ', '.join(sorted(s.flags))}"
        )
    if len(r.failed_sites) > 20:
        console.print(f"  … and {len(r.failed_sites) - 20} more (see --json)")
