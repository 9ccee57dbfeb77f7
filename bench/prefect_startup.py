"""Prefect's fixed cost: a trivial one-task flow run as `ofsted-dataset build` runs its flow
(ofsted_dataset.cli._build): the same environment, the same embedded server and run settings, the same
exit. Run in its own process by the benchmark, so its wall time is what every build pays before and after
the pipeline's own work (docs/prefect-cost.md).

    python -m bench.prefect_startup CORPUS_ROOT
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import sys
from pathlib import Path

from ofsted_dataset import prefect_lifetime
from ofsted_dataset.cli import _prefect_environment


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    _prefect_environment(Path(args[0]).resolve())  # before Prefect is imported, as the CLI does
    atexit.register(gc.freeze)
    server = prefect_lifetime.start()
    from prefect import flow, task

    @task(name="noop")
    def noop() -> int:
        return 1

    @flow(name="bench-prefect-startup", log_prints=False)
    def trivial() -> int:
        return noop()

    if server is not None:
        server.wait_until_ready()
    with prefect_lifetime.ephemeral_run_settings() if server is not None else contextlib.nullcontext():
        return 0 if trivial() == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
