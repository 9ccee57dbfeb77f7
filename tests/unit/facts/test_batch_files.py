"""A batch resolved in another process leaves its facts in files and sends back where they are; the build
memory-maps them, and removes the run's folder once the batches are merged."""

from __future__ import annotations

import os
import pickle
import shutil

from ofsted_dataset import stages
from ofsted_dataset.facts import article_cache, batch_files

NAMES = ["000_09d284dea3b9a717.yaml", "001_06ce62ec936559f3.yaml"]


def test_a_batch_comes_back_as_the_location_of_its_facts_and_reads_as_the_same_tables(project):
    ingested = stages.ingest(project)
    folder, shared = stages.for_workers(project, ingested)
    assert folder == project / "staged" / "cache" / f".batches-{os.getpid()}"
    in_memory = stages.resolve_batch(project, NAMES, ingested)
    sent = pickle.dumps(stages.resolve_batch(project, NAMES, shared, None, folder))
    assert len(sent) < len(pickle.dumps(in_memory)) / 4
    written = pickle.loads(sent)
    assert written.written == folder / "000_09d284dea3b9a717"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["ingested.pickle", *(f"000_09d284dea3b9a717.{table}.arrow" for table in in_memory.facts)])
    assert {name: table.to_pylist() for name, table in written.facts.items()} == {
        name: table.to_pylist() for name, table in in_memory.facts.items()}
    assert (written.source_ids, written.declared, written.problems) == (
        in_memory.source_ids, in_memory.declared, in_memory.problems)
    assert written.index.equals(in_memory.index)


def test_combine_removes_the_runs_folder_and_merges_as_from_memory(project):
    ingested = stages.ingest(project)
    folder, shared = stages.for_workers(project, ingested)
    written = [stages.resolve_batch(project, [name], shared, None, folder) for name in sorted(
        p.name for p in (project / "mappings").iterdir())]
    applied = stages.combine(project, ingested, [pickle.loads(pickle.dumps(batch)) for batch in written])
    assert not folder.exists()
    (project / article_cache.CACHE_DIR / "index.arrow").unlink()  # the next combine starts cold
    again = stages.combine(project, ingested, [stages.resolve_batch(project, [p.name], ingested)
                                               for p in sorted((project / "mappings").iterdir())])
    assert {n: t.to_pylist() for n, t in applied.tables.items()} == {n: t.to_pylist() for n, t in again.tables.items()}


def test_a_new_folder_replaces_those_of_builds_no_longer_running(tmp_path):
    cache = tmp_path / "staged" / "cache" / "facts"
    cache.mkdir(parents=True)
    running, gone, odd = (cache.parent / f".batches-{pid}" for pid in (os.getppid(), 2**22 + 12345, "x"))
    for folder in (running, gone, odd):
        folder.mkdir()
        (folder / "a.arrow").write_bytes(b"")
    mine = batch_files.new_folder(cache)
    assert sorted(p.name for p in cache.parent.iterdir()) == sorted(["facts", running.name, mine.name])
    assert list(mine.iterdir()) == []


def test_a_build_of_many_facts_writes_the_cache_after_merging_them_and_the_same_files(project, monkeypatch):
    """Above WRITTEN_BESIDE_MERGE_ROWS the next snapshot's facts are written once the merge is done, not beside it
    (their two peaks of memory apart); the cache, and what is merged, are the same either way."""
    ingested = stages.ingest(project)
    mappings = sorted(p.name for p in (project / "mappings").iterdir())
    cache = project / article_cache.CACHE_DIR

    def cold_combine() -> tuple[stages.Applied, dict[str, bytes]]:
        if cache.exists():
            shutil.rmtree(cache)
        applied = stages.combine(project, ingested, [stages.resolve_batch(project, mappings, ingested)])
        return applied, {p.name: p.read_bytes() for p in cache.iterdir()}

    beside, beside_files = cold_combine()
    events: list[str] = []
    real_merge, real_facts = stages._merge, article_cache.SnapshotWriter.facts
    monkeypatch.setattr(stages, "_merge", lambda *a: (events.append("merged"), real_merge(*a))[1])
    monkeypatch.setattr(article_cache.SnapshotWriter, "facts",
                        lambda self, *a: (events.append("facts written"), real_facts(self, *a))[1])
    monkeypatch.setattr(stages, "WRITTEN_BESIDE_MERGE_ROWS", 0)
    after, after_files = cold_combine()
    assert events == ["merged", "facts written"]
    assert after_files == beside_files
    assert {n: t.to_pylist() for n, t in after.tables.items()} == {n: t.to_pylist() for n, t in beside.tables.items()}
