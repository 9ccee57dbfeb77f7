"""The collector's record of each article's page: `raw/<source_id>.page.json`, beside the article.

Many real articles state no date (or no year) in their text: the page they were saved from does, in
its metadata. Whoever saves an article can record, in a small JSON file written with it, where it came
from and what the page said about itself:

    {"url": "https://www.example.co.uk/news/ofsted-report",
     "retrieved_date": "2024-03-06T09:12:00Z",
     "page_publisher": "Example Gazette",
     "page_published_date": "2024-03-05"}

The keys are the `sources` columns whose origin is the collector (schemas/tables.py); `url` and
`retrieved_date` are required (whoever saved the page knows both), the others optional. Dates are
written YYYY, YYYY-MM or YYYY-MM-DD, or as an ISO 8601 timestamp (its date is kept, to the day).
The record is validated like a mapping — every problem named with its file, line and key — and
published in `sources`, where the article's publisher and publication date fall back to the page's
when the text gives none (`publisher_origin`, `published_date_origin` say which).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ofsted_dataset.errors import Problem
from ofsted_dataset.facts.ingest import RawFile, list_raw
from ofsted_dataset.facts.mapping_model import CuratedDate, parse_date
from ofsted_dataset.facts.project_files import NotReadable
from ofsted_dataset.periods import last_day, same_period, written
from schemas.model import Origin
from schemas.tables import SOURCES, precision_column

PAGE_SUFFIX = ".page.json"
MAX_PAGE_BYTES = 64_000  # a few hundred bytes of metadata; anything this big is the wrong file
KEYS = tuple(f.name for f in SOURCES.fields if f.origin is Origin.COLLECTOR)  # precisions are derived
REQUIRED = ("url", "retrieved_date")
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


@dataclass(frozen=True)
class Page:
    """One article's page record, its values typed as the sources columns they fill."""

    source_id: str
    sha256: str  # of the file's bytes: part of the build's input fingerprint
    values: dict[str, Any]  # str for url and page_publisher, CuratedDate for the dates


