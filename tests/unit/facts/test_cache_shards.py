"""The cache's facts are written to their mappings' shards (facts/article_cache.py), a shard's rows gathered
until there are enough to write."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from ofsted_dataset.facts import article_cache

SCHEMA = pa.schema([("_source", pa.string()), ("value", pa.int64())])
SOURCES = [f"{i:06d}_article" for i in range(200)]


def _rows() -> pa.RecordBatch:
    return pa.record_batch([pa.array([SOURCES[i % len(SOURCES)] for i in range(10_000)]),
                            pa.array(range(10_000))], schema=SCHEMA)


def test_each_row_is_written_to_its_mappings_shard_and_every_shard_gets_a_file(tmp_path: Path) -> None:
    used = {article_cache.shard_of(s) for s in SOURCES}
    empty = min(set(range(article_cache.SHARDS)) - used)  # a shard none of these mappings is in
    shards = sorted(used | {empty})
    with article_cache._ShardFiles(tmp_path, "facts", SCHEMA, shards) as files:
        files.add(_rows())
    written = {shard: pa.ipc.open_file(tmp_path / f"facts.{shard:02x}.arrow").read_all() for shard in shards}
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"facts.{shard:02x}.arrow" for shard in shards]
    assert all(article_cache.shard_of(s) == shard for shard, table in written.items()
               for s in table["_source"].to_pylist())
    assert sorted(v for table in written.values() for v in table["value"].to_pylist()) == list(range(10_000))
    assert written[empty].num_rows == 0 and written[empty].schema == SCHEMA


def test_rows_waiting_for_their_shard_hold_only_their_own_bytes(tmp_path: Path) -> None:
    """A shard's rows are taken on their own: slices of the rows added would each hold every row added until
    their shard is written (at 100,000 articles, tens of megabytes a batch file)."""
    rows = _rows()
    files = article_cache._ShardFiles(tmp_path, "facts", SCHEMA, sorted({article_cache.shard_of(s) for s in SOURCES}))
    files.add(rows)
    held = sum(part.get_total_buffer_size() for parts in files.pending.values() for part in parts)
    assert held < 2 * rows.get_total_buffer_size()
