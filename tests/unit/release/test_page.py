"""The release page (published/<version>/index.html): its content, rendered from a release of the seed
corpus (1.1.0, made by this code: 1.0.0 and one article more; read only, edits happen in temporary copies)
with every expectation read from that release's own files, and its behaviour in a real headless Chromium."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from websockets.sync.client import connect

from ofsted_dataset.release import page as page_module
from ofsted_dataset.release.citation import citation_text
from ofsted_dataset.release.files import parquet_file
from ofsted_dataset.release.page import render_markdown, render_release_page, write_release_page
from tests.helpers import add_article, copy_project, publish

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "apt-get install -y chromium"

_DIGITS = {"year": 4, "month": 7, "day": 10}


def _placed_at(row: dict[str, Any]) -> tuple[str, dt.date, str] | None:
    """Where the page must draw an inspection: (which date, the date, written to its precision)."""
    for kind, date, precision in (("published", "published_date", "published_date_precision"),
                                  ("visit started", "visit_start", "visit_precision")):
        if row[date] is not None:
            return kind, row[date], row[date].isoformat()[:_DIGITS[row[precision]]]
    return None


@dataclass(frozen=True)
class Release:
    """The release under test and what its own files say."""

    published: Path
    version: str
    path: Path
    descriptor: dict[str, Any]
    changes: dict[str, Any]
    inspections: list[dict[str, Any]]

    @property
    def drawn(self) -> list[dict[str, Any]]:
        """The inspections, graded or not, with a date to draw them at, ordered as the chart draws them
        (council, date, id)."""
        return sorted((r for r in self.inspections if _placed_at(r)),
                      key=lambda r: (r["local_authority"], _placed_at(r)[1], r["inspection_id"]))

    @property
    def undated(self) -> list[str]:
        """The inspections with no date at all."""
        return sorted(r["inspection_id"] for r in self.inspections if not _placed_at(r))

    @property
    def graded(self) -> list[tuple[str, str]]:
        """The drawn graded inspections (inspections.overall_grade not null), with their grade."""
        return sorted((r["inspection_id"], r["overall_grade"]) for r in self.drawn if r["overall_grade"])

    @property
    def ungraded(self) -> list[str]:
        return sorted(r["inspection_id"] for r in self.drawn if r["overall_grade"] is None)

    def contradicted(self) -> list[tuple[str, str, str]]:
        """(inspection, news grade, official grade) of each overall grade the official record contradicts,
        queried from the release's own official_checks."""
        checks = pq.read_table(self.path / "data" / "official_checks.parquet").to_pylist()
        return sorted((c["record_id"], c["news_value"], c["official_value"]) for c in checks
                      if (c["table_name"], c["field"], c["status"]) == ("inspections", "overall_grade", "conflict"))


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    """Release 1.1.0 of the seed corpus: its 1.0.0 (the session's seed_release), then one article more."""
    root = copy_project(tmp_path_factory.mktemp("page") / "project", with_release=True)
    add_article(root)
    version = publish(root).version
    assert version == "1.1.0"
    path = root / "published" / version
    return Release(root / "published", version, path,
                   json.loads((path / "datapackage.json").read_text(encoding="utf-8")),
                   json.loads((path / "changes.json").read_text(encoding="utf-8")),
                   pq.read_table(path / "data" / "inspections.parquet").to_pylist())


# A mark: the inspection, its grade (none for an ungraded visit) and the legend kinds it belongs to.
_MARK = re.compile(r'<g class="mark" data-inspection-id="([^"]*)"(?: data-grade="([^"]*)")? data-filter="([^"]*)">')


def _mark_elements(page: str) -> dict[str, str]:
    """Each mark's whole element, by inspection id."""
    return {m.group(1): m.group(0) for m in re.finditer(r'<g class="mark" data-inspection-id="([^"]*)".*?</g>', page)}


@pytest.fixture(scope="module")
def page(release: Release) -> str:
    return render_release_page(release.path)


@pytest.fixture
def release_copy(release: Release, tmp_path: Path) -> Path:
    return Path(shutil.copytree(release.path, tmp_path / release.version))


def _edit_inspections(release_dir: Path, inspection_id: str, **values: Any) -> None:
    """Change one inspection's columns in a copy of a release (inspections.parquet only)."""
    path = release_dir / "data" / "inspections.parquet"
    table = pq.read_table(path)
    rows = [{**r, **values} if r["inspection_id"] == inspection_id else r for r in table.to_pylist()]
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)


def test_the_release_under_test_is_the_current_one(release: Release) -> None:
    assert os.readlink(release.published / "current") == release.version == "1.1.0"
    assert release.descriptor["version"] == release.changes["to"] == release.version
    assert release.changes["from"] == "1.0.0"
    # The seeds' seven graded inspections and three ungraded visits are drawn; the added one (Leeds,
    # outstanding) has no date.
    assert len(release.graded) == 7
    assert release.ungraded == ["birmingham-2017-monitoring-visit", "sheffield-2021-focused-visit",
                                "south-gloucestershire-2021-focused-visit"]
    assert release.undated == ["leeds-2022-full-inspection"]
    # No date of the seeds is known to the day: every mark is a bar (see the point test for a day).
    assert {_placed_at(r)[2].count("-") for r in release.drawn} == {0, 1}


def test_header_shows_title_version_and_the_release_created_time(release: Release, page: str) -> None:
    assert f"<h1>{escape(release.descriptor['title'])}</h1>" in page
    assert f"<title>{escape(release.descriptor['title'])} {release.version}</title>" in page
    created = release.descriptor["created"]
    assert (f'Version <strong id="version">{release.version}</strong>, created '
            f'<time id="created" datetime="{created}">{created}</time>') in page
    # The page is the release's own: the published index.html is this rendering.
    assert (release.path / "index.html").read_text(encoding="utf-8") == page


