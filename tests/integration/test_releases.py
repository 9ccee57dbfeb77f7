"""Releases people can trust: computed versions, changelogs, immutability, verification,
reproducible bytes and an atomic publish — each proven on real releases built by the real stages."""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from ofsted_dataset import pipeline
from ofsted_dataset.cli import main
from ofsted_dataset.errors import PipelineError
from ofsted_dataset.rebuild import reproduce
from ofsted_dataset.release import publish as release_publish
from ofsted_dataset.release.publish import FAILPOINT_ENV, PublishResult, pointer_problems
from ofsted_dataset.release.verify import verify_release
from schemas.arrow import ARROW_SCHEMAS, arrow_schema
from schemas.model import Field, Origin, Table
from schemas.tables import TABLES
from tests.helpers import PROJECT, add_article, copy_project, edit, publish, tree_digest

M002 = Path("mappings/002_3dafbde2ba55b338.yaml")

@pytest.fixture
def released(tmp_path: Path) -> Path:
    """A project holding release 1.0.0 built from the seed corpus: a copy of the session's seed_release,
    whose first publish made 1.0.0 and repaired nothing (a first release's pointers are no repair)."""
    return copy_project(tmp_path / "project", with_release=True)


def _build(root: Path) -> PublishResult:
    """A build as `make run` does it (plain stages), the record of the last build kept."""
    summary = pipeline.run(root).summary
    assert summary is not None and summary.release is not None
    return summary.release


def changes(root: Path, version: str) -> dict:
    return json.loads((root / "published" / version / "changes.json").read_text(encoding="utf-8"))


def test_first_release_is_1_0_0_with_every_file(released):
    release = released / "published" / "1.0.0"
    assert sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()) == sorted([
        "CHANGES.md", "CITATION.cff", "LICENCE-CC-BY-4.0.txt", "LICENCE-OGL-3.0.txt", "README.md", "SHA256SUMS",
        "changes.json", "coverage.json", "data-dictionary.md", "datapackage.json", "docs/data-dictionary.md",
        "docs/official-checks.md", "index.html", "ofsted-dataset-1.0.0.zip", "ofsted-dataset-1.0.0.zip.sha256",
        "ofsted.duckdb", "reference/judgement_areas.csv", "reference/local_authorities.csv",
        "reference/local_authorities.md", "reference/official/outcomes.csv", "reference/official/snapshot.json",
        *(f"data/{t}.{ext}" for t in TABLES for ext in ("csv", "parquet")),
    ])
    assert changes(released, "1.0.0")["from"] is None
    assert (released / "published" / "LATEST").read_text(encoding="utf-8") == "1.0.0\n"
    assert verify_release(release) == []


def test_nothing_new_publishes_nothing(released):
    before = tree_digest(released / "published")
    result = publish(released)
    assert (result.version, result.previous, result.repaired) == (None, "1.0.0", ())
    assert tree_digest(released / "published") == before


