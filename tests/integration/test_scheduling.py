"""Scheduled runs: the build and the official snapshot deployments with their cron schedules, served
together; the task runner chosen by configuration; and the summary that is both printed and published
as an artifact."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

import flows.deploy
from flows.deploy import (
    DEFAULT_CRON,
    DEFAULT_SNAPSHOT_CRON,
    DEPLOYMENT_NAME,
    SNAPSHOT_DEPLOYMENT_NAME,
    deployment,
    deployments,
    snapshot_deployment,
)
from flows.task_runners import task_runner_from_environment
from ofsted_dataset import cli, prefect_lifetime
from ofsted_dataset.release.publish import PublishResult
from ofsted_dataset.summary import RunSummary
from tests.helpers import copy_project, tree_digest


@pytest.fixture(autouse=True)
def _no_cron_in_environment(monkeypatch):
    monkeypatch.delenv("OFSTED_BUILD_CRON", raising=False)
    monkeypatch.delenv("OFSTED_SNAPSHOT_CRON", raising=False)


def test_deployment_is_registered_with_a_daily_schedule(tmp_path: Path):
    d = deployment(tmp_path)
    assert d.name == DEPLOYMENT_NAME == "scheduled-build"
    assert d.schedules[0].schedule.cron == DEFAULT_CRON == "0 6 * * *"
    assert d.parameters == {"root": str(tmp_path)}
    assert d.flow_name == "build-dataset"


def test_schedule_is_configurable(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("OFSTED_BUILD_CRON", "30 2 * * 1-5")
    assert deployment(tmp_path).schedules[0].schedule.cron == "30 2 * * 1-5"
    assert deployment(tmp_path, "0 * * * *").schedules[0].schedule.cron == "0 * * * *"


def test_snapshot_deployment_is_registered_with_a_weekly_schedule(tmp_path: Path):
    d = snapshot_deployment(tmp_path)
    assert d.name == SNAPSHOT_DEPLOYMENT_NAME == "scheduled-snapshot"
    assert d.schedules[0].schedule.cron == DEFAULT_SNAPSHOT_CRON == "0 5 * * 1"
    assert d.parameters == {"root": str(tmp_path)}
    assert d.flow_name == "official-snapshot"
    assert d.description == "Download Ofsted's official statistics into reference/official/ for a person to review " \
                            "and commit"


def test_snapshot_schedule_is_configurable(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("OFSTED_SNAPSHOT_CRON", "0 4 1 * *")
    assert snapshot_deployment(tmp_path).schedules[0].schedule.cron == "0 4 1 * *"
    assert snapshot_deployment(tmp_path, "15 3 * * 0").schedules[0].schedule.cron == "15 3 * * 0"


def test_serve_runs_both_deployments_in_one_process(tmp_path: Path, monkeypatch):
    served = []
    monkeypatch.setattr(flows.deploy, "serve_deployments", lambda *ds: served.append(ds))
    monkeypatch.setattr(cli, "_prefect_environment", lambda root: None)
    monkeypatch.setattr(prefect_lifetime, "start", lambda scheduling: None)  # no server: serving is faked
    monkeypatch.setenv("OFSTED_SNAPSHOT_CRON", "0 4 * * 2")
    assert cli.main(["--root", str(tmp_path), "serve", "--cron", "0 * * * *"]) == 0
    assert [[(d.flow_name, d.name, d.schedules[0].schedule.cron, d.parameters) for d in ds] for ds in served] == [[
        ("build-dataset", "scheduled-build", "0 * * * *", {"root": str(tmp_path)}),
        ("official-snapshot", "scheduled-snapshot", "0 4 * * 2", {"root": str(tmp_path)}),
    ]]
    assert [d.name for d in deployments(tmp_path)] == ["scheduled-build", "scheduled-snapshot"]


RUN_SNAPSHOT_FLOW = "import sys; from flows.official_snapshot import official_snapshot; " \
                    "print(\"\\n\".join(official_snapshot(sys.argv[1]).lines()))"


@pytest.mark.slow
def test_the_snapshot_flow_runs_the_snapshot_and_changes_nothing_it_cannot_fetch(tmp_path: Path):
    """The real flow (embedded server): a source it cannot fetch and nothing staged leave the committed
    extract as it was, and the account says so."""
    root = copy_project(tmp_path / "project")
    before = tree_digest(root / "reference")
    missing = tmp_path / "missing.ods"
    # A fresh Prefect database is migrated first: on a busy machine that outlasts the default 20 s wait.
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "DO_NOT_TRACK": "1", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
           "OFSTED_OFFICIAL_SOURCES": f"x.ods={missing.as_uri()}"}
    env.pop("PREFECT_API_URL", None)
    run = subprocess.run([sys.executable, "-c", RUN_SNAPSHOT_FLOW, str(root)], capture_output=True, text=True,
                         env=env, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "Official record: no spreadsheet staged; reference/official/ kept as it was; 785 inspection(s) in the extract",
        f"Sources: x.ods: failed (FileNotFoundError: [Errno 2] No such file or directory: '{missing}')",
    ]
    assert tree_digest(root / "reference") == before


def test_task_runner_is_chosen_by_configuration():
    assert isinstance(task_runner_from_environment({"OFSTED_PROCESSES": "1"}), ThreadPoolTaskRunner)
    assert isinstance(task_runner_from_environment({"OFSTED_PROCESSES": "2"}), ProcessPoolTaskRunner)
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
