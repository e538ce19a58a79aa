"""What resolving a name gives: a :class:`Place` (the record's ``place``) and a :class:`Region`.

``Place.to_dict()`` is the ``place`` object of the record contract. The contract keys are
always present; ``parent_level`` is added for departments and ``zone`` (the zone's name) for
zones and departments of zones, because without it a zone outside the statistical table
could not be told from its neighbours. Everything else the resolver learnt (the department's
name, the unit kind, notes on renamed places) stays on the object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ogi_errors import AmbiguousRegion as AmbiguousRegion
from ogi_errors import PlaceError as PlaceError
from ogi_errors import RegionNotFound as RegionNotFound

PLACE_LEVELS = ("province", "city", "county", "township", "department", "zone", "unknown")
NAME_LEVELS = ("province", "city", "county", "township")


@dataclass(slots=True)
class Place:
    """Who an agency is: its level, the place names at each level, the code, how sure."""

    level: str = "unknown"
    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None
    code: str | None = None
    confidence: float = 0.0
    candidates: list[Place] = field(default_factory=list)
    parent_level: str | None = None  # departments: whose (province … township, zone, central)
    zone: str | None = None  # zones and their departments: the zone's name
    # Not part of the record contract:
    name: str = ""  # the agency name as given
    department: str | None = None  # 公安局, 办公厅, …
    kind: str | None = None  # district / county_city / street / town / zone / central …
    notes: list[str] = field(default_factory=list)
    more_candidates: int = 0  # candidates left out of ``candidates`` to keep records small

    @property
    def ambiguous(self) -> bool:
        return bool(self.candidates)

    @property
    def code12(self) -> str | None:
        """The code padded to the 12 digits of the statistical tables."""
        return self.code.ljust(12, "0") if self.code else None

    @property
    def place_level(self) -> str:
        """The level of the place itself: ``parent_level`` for a department, else ``level``."""
        return self.parent_level if self.level == "department" and self.parent_level else self.level

    def to_dict(self, *, details: bool = False) -> dict[str, Any]:
        """The record's ``place`` object; ``details=True`` adds what the contract leaves out."""
        out: dict[str, Any] = {
            "level": self.level,
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "township": self.township,
            "code": self.code,
            "confidence": round(self.confidence, 3),
            "candidates": [c.candidate_dict() for c in self.candidates],
        }
        if self.level == "department":
            out["parent_level"] = self.parent_level
        if self.zone is not None:
            out["zone"] = self.zone
        if details:
            out["name"] = self.name
            out["department"] = self.department
            out["kind"] = self.kind
            out["notes"] = list(self.notes)
            if self.more_candidates:
                out["more_candidates"] = self.more_candidates
        return out

    def candidate_dict(self) -> dict[str, Any]:
        """One alternative of an ambiguous name (the place keys only)."""
        out: dict[str, Any] = {
            "level": self.level,
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "township": self.township,
            "code": self.code,
        }
        if self.level == "department":
            out["parent_level"] = self.parent_level
        if self.zone is not None:
            out["zone"] = self.zone
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Place:
        """Rebuild from a record's ``place`` (or a candidate) so it can be compared again."""
        return cls(
            level=data.get("level") or "unknown",
            province=data.get("province"),
            city=data.get("city"),
            county=data.get("county"),
            township=data.get("township"),
            code=data.get("code"),
            confidence=float(data.get("confidence") or 0.0),
            candidates=[cls.from_dict(c) for c in data.get("candidates") or []],
            parent_level=data.get("parent_level"),
            zone=data.get("zone"),
        )

    def names(self) -> dict[str, str | None]:
        return {level: getattr(self, level) for level in NAME_LEVELS}

    def describe(self) -> str:
        """One line for people: 吉林省 通化市 梅河口市 进化镇 (township, 220581108)."""
        parts = [n for n in (self.province, self.city, self.county, self.township) if n]
        if self.zone:
            parts.append(self.zone)
        if self.department:
            parts.append(self.department)
        where = " ".join(parts) or "?"
        level = self.level + (f" of a {self.parent_level}" if self.parent_level else "")
        code = self.code or "no code"
        return f"{where} ({level}, {code}, confidence {self.confidence:.2f})"


@dataclass(frozen=True, slots=True)
class Region:
    """A place to filter by: a code prefix and the names at each level.

    ``code`` is the division code prefix (2, 4, 6 or 9 digits); it is None only for a zone
    the statistical table does not list, which is then matched by name.
    """

    level: str
    code: str | None
    name: str
    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None
    zone: str | None = None

    @property
    def code12(self) -> str | None:
        return self.code.ljust(12, "0") if self.code else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "code": self.code,
            "name": self.name,
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "township": self.township,
            "zone": self.zone,
        }

    def describe(self) -> str:
        parts = [n for n in (self.province, self.city, self.county, self.township, self.zone) if n]
        return f"{' '.join(parts) or self.name} ({self.level}, {self.code or 'no code'})"
