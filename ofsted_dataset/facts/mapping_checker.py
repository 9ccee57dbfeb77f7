"""Check one value, quote, evidence block or record of a mapping against its field in the schemas,
collecting every problem with its line, so a curator sees all of a file's mistakes at once."""

from __future__ import annotations

import difflib
import re
from typing import Any

from ofsted_dataset.errors import Problem
from ofsted_dataset.facts.mapping_model import (
    EVIDENCE_KEYS,
    QUOTE_KEYS,
    REVIEW_KEY,
    REVIEW_STATES,
    Evidence,
    Quote,
    Record,
    parse_date,
)
from ofsted_dataset.facts.yaml_loader import LineDict
from ofsted_dataset.text import shown
from schemas.model import Field, Origin, Table
from schemas.patterns import FINANCIAL_YEAR, SLUG, SOURCE_ID

_SOURCE_ID = re.compile(SOURCE_ID)
_PATTERN_NAMES = {SLUG: "a lowercase slug (letters, digits and single hyphens)",
                  FINANCIAL_YEAR: "a financial year written YYYY/YY (2019/20)"}


def _suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def required_fields(fields: dict[str, Field]) -> tuple[str, ...]:
    """The keys a mapping record must give: required columns the pipeline cannot derive."""
    return tuple(n for n, f in fields.items() if f.required and not f.derivable)


def _typed(f: Field, raw: Any) -> Any:
    """A curated value as its schema field types it; ValueError, worded for the curator, if it is not one."""
    if f.type == "date":
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)  # YAML reads an unquoted year as a number
        if not isinstance(raw, str):
            raise ValueError(f"expected a date written YYYY, YYYY-MM or YYYY-MM-DD, found {raw!r}")
        return parse_date(raw)
    if f.type == "integer":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(f"expected a whole number, found {raw!r}")
        if f.minimum is not None and raw < f.minimum:
            raise ValueError(f"must be at least {f.minimum}, found {raw}")
        return raw
    if f.type == "boolean":
        if not isinstance(raw, bool):
            raise ValueError(f"expected true or false, found {raw!r}")
        return raw
    return _text(f, raw)


