"""`compare()`: rank the agencies of a region by indicators, this year beside last year.

For journalists: "which townships of 梅河口市 refused most requests in 2023, and how does that
compare with 2022?" The ranking is built from the ``panel`` (current versions only). Rows whose
numbers should not be quoted without a look at the source are flagged, with the reason in
``caution``: failed arithmetic checks (this year or last), a carry-over that does not match
last year's report, cells the parser could not place, a re-issued report.

The region is a division name or code at any level (resolved by ``places`` when
available); agencies without a known place match when their name contains the region's name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ogi_errors import RegionError as RegionError
from output.compare_render import write_html, write_xlsx
from output.compare_table import CHANGE, PREV, RankedTable
from output.dataset import Datasets
from output.frames import build_datasets
from output.indicators import Indicator, indicator
from output.inputs import normalize_code, normalize_name
from output.store import load_records

DEFAULT_INDICATORS = ("requests_received", "grant_rate", "refusal_rate")
_PLACE_KEYS = ("level", "province", "city", "county", "township", "zone", "parent_level")


@dataclass
class Comparison(RankedTable):
    """What :func:`compare` returns: the ranked table, written as ``.xlsx`` or ``.html``.

    (The table itself is :class:`~output.compare_table.RankedTable`, which the renderers
    draw; this class adds the writing, so that the renderers need not import it.)
    """

    def write(self, path: str | os.PathLike) -> Path:
        """Write ``.xlsx`` or ``.html`` (chosen by the suffix), atomically."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            write_xlsx(self, path)
        elif suffix in (".html", ".htm"):
            write_html(self, path)
        else:
            raise ValueError(f"cannot write {path.name}: use a .xlsx or .html file name")
        return path


def compare(
    records_or_source: Iterable[Any] | str | os.PathLike | Datasets | pd.DataFrame,
    region: str,
    year: int,
    indicators: Sequence[str] | None = None,
    *,
    level: str | None = None,
) -> Comparison:
    """Rank the agencies of ``region`` for ``year`` by ``indicators`` (the first one ranks).

    ``records_or_source`` is anything :func:`output.export.export` accepts, or a panel frame.
    ``level`` keeps only agencies of that level (``township``, ``department`` …).
    """
    chosen = tuple(indicator(code) for code in (indicators or DEFAULT_INDICATORS))
    panel = _panel(records_or_source)
    description, inside = _region_filter(panel, region)
    rows = panel[inside]
    if level:
        rows = rows[rows["level"] == level]
    this = rows[rows["year"] == year].set_index("agency_id")
    before = rows[rows["year"] == year - 1].set_index("agency_id")
    if this.empty and before.empty:
        raise RegionError(f"no reports for {year} or {year - 1} from agencies of {description}")
    table = _table(this, before, chosen, year)
    notes = []
    missing = int(table["rank"].isna().sum())
    if missing:
        notes.append(f"{missing} agency(ies) reported for {year - 1} but not for {year}")
    return Comparison(description, year, chosen, table, notes)


def _panel(source: Any) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source
    if isinstance(source, Datasets):
        return source["panel"].frame
    if isinstance(source, str | os.PathLike):
        source = load_records(Path(source))
    return build_datasets(source, datasets=["panel"])["panel"].frame


def _region_filter(panel: pd.DataFrame, region: str) -> tuple[str, pd.Series]:
    """Which panel rows lie in the region, and how to name the region to readers."""
    try:
        from places import PlaceError, find_region, place_within
    except ImportError:  # pragma: no cover - the places package ships with the parser
        return _fallback_filter(panel, region)
    try:
        found = find_region(region)
    except PlaceError as exc:
        if "Ambiguous" in type(exc).__name__:
            raise RegionError(str(exc)) from None
        return _fallback_filter(panel, region)
    wanted = normalize_name(found.name)
    inside = []
    for row in panel[["agency", "division_code", *_PLACE_KEYS]].itertuples(index=False):
        place = {k: _value(getattr(row, k)) for k in _PLACE_KEYS}
        place["code"] = _value(row.division_code)
        known = place["code"] or any(place[k] for k in ("province", "city", "county", "township"))
        if known:
            inside.append(bool(place_within(place, found)))
        else:
            inside.append(bool(wanted) and wanted in normalize_name(_value(row.agency)))
    return found.describe(), pd.Series(inside, index=panel.index, dtype=bool)