def test_row_counts_are_read_from_the_parquet_files(release: Release, page: str) -> None:
    shown = re.findall(r'<tr><td><code>(\w+)</code></td><td>([^<]*)</td><td class="count">(\d+)</td>'
                       r'<td><a href="([^"]*)">CSV</a> · <a href="([^"]*)">Parquet</a></td></tr>', page)
    assert shown == [
        (r["name"], escape(r["title"]), str(pq.read_table(release.path / r["parquet"]["path"]).num_rows),
         r["path"], r["parquet"]["path"])
        for r in release.descriptor["resources"]]
    assert ("inspections", escape("Inspections and visits"), str(len(release.inspections)), "data/inspections.csv",
            "data/inspections.parquet") in shown


# The files the seed release is made of today, besides those other parts of the build add (README.md,
# CITATION.cff, ...), which the page must list as well; index.html is the page itself.
_SEED_FILES = ["CHANGES.md", "SHA256SUMS", "changes.json", "data-dictionary.md",
               *(f"data/{t}.{ext}" for t in ("funding_commitments", "grade_counts", "inspections", "judgements",
                                             "official_checks", "provenance", "recommendations", "sources")
                 for ext in ("csv", "parquet")),
               "datapackage.json", "ofsted-dataset-1.1.0.zip", "ofsted-dataset-1.1.0.zip.sha256", "ofsted.duckdb"]


def _file_links(page: str) -> list[str]:
    files = page.split('<ul class="files">\n')[1].split("\n</ul>", maxsplit=1)[0].splitlines()
    links = [re.fullmatch(r'<li><a href="([^"]*)">([^<]*)</a></li>', line) for line in files]
    assert all(link and link[1] == link[2] for link in links), files  # each file links to itself
    return [link[1] for link in links if link]


def test_files_lists_every_file_of_the_release_but_the_page(release: Release, page: str) -> None:
    in_folder = sorted(p.relative_to(release.path).as_posix() for p in release.path.rglob("*") if p.is_file())
    assert set(_SEED_FILES) <= set(in_folder)
    assert _file_links(page) == sorted(set(in_folder) - {"index.html"})
    assert [n for n in _file_links(page) if n in _SEED_FILES] == _SEED_FILES  # literally, in this order
    assert '<a href="#files">Files</a>' in page


def test_files_are_listed_as_published_before_the_last_four_exist(release_copy: Path) -> None:
    """The page is rendered before the database file, SHA256SUMS and the zip with its checksum are written
    (publish.py): it lists them all the same, and lists what else is in the folder then, sorted."""
    for name in ("ofsted.duckdb", "SHA256SUMS", "ofsted-dataset-1.1.0.zip", "ofsted-dataset-1.1.0.zip.sha256",
                 "index.html"):
        (release_copy / name).unlink()
    # what other parts of the build write into a release meanwhile (README.md, ...)
    others = {p.relative_to(release_copy).as_posix() for p in release_copy.rglob("*") if p.is_file()} - set(_SEED_FILES)
    extras = ("CITATION.cff", "LICENCE-DATA.txt", "README.md", "coverage.json", "reference/official/outcomes.csv")
    for extra in extras:
        (release_copy / extra).parent.mkdir(parents=True, exist_ok=True)
        (release_copy / extra).write_text("x\n", encoding="utf-8")
    assert _file_links(render_release_page(release_copy)) == sorted({*_SEED_FILES, *extras, *others})


def test_citation_quotes_citation_py_and_links_citation_cff_when_there(release: Release, page: str,
                                                                        release_copy: Path) -> None:
    text = citation_text(release.descriptor)
    assert text == (f"ofsted-dataset contributors ({release.descriptor['created'][:4]}). Ofsted inspections of "
                    "English councils' children's services, from news reports (version 1.1.0) [Data set]. "
                    "Licence: CC-BY-4.0.")
    cite = page.split('<section id="cite">')[1].split("</section>", maxsplit=1)[0]
    assert f'<blockquote class="citation"><p id="citation">{escape(text)}</p></blockquote>' in cite
    link = ('<p>For reference managers: <a href="CITATION.cff">CITATION.cff</a> (Citation File Format).</p>')
    assert (link in cite) == (release.path / "CITATION.cff").is_file()
    (release_copy / "CITATION.cff").write_text("cff-version: 1.2.0\n", encoding="utf-8")
    assert link in render_release_page(release_copy)
    (release_copy / "CITATION.cff").unlink()
    assert "CITATION.cff" not in render_release_page(release_copy)
    assert '<a href="#cite">How to cite</a>' in page


def test_every_dated_inspection_is_exactly_one_mark(release: Release, page: str) -> None:
    assert sorted((i, g) for i, g, _ in _MARK.findall(page) if g) == release.graded
    assert sorted(i for i, g, _ in _MARK.findall(page) if not g) == release.ungraded
    assert sorted(i for i, _, _ in _MARK.findall(page)) == sorted(r["inspection_id"] for r in release.drawn)
    assert page.count("data-inspection-id=") == len(release.drawn)  # and no other element carries the attribute
    assert ("<p>Not drawn, for want of any date: <code>leeds-2022-full-inspection</code>.</p>") in page


def test_marks_are_placed_at_the_published_date_else_the_visit_start(release: Release, page: str) -> None:
    def what(r: dict[str, Any]) -> str:
        grade = r["overall_grade"]
        return grade.replace("_", " ").capitalize() if grade else f"Ungraded {r['inspection_type'].replace('_', ' ')}"

    titles = re.findall(r'<g class="mark" [^>]*><title>([^<]*)</title>', page)
    official = {i: o.replace("_", " ") for i, _, o in release.contradicted()}
    assert titles == [escape(f"{r['local_authority']}: {what(r)} ({r['inspection_id']}), {_placed_at(r)[0]} "
                             f"{_placed_at(r)[2]}" + (f"; official record: {official[r['inspection_id']]}"
                                                      if r["inspection_id"] in official else ""))
                      for r in release.drawn]
    councils = re.findall(r'<g class="council" data-local-authority="([^"]*)">', page)
    assert councils == [escape(c) for c in sorted({r["local_authority"] for r in release.drawn})]


