"""Which Prefect task runner runs the per-article batches: chosen by configuration, not by code.

- default: local processes (ProcessPoolTaskRunner, `OFSTED_PROCESSES` workers, default one per core) —
  matching quotes and checking values is Python that holds the GIL, so threads use one core; a batch
  travels as its mappings' names, its articles read by the worker (stages.Ingested.for_workers), and its
  facts come back as files (facts/batch_files.py). A run with a single batch (the seeds, a small
  change) runs it in the flow's own thread and starts no process;
- `OFSTED_PROCESSES=1`: local threads (ThreadPoolTaskRunner, `OFSTED_THREADS`, default 4), one process;
- `OFSTED_DASK_ADDRESS=tcp://scheduler:8786`: an existing Dask cluster (prefect-dask);
- `OFSTED_DASK_ADDRESS=local`: a throw-away local Dask cluster (`OFSTED_DASK_WORKERS` processes,
  default 2) — what the tests use to prove the output is byte-identical to the default runner.

Workers in other processes read the project's folder as the build does (mappings/, raw/, and staged/cache/
where they leave their facts): a Dask cluster's workers must see it at the same path. They need the
Prefect API too: point them at a server with PREFECT_API_URL, or each worker process starts its own
temporary server (~20 s), as measured in shared notes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

# Prefect is imported in the functions that need it: the CLI asks `runs_on_this_machine` before Prefect
# is imported (Prefect reads its settings, PREFECT_API_URL among them, once, at import).


def _dask_address(environ: Mapping[str, str] | None) -> str:
    return (os.environ if environ is None else environ).get("OFSTED_DASK_ADDRESS", "").strip()


def runs_on_this_machine(environ: Mapping[str, str] | None = None) -> bool:
    """Whether every task runs in this process or in its children (threads, a local Dask cluster),
    which can use a Prefect server on 127.0.0.1; an existing Dask cluster's workers get this process's
    Prefect settings (PREFECT_API_URL included) and may be on other machines."""
    return _dask_address(environ) in ("", "local")


def task_runner_from_environment(environ: Mapping[str, str] | None = None) -> TaskRunner[Any]:
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

    env = os.environ if environ is None else environ
    address = _dask_address(env)
    if not address:
        processes = int(env.get("OFSTED_PROCESSES", "0")) or os.cpu_count() or 1
        if processes > 1:
            return ProcessPoolTaskRunner(max_workers=processes)
        return ThreadPoolTaskRunner(max_workers=int(env.get("OFSTED_THREADS", "4")))
    from prefect_dask import DaskTaskRunner

    if address == "local":
        workers = int(env.get("OFSTED_DASK_WORKERS", "2"))
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    return DaskTaskRunner(address=address)
