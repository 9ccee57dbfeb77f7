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

import re
from dataclasses import dataclass
from pathlib import Path

from ofsted_dataset.errors import Problem
from ofsted_dataset.facts.mapping_checker import Checker, required_fields
from ofsted_dataset.facts.mapping_model import (
    RECORD_TABLES,
    SOURCE_KEYS,
    TOP_LEVEL_KEYS,
    WAIVER_KEYS,
    Mapping,
    Record,
    Waiver,
    mapping_fields,
)
from ofsted_dataset.facts.project_files import list_entries
from ofsted_dataset.facts.yaml_loader import LineDict, YamlError, load_yaml
from ofsted_dataset.text import shown
from schemas.patterns import SHA256, SOURCE_ID
from schemas.tables import TABLES

_RAW_FILE = re.compile(SOURCE_ID[:-1] + r"\.txt$")


@dataclass(frozen=True)
class _Source:
    """What the `source:` block of a mapping says, once checked."""

    file: str
    sha256: str
    record: Record
    lines: dict[str, int]  # line of each key of the block


def load_mapping(path: Path, data: bytes | None = None) -> tuple[Mapping | None, list[Problem]]:
    """Read one mapping file (or its bytes, when the caller has already read them); return it with no
    problems, or None with every problem found."""
    check = Checker(f"mappings/{path.name}")
    doc = _document(check, path, data)
    if doc is None:
        return None, check.problems
    check.keys(doc, TOP_LEVEL_KEYS, "")
    source = _source(check, doc, path)
    records = [record for table_name in RECORD_TABLES for record in _records(check, doc, table_name)]
    waivers = _waivers(check, doc)
    notes = doc.get("notes")
    if notes is not None and not isinstance(notes, str):
        check.add(doc.line_of("notes"), "notes", "expected text")
    if check.problems or source is None:
        return None, check.problems
    return Mapping(path, path.stem, source.file, source.sha256, source.record, records, notes, waivers,
                   source.lines, check.drafts), []


def _document(check: Checker, path: Path, data: bytes | None) -> LineDict | None:
    """The parsed file, or None when it is not UTF-8, not YAML, or not a mapping at its top (nothing
    else can be checked then)."""
    try:
        text = (path.read_bytes() if data is None else data).decode("utf-8")
    except UnicodeDecodeError as exc:
        check.add(None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    try:
        doc = load_yaml(text)
    except YamlError as exc:
        check.add(exc.line, "", exc.message)
        return None
    if not isinstance(doc, LineDict):
        check.add(None, "", f"expected a YAML mapping with `source:` and fact lists, found {_kind_of(doc)}")
        return None
    return doc


def _kind_of(doc: object) -> str:
    """What a file that is not a mapping holds, in the words a curator would use."""
    if doc is None:
        return "an empty file"
    if isinstance(doc, list):
        return f"a list of {len(doc)} item(s) (remove the '- ' before `source:`?)" if doc else "an empty list"
    return f"a single value ({shown(doc) if isinstance(doc, str) else repr(doc)})"


def _source(check: Checker, doc: LineDict, path: Path) -> _Source | None:
    block = doc.get("source")
    if not isinstance(block, LineDict):
        check.add(doc.line_of("source"), "source", "missing `source:` block (file, sha256, title, ...)")
        return None
    check.keys(block, SOURCE_KEYS, "source")
    file_name = _source_file(check, block, path)
    sha = block.get("sha256")
    if not isinstance(sha, str) or not re.match(SHA256, sha):
        check.add(block.line_of("sha256"), "source.sha256",
                  f"expected the SHA-256 (64 hex digits) of the raw article as curated, found {sha!r}")
        sha = ""
    fields = mapping_fields(TABLES["sources"])
    # Unknown keys were reported against SOURCE_KEYS above; the record sees only the known ones.
    stripped = LineDict({k: v for k, v in block.items() if k in SOURCE_KEYS and k not in ("file", "sha256")})
    stripped.line, stripped.key_lines = block.line, block.key_lines
    record = check.record(TABLES["sources"], stripped, 0, fields, required_fields(fields))
    return _Source(file_name, sha, record, dict(block.key_lines)) if record else None


def _source_file(check: Checker, block: LineDict, path: Path) -> str:
    """The raw article's file name; "" when it is not one (a problem is reported)."""
    file_name = block.get("file")
    if not isinstance(file_name, str) or not _RAW_FILE.match(file_name):
        check.add(block.line_of("file"), "source.file",
                  f"expected the raw article's file name in raw/ (like 000_abc.txt), found {file_name!r}")
        return ""
    if file_name != f"{path.stem}.txt":
        check.add(block.line_of("file"), "source.file",
                  f"the mapping for raw/{file_name} must be named mappings/{Path(file_name).stem}.yaml")
    return file_name


def _records(check: Checker, doc: LineDict, table_name: str) -> list[Record]:
    items = doc.get(table_name)
    if items is None:
        return []
    if not isinstance(items, list):
        check.add(doc.line_of(table_name), table_name, "expected a list of records (each starting with '- ')")
        return []
    table = TABLES[table_name]
    fields = mapping_fields(table)
    required = required_fields(fields)
    records = [check.record(table, item, index, fields, required) for index, item in enumerate(items)]
    return [record for record in records if record]


def _waivers(check: Checker, doc: LineDict) -> list[Waiver]:
    raw_waivers = doc.get("lint_waivers") or []
    if not isinstance(raw_waivers, list):
        check.add(doc.line_of("lint_waivers"), "lint_waivers", "expected a list of {quote, reason}")
        return []
    waivers = []
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
    return waivers


def mapping_paths(directory: Path) -> tuple[list[Path], list[Problem]]:
    """The mapping files, in file-name order, and every entry of mappings/ refused as not a regular
    file of the project (a link, a folder: project_files.py) — never opened."""
    return list_entries(directory, "mappings", ".yaml")


def load_mappings(directory: Path) -> tuple[list[Mapping], list[Problem]]:
    """Every mapping in `directory`, in file-name order, with all problems of all files."""
    mappings: list[Mapping] = []
    paths, problems = mapping_paths(directory)
    for path in paths:
        mapping, found = load_mapping(path)
        problems.extend(found)
        if mapping:
            mappings.append(mapping)
    return mappings, problems