def _year_x(page: str) -> dict[int, float]:
    """The x of each year's label on the axis: the chart's own scale, to check the marks against."""
    return {int(y): float(x) for x, y in re.findall(r'<text x="([\d.]+)" y="\d+">(\d{4})</text>', page)}


def _x(years: dict[int, float], date: dt.date) -> str:
    """Where the axis puts a day, on the scale of its first and last labels (the ones between are rounded),
    by the day of its year."""
    start = dt.date(date.year, 1, 1)
    year = date.year + (date - start).days / (dt.date(date.year + 1, 1, 1) - start).days
    first, last = min(years), max(years)
    return f"{years[first] + (year - first) * (years[last] - years[first]) / (last - first):.1f}"


def _last_day(date: dt.date, precision: str) -> dt.date:
    if precision == "year":
        return dt.date(date.year, 12, 31)
    return dt.date(date.year + date.month // 12, date.month % 12 + 1, 1) - dt.timedelta(days=1)


def test_a_date_known_to_the_month_or_year_is_a_bar_across_its_period(release: Release, page: str) -> None:
    marks = _mark_elements(page)
    # The axis runs from 2008 (Birmingham, 2008) to 1 January 2022 after the last mark (the 2021-11 visits),
    # over 640 px from x = 174 (past "South Gloucestershire", 21 characters): 45.714 px a year.
    years = _year_x(page)
    assert (min(years), max(years), years[2008], years[2022]) == (2008, 2022, 174.0, 814.0)
    # A year: Middlesbrough, published 2017, from 2017-01-01 (585.4) to 2017-12-31 (631.0); its shape at the middle.
    assert ('<rect class="span" x="585.4" y="93.0" width="45.6" height="6" fill="#d55e00" stroke="#333"/>'
            '<use class="glyph" href="#shape-triangle-down" x="608.2" y="96.0" fill="#d55e00" stroke="#333"/>'
            ) in marks["middlesbrough-2017-full-inspection"]
    # A month: South Gloucestershire's 2016 inspection, published 2017-02: 2017-02-01 (589.3) to 2017-02-28 (592.7).
    assert ('<rect class="span" x="589.3" y="157.0" width="3.4" height="6" fill="#d55e00" stroke="#333"/>'
            '<use class="glyph" href="#shape-triangle-down" x="591.0" y="160.0" fill="#d55e00" stroke="#333"/>'
            ) in marks["south-gloucestershire-2016-full-inspection"]
    # (so the year-precise 2017 is no longer drawn before February 2017: its bar, 585.4 to 631.0, covers it)
    # Every mark's bar spans its period as the axis scales it, with its shape at the middle.
    for r in release.drawn:
        _, first, written = _placed_at(r)
        last = _last_day(first, "year" if len(written) == 4 else "month")
        span = re.search(r'<rect class="span" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', marks[r["inspection_id"]])
        assert span and span[1] == _x(years, first), r
        assert f"{float(span[1]) + float(span[2]):.1f}" == _x(years, last), r
        glyph = re.search(r'<use class="glyph" href="[^"]*" x="([\d.]+)"', marks[r["inspection_id"]])
        assert glyph and abs(float(glyph[1]) - (float(span[1]) + float(span[2]) / 2)) <= 0.05, r


def test_a_date_known_to_the_day_is_a_point(release_copy: Path) -> None:
    day = dt.date(2017, 6, 13)  # (published_date_end is ignored when the release has no such column)
    _edit_inspections(release_copy, "gloucestershire-2017-full-inspection", published_date=day,
                      published_date_precision="day", published_date_end=day)
    mark = _mark_elements(render_release_page(release_copy))["gloucestershire-2017-full-inspection"]
    # 2017-06-13 is day 163 of 2017: 174 + (9 + 163/365) * 640/14 = 605.8; no bar.
    assert mark == ('<g class="mark" data-inspection-id="gloucestershire-2017-full-inspection" data-grade="inadequate" '
                    'data-filter="inadequate"><title>Gloucestershire: Inadequate '
                    '(gloucestershire-2017-full-inspection), published 2017-06-13</title>'
                    '<use class="glyph" href="#shape-triangle-down" x="605.8" y="64.0" fill="#d55e00" stroke="#333"/>'
                    '</g>')


def test_a_grade_the_official_record_contradicts_is_ringed(release: Release, page: str) -> None:
    # The seed corpus has one: Middlesbrough 2017, reported inadequate, requires improvement officially.
    assert release.contradicted() == [("middlesbrough-2017-full-inspection", "inadequate", "requires_improvement")]
    assert [i for i, _, kinds in _MARK.findall(page) if "contradicted" in kinds.split()] == [
        "middlesbrough-2017-full-inspection"]
    assert page.count('class="contradicted"') == 1
    assert _mark_elements(page)["middlesbrough-2017-full-inspection"] == (
        '<g class="mark" data-inspection-id="middlesbrough-2017-full-inspection" data-grade="inadequate" '
        'data-filter="inadequate contradicted"><title>Middlesbrough: Inadequate '
        '(middlesbrough-2017-full-inspection), published 2017; official record: requires improvement</title>'
        '<rect class="span" x="585.4" y="93.0" width="45.6" height="6" fill="#d55e00" stroke="#333"/>'
        '<use class="glyph" href="#shape-triangle-down" x="608.2" y="96.0" fill="#d55e00" stroke="#333"/>'
        '<circle class="contradicted" cx="608.2" cy="96.0" r="12" fill="none" stroke="#000" stroke-width="1.5" '
        'stroke-dasharray="3 2"/></g>')
    assert ('<li><button type="button" data-filter="contradicted" aria-pressed="true"><svg class="swatch" width="20" '
            'height="20" viewBox="-13 -13 26 26" aria-hidden="true"><circle r="12" fill="none" stroke="#000" '
            'stroke-width="1.5" stroke-dasharray="3 2"/></svg>Grade the official record contradicts</button></li>'
            ) in page


def test_a_release_without_official_checks_marks_nothing(release_copy: Path) -> None:
    """Releases made before official_checks existed have neither the file nor its resource, nor the
    inspections' verdict columns."""
    for suffix in ("csv", "parquet"):
        (release_copy / "data" / f"official_checks.{suffix}").unlink()
    inspections = parquet_file(release_copy, "inspections")
    table = pq.read_table(inspections)
    pq.write_table(table.drop_columns([c for c in table.column_names if c.startswith("official_")]), inspections)
    descriptor = json.loads((release_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "official_checks"]
    (release_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    html = render_release_page(release_copy)
    assert '<circle class="contradicted"' not in html and "; official record:" not in html
    assert "data/official_checks.parquet" not in html
    assert {row[-1] for row in _table_rows(html)} == {"not checked"}


def test_only_what_the_page_shows_is_read_as_python_objects(release: Release) -> None:
    """Every column of every inspection and check was 0.4 GB of dicts at 100,000 articles."""
    inspections = page_module._inspections(release.path)
    assert list(inspections[0]) == list(page_module._SHOWN)
    assert len(inspections) == pq.read_metadata(parquet_file(release.path, "inspections")).num_rows
    checks = page_module._official_checks(release.path)
    assert {field for _, field in checks} == {"overall_grade", "inspection_type"}
    assert {tuple(check) for check in checks.values()} == {("record_id", "field", "status", "official_value")}


def test_ungraded_visits_are_hollow_grey_circles(release: Release, page: str) -> None:
    marks = _mark_elements(page)
    assert ('<use class="glyph" href="#shape-circle" x="808.2" y="128.0" fill="#fff" stroke="#666" '
            'stroke-width="1.5"/>') in marks["sheffield-2021-focused-visit"]
    for inspection in release.ungraded:
        assert f'data-inspection-id="{inspection}" data-filter="ungraded">' in marks[inspection]
        assert re.search(r'<rect class="span" [^>]* fill="#fff" stroke="#666" stroke-width="1.5"/><use class="glyph" '
                         r'href="#shape-circle" [^>]* fill="#fff" stroke="#666" stroke-width="1.5"/></g>$',
                         marks[inspection]), marks[inspection]
    assert ('<title>Sheffield: Ungraded focused visit (sheffield-2021-focused-visit), visit started 2021-11</title>'
            in marks["sheffield-2021-focused-visit"])
    assert ('<li><button type="button" data-filter="ungraded" aria-pressed="true"><svg class="swatch" width="20" '
            'height="20" viewBox="-13 -13 26 26" aria-hidden="true"><use href="#shape-circle" fill="#fff" '
            'stroke="#666" stroke-width="1.5"/></svg>Ungraded visit</button></li>') in page


def _vocabulary(release: Release) -> list[str]:
    inspections = next(r for r in release.descriptor["resources"] if r["name"] == "inspections")
    grade = next(f for f in inspections["schema"]["fields"] if f["name"] == "overall_grade")
    return grade["constraints"]["enum"]


def test_legend_lists_the_release_grade_vocabulary_in_order_then_the_other_kinds(release: Release,
                                                                                  page: str) -> None:
    known = _vocabulary(release)
    assert known[:2] == ["outstanding", "good"] and known[-1] == "inadequate"
    assert re.findall(r'<button type="button" data-filter="([^"]*)"', page) == known + sorted(
        {g for _, g in release.graded} - set(known)) + ["ungraded", "contradicted"]
    assert ('<li class="key"><svg class="swatch" width="20" height="20" viewBox="-13 -13 26 26" aria-hidden="true">'
            '<rect x="-12" y="-3" width="24" height="6" fill="#fff" stroke="#333"/></svg>Bar: a date known only to '
            'its month or year</li>') in page


# Okabe–Ito colours and a shape per grade: told apart without colour too.
_GRADE_LOOKS = {"outstanding": ("#0072b2", "star"), "good": ("#009e73", "square"),
                "requires_improvement": ("#e69f00", "triangle-up"), "adequate": ("#f0e442", "diamond"),
                "inadequate": ("#d55e00", "triangle-down")}


def test_each_grade_has_its_own_colour_and_shape_in_legend_and_marks(release: Release, page: str) -> None:
    assert set(_GRADE_LOOKS) == set(_vocabulary(release))
    assert len({c for c, _ in _GRADE_LOOKS.values()}) == len({s for _, s in _GRADE_LOOKS.values()}) == 5
    defined = re.findall(r'<(?:circle|rect|path) id="shape-([a-z-]+)"', page)
    assert sorted(defined) == sorted({s for _, s in _GRADE_LOOKS.values()} | {"circle"})  # each once
    for grade, (colour, shape) in _GRADE_LOOKS.items():
        assert (f'<li><button type="button" data-filter="{grade}" aria-pressed="true"><svg class="swatch" '
                f'width="20" height="20" viewBox="-13 -13 26 26" aria-hidden="true"><use href="#shape-{shape}" '
                f'fill="{colour}" stroke="#333"/></svg>{grade.replace("_", " ").capitalize()}</button></li>') in page
    marks = _mark_elements(page)
    for inspection, grade in release.graded:
        colour, shape = _GRADE_LOOKS[grade]
        assert f'href="#shape-{shape}" ' in marks[inspection] and f'fill="{colour}" stroke="#333"' in marks[inspection]
    assert {g for _, g in release.graded} == {"inadequate", "adequate", "requires_improvement"}


def _table_rows(html: str) -> list[tuple[str, ...]]:
    table = html.split('<section id="inspections">')[1].split("</section>", maxsplit=1)[0]
    assert ('<thead><tr><th scope="col">Local authority</th><th scope="col">Inspection</th><th scope="col">Type</th>'
            '<th scope="col">Visit</th><th scope="col">Published</th><th scope="col">Overall grade</th>'
            '<th scope="col">Official record</th></tr></thead>') in table
    return [tuple(re.sub(r"</?code>", "", c) for c in re.findall(r"<td>(.*?)</td>", row))
            for row in re.findall(r"<tr>(<td>.*?)</tr>", table)]


def test_table_lists_every_inspection_by_council_then_date_with_the_official_verdict(page: str) -> None:
    assert _table_rows(page) == [
        ("Birmingham", "birmingham-2008-full-inspection", "full inspection", "", "2008", "Inadequate",
         "not in the official record"),
        ("Birmingham", "birmingham-2017-monitoring-visit", "monitoring visit", "", "2017", "ungraded",
         "not in the official record"),
        # SLAC: the inspection is in the record, which gives it no single overall grade
        ("Gloucestershire", "gloucestershire-2010-full-inspection", "full inspection", "2010", "2011", "Inadequate",
         "confirmed"),
        ("Gloucestershire", "gloucestershire-2017-full-inspection", "full inspection", "2017-02 to 2017-03",
         "2017-06", "Inadequate", "confirmed"),
        ("Leeds", "leeds-2022-full-inspection", "full inspection", "", "", "Outstanding", "not checked"),
        ("Middlesbrough", "middlesbrough-2017-full-inspection", "full inspection", "", "2017", "Inadequate",
         "conflict: official record requires improvement"),
        ("Sheffield", "sheffield-2021-focused-visit", "focused visit", "2021-11", "", "ungraded",
         "not in the official record"),
        ("South Gloucestershire", "south-gloucestershire-2012-full-inspection", "full inspection", "2012", "",
         "Adequate", "confirmed"),
        ("South Gloucestershire", "south-gloucestershire-2016-full-inspection", "full inspection", "2016", "2017-02",
         "Inadequate", "confirmed"),
        ("South Gloucestershire", "south-gloucestershire-2019-full-inspection", "full inspection", "2019-03", "2019",
         "Requires improvement", "confirmed"),
        ("South Gloucestershire", "south-gloucestershire-2021-focused-visit", "focused visit", "2021-11", "",
         "ungraded", "not in the official record"),
    ]
    assert '<a href="#inspections">Every inspection</a>' in page


def test_changelog_comes_from_the_release_files(release: Release, page: str) -> None:
    heading = (release.path / "CHANGES.md").read_text(encoding="utf-8").splitlines()[0]
    since = f" (from {release.changes['from']})" if release.changes["from"] else ""
    assert heading == f"# Changes in {release.version}{since}"
    slug = re.sub(r"[^a-z0-9]+", "-", heading[2:].lower()).strip("-")
    changes = page.split('<section id="changes">')[1].split("</section>", maxsplit=1)[0]
    assert changes.startswith(f'\n<h2>Changes</h2>\n<h3 id="changes-{slug}">{escape(heading[2:])}</h3>\n')
    for change in release.changes["schema_changes"]:
        assert (f"<tr><td>{change['resource']}</td><td>{change['field'] or ''}</td><td>{change['change']}</td>"
                f"<td>{change['level']}</td></tr>") in changes
    for conflict in release.changes.get("official_conflicts", []):
        assert f"<li>{escape(conflict)}</li>" in changes


def _html_cell(cell: str) -> str:
    """A Markdown table cell as the page writes it: `code` spans, everything else escaped."""
    return "".join(f"<code>{escape(part)}</code>" if i % 2 else escape(part) for i, part in enumerate(cell.split("`")))


def test_dictionary_comes_from_the_release_files(release: Release, page: str) -> None:
    dictionary = page.split('<section id="dictionary">')[1]
    for resource in release.descriptor["resources"]:
        assert f'<h3 id="dictionary-{resource["name"].replace("_", "-")}">{resource["name"]}</h3>' in dictionary
        section = dictionary.split(f">{resource['name']}</h3>")[1].split("</table>")[0]
        rows = re.findall(r"<tr><td>(\w+)</td><td>(\w+)</td>", section)
        assert rows == [(f["name"], f["type"]) for f in resource["schema"]["fields"]]
    # the dictionary's escaped pipes (\|, in the la_code pattern) are literal pipes inside the cell
    markdown = (release.path / "data-dictionary.md").read_text(encoding="utf-8").splitlines()
    escaped = next(line for line in markdown if "\\|" in line)
    cells = [c.strip().replace("\x00", "|") for c in escaped.strip()[1:-1].replace("\\|", "\x00").split("|")]
    assert "<tr>" + "".join(f"<td>{_html_cell(c)}</td>" for c in cells) + "</tr>" in dictionary
    assert any("|" in c for c in cells)


def test_the_data_dictionary_heading_shows_once(release: Release, page: str) -> None:
    assert (release.path / "data-dictionary.md").read_text(encoding="utf-8").startswith("# Data dictionary\n")
    assert re.findall(r"<h\d[^>]*>Data dictionary</h\d>", page) == ["<h2>Data dictionary</h2>"]
    dictionary = page.split('<section id="dictionary">')[1].split("</section>", maxsplit=1)[0]
    assert dictionary.startswith("\n<h2>Data dictionary</h2>\n<p>Generated from <code>schemas/tables.py</code>")


def test_every_table_scrolls_in_a_box_of_its_own(page: str) -> None:
    """A wide table scrolls sideways inside its box on a phone, instead of widening the page."""
    assert page.count("<table>") == page.count('<div class="scroll" tabindex="0"><table>') > 10
    assert page.count("</table>") == page.count("</table></div>")
    assert "overflow-wrap: anywhere" not in page and "break-all" not in page
    assert '<div class="chart" tabindex="0">' in page


def test_page_fetches_nothing(page: str) -> None:
    assert "src=" not in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert all(not re.match(r"^[a-z]+:", h) or h == "data:," for h in hrefs), hrefs
    assert "default-src 'none'" in page


def test_render_is_deterministic_and_write_writes_it(release: Release, release_copy: Path, page: str) -> None:
    assert render_release_page(release.path) == page
    write_release_page(release_copy)
    assert (release_copy / "index.html").read_bytes() == page.encode("utf-8")


def test_changelog_html_is_escaped(release_copy: Path) -> None:
    changes = release_copy / "CHANGES.md"
    changes.write_text(changes.read_text(encoding="utf-8")
                       + '\n## <script>alert("h")</script>\n\n<script>alert("x")</script>\n\n'
                       + '- `<img src=x onerror=alert(1)>` & <b>\n\n| a | b |\n|---|---|\n| <i>c</i> | d |\n',
                       encoding="utf-8")
    html = render_release_page(release_copy)
    assert html.count("<script") == 1  # the page's own script, nothing from CHANGES.md
    assert '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>' in html
    assert ('<h4 id="changes-script-alert-h-script">&lt;script&gt;alert(&quot;h&quot;)&lt;/script&gt;</h4>'
            in html)
    assert "<li><code>&lt;img src=x onerror=alert(1)&gt;</code> &amp; &lt;b&gt;</li>" in html
    assert "<tr><td>&lt;i&gt;c&lt;/i&gt;</td><td>d</td></tr>" in html


def test_markdown_subset() -> None:
    text = ("# Title\n\nOne\nline `a|b` and `open\n\n- x\n  wrapped\n- `y`\n\n1. first\n\n"
            "| k | v |\n|---|---|\n| p \\| q | |\n")
    assert render_markdown(text, heading_offset=1, id_prefix="t-") == "\n".join([
        '<h2 id="t-title">Title</h2>',
        "<p>One line <code>a|b</code> and `open</p>",
        "<ul>\n<li>x wrapped</li>\n<li><code>y</code></li>\n</ul>",
        "<ol>\n<li>first</li>\n</ol>",
        "<table>\n<thead><tr><th>k</th><th>v</th></tr></thead>\n<tbody>\n<tr><td>p | q</td><td></td></tr>\n"
        "</tbody>\n</table>",
    ])
    assert render_markdown("## a\n\n## a\n") == '<h2 id="a">a</h2>\n<h2 id="a-2">a</h2>'


def test_code_spans_are_escaped_inside_and_out_and_an_unmatched_backtick_stays() -> None:
    """The paragraph is escaped whole, then cut at its backticks: every character inside and outside a span
    is escaped all the same, a span may be empty, and the last of an odd number of backticks is text."""
    assert render_markdown("a<`b&c` x `'d\"`>``e`f") == (
        "<p>a&lt;<code>b&amp;c</code> x <code>&#x27;d&quot;</code>&gt;<code></code>e`f</p>")
    assert render_markdown("Added (3): `a`, `b/1`, `c`") == (
        "<p>Added (3): <code>a</code>, <code>b/1</code>, <code>c</code></p>")
    assert render_markdown("no span & no tick") == "<p>no span &amp; no tick</p>"
    assert render_markdown("`") == "<p>`</p>"


# --- in a real browser -------------------------------------------------------------------------------

class DevTools:
    """A minimal Chrome DevTools Protocol client over one page target: commands, and every event kept."""

    def __init__(self, url: str) -> None:
        self.socket = connect(url, max_size=None, open_timeout=10)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 15) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message["result"]
            self.events.append(message)

    def navigate(self, url: str, timeout: float = 15) -> None:
        """Load `url` and wait for its load event; events of earlier pages are dropped."""
        self.events.clear()
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.01))))

    def settle(self) -> None:
        """Give late console messages time to arrive, then read everything sent before a round trip."""
        time.sleep(0.2)
        self.send("Runtime.evaluate", {"expression": "1"})

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        assert "exceptionDetails" not in result, result
        return result["result"]["value"]

    def errors(self) -> list[str]:
        """Uncaught exceptions, console.error/assert calls and browser log errors (CSP, failed loads)."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append(details.get("exception", {}).get("description") or details["text"])
            elif method == "Runtime.consoleAPICalled" and params["type"] in {"error", "assert"}:
                found.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"]["text"])
        return found

    def requested(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]


@dataclass(frozen=True)
class Viewport:
    """A window the page is read in; a phone's is emulated as Chromium's device mode does (mobile: the
    viewport meta tag applies, and a page wider than the screen would be zoomed out to fit)."""

    name: str
    width: int
    height: int
    mobile: bool


DESKTOP = Viewport("desktop", 1280, 800, mobile=False)
PHONE = Viewport("phone", 390, 844, mobile=True)


def _open_in_chromium(page: Path, profile: Path,
                      viewport: Viewport = DESKTOP) -> tuple[subprocess.Popen[bytes], DevTools]:
    """Start headless Chromium with DevTools on a free port, enable the domains that report errors, size the
    viewport, then load `page`. All before the navigation, so nothing the page logs is missed."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install Chromium ({INSTALL})"
    process = subprocess.Popen(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while not (port_file.is_file() and len(port_file.read_text().splitlines()) >= 2):
        assert process.poll() is None, f"chromium exited with {process.returncode}"
        assert time.monotonic() < deadline, "chromium did not open its DevTools port within 30 s"
        time.sleep(0.05)
    port = int(port_file.read_text().splitlines()[0])
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
        targets = json.load(response)
    target = next(t for t in targets if t["type"] == "page")
    devtools = DevTools(target["webSocketDebuggerUrl"])
    for domain in ("Runtime", "Log", "Page", "Network"):
        devtools.send(f"{domain}.enable")
    devtools.send("Emulation.setDeviceMetricsOverride", {"width": viewport.width, "height": viewport.height,
                                                         "deviceScaleFactor": 1, "mobile": viewport.mobile})
    devtools.navigate(page.as_uri())
    return process, devtools


def _stop(process: subprocess.Popen[bytes], devtools: DevTools | None) -> None:
    if devtools is not None:
        devtools.socket.close()
    os.killpg(process.pid, signal.SIGTERM)  # the process group started above (its own session)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# Each mark: its inspection, its grade, and whether it and each of its parts (the grade's shape, the bar of
# a month or year, the ring of a contradicted grade; null when it has none) take up room on the screen.
_MARKS_SHOWN = """Array.from(document.querySelectorAll('.mark')).map(m => {
  const shown = e => { if (!e) return null; const b = e.getBoundingClientRect(); return b.width > 0 && b.height > 0; };
  return [m.dataset.inspectionId, m.dataset.grade || null, shown(m), shown(m.querySelector('.glyph')),
          shown(m.querySelector('.span')), shown(m.querySelector('.contradicted'))]; })"""

# What makes a page scroll sideways: wider than the window, or (on a phone) zoomed out to fit it.
_LAYOUT = """({innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
  scale: window.visualViewport.scale})"""

# Words (runs of letters and digits, which nothing may break) of table cells that span two line boxes: the
# "strin g" of `overflow-wrap: anywhere`. A break at a space or after a hyphen is not one.
_BROKEN_WORDS = """(() => {
  const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/[\\p{L}\\p{N}]+/gu)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        if (new Set(Array.from(range.getClientRects(), r => Math.round(r.top))).size > 1) broken.push(word[0]);
      }
    }
  }
  return broken; })()"""

# How table cells may wrap, and the box each table sits in (class, overflow-x): one entry per kind found.
_CELL_WRAPPING = """[Array.from(new Set(Array.from(document.querySelectorAll('td, th'), c => {
    const style = getComputedStyle(c); return style.overflowWrap + ' ' + style.wordBreak; }))),
  Array.from(new Set(Array.from(document.querySelectorAll('table'), t =>
    t.parentElement.className + ' ' + getComputedStyle(t.parentElement).overflowX)))]"""

# The boxes that scroll sideways inside the page (wider content than room): the chart's, by its class, and
# each table's, by the id of the section it is in.
_SCROLLING = """Array.from(document.querySelectorAll('.chart, .scroll')).filter(b => b.scrollWidth > b.clientWidth)
  .map(b => b.classList.contains('chart') ? 'chart' : b.closest('section').id)"""


def _sideways(devtools: DevTools, viewport: Viewport) -> list[str]:
    """Why the page would scroll sideways in `viewport`, if it would."""
    layout = devtools.evaluate(_LAYOUT)
    problems = []
    if layout["innerWidth"] != viewport.width or layout["scale"] != 1:
        problems.append(f"zoomed out to fit: {layout}")
    if layout["scrollWidth"] > viewport.width:
        problems.append(f"scrolls sideways: {layout}")
    return problems


def _png_size(data: bytes) -> tuple[int, int]:
    """The width and height of a whole PNG (signature, header first and end chunk last), else fail."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", data[:16]
    assert data[-12:] == b"\x00\x00\x00\x00IEND\xaeB`\x82"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _screenshot(devtools: DevTools, viewport: Viewport, folder: Path) -> Path:
    """The whole page, at the viewport's width, as page-<width>.png in `folder`."""
    height = devtools.send("Page.getLayoutMetrics")["cssContentSize"]["height"]
    shot = devtools.send("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": viewport.width, "height": height, "scale": 1}}, timeout=60)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"page-{viewport.width}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=lambda v: f"{v.name}-{v.width}")
