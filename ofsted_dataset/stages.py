"""The pipeline's stages as plain functions; `ofsted_dataset/pipeline.py` is the one place that runs
them in order, and `flows/build_dataset.py` gives each to Prefect as a task.

Each stage takes and returns plain values so it can be unit-tested without Prefect, and each is one
Prefect task for the whole batch of articles (never one task per article: a task run costs ~10 ms).
A build only reads its inputs, all from the project it is pointed at (`root`): articles, mappings,
reference data and the committed official extract. Refreshing that extract is a command of its own
(`ofsted-dataset official-snapshot`), whose result a person reviews and commits.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import pickle
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ofsted_dataset import cycle_collector
from ofsted_dataset.atomic_files import write_text_atomically
from ofsted_dataset.code_version import code_version
from ofsted_dataset.errors import CurationError, PipelineError, Problem
from ofsted_dataset.facts import article_cache, batch_files, fact_tables, mapped_files
from ofsted_dataset.facts.apply import ArticleFacts, resolve_mapping
from ofsted_dataset.facts.arrow_tables import read_held, to_arrow
from ofsted_dataset.facts.changed_rows import rows_to_check
from ofsted_dataset.facts.collector import Page, read_pages
from ofsted_dataset.facts.combine import Combined
from ofsted_dataset.facts.combine import combine as combine_facts
from ofsted_dataset.facts.file_digests import FileDigests
from ofsted_dataset.facts.ingest import ArticlesOnDisk, ArticleTexts, read_articles
from ofsted_dataset.facts.inspections_flat import inspections_flat
from ofsted_dataset.facts.mappings import load_mapping, mapping_paths
from ofsted_dataset.facts.recombine import changed_pages, recombine, touched_facts, touched_records
from ofsted_dataset.facts.reference import JudgementAreas, Register
from ofsted_dataset.json_files import read_json_object
from ofsted_dataset.official.checks import check_against_official, conflicts
from ofsted_dataset.official.snapshot import METADATA_NAME, describe_extract, extract_path, release_pages
from ofsted_dataset.official.verdicts import with_official_verdicts
from ofsted_dataset.progress import Progress
from ofsted_dataset.release.consumer_files import shipped_sources
from ofsted_dataset.release.publish import PublishResult, current_version, pointer_problems, publish
from ofsted_dataset.summary import RunSummary
from schemas.reference_tables import RETIRED_IDS
from schemas.tables import TABLES

# Mappings per task. A task run costs ~10 ms in the flow's process, but ~0.1 s in a worker process (Prefect
# builds its settings and an API client, TLS context included, for every task run there): at 250 mappings a
# batch that was 2 s of a cold build's 20 s per-article stage at 10,000 articles. So a run is cut into about
# BATCHES_PER_CORE batches per core of this machine (the default runner's processes), enough for the workers
# to finish together, of BATCH_SIZE to MAX_BATCH_SIZE mappings: never so small that the cost shows, never so
# big that a worker holds many thousands of mappings' facts at once.
BATCH_SIZE, MAX_BATCH_SIZE, BATCHES_PER_CORE = 250, 2_500, 4
BATCH_SIZE_ENV = "OFSTED_BATCH_SIZE"  # another size, e.g. to spread a small corpus over several processes


class Ingested:
    """Every raw article, listed and hashed (its text read when needed: ingest.ArticlesOnDisk), and the
    mapping files, listed and hashed once for the whole run. A plain class, not a dataclass, on purpose:
    Prefect walks dataclasses passed to tasks looking for futures, and this one holds every article."""

    __slots__ = ("_digests", "articles", "listed", "location", "mappings", "pages", "problems")

    def __init__(self, articles: ArticlesOnDisk, mappings: list[Path], problems: list[Problem],
                 pages: dict[str, Page] | None = None, location: Path | str | None = None,
                 mapping_digests: dict[str, bytes] | None = None, listed: Path | None = None) -> None:
        self.articles = articles
        self.mappings = mappings  # the regular files of mappings/, in name order
        self.problems = problems
        self.pages = pages or {}  # the collector's record of each article's page, by source id
        self.location = location  # where raw/ was read: a folder, or an fsspec URL
        self._digests = mapping_digests
        self.listed = listed  # the file holding these listings, for other processes (for_workers)

    def mapping_digests(self) -> dict[str, bytes]:
        """The sha256 digest of each mapping file's bytes, by file name: for the build's fingerprint and the
        cache's keys alike (ingest takes them once a run, reading only the files that changed)."""
        if self._digests is None:
            self._digests = {p.name: hashlib.sha256(p.read_bytes()).digest() for p in self.mappings}
        return self._digests

    def for_workers(self, folder: Path) -> Ingested:
        """What the per-article stage is sent in other processes: the run's listings (every article's path
        and sha256, every mapping's path, the problems), written once to `folder`, which the workers share as
        they share mappings/ and raw/, and read there once a worker process. Each article's text is read from
        raw/ by the worker that needs it, checked against the hash this run took. Sent with every batch, the
        listings and the batch's texts came to 3 MB a batch at 10,000 articles, and the process pool holds
        every submitted batch until it runs. From object storage everything is sent (a second read there
        costs more than the copy)."""
        if not isinstance(self.location, Path):
            return self
        listed = folder / "ingested.pickle"
        listings = Ingested(ArticlesOnDisk(self.articles.folder, {}, self.articles.known), self.mappings,
                            self.problems, None, self.location)
        with listed.open("wb") as handle:
            pickle.dump(listings, handle)
        listings.listed = listed
        return listings

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with the mapping files' paths as one text: a batch sent to another process carries the
        listing of every mapping, and 10,000 paths pickled one by one took a tenth of a second a batch, in
        the flow's process, while the workers wait for their batches. What `for_workers` gives is pickled as
        the path of its listings' file."""
        if self.listed is not None:
            return _listed_ingested, (self.listed,)
        paths = "\n".join(map(str, self.mappings))
        return _unpickled_ingested, (self.articles, paths, self.problems, self.pages, self.location, self._digests)

    @property
    def texts(self) -> ArticleTexts:
        return ArticleTexts(self.articles)

    @property
    def refused(self) -> set[str]:
        """Source ids whose raw file is there but was refused: their mappings wait for the article."""
        return _refused(self.problems)


