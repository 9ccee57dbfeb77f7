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


def _held(values: list[str | None], dictionary: pa.Array) -> pa.DictionaryArray:
    """`values` encoded on `dictionary`, as a held column's chunk is."""
    indices = pa.array([None if v is None else dictionary.to_pylist().index(v) for v in values], pa.int32())
    return pa.DictionaryArray.from_arrays(indices, dictionary)


def test_rows_held_encoded_end_on_the_old_dictionary_with_the_new_values_added() -> None:
    """The old rows' dictionary stands, their indices as they were; the new rows' values it lacks are added at
    its end (a null stays a null): nothing is unified, which hashes every value of every chunk."""
    dictionary = pa.array(["A", "B", "C", "D", "E", "F"])
    kind = pa.dictionary(pa.int32(), pa.string())
    old = pa.table({"recommendation_id": pa.chunked_array([["a", "b", "c"], ["d", "e", "f"]]),
                    "text": pa.chunked_array([_held(["A", "B", "C"], dictionary), _held(["D", "E", "F"], dictionary)],
                                             kind)})
    new = pa.table({"recommendation_id": ["e", "bb", "b"],
                    "text": pa.chunked_array([_held(["F", None, "B2"], pa.array(["B2", "F"]))], kind)})
    replaced = recombine._replaced("recommendations", old, GONE, new)
    assert replaced.column("text").num_chunks == 1
    text = replaced.column("text").chunk(0)
    assert text.dictionary.to_pylist() == ["A", "B", "C", "D", "E", "F", "B2"]
    assert text.to_pylist() == ["A", "B2", None, "C", "D", "F", "F"]
    assert replaced.column("recommendation_id").to_pylist() == ["a", "b", "bb", "c", "d", "e", "f"]


def test_new_rows_whose_encoded_values_are_all_null_keep_the_old_dictionary() -> None:
    """A column with nothing but nulls in the rows merged again (a note no new row has) adds no value."""
    dictionary = pa.array(["A", "B", "C", "D", "E", "F"])
    kind = pa.dictionary(pa.int32(), pa.string())
    old = pa.table({"recommendation_id": ["a", "b", "c", "d", "e", "f"],
                    "text": pa.chunked_array([_held(["A", "B", "C", "D", "E", "F"], dictionary)], kind)})
    new = pa.table({"recommendation_id": ["e", "bb", "b"],
                    "text": pa.chunked_array([_held([None, None, None], pa.array([], pa.string()))], kind)})
    text = recombine._replaced("recommendations", old, GONE, new).column("text").chunk(0)
    assert text.dictionary.to_pylist() == ["A", "B", "C", "D", "E", "F"]
    assert text.to_pylist() == ["A", None, None, "C", "D", None, "F"]


def test_a_provenance_row_is_touched_by_its_table_and_record_id_together() -> None:
    """An id matched in one pass over the column, then by table: the same id under another table is not touched
    (here 'x' is a touched recommendation, not a touched source), and dictionary-encoded columns match alike."""
    tables = pa.array(["recommendations", "sources", "recommendations", "judgements", "sources"])
    ids = pa.array(["x", "x", "y", "x/overall", "s"])
    touched = {"recommendations": pa.array(["x"]), "judgements": pa.array(["x/overall"]),
               "sources": pa.array(["s"]), "inspections": pa.array([], pa.string())}
    for encode in (False, True):
        columns = [pa.chunked_array([c.dictionary_encode() if encode else c]) for c in (tables, ids)]
        assert recombine._named(*columns, touched).to_pylist() == [True, False, False, True, True]
