"""What a synthetic article is made of: councils from the register, a shared pool of inspections,
the curated records a mapping will hold, and the article being written."""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
from dataclasses import dataclass, field
from typing import Any

from bench.corpus_wording import GRADE_WORDS, GRADES_BY_FRAMEWORK, LABELS, REFERENCE
from ofsted_dataset.text import MONTHS


@dataclass(frozen=True)
class Council:
    name: str
    names: tuple[str, ...]  # name and aliases an article may use
    slug: str


@dataclass
class Inspection:
    """One inspection of the synthetic world: every article that reports it uses these values."""

    inspection_id: str
    council: Council
    kind: str  # inspection_type
    framework: str | None  # slac, sif, ilacs (label set) or None for ungraded visits
    visit_start: dt.date
    visit_end: dt.date
    published: dt.date
    grade: str | None
    judgements: list[tuple[str, str]]  # (label, grade)
    recommendations_made: int
    next_recommendation: int = 1


@dataclass
class Rec:
    """One mapping record: values (quotes for verbatim fields) and evidence per field."""

    table: str
    values: dict[str, Any]
    evidence: dict[str, tuple[list[str], str | None]] = field(default_factory=dict)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", "and")).strip("-")


def load_councils() -> list[Council]:
    """The register's councils with the names prose can use (no inverted forms like 'Bristol, City of')."""
    with (REFERENCE / "local_authorities.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    councils = []
    for row in rows:
        aliases = [a for a in row["aliases"].split(";") if a and not a.endswith(" of")]
        councils.append(Council(row["name"], (row["name"], *aliases), slugify(row["name"])))
    return councils


def _pick_grade(rng: random.Random, framework: str) -> str:
    grades, weights = zip(*GRADES_BY_FRAMEWORK[framework], strict=True)
    return rng.choices(grades, weights)[0]


def make_pool(rng: random.Random, councils: list[Council], size: int) -> list[Inspection]:
    """`size` inspections with unique ids, sorted by publication date."""
    pool: list[Inspection] = []
    ids: set[str] = set()
    kinds = ("full_inspection", "monitoring_visit", "focused_visit", "joint_targeted_area_inspection")
    for _ in range(size):
        council = rng.choice(councils)
        kind = rng.choices(kinds, (45, 25, 18, 12))[0]
        framework: str | None = None
        if kind == "full_inspection":
            framework = rng.choice(("slac", "sif", "ilacs", "ilacs"))
            year = {"slac": rng.randint(2009, 2012), "sif": rng.randint(2014, 2017),
                    "ilacs": rng.randint(2018, 2024)}[framework]
        else:
            year = rng.randint({"monitoring_visit": 2014, "focused_visit": 2018}.get(kind, 2016), 2024)
        start = dt.date(year, rng.randint(1, 11), rng.randint(1, 20))
        length = rng.randint(11, 25) if kind in ("full_inspection", "joint_targeted_area_inspection") else 1
        end = start + dt.timedelta(days=length)
        published = end + dt.timedelta(days=rng.randint(25, 70))
        base = f"{council.slug}-{year}-{kind.replace('_', '-')}"
        inspection_id = base if base not in ids else f"{council.slug}-{year}-{start.month:02d}-{kind.replace('_', '-')}"
        suffix = 2
        while inspection_id in ids:
            inspection_id = f"{base}-{suffix}"
            suffix += 1
        ids.add(inspection_id)
        grade = _pick_grade(rng, framework) if framework else None
        judgements: list[tuple[str, str]] = []
        if framework:
            label_set = "ilacs2023" if framework == "ilacs" and year >= 2023 else framework
            for label in LABELS[label_set]:
                judgements.append((label, grade if rng.random() < 0.55 else _pick_grade(rng, framework)))
        made = rng.randint(12, 30) if kind == "full_inspection" else rng.randint(2, 8)
        pool.append(Inspection(inspection_id, council, kind, framework, start, end, published, grade,
                               judgements, made))
    pool.sort(key=lambda i: (i.published, i.inspection_id))
    return pool


def day_text(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def month_text(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}"


class Article:
    """Builds one article's paragraphs and its mapping records together, so every quote is text the
    article contains."""

    def __init__(self, rng: random.Random, date: dt.date | None) -> None:
        self.rng = rng
        self.date = date
        self.paragraphs: list[str] = []
        self.records: list[Rec] = []
        self.q = rng.choice((("‘", "’"), ('"', '"'), ("“", "”"), ("'", "'")))
        self.apos = rng.choice(("’", "'"))
        self.names: dict[str, str] = {}  # council name -> the name this article uses
        self.dateline: str | None = None

    def name(self, council: Council) -> str:
        if council.name not in self.names:
            self.names[council.name] = self.rng.choice(council.names)
        return self.names[council.name]

    def grade(self, grade: str, lower: bool = False) -> str:
        word = GRADE_WORDS[grade]
        return f"{self.q[0]}{word.lower() if lower else word}{self.q[1]}"

    def add(self, text: str) -> None:
        self.paragraphs.append(text)

    def byte_size(self) -> int:
        return len("\n\n".join(self.paragraphs).encode("utf-8"))


def inspection_record(insp: Inspection, name_quote: str, name_note: str | None = None) -> Rec:
    rec = Rec("inspections", {"inspection_id": insp.inspection_id, "local_authority": insp.council.name})
    rec.evidence["local_authority"] = ([name_quote], name_note)
    return rec


def set_value(rec: Rec, name: str, value: Any, quotes: list[str], note: str | None = None) -> None:
    rec.values[name] = value
    rec.evidence[name] = (quotes, note)


