"""Tests for ofsted_dataset.pipeline: the one composition of a build, with recording stages."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ofsted_dataset import pipeline, stages
from ofsted_dataset.errors import PipelineError
from ofsted_dataset.summary import RunSummary


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
