"""Tests for ofsted_dataset.pipeline: the one composition of a build, with recording stages."""

from __future__ import annotations

import dataclasses
import gc
import subprocess
import sys
from pathlib import Path

import pytest

from ofsted_dataset import pipeline, stages
from ofsted_dataset.errors import PipelineError
from ofsted_dataset.release import publish
from ofsted_dataset.release.publish import PublishResult
from ofsted_dataset.summary import RunSummary
from tests.helpers import PROJECT, edit


def recording(calls: list[str], reports: list[RunSummary]) -> pipeline.Steps:
    """The plain stages, each noting its name when called: the order a build really runs them in."""
    plain = pipeline.PLAIN

    def noted(name: str):
        real = getattr(plain, name)

        def call(*args, **kwargs):
            calls.append(name)
            return real(*args, **kwargs)

        return call

    names = [f.name for f in dataclasses.fields(pipeline.Steps) if f.name != "report"]
    return pipeline.Steps(**{name: noted(name) for name in names}, report=reports.append)


def test_a_publishing_run_chains_every_stage_once_in_order(project: Path):
    calls: list[str] = []
    reports: list[RunSummary] = []
    build = pipeline.run(project, recording(calls, reports))
    assert calls == ["ingest", "resolve", "combine", "check_official", "validate", "publish"]
    assert build.summary is not None and reports == [build.summary]
    assert build.summary.release is not None and build.summary.release.version == "1.0.0"
    assert build.rows["sources"] == 5
    # writing the pointers of the first release is the publish itself, not a repair
    assert build.summary.release.repaired == ()
    assert not [line for line in build.summary.lines() if "interrupted" in line]


def test_a_second_run_with_the_same_inputs_stops_after_ingest(project: Path):
    pipeline.run(project)
    calls: list[str] = []
    reports: list[RunSummary] = []
    build = pipeline.run(project, recording(calls, reports))
    assert calls == ["ingest"]
    assert build.summary is not None and build.summary.outcome == (
        "No changes: release 1.0.0 is current; nothing published")
    assert reports == [build.summary]
    with pytest.raises(PipelineError, match="nothing was built"):
        _ = build.applied


@pytest.mark.parametrize(("until", "expected"), [
    ("apply", ["ingest", "resolve", "combine", "check_official"]),
    ("validate", ["ingest", "resolve", "combine", "check_official", "validate"]),
])
def test_a_partial_run_stops_where_asked_and_publishes_nothing(project: Path, until: pipeline.Until,
                                                             expected: list[str]):
    calls: list[str] = []
    build = pipeline.run(project, recording(calls, []), until=until)
    assert calls == expected
    assert build.summary is None and not (project / "published").exists()
    assert build.applied.tables["official_checks"].num_rows == 41


def test_a_refused_run_reports_why_then_raises_and_remembers_nothing(project: Path):
    (project / "mappings" / "002_3dafbde2ba55b338.yaml").write_text("notes: [\n", encoding="utf-8")
    reports: list[RunSummary] = []
    with pytest.raises(PipelineError) as caught:
        pipeline.run(project, recording([], reports))
    assert caught.value.summary == "1 curation problem(s) in 1 file(s); nothing was published."
    assert [r.refused[0] for r in reports] == [caught.value.summary]
    assert not (project / stages.LAST_BUILD).exists()
    assert not (project / "published").exists() or not any((project / "published").iterdir())


def _summary(release: PublishResult) -> RunSummary:
    return RunSummary(sources_read=5, mapped=5, waiting_for_curation=[], facts_applied=40, quotes_matched=155,
                      rows={}, official_record="", official_statuses={}, official_conflicts=[], release=release)


def test_the_summary_says_what_the_run_finished_of_an_interrupted_publish():
    summary = _summary(PublishResult(None, "1.2.0", None, repaired=(
        "removed published/.tmp-1.2.0", "published/LATEST -> 1.2.0", "datapackage.json -> 1.2.0",
        "CHANGELOG.md -> 1.2.0", "published/current -> 1.2.0")))
    line = ("Finished an interrupted publish: removed published/.tmp-1.2.0; published/LATEST -> 1.2.0; "
            "datapackage.json -> 1.2.0; CHANGELOG.md -> 1.2.0; published/current -> 1.2.0")
    assert summary.lines()[-2:] == [line, "No changes: release 1.2.0 is current; nothing published"]
    assert f"- {line}\n- Outcome: No changes" in summary.markdown()
    assert _summary(PublishResult(None, "1.2.0", None)).repair_line == ""


def test_a_run_after_a_killed_publish_reports_what_it_finished(project: Path):
    pipeline.run(project)
    published = project / "published"
    (published / ".tmp-1.0.1").mkdir()  # a copy a killed run had not yet renamed
    (published / "LATEST").write_text("0.9.0\n", encoding="utf-8")
    (project / stages.LAST_BUILD).unlink()  # the inputs are unchanged: make the run publish
    summary = pipeline.run(project).summary
    assert summary is not None and summary.release is not None
    assert summary.release.repaired == ("removed published/.tmp-1.0.1", "published/LATEST -> 1.0.0")
    assert summary.lines()[-2:] == [
        "Finished an interrupted publish: removed published/.tmp-1.0.1; published/LATEST -> 1.0.0",
        "No changes: release 1.0.0 is current; nothing published"]


