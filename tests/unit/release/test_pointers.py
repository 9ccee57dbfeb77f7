"""The pointers at the newest release (LATEST, current, datapackage.json, CHANGELOG.md) on a copy of two
releases built from the seed corpus: what verify reports when they disagree, and what a repair says it
rewrote."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from ofsted_dataset.atomic_files import json_text
from ofsted_dataset.cli import main
from ofsted_dataset.release import publish as publishing
from ofsted_dataset.release.publish import pointer_problems, recover, sync_pointers
from tests.helpers import add_article, copy_project, copy_released, publish

NEWEST = "1.1.0"
FINISH = f"but the newest release is {NEWEST}; run the build to finish the interrupted publish"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Release 1.0.0 of the seed corpus, then 1.1.0 with one article added; read only."""
    root = copy_project(tmp_path_factory.mktemp("history") / "project", with_release=True)
    add_article(root)
    result = publish(root)
    assert (result.version, result.previous, result.repaired) == (NEWEST, "1.0.0", ())
    return root


@pytest.fixture
def project(history: Path, tmp_path: Path) -> Path:
    """A copy of releases 1.0.0 and 1.1.0 with their pointers, which agree."""
    return copy_released(history, tmp_path / "project")


def _pointers_at_the_older_release(root: Path) -> None:
    """The state a publish killed just after renaming 1.1.0 into place leaves: every pointer at 1.0.0."""
    published = root / "published"
    aside = root / NEWEST
    published.joinpath(NEWEST).rename(aside)
    sync_pointers(root)
    aside.rename(published / NEWEST)


def test_the_published_pointers_agree_and_nothing_is_rewritten(project: Path) -> None:
    assert pointer_problems(project) == []
    assert sync_pointers(project) == []
    assert recover(project) == []


def test_each_stale_pointer_is_one_problem_naming_what_it_points_at(project: Path) -> None:
    _pointers_at_the_older_release(project)
    assert pointer_problems(project) == [
        f"published/LATEST -> 1.0.0, {FINISH}",
        f"datapackage.json -> 1.0.0, {FINISH}",
        f"CHANGELOG.md -> 1.0.0, {FINISH}",
        f"published/current -> 1.0.0, {FINISH}",
    ]


def test_recover_says_what_it_removed_and_rewrote_then_all_agree(project: Path) -> None:
    _pointers_at_the_older_release(project)
    (project / "published" / ".tmp-1.1.1").mkdir()
    (project / ".datapackage.json.x1.tmp").write_text("{", encoding="utf-8")
    assert recover(project) == [
        "removed .datapackage.json.x1.tmp",
        "removed published/.tmp-1.1.1",
        "published/LATEST -> 1.1.0",
        "datapackage.json -> 1.1.0",
        "CHANGELOG.md -> 1.1.0",
        "published/current -> 1.1.0",
    ]
    assert pointer_problems(project) == []
    assert recover(project) == []


