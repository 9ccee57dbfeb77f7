"""Provenance is held dictionary-encoded from the merge to the files of a release (schemas.arrow.HELD_SCHEMAS):
every file, comparison and check sees the values a plain table holds, decoded a slice at a time."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from ofsted_dataset.facts import arrow_tables, combine, recombine
from ofsted_dataset.facts.arrow_tables import key_order, plain, read_held, same_rows
from ofsted_dataset.facts.changed_rows import rows_to_check
from ofsted_dataset.release import files
from ofsted_dataset.release.files import parquet_file
from schemas.arrow import ARROW_SCHEMAS, HELD_SCHEMAS

STRINGS = ["table_name", "record_id", "field", "source_id", "quote", "note"]


def _encoded(values: list[str | None]) -> pa.DictionaryArray:
    return pa.array(values, pa.string()).dictionary_encode()


def test_provenance_alone_is_held_with_its_string_columns_encoded() -> None:
    assert [f.name for f in HELD_SCHEMAS["provenance"] if pa.types.is_dictionary(f.type)] == STRINGS
    assert [f.type for f in HELD_SCHEMAS["provenance"] if f.name in ("char_start", "char_end")] == [pa.int64()] * 2
    assert {name for name, schema in HELD_SCHEMAS.items() if schema != ARROW_SCHEMAS[name]} == {"provenance"}


def test_the_merged_provenance_holds_the_values_of_its_release_file(seed_build, seed_release: Path) -> None:
    provenance = seed_build[1].tables["provenance"]
    assert provenance.schema.equals(HELD_SCHEMAS["provenance"])
    published = pq.read_table(parquet_file(seed_release / "published" / "1.0.0", "provenance"))
    assert plain(provenance).equals(published.cast(ARROW_SCHEMAS["provenance"]))


def test_a_release_file_is_read_as_the_build_holds_it(seed_release: Path) -> None:
    path = parquet_file(seed_release / "published" / "1.0.0", "provenance")
    held = read_held(path, "provenance")
    assert [name for name in held.column_names if pa.types.is_dictionary(held.schema.field(name).type)] == STRINGS
    assert plain(held).equals(pq.read_table(path))
    assert not any(pa.types.is_dictionary(f.type) for f in read_held(parquet_file(path.parent.parent, "sources"),
                                                                      "sources").schema)


def test_encoded_keys_are_ordered_by_their_values_across_chunks_of_different_dictionaries() -> None:
    table = pa.Table.from_batches([
        pa.record_batch({"k": _encoded(["b", "a", "c"]), "n": [2, 1, 1]}),
        pa.record_batch({"k": _encoded(["a", "b", "a"]), "n": [1, 1, 0]})])
    expected = pc.sort_indices(plain(table), [("k", "ascending"), ("n", "ascending")])
    assert key_order(table, ["k", "n"]).to_pylist() == expected.to_pylist() == [5, 1, 3, 4, 0, 2]
    assert key_order(table.slice(0, 0), ["k", "n"]).to_pylist() == []


def test_keys_whose_chunks_share_one_dictionary_are_ordered_without_unifying_it_again() -> None:
    shared = pa.chunked_array([_encoded(["b", "a"]), _encoded(["c", "a"])]).unify_dictionaries()
    assert arrow_tables._unified(shared) is shared
    assert key_order(pa.table({"k": shared, "n": [0, 1, 2, 3]}), ["k", "n"]).to_pylist() == [1, 3, 0, 2]
    apart = pa.chunked_array([_encoded(["b", "a"]), _encoded(["c", "a"])])
    assert [chunk.dictionary.to_pylist() for chunk in arrow_tables._unified(apart).chunks] == [["b", "a", "c"]] * 2


def test_a_column_is_held_encoded_a_chunk_at_a_time_under_one_dictionary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each chunk's pages of the facts' file are let go once it is encoded: never the whole plain column at once."""
    column = pa.chunked_array([["b", "a", None], ["c", "b"]])
    let_go: list[int] = []
    monkeypatch.setattr(combine.mapped_files, "let_go", lambda *columns: let_go.extend(len(c) for c in columns))
    held = combine._held(column, HELD_SCHEMAS["provenance"].field("quote").type)
    assert held.type == pa.dictionary(pa.int32(), pa.string())
    assert [chunk.dictionary.to_pylist() for chunk in held.chunks] == [["b", "a", "c"]] * 2
    assert held.cast(pa.string()).to_pylist() == ["b", "a", None, "c", "b"]
    assert let_go == [3, 2]
    assert combine._held(pa.chunked_array([[1, 2]]), pa.int64()).to_pylist() == [1, 2]


