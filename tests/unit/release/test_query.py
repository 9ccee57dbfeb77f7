"""Ad-hoc SQL over a committed release, old or current."""

from __future__ import annotations

import pytest

from ofsted_dataset.errors import PipelineError
from ofsted_dataset.release.query import connect, run_query
from tests.helpers import PROJECT

PUBLISHED = PROJECT / "published"


def test_an_older_release_is_queried_with_its_own_tables() -> None:
    # 1.0.0 predates official_checks: its views are its own tables, not today's.
    con = connect(PUBLISHED, "1.0.0")
    views = {row[0] for row in con.execute("select view_name from duckdb_views() where not internal").fetchall()}
    assert "official_checks" not in views
    assert run_query("select count(*) as n from inspections", PUBLISHED, "1.0.0") == "n\n--\n10\n(1 row)"


def test_an_unknown_release_names_the_known_ones() -> None:
    with pytest.raises(PipelineError) as caught:
        connect(PUBLISHED, "9.9.9")
    assert caught.value.summary == f"release 9.9.9 not found in {PUBLISHED}"
    assert caught.value.details[0].startswith("releases: 1.0.0, 1.1.0")
