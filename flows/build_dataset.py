"""The Prefect flow that builds and publishes the dataset: one task per stage, nothing else.

The stages live in `ofsted_dataset.stages` as plain functions; see there for what each does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from ofsted_dataset import stages
from ofsted_dataset.publish import PublishResult


@dataclass(frozen=True)
class RunSummary:
    sources_read: int
    mapped: int
    waiting_for_curation: list[str]
    facts_applied: int
    quotes_matched: int
    rows: dict[str, int]
    official_record: str
    official_statuses: dict[str, int]
    official_conflicts: list[str]
    release: PublishResult


# Stage outputs are large in-memory objects passed straight to the next stage: nothing to cache.
ingest = task(stages.ingest, name="ingest", cache_policy=NO_CACHE)
apply_mappings = task(stages.apply, name="apply-mappings", cache_policy=NO_CACHE)
# Network reads can fail transiently: retried. Data errors are not retried (they raise PipelineError).
refresh_official_record = task(stages.refresh_official_record, name="official-snapshot", cache_policy=NO_CACHE,
                               retries=2, retry_delay_seconds=5)
check_official = task(stages.check_official, name="official-checks", cache_policy=NO_CACHE)
validate = task(stages.check, name="validate", cache_policy=NO_CACHE)
publish = task(stages.release, name="publish", cache_policy=NO_CACHE)


@flow(name="build-dataset", log_prints=False)
def build_dataset(root: str) -> RunSummary:
    """Read raw/, apply mappings/, validate, and publish a release if anything changed."""
    project = Path(root)
    ingested = ingest(project)
    applied = apply_mappings(project, ingested)
    extract, official_record = refresh_official_record(project)
    checked = check_official(applied, extract, official_record)
    rows = validate(checked.applied, ingested)
    result = publish(project, checked.applied, ingested)
    return RunSummary(
        sources_read=len(ingested.articles),
        mapped=len(applied.mapped),
        waiting_for_curation=applied.waiting,
        facts_applied=applied.facts,
        quotes_matched=applied.quotes,
        rows=rows,
        official_record=checked.snapshot,
        official_statuses=checked.statuses,
        official_conflicts=checked.conflicts,
        release=result,
    )
