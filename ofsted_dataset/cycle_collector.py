"""Python's cycle collector, paused while a stage builds many objects that live to its end.

CPython's collector runs every few hundred new container objects and walks every object still alive each
time it reaches the oldest generation. A batch of 1,250 mappings keeps every fact, quote and record it made
until the batch's columns are built, and merging keeps every record merged as Python objects until the
tables are made; the process holds Prefect, pandas and pyarrow besides. Those walks find next to nothing (a
few hundred objects, all from imports), and took a fifth of resolving a batch (4.3-4.9 s with them, 3.4-4.0 s
without, in one process on 1,250 mappings; the per-article stage of a cold build at 10,000 articles, on two
processes, went from about 20 s to 14.5 s) and a third of merging (4.0 s, then 2.7 s). The objects the
pipeline builds (dicts, lists, dataclasses) are freed by reference counting; a cycle made meanwhile waits for
the collector's next run, after the stage.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block, and back as it was after it (on, unless someone had turned it off)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