def test_an_encoded_column_is_matched_through_its_dictionary_as_its_values_would_be() -> None:
    """Without decoding it: Arrow's kernels decode a dictionary-encoded column whole first."""
    values = [["a", None, "b"], ["c", "a"]]
    encoded = pa.chunked_array([_encoded(chunk) for chunk in values])
    plain_column = pa.chunked_array(values, pa.string())
    expected = [True, False, False, True, True]
    assert arrow_tables.is_in(encoded, pa.array(["a", "c"])).to_pylist() == expected
    assert arrow_tables.is_in(plain_column, pa.array(["a", "c"])).to_pylist() == expected
    assert pc.is_in(plain_column, value_set=pa.array(["a", "c"])).to_pylist() == expected
    assert arrow_tables.is_in(encoded.slice(0, 0), pa.array(["a"])).type == pa.bool_()


def test_encoded_rows_merged_again_replace_their_old_rows_in_key_order() -> None:
    old = pa.Table.from_batches([pa.record_batch({"recommendation_id": _encoded(["a", "b", "c"]),
                                                  "text": _encoded(["A", "B", "C"])}),
                                 pa.record_batch({"recommendation_id": _encoded(["d", "e"]),
                                                  "text": _encoded(["D", "E"])})])
    new = pa.table({"recommendation_id": _encoded(["b", "bb"]), "text": _encoded(["B2", "BB"])})
    replaced = recombine._replaced("recommendations", old, pa.chunked_array([[False, True, False], [False, False]]),
                                   new)
    assert plain(replaced).to_pydict() == {"recommendation_id": ["a", "b", "bb", "c", "d", "e"],
                                           "text": ["A", "B2", "BB", "C", "D", "E"]}
    assert [column.num_chunks for column in replaced.columns] == [1, 1]


def test_a_held_table_is_written_as_the_bytes_of_its_plain_values(seed_build, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Parquet and CSV, a row group at a time (here of 50 rows, over chunks), decoded as they are written."""
    held = pa.concat_tables([seed_build[1].tables["provenance"]] * 3)
    monkeypatch.setattr(files, "ROW_GROUP_ROWS", 50)
    for write in (files._write_parquet, files._write_csv):
        write(held, tmp_path / "held")
        write(plain(held), tmp_path / "plain")
        assert (tmp_path / "held").read_bytes() == (tmp_path / "plain").read_bytes()


def test_a_held_table_written_whole_is_the_bytes_of_write_csv(seed_build, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    held = seed_build[1].tables["provenance"]
    monkeypatch.setattr(files, "ROW_GROUP_ROWS", 7)  # slices of 7 rows
    files._write_csv(held, tmp_path / "slices.csv")
    pacsv.write_csv(files.spreadsheet_safe(plain(held)), tmp_path / "whole.csv",
                    write_options=pacsv.WriteOptions(include_header=True, quoting_style="needed"))
    assert (tmp_path / "slices.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()


def test_batches_of_a_file_are_compared_with_the_decoded_rows(seed_build) -> None:
    held = seed_build[1].tables["provenance"]
    batches = plain(held).to_batches(max_chunksize=50)
    assert same_rows(batches, held)
    quotes = plain(held)["quote"].to_pylist()
    quotes[120] += "!"
    changed = plain(held).set_column(held.schema.get_field_index("quote"), "quote", pa.array(quotes))
    assert not same_rows(changed.to_batches(max_chunksize=50), held)


def test_a_held_table_against_its_release_file_has_no_row_to_check(seed_build, seed_release: Path) -> None:
    tables = seed_build[1].tables
    release = seed_release / "published" / "1.0.0"

    def previous(name: str) -> pa.Table:
        return read_held(parquet_file(release, name), name)

    assert {name: len(rows) for name, rows in rows_to_check(tables, previous).items() if len(rows)} == {}
    notes = tables["provenance"]["note"].to_pylist()
    notes[3] = "another note"
    edited = {**tables, "provenance": tables["provenance"].set_column(
        tables["provenance"].schema.get_field_index("note"), HELD_SCHEMAS["provenance"].field("note"),
        _encoded(notes))}
    assert {name: rows.tolist() for name, rows in rows_to_check(edited, previous).items() if len(rows)} == {
        "provenance": [3]}
