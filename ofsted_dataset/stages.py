"""The pipeline's stages as plain functions; `flows/build_dataset.py` only wires them to Prefect.

Each stage takes and returns plain values so it can be unit-tested without Prefect, and each is one
Prefect task for the whole batch of articles (never one task per article: a task run costs ~10 ms).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ofsted_dataset.apply import apply_mappings
from ofsted_dataset.arrow_tables import to_arrow_tables
from ofsted_dataset.errors import CurationError, Problem
from ofsted_dataset.ingest import Article, read_articles
from ofsted_dataset.mappings import load_mappings
from ofsted_dataset.official_checks import check_against_official, conflicts
from ofsted_dataset.official_snapshot import snapshot, sources_from_env
from ofsted_dataset.publish import PublishResult, publish
from ofsted_dataset.reference import JudgementAreas, Register
from ofsted_dataset.validate import validate_tables


@dataclass
class Ingested:
    articles: dict[str, Article]
    problems: list[Problem]


@dataclass
class Applied:
    tables: dict[str, pa.Table]
    mapped: list[str]  # source ids with a mapping
    waiting: list[str]  # raw articles with no mapping yet (waiting for curation)
    facts: int  # curated records applied, before merging
    quotes: int  # provenance rows
    problems: list[Problem] = field(default_factory=list)


def ingest(root: Path) -> Ingested:
    articles, problems = read_articles(root / "raw")
    return Ingested(articles, problems)


def apply(root: Path, ingested: Ingested) -> Applied:
    """Load every mapping, match its quotes in its article and build the tables."""
    mappings, problems = load_mappings(root / "mappings")
    problems = [*ingested.problems, *problems]
    mapping_files = {p.stem for p in (root / "mappings").glob("*.yaml")}
    rows, apply_problems = apply_mappings(mappings, ingested.articles, Register.load(), JudgementAreas.load(),
                                          mapping_files)
    problems += apply_problems
    mapped = sorted(m.source_id for m in mappings)
    waiting = sorted(set(ingested.articles) - set(mapped))
    facts = sum(1 + len(m.records) for m in mappings)
    return Applied(to_arrow_tables(rows), mapped, waiting, facts, len(rows["provenance"]), problems)


@dataclass
class OfficialChecked:
    applied: Applied  # the same tables, official_checks filled in
    snapshot: str  # what the snapshot step did, in one line
    statuses: dict[str, int]  # rows of official_checks per status
    conflicts: list[str]  # one line per news value the official record contradicts


def refresh_official_record(root: Path) -> tuple[str | None, str]:
    """Fetch Ofsted's official spreadsheets if reachable and refresh the committed extract from them.

    Returns the extract to check against (None: no extract, every check is not_checked) and a one-line
    account; an unreachable source never fails the run. This is the only stage that uses the network.
    """
    result = snapshot(root, sources_from_env(), dt.datetime.now(dt.UTC).date(), register=Register.load())
    return (str(result.extract) if result.available else None), result.summary()


def check_official(applied: Applied, extract: str | None, summary: str) -> OfficialChecked:
    """Compare every inspection and judgement with the official record (docs/official-checks.md)."""
    if applied.problems:  # nothing to check until the mappings apply; `check` reports the problems
        return OfficialChecked(applied, summary, {}, [])
    table = check_against_official(applied.tables, Path(extract) if extract else None, Register.load())
    counted = pc.value_counts(table["status"]).to_pylist()
    statuses = {c["values"]: c["counts"] for c in sorted(counted, key=lambda c: c["values"])}
    tables = {**applied.tables, "official_checks": table}
    return OfficialChecked(dataclasses.replace(applied, tables=tables), summary, statuses, conflicts(table))


def check(applied: Applied, ingested: Ingested) -> dict[str, int]:
    """Stop on any curation problem, then validate the tables; returns rows per table."""
    if applied.problems:
        raise CurationError(applied.problems)
    return validate_tables(applied.tables, {k: a.text for k, a in ingested.articles.items()})


def release(root: Path, applied: Applied, ingested: Ingested) -> PublishResult:
    """Publish a new release if the tables changed (see publish.py for the steps and their safety)."""
    texts = {k: a.text for k, a in ingested.articles.items()}
    return publish(applied.tables, applied.tables["sources"].to_pylist(), root, texts)
