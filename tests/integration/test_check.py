"""`ofsted-dataset check`: everything a build checks, and the changelog the next release would carry,
with nothing published and nothing remembered (the next build still publishes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_dataset import cli, pipeline, stages
from ofsted_dataset.errors import PipelineError
from tests.helpers import add_article, copy_project, edit, publish, tree_digest


@pytest.fixture
def released(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "project")
    assert publish(root).version == "1.0.0"
    return root


def test_check_prints_the_next_changelog_and_changes_nothing(released: Path, capsys: pytest.CaptureFixture[str]):
    add_article(released)
    before = tree_digest(released / "published")
    last_build = (released / stages.LAST_BUILD).read_bytes()
    assert cli.main(["--root", str(released), "check"]) == 0
    out = capsys.readouterr().out
    assert "Sources read: 6 raw article(s), 6 with a mapping" in out
    assert "A build would publish release 1.1.0 (minor, previous 1.0.0):" in out
    assert "# Changes in 1.1.0 (from 1.0.0)" in out
    assert "Added (1): `leeds-2022-full-inspection`" in out
    assert tree_digest(released / "published") == before
    assert (released / stages.LAST_BUILD).read_bytes() == last_build
    assert not (released / "staged" / "check").exists()
    assert publish(released).version == "1.1.0"  # check was not a build: this one publishes


def test_check_with_nothing_new_says_so(released: Path, capsys: pytest.CaptureFixture[str]):
    assert cli.main(["--root", str(released), "check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "No changes: release 1.0.0 is current; a build would publish nothing.")


def test_check_refuses_a_draft_like_a_build(released: Path, capsys: pytest.CaptureFixture[str]):
    edit(released / "mappings/004_99f45e7fed0112e3.yaml", "    local_authority: Middlesbrough\n",
         "    local_authority: Middlesbrough\n    review: draft\n")
    before = tree_digest(released / "published")
    assert cli.main(["--root", str(released), "check"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: 1 curation problem(s) in 1 file(s); nothing was published.",
        "  - mappings/004_99f45e7fed0112e3.yaml:46: inspections[2]: middlesbrough-2017-full-inspection is still "
        "a draft (review: draft): check each value and quote against the article, then write `review: reviewed` "
        "(or delete the line)"]
    assert tree_digest(released / "published") == before


def test_a_redrafted_mapping_stops_the_build_naming_every_unreviewed_record(released: Path):
    """The issue's case: a seed mapping deleted and drafted again is not published until reviewed."""
    (released / "mappings/002_3dafbde2ba55b338.yaml").unlink()
    assert cli.main(["--root", str(released), "draft", str(released / "raw/002_3dafbde2ba55b338.txt")]) == 0
    drafted = (released / "mappings/002_3dafbde2ba55b338.yaml").read_text(encoding="utf-8")
    marks = sum(line.strip() == "review: draft" for line in drafted.splitlines())
    before = tree_digest(released / "published")
    with pytest.raises(PipelineError) as refused:
        pipeline.run(released)
    drafts = [d for d in refused.value.details if "is still a draft (review: draft)" in d]
    assert len(drafts) == marks > 1
    assert drafts[0].startswith("mappings/002_3dafbde2ba55b338.yaml:")
    assert any(": sources[0]: the source block is still a draft" in d for d in drafts)
    assert tree_digest(released / "published") == before
