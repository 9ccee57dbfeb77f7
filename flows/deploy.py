"""The scheduled build: a Prefect deployment of the flow with a cron schedule.

`ofsted-dataset serve` registers the deployment and runs it on its schedule in this process
(`flow.serve`): no server, worker or work pool to set up. Against a long-lived Prefect server, set
PREFECT_API_URL first (see README, "Scheduled runs").
"""

from __future__ import annotations

import os
from pathlib import Path

from prefect.deployments.runner import RunnerDeployment

from flows.build_dataset import build_dataset

DEPLOYMENT_NAME = "scheduled-build"
DEFAULT_CRON = "0 6 * * *"  # daily at 06:00


def schedule_cron(cron: str | None = None) -> str:
    return cron or os.environ.get("OFSTED_BUILD_CRON") or DEFAULT_CRON


def deployment(root: Path, cron: str | None = None) -> RunnerDeployment:
    """The deployment `serve` registers (built without contacting a server, so a test can inspect it)."""
    return build_dataset.to_deployment(name=DEPLOYMENT_NAME, cron=schedule_cron(cron),
                                       parameters={"root": str(root)},
                                       description="Build, check and publish the dataset when new articles arrive")


def serve(root: Path, cron: str | None = None) -> None:
    build_dataset.serve(name=DEPLOYMENT_NAME, cron=schedule_cron(cron), parameters={"root": str(root)},
                        description="Build, check and publish the dataset when new articles arrive")
