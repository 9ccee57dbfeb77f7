"""The pipeline's stages as plain functions; `flows/build_dataset.py` only wires them to Prefect.

Each stage takes and returns plain values so it can be unit-tested without Prefect, and each is one
Prefect task for the whole batch of articles (never one task per article: a task run costs ~10 ms).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ofsted_dataset import article_cache
from ofsted_dataset.apply import ArticleFacts, resolve_mapping
from ofsted_dataset.apply import combine as combine_facts
from ofsted_dataset.arrow_tables import to_arrow_tables
from ofsted_dataset.atomic_files import write_text_atomically
from ofsted_dataset.errors import CurationError, Problem
from ofsted_dataset.ingest import Article, read_articles
from ofsted_dataset.mappings import load_mapping
from ofsted_dataset.official_checks import check_against_official, conflicts
from ofsted_dataset.official_snapshot import snapshot, sources_from_env
from ofsted_dataset.progress import Progress
from ofsted_dataset.publish import PublishResult, current_version, publish
from ofsted_dataset.reference import JudgementAreas, Register
from ofsted_dataset.summary import RunSummary
from ofsted_dataset.validate import validate_tables

PACKAGE = Path(__file__).resolve().parent
BATCH_SIZE = 250  # mappings per task: big enough that Prefect's ~10 ms a task run is noise


class Ingested:
    """Every raw article, read and hashed. A plain class, not a dataclass, on purpose: Prefect walks
    dataclasses passed to tasks looking for futures, and this one holds every article."""

    __slots__ = ("articles", "problems")

    def __init__(self, articles: dict[str, Article], problems: list[Problem]) -> None:
        self.articles = articles
        self.problems = problems


@dataclass
class Applied:
    tables: dict[str, pa.Table]
    mapped: list[str]  # source ids with a mapping
    waiting: list[str]  # raw articles with no mapping yet (waiting for curation)
    facts: int  # curated records applied, before merging
    quotes: int  # provenance rows
    problems: list[Problem] = field(default_factory=list)


RAW_URL_ENV = "OFSTED_RAW_URL"  # raw/ in object storage, e.g. s3://bucket/raw (any fsspec URL)


def ingest(root: Path) -> Ingested:
    """Read and hash every raw article: from `root/raw`, or from OFSTED_RAW_URL when set."""
    articles, problems = read_articles(os.environ.get(RAW_URL_ENV) or root / "raw")
    return Ingested(articles, problems)


LAST_BUILD = Path("staged") / "last-build.json"


def input_fingerprint(root: Path, ingested: Ingested, extract: str | None) -> str:
    """Everything a build's output depends on: every article and mapping, the reference data, the
    official extract, and the pipeline's own code. Equal fingerprints give equal releases."""
    digest = hashlib.sha256(article_cache.environment_version().encode())
    for path in sorted((PACKAGE.parent / "schemas").glob("*.py")) + sorted(PACKAGE.glob("*.py")):
        digest.update(path.read_bytes())
    for source_id, article in sorted(ingested.articles.items()):
        digest.update(f"{source_id}:{article.sha256}\n".encode())
    for problem in ingested.problems:
        digest.update(str(problem).encode())
    for path in sorted((root / "mappings").glob("*.yaml")):
        digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    if extract:
        digest.update(hashlib.sha256(Path(extract).read_bytes()).digest())
    return digest.hexdigest()


def unchanged_since_last_build(root: Path, fingerprint: str, official_record: str) -> RunSummary | None:
    """The summary of a run that has nothing to do: the last build, from exactly these inputs,
    published (or confirmed) the release that is still current. A no-op run then costs one pass of
    hashing instead of re-applying, re-validating and re-comparing every table."""
    try:
        last = json.loads((root / LAST_BUILD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    current = current_version(root / "published")
    if last.get("fingerprint") != fingerprint or current is None or last.get("version") != current:
        return None
    fields = {**last["summary"], "official_record": official_record}
    return RunSummary(**fields, release=PublishResult(None, current, root / "published" / current))


def remember_build(root: Path, fingerprint: str, summary: RunSummary) -> None:
    """Record what this successful run built from, for the next run's unchanged_since_last_build."""
    release = summary.release
    kept = {k: v for k, v in dataclasses.asdict(summary).items() if k not in ("release", "refused")}
    record = {"fingerprint": fingerprint, "version": release.version or release.previous, "summary": kept}
    write_text_atomically(root / LAST_BUILD, json.dumps(record, indent=1) + "\n")


def mapping_batches(root: Path, size: int = BATCH_SIZE) -> list[list[str]]:
    """The mapping files in batches: one Prefect task per batch, never one per article."""
    names = sorted(p.name for p in (root / "mappings").glob("*.yaml"))
    return [names[i:i + size] for i in range(0, len(names), size)]


def resolve_batch(root: Path, names: list[str], ingested: Ingested, progress: Progress | None = None
                  ) -> list[ArticleFacts]:
    """Per-article work for a batch of mappings: load, match quotes, cross-check — or reuse the cached
    result when nothing it rests on changed (article_cache.py)."""
    register, areas = Register.load(), JudgementAreas.load()
    mapped = {p.stem for p in (root / "mappings").glob("*.yaml")} & set(ingested.articles)
    results = []
    for name in names:
        path = root / "mappings" / name
        data = path.read_bytes()
        key = article_cache.entry_key(data, ingested.articles.get(path.stem))
        result = article_cache.load(root, path.stem, key, ingested.articles, mapped)
        if result is None:
            mapping, problems = load_mapping(path, data)
            result = (resolve_mapping(mapping, ingested.articles, mapped, register, areas) if mapping else
                      ArticleFacts(path.stem, f"mappings/{name}", [], [], {}, problems))
            article_cache.store(root, key, result, mapped)
        results.append(result)
        if progress:
            progress.advance()
    return results


def combine(root: Path, ingested: Ingested, batches: list[list[ArticleFacts]]) -> Applied:
    """Merge the per-article results into the tables (see apply.combine)."""
    results = [r for batch in batches for r in batch]
    rows, problems = combine_facts(results, Register.load())
    mapped = sorted(r.source_id for r in results if r.source_id in ingested.articles)
    waiting = sorted(set(ingested.articles) - {r.source_id for r in results})
    facts = sum(len(r.facts) for r in results)
    return Applied(to_arrow_tables(rows), mapped, waiting, facts, len(rows["provenance"]),
                   [*ingested.problems, *problems])


def apply(root: Path, ingested: Ingested) -> Applied:
    """Load every mapping, match its quotes in its article and build the tables (all batches here)."""
    batches = mapping_batches(root)
    progress = Progress("Applying mappings", sum(len(b) for b in batches))
    return combine(root, ingested, [resolve_batch(root, names, ingested, progress) for names in batches])


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
