"""The facts of a batch of mappings, written to disk by the process that resolved them.

A batch resolved in another process (a process pool, Dask) reaches the build's process as a pickle. Its
facts are most of that pickle: at 10,000 articles, a quarter of a gigabyte in all, which the process pool
keeps as pickled bytes beside the unpickled tables until the batches are merged. So the worker writes the
facts as Arrow IPC files in this run's folder, and only their location travels; the build's process
memory-maps them, and reads only what the merge touches. Workers already read the project's mappings/
and raw/ from the same path, so the folder is one they can write.

The folder is `staged/cache/.batches-<pid>` of the build's process, removed once the batches are merged;
one a killed build left behind is removed by the next build that makes its own.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa

from ofsted_dataset.facts import fact_tables, mapped_files

PREFIX = ".batches-"


def new_folder(cache: Path) -> Path:
    """This run's empty folder beside the cache (`cache`: staged/cache/facts), after removing those of
    builds that are no longer running."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    for old in cache.parent.glob(f"{PREFIX}*"):
        if not _running(old.name[len(PREFIX):]):
            shutil.rmtree(old, ignore_errors=True)
    folder = cache.parent / f"{PREFIX}{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


def _running(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True


def write(folder: Path, name: str, facts: dict[str, pa.Table]) -> Path:
    """One batch's fact tables as `<name>.<table>.arrow`; returns the prefix `read` takes."""
    prefix = folder / name
    for table, rows in facts.items():
        with pa.OSFile(f"{prefix}.{table}.arrow", "wb") as sink, pa.ipc.new_file(sink, rows.schema) as writer:
            writer.write_table(rows)
    return prefix


def read(prefix: Path) -> dict[str, pa.Table]:
    """One batch's fact tables, memory-mapped."""
    return {table: mapped_files.read_table(f"{prefix}.{table}.arrow") for table in fact_tables.schemas()}


def remove(folders: set[Path]) -> None:
    """The run's folder once its batches are merged (a memory-mapped file stays readable after it is removed)."""
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
