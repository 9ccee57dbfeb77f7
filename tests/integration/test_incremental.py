"""Per-article work is cached in staged/ and redone only for what changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_dataset import pipeline, stages
from ofsted_dataset.facts import article_cache
from tests.helpers import edit

M002 = "mappings/002_3dafbde2ba55b338.yaml"


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The mappings actually parsed (cache misses) during a test."""
    parsed: list[str] = []
    real = stages.load_mapping

    def load(path: Path, data: bytes | None = None):
        parsed.append(path.name)
        return real(path, data)

    monkeypatch.setattr(stages, "load_mapping", load)
    return parsed


def tables(root: Path) -> dict[str, list[dict]]:
    applied = pipeline.run(root, until='apply').applied
    assert applied.problems == []
    return {name: table.to_pylist() for name, table in applied.tables.items()}


def test_second_run_reuses_every_article_and_gives_the_same_tables(project, counted):
    first = tables(project)
    assert len(counted) == 5
    # Each mapping's facts in its shard (crc32 of the source id, modulo 64): 05, 1f, 1a, 08 and 17.
    assert sorted(p.name for p in (project / article_cache.CACHE_DIR).iterdir()) == sorted([
        "index.arrow", "merged-pages.arrow", "merged.funding_commitments.arrow", "merged.grade_counts.arrow",
        "merged.inspections.arrow", "merged.judgements.arrow", "merged.provenance.arrow",
        "merged.recommendations.arrow", "merged.sources.arrow",
        *(f"{table}.{shard}.arrow" for shard in ("05", "08", "17", "1a", "1f")
          for table in ("funding_commitments", "grade_counts", "inspections", "judgements", "provenance",
                        "recommendations", "sources"))])
    snapshot = article_cache.read(project)
    assert snapshot is not None
    assert snapshot.index["source_id"].to_pylist() == [
        "000_09d284dea3b9a717", "001_06ce62ec936559f3", "002_3dafbde2ba55b338", "003_6e4606619b08db71",
        "004_99f45e7fed0112e3"]
    derived = {f"{r['inspection_id']}/overall_effectiveness" for r in first["judgements"]}
    cached = snapshot.facts["provenance"].select(["table_name", "record_id", "field"]).to_pylist()
    assert sorted(map(str, cached)) == sorted(  # every quote but those of the derived judgements
        str({k: p[k] for k in ("table_name", "record_id", "field")})
        for p in first["provenance"] if p["record_id"] not in derived)
    counted.clear()
    assert tables(project) == first
    assert counted == []


def test_a_changed_mapping_is_the_only_one_redone(project, counted):
    tables(project)
    counted.clear()
    edit(project / M002, "theme: front_door", "theme: leadership_and_management")
    changed = tables(project)
    assert counted == ["002_3dafbde2ba55b338.yaml"]
    themes = {r["recommendation_id"]: r["theme"] for r in changed["recommendations"]}
    assert themes["south-gloucestershire-2021-focused-visit-2"] == "leadership_and_management"


def _shard_files(project: Path) -> dict[str, int]:
    """The inode of each shard file of the snapshot, by name."""
    return {p.name: p.stat().st_ino for p in (project / article_cache.CACHE_DIR).iterdir()
            if not p.name.startswith(("index.", "merged"))}


def _cached_rows(project: Path) -> dict[str, list[str]]:
    snapshot = article_cache.read(project)
    assert snapshot is not None
    return {name: sorted(map(str, table.to_pylist())) for name, table in snapshot.facts.items()}


def test_a_change_writes_only_its_shard_and_links_the_others(project, counted):
    """002's facts are in shard 1a: only that shard's files are written again; the others are the files of the
    snapshot replaced. The facts are those a cold build caches."""
    tables(project)
    before = _shard_files(project)
    edit(project / M002, "theme: front_door", "theme: leadership_and_management")
    tables(project)
    after = _shard_files(project)
    assert sorted(after) == sorted(before)
    assert sorted(name for name in after if after[name] != before[name]) == [
        f"{table}.1a.arrow" for table in ("funding_commitments", "grade_counts", "inspections", "judgements",
                                          "provenance", "recommendations", "sources")]
    changed = _cached_rows(project)
    import shutil

    shutil.rmtree(project / "staged")
    tables(project)
    assert _cached_rows(project) == changed


def test_a_removed_mapping_leaves_its_shard(project, counted):
    """Its article waits for curation again: its shard has no file any more (no other mapping is in it), and
    the others are linked."""
    tables(project)
    before = _shard_files(project)
    (project / M002).unlink()
    assert pipeline.run(project, until="apply").applied.waiting == ["002_3dafbde2ba55b338"]
    after = _shard_files(project)
    assert sorted(after) == sorted(name for name in before if ".1a." not in name)
    assert all(after[name] == before[name] for name in after)


def test_a_snapshot_missing_a_shard_file_is_not_read(project, counted):
    tables(project)
    (project / article_cache.CACHE_DIR / "grade_counts.1a.arrow").unlink()
    assert article_cache.read(project) is None