def test_page_in_headless_chromium_shows_every_inspection_without_errors(
        release: Release, release_copy: Path, tmp_path: Path, viewport: Viewport) -> None:
    write_release_page(release_copy)
    page = release_copy / "index.html"
    process, devtools = _open_in_chromium(page, tmp_path / "profile", viewport)
    try:
        contradicted = {i for i, _, _ in release.contradicted()}
        # every mark shows, and so do its shape, its bar (every seed date is a month or a year) and its ring
        assert sorted(devtools.evaluate(_MARKS_SHOWN)) == sorted(
            [r["inspection_id"], r["overall_grade"], True, True, True,
             True if r["inspection_id"] in contradicted else None] for r in release.drawn)
        assert devtools.evaluate("document.querySelectorAll('[data-inspection-id]').length") == len(release.drawn)
        assert devtools.evaluate("document.querySelectorAll('.mark .contradicted').length") == 1
        assert devtools.evaluate("document.querySelectorAll('.mark[data-filter=ungraded] .glyph').length") == 3
        assert devtools.evaluate("document.getElementById('version').textContent") == release.version
        assert devtools.evaluate("document.querySelectorAll('#inspections tbody tr').length") == len(
            release.inspections)
        # the page never scrolls sideways: the chart and the wide tables scroll in their own boxes
        assert _sideways(devtools, viewport) == []
        assert devtools.evaluate(_CELL_WRAPPING) == [["normal normal"], ["scroll auto"]]
        assert devtools.evaluate(_BROKEN_WORDS) == []
        # on a phone the chart and the tables are wider than the screen; on a desktop only tables of the data
        # dictionary can be (their URLs, file names and patterns do not break), and the page's own fit
        scrolling = set(devtools.evaluate(_SCROLLING))
        if viewport is PHONE:
            assert scrolling == {"chart", "tables", "inspections", "dictionary"}, scrolling
        else:
            assert scrolling <= {"dictionary"}, scrolling
        folder = Path(os.environ.get("RELEASE_PAGE_SCREENSHOTS") or tmp_path / "screenshots")
        shot = _screenshot(devtools, viewport, folder)
        width, height = _png_size(shot.read_bytes())
        assert width == viewport.width and height >= viewport.height, (width, height)
        devtools.settle()
        assert devtools.errors() == []
        assert devtools.requested() == [page.as_uri()]  # nothing fetched but the page itself
    finally:
        _stop(process, devtools)