def _fallback_filter(panel: pd.DataFrame, region: str) -> tuple[str, pd.Series]:
    """Without a division table: a code prefix, or the name among place names or agency name."""
    text = normalize_name(region)
    if text.isdigit():
        code = normalize_code(text) or text
        codes = panel["division_code"].fillna("")
        return f"{region} (code)", codes.str.startswith(code).astype(bool)
    names = panel[["agency", "province", "city", "county", "township", "zone"]].fillna("")
    hit = pd.Series(False, index=panel.index)
    for column in names.columns:
        hit |= names[column].map(lambda v: bool(text) and text in normalize_name(v))
    return region, hit.astype(bool)


def _value(value: Any) -> Any:
    return (
        None
        if value is None or value is pd.NA or (isinstance(value, float) and value != value)
        else value
    )


def _table(
    this: pd.DataFrame, before: pd.DataFrame, chosen: tuple[Indicator, ...], year: int
) -> pd.DataFrame:
    agencies = list(this.index) + [a for a in before.index if a not in this.index]
    out = pd.DataFrame(index=pd.Index(agencies, name="agency_id"))
    for column in ("agency", "level", "division_code", "county", "township", "report_id", "url"):
        out[column] = this[column].reindex(agencies).combine_first(before[column].reindex(agencies))
    for ind in chosen:
        now = this[ind.code].reindex(agencies).astype("Float64")
        prev = before[ind.code].reindex(agencies).astype("Float64")
        out[ind.code] = now
        out[ind.code + PREV] = prev
        out[ind.code + CHANGE] = now - prev
    out["checks_failed"] = this["checks_failed"].reindex(agencies)
    out["checks_failed" + PREV] = before["checks_failed"].reindex(agencies)
    out["xyear_carryover_ok"] = this["xyear_carryover_ok"].reindex(agencies)
    out["caution"] = [_caution(this, before, agency, year) for agency in agencies]
    out["flagged"] = out["caution"].map(bool)
    first = chosen[0].code
    has_report = pd.Series([a in this.index for a in agencies], index=out.index)
    ranks = out[first].where(has_report).rank(method="min", ascending=False, na_option="keep")
    out.insert(0, "rank", ranks.astype("Int64"))
    out = out.reset_index()
    order = out.assign(
        _missing=out["rank"].isna(),
        _rank=out["rank"].fillna(10**9),
        _name=out["agency"].fillna(""),
    ).sort_values(["_missing", "_rank", "_name", "agency_id"], kind="mergesort")
    return out.loc[order.index].reset_index(drop=True)


def _caution(this: pd.DataFrame, before: pd.DataFrame, agency: str, year: int) -> str:
    notes = []
    if agency not in this.index:
        notes.append(f"no {year} report")
    else:
        row = this.loc[agency]
        if _value(row["checks_failed"]):
            notes.append(f"checks failed: {row['checks_failed']}")
        carry = _value(row["xyear_carryover_ok"])
        if carry is not None and not bool(carry):
            notes.append(f"carried over ≠ {year - 1} carried forward")
        if (_value(row["n_uncertain"]) or 0) > 0:
            notes.append(f"{int(row['n_uncertain'])} cell(s) could not be placed")
        if (_value(row["n_versions"]) or 1) > 1:
            notes.append(f"re-issued: {int(row['n_versions'])} versions, latest used")
    if agency in before.index and _value(before.loc[agency]["checks_failed"]):
        notes.append(f"{year - 1} checks failed: {before.loc[agency]['checks_failed']}")
    return "; ".join(notes)
