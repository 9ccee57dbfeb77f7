"""The Prefect flow that builds and publishes the dataset: one task per stage (the per-article stage
as one task per batch of mappings), nothing else.

The stages live in `ofsted_dataset.stages` as plain functions; see there for what each does.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.utilities.annotations import quote

from ofsted_dataset import stages
from ofsted_dataset.errors import PipelineError
from ofsted_dataset.progress import Progress
from ofsted_dataset.summary import RunSummary

# Stage outputs are large in-memory objects passed straight to the next stage, and the per-article
# work has its own content-keyed cache (ofsted_dataset/article_cache.py): Prefect's cache is not used.
# File reads (raw/ may be on network storage) and downloads can fail transiently: those are retried.
# Data errors raise PipelineError inside the checking stages, which have no retries.
ingest = task(stages.ingest, name="ingest", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
resolve_batch = task(stages.resolve_batch, name="resolve-mappings", cache_policy=NO_CACHE, retries=2,
                     retry_delay_seconds=2)
combine = task(stages.combine, name="apply-mappings", cache_policy=NO_CACHE)
refresh_official_record = task(stages.refresh_official_record, name="official-snapshot", cache_policy=NO_CACHE,
                               retries=2, retry_delay_seconds=5)
check_official = task(stages.check_official, name="official-checks", cache_policy=NO_CACHE)
validate = task(stages.check, name="validate", cache_policy=NO_CACHE)
publish = task(stages.release, name="publish", cache_policy=NO_CACHE)


@flow(name="build-dataset", log_prints=False)
def build_dataset(root: str) -> RunSummary:
    """Read raw/, apply mappings/, check against the official record, validate, and publish a release
    if anything changed. The summary is returned and published as the artifact `build-summary`."""
    project = Path(root)
    ingested = ingest(project)
    extract, official_record = refresh_official_record(project)
    fingerprint = stages.input_fingerprint(project, ingested, extract)
    unchanged = stages.unchanged_since_last_build(project, fingerprint, official_record)
    if unchanged is not None:
        create_markdown_artifact(key="build-summary", markdown=unchanged.markdown(), description=unchanged.outcome)
        return unchanged
    batches = stages.mapping_batches(project)
    progress = Progress("Applying mappings", sum(len(b) for b in batches))
    # The stage objects hold every article and fact; Prefect must not walk them looking for futures
    # (measured: three quarters of a 1,000-article build went on that walk): they are passed quote()d,
    # Ingested is not a dataclass (quote() does not survive .map on Dask), and the batch results are
    # collected here rather than handed to the next task as futures.
    futures = resolve_batch.map(unmapped(project), batches, unmapped(ingested))
    sizes = {future.task_run_id: len(names) for future, names in zip(futures, batches, strict=True)}
    for future in as_completed(futures):
        progress.advance(sizes[future.task_run_id])
    applied = combine(project, quote(ingested), quote([future.result() for future in futures]))
    checked = check_official(quote(applied), extract, official_record)
    counts: dict[str, int] = {}
    try:
        counts = validate(quote(checked.applied), quote(ingested))
        release = publish(project, quote(checked.applied), quote(ingested))
        refused: list[str] = []
    except PipelineError as exc:
        release, refused = None, [exc.summary, *exc.details]
    summary = RunSummary(
        sources_read=len(ingested.articles), mapped=len(applied.mapped), waiting_for_curation=applied.waiting,
        facts_applied=applied.facts, quotes_matched=applied.quotes, rows=counts,
        official_record=checked.snapshot, official_statuses=checked.statuses,
        official_conflicts=checked.conflicts, release=release, refused=refused)
    create_markdown_artifact(key="build-summary", markdown=summary.markdown(), description=summary.outcome)
    if refused:
        raise PipelineError(refused[0], refused[1:])
    stages.remember_build(project, fingerprint, summary)
    return summary
