"""`ogi place NAME... [--within PLACE] [--json]`: resolve agency names to places and codes."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ogi.app import app
from ogi.exits import EXIT_NOTHING_DONE, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE
from places import AmbiguousRegion, Place, RegionNotFound, find_region, resolve


@app.command("place")
def place_command(
    names: Annotated[list[str], typer.Argument(help="Agency names (梅河口市进化镇人民政府 …).")],
    within: Annotated[
        str | None,
        typer.Option("--within", help="A region the agency lies in: a name or a division code."),
    ] = None,
    context: Annotated[
        str | None,
        typer.Option("--context", help="Text mentioning place names, used to break ties."),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="The report year (reads names of that edition).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the record's `place` object, one per line.")
    ] = False,
    details: Annotated[
        bool, typer.Option("--details", help="With --json: add department, kind and notes.")
    ] = False,
) -> None:
    """Resolve agency names to their level, place names and statistical division code."""
    if within is not None:
        try:
            find_region(within)
        except RegionNotFound as exc:
            typer.echo(f"error: --within: {exc}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        except AmbiguousRegion:
            pass  # an ambiguous region still narrows the choice: resolve() uses all of them
    out = Console(highlight=False, soft_wrap=True)
    unknown = 0
    for name in names:
        place = resolve(name, within=within, context=context, year=year)
        unknown += place.level == "unknown" and not place.candidates
        if as_json:
            sys.stdout.write(json.dumps(place.to_dict(details=details), ensure_ascii=False) + "\n")
        else:
            out.print(describe(name, place))
    if unknown == len(names):
        raise typer.Exit(EXIT_NOTHING_DONE)
    raise typer.Exit(EXIT_SOME_FAILED if unknown else EXIT_OK)


def describe(name: str, place: Place) -> str:
    """A few readable lines about one resolved name."""
    where = " ".join(
        n for n in (place.province, place.city, place.county, place.township, place.zone) if n
    )
    level = place.level + (f" of a {place.parent_level}" if place.parent_level else "")
    lines = [
        f"[bold]{escape(name)}[/bold] → {level}: {escape(where) or '?'}"
        + (f" · {escape(place.department)}" if place.department else "")
        + f" · code {place.code or '—'} · confidence {place.confidence:.2f}"
    ]
    for candidate in place.candidates:
        names = " ".join(
            n
            for n in (
                candidate.province,
                candidate.city,
                candidate.county,
                candidate.township,
                candidate.zone,
            )
            if n
        )
        lines.append(f"  candidate: {escape(names)} ({candidate.code or 'no code'})")
    if place.more_candidates:
        lines.append(f"  … and {place.more_candidates} more")
    for note in place.notes:
        lines.append(f"  [dim]{escape(note)}[/dim]")
    return "\n".join(lines)
