"""A build on the embedded server records its whole run there although the ephemeral server skips some start-up
work and the run sends no heartbeats (ofsted_dataset/prefect_lifetime.py, docs/prefect-cost.md): the flow run
and every task run in their final state, the run's logs, and the summary artifact, all read back with Prefect's
client once the build has ended and its server has stopped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

READ_BACK = """
import asyncio, json
from prefect.client.orchestration import get_client

async def main():
    async with get_client() as client:
        runs = await client.read_flow_runs()
        tasks = await client.read_task_runs()
        logs = await client.read_logs()
        artifacts = await client.read_artifacts()
    print(json.dumps({
        "runs": [run.state_type.value for run in runs],
        "tasks": [[task.flow_run_id == runs[0].id, task.state_type.value] for task in tasks],
        "logs": sum(log.flow_run_id == runs[0].id for log in logs),
        "artifacts": [artifact.key for artifact in artifacts],
    }))

asyncio.run(main())
"""


def _environment(prefect_home: Path) -> dict[str, str]:
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    return env


def test_a_build_records_its_runs_logs_and_artifact_on_the_embedded_server(project: Path, tmp_path: Path):
    env = _environment(tmp_path / "prefect-home")
    build = subprocess.run([sys.executable, "-m", "ofsted_dataset.cli", "--root", str(project), "build"],
                           capture_output=True, text=True, env=env, timeout=300, check=False)
    assert build.returncode == 0, build.stderr
    assert "Traceback" not in build.stderr and "ERROR" not in build.stderr, build.stderr
    # Prefect's own temporary server on the same database: the build's server is gone.
    read = subprocess.run([sys.executable, "-c", READ_BACK], capture_output=True, text=True, env=env, timeout=180,
                          check=True)
    recorded = json.loads(read.stdout.splitlines()[-1])
    assert recorded["runs"] == ["COMPLETED"]
    assert recorded["tasks"] and all(task == [True, "COMPLETED"] for task in recorded["tasks"]), recorded
    assert recorded["logs"] > 0
    assert recorded["artifacts"] == ["build-summary"]
