"""Load and check the shape of curated mapping files (`mappings/<source_id>.yaml`).

A mapping says which facts one article reports. Its keys are the published column names; which keys a
record may carry, and of what type, is read from `schemas/tables.py`, so the loader never drifts from
the data contract. This module only checks shape and vocabulary; quotes are matched against the
article later (`apply.py`), when the text is at hand.

Shape of a record (see docs/curating.md for the full guide):

    inspections:
      - inspection_id: south-gloucestershire-2016-sif
        local_authority: South Gloucestershire
        overall_grade: inadequate
        evidence:
          local_authority: "failings within South Gloucestershire’s children’s services"
          overall_grade: {quotes: ["overall, children’s services are ‘Inadequate’"], note: "..."}

Fields whose origin is QUOTE (titles, labels, recommendation texts) are themselves quotes.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ofsted_dataset.build.yaml_loader import LineDict, YamlError, load_yaml
from ofsted_dataset.errors import Problem
from schemas.model import Field, Origin, Table
from schemas.patterns import SHA256, SOURCE_ID
from schemas.tables import TABLES

# The tables a mapping may list records for, in the order they are applied.
RECORD_TABLES = ("inspections", "judgements", "recommendations", "funding_commitments")
TOP_LEVEL_KEYS = ("source", *RECORD_TABLES, "lint_waivers", "notes")
WAIVER_KEYS = ("quote", "reason")
SOURCE_KEYS = ("file", "sha256", "title", "publisher", "published_date", "evidence")
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


def mapping_fields(table: Table) -> dict[str, Field]:
    """The fields a curator writes for `table`: everything not derived by a rule."""
    return {f.name: f for f in table.fields if f.origin is not Origin.DERIVED}


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


def _suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Checker:
    """Collects every problem of one file instead of stopping at the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int | None, where: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, where, message))

    def keys(self, node: LineDict, allowed: tuple[str, ...] | list[str], where: str) -> None:
        for key in node:
            if key not in allowed:
                self.add(node.line_of(key), where, f"unknown key {key!r}{_suggest(key, allowed)}; "
                         f"allowed: {', '.join(allowed)}")

    def quote(self, raw: Any, line: int, where: str) -> Quote | None:
        if isinstance(raw, str):
            if not raw.strip():
                self.add(line, where, "quote is empty")
                return None
            return Quote(raw, None, None, line)
        if isinstance(raw, LineDict):
            self.keys(raw, QUOTE_KEYS, where)
            text, occurrence, source = raw.get("text"), raw.get("occurrence"), raw.get("source")
            ok = True
            if not isinstance(text, str) or not text.strip():
                self.add(raw.line, where, f"a quote needs non-empty `text`, found {text!r}")
                ok = False
            if occurrence is not None and (isinstance(occurrence, bool) or not isinstance(occurrence, int)
                                           or occurrence < 1):
                self.add(raw.line_of("occurrence"), where,
                         f"`occurrence` must be a whole number from 1, found {occurrence!r}")
                ok = False
            if source is not None and (not isinstance(source, str) or not re.match(r"^[a-z0-9][a-z0-9_-]*$", source)):
                self.add(raw.line_of("source"), where,
                         f"`source` must be the id of another article (a raw file stem), found {source!r}")
                ok = False
            return Quote(text, occurrence, source, raw.line) if ok else None
        self.add(line, where,
                 f"expected a quote (text, or a mapping with text/occurrence/source), found {type(raw).__name__}")
        return None

    def evidence(self, raw: Any, line: int, where: str) -> Evidence | None:
        note = None
        items: Any = raw
        if isinstance(raw, LineDict) and "text" not in raw:
            self.keys(raw, EVIDENCE_KEYS, where)
            items, note = raw.get("quotes"), raw.get("note")
            if note is not None and not isinstance(note, str):
                self.add(raw.line_of("note"), where, f"`note` must be text, found {type(note).__name__}")
                note = None
            line = raw.line_of("quotes")
        if not isinstance(items, list):
            items = [items]
        if not items or items == [None]:
            self.add(line, where, "evidence needs at least one quote")
            return None
        quotes = [self.quote(item, getattr(item, "line", line), where) for item in items]
        if any(q is None for q in quotes):
            return None
        return Evidence(tuple(q for q in quotes if q is not None), note)

    def value(self, f: Field, raw: Any, line: int, where: str) -> Any:
        """Type-check one curated value against its schema field; None after reporting a problem."""
        if f.origin is Origin.QUOTE:
            return self.quote(raw, line, where)
        if f.type == "date":
            if isinstance(raw, int) and not isinstance(raw, bool):
                raw = str(raw)  # YAML reads an unquoted year as a number
            if not isinstance(raw, str):
                self.add(line, where, f"expected a date written YYYY, YYYY-MM or YYYY-MM-DD, found {raw!r}")
                return None
            try:
                return parse_date(raw)
            except ValueError as exc:
                self.add(line, where, str(exc))
                return None
        if f.type == "integer":
            if isinstance(raw, bool) or not isinstance(raw, int):
                self.add(line, where, f"expected a whole number, found {raw!r}")
                return None
            if f.minimum is not None and raw < f.minimum:
                self.add(line, where, f"must be at least {f.minimum}, found {raw}")
                return None
            return raw
        if f.type == "boolean":
            if not isinstance(raw, bool):
                self.add(line, where, f"expected true or false, found {raw!r}")
                return None
            return raw
        if not isinstance(raw, str) or not raw.strip():
            self.add(line, where, f"expected text, found {raw!r}")
            return None
        if f.enum and raw not in f.enum:
            self.add(line, where, f"{raw!r} is not one of {', '.join(f.enum)}{_suggest(raw, f.enum)}")
            return None
        if f.pattern and not re.match(f.pattern, raw):
            self.add(line, where, f"{raw!r} is not a lowercase slug (letters, digits and single hyphens)")
            return None
        return raw

    def record(self, table: Table, raw: Any, index: int, fields: dict[str, Field],
               required: tuple[str, ...]) -> Record | None:
        where = f"{table.name}[{index}]"
        if not isinstance(raw, LineDict):
            self.add(None, where, f"expected a mapping of field: value, found {type(raw).__name__}")
            return None
        allowed = [*fields, "evidence"]
        self.keys(raw, allowed, where)
        values: dict[str, Any] = {}
        for name, f in fields.items():
            if raw.get(name) is None:
                if name in required:
                    self.add(raw.line, where, f"missing required key {name!r}")
                continue
            value = self.value(f, raw[name], raw.line_of(name), f"{where}.{name}")
            if value is not None:
                values[name] = value
        evidence: dict[str, Evidence] = {}
        ev = raw.get("evidence")
        if ev is not None and not isinstance(ev, LineDict):
            self.add(raw.line_of("evidence"), f"{where}.evidence", "expected field: quotes pairs")
            ev = None
        needs = [n for n, f in fields.items() if f.origin is Origin.EVIDENCE and raw.get(n) is not None]
        # A misspelt or missing key is already reported; its evidence is not a second mistake.
        explained = bool(set(raw) - set(allowed)) or any(raw.get(n) is None for n in required)
        for name in ev or {}:
            if name not in needs and not (explained and name in fields):
                reason = "no such field" if name not in fields else "that field has no value here"
                self.add(ev.line_of(name), f"{where}.evidence.{name}",
                         f"evidence for {name!r}, but {reason}{_suggest(name, needs)}")
                continue
            parsed = self.evidence(ev[name], ev.line_of(name), f"{where}.evidence.{name}")
            if parsed:
                evidence[name] = parsed
        for name in needs:
            if name not in (ev or {}):
                self.add(raw.line_of(name), f"{where}.{name}", f"no evidence: add `evidence: {{{name}: \"<quote>\"}}`")
        record = Record(table.name, index, raw.line, values, evidence, dict(raw.key_lines))
        return record


