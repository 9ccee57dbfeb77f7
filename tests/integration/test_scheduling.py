"""Scheduled runs: the deployment and its cron schedule, the task runner chosen by configuration,
and the summary that is both printed and published as an artifact."""

from __future__ import annotations

from pathlib import Path

from prefect.task_runners import ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

from flows.deploy import DEFAULT_CRON, DEPLOYMENT_NAME, deployment
from flows.task_runners import task_runner_from_environment
from ofsted_dataset.release.publish import PublishResult
from ofsted_dataset.summary import RunSummary


def test_deployment_is_registered_with_a_daily_schedule(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("OFSTED_BUILD_CRON", raising=False)
    d = deployment(tmp_path)
    assert d.name == DEPLOYMENT_NAME == "scheduled-build"
    assert d.schedules[0].schedule.cron == DEFAULT_CRON == "0 6 * * *"
    assert d.parameters == {"root": str(tmp_path)}
    assert d.flow_name == "build-dataset"


def test_schedule_is_configurable(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("OFSTED_BUILD_CRON", "30 2 * * 1-5")
    assert deployment(tmp_path).schedules[0].schedule.cron == "30 2 * * 1-5"
    assert deployment(tmp_path, "0 * * * *").schedules[0].schedule.cron == "0 * * * *"


def test_task_runner_is_chosen_by_configuration():
    assert isinstance(task_runner_from_environment({}), ThreadPoolTaskRunner)
    local = task_runner_from_environment({"OFSTED_DASK_ADDRESS": "local", "OFSTED_DASK_WORKERS": "3"})
    assert isinstance(local, DaskTaskRunner)
    assert local.cluster_kwargs["n_workers"] == 3
    remote = task_runner_from_environment({"OFSTED_DASK_ADDRESS": "tcp://scheduler:8786"})
    assert remote.address == "tcp://scheduler:8786"


def _summary(**changes) -> RunSummary:
    base = dict(sources_read=6, mapped=5, waiting_for_curation=["005_new"], facts_applied=40, quotes_matched=155,
                rows={"sources": 5}, official_record="Official record: 785 inspection(s) in the committed extract",
                official_statuses={"confirmed": 25, "conflict": 2}, official_conflicts=["inspections x: y"],
                release=PublishResult("1.1.1", "1.1.0", None, "patch", "recommendations: 1 changed."))
    return RunSummary(**{**base, **changes})


def test_summary_lines_and_artifact_markdown_say_the_same():
    summary = _summary()
    assert summary.lines() == [
        "Sources read: 6 raw article(s), 5 with a mapping",
        "Waiting for curation (no mapping yet): 005_new",
        "Facts applied: 40 curated record(s), 155 quote(s) matched",
        "Rows: sources 5",
        "Official record: 785 inspection(s) in the committed extract",
        "Checks against the official record: 25 confirmed, 2 conflict",
        "  conflict: inspections x: y",
        "Release 1.1.1 written to published/1.1.1 (patch, previous 1.1.0): recommendations: 1 changed.",
    ]
    markdown = summary.markdown()
    assert "- Waiting for curation: 005_new\n" in markdown
    assert "- Validation: passed\n" in markdown
    assert "- Outcome: Release 1.1.1 written to published/1.1.1 (patch, previous 1.1.0)" in markdown
    assert "| sources | 5 |" in markdown


def test_a_refused_run_is_summarised_with_its_problems():
    summary = _summary(release=None, rows={}, refused=["1 curation problem(s) in 1 file(s); nothing was published.",
                                                       "mappings/a.yaml:3: x: y"])
    assert summary.outcome == "Refused: 1 curation problem(s) in 1 file(s); nothing was published."
    assert "- Validation: failed: nothing was published\n" in summary.markdown()
    assert summary.markdown().endswith("## Problems\n\n- mappings/a.yaml:3: x: y\n")
