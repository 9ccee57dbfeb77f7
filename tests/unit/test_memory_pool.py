"""Arrow allocates through jemalloc once the package is imported (it gives freed memory back: lower peaks),
unless a pool was chosen already; processes the pipeline starts inherit the choice."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow
import pytest

SHOW = ("import ofsted_dataset, os, pyarrow, subprocess, sys; print(pyarrow.default_memory_pool().backend_name); "
        "print(subprocess.run([sys.executable, '-c', 'import pyarrow; print(pyarrow.default_memory_pool()"
        ".backend_name)'], capture_output=True, text=True).stdout.strip())")


def _pools(environ: dict[str, str]) -> list[str]:
    """The pool of a fresh interpreter that imports the package, then of a process it starts."""
    return subprocess.run([sys.executable, "-c", SHOW], env=environ, check=True, capture_output=True,
                          text=True).stdout.split()


@pytest.mark.skipif("jemalloc" not in pyarrow.supported_memory_backends(), reason="a pyarrow without jemalloc")
def test_the_package_chooses_jemalloc_for_itself_and_the_processes_it_starts() -> None:
    environ = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    assert _pools(environ) == ["jemalloc", "jemalloc"]


def test_a_pool_chosen_already_is_kept() -> None:
    assert _pools({**os.environ, "ARROW_DEFAULT_MEMORY_POOL": "system"}) == ["system", "system"]