_HIDDEN = ("Array.from(document.querySelectorAll('.mark')).filter("
           "  m => getComputedStyle(m).display === 'none').map(m => m.dataset.inspectionId).sort()")


def _press(devtools: DevTools, kind: str) -> list[str]:
    """Press a legend button; the marks hidden then."""
    return devtools.evaluate(f"document.querySelector('.legend button[data-filter={kind}]').click(); {_HIDDEN}")


@pytest.mark.slow
def test_legend_buttons_show_and_hide_every_kind_of_mark(release: Release, release_copy: Path,
                                                         tmp_path: Path) -> None:
    write_release_page(release_copy)
    process, devtools = _open_in_chromium(release_copy / "index.html", tmp_path / "profile")
    try:
        kinds = devtools.evaluate("Array.from(document.querySelectorAll('.legend button'), b => b.dataset.filter)")
        assert kinds == [*_vocabulary(release), "ungraded", "contradicted"]
        graded = dict(release.graded)
        for kind in kinds:
            assert _press(devtools, kind) == sorted(
                r["inspection_id"] for r in release.drawn if kind in (graded.get(r["inspection_id"], "ungraded"),)
                or (kind == "contradicted" and r["inspection_id"] == "middlesbrough-2017-full-inspection")), kind
            assert devtools.evaluate(f"document.querySelector('[data-filter={kind}]').ariaPressed") == "false"
            assert _press(devtools, kind) == [], kind
        # a mark shows while every kind it is of does: Middlesbrough is inadequate and contradicted
        assert _press(devtools, "contradicted") == ["middlesbrough-2017-full-inspection"]
        assert "middlesbrough-2017-full-inspection" in _press(devtools, "inadequate")
        assert _press(devtools, "inadequate") == ["middlesbrough-2017-full-inspection"]
        assert _press(devtools, "contradicted") == []
        devtools.settle()
        assert devtools.errors() == []
    finally:
        _stop(process, devtools)