def load_mapping(path: Path, data: bytes | None = None) -> tuple[Mapping | None, list[Problem]]:
    """Read one mapping file (or its bytes, when the caller has already read them); return it with no
    problems, or None with every problem found."""
    file = f"mappings/{path.name}"
    check = _Checker(file)
    try:
        text = (path.read_bytes() if data is None else data).decode("utf-8")
    except UnicodeDecodeError as exc:
        check.add(None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None, check.problems
    try:
        doc = load_yaml(text)
    except YamlError as exc:
        check.add(exc.line, "", exc.message)
        return None, check.problems
    if not isinstance(doc, LineDict):
        check.add(None, "", "expected a YAML mapping with `source:` and fact lists")
        return None, check.problems
    check.keys(doc, TOP_LEVEL_KEYS, "")

    source = doc.get("source")
    source_record = None
    file_name = sha = ""
    if not isinstance(source, LineDict):
        check.add(doc.line_of("source"), "source", "missing `source:` block (file, sha256, title, ...)")
    else:
        check.keys(source, SOURCE_KEYS, "source")
        file_name = source.get("file")
        if not isinstance(file_name, str) or not re.match(SOURCE_ID[:-1] + r"\.txt$", file_name):
            check.add(source.line_of("file"), "source.file",
                      f"expected the raw article's file name in raw/ (like 000_abc.txt), found {file_name!r}")
            file_name = ""
        elif file_name != f"{path.stem}.txt":
            check.add(source.line_of("file"), "source.file",
                      f"the mapping for raw/{file_name} must be named mappings/{Path(file_name).stem}.yaml")
        sha = source.get("sha256")
        if not isinstance(sha, str) or not re.match(SHA256, sha):
            check.add(source.line_of("sha256"), "source.sha256",
                      f"expected the SHA-256 (64 hex digits) of the raw article as curated, found {sha!r}")
            sha = ""
        fields = mapping_fields(TABLES["sources"])
        # Unknown keys were reported against SOURCE_KEYS above; the record sees only the known ones.
        stripped = LineDict({k: v for k, v in source.items() if k in SOURCE_KEYS and k not in ("file", "sha256")})
        stripped.line, stripped.key_lines = source.line, source.key_lines
        source_record = check.record(TABLES["sources"], stripped, 0, fields, ("title",))
        if source_record:
            source_record.index = 0

    records: list[Record] = []
    for table_name in RECORD_TABLES:
        items = doc.get(table_name)
        if items is None:
            continue
        if not isinstance(items, list):
            check.add(doc.line_of(table_name), table_name, "expected a list of records (each starting with '- ')")
            continue
        table = TABLES[table_name]
        fields = mapping_fields(table)
        required = tuple(n for n, f in fields.items() if f.required)
        for index, item in enumerate(items):
            record = check.record(table, item, index, fields, required)
            if record:
                records.append(record)
    waivers = []
    raw_waivers = doc.get("lint_waivers") or []
    if not isinstance(raw_waivers, list):
        check.add(doc.line_of("lint_waivers"), "lint_waivers", "expected a list of {quote, reason}")
        raw_waivers = []
    for index, item in enumerate(raw_waivers):
        where = f"lint_waivers[{index}]"
        if not isinstance(item, LineDict):
            check.add(doc.line_of("lint_waivers"), where, "expected a mapping with quote and reason")
            continue
        check.keys(item, WAIVER_KEYS, where)
        quote, reason = item.get("quote"), item.get("reason")
        if not isinstance(quote, str) or not quote.strip() or not isinstance(reason, str) or not reason.strip():
            check.add(item.line, where, "a waiver needs a non-empty `quote` (the flagged text) and `reason`")
            continue
        waivers.append(Waiver(quote, reason, item.line))
    notes = doc.get("notes")
    if notes is not None and not isinstance(notes, str):
        check.add(doc.line_of("notes"), "notes", "expected text")
        notes = None
    if check.problems or source_record is None:
        return None, check.problems
    return Mapping(path, path.stem, file_name, sha, source_record, records, notes, waivers,
                   dict(source.key_lines)), []


def load_mappings(directory: Path) -> tuple[list[Mapping], list[Problem]]:
    """Every `*.yaml` in `directory`, in file-name order, with all problems of all files."""
    mappings: list[Mapping] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        mapping, found = load_mapping(path)
        problems.extend(found)
        if mapping:
            mappings.append(mapping)
    return mappings, problems