def test_missing_wrong_kind_and_edited_pointers_are_each_named(project: Path) -> None:
    published = project / "published"
    (project / "CHANGELOG.md").unlink()
    (published / "LATEST").write_text("\n", encoding="utf-8")
    (published / "current").unlink()
    (published / "current").mkdir()
    descriptor = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = "Edited by hand"
    (project / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert pointer_problems(project) == [
        f"published/LATEST -> no version, {FINISH}",
        "datapackage.json -> 1.1.0, but differs from what published/1.1.0 gives; run the build to rewrite it",
        f"CHANGELOG.md is missing, {FINISH}",
        f"published/current is not a symlink, {FINISH}",
    ]


def test_verify_checks_the_pointers_too(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(project), "verify"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "pointers: OK (published/LATEST, published/current, datapackage.json and CHANGELOG.md describe 1.1.0)")


def test_verify_fails_on_pointers_that_disagree(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _pointers_at_the_older_release(project)
    os.remove(project / "published" / "current")
    os.symlink(NEWEST, project / "published" / "current")
    assert main(["--root", str(project), "verify"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("1.1.0: OK (checksums, ")  # the release folder itself is fine
    assert captured.err.splitlines() == [
        "error: the pointers disagree with the newest release 1.1.0 (3 problem(s))",
        f"  - published/LATEST -> 1.0.0, {FINISH}",
        f"  - datapackage.json -> 1.0.0, {FINISH}",
        f"  - CHANGELOG.md -> 1.0.0, {FINISH}",
    ]


def test_verify_of_a_downloaded_folder_ignores_the_projects_pointers(project: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _pointers_at_the_older_release(project)
    download = shutil.copytree(project / "published" / NEWEST, tmp_path / "download" / NEWEST)
    assert main(["--root", str(project), "verify", str(download)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "1.1.0: OK (checksums, archive, datapackage.json (Frictionless), pandera schemas where the release's "
        "contract is this code's, CSV = Parquet, DuckDB = Parquet)"]


def test_each_release_file_is_read_once_for_the_pointers_and_again_once_changed(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A publish derives the pointers twice (and a build may check them before): each release's changes.json
    (a first release's lists every record) and datapackage.json are read once, and read again when changed.
    The changelog's sections are kept in staged/ (no cache in the process): later processes read none."""
    read: list[str] = []
    read_text = Path.read_text

    def counted(path: Path, *args: str, **kwargs: str) -> str:
        if path.name in ("changes.json", "datapackage.json") and path.parent.parent.name == "published":
            read.append(f"{path.parent.name}/{path.name}")
        return read_text(path, *args, **kwargs)

    open_file = Path.open

    def opened(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path.name == "changes.json" and path.parent.parent.name == "published":
            read.append(f"{path.parent.name}/{path.name}")
        return open_file(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counted)
    monkeypatch.setattr(Path, "open", opened)
    changelog = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    assert pointer_problems(project) == []
    assert sync_pointers(project) == []
    assert pointer_problems(project) == []
    assert sorted(read) == ["1.0.0/changes.json", "1.1.0/changes.json", "1.1.0/datapackage.json"]
    release = project / "published" / NEWEST
    changes = json.loads((release / "changes.json").read_text(encoding="utf-8"))
    summary = changes["summary"]
    changes["summary"] = "Edited."
    (release / "changes.json").write_text(json.dumps(changes, indent=2), encoding="utf-8")
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = "Edited"
    (release / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    assert sync_pointers(project) == ["datapackage.json -> 1.1.0", "CHANGELOG.md -> 1.1.0"]
    assert (project / "CHANGELOG.md").read_text(encoding="utf-8") == changelog.replace(summary, "Edited.")
    assert json.loads((project / "datapackage.json").read_text(encoding="utf-8"))["title"] == "Edited"


def _changes(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "changes.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_changelog_section_is_read_from_the_top_level_lines_without_parsing_the_lists(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first release's changes.json lists every record it added: its section comes from the lines that start
    a top-level member, a block at a time (here across blocks), never from parsing the file."""
    document = {"from": None, "to": "1.0.0", "level": "minor",
                "tables": {"provenance": {"added": [f"sources\u0000a-{i}/level" for i in range(300_000)],
                                          "level": "patch"}},
                "released": "2026-12-01T10:00:00Z", "summary": 'Initial release: "quoted"\nand a line break.',
                "official_conflicts": ["judgements x grade: the news says good"]}
    path = _changes(tmp_path, json_text(document) + "\n")
    assert path.stat().st_size > 2 * (1 << 22)
    monkeypatch.setattr(publishing.json, "load", lambda *args, **kwargs: pytest.fail("the file was parsed"))
    assert publishing._changelog_section("1.0.0", path) == [
        "## 1.0.0 (2026-12-01, initial release)", "", 'Initial release: "quoted"\nand a line break.', ""]


def test_a_changes_json_laid_out_otherwise_is_parsed_for_its_section(tmp_path: Path) -> None:
    document = {"from": "1.0.0", "to": "1.1.0", "level": "patch", "tables": {"sources": {"level": "major"}},
                "released": "2026-12-01T10:00:00Z", "summary": "sources: 1 changed."}
    path = _changes(tmp_path, json.dumps(document))
    assert publishing._section_members(path) is None
    assert publishing._changelog_section("1.1.0", path) == [
        "## 1.1.0 (2026-12-01, patch release)", "", "sources: 1 changed.", ""]


def test_a_top_level_member_is_found_wherever_the_blocks_break(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = {"from": "1.0.0", "to": "1.1.0", "level": "minor", "tables": {"sources": {"added": ["a-1", "a-2"]}},
                "released": "2026-12-01T10:00:00Z", "summary": "sources: 2 added.", "official_conflicts": []}
    path = _changes(tmp_path, json_text(document) + "\n")
    for size in range(1, path.stat().st_size + 1):
        monkeypatch.setattr(publishing, "_BLOCK_BYTES", size)
        assert publishing._section_members(path) == {"from": "1.0.0", "level": "minor",
                                                     "released": "2026-12-01T10:00:00Z",
                                                     "summary": "sources: 2 added."}, size
