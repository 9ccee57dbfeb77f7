"""`ofsted-dataset`: build the dataset, or query a release with DuckDB.

Expected failures (a bad mapping, a table that breaks the contract) print a one-line summary and
their details, and exit with status 1; there is no traceback for them.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import os
import sys
from pathlib import Path

from ofsted_dataset.errors import PipelineError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _prefect_environment(root: Path) -> None:
    """Embedded Prefect with its state in the project (.prefect/, git-ignored), quiet on the console.

    Set before Prefect is imported; values already in the environment (PREFECT_API_URL for a
    long-lived server, say) win.
    """
    defaults = {
        "PREFECT_HOME": str(root / ".prefect"),
        "PREFECT_LOGGING_CONFIG_PATH": str(PROJECT_ROOT / "flows" / "logging.yml"),
        # Telemetry is what logs "database is locked" from the embedded SQLite at start-up.
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
        # The temporary server's first start migrates a new database (~20 s here, far more on a loaded
        # 2-core machine); Prefect's default wait gave "Timed out while attempting to connect to
        # ephemeral Prefect API server" under load.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)


def _build(args: argparse.Namespace) -> int:
    """The flow on an embedded Prefect server that dies with this process, however it ends (see
    prefect_lifetime: Prefect's own outlives a `kill -9`); a PREFECT_API_URL already set is used instead."""
    from flows.task_runners import runs_on_this_machine, task_runner_from_environment
    from ofsted_dataset import prefect_lifetime

    root = args.root.resolve()
    _prefect_environment(root)
    # Registered before anything else, so it runs last at exit, after Prefect's flush and the server's stop: the
    # interpreter then skips its final garbage collection of ~200,000 objects (Prefect, pandas), ~1 s.
    atexit.register(gc.freeze)
    # From this thread, before Prefect is imported: the server boots while the flow is imported. Not for
    # an existing Dask cluster: its workers could not reach this machine's 127.0.0.1 (Prefect's default,
    # a temporary server in each worker, as before).
    server = prefect_lifetime.start() if runs_on_this_machine() else None
    # The flow, and validation (pandera and pandas, 0.3 s), imported while the server boots: this process waits
    # for it about a second anyway. The flow's module does not import validation, so that its worker processes,
    # which import it and never validate, do not pay for it (stages.validate).
    import ofsted_dataset.facts.validate  # noqa: F401
    from flows.build_dataset import build_dataset

    if server is not None:
        server.wait_until_ready()
    # What is alive now (Prefect, pandas, pyarrow, the modules: some 200,000 objects) lives to the end: kept out of
    # the cycle collector's walks of its oldest generation, which at one change at 10,000 articles took 0.8 s of
    # the build (0.2 s so).
    gc.freeze()
    with prefect_lifetime.ephemeral_run_settings() if server is not None else contextlib.nullcontext():
        summary = build_dataset.with_options(task_runner=task_runner_from_environment())(str(root))
    print("\n".join(summary.lines()))
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Serve the scheduled build and the scheduled official snapshot in this process, until stopped, on
    a Prefect server that schedules runs (an ephemeral one never does) and dies with this process."""
    from ofsted_dataset import prefect_lifetime

    root = args.root.resolve()
    _prefect_environment(root)
    server = prefect_lifetime.start(scheduling=True)
    from flows.deploy import serve

    if server is not None:
        server.wait_until_ready()
    serve(root, build_cron=args.cron)
    return 0


def _query(args: argparse.Namespace) -> int:
    from ofsted_dataset.release.query import run_query

    print(run_query(args.sql, args.root.resolve() / "published", args.version, args.url))
    return 0


def _diff(args: argparse.Namespace) -> int:
    from ofsted_dataset.release.diff import compare, render_markdown

    published = args.root.resolve() / "published"
    folders = [published / v for v in (args.old, args.new)]
    for folder in folders:
        if not (folder / "datapackage.json").is_file():
            raise PipelineError(f"release {folder.name} not found in {published}")
    print(render_markdown(compare(folders[0], folders[1], args.root.resolve())))
    return 0


def _check(args: argparse.Namespace) -> int:
    from ofsted_dataset import pipeline

    print("\n".join(pipeline.check(args.root.resolve())))
    return 0


def _verify(args: argparse.Namespace) -> int:
    from ofsted_dataset import stages
    from ofsted_dataset.rebuild import reproduce
    from ofsted_dataset.release.publish import current_version, pointer_problems
    from ofsted_dataset.release.verify import raise_if_invalid

    root = args.root.resolve()
    target = args.release or current_version(root / "published")
    if target is None:
        raise PipelineError("no release to verify: give a version or a release folder")
    folder = Path(target) if Path(target).is_dir() else root / "published" / target
    if not folder.is_dir():
        raise PipelineError(f"release {target} not found (neither a folder nor a version in {root / 'published'})")
    in_project = folder.resolve().parent == (root / "published").resolve()  # not a download: pointers too
    texts = None
    if (root / "raw").is_dir() and in_project:
        texts = stages.ingest(root).texts  # the articles as the build reads them
    raise_if_invalid(folder, texts)
    checked = ("checksums, archive, datapackage.json (Frictionless), pandera schemas where the release's contract "
               "is this code's, CSV = Parquet, DuckDB = Parquet")
    print(f"{folder.name}: OK ({checked}{', quotes = raw text' if texts else ''})")
    if in_project:
        newest = current_version(root / "published")
        problems = pointer_problems(root)
        if problems:
            raise PipelineError(f"the pointers disagree with the newest release {newest} ({len(problems)} problem(s))",
                                problems)
        print(f"pointers: OK (published/LATEST, published/current, datapackage.json and CHANGELOG.md "
              f"describe {newest})")
    if args.rebuild:
        differing = reproduce(root, folder.name)
        if differing:
            raise PipelineError(f"rebuilding {folder.name} from raw/ and mappings/ gives different bytes",
                                differing)
        print(f"{folder.name}: rebuilt from raw/ and mappings/, byte-identical")
    return 0


def _draft(args: argparse.Namespace) -> int:
    from ofsted_dataset.curation.draft import draft_for_cli

    path = draft_for_cli(args.article, args.root.resolve())
    print(f"Draft mapping written to {path.relative_to(args.root.resolve())}: the source block and every record "
          "are marked `review: draft`; review each against the article, then change `review: draft` to "
          "`review: reviewed` (or delete the line): the build refuses anything still marked draft")
    return 0


def _draft_score(args: argparse.Namespace) -> int:
    from ofsted_dataset.curation.draft_score import report

    corpus = args.corpus.resolve() if args.corpus else None
    print(report(args.root.resolve(), corpus, args.differences))
    return 0


def _official_snapshot(args: argparse.Namespace) -> int:
    """Refresh reference/official/ and say whether it changed; a person reviews the diff and commits."""
    from ofsted_dataset.official.snapshot import snapshot

    print("\n".join(snapshot(args.root.resolve()).lines()))
    return 0


def _lint(args: argparse.Namespace) -> int:
    from ofsted_dataset.curation.lint import lint, summary

    findings = lint(args.root.resolve())  # sentences no quote covers, and stale waivers
    for finding in findings:
        print(finding)
    print(summary(findings))
    return 1 if findings else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ofsted-dataset", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(),
                        help="project folder holding raw/, mappings/ and published/ (default: current folder)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="apply the mappings, validate and publish a release if anything changed")
    commands.add_parser("check", help="validate everything as a build does and print the changelog the next release "
                        "would carry; publishes nothing")
    query = commands.add_parser("query", help="run SQL over a release; the tables are views")
    query.add_argument("sql")
    query.add_argument("--version", help="release to query (default: the current one)")
    query.add_argument("--url", help="a release folder in object storage instead, e.g. s3://bucket/published/current")
    diff = commands.add_parser("diff", help="what changed between two releases (by key, with old and new values)")
    diff.add_argument("old")
    diff.add_argument("new")
    verify = commands.add_parser("verify", help="check a release: checksums, Frictionless, pandera, CSV and DuckDB")
    verify.add_argument("release", nargs="?", help="version or release folder (default: the current release)")
    verify.add_argument("--rebuild", action="store_true",
                        help="also rebuild it from raw/ and mappings/ and compare byte for byte")
    serve = commands.add_parser("serve", help="run the build on a schedule (a Prefect deployment served here)")
    serve.add_argument("--cron", default=None, help="cron schedule (default: OFSTED_BUILD_CRON or daily 06:00)")
    draft = commands.add_parser("draft", help="write a draft mapping for an article that has none")
    draft.add_argument("article", type=Path, help="raw/<source_id>.txt")
    draft_score = commands.add_parser("draft-score", help="draft every mapped article with its mapping hidden and "
                                      "print the drafts' precision and recall per fact type against the mappings")
    draft_score.add_argument("--corpus", type=Path, default=None,
                             help="a folder of articles with raw/ and mappings/ to score instead of the project's "
                             "(its own reference/ if it has one, else the project's)")
    draft_score.add_argument("--differences", action="store_true",
                             help="also list, per article, each fact the drafts missed or added")
    commands.add_parser("lint", help="sentences that look like facts but no mapping quote covers")
    commands.add_parser("official-snapshot",
                        help="download Ofsted's official statistics and refresh reference/official/ (review, commit)")
    args = parser.parse_args(argv)
    handlers = {"build": _build, "check": _check, "query": _query, "diff": _diff, "verify": _verify, "draft": _draft,
                "draft-score": _draft_score, "lint": _lint,
                "serve": _serve, "official-snapshot": _official_snapshot}
    try:
        return handlers[args.command](args)
    except PipelineError as exc:
        print(f"error: {exc.summary}", file=sys.stderr)
        for detail in exc.details:
            print(f"  - {detail}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
