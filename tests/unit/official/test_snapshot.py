"""The snapshot: fetching the official files, writing the committed extract, and an account that says
whether reference/official/ changed (and so needs a person's review and commit)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json

import pytest

from ofsted_dataset.cli import main
from ofsted_dataset.official.snapshot import DEFAULT_SOURCES, SOURCES_ENV, snapshot, sources_from_env
from tests.helpers import copy_project

OUTCOMES = "LA_Inspection_Outcomes_as_at_31_March_2025.ods"
UNDERLYING = "Childrens_social_care_in_England_2023_underlying_data.ods"
D = dt.date
REVIEW = ("Review `git diff reference/official` and commit it: builds in this folder check against it from now "
          "on.")


def test_snapshot_from_file_urls_writes_staged_files_extract_and_metadata(tmp_path, official_dir, official_sources,
                                                                          register):
    root = tmp_path / "project"
    result = snapshot(root, official_sources, D(2025, 10, 1), register=register)
    assert (result.available, result.status, result.inspections, result.problems, result.changed) == (
        True, "updated", 13, [], ["outcomes.csv", "snapshot.json"])
    assert [(f.name, f.status) for f in result.fetches] == [(UNDERLYING, "downloaded"), (OUTCOMES, "downloaded")]
    for name in (OUTCOMES, UNDERLYING):
        assert (root / "staged/official" / name).read_bytes() == (official_dir / name).read_bytes()
    staged = json.loads((root / "staged/official/snapshot.json").read_text(encoding="utf-8"))
    outcomes_bytes = (official_dir / OUTCOMES).read_bytes()
    assert staged["files"][1] == {
        "name": OUTCOMES, "source_url": (official_dir / OUTCOMES).as_uri(),
        "sha256": hashlib.sha256(outcomes_bytes).hexdigest(), "bytes": len(outcomes_bytes),
        "retrieved": "2025-10-01"}
    meta = json.loads((root / "reference/official/snapshot.json").read_text(encoding="utf-8"))
    assert meta["licence"]["title"] == "Open Government Licence v3.0"
    assert [f["name"] for f in meta["files"]] == [UNDERLYING, OUTCOMES]
    assert meta["files"][1]["release_page"] == DEFAULT_SOURCES[OUTCOMES]
    extract = (root / "reference/official/outcomes.csv").read_bytes()
    assert meta["extract"] == {"path": "outcomes.csv", "rows": 13, "bytes": len(extract),
                               "sha256": hashlib.sha256(extract).hexdigest()}
    with (root / "reference/official/outcomes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["gss_code"], r["framework"], r["inspection_type"], r["published_date"] or r["inspection_date"])
            for r in rows] == [
        ("E06000002", "sif", "full_inspection", "2016-02-19"),
        ("E06000002", "ilacs", "full_inspection", "2020-01-24"),
        ("E06000002", "ilacs", "monitoring_visit", "2024-07-20"),
        ("E06000025", "cpi", "full_inspection", "2012-08-10"),
        ("E06000025", "sif", "full_inspection", "2017-02-13"),
        ("E06000028", "ilacs", "full_inspection", "2018-08-24"),
        ("E06000029", "sif", "full_inspection", "2017-11-24"),
        ("E06000033", "ilacs", "focused_visit", "2022-09-14"),
        ("E08000019", "ilacs", "focused_visit", "2024-11-05"),
        ("E10000009", "slac", "full_inspection", "2011-10-28"),
        ("E10000009", "sif", "full_inspection", "2016-05-23"),
        ("E10000013", "slac", "full_inspection", "2011-01-24"),
        ("E10000013", "sif", "full_inspection", "2017-06-13"),
    ]
    assert rows[3] == {
        "gss_code": "E06000025", "la_name": "South Gloucestershire", "framework": "cpi",
        "inspection_type": "full_inspection", "official_type": "Child Protection Inspections (CPI)",
        "inspection_date": "", "published_date": "2012-08-10", "overall_effectiveness": "requires_improvement",
        "help_and_protection": "", "children_in_care": "", "adoption": "", "care_leavers": "", "leadership": "",
        "safeguarding_board": "", "source_file": UNDERLYING, "source_sheet": "LA_inspections_2009-2023",
        "source_row": "7"}

    again = snapshot(root, official_sources, D(2025, 11, 1), register=register)  # same bytes: nothing changes
    assert (again.status, again.changed, [f.status for f in again.fetches]) == (
        "unchanged", [], ["unchanged", "unchanged"])
    assert (root / "reference/official/outcomes.csv").read_bytes() == extract
    assert json.loads((root / "staged/official/snapshot.json").read_text(encoding="utf-8")) == staged


# --- the account a person reads ----------------------------------------------------------------------


def test_a_first_snapshot_asks_for_a_review(tmp_path, official_sources, register):
    result = snapshot(tmp_path / "project", official_sources, D(2025, 10, 1), register=register)
    assert result.lines() == [
        "Official record: reference/official/ changed (outcomes.csv, snapshot.json); 13 inspection(s) in the extract",
        f"Sources: {UNDERLYING}: downloaded, {OUTCOMES}: downloaded",
        REVIEW,
    ]


def test_the_same_files_again_change_nothing_and_ask_for_nothing(tmp_path, official_sources, register):
    root = tmp_path / "project"
    snapshot(root, official_sources, D(2025, 10, 1), register=register)
    before = {p.name: p.read_bytes() for p in (root / "reference/official").iterdir()}
    result = snapshot(root, official_sources, D(2025, 11, 1), register=register)
    assert result.lines() == [
        "Official record: reference/official/ unchanged; 13 inspection(s) in the extract",
        f"Sources: {UNDERLYING}: unchanged, {OUTCOMES}: unchanged",
    ]
    assert {p.name: p.read_bytes() for p in (root / "reference/official").iterdir()} == before


def test_new_retrieval_dates_alone_are_a_change_to_review(tmp_path, official_sources, register):
    """The same spreadsheets downloaded afresh (nothing staged: a new clone) give the same rows, but
    snapshot.json records the new retrieval date: that is a change, not "unchanged"."""
    root = tmp_path / "project"
    snapshot(root, official_sources, D(2025, 10, 1), register=register)
    extract = (root / "reference/official/outcomes.csv").read_bytes()
    for path in (root / "staged/official").iterdir():
        path.unlink()
    result = snapshot(root, official_sources, D(2025, 11, 1), register=register)
    assert (result.status, result.changed) == ("updated", ["snapshot.json"])
    assert result.lines() == [
        "Official record: reference/official/ changed (snapshot.json); 13 inspection(s) in the extract",
        f"Sources: {UNDERLYING}: downloaded, {OUTCOMES}: downloaded",
        "outcomes.csv is as it was; only snapshot.json changed (which files were read, from where, retrieved when).",
        REVIEW,
    ]
    assert (root / "reference/official/outcomes.csv").read_bytes() == extract
    meta = json.loads((root / "reference/official/snapshot.json").read_text(encoding="utf-8"))
    assert [f["retrieved"] for f in meta["files"]] == ["2025-11-01", "2025-11-01"]


def test_fewer_files_change_the_extract(tmp_path, official_sources, register):
    root = tmp_path / "project"
    snapshot(root, official_sources, D(2025, 10, 1), register=register)
    (root / "staged/official" / UNDERLYING).unlink()
    result = snapshot(root, {OUTCOMES: official_sources[OUTCOMES]}, D(2025, 11, 1), register=register)
    assert result.lines() == [
        "Official record: reference/official/ changed (outcomes.csv, snapshot.json); 4 inspection(s) in the extract",
        f"Sources: {OUTCOMES}: unchanged",
        REVIEW,
    ]


def test_snapshot_with_unreachable_sources_and_no_previous_snapshot_is_not_available(tmp_path, register):
    root = tmp_path / "project"
    sources = {OUTCOMES: "http://127.0.0.1:9/outcomes.ods", UNDERLYING: (tmp_path / "missing.ods").as_uri()}
    result = snapshot(root, sources, D(2025, 10, 1), timeout=2, register=register)
    assert (result.available, result.extract, result.status, result.inspections, result.changed) == (
        False, None, "not available", 0, [])
    assert [(f.name, f.status) for f in result.fetches] == [(UNDERLYING, "failed"), (OUTCOMES, "failed")]
    assert result.fetches[0].message == (
        f"FileNotFoundError: [Errno 2] No such file or directory: '{tmp_path / 'missing.ods'}'")
    assert result.lines()[0] == ("Official record: not available (no spreadsheet staged and no extract in "
                                 "reference/official/); a build marks every check not_checked")
    assert not (root / "reference/official").exists()


def test_snapshot_that_cannot_download_keeps_what_is_staged(tmp_path, official_sources, register):
    root = tmp_path / "project"
    snapshot(root, official_sources, D(2025, 10, 1), register=register)
    result = snapshot(root, {OUTCOMES: "http://127.0.0.1:9/x.ods"}, D(2025, 11, 1), timeout=2, register=register)
    assert (result.available, result.status, result.inspections, result.changed) == (True, "unchanged", 13, [])
    assert [f["retrieved"] for f in result.files] == ["2025-10-01", "2025-10-01"]
    assert result.lines()[0] == "Official record: reference/official/ unchanged; 13 inspection(s) in the extract"
    assert result.lines()[1].startswith(f"Sources: {OUTCOMES}: failed (URLError: ")


def test_with_nothing_staged_the_committed_extract_is_kept(tmp_path, register):
    root = tmp_path / "project"
    (root / "reference/official").mkdir(parents=True)
    (root / "reference/official/outcomes.csv").write_text("header\nrow 1\nrow 2\n", encoding="utf-8")
    result = snapshot(root, {}, D(2025, 10, 1), register=register)
    assert (result.available, result.status, result.inspections) == (True, "kept existing extract", 2)
    assert result.lines() == [
        "Official record: no spreadsheet staged; reference/official/ kept as it was; 2 inspection(s) in the extract"]


def test_sources_and_date_default_to_the_environment_and_today(tmp_path, official_sources, register, monkeypatch):
    monkeypatch.setenv(SOURCES_ENV, ";".join(f"{name}={url}" for name, url in official_sources.items()))
    today = dt.datetime.now(dt.UTC).date()
    result = snapshot(tmp_path / "project", register=register)
    assert [(f.name, f.source_url, f.status) for f in result.fetches] == [
        (UNDERLYING, official_sources[UNDERLYING], "downloaded"), (OUTCOMES, official_sources[OUTCOMES], "downloaded")]
    assert [f["retrieved"] for f in result.files] == [today.isoformat()] * 2


def test_snapshot_rejects_a_file_that_is_not_a_spreadsheet(tmp_path, register):
    page = tmp_path / "page.html"
    page.write_text('<html><a href="other.ods">other</a></html>', encoding="utf-8")
    result = snapshot(tmp_path / "project", {OUTCOMES: page.as_uri()}, D(2025, 10, 1), register=register)
    assert result.fetches[0].status == "failed"
    assert result.fetches[0].message == f"ValueError: the page links to no file named {OUTCOMES}"


def test_snapshot_follows_a_release_page_link_to_the_named_file(tmp_path, official_dir, register):
    page = official_dir / "release.html"
    page.write_text(f'<html><a class="x" href="{OUTCOMES}">Data</a></html>', encoding="utf-8")
    result = snapshot(tmp_path / "project", {OUTCOMES: page.as_uri()}, D(2025, 10, 1), register=register)
    assert [(f.status, result.inspections) for f in result.fetches] == [("downloaded", 4)]


def test_sources_from_env():
    assert sources_from_env({}) == DEFAULT_SOURCES
    assert sources_from_env({SOURCES_ENV: "a.ods=file:///x/a.ods; b.ods=https://example.org/b.ods"}) == {
        "a.ods": "file:///x/a.ods", "b.ods": "https://example.org/b.ods"}
    with pytest.raises(ValueError, match=SOURCES_ENV):
        sources_from_env({SOURCES_ENV: "no-equals-sign"})


def test_the_command_prints_the_account(tmp_path, official_sources, monkeypatch, capsys):
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv(SOURCES_ENV, ";".join(f"{name}={url}" for name, url in official_sources.items()))
    assert main(["--root", str(root), "official-snapshot"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Official record: reference/official/ changed (outcomes.csv, snapshot.json); 13 inspection(s) in the extract",
        f"Sources: {UNDERLYING}: downloaded, {OUTCOMES}: downloaded",
        REVIEW,
    ]
    assert main(["--root", str(root), "official-snapshot"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Official record: reference/official/ unchanged; 13 inspection(s) in the extract",
        f"Sources: {UNDERLYING}: unchanged, {OUTCOMES}: unchanged",
    ]
