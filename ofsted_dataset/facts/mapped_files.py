"""Arrow IPC files read memory-mapped, and the pages of a column handed back to the kernel once it is read.

A memory-mapped file's pages count in the process's resident memory from their first read until the mapping
goes, although the kernel holds them for the file anyway (its page cache): the facts of 100,000 articles are
2.5 GB of such files, all of which the merge reads, and provenance's alone were most of the merge's peak. Once
the merge is done with a column, `let_go` tells the kernel this process no longer needs its pages
(MADV_DONTNEED): they leave the process's memory at once, and are read again from the file if the column is
ever read again. A table stays whole and correct whatever is let go; only what it costs to read it changes.
That holds because these files are never rewritten in place: the cache is replaced by renaming folders
(article_cache.SnapshotWriter) and batch files are removed, and a removed file's bytes stay readable while it is
mapped.
"""

from __future__ import annotations

import bisect
import mmap
import weakref
from pathlib import Path

import pyarrow as pa

# The mappings this process holds, by the address of their first byte: (size, the mapping). An entry goes with
# its mapping, which lives as long as some table's buffers are slices of it.
_MAPPINGS: dict[int, tuple[int, weakref.ref[mmap.mmap]]] = {}


def read_table(path: Path | str) -> pa.Table:
    """The Arrow IPC file at `path`, memory-mapped: its columns are slices of the mapping, read when used."""
    with open(path, "rb") as handle:
        mapping = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    buffer = pa.py_buffer(mapping)
    start = buffer.address
    _MAPPINGS[start] = (buffer.size, weakref.ref(mapping, lambda _: _MAPPINGS.pop(start, None)))
    return pa.ipc.open_file(pa.BufferReader(buffer)).read_all()


def let_go(*columns: pa.ChunkedArray | pa.Array) -> None:
    """Hand back the pages of these columns' buffers that lie in a file mapped by `read_table`; buffers of
    memory of the process's own (a column computed, or read otherwise) are left as they are."""
    starts = sorted(_MAPPINGS)
    for column in columns:
        for chunk in column.chunks if isinstance(column, pa.ChunkedArray) else [column]:
            for buffer in chunk.buffers():
                if buffer is not None and buffer.size:
                    _let_go_of(starts, buffer.address, buffer.size)


def _let_go_of(starts: list[int], address: int, size: int) -> None:
    at = bisect.bisect_right(starts, address) - 1
    if at < 0:
        return
    start = starts[at]
    length, mapping_ref = _MAPPINGS.get(start, (0, None))
    mapping = mapping_ref() if mapping_ref is not None else None
    if mapping is None or address + size > start + length:
        return
    first = (address - start) // mmap.PAGESIZE * mmap.PAGESIZE  # the page the buffer starts in
    mapping.madvise(mmap.MADV_DONTNEED, first, min(address + size - start, length) - first)


def let_go_of_everything() -> None:
    """Hand back the pages of every file mapped by `read_table` and still mapped, after a pass over the whole
    cache: a change's merge selects facts from every shard and copies the last build's merged tables with the change
    in place, and at 100,000 articles the pages read were 2.3 GB of the process by the end."""
    for length, mapping_ref in list(_MAPPINGS.values()):
        mapping = mapping_ref()
        if mapping is not None and length:
            mapping.madvise(mmap.MADV_DONTNEED, 0, length)
