"""The DuckDB helpers the release modules share."""

from __future__ import annotations

import pytest

from ofsted_dataset.release.duckdb_access import arrow_result, connect_bounded, count


def test_count_leaves_the_connection_free_for_a_relation() -> None:
    """DuckDB refuses a relation while a result of `execute` is unfinished: count reads its result to the end."""
    con = connect_bounded()
    try:
        con.execute("create table t as select range as x from range(5)")
        assert count(con, "select count(*) from t") == 5
        assert arrow_result(con, "select x from t order by x")["x"].to_pylist() == [0, 1, 2, 3, 4]
    finally:
        con.close()


def test_count_of_a_statement_with_no_row_is_a_programming_error() -> None:
    con = connect_bounded()
    try:
        with pytest.raises(ValueError, match="expected one row from: select 1 where false"):
            count(con, "select 1 where false")
    finally:
        con.close()