def _line_of(text: str, key: str) -> int | None:
    """The line a key is written on, for the message (JSON parsers do not keep it)."""
    match = re.search(rf'"{re.escape(key)}"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _date(raw: Any) -> CuratedDate:
    if not isinstance(raw, str):
        raise ValueError(f"expected a date written YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 timestamp, found {raw!r}")
    stamp = _TIMESTAMP.match(raw)
    return parse_date(stamp.group(1) if stamp else raw)


def _value(key: str, raw: Any) -> Any:
    """A value typed as its column, or ValueError saying what was expected."""
    field = SOURCES.field(key)
    if field.type == "date":
        return _date(raw)
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError(f"expected text, found {raw!r}")
    if field.pattern and not re.match(field.pattern, raw):
        raise ValueError(f"expected an http:// or https:// address with no spaces, found {raw!r}")
    return raw


def _parse(text: str, file: str) -> tuple[dict[str, Any], list[Problem]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return {}, [Problem(file, exc.lineno, "", f"not valid JSON ({exc.msg} at column {exc.colno})")]
    if not isinstance(doc, dict):
        return {}, [Problem(file, None, "", f"expected a JSON object of {', '.join(KEYS)}, found "
                                            f"{type(doc).__name__}")]
    problems, values = [], {}
    for key, raw in doc.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(Problem(file, _line_of(text, key), key,
                                    f"unknown key {key!r}{hint}; allowed: {', '.join(KEYS)}"))
        elif raw is not None:
            try:
                values[key] = _value(key, raw)
            except ValueError as exc:
                problems.append(Problem(file, _line_of(text, key), key, str(exc)))
    problems += [Problem(file, None, key, f"missing required key {key!r}")
                 for key in REQUIRED if doc.get(key) is None]
    return values, problems


def _check_order(values: dict[str, Any], text: str, file: str) -> list[Problem]:
    """A page cannot have been published after the collector saved it."""
    published, retrieved = values.get("page_published_date"), values.get("retrieved_date")
    if published and retrieved and published.value > last_day(retrieved.value, retrieved.precision):
        return [Problem(file, _line_of(text, "page_published_date"), "page_published_date",
                        f"{written(published.value, published.precision)} is after retrieved_date "
                        f"{written(retrieved.value, retrieved.precision)}: a page is saved after it is published")]
    return []


def _read(raw: RawFile, articles: set[str]) -> tuple[Page | None, list[Problem]]:
    file, source_id = f"raw/{raw.name}", raw.name[: -len(PAGE_SUFFIX)]
    if source_id not in articles:
        return None, [Problem(file, None, "", f"no article raw/{source_id}.txt beside it: a page record "
                                              "describes the article saved with it; add the article or remove this")]
    try:
        data = raw.read()
    except NotReadable as exc:
        return None, [Problem(file, None, "", str(exc))]
    if len(data) > MAX_PAGE_BYTES:
        return None, [Problem(file, None, "", f"too large (more than {MAX_PAGE_BYTES:,} bytes): a page record "
                                              "holds a few lines of metadata")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(file, None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    values, problems = _parse(text, file)
    problems += _check_order(values, text, file)
    if problems:
        return None, problems
    return Page(source_id, hashlib.sha256(data).hexdigest(), values), []


def read_pages(location: Path | str, articles: set[str]) -> tuple[dict[str, Page], list[Problem]]:
    """Every page record of raw/ (a folder or an fsspec URL) whose article is there, by source id."""
    # Entries that are not regular files are already refused, by name, by the articles' listing.
    files, _ = list_raw(location, PAGE_SUFFIX, MAX_PAGE_BYTES)
    pages: dict[str, Page] = {}
    problems: list[Problem] = []
    for raw in files:
        page, found = _read(raw, articles)
        problems += found
        if page:
            pages[page.source_id] = page
    return pages, problems


def _fill(row: dict[str, Any], page: Page | None, inferred: set[str], line: int | None) -> Problem | None:
    """One sources row: the page's columns, the fallbacks and where each value comes from."""
    values = page.values if page else {}
    for key in KEYS:
        value = values.get(key)
        if SOURCES.field(key).type == "date":
            row[key] = value.value if value else None
            row[precision_column(key)] = value.precision if value else None
        else:
            row[key] = value
    row["publisher_origin"] = "quoted" if row.get("publisher") else None
    if not row.get("publisher") and values.get("page_publisher"):
        row["publisher"], row["publisher_origin"] = values["page_publisher"], "page"
    page_date: CuratedDate | None = values.get("page_published_date")
    if row.get("published_date") is None:
        row["published_date_origin"] = "page" if page_date else None
        if page_date:
            row["published_date"], row["published_date_precision"] = page_date.value, page_date.precision
        return None
    row["published_date_origin"] = "inferred" if row["source_id"] in inferred else "quoted"
    curated = CuratedDate(row["published_date"], row["published_date_precision"])
    if page_date is None or same_period(curated, page_date):
        return None
    return Problem(f"mappings/{row['source_id']}.yaml", line, "source.published_date",
                   f"{written(curated.value, curated.precision)} disagrees with the page's date "
                   f"{written(page_date.value, page_date.precision)} in raw/{row['source_id']}{PAGE_SUFFIX}: "
                   "correct whichever is wrong (a page's metadata date can be its last update: then remove "
                   "page_published_date from the page record)")


def fill_sources(rows: list[dict[str, Any]], pages: dict[str, Page], inferred: set[str],
                 date_lines: dict[str, int | None]) -> list[Problem]:
    """Complete every sources row from its page record (one row per article). An article's date is
    `inferred` (source ids) when a note on its quotes says how it was read from them; `date_lines` are
    the mapping lines of the articles' dates, for a disagreement's message."""
    problems = [_fill(row, pages.get(row["source_id"]), inferred, date_lines.get(row["source_id"]))
                for row in rows]
    return [p for p in problems if p]