def test_a_refused_run_still_says_what_it_finished_first(project: Path, monkeypatch: pytest.MonkeyPatch):
    pipeline.run(project)
    (project / "published" / ".tmp-1.0.1").mkdir()
    edit(project / "mappings" / "002_3dafbde2ba55b338.yaml", "theme: front_door", "theme: leadership_and_management")

    def refuse(*_args, **_kwargs):
        raise PipelineError("release .tmp-1.0.1 failed verification (1 problem(s))", ["data/x.csv: broken"])

    monkeypatch.setattr(publish, "raise_if_invalid", refuse)
    with pytest.raises(PipelineError) as caught:
        pipeline.run(project)
    assert caught.value.details == [
        "data/x.csv: broken",
        "before that, this run finished an interrupted publish: removed published/.tmp-1.0.1"]


def test_the_last_build_says_which_code_wrote_the_current_release(project: Path, monkeypatch: pytest.MonkeyPatch):
    """Only files this very code wrote are copied into the next release (release/files.py)."""
    pipeline.run(project)
    assert stages.written_by_this_code(project)
    edit(project / "mappings" / "002_3dafbde2ba55b338.yaml", "theme: front_door", "theme: leadership_and_management")
    published: list[bool] = []
    real = stages.publish

    def recorded(*args, reuse: bool, **kwargs):
        published.append(reuse)
        return real(*args, reuse=reuse, **kwargs)

    monkeypatch.setattr(stages, "publish", recorded)
    assert pipeline.run(project).summary.release.version == "1.0.1"  # type: ignore[union-attr]
    assert published == [True] and stages.written_by_this_code(project)
    # A build that confirms a release it has no record of (the last build's record gone) does not say so ...
    (project / stages.LAST_BUILD).unlink()
    pipeline.run(project)
    assert published == [True, False] and not stages.written_by_this_code(project)
    # ... and other code did not write it.
    monkeypatch.setattr(stages, "code_version", lambda: "other code")
    assert not stages.written_by_this_code(project)


@pytest.mark.parametrize(("mappings", "cores", "size"), [
    (5, 2, 250),  # the seeds: one batch, resolved in the flow's thread
    (1_000, 2, 250),  # never fewer than 250 a batch: Prefect's cost per task in a worker process
    (10_000, 2, 1_250),  # four batches a core
    (10_001, 2, 1_251),
    (100_000, 2, 2_500),  # never more than 2,500 a batch: a worker holds a batch's facts at once
    (100_000, 8, 2_500),
    (100_000, 16, 1_563),
])
def test_a_run_is_cut_into_about_four_batches_a_core_of_250_to_2500_mappings(mappings: int, cores: int, size: int):
    assert stages.batch_size(mappings, cores) == size


def test_the_batches_cover_every_stale_mapping_once_in_order(project: Path, monkeypatch: pytest.MonkeyPatch):
    ingested = stages.ingest(project)
    names = sorted(p.name for p in ingested.mappings)
    assert stages.mapping_batches(project, ingested) == [names]
    assert stages.mapping_batches(project, ingested, size=2) == [names[:2], names[2:4], names[4:]]
    monkeypatch.setenv(stages.BATCH_SIZE_ENV, "3")
    assert stages.mapping_batches(project, ingested) == [names[:3], names[3:]]


def test_mappings_are_resolved_and_records_merged_with_the_cycle_collector_paused(
        project: Path, monkeypatch: pytest.MonkeyPatch):
    collecting: list[tuple[str, bool]] = []
    for name in ("load_mapping", "combine_facts"):
        real = getattr(stages, name)

        def spy(*args, real=real, name=name, **kwargs):
            collecting.append((name, gc.isenabled()))
            return real(*args, **kwargs)

        monkeypatch.setattr(stages, name, spy)
    ingested = stages.ingest(project)
    resolved = stages.resolve_batch(project, [p.name for p in ingested.mappings], ingested)
    stages.combine(project, ingested, [resolved])
    assert collecting == [("load_mapping", False)] * len(ingested.mappings) + [("combine_facts", False)]
    assert gc.isenabled()


def test_the_flow_module_imports_no_validation_which_its_worker_processes_never_use():
    """A worker process imports the flow's module (Prefect sends it the flow), and resolves batches only: pandera
    and pandas, 0.3 s of every worker's start, are imported by the flow's own process alone (the CLI)."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, flows.build_dataset; "
                               "print(sorted(m for m in ('pandera', 'pandas') if m in sys.modules))"],
        cwd=PROJECT, capture_output=True, text=True, check=True)
    assert loaded.stdout == "[]\n"
