"""A merge puts the rows merged again in place of their old rows, in key order, as one chunk a column (chunks
shape a Parquet file's bytes): copied as runs of slices, or taken row by row when the runs are many."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ofsted_dataset.facts import recombine

OLD = pa.table({"recommendation_id": ["a", "b", "c", "d", "e", "f"], "text": ["A", "B", "C", "D", "E", "F"]})
GONE = pa.chunked_array([[False, True, False], [False, True, False]])  # b and e are merged again
NEW = pa.table({"recommendation_id": ["e", "bb", "b"], "text": ["E2", "BB", "B2"]})
EXPECTED = pa.table({"recommendation_id": ["a", "b", "bb", "c", "d", "e", "f"],
                     "text": ["A", "B2", "BB", "C", "D", "E2", "F"]})


@pytest.mark.parametrize("most_runs", [recombine._MOST_RUNS, 1])
def test_the_rows_merged_again_replace_their_old_rows_in_key_order(monkeypatch: pytest.MonkeyPatch,
                                                                   most_runs: int) -> None:
    monkeypatch.setattr(recombine, "_MOST_RUNS", most_runs)
    old = pa.concat_tables([OLD.slice(0, 3), OLD.slice(3)])  # two chunks, as tables read back are
    replaced = recombine._replaced("recommendations", old, GONE, NEW)
    assert replaced.equals(EXPECTED)
    assert [column.num_chunks for column in replaced.columns] == [1, 1]


def test_nothing_left_is_an_empty_table() -> None:
    replaced = recombine._replaced("recommendations", OLD, pa.chunked_array([[True] * 6]), NEW.slice(0, 0))
    assert replaced.num_rows == 0 and replaced.schema == OLD.schema
