"""`ogi harvest`: the nightly job — crawl, parse what is new, update the datasets (a thin wrapper
over :func:`ogi.harvest.harvest`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ogi.app import app
from ogi.commands import crawl_flags as flags
from ogi.exits import EXIT_USAGE, harvest_exits
from ogi.harvest import harvest
from ogi.logs import setup_logging
from ogi.runs import print_report
from scraper.network import ResolveError, parse_resolve


@app.command("harvest")
def harvest_command(
    sites: Annotated[Path, typer.Option("--sites", help="Sites registry (TOML).")],
    data: Annotated[
        Path, typer.Option("--data", help="Data folder: crawl state, archive, records, datasets.")
    ] = Path("data"),
    shard: Annotated[
        str | None,
        typer.Option(
            "--shard", help="I/N: harvest only part I of N of the registry's hosts (stable hash)."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Parse processes (default: every core); 1 = no pool."),
    ] = None,
    export: Annotated[
        bool | None,
        typer.Option(
            "--export/--no-export",
            help="Update the datasets when something changed (default: yes, unless --shard).",
        ),
    ] = None,
    formats: Annotated[
        str | None,
        typer.Option("--format", help="Datasets to write: csv,parquet,xlsx,sqlite (default: all)."),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--site", help="Harvest only this site (agency or id). Repeatable."),
    ] = None,
    reparse: Annotated[
        bool,
        typer.Option("--reparse", help="Parse every archived document again (new parser)."),
    ] = False,
    parse_timeout: Annotated[
        float,
        typer.Option("--parse-timeout", help="Seconds one document may take; then retried later."),
    ] = 600.0,
    resolve: flags.Resolve = None,
    offline: flags.Offline = False,
    full: flags.Full = False,
    revisit_days: flags.RevisitDays = 30.0,
    delay: flags.Delay = None,
    concurrency: flags.Concurrency = None,
    timeout: flags.Timeout = 20.0,
    total_timeout: flags.TotalTimeout = 120.0,
    retries: flags.Retries = 3,
    backoff: flags.Backoff = 1.0,
    max_body: flags.MaxBody = None,
    insecure_hosts: flags.InsecureHosts = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the run report as JSON instead of the summary.")
    ] = False,
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress", help="Live status line (default: on a terminal)."),
    ] = None,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log detail (-v, -vv).")
    ] = 0,
    log_json: Annotated[
        bool, typer.Option("--log-json", help="Log records as JSON lines on stderr.")
    ] = False,
) -> None:
    """Harvest: crawl the registry, parse new and changed reports, update the datasets.

    Safe under cron: only new work is done, a second harvest on the same data folder exits at
    once, a killed run is resumed by the next one. The summary goes to stdout, logs to stderr,
    and a JSON run report to DATA/runs/.

    Exit codes: 0 all went well; 1 some sites or documents failed; 2 bad sites file or options;
    3 nothing could be done (no site reachable); 75 another harvest holds the data folder.
    """
    setup_logging(verbose, json_lines=log_json)
    err = Console(stderr=True, highlight=False)
    try:
        mapping = parse_resolve(resolve)
    except ResolveError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    options = flags.crawl_options(
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
    show = (sys.stderr.isatty() and not log_json) if progress is None else progress
    status = err.status("harvest: starting…") if show else None
    counts: dict[str, Any] = {"fetch": 0, "parsed": 0}

    def on_event(event: str, info: dict) -> None:
        if status is None:
            return
        if event in counts:
            counts[event] += 1
        if event == "phase":
            counts["phase"] = info.get("name")
        elif event == "export_stage":
            counts["phase"] = f"export: {info.get('stage')}"
        elif event == "parse_total":  # a re-parse knows its size: show a bar
            counts["total"] = info.get("total") or 0
        parsed = f"{counts['parsed']} documents parsed"
        if counts.get("total"):
            parsed = f"{progress_bar(counts['parsed'], counts['total'])} {parsed}"
        status.update(f"harvest: {counts.get('phase', '')} · {counts['fetch']} requests · {parsed}")

    with harvest_exits(err, status):
        report = harvest(
            sites,
            data,
            shard=shard,
            workers=workers,
            export=export,
            formats=formats,
            sites=only,
            resolve=mapping,
            crawl_options=options,
            reparse=reparse,
            parse_timeout=parse_timeout,
            progress=on_event,
        )
    print_report(report, as_json=as_json)
    raise typer.Exit(report.exit_code or 0)


def progress_bar(done: int, total: int, width: int = 24) -> str:
    """``[#########...............]  37% 370/1000`` for a status line."""
    share = min(done / total, 1.0) if total else 1.0
    filled = round(share * width)
    return f"[{'#' * filled}{'.' * (width - filled)}] {share:4.0%} {done}/{total}"
