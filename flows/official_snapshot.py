"""The official snapshot as a Prefect flow, so a scheduled deployment can refresh the extract.

One task, the same function as `ofsted-dataset official-snapshot`
(`ofsted_dataset.official.snapshot.snapshot`): it downloads Ofsted's spreadsheets and rewrites
reference/official/ in the project folder, and stops there. It never commits: its account (logged, and
published as the artifact `official-snapshot`) says whether reference/official/ changed, and a
person reviews `git diff reference/official` and commits. The build itself never downloads.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from ofsted_dataset.official.snapshot import SnapshotResult, snapshot

# Never cached: the point of a run is to look again. No retries: an unreachable source is reported in
# the result, not raised.
take_snapshot = task(name="official-snapshot", cache_policy=NO_CACHE)(snapshot)


@flow(name="official-snapshot", log_prints=False)
def official_snapshot(root: str) -> SnapshotResult:
    """Refresh reference/official/ in the project at `root` from the configured sources
    (OFSTED_OFFICIAL_SOURCES, else Ofsted's release pages)."""
    result = take_snapshot(Path(root))
    lines = result.lines()
    logger = get_run_logger()
    for line in lines:
        logger.info(line)
    create_markdown_artifact(key="official-snapshot", markdown="".join(f"- {line}\n" for line in lines),
                             description=lines[0])
    return result
