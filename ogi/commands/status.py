"""`ogi status`: the last harvests, sites failing run after run, reports awaiting a retry (a thin
wrapper over :func:`ogi.status.status`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ogi.app import app
from ogi.exits import EXIT_NOTHING_DONE, EXIT_OK, exits_on_errors
from ogi.runs import STATUS_TEXT
from ogi.status import Status, status
from ogi_errors import DataNotFound


@app.command("status")
def status_command(
    data: Annotated[Path, typer.Option("--data", help="Data folder of the harvest.")] = Path(
        "data"
    ),
    last: Annotated[int, typer.Option("--last", help="Runs listed.")] = 10,
    min_runs: Annotated[
        int, typer.Option("--min-runs", help="Failed runs in a row that make a site 'failing'.")
    ] = 2,
    limit: Annotated[int, typer.Option("--limit", help="Items listed per section.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """What the last harvests did, which sites keep failing, which reports await a retry.

    Exit codes: 0 shown; 3 no data folder or no harvest in it yet.
    """
    with exits_on_errors(only=(DataNotFound,)):
        st = status(data, last=last, min_runs=min_runs, limit=limit)
    if as_json:
        sys.stdout.write(json.dumps(st.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        render(Console(highlight=False, soft_wrap=True), st, min_runs=min_runs)
    raise typer.Exit(EXIT_OK if st.runs or st.running else EXIT_NOTHING_DONE)


def render(console: Console, st: Status, *, min_runs: int = 2) -> None:
    console.print(f"[bold]data folder[/bold] {st.data_dir}")
    for who in st.running:
        part = f" (shard {who['shard']})" if who.get("shard") else ""
        console.print(
            f"[green]a harvest is running now[/green]{part}: pid {who.get('pid', '?')} "
            f"on {who.get('host', '?')} since {who.get('started_at', '?')}"
        )
    if not st.runs:
        console.print("no harvest has run here yet (ogi harvest --sites FILE --data DIR)")
        _render_corrections(console, st)
        return
    console.print(f"[bold]last {len(st.runs)} run(s)[/bold], newest first:")
    for run in reversed(st.runs):
        status_text = STATUS_TEXT.get(run.status, run.status)
        if run.status == "interrupted":
            status_text += f" during {run.phase}"
        if run.exit_code is not None:
            status_text += f" (exit {run.exit_code})"
        head = run.started_at[:16].replace("T", " ")
        if run.seconds is not None:
            head += f" {run.seconds:6.0f}s"
        if run.shard:
            head += f" shard {run.shard}"
        exp = run.export or {}
        datasets = (
            f"{len(exp.get('changed', []))} dataset file(s) written"
            if exp.get("ran")
            else "datasets FAILED"
            if exp.get("error")
            else "datasets unchanged"
        )
        detail = ""
        if run.phase == "done":
            detail = (
                f" · sites {run.sites.get('ok', 0)} ok, {run.sites.get('failed', 0)} failed"
                f" · {run.documents.get('new', 0)} new, {run.documents.get('changed', 0)} changed"
                f" · {run.records_added} records added · {datasets}"
            )
        console.print(f"  {head}  {status_text}{detail}")

    if st.failing_sites:
        console.print(
            f"[bold]sites failing {min_runs}+ runs in a row[/bold] ({len(st.failing_sites)}):"
        )
        for s in st.failing_sites[:20]:
            part = f" [shard {s['shard']}]" if s.get("shard") else ""
            console.print(
                f"  {escape(s['agency'] or s['site'])}{part}: {s['runs']} runs since "
                f"{(s['since'] or '?')[:10]} — {', '.join(s['kinds'])}"
            )
        if len(st.failing_sites) > 20:
            console.print(f"  … and {len(st.failing_sites) - 20} more (--json)")
    else:
        console.print(f"no site has failed {min_runs} runs in a row")

    if st.fetch_retry_count:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(st.fetch_retry_kinds.items()))
        console.print(
            f"[bold]reports awaiting a fetch retry[/bold]: {st.fetch_retry_count} ({kinds}); "
            "the next harvest tries them again"
        )
        for item in st.fetch_retries:
            console.print(
                f"  {escape(item['url'])} — {item['error_kind'] or 'not fetched yet'}, "
                f"{item['attempts']} attempt(s)"
            )
    if st.parse_retry_count:
        console.print(
            f"[bold]documents awaiting a parse retry[/bold]: {st.parse_retry_count} "
            "(stopped by a timeout or crash)"
        )
        for item in st.parse_retries:
            console.print(
                f"  {escape(item['url'])} — {item['reason']}, {item['attempts']} attempt(s)"
            )
    if st.parse_gave_up_count:
        console.print(
            f"[yellow]given up until the parser changes[/yellow]: {st.parse_gave_up_count} "
            "document(s) that failed every retry"
        )
        for item in st.parse_gave_up:
            console.print(
                f"  {escape(item['url'])} — {item['reason']}: {escape(item['error'] or '')}"
            )
    if not (st.fetch_retry_count or st.parse_retry_count):
        console.print("no report awaits a retry")
    if st.unreadable:
        console.print(
            f"{st.unreadable} document(s) the parser cannot read (tried again when it changes)"
        )
    _render_corrections(console, st)
    if st.older_parser:
        console.print(
            f"{st.older_parser} record(s) were read by an older parser: "
            "`ogi harvest --reparse` reads them again"
        )


def _render_corrections(console: Console, st: Status) -> None:
    if st.corrections_error:
        console.print(f"[red]corrections.csv cannot be read[/red]: {escape(st.corrections_error)}")
    if st.corrections:
        console.print(f"{st.corrections} correction(s) by reviewers, applied at export")
    if st.stale_corrections:
        console.print(
            f"[yellow]stale corrections[/yellow]: {len(st.stale_corrections)} not applied — "
            "their document changed since; check them again (`ogi serve`, review queue)"
        )
        for item in st.stale_corrections:
            console.print(
                f"  {item['report_id']} {item['cell']} → {item['new_value'] or 'blank'} "
                f"({escape(item['reviewer'] or '?')}, {item['time'][:10]}): {item['reason']}"
                + (f" — {escape(item['url'])}" if item.get("url") else "")
            )
