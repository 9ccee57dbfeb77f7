"""The Prefect flow that builds and publishes the dataset: the one composition
(`ofsted_dataset.pipeline.run`) with each stage given to Prefect as a task, nothing else.

One task per stage, and the per-article stage as one task per batch of mappings (never one per
article: a task run costs ~10 ms).
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar, cast

from prefect import flow, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import as_completed
from prefect.task_runners import ProcessPoolTaskRunner
from prefect.utilities.annotations import quote

from ofsted_dataset import pipeline, stages
from ofsted_dataset.progress import Progress
from ofsted_dataset.summary import RunSummary

T = TypeVar("T")

# Stage outputs are large in-memory objects passed straight to the next stage, and the per-article
# work has its own content-keyed cache (ofsted_dataset/facts/article_cache.py): Prefect's cache is not
# used. File reads (raw/ may be on network storage) can fail transiently: those are retried. Data
# errors raise PipelineError inside the checking stages, which have no retries.
ingest = task(name="ingest", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)(stages.ingest)
resolve_batch = task(name="resolve-mappings", cache_policy=NO_CACHE, retries=2,
                     retry_delay_seconds=2)(stages.resolve_batch)
combine = task(name="apply-mappings", cache_policy=NO_CACHE)(stages.combine)
check_official = task(name="official-checks", cache_policy=NO_CACHE)(stages.check_official)
validate = task(name="validate", cache_policy=NO_CACHE)(stages.validate)
publish = task(name="publish", cache_policy=NO_CACHE)(stages.release)


# The stage objects hold every article and fact; Prefect must not walk them looking for futures
# (measured: three quarters of a 1,000-article build went on that walk): they are passed quote()d,
# Ingested is not a dataclass (quote() does not survive .map on Dask), and the batch results are
# collected here rather than handed to the next task as futures.
def _resolve(root: Path, batches: list[list[str]], ingested: stages.Ingested,
             progress: Progress) -> list[stages.Resolved]:
    if _in_this_thread(batches):
        return [resolve_batch(root, batches[0], ingested, progress)]
    folder, shared = stages.for_workers(root, ingested)
    futures = resolve_batch.map(unmapped(root), batches, unmapped(shared), folder=unmapped(folder))
    sizes = {future.task_run_id: len(names) for future, names in zip(futures, batches, strict=True)}
    for future in as_completed(futures):
        progress.advance(sizes[future.task_run_id])
    return [future.result() for future in futures]


def _in_this_thread(batches: list[list[str]]) -> bool:
    """One batch (the seeds, a small change) and a local process pool: run it in the flow's thread
    rather than start a process for it. Other runners (threads, Dask) get it as they get any batch."""
    context = FlowRunContext.get()
    return len(batches) == 1 and context is not None and isinstance(context.task_runner, ProcessPoolTaskRunner)


def _unwalked(value: T) -> T:
    """`value` wrapped so that Prefect does not walk it; typed as the value because Prefect unwraps it
    before the task runs."""
    return cast(T, quote(value))


def _report(summary: RunSummary) -> None:
    create_markdown_artifact(key="build-summary", markdown=summary.markdown(), description=summary.outcome)


TASKS = pipeline.Steps(
    ingest=ingest,
    resolve=_resolve,
    combine=lambda root, ingested, batches: combine(root, _unwalked(ingested), _unwalked(batches)),
    check_official=lambda root, applied: check_official(root, _unwalked(applied)),
    validate=lambda applied, ingested: validate(_unwalked(applied), _unwalked(ingested)),
    publish=lambda root, applied, ingested: publish(root, _unwalked(applied), _unwalked(ingested)),
    report=_report,
)


@flow(name="build-dataset", log_prints=False)
def build_dataset(root: str) -> RunSummary:
    """Read raw/, apply mappings/, check against the official record, validate, and publish a release
    if anything changed. The summary is returned and published as the artifact `build-summary`."""
    summary = pipeline.run(Path(root), TASKS).summary
    assert summary is not None  # a publishing run always ends with one, or raises
    return summary
