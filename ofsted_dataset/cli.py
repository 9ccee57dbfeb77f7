"""`ofsted-dataset`: build the dataset, or query a release with DuckDB.

Expected failures (a bad mapping, a table that breaks the contract) print a one-line summary and
their details, and exit with status 1; there is no traceback for them.
"""

from __future__ import annotations

import argparse
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
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)


def _build(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    _prefect_environment(root)
    from flows.build_dataset import build_dataset

    summary = build_dataset(str(root))
    print(f"Sources read: {summary.sources_read} raw article(s), {summary.mapped} with a mapping")
    if summary.waiting_for_curation:
        print(f"Waiting for curation (no mapping yet): {', '.join(summary.waiting_for_curation)}")
    print(f"Facts applied: {summary.facts_applied} curated record(s), {summary.quotes_matched} quote(s) matched")
    print("Rows: " + ", ".join(f"{name} {count}" for name, count in summary.rows.items()))
    release = summary.release
    if release.version:
        was = f" (previous {release.previous})" if release.previous else ""
        print(f"Release {release.version} written to published/{release.version}{was}")
    else:
        print(f"No changes: release {release.previous} is current; nothing published")
    return 0


def _query(args: argparse.Namespace) -> int:
    from ofsted_dataset.query import run_query

    print(run_query(args.sql, args.root.resolve() / "published", args.version))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ofsted-dataset", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(),
                        help="project folder holding raw/, mappings/ and published/ (default: current folder)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="apply the mappings, validate and publish a release if anything changed")
    query = commands.add_parser("query", help="run SQL over a release; the tables are views")
    query.add_argument("sql")
    query.add_argument("--version", help="release to query (default: the current one)")
    args = parser.parse_args(argv)
    try:
        return {"build": _build, "query": _query}[args.command](args)
    except PipelineError as exc:
        print(f"error: {exc.summary}", file=sys.stderr)
        for detail in exc.details:
            print(f"  - {detail}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
