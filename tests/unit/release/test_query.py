"""Ad-hoc SQL over a release, old or current: two releases of the seed corpus, the second with a table
the first lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_dataset.errors import PipelineError
from ofsted_dataset.release.query import connect, run_query
from schemas.arrow import ARROW_SCHEMAS, arrow_schema
from schemas.model import Field, Origin, Table
from schemas.tables import TABLES
from tests.helpers import copy_project, publish

ADDED = Table("release_notes", "Notes", "A table added after 1.0.0.",
              (Field("note_id", "string", "A key.", Origin.DERIVED, required=True),), ("note_id",))


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """published/ holding 1.0.0 of the seed corpus, and 1.1.0 made by code whose contract had one table more."""
    root = copy_project(tmp_path_factory.mktemp("query") / "project", with_release=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(TABLES, ADDED.name, ADDED)
        patch.setitem(ARROW_SCHEMAS, ADDED.name, arrow_schema(ADDED))
        assert publish(root).version == "1.1.0"
    return root / "published"


def _views(published: Path, version: str) -> set[str]:
    con = connect(published, version)
    return {row[0] for row in con.execute("select view_name from duckdb_views() where not internal").fetchall()}


def test_an_older_release_is_queried_with_its_own_tables(published: Path) -> None:
    # 1.0.0 predates release_notes, 1.1.0 has it though today's code does not: each release's views are
    # its own tables, not today's.
    assert "release_notes" not in _views(published, "1.0.0")
    assert "release_notes" in _views(published, "1.1.0")
    assert "release_notes" not in TABLES
    assert _views(published, "1.0.0") == set(TABLES)
    assert run_query("select count(*) as n from inspections", published, "1.0.0") == "n\n--\n10\n(1 row)"
    assert run_query("select count(*) as n from release_notes", published) == "n\n-\n0\n(1 row)"


def test_an_unknown_release_names_the_known_ones(published: Path) -> None:
    with pytest.raises(PipelineError) as caught:
        connect(published, "9.9.9")
    assert caught.value.summary == f"release 9.9.9 not found in {published}"
    assert caught.value.details == ["releases: 1.0.0, 1.1.0"]