@pytest.mark.slow
def test_the_browser_harness_reports_errors_and_fetches(release_copy: Path, tmp_path: Path) -> None:
    """The no-errors test above proves something only if the harness sees errors: break pages on purpose."""
    write_release_page(release_copy)
    html = (release_copy / "index.html").read_text(encoding="utf-8")
    bad = '<script>console.error("boom"); throw new Error("bang")</script>'
    with_csp = release_copy / "with-csp.html"
    with_csp.write_text(html.replace("</main>", '</main><img src="https://example.invalid/x.png">' + bad),
                        encoding="utf-8")
    without_csp = release_copy / "without-csp.html"  # the script runs: its error and exception must be seen
    without_csp.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
                           .replace("</main>", "</main>" + bad), encoding="utf-8")
    process, devtools = _open_in_chromium(with_csp, tmp_path / "profile")
    try:
        devtools.settle()
        errors = devtools.errors()
        # the page's Content-Security-Policy refuses the injected script and image, and says so
        assert any("Content Security Policy" in e and "script-src" in e for e in errors), errors
        assert any("Content Security Policy" in e and "img-src" in e for e in errors), errors
        assert "https://example.invalid/x.png" in devtools.requested()  # an attempt is seen, even if blocked
        devtools.navigate(without_csp.as_uri())
        devtools.settle()
        errors = devtools.errors()
        assert "boom" in errors, errors  # console.error
        assert any(e.startswith("Error: bang") for e in errors), errors  # uncaught exception
    finally:
        _stop(process, devtools)