def test_a_changed_cited_article_invalidates_the_mappings_citing_it(project, counted):
    tables(project)
    counted.clear()
    raw = project / "raw" / "003_6e4606619b08db71.txt"
    raw.write_bytes(raw.read_bytes() + b"\nA line added at the end.\n")
    applied = pipeline.run(project, until='apply').applied
    # 003 changed; 000 cites a quote of 003 (its publication month) so it is checked again too.
    assert sorted(counted) == ["000_09d284dea3b9a717.yaml", "003_6e4606619b08db71.yaml"]
    assert str(applied.problems[0]).startswith(
        "mappings/003_6e4606619b08db71.yaml:6: source.sha256: raw/003_6e4606619b08db71.txt changed since it was "
        "curated")


def test_a_mapping_with_problems_is_never_cached(project, counted):
    edit(project / M002, "local_authority: Sheffield", "local_authority: Sheffeld")
    for _ in range(2):
        applied = pipeline.run(project, until='apply').applied
        assert len(applied.problems) == 1
    assert counted.count("002_3dafbde2ba55b338.yaml") == 2
    snapshot = article_cache.read(project)
    assert snapshot is not None
    assert "002_3dafbde2ba55b338" not in snapshot.index["source_id"].to_pylist()
    assert "002_3dafbde2ba55b338" not in snapshot.facts["recommendations"]["_source"].to_pylist()


def test_removing_staged_is_safe_and_a_corrupt_cache_is_recomputed(project, counted):
    first = tables(project)
    (project / article_cache.CACHE_DIR / "provenance.05.arrow").write_bytes(b"not arrow")
    counted.clear()
    assert tables(project) == first
    assert len(counted) == 5
    import shutil

    shutil.rmtree(project / "staged")
    assert tables(project) == first


def test_code_or_reference_change_invalidates_everything(project, counted, monkeypatch):
    tables(project)
    counted.clear()
    monkeypatch.setattr(article_cache, "environment_version", lambda root: "another code version")
    tables(project)
    assert len(counted) == 5


def _summary(version: str):
    from ofsted_dataset.release.publish import PublishResult
    from ofsted_dataset.summary import RunSummary

    return RunSummary(sources_read=5, mapped=5, waiting_for_curation=[], facts_applied=40, quotes_matched=155,
                      rows={"sources": 5}, official_record="old line", official_statuses={"confirmed": 25},
                      official_conflicts=[], release=PublishResult(version, None, None, "minor", "x"))


def test_a_run_with_the_same_inputs_as_the_last_build_is_a_no_op(tmp_path):
    from tests.helpers import copy_project

    root = copy_project(tmp_path / "p", with_release=True)  # release 1.0.0 of the seed corpus
    ingested = stages.ingest(root)
    fingerprint = stages.input_fingerprint(root, ingested)
    assert stages.unchanged_since_last_build(root, fingerprint) is None  # no build recorded yet
    stages.remember_build(root, fingerprint, _summary("1.0.0"))
    unchanged = stages.unchanged_since_last_build(root, fingerprint)
    assert unchanged.outcome == "No changes: release 1.0.0 is current; nothing published"
    assert (unchanged.facts_applied, unchanged.official_record) == (40, "old line")
    # A pointer left behind by a killed publish: the run goes on to the publish step, which repairs it.
    (root / "published" / "LATEST").write_text("0.9.0\n", encoding="utf-8")
    assert stages.unchanged_since_last_build(root, fingerprint) is None
    (root / "published" / "LATEST").write_text("1.0.0\n", encoding="utf-8")
    assert stages.unchanged_since_last_build(root, fingerprint) is not None
    # Any input changed: a different fingerprint, so the run does the work.
    edit(root / M002, "theme: front_door", "theme: leadership_and_management")
    assert stages.input_fingerprint(root, stages.ingest(root)) != fingerprint
    # The recorded release is no longer the current one: the work is done again too.
    (root / "published" / "1.0.0").rename(root / "published" / "0.0.9")
    assert stages.unchanged_since_last_build(root, fingerprint) is None


def test_a_merge_that_fails_leaves_the_snapshot_as_it_was(project, monkeypatch):
    """The next snapshot's facts are written while the merge runs: a failing merge discards them."""
    tables(project)
    cache = project / article_cache.CACHE_DIR
    before = {p.name: p.read_bytes() for p in cache.iterdir()}
    edit(project / M002, "theme: front_door", "theme: leadership_and_management")

    def failing(*args, **kwargs):
        raise RuntimeError("merge failed")

    monkeypatch.setattr(stages, "_merge", failing)
    with pytest.raises(RuntimeError, match="merge failed"):
        pipeline.run(project, until="apply")
    assert {p.name: p.read_bytes() for p in cache.iterdir()} == before
    assert [p.name for p in cache.parent.iterdir() if p.name.startswith(".")] == []  # no half-written snapshot
