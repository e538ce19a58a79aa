"""Start pages from a spreadsheet: ``--from FILE`` (CSV or XLSX).

Two layouts are read:

- ``name,url[,division_code]`` — with or without a header row;
- the export of the national government website database (全国政府网站基本数据库, as the
  government website census publishes it): columns found by their headers — 网站名称,
  首页网址, 主办单位, 政府网站标识码, 网站类别, 运行状态 … in any order, the header row
  anywhere in the first rows (exports often start with a title line). The agency is the
  主办单位 (a portal's ``…人民政府办公室`` is the government itself), else the site's name
  without 门户网站; the division code is the 标识码's first six digits (the organiser's
  division); sites whose status says they are closed (关停, 下线, 注销 …) are skipped, and
  a 部门网站 is a department.

CSV files may be UTF-8 (with or without BOM) or GB18030 (what Excel writes on Chinese
Windows), separated by commas, tabs or semicolons.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from ogi_errors import SeedError as SeedError
from scraper.sitefinder.find import StartError, start_url
from scraper.sitefinder.walk import Start

_URL_HEADERS = (
    "首页网址",
    "网站首页网址",
    "首页地址",
    "网站地址",
    "网站网址",
    "网址",
    "url",
    "homepage",
    "address",
)
_NAME_HEADERS = ("name", "agency", "单位名称", "机构名称")
_ORGANISER_HEADERS = ("主办单位", "网站主办单位", "主办单位名称")
_SITE_NAME_HEADERS = ("网站名称",)
_ID_HEADERS = ("政府网站标识码", "网站标识码", "标识码")
_CODE_HEADERS = ("division_code", "行政区划代码", "区划代码", "code")
_KIND_HEADERS = ("网站类别", "网站类型", "类别")
_STATUS_HEADERS = ("运行状态", "网站状态", "状态")
_CLOSED = re.compile(r"关停|关闭|下线|注销|停用|暂停|整合|迁移|撤销")
_PORTAL_OFFICE = re.compile(r"(人民政府)(?:办公室|办公厅)$")
_SITE_NOISE = re.compile(r"(?:门户网站|官方网站|政府网站|网站)$")
HEADER_ROWS = 10
"""Rows searched for the header of a database export."""


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _rows_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise SeedError(f"{path}: not UTF-8 or GB18030 text")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _rows_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise SeedError(f"{path}: not an .xlsx workbook ({type(e).__name__}: {e})") from None
    try:
        for sheet in book.worksheets:
            rows = [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
            if any(any(r) for r in rows):
                return rows
        return []
    finally:
        book.close()


def read_rows(path: str | Path) -> list[list[str]]:
    """The rows of a CSV or XLSX file, every cell as text."""
    p = Path(path)
    if not p.exists():
        raise SeedError(f"{p}: file not found")
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _rows_xlsx(p)
    if suffix == ".xls":
        raise SeedError(f"{p}: old .xls workbooks are not read; save it as .xlsx or .csv")
    return _rows_csv(p)


def _find(header: list[str], names: Iterable[str]) -> int | None:
    low = [h.strip().lower().replace(" ", "") for h in header]
    for name in names:
        if name.lower() in low:
            return low.index(name.lower())
    return None


def _header_row(rows: list[list[str]]) -> int | None:
    """The row holding a database export's header (a URL column beside a name column)."""
    for i, row in enumerate(rows[:HEADER_ROWS]):
        if _find(row, _URL_HEADERS) is not None and (
            _find(row, _ORGANISER_HEADERS + _SITE_NAME_HEADERS + _NAME_HEADERS) is not None
        ):
            return i
    return None


def _looks_like_url(v: str) -> bool:
    return bool(re.match(r"(?:https?://)?[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:/|$)", v.strip(), re.I))


def agency_of(organiser: str, site_name: str) -> str:
    """The agency behind a website: its organiser (a portal's 人民政府办公室 being the
    government itself), else the site's name without 门户网站."""
    if organiser:
        return _PORTAL_OFFICE.sub(r"\1", organiser.strip())
    return _SITE_NOISE.sub("", site_name.strip())


def read_starts(path: str | Path) -> list[Start]:
    """Start pages listed in ``path`` (see the module docstring). Raises :class:`SeedError`."""
    rows = [r for r in read_rows(path) if any(r)]
    if not rows:
        raise SeedError(f"{path}: no rows")
    h = _header_row(rows)
    if h is not None:
        return _from_export(path, rows, h)
    return _from_simple(path, rows)


def _from_simple(path, rows: list[list[str]]) -> list[Start]:
    first = rows[0]
    skip = 1 if len(first) < 2 or not _looks_like_url(first[1]) else 0
    out = []
    for n, row in enumerate(rows[skip:], start=skip + 1):
        if len(row) < 2 or not row[1]:
            raise SeedError(f"{path}:{n}: expected name,url[,division_code], got {row!r}")
        code = row[2] if len(row) > 2 and row[2] else None
        if code is not None and not re.fullmatch(r"\d{6}(?:\d{3}|\d{6})?", code):
            raise SeedError(f"{path}:{n}: division_code must be 6, 9 or 12 digits, got {code!r}")
        out.append(_start(path, n, row[1], row[0] or None, code, None))
    return out


def _from_export(path, rows: list[list[str]], h: int) -> list[Start]:
    header = rows[h]
    col = {
        "url": _find(header, _URL_HEADERS),
        "organiser": _find(header, _ORGANISER_HEADERS),
        "site": _find(header, _SITE_NAME_HEADERS),
        "name": _find(header, _NAME_HEADERS),
        "id": _find(header, _ID_HEADERS),
        "code": _find(header, _CODE_HEADERS),
        "kind": _find(header, _KIND_HEADERS),
        "status": _find(header, _STATUS_HEADERS),
    }

    def get(row: list[str], key: str) -> str:
        i = col[key]
        return row[i] if i is not None and i < len(row) else ""

    out = []
    for n, row in enumerate(rows[h + 1 :], start=h + 2):
        url = get(row, "url")
        if not url or _CLOSED.search(get(row, "status")):
            continue
        name = get(row, "name") or agency_of(get(row, "organiser"), get(row, "site"))
        code = get(row, "code")
        site_id = get(row, "id")
        if not re.fullmatch(r"\d{6}(?:\d{3}|\d{6})?", code or ""):
            code = (
                site_id[:6] if re.match(r"\d{6}", site_id) and not site_id.startswith("bm") else ""
            )
        level = "department" if "部门" in get(row, "kind") else None
        out.append(_start(path, n, url, name or None, code or None, level))
    return out


def _start(path, n: int, url: str, name: str | None, code: str | None, level: str | None) -> Start:
    try:
        return Start(start_url(url), name, code, level)
    except StartError as e:
        raise SeedError(f"{path}:{n}: {e}") from None