def _listed_ingested(listed: Path) -> Ingested:
    every = _read_listing(listed, listed.stat().st_mtime_ns)
    articles = ArticlesOnDisk(every.articles.folder, {}, every.articles.known)  # each batch reads its own texts
    return Ingested(articles, every.mappings, every.problems, None, every.location, listed=listed)


@functools.lru_cache(maxsize=1)
def _read_listing(listed: Path, modified: int) -> Ingested:
    """A listing file, read once a worker process (`modified`: a file of the same name from another run is
    another file)."""
    with listed.open("rb") as handle:
        every = pickle.load(handle)
    assert isinstance(every, Ingested)
    return every


def _unpickled_ingested(articles: ArticlesOnDisk, mappings: str, problems: list[Problem], pages: dict[str, Page],
                        location: Path | str | None, digests: dict[str, bytes] | None) -> Ingested:
    return Ingested(articles, [Path(p) for p in mappings.split("\n") if p], problems, pages, location, digests)


def _refused(problems: list[Problem]) -> set[str]:
    return {p.file[4:-4] for p in problems if p.file.startswith("raw/") and p.file.endswith(".txt")}


@dataclass
class Applied:
    tables: dict[str, pa.Table]
    mapped: list[str]  # source ids with a mapping
    waiting: list[str]  # raw articles with no mapping yet (waiting for curation)
    facts: int  # curated records applied, before merging
    quotes: int  # provenance rows
    problems: list[Problem] = field(default_factory=list)
    validated: Path | None = None  # the release of the last build, when this code validated it


RAW_URL_ENV = "OFSTED_RAW_URL"  # raw/ in object storage, e.g. s3://bucket/raw (any fsspec URL)


def ingest(root: Path) -> Ingested:
    """List and hash every raw article: from `root/raw`, or from OFSTED_RAW_URL when set; and list and hash
    the mapping files, refusing entries of mappings/ that are not files with the raw files, before anything
    reads them. Later stages use this listing, never their own. A local file unchanged since the last run
    is not read again (facts/file_digests.py)."""
    location = os.environ.get(RAW_URL_ENV) or root / "raw"
    digests = FileDigests(root)
    articles, problems = read_articles(location, digests)
    pages, page_problems = read_pages(location, set(articles) | _refused(problems))
    mappings, refused = mapping_paths(root / "mappings")
    mapping_digests = {p.name: digests.of_file(p, f"mappings/{p.name}") for p in mappings}
    digests.save()
    return Ingested(articles, mappings, [*problems, *page_problems, *refused], pages, location, mapping_digests)


