"""Who a discovered column belongs to: full agency names, levels and division codes.

A sub-platform is listed under a short label — 东岭乡, 县教育局, 西街街道 — and the registry
wants the agency's full name, the one its reports carry: the label completed with its parent's
place (``华溪县东岭乡人民政府``, ``华溪县教育局``, ``华溪县西街街道办事处``). A portal names
itself in its ``<title>`` (``华溪县人民政府门户网站``). Division codes come from the places table
(:mod:`places`) only when it resolves the name without doubt.
"""

from __future__ import annotations

import re

from places import PlaceError, resolve
from scraper.registry import LEVELS
from scraper.sitefinder.labels import normalise
from scraper.sitefinder.links import title_parts

_NUMBERING = re.compile(r"^(?:\d{1,3}|[一二三四五六七八九十]{1,3})[.、．:：)）\s]+")
_CHILD_NOISE = re.compile(
    r"(?:政府信息公开|信息公开|政务公开|公开|门户网站|网站|平台|专栏|主页|首页|链接)+$"
)
_TOWNSHIP = re.compile(r"(?:民族乡|乡|镇|街道|街道办事处|街道办|苏木)(?:人民政府|政府)?$")
_DEPARTMENT = re.compile(
    r"(?:局|委|委员会|办|办公室|中心|院|所|队|站|厅|部|会|社|馆|署|处|公司|管委会|支队|大队|人民政府办公室)$"
)
_NOT_AGENCY = re.compile(
    r"公开|年报|报告|指南|目录|首页|更多|主页|名单|列表|导航|片区|信息|新闻|专题"
)
_SITE_NOISE = re.compile(
    r"(?:门户网站|官方网站|政府网站|政务网|网站|首页|主页|欢迎您|欢迎访问|欢迎光临|欢迎您访问)+$"
)
_GOVERNMENT = re.compile(r"(?:人民政府|政府|街道办事处|办事处)$")
_PLACE_END = re.compile(
    r"^(.*?(?:省|自治区|市|自治州|州|盟|地区|县|自治县|区|旗|自治旗|特区|林区))"
)
_LEVEL_CHARS = "县市区旗"
MIN_CONFIDENCE = 0.9
"""Below this the places table's reading of a name is not written into a registry."""


def _child_label(label: str | None) -> str:
    """A sub-platform label without list numbering (``3.``, ``一、``) and trailing words
    (信息公开, 网站, 平台 …)."""
    return _CHILD_NOISE.sub("", _NUMBERING.sub("", normalise(label)))


def place_of(agency: str) -> str:
    """The place an agency's name starts with: ``华溪县人民政府`` → ``华溪县``;
    ``华溪县教育局`` → ``华溪县``."""
    name = _GOVERNMENT.sub("", agency)
    if name != agency:
        return name
    m = _PLACE_END.match(agency)
    return m.group(1) if m else agency


def child_kind(label: str | None) -> str | None:
    """``township`` or ``department`` when a label names a sub-platform's agency (东岭乡,
    西街街道, 县教育局, 县人力资源和社会保障局), else None."""
    t = _child_label(label)
    if not 2 <= len(t) <= 24 or _NOT_AGENCY.search(t) or re.search(r"\d", t):
        return None
    if _TOWNSHIP.search(t) and not t.endswith(("公司",)):
        return "township"
    if _DEPARTMENT.search(t) and len(t) >= 3:
        return "department"
    return None


def label_core(label: str) -> str:
    """A sub-platform label without its decorations and level word: ``县教育局信息公开`` →
    ``教育局``, ``东岭乡`` → ``东岭乡``."""
    t = _child_label(label)
    return t[1:] if len(t) > 2 and t[0] in _LEVEL_CHARS and t[1] not in "人" else t


def child_name(label: str, parent: str) -> tuple[str, str | None]:
    """(full agency name, level) of a sub-platform listed as ``label`` under ``parent``."""
    t = _child_label(label)
    kind = child_kind(t)
    place = place_of(parent)
    if t.startswith(place):
        full = t
    elif t[0] in _LEVEL_CHARS and len(t) > 2 and place.endswith(t[0]):
        full = place + t[1:]  # 县教育局 under 华溪县 → 华溪县教育局
    else:
        full = place + t
    if kind == "township":
        if full.endswith(("办事处", "人民政府")):
            pass
        elif full.endswith("街道办"):
            full += "事处"
        elif full.endswith("街道"):
            full += "办事处"
        elif full.endswith("政府"):
            full = full[:-2] + "人民政府"
        else:
            full += "人民政府"
    return full, kind


def site_agency(title: str | None, fallback: str) -> str:
    """The agency a site names itself after, from its title or site name:
    ``华溪县人民政府门户网站`` → ``华溪县人民政府``; ``首页 - 华溪县教育局`` → ``华溪县教育局``."""
    best: tuple[int, str] | None = None
    for part in title_parts(title or ""):
        name = _SITE_NOISE.sub("", normalise(part))
        if len(name) < 3:
            continue
        score = (
            3 if "人民政府" in name else 2 if level_by_ending(name) else 1 if len(name) <= 20 else 0
        )
        if best is None or score > best[0]:
            best = (score, name)
    return best[1] if best is not None and best[0] > 0 else fallback


def guess_level(name: str) -> str | None:
    """The registry level of an agency name: from the places table when it reads the name
    without doubt, else from the name's ending."""
    try:
        p = resolve(name)
    except PlaceError:
        p = None
    if p is not None and p.level in LEVELS and p.confidence >= MIN_CONFIDENCE and not p.ambiguous:
        return p.level
    return level_by_ending(name)


def level_by_ending(name: str) -> str | None:
    """The registry level an agency name's ending says (乡镇人民政府, 县人民政府, …局)."""
    if _TOWNSHIP.search(name) and re.search(r"(?:乡|镇|苏木)人民政府$|街道办事处$", name):
        return "township"
    m = re.search(r"(省|自治区|市|自治州|州|盟|县|自治县|区|旗|自治旗)人民政府$", name)
    if m:
        kind = m.group(1)
        if kind in ("省", "自治区"):
            return "province"
        if kind in ("市", "自治州", "州", "盟"):
            return "city"
        return "county"
    if _DEPARTMENT.search(name):
        return "department"
    return None


def division_code(name: str, level: str | None, within: str | None = None) -> str | None:
    """The statistical division code of ``name`` when the places table resolves it without
    doubt (at ``level``, inside ``within`` — a code or a name — when given), else None."""
    try:
        p = resolve(name, within=within) if within else resolve(name)
    except PlaceError:
        return None
    if not p.code or p.ambiguous or p.confidence < MIN_CONFIDENCE:
        return None
    if level is not None and p.level != level:
        return None
    return p.code
