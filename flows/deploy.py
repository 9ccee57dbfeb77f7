"""The scheduled runs: the build and the official snapshot, each a Prefect deployment with a cron
schedule, served together by one process.

`ofsted-dataset serve` registers both deployments and runs them on their schedules in that process
(`prefect.serve`): no server, worker or work pool to set up. Against a long-lived Prefect server, set
PREFECT_API_URL first (see README, "Scheduled runs"). The build reads only what is committed in the
project; the snapshot downloads and rewrites reference/official/ for a person to review and commit.
"""

from __future__ import annotations

import os
from pathlib import Path

from prefect import serve as serve_deployments
from prefect.deployments.runner import RunnerDeployment

from flows.build_dataset import build_dataset
from flows.official_snapshot import official_snapshot

DEPLOYMENT_NAME = "scheduled-build"
DEFAULT_CRON = "0 6 * * *"  # daily at 06:00
CRON_ENV = "OFSTED_BUILD_CRON"

SNAPSHOT_DEPLOYMENT_NAME = "scheduled-snapshot"
# Weekly, Monday 05:00: Ofsted publishes these statistics a few times a year, and a changed extract
# waits for a person's review anyway.
DEFAULT_SNAPSHOT_CRON = "0 5 * * 1"
SNAPSHOT_CRON_ENV = "OFSTED_SNAPSHOT_CRON"


def schedule_cron(cron: str | None = None) -> str:
    """The build's schedule: the argument, else OFSTED_BUILD_CRON, else daily."""
    return cron or os.environ.get(CRON_ENV) or DEFAULT_CRON


def snapshot_cron(cron: str | None = None) -> str:
    """The snapshot's schedule: the argument, else OFSTED_SNAPSHOT_CRON, else weekly."""
    return cron or os.environ.get(SNAPSHOT_CRON_ENV) or DEFAULT_SNAPSHOT_CRON


# RunnerDeployment.from_flow rather than flow.to_deployment: the latter returns a coroutine when
# called from async code, the former always the deployment. Neither contacts a server, so a test can
# inspect what `serve` would register.
def deployment(root: Path, cron: str | None = None) -> RunnerDeployment:
    """The scheduled build."""
    return RunnerDeployment.from_flow(build_dataset, name=DEPLOYMENT_NAME, cron=schedule_cron(cron),
                                      parameters={"root": str(root)},
                                      description="Build, check and publish the dataset when new articles arrive")


def snapshot_deployment(root: Path, cron: str | None = None) -> RunnerDeployment:
    """The scheduled official snapshot."""
    return RunnerDeployment.from_flow(official_snapshot, name=SNAPSHOT_DEPLOYMENT_NAME, cron=snapshot_cron(cron),
                                      parameters={"root": str(root)},
                                      description="Download Ofsted's official statistics into reference/official/ "
                                                  "for a person to review and commit")


def deployments(root: Path, build_cron: str | None = None,
                snapshot_cron: str | None = None) -> list[RunnerDeployment]:
    """Everything `serve` runs."""
    return [deployment(root, build_cron), snapshot_deployment(root, snapshot_cron)]


def serve(root: Path, build_cron: str | None = None, snapshot_cron: str | None = None) -> None:
    """Register both deployments and run them on their schedules until the process is stopped."""
    serve_deployments(*deployments(root, build_cron, snapshot_cron))