def test_value_correction_is_a_patch_naming_record_field_old_and_new(released):
    original = tree_digest(released / "published" / "1.0.0")
    edit(released / M002, "theme: front_door", "theme: leadership_and_management")
    result = publish(released)
    assert (result.version, result.level) == ("1.0.1", "patch")
    assert changes(released, "1.0.1")["tables"] == {"recommendations": {
        "added": [], "removed": [], "rows_before": 8, "rows_after": 8,
        "changed": [{"record_id": "south-gloucestershire-2021-focused-visit-2", "field": "theme",
                     "old": "front_door", "new": "leadership_and_management"}],
    }}
    markdown = (released / "published" / "1.0.1" / "CHANGES.md").read_text(encoding="utf-8")
    assert "| `south-gloucestershire-2021-focused-visit-2` | theme | front_door | leadership_and_management |" \
        in markdown
    changelog = (released / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 1.0.1") < changelog.index("## 1.0.0")
    assert "recommendations: 1 changed." in changelog
    assert tree_digest(released / "published" / "1.0.0") == original  # never rewritten
    assert os.readlink(released / "published" / "current") == "1.0.1"
    assert json.loads((released / "datapackage.json").read_text(encoding="utf-8"))["version"] == "1.0.1"


def test_an_edited_shipped_document_alone_is_a_patch_release_carrying_it(released):
    """A release ships the register's documentation as it is: editing it is a change to publish (and a
    no-op build must not answer "nothing changed"), though no table changes."""
    assert _build(released).version is None  # nothing new; the build is remembered
    register_notes = released / "reference" / "local_authorities.md"
    register_notes.write_text(register_notes.read_text(encoding="utf-8") + "\nA note added.\n", encoding="utf-8")
    result = _build(released)  # the no-change check runs first, as in a scheduled run
    assert (result.version, result.level) == ("1.0.1", "patch")
    assert changes(released, "1.0.1")["metadata_changes"] == ["file reference/local_authorities.md"]
    assert (released / "published" / "1.0.1" / "reference" / "local_authorities.md").read_bytes() == \
        register_notes.read_bytes()


def test_a_publish_writes_the_data_files_once_and_leaves_no_scratch_database(released, monkeypatch):
    """The scratch release the diff reads is the release: its data files are written once, and only the
    files naming the version again; the database file built beside it is moved in."""
    written = []
    write_data_files = release_publish.write_data_files

    def counted(tables, directory, previous):
        written.append(directory)
        return write_data_files(tables, directory, previous)

    monkeypatch.setattr(release_publish, "write_data_files", counted)
    edit(released / M002, "theme: front_door", "theme: leadership_and_management")
    assert publish(released).version == "1.0.1"
    assert written == [released / "staged" / "build"]
    assert not (released / "staged" / "build-database").exists()
    release = released / "published" / "1.0.1"
    assert json.loads((release / "datapackage.json").read_text(encoding="utf-8"))["version"] == "1.0.1"
    assert "Version 1.0.1, released" in (release / "README.md").read_text(encoding="utf-8")
    assert verify_release(release) == []


def _started_first(monkeypatch, started: str, waiting: tuple[object, str], message: str) -> None:
    """`release_publish.<started>` signals when it is called, and `waiting` (an owner and the name of a function
    of it) waits for that signal before it runs, failing with `message` if it never comes."""
    signal = threading.Event()
    first, owner, second = getattr(release_publish, started), waiting[0], getattr(*waiting)

    def signalled(*args, **kwargs):
        signal.set()
        return first(*args, **kwargs)

    def waited(*args):
        assert signal.wait(timeout=60), message
        return second(*args)

    monkeypatch.setattr(release_publish, started, signalled)
    monkeypatch.setattr(owner, waiting[1], waited)


def test_the_database_file_is_built_while_the_release_is_compared(released, monkeypatch):
    """A later release's database file (the previous one's, with the rows that change) needs the data files: it
    is started once they are written, before the comparison with the current release (which here waits for it
    to start), and the release it lands in verifies."""
    _started_first(monkeypatch, "write_duckdb", (release_publish.release_diff, "compare"),
                   "the comparison ran before the database file was started")
    edit(released / M002, "theme: front_door", "theme: leadership_and_management")
    assert publish(released).version == "1.0.1"
    assert not (released / "staged" / "build-database").exists()
    assert verify_release(released / "published" / "1.0.1") == []


def test_a_first_release_database_file_is_built_from_the_tables_while_their_files_are_written(tmp_path, monkeypatch):
    """A first release's database file is loaded from the tables themselves: it is started before the data
    files are written (which here waits for it to start), and the release verifies, its file included."""
    project = copy_project(tmp_path / "project")
    _started_first(monkeypatch, "write_duckdb_from_tables", (release_publish, "write_data_files"),
                   "the data files were written before the database file was started")
    assert publish(project).version == "1.0.0"
    assert not (project / "staged" / "build-database").exists()
    assert verify_release(project / "published" / "1.0.0") == []


def test_a_large_first_release_writes_its_changelog_once_its_database_file_is_loaded(tmp_path, monkeypatch):
    """Past CHANGELOG_BESIDE_DATABASE_ROWS provenance rows (here 0) the changelog waits for the database file:
    the two together were the largest first release's highest memory."""
    project = copy_project(tmp_path / "project")
    events: list[str] = []
    load, changelog = release_publish.write_duckdb_from_tables, release_publish._write_changelog

    def loaded(*args, **kwargs):
        time.sleep(0.5)  # a load that would still be running when the changelog starts
        load(*args, **kwargs)
        events.append("database loaded")

    def written(*args, **kwargs):
        events.append("changelog")
        return changelog(*args, **kwargs)

    monkeypatch.setattr(release_publish, "CHANGELOG_BESIDE_DATABASE_ROWS", 0)
    monkeypatch.setattr(release_publish, "write_duckdb_from_tables", loaded)
    monkeypatch.setattr(release_publish, "_write_changelog", written)
    assert publish(project).version == "1.0.0"
    assert events == ["database loaded", "changelog"]
    assert verify_release(project / "published" / "1.0.0") == []


def test_a_first_release_is_published_into_a_project_with_no_staged_folder(tmp_path, seed_build):
    """Tables published straight into a project that has never been built (as bench/release_write.py does):
    the folder the database file is built in is made with its parents."""
    ingested, applied = seed_build
    project = tmp_path / "project"
    shutil.copytree(PROJECT / "reference", project / "reference")
    result = release_publish.publish(applied.tables, project,
                                     {source: article.text for source, article in ingested.articles.items()})
    assert result.version == "1.0.0"
    assert not (project / "staged" / "build-database").exists()
    assert verify_release(project / "published" / "1.0.0") == []


def test_new_article_is_a_minor_release_listing_added_records(released):
    add_article(released)
    result = publish(released)
    assert (result.version, result.level) == ("1.1.0", "minor")
    tables = changes(released, "1.1.0")["tables"]
    assert tables["inspections"]["added"] == ["leeds-2022-full-inspection"]
    assert tables["judgements"]["added"] == ["leeds-2022-full-inspection/overall_effectiveness"]
    assert tables["sources"]["added"] == ["005_leeds"]


def test_withdrawn_record_is_minor_and_listed_with_its_replacement(released):
    text = (released / M002).read_text(encoding="utf-8")
    start = text.index("  - recommendation_id: sheffield-2021-focused-visit-3")
    end = text.index("funding_commitments:")
    (released / M002).write_text(text[:start] + text[end:], encoding="utf-8")
    (released / "reference").mkdir(exist_ok=True)
    (released / "reference" / "retired_ids.csv").write_text(
        "table_name,record_id,replaced_by,reason\n"
        "recommendations,sheffield-2021-focused-visit-3,sheffield-2021-focused-visit-1,merged as a test\n",
        encoding="utf-8")
    result = publish(released)
    assert (result.version, result.level) == ("1.1.0", "minor")
    assert changes(released, "1.1.0")["tables"]["recommendations"]["removed"] == [
        {"record_id": "sheffield-2021-focused-visit-3", "replaced_by": "sheffield-2021-focused-visit-1",
         "reason": "merged as a test"}]
    assert "- `sheffield-2021-focused-visit-3` -> replaced by `sheffield-2021-focused-visit-1`: merged as a test" \
        in (released / "published" / "1.1.0" / "CHANGES.md").read_text(encoding="utf-8")


def _patch_table(monkeypatch: pytest.MonkeyPatch, table: Table) -> None:
    monkeypatch.setitem(TABLES, table.name, table)
    monkeypatch.setitem(ARROW_SCHEMAS, table.name, arrow_schema(table))


def test_added_column_is_a_major_release(released, monkeypatch):
    old = TABLES["funding_commitments"]
    extra = Field("currency", "string", "Always GBP.", Origin.DERIVED)
    _patch_table(monkeypatch, Table(old.name, old.title, old.description, (*old.fields, extra), old.primary_key,
                                    old.foreign_keys))
    result = publish(released)
    assert (result.version, result.level) == ("2.0.0", "major")
    assert changes(released, "2.0.0")["schema_changes"] == [
        {"resource": "funding_commitments", "field": "currency", "change": "field added", "level": "major"}]


def test_removed_column_is_a_major_release(released, monkeypatch):
    old = TABLES["funding_commitments"]
    fields = tuple(f for f in old.fields if f.name != "period_years")
    edit(released / M002, "    period_years: 4\n", "")
    edit(released / M002, '      period_years: "a four-year, £10m investment"\n', "")
    _patch_table(monkeypatch, Table(old.name, old.title, old.description, fields, old.primary_key,
                                    old.foreign_keys))
    result = publish(released)
    assert (result.version, result.level) == ("2.0.0", "major")
    assert changes(released, "2.0.0")["schema_changes"] == [
        {"resource": "funding_commitments", "field": "period_years", "change": "field removed", "level": "major"}]


def test_new_table_is_a_minor_release(released, monkeypatch):
    key = Field("note_id", "string", "A key.", Origin.DERIVED, required=True)
    _patch_table(monkeypatch, Table("release_notes", "Notes", "A new, empty table.", (key,), ("note_id",)))
    result = publish(released)
    assert (result.version, result.level) == ("1.1.0", "minor")
    assert changes(released, "1.1.0")["schema_changes"] == [
        {"resource": "release_notes", "field": None, "change": "resource added", "level": "minor"}]


def test_diff_command_prints_the_comparison(released, capsys):
    edit(released / M002, "theme: front_door", "theme: leadership_and_management")
    publish(released)
    capsys.readouterr()
    assert main(["--root", str(released), "diff", "1.0.0", "1.0.1"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("# Changes in 1.0.1 (from 1.0.0)\n\nPATCH: corrected values of existing records")
    assert "| `south-gloucestershire-2021-focused-visit-2` | theme | front_door | leadership_and_management |" \
        in printed


def test_verify_names_the_file_that_fails(released, capsys):
    release = released / "published" / "1.0.0"
    assert main(["--root", str(released), "verify"]) == 0
    assert capsys.readouterr().out.startswith("1.0.0: OK (checksums, archive, datapackage.json (Frictionless)")
    csv = release / "data" / "inspections.csv"
    csv.chmod(0o644)
    csv.write_text(csv.read_text(encoding="utf-8").replace("inadequate", "good", 1), encoding="utf-8")
    assert main(["--root", str(released), "verify", "1.0.0"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "error: release 1.0.0 failed verification (6 problem(s))"
    assert "  - data/inspections.csv: checksum does not match SHA256SUMS" in err
    assert "  - ofsted-dataset-1.0.0.zip: member data/inspections.csv does not match SHA256SUMS" not in err
    assert "  - data/inspections.csv: rows differ from data/inspections.parquet" in err


def test_rebuild_from_a_clean_copy_is_byte_identical(released):
    assert reproduce(released) == []


def test_duckdb_file_has_keys_and_views(released):
    con = duckdb.connect(str(released / "published" / "1.0.0" / "ofsted.duckdb"), read_only=True)
    latest = "select local_authority, overall_grade, official_status, official_overall_grade from latest_overall_grade"
    assert con.execute(f"{latest} order by 1").fetchall() == [
        ("Birmingham", "inadequate", "not_in_official_record", None),
        ("Gloucestershire", "inadequate", "confirmed", "inadequate"),
        # the news says inadequate; the view shows the official record contradicts it
        ("Middlesbrough", "inadequate", "conflict", "requires_improvement"),
        ("South Gloucestershire", "requires_improvement", "confirmed", "requires_improvement")]
    keys = con.execute("select constraint_type from duckdb_constraints() where table_name = 'judgements' "
                       "order by 1").fetchall()
    assert ("PRIMARY KEY",) in keys and ("FOREIGN KEY",) in keys


def test_a_second_run_refuses_while_one_is_publishing(released):
    with (released / "published" / ".lock").open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(PipelineError) as caught:
            publish(released)
    assert caught.value.summary == ("another build is publishing in this project (published/.lock is held); "
                                    "nothing was done: run again when it has finished")


BUILD_SCRIPT = """
import sys
from pathlib import Path
from tests.helpers import publish
publish(Path(sys.argv[1]))
"""

OLD, NEW = "1.0.0", "1.0.1"


@dataclass(frozen=True)
class AfterKill:
    """What a publish killed at one failpoint must leave (publish.py gives the order of the steps)."""

    folders: list[str]  # release folders under published/
    leftovers: list[str]  # hidden entries of published/ other than .lock, for the next run to clean up
    latest: str  # published/LATEST
    current: str  # the published/current symlink's target
    datapackage: str  # the version the top-level datapackage.json describes
    changelog: str  # the newest release CHANGELOG.md lists


KILL_POINTS = {
    # written to staged/build only: published/ and the pointers untouched
    "staged": AfterKill([OLD], [], OLD, OLD, OLD, OLD),
    # moved to published/.tmp-<new>, before and after verifying it: no release folder yet
    "moved": AfterKill([OLD], [f".tmp-{NEW}"], OLD, OLD, OLD, OLD),
    "verified": AfterKill([OLD], [f".tmp-{NEW}"], OLD, OLD, OLD, OLD),
    # renamed into place: the new folder is complete, no pointer moved yet
    "renamed": AfterKill([OLD, NEW], [], OLD, OLD, OLD, OLD),
    # the pointers are replaced one by one: LATEST, datapackage.json, CHANGELOG.md, then `current`
    "pointer:LATEST": AfterKill([OLD, NEW], [], NEW, OLD, OLD, OLD),
    "pointer:datapackage.json": AfterKill([OLD, NEW], [], NEW, OLD, NEW, OLD),
    "pointer:CHANGELOG.md": AfterKill([OLD, NEW], [], NEW, OLD, NEW, NEW),
    # every pointer moved, the run not yet over: nothing left to finish
    "pointer:current": AfterKill([OLD, NEW], [], NEW, NEW, NEW, NEW),
}


def _stale(pointer: str) -> str:
    return f"{pointer} -> {OLD}, but the newest release is {NEW}; run the build to finish the interrupted publish"


@dataclass(frozen=True)
class Reported:
    """What is said about a publish killed at one failpoint: by verify until the next run, then by that run."""

    problems: list[str]  # pointer_problems right after the kill: each pointer still at the old release
    repaired: tuple[str, ...]  # the next run's PublishResult.repaired: each leftover removed, pointer rewritten


REPORTED = {
    "staged": Reported([], ()),
    "moved": Reported([], (f"removed published/.tmp-{NEW}",)),
    "verified": Reported([], (f"removed published/.tmp-{NEW}",)),
    "renamed": Reported(
        [_stale("published/LATEST"), _stale("datapackage.json"), _stale("CHANGELOG.md"), _stale("published/current")],
        (f"published/LATEST -> {NEW}", f"datapackage.json -> {NEW}", f"CHANGELOG.md -> {NEW}",
         f"published/current -> {NEW}")),
    "pointer:LATEST": Reported(
        [_stale("datapackage.json"), _stale("CHANGELOG.md"), _stale("published/current")],
        (f"datapackage.json -> {NEW}", f"CHANGELOG.md -> {NEW}", f"published/current -> {NEW}")),
    "pointer:datapackage.json": Reported(
        [_stale("CHANGELOG.md"), _stale("published/current")],
        (f"CHANGELOG.md -> {NEW}", f"published/current -> {NEW}")),
    "pointer:CHANGELOG.md": Reported([_stale("published/current")], (f"published/current -> {NEW}",)),
    "pointer:current": Reported([], ()),
}


def _state(root: Path) -> AfterKill:
    published = root / "published"
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    return AfterKill(
        folders=sorted(p.name for p in published.iterdir()
                       if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")),
        leftovers=sorted(p.name for p in published.iterdir() if p.name.startswith(".") and p.name != ".lock"),
        latest=(published / "LATEST").read_text(encoding="utf-8"),
        current=os.readlink(published / "current"),
        datapackage=json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"],
        changelog=re.search(r"^## (\S+) ", changelog, re.MULTILINE).group(1),
    )


@pytest.mark.slow
@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_publish_leaves_the_state_of_its_step_and_next_run_recovers(released, point):
    old_release = tree_digest(released / "published" / OLD)
    edit(released / M002, "theme: front_door", "theme: leadership_and_management")
    killed = subprocess.run([sys.executable, "-c", BUILD_SCRIPT, str(released)], cwd=PROJECT, check=False,
                            env={**os.environ, FAILPOINT_ENV: point}, capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    published, staged = released / "published", released / "staged" / "build"
    # Right after the kill: exactly the state of the step it was killed at.
    expected = KILL_POINTS[point]
    assert _state(released) == dataclasses.replace(expected, latest=expected.latest + "\n")
    assert not list(released.glob(".*.tmp"))
    assert tree_digest(published / OLD) == old_release
    # The staged build is moved, whole, beside the releases: then it is no longer in staged/.
    assert staged.exists() == (point == "staged")
    for leftover in expected.leftovers:  # the staged build, complete and valid, not yet a release
        assert verify_release(published / leftover) == []
    if NEW in expected.folders:  # the renamed folder is the staged build, complete and valid
        assert verify_release(published / NEW) == []
    assert verify_release(published / "current") == []
    assert pointer_problems(released) == REPORTED[point].problems
    # The next run cleans up and ends with the new release, complete and pointed at: it publishes it, or,
    # killed after the rename, finds it already there and only finishes the pointers.
    result = publish(released)
    renamed = NEW in expected.folders
    assert (result.version, result.previous) == ((None, NEW) if renamed else (NEW, OLD))
    assert result.repaired == REPORTED[point].repaired  # what it finished, not the pointers of its own release
    assert pointer_problems(released) == []
    assert _state(released) == AfterKill([OLD, NEW], [], NEW + "\n", NEW, NEW, NEW)
    assert not list(released.glob(".*.tmp"))
    assert tree_digest(published / OLD) == old_release
    assert verify_release(published / NEW) == []
    assert changes(released, NEW)["tables"]["recommendations"]["changed"] == [
        {"record_id": "south-gloucestershire-2021-focused-visit-2", "field": "theme",
         "old": "front_door", "new": "leadership_and_management"}]
    shutil.rmtree(released / "staged")
