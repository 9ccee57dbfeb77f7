"""What a curated mapping says, once loaded: its records, quotes, evidence and dates.

The shape of a mapping file, and the keys each part may carry, are set here from `schemas/tables.py`
(a record's keys are the published column names), so the loader (mappings.py) and its value checks
(mapping_checker.py) never drift from the data contract.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ofsted_dataset.errors import Problem
from schemas.model import Field, Origin, Table
from schemas.tables import TABLES
from schemas.vocabularies import FACT_TABLE_NAMES


def mapping_fields(table: Table) -> dict[str, Field]:
    """The fields a curator writes for `table`: everything not derived by a rule or taken from the
    collector's record of the page."""
    return {f.name: f for f in table.fields if f.origin not in (Origin.DERIVED, Origin.COLLECTOR)}


# The tables a mapping may list records for, in the order they are applied: every fact table but the
# sources table, whose one record is the `source:` block.
RECORD_TABLES = tuple(name for name in FACT_TABLE_NAMES if name != "sources")
TOP_LEVEL_KEYS = ("source", *RECORD_TABLES, "lint_waivers", "notes")
WAIVER_KEYS = ("quote", "reason")
# `file` and `sha256` pin the article as curated; the rest is the sources record.
SOURCE_KEYS = ("file", "sha256", *mapping_fields(TABLES["sources"]), "review", "evidence")
# A record's review state: the drafter writes `review: draft`; a person who has checked the record
# against the article changes it to `reviewed` (or deletes the line). A draft stops the build.
REVIEW_KEY = "review"
REVIEW_STATES = ("draft", "reviewed")
QUOTE_KEYS = ("text", "occurrence", "source")
EVIDENCE_KEYS = ("quotes", "note")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class Quote:
    """A quote as the curator wrote it; `source` names another article when the quote is not in this one."""

    text: str
    occurrence: int | None
    source: str | None
    line: int


@dataclass(frozen=True)
class Evidence:
    quotes: tuple[Quote, ...]
    note: str | None


@dataclass(frozen=True)
class CuratedDate:
    """A date as precise as the article allows: stored as the first day of its period."""

    value: dt.date
    precision: str  # day, month or year


@dataclass
class Record:
    table: str
    index: int
    line: int
    values: dict[str, Any]  # typed values: str, int, bool, CuratedDate, or Quote for QUOTE fields
    evidence: dict[str, Evidence]
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.table}[{self.index}]"


@dataclass(frozen=True)
class Waiver:
    """A sentence `ofsted-dataset lint` would flag, that the curator has read and decided to leave out."""

    quote: str
    reason: str
    line: int


@dataclass
class Mapping:
    path: Path
    source_id: str
    file: str
    sha256: str
    source: Record  # the `source:` block, as a record of the sources table
    records: list[Record]
    notes: str | None
    waivers: list[Waiver] = field(default_factory=list)
    source_lines: dict[str, int] = field(default_factory=dict)  # line of each key of the source block
    drafts: list[Problem] = field(default_factory=list)  # records still marked `review: draft`


def parse_date(text: str) -> CuratedDate:
    """'2017', '2017-02' or '2017-02-13' to the first day of the period and its precision."""
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"expected a date written YYYY, YYYY-MM or YYYY-MM-DD, found {text!r}")
    year, month, day = match.groups()
    try:
        value = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None
    precision = "day" if day else "month" if month else "year"
    return CuratedDate(value, precision)