@pytest.mark.slow
def test_the_layout_checks_see_sideways_scroll_and_broken_words(release_copy: Path, tmp_path: Path) -> None:
    """The phone checks above prove something only if they fail on the page as it was: cells that break
    anywhere (the "strin g" of the old style) and content wider than the screen."""
    write_release_page(release_copy)
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                  (release_copy / "index.html").read_text(encoding="utf-8"))
    broken = release_copy / "broken.html"
    broken.write_text(html.replace("</head>", "<style>td { overflow-wrap: anywhere; } .scroll { overflow-x: visible; }"
                                              "</style></head>"), encoding="utf-8")
    process, devtools = _open_in_chromium(broken, tmp_path / "profile", PHONE)
    try:
        assert devtools.evaluate(_CELL_WRAPPING) == [["normal normal", "anywhere normal"], ["scroll visible"]]
        assert len(devtools.evaluate(_BROKEN_WORDS)) > 10
        wide = release_copy / "wide.html"
        wide.write_text(html.replace("</main>", '<div style="width: 1000px">wide</div></main>'), encoding="utf-8")
        devtools.navigate(wide.as_uri())
        layout = devtools.evaluate(_LAYOUT)
        assert layout["scrollWidth"] > 1000  # the div, and the body's padding
        # as a phone does, the page is zoomed out to fit its width: both checks see it
        assert _sideways(devtools, PHONE) == [f"zoomed out to fit: {layout}", f"scrolls sideways: {layout}"]
    finally:
        _stop(process, devtools)


def test_a_page_that_fails_to_render_writes_no_file(release_copy: Path) -> None:
    (release_copy / "index.html").unlink()
    (release_copy / "datapackage.json").write_text("{}", encoding="utf-8")
    with pytest.raises(KeyError):
        write_release_page(release_copy)
    assert not (release_copy / "index.html").exists()
