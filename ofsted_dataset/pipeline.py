"""The one composition of a build: which stage runs after which, what a run reports, when it stops.

`run` is the only place the stages are chained. The Prefect flow (flows/build_dataset.py) calls it
with `Steps` whose functions are Prefect tasks; `verify --rebuild` (rebuild.py) and the tests
call it with the plain functions, stopping where they need to (`until`). So every way of building —
scheduled, by hand, rebuilt for verification, under test — runs the same code in the same order.

    ingest -> [no change since the last build? stop] -> resolve mappings (per batch) -> combine
           -> check against the official record -> validate -> publish -> remember the build
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ofsted_dataset import stages
from ofsted_dataset.errors import PipelineError
from ofsted_dataset.progress import Progress
from ofsted_dataset.release.publish import PublishResult, preview
from ofsted_dataset.summary import RunSummary

# Where a run stops: after the official checks (tables built, problems collected, not raised), after
# validation (problems raised), or after publishing (the whole build).
Until = Literal["apply", "validate", "publish"]
Resolve = Callable[[Path, list[list[str]], stages.Ingested, Progress], list[stages.Resolved]]


def resolve_in_order(root: Path, batches: list[list[str]], ingested: stages.Ingested,
                     progress: Progress) -> list[stages.Resolved]:
    """The per-article stage, one batch after another in this process."""
    return [stages.resolve_batch(root, names, ingested, progress) for names in batches]


def _report_nothing(summary: RunSummary) -> None:
    """Plain runs have no place to publish a summary but the caller's screen."""


@dataclass(frozen=True)
class Steps:
    """The stage functions a build runs. The defaults are the plain functions of stages.py; the
    Prefect flow gives the same functions wrapped as tasks, and a batch runner that maps them."""

    ingest: Callable[[Path], stages.Ingested] = stages.ingest
    resolve: Resolve = resolve_in_order
    combine: Callable[[Path, stages.Ingested, list[stages.Resolved]], stages.Applied] = stages.combine
    check_official: Callable[[Path, stages.Applied], stages.OfficialChecked] = stages.check_official
    validate: Callable[[stages.Applied, stages.Ingested], dict[str, int]] = stages.validate
    publish: Callable[[Path, stages.Applied, stages.Ingested], PublishResult] = stages.release
    report: Callable[[RunSummary], None] = _report_nothing  # the flow publishes it as an artifact


PLAIN = Steps()


@dataclass
class Build:
    """What a run produced, as far as it went."""

    ingested: stages.Ingested
    checked: stages.OfficialChecked | None = None  # None when nothing had changed since the last build
    rows: dict[str, int] = field(default_factory=dict)  # rows per table, once validated
    summary: RunSummary | None = None  # once published (or found unchanged)

    @property
    def applied(self) -> stages.Applied:
        """The tables built (official_checks filled in); only for a run that built them."""
        if self.checked is None:
            raise PipelineError("nothing was built: the inputs are those of the last build")
        return self.checked.applied


def run(root: Path, steps: Steps = PLAIN, until: Until = "publish") -> Build:
    """Build the project at `root` as far as `until`. A publishing run with nothing new since the
    last build returns that build's summary at once; a refused run reports why, then raises."""
    ingested = steps.ingest(root)
    fingerprint = stages.input_fingerprint(root, ingested) if until == "publish" else ""
    unchanged = stages.unchanged_since_last_build(root, fingerprint) if fingerprint else None
    if unchanged is not None:
        steps.report(unchanged)
        return Build(ingested, summary=unchanged)
    batches = stages.mapping_batches(root, ingested)
    progress = Progress("Applying mappings", sum(len(b) for b in batches))
    applied = steps.combine(root, ingested, steps.resolve(root, batches, ingested, progress))
    build = Build(ingested, steps.check_official(root, applied))
    if until == "apply":
        return build
    if until == "validate":
        build.rows = steps.validate(build.applied, ingested)
        return build
    try:
        build.rows = steps.validate(build.applied, ingested)
        release: PublishResult | None = steps.publish(root, build.applied, ingested)
        refused: list[str] = []
    except PipelineError as exc:
        release, refused = None, [exc.summary, *exc.details]
    build.summary = _summary(build, release, refused)
    steps.report(build.summary)
    if refused:
        raise PipelineError(refused[0], refused[1:])
    stages.remember_build(root, fingerprint, build.summary)
    return build


def check(root: Path) -> list[str]:
    """Everything a build checks, then the changelog its release would carry: for curators, who need to
    see what their work changes without making a release of every step. Plain stages (no Prefect: it
    publishes nothing and is not scheduled); nothing in published/ changes and the build is not
    remembered, so the next `build` still publishes. Problems raise as they do in a build."""
    build = run(root, until="validate")
    lines = _summary(build, None, []).lines(outcome=False)
    return [*lines, "", preview(build.applied.tables, root)]


def _summary(build: Build, release: PublishResult | None, refused: list[str]) -> RunSummary:
    checked, applied = build.checked, build.applied
    assert checked is not None  # a summary is made only for a run that built the tables
    return RunSummary(
        sources_read=len(build.ingested.articles), mapped=len(applied.mapped),
        waiting_for_curation=applied.waiting, facts_applied=applied.facts, quotes_matched=applied.quotes,
        rows=build.rows, official_record=checked.record, official_statuses=checked.statuses,
        official_conflicts=checked.conflicts, release=release, refused=refused)
