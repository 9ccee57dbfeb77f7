"""Prefect's fixed cost: a trivial one-task flow on the embedded server, with the same environment as
`ofsted-dataset build` (ofsted_dataset.cli._prefect_environment). Run in its own process by the
benchmark, so its wall time is what every build pays before and after the pipeline's own work.

    python -m bench.prefect_startup CORPUS_ROOT
"""

from __future__ import annotations

import sys
from pathlib import Path

from ofsted_dataset.cli import _prefect_environment


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    _prefect_environment(Path(args[0]).resolve())  # before Prefect is imported, as the CLI does
    from prefect import flow, task

    @task(name="noop")
    def noop() -> int:
        return 1

    @flow(name="bench-prefect-startup", log_prints=False)
    def trivial() -> int:
        return noop()

    return 0 if trivial() == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