LAST_BUILD = Path("staged") / "last-build.json"


def input_fingerprint(root: Path, ingested: Ingested) -> str:
    """Everything a build's output depends on: every article and mapping, the reference data, the
    official extract, the documents a release ships and the pipeline's own code. Equal fingerprints
    give equal releases."""
    digest = hashlib.sha256(article_cache.environment_version(root).encode())
    for source_id, (_, sha256) in sorted(ingested.articles.known.items()):
        digest.update(f"{source_id}:{sha256}\n".encode())
    for problem in ingested.problems:
        digest.update(str(problem).encode())
    for name, mapping_digest in ingested.mapping_digests().items():
        digest.update(name.encode() + mapping_digest)
    for source_id, page in sorted(ingested.pages.items()):
        digest.update(f"page {source_id}:{page.sha256}\n".encode())
    extract = extract_path(root)
    for path in (extract, extract.with_name(METADATA_NAME), root / (RETIRED_IDS.location or "")):
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"absent")
    for name, path in sorted(shipped_sources(root).items()):  # the release ships them as they are
        digest.update(name.encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def unchanged_since_last_build(root: Path, fingerprint: str) -> RunSummary | None:
    """The summary of a run that has nothing to do: the last build, from exactly these inputs,
    published (or confirmed) the release that is still current. A no-op run then costs one pass of
    hashing instead of re-applying, re-validating and re-comparing every table."""
    last = read_json_object(root / LAST_BUILD)
    current = current_version(root / "published")
    if last.get("fingerprint") != fingerprint or current is None or last.get("version") != current:
        return None
    if pointer_problems(root):  # the publish step finishes what a killed publish left undone
        return None
    return RunSummary(**last["summary"], release=PublishResult(None, current, root / "published" / current))


def remember_build(root: Path, fingerprint: str, summary: RunSummary) -> None:
    """Record what this successful run built from, for the next run's unchanged_since_last_build."""
    release = summary.release
    if release is None:
        return
    kept = {k: v for k, v in dataclasses.asdict(summary).items() if k not in ("release", "refused")}
    version = release.version or release.previous
    last = read_json_object(root / LAST_BUILD)
    # The code that wrote the release's files: this code when it published it, else as the last build said.
    written_by = code_version() if release.version else last.get("written_by") if last.get("version") == version \
        else None
    record = {"fingerprint": fingerprint, "version": version, "code": code_version(), "written_by": written_by,
              "summary": kept}
    write_text_atomically(root / LAST_BUILD, json.dumps(record, indent=1) + "\n")


class Resolved:
    """What a batch of mappings resolved to: their facts as columns (fact_tables.py), the index rows of
    the clean ones for the cache, every inspection id they list, and their problems. A plain class, not
    a dataclass, for the reason Ingested is one. Resolved in another process, its facts are left in files
    (facts/batch_files.py: `written`) and memory-mapped when used."""

    __slots__ = ("_facts", "declared", "index", "problems", "source_ids", "written")

    def __init__(self, facts: dict[str, pa.Table] | None, index: pa.Table, declared: list[str],
                 problems: list[Problem], source_ids: list[str], written: Path | None = None) -> None:
        self._facts = facts
        self.index = index
        self.declared = declared  # inspection ids the mappings list, even those whose record had problems
        self.problems = problems
        self.source_ids = source_ids
        self.written = written  # where the facts are, when they are not in `_facts`

    @property
    def facts(self) -> dict[str, pa.Table]:
        """The batch's fact tables; when written, memory-mapped afresh at each use and kept by nothing here, so
        that the merge can let them go once it has used them (facts/combine.py)."""
        if self._facts is not None:
            return self._facts
        assert self.written is not None
        return batch_files.read(self.written)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled without the facts when they are in files: only their location is sent back."""
        facts = None if self.written else self._facts
        return Resolved, (facts, self.index, self.declared, self.problems, self.source_ids, self.written)


def stale_mappings(root: Path, ingested: Ingested) -> list[Path]:
    """The mappings whose cached facts cannot be reused (article_cache.py says when they can)."""
    snapshot = article_cache.read(root)
    if snapshot is None:
        return list(ingested.mappings)
    environment = article_cache.environment_version(root)
    digests = ingested.mapping_digests()
    keys = {p.stem: article_cache.entry_key(environment, digests[p.name], ingested.articles.sha256(p.stem))
            for p in ingested.mappings}
    reusable = snapshot.reusable(keys, ingested.articles, _mapped(ingested))
    return [p for p in ingested.mappings if p.stem not in reusable]


def _mapped(ingested: Ingested) -> set[str]:
    return {p.stem for p in ingested.mappings} & set(ingested.articles)


def mapping_batches(root: Path, ingested: Ingested, size: int | None = None) -> list[list[str]]:
    """The mapping files to resolve in batches: one Prefect task per batch, never one per article."""
    names = [p.name for p in stale_mappings(root, ingested)]
    size = size or int(os.environ.get(BATCH_SIZE_ENV) or 0) or batch_size(len(names), os.cpu_count() or 1)
    return [names[i:i + size] for i in range(0, len(names), size)]


def batch_size(mappings: int, cores: int) -> int:
    """Mappings per batch for a run resolving `mappings` on `cores` (see BATCH_SIZE)."""
    return min(MAX_BATCH_SIZE, max(BATCH_SIZE, -(-mappings // (cores * BATCHES_PER_CORE))))


def for_workers(root: Path, ingested: Ingested) -> tuple[Path, Ingested]:
    """For batches resolved in other processes: the folder where they leave their facts for this run
    (facts/batch_files.py), and what every batch is sent with its mappings' names (Ingested.for_workers)."""
    folder = batch_files.new_folder(root / article_cache.CACHE_DIR)
    return folder, ingested.for_workers(folder)


def resolve_batch(root: Path, names: list[str], ingested: Ingested, progress: Progress | None = None,
                  folder: Path | None = None) -> Resolved:
    """Per-article work for a batch of mappings: load, match quotes, cross-check; the facts leave as
    columns (fact_tables.py), written in `folder` when given (batch_files.py: when the batch runs in
    another process)."""
    register, areas = Register.load(root), JudgementAreas.load(root)
    mapped = _mapped(ingested)
    environment = article_cache.environment_version(root)
    refused = frozenset(ingested.refused)
    results, index = [], []
    with cycle_collector.paused():
        for name in names:
            path = root / "mappings" / name
            data = path.read_bytes()
            mapping, problems = load_mapping(path, data)
            result = (resolve_mapping(mapping, ingested.articles, mapped, register, areas, refused) if mapping else
                      ArticleFacts(path.stem, f"mappings/{name}", [], [], {}, problems))
            if not result.problems:
                key = article_cache.entry_key(environment, hashlib.sha256(data).digest(),
                                              ingested.articles.sha256(path.stem))
                index.append(article_cache.index_row(result.source_id, key, result.declared, result.cited, mapped))
            results.append(result)
            if progress:
                progress.advance()
        facts = fact_tables.from_results(results)
    written = batch_files.write(folder, Path(names[0]).stem, facts) if folder and names else None
    return Resolved(None if written else facts, pa.Table.from_pylist(index, schema=article_cache.INDEX_SCHEMA),
                    [i for r in results for i in r.declared], [p for r in results for p in r.problems],
                    [r.source_id for r in results], written)


class _Facts:
    """Every fact of this run: the cached facts of the mappings it did not resolve (`reused`: source ids),
    left in the snapshot's memory-mapped files until something needs them whole, and the batches' own.
    A change re-merges a few records (facts/recombine.py) and copies the rest of the cache over batch by
    batch, so the archive's facts are never all in memory for it."""

    def __init__(self, snapshot: article_cache.Snapshot | None, reused: set[str], batches: list[Resolved]) -> None:
        self.snapshot = snapshot if reused else None
        self.reused = pa.array(sorted(reused), pa.string())
        self.batches = batches
        self.fresh_rows = sum(fact_tables.rows(b.facts) for b in batches)
        # The cache's index rows of the reused mappings, then the batches' own.
        cached = (self.snapshot.index.filter(pc.is_in(self.snapshot.index["source_id"], value_set=self.reused))
                  if self.snapshot else article_cache.INDEX_SCHEMA.empty_table())
        if cached.num_rows != len(reused):
            raise PipelineError(f"the cache in {article_cache.CACHE_DIR} changed during this build (another build?); "
                                "nothing was published: run again")
        self.index = pa.concat_tables([cached, *(b.index for b in batches)])

    def whole(self) -> dict[str, pa.Table]:
        cached = [fact_tables.of_sources(self.snapshot.facts, self.reused)] if self.snapshot else []
        return fact_tables.concat([*cached, *(b.facts for b in self.batches)])

    def touching(self, touched: dict[str, pa.Array]) -> dict[str, pa.Table]:
        """The facts of the touched records only (filtered in the memory-mapped files first: few rows)."""
        cached = [fact_tables.of_sources(touched_facts(self.snapshot.facts, touched), self.reused)
                  ] if self.snapshot else []
        return fact_tables.concat([*cached, *(touched_facts(b.facts, touched) for b in self.batches)])

    def rows(self) -> int:
        """How many facts there are, before merging (fact_tables.rows of the whole)."""
        cached = sum(pc.sum(pc.is_in(self.snapshot.facts[name]["_source"], value_set=self.reused)).as_py() or 0
                     for name in fact_tables.FACT_TABLES) if self.snapshot else 0
        return cached + self.fresh_rows


def _merge(snapshot: article_cache.Snapshot | None, facts: _Facts, batches: list[Resolved], declared: set[str],
           register: Register, pages: dict[str, Page]) -> tuple[Combined, bool]:
    """Every article's facts merged, and whether that is exactly what the snapshot keeps as merged.
    Only the records the changed mappings touch are merged again when the snapshot keeps what its facts
    merged to and that gives the exact result (facts/recombine.py); else everything is."""
    if facts.snapshot is None or snapshot is None or snapshot.merged is None:
        return combine_facts(facts.whole(), declared, register, pages), False
    changed = set(snapshot.index["source_id"].to_pylist()) - set(facts.reused.to_pylist())
    moved = changed_pages(pages, snapshot.merged.pages)
    if not changed and not moved and not batches:
        return Combined(dict(snapshot.merged.tables), []), True
    touched = touched_records([snapshot.select(changed)[1], *(b.facts for b in batches)], moved)
    mapped_files.let_go_of_everything()  # each pass over the whole cache reads its pages (0.8-0.9 GB at N = 100,000)
    their_facts = facts.touching(touched)
    mapped_files.let_go_of_everything()
    again = recombine(snapshot.merged.tables, their_facts, touched, declared, register, pages)
    return (again, False) if again is not None else (combine_facts(facts.whole(), declared, register, pages), False)


# Above this many facts freshly resolved (fact_tables.rows: a cold build of some 50,000 articles or more), the next
# snapshot's facts are written after the merge rather than beside it: at 100,000 articles (2.0 million facts) the
# writer's memory beside the merge's took a cold build's peak from about 1,970 MB to 2,003-2,104 MB, over 2 GiB,
# for the minute of merging it overlapped. A cold build at 10,000 articles (200,000 facts) keeps the overlap.
WRITTEN_BESIDE_MERGE_ROWS = 1_000_000


def combine(root: Path, ingested: Ingested, batches: list[Resolved]) -> Applied:
    """Merge the cached and the freshly resolved facts into the tables (see facts/combine.py), and keep
    the clean ones, and what they merged to when nothing had a problem, as the next run's cache."""
    snapshot = article_cache.read(root)
    facts = _Facts(snapshot, {p.stem for p in ingested.mappings} - {s for b in batches for s in b.source_ids}, batches)
    index = facts.index
    stems = {p.stem for p in ingested.mappings}
    declared = {*pc.list_flatten(index["declared"]).to_pylist(), *(i for b in batches for i in b.declared)}
    # The facts of the mappings with problems are not kept; the cached ones are copied batch by batch.
    fresh = [fact_tables.of_sources(b.facts, b.index["source_id"].combine_chunks()) for b in batches if not b.written]
    files = [(b.written, b.index["source_id"].combine_chunks())
             for b in batches if b.written]  # copied from the batch files, not from the memory-mapped tables
    kept_facts = facts.reused if facts.snapshot else None
    writer = article_cache.SnapshotWriter(root) if any(b.index.num_rows for b in batches) else None
    beside = facts.fresh_rows <= WRITTEN_BESIDE_MERGE_ROWS
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The next snapshot's facts are written while they are merged (Arrow's writer and compute functions
            # run without the GIL): at one change each takes about half a second.
            written = pool.submit(writer.facts, index, fresh, kept_facts, files) if writer and beside else None
            with cycle_collector.paused():  # records merged as Python objects
                combined, kept = _merge(snapshot, facts, batches, declared, Register.load(root), ingested.pages)
            if written:
                written.result()
            elif writer:
                writer.facts(index, fresh, kept_facts, files)
        problems = [*ingested.problems, *(p for b in batches for p in b.problems), *combined.problems]
        merged = None if problems else article_cache.Merged(
            combined.tables, {source_id: page.sha256 for source_id, page in ingested.pages.items()})
        if writer is None and merged is not None and not kept:
            writer = article_cache.SnapshotWriter(root)
            writer.facts(index, fresh, kept_facts, files)
        if writer:
            if merged is not None:
                writer.merged(merged)
            writer.swap()
    except BaseException:
        if writer:
            writer.discard()
        raise
    finally:
        batch_files.remove({b.written.parent for b in batches if b.written})
    tables = {name: combined.tables[name] if name in combined.tables else to_arrow(name, []) for name in TABLES}
    return Applied(tables, sorted(stems & set(ingested.articles)), sorted(set(ingested.articles) - stems),
                   facts.rows(), tables["provenance"].num_rows, problems, validated_release(root))


@dataclass
class OfficialChecked:
    applied: Applied  # the same tables, official_checks filled in
    record: str  # the official extract the checks read, in one line
    statuses: dict[str, int]  # rows of official_checks per status
    conflicts: list[str]  # one line per news value the official record contradicts


def check_official(root: Path, applied: Applied) -> OfficialChecked:
    """Compare every inspection and judgement with the committed official extract
    (docs/official-checks.md); without one, every check is not_checked. Each inspection then carries the
    verdict (its official_* columns), and the flat export, which shows it, is derived last."""
    record = describe_extract(root)
    if applied.problems:  # nothing to check until the mappings apply; `validate` reports the problems
        return OfficialChecked(applied, record, {}, [])
    extract = extract_path(root)
    table = check_against_official(applied.tables, extract if extract.is_file() else None, Register.load(root))
    counted = pc.value_counts(table["status"]).to_pylist()
    statuses = {c["values"]: c["counts"] for c in sorted(counted, key=lambda c: c["values"])}
    inspections = with_official_verdicts(applied.tables["inspections"], table, release_pages(root))
    tables = {**applied.tables, "official_checks": table, "inspections": inspections}
    tables["inspections_flat"] = inspections_flat(tables)
    return OfficialChecked(dataclasses.replace(applied, tables=tables), record, statuses, conflicts(table))


def validated_release(root: Path) -> Path | None:
    """The current release when the last successful build, run by this very code, validated and
    published (or confirmed) it: its rows need not be validated again (facts/changed_rows.py)."""
    return _current_release_recorded(root, "code")


def written_by_this_code(root: Path) -> bool:
    """Whether this very code wrote the current release's files (a build of it published that release): only
    then are files of that release the ones this code's writers give (release/files.py copies them)."""
    return _current_release_recorded(root, "written_by") is not None


def _current_release_recorded(root: Path, key: str) -> Path | None:
    """The current release, when the last build's record is of it and names this very code under `key`."""
    last = read_json_object(root / LAST_BUILD)
    current = current_version(root / "published")
    if current is None or last.get("version") != current or last.get(key) != code_version():
        return None
    return root / "published" / current


def validate(applied: Applied, ingested: Ingested) -> dict[str, int]:
    """Stop on any curation problem, then validate the tables: every row on a cold build, else the rows
    a change can have made invalid (facts/changed_rows.py); returns rows per table."""
    if applied.problems:
        raise CurationError(applied.problems)
    only = None
    if applied.validated is not None:
        folder = applied.validated / "data"
        only = rows_to_check(applied.tables, lambda name: read_held(path, name) if (
            path := folder / f"{name}.parquet").is_file() else None)
    # Imported here, not at the top: pandera and pandas take 0.3 s to import, and the worker processes that
    # resolve batches import this module (through the flow's) but never validate. The CLI imports it while the
    # Prefect server starts (cli._build).
    from ofsted_dataset.facts.validate import validate_tables

    return validate_tables(applied.tables, ingested.texts, only)


def release(root: Path, applied: Applied, ingested: Ingested) -> PublishResult:
    """Publish a new release if the tables changed (see publish.py for the steps and their safety)."""
    return publish(applied.tables, root, ingested.texts, reuse=written_by_this_code(root))