def _text(f: Field, raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError(f"expected text, found {raw!r}")
    if f.enum and raw not in f.enum:
        raise ValueError(f"{raw!r} is not one of {', '.join(f.enum)}{_suggest(raw, f.enum)}")
    if f.pattern and not re.match(f.pattern, raw):
        raise ValueError(f"{raw!r} is not {_PATTERN_NAMES.get(f.pattern, f'of the form {f.pattern}')}")
    return raw


class Checker:
    """Collects every problem of one file instead of stopping at the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        # Records still marked as drafts: kept apart so that lint and draft-score can read a draft, while
        # a build refuses it (apply.resolve_mapping reports them).
        self.drafts: list[Problem] = []

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
            return self._quote_block(raw, where)
        self.add(line, where,
                 f"expected a quote (text, or a mapping with text/occurrence/source), found {type(raw).__name__}")
        return None

    def _quote_block(self, raw: LineDict, where: str) -> Quote | None:
        """A quote written as text/occurrence/source: all three are checked, so each mistake shows at once."""
        self.keys(raw, QUOTE_KEYS, where)
        text, occurrence, source = raw.get("text"), raw.get("occurrence"), raw.get("source")
        if not isinstance(text, str) or not text.strip():
            found = shown(text) if isinstance(text, str) else repr(text)
            self.add(raw.line, where, f"a quote needs non-empty `text`, found {found}")
            text = None
        occurrence_ok = occurrence is None or (isinstance(occurrence, int) and not isinstance(occurrence, bool)
                                               and occurrence >= 1)
        if not occurrence_ok:
            self.add(raw.line_of("occurrence"), where,
                     f"`occurrence` must be a whole number from 1, found {occurrence!r}")
        source_ok = source is None or (isinstance(source, str) and bool(_SOURCE_ID.match(source)))
        if not source_ok:
            self.add(raw.line_of("source"), where,
                     f"`source` must be the id of another article (a raw file stem), found {source!r}")
        if text is None or not (occurrence_ok and source_ok):
            return None
        return Quote(text, occurrence, source, raw.line)

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
        try:
            return _typed(f, raw)
        except ValueError as exc:
            self.add(line, where, str(exc))
            return None

    def record(self, table: Table, raw: Any, index: int, fields: dict[str, Field],
               required: tuple[str, ...]) -> Record | None:
        where = f"{table.name}[{index}]"
        if not isinstance(raw, LineDict):
            self.add(None, where, f"expected a mapping of field: value, found {type(raw).__name__}")
            return None
        allowed = [*fields, REVIEW_KEY, "evidence"]
        self.keys(raw, allowed, where)
        self.review(raw, where, table)
        values: dict[str, Any] = {}
        for name, f in fields.items():
            if raw.get(name) is None:
                if name in required:
                    self.add(raw.line, where, f"missing required key {name!r}")
                continue
            value = self.value(f, raw[name], raw.line_of(name), f"{where}.{name}")
            if value is not None:
                values[name] = value
        # A misspelt or missing key is already reported; its evidence is not a second mistake.
        explained = bool(set(raw) - set(allowed)) or any(raw.get(n) is None for n in required)
        evidence = self._record_evidence(raw, fields, explained, where)
        return Record(table.name, index, raw.line, values, evidence, dict(raw.key_lines))

    def review(self, raw: LineDict, where: str, table: Table) -> None:
        """A record still marked as a draft is a problem: nothing unreviewed is published."""
        state = raw.get(REVIEW_KEY)
        if state is None or state == "reviewed":
            return
        line = raw.line_of(REVIEW_KEY)
        if state != "draft":
            self.add(line, f"{where}.{REVIEW_KEY}", f"expected {' or '.join(REVIEW_STATES)}, found {state!r}")
            return
        keys = [str(raw[k]) for k in table.primary_key if isinstance(raw.get(k), str | int)]
        named = "/".join(keys) if keys else ("the source block" if table.name == "sources" else "this record")
        self.drafts.append(Problem(self.file, line, where, f"{named} is still a draft (review: draft): check each "
                                   "value and quote against the article, then write `review: reviewed` (or delete "
                                   "the line)"))

    def _record_evidence(self, raw: LineDict, fields: dict[str, Field], explained: bool,
                         where: str) -> dict[str, Evidence]:
        """The record's `evidence:` block: one entry for each evidenced field with a value, and no other."""
        block = raw.get("evidence")
        if block is not None and not isinstance(block, LineDict):
            self.add(raw.line_of("evidence"), f"{where}.evidence", "expected field: quotes pairs")
        needs = [n for n, f in fields.items() if f.origin is Origin.EVIDENCE and raw.get(n) is not None]
        evidence: dict[str, Evidence] = {}
        if isinstance(block, LineDict):
            evidence = self._evidence_entries(block, fields, needs, explained, where)
        for name in needs:
            if not isinstance(block, LineDict) or name not in block:
                self.add(raw.line_of(name), f"{where}.{name}", f"no evidence: add `evidence: {{{name}: \"<quote>\"}}`")
        return evidence

    def _evidence_entries(self, block: LineDict, fields: dict[str, Field], needs: list[str], explained: bool,
                          where: str) -> dict[str, Evidence]:
        evidence: dict[str, Evidence] = {}
        for name in block:
            if name not in needs and not (explained and name in fields):
                reason = "no such field" if name not in fields else "that field has no value here"
                self.add(block.line_of(name), f"{where}.evidence.{name}",
                         f"evidence for {name!r}, but {reason}{_suggest(name, needs)}")
                continue
            parsed = self.evidence(block[name], block.line_of(name), f"{where}.evidence.{name}")
            if parsed:
                evidence[name] = parsed
        return evidence


