"""The release page: one static `index.html` per release, readable from a file system or any static host.

Everything on the page comes from the release folder itself (datapackage.json, the Parquet files,
CHANGES.md, data-dictionary.md, the folder's listing), so the page of an old release describes that
release, not today's schemas. The page is self-contained (inline CSS, inline JS, inline SVG; a
Content-Security-Policy that forbids every fetch), so it works offline and leaks nothing to third
parties. It is byte-deterministic: the only time on it is the release's own `created`, and the chart is
drawn server-side (page_chart.py) with fixed number formatting, so rebuilding a release rebuilds the
same page. It reads on a phone: wide tables and the chart scroll inside their own boxes, never the page.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyarrow.parquet as pq

from ofsted_dataset.periods import written
from ofsted_dataset.release.citation import CITATION_FILE, citation_text
from ofsted_dataset.release.duckdb_file import DUCKDB_FILE
from ofsted_dataset.release.files import CHECKSUMS, archive_name, parquet_file
from ofsted_dataset.release.markdown import render_markdown
from ofsted_dataset.release.page_chart import inspection_marks, label, placement, render_chart, words

PAGE = "index.html"
_DICTIONARY = "Data dictionary"  # the section's heading, and the title data-dictionary.md opens with

_CSS = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem; line-height: 1.45;
  color: #1b1b1b; }
@media (max-width: 40rem) { body { padding: 0.75rem; } }
h1 { margin-bottom: 0.2rem; }
nav { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.count { text-align: right; font-variant-numeric: tabular-nums; }
td code { white-space: nowrap; }
code { font-family: ui-monospace, monospace; font-size: 0.85em; background: #f5f5f5; padding: 0 0.15em; }
p, li, blockquote { overflow-wrap: break-word; }
pre, .scroll, .chart { overflow-x: auto; }
/* A table as wide as its lines want, up to the page's width: on a phone it scrolls rather than squeeze each
   column to its longest word. Shadows at the edges say there is more to scroll to. */
.scroll > table { width: max-content; max-width: 68rem; }
.scroll, .chart { background: linear-gradient(to right, #fff 30%, #fff0) left / 2rem 100% no-repeat local,
  linear-gradient(to left, #fff 30%, #fff0) right / 2rem 100% no-repeat local,
  radial-gradient(farthest-side at 0 50%, #0003, #0000) left / 0.75rem 100% no-repeat scroll,
  radial-gradient(farthest-side at 100% 50%, #0003, #0000) right / 0.75rem 100% no-repeat scroll; }
.meta { color: #555; margin-top: 0; }
.files { columns: 20rem; padding-left: 1.2rem; }
.citation { margin: 0.5rem 0; padding: 0.1rem 1rem; border-left: 4px solid #ccc; background: #f7f7f7; }
.chart svg { font-family: system-ui, sans-serif; font-size: 12px; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; }
.legend button { font: inherit; background: none; border: 1px solid #ccc; border-radius: 4px; padding: 0.1rem 0.5rem;
  cursor: pointer; }
.legend button[aria-pressed="false"] { opacity: 0.45; text-decoration: line-through; }
.swatch { margin-right: 0.35rem; vertical-align: -0.3rem; }
.mark.hidden { display: none; }
"""

# Legend buttons show or hide the marks of one kind (a grade, ungraded visits, contradicted grades); a mark
# shows while every kind it belongs to does. Nothing else: the page is complete without it.
_JS = """
"use strict";
var buttons = Array.prototype.slice.call(document.querySelectorAll(".legend button[data-filter]"));
buttons.forEach(function (button) {
  button.addEventListener("click", function () {
    button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
    var hidden = buttons.filter(function (b) { return b.getAttribute("aria-pressed") === "false"; })
      .map(function (b) { return b.dataset.filter; });
    document.querySelectorAll(".mark").forEach(function (mark) {
      mark.classList.toggle("hidden", mark.dataset.filter.split(" ").some(function (kind) {
        return hidden.indexOf(kind) >= 0;
      }));
    });
  });
});
"""

# How to read the chart, above it.
_CHART_KEY = (
    "<p>One row per local authority, one mark per inspection, at its publication date, else the start of its "
    "visit. A graded inspection (<code>inspections.overall_grade</code> not null) is a filled mark whose colour "
    "and shape both give the grade; an ungraded visit (a focused or monitoring visit, say) is a hollow grey "
    "circle. A date known to the day is the mark alone; a date known only to the month or year is a bar from the "
    "first to the last day of that period, with the mark at its middle: the date is somewhere on the bar. A dashed "
    "ring marks a grade that Ofsted's official record contradicts (table <code>official_checks</code>). Hover a "
    "mark for the inspection; the <a href=\"#inspections\">table of every inspection</a> below says the same in "
    "words.</p>")

# What the official record says of a news claim, from official_checks' status.
_VERDICTS = {"confirmed": "confirmed", "not_in_official_record": "not in the official record",
             "not_checked": "not checked"}


# --- the page ----------------------------------------------------------------------------------------

def _scrolling(html: str) -> str:
    """Each table in a box that scrolls sideways, so a wide table never widens the page on a phone.
    (Markdown is rendered with every `<` of its source escaped: a `<table>` here is one the page made.)"""
    return html.replace("<table>", '<div class="scroll" tabindex="0"><table>').replace("</table>", "</table></div>")


def _row_counts(release_dir: Path, descriptor: dict[str, Any]) -> str:
    """Rows per table, read from the Parquet footers (no data read), in the descriptor's order."""
    html = ["<table>", "<thead><tr><th>table</th><th>what</th><th>rows</th><th>files</th></tr></thead>", "<tbody>"]
    for resource in descriptor["resources"]:
        parquet = resource["parquet"]["path"]
        rows = pq.read_metadata(release_dir / parquet).num_rows
        html.append(
            f'<tr><td><code>{escape(resource["name"])}</code></td><td>{escape(resource.get("title", ""))}</td>'
            f'<td class="count">{rows}</td><td><a href="{escape(resource["path"])}">CSV</a> · '
            f'<a href="{escape(parquet)}">Parquet</a></td></tr>')
    return _scrolling("\n".join([*html, "</tbody>", "</table>"]))


def _release_files(release_dir: Path, version: str) -> list[str]:
    """Every file of the release but the page, as the published release holds them: those in the folder, and
    the four a publish writes after the page (the database file, SHA256SUMS, the zip and its checksum). The
    page is rendered before they exist, and must read the same once they do."""
    written_after = {DUCKDB_FILE, CHECKSUMS, archive_name(version), f"{archive_name(version)}.sha256"}
    present = {p.relative_to(release_dir).as_posix() for p in release_dir.rglob("*") if p.is_file()}
    return sorted((present | written_after) - {PAGE})


def _files(release_dir: Path, version: str) -> str:
    """A link to each file of the release, so none has to be guessed from the zip or SHA256SUMS."""
    names = _release_files(release_dir, version)
    return "\n".join([
        "<p>Everything in this release, to download one by one, or all at once in "
        f"<code>{escape(archive_name(version))}</code>. <code>{CHECKSUMS}</code> gives the SHA-256 of every file "
        "but the zip, which has its own <code>.sha256</code>.</p>",
        '<ul class="files">', *(f'<li><a href="{escape(quote(n))}">{escape(n)}</a></li>' for n in names), "</ul>"])


def _citation(release_dir: Path, descriptor: dict[str, Any]) -> str:
    """The citation every place quotes (citation.py), and the machine-readable file when the release has one."""
    html = ["<p>Cite the version you used: releases differ, and each one stays as it was published.</p>",
            f'<blockquote class="citation"><p id="citation">{escape(citation_text(descriptor))}</p></blockquote>']
    if (release_dir / CITATION_FILE).is_file():
        html.append(f'<p>For reference managers: <a href="{CITATION_FILE}">{CITATION_FILE}</a> '
                    "(Citation File Format).</p>")
    return "\n".join(html)


def _grades(descriptor: dict[str, Any]) -> list[str]:
    """The grade vocabulary as this release declares it (the overall_grade enum of inspections)."""
    for resource in descriptor["resources"]:
        if resource["name"] == "inspections":
            for field in resource["schema"]["fields"]:
                if field["name"] == "overall_grade":
                    return list(field.get("constraints", {}).get("enum", []))
    return []


# What the page shows of each inspection (`_inspection_table`, `inspection_marks`), and the checks it looks up
# (`_verdict`, `_chart`): only those are read, as Python objects. At 100,000 articles every column of the 60,000
# inspections and of every check of them were 0.4 GB so.
_SHOWN = ("local_authority", "inspection_id", "inspection_type", "visit_start", "visit_end", "visit_precision",
          "published_date", "published_date_precision", "overall_grade", "official_status", "official_overall_grade",
          "official_conflicts")
_CHECKED_FIELDS = ("overall_grade", "inspection_type")


def _inspections(release_dir: Path) -> list[dict[str, Any]]:
    """The inspections as the page shows them: a release made before the official_* columns has none (`_verdict`
    then reads the checks)."""
    path = parquet_file(release_dir, "inspections")
    present = set(pq.read_schema(path).names)
    return pq.read_table(path, columns=[name for name in _SHOWN if name in present]).to_pylist()


def _official_checks(release_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """The release's checks of inspections against Ofsted's official record, by (inspection_id, field);
    none for a release made before the checks existed."""
    path = parquet_file(release_dir, "official_checks")
    if not path.is_file():
        return {}
    rows = pq.read_table(path, columns=["record_id", "field", "status", "official_value"],
                         filters=[("table_name", "=", "inspections"), ("field", "in", _CHECKED_FIELDS)]).to_pylist()
    return {(r["record_id"], r["field"]): r for r in rows}


def _chart(inspections: list[dict[str, Any]], checks: dict[tuple[str, str], dict[str, Any]],
           descriptor: dict[str, Any]) -> str:
    """The chart, and the inspections it cannot place, named rather than silently left out."""
    contradicted = {record: check["official_value"] for (record, field), check in checks.items()
                    if field == "overall_grade" and check["status"] == "conflict"}
    marks, undated = inspection_marks(inspections, contradicted)
    known = _grades(descriptor)
    # a grade the release does not declare still gets its legend entry
    grades = known + sorted({m.grade for m in marks if m.grade is not None} - set(known))
    chart = (f'<div class="chart" tabindex="0">\n{render_chart(marks, grades)}\n</div>' if marks
             else "<p>No dated inspection in this release.</p>")
    if undated:
        chart += ("\n<p>Not drawn, for want of any date: "
                  + ", ".join(f"<code>{escape(i)}</code>" for i in undated) + ".</p>")
    return chart


def _verdict(row: dict[str, Any], checks: dict[tuple[str, str], dict[str, Any]]) -> str:
    """The official record on the inspection: its own verdict column where the release has one, else (an
    older release) the check of its news grade, or for an ungraded visit of the visit itself."""
    if row.get("official_status") is not None:
        status, official = row["official_status"], row["official_overall_grade"]
        if status == "conflict":
            return f"conflict: official record {words(official)}"\
                if official else f"conflict: {row['official_conflicts']}"
        return _VERDICTS.get(status, words(status))
    check = checks.get((row["inspection_id"], "inspection_type" if row["overall_grade"] is None else "overall_grade"))
    if check is None:
        return "not checked"
    if check["status"] == "conflict":
        return f"conflict: official record {words(check['official_value'] or 'none')}"
    return _VERDICTS.get(check["status"], words(check["status"]))


def _at_precision(date: dt.date | None, precision: str | None) -> str:
    return "" if date is None else written(date, precision)


def _visit(row: dict[str, Any]) -> str:
    start = _at_precision(row["visit_start"], row["visit_precision"])
    end = _at_precision(row["visit_end"], row["visit_precision"])
    return f"{start} to {end}" if end and end != start else start


def _inspection_table(inspections: list[dict[str, Any]], checks: dict[tuple[str, str], dict[str, Any]]) -> str:
    """Every inspection in words, by council then date (as the chart places it; undated last): what the chart
    shows, for readers who cannot see it, and the official record's verdict on each claim."""
    def order(row: dict[str, Any]) -> tuple[str, dt.date, str]:
        placed = placement(row)
        return row["local_authority"], placed[1] if placed else dt.date.max, row["inspection_id"]

    head = ("Local authority", "Inspection", "Type", "Visit", "Published", "Overall grade", "Official record")
    html = ["<p>Dates are written as precisely as they are known (2017, 2017-06 or 2017-06-14). Official record: "
            "Ofsted's official statistics on the inspection (<code>inspections.official_status</code>, from table "
            "<code>official_checks</code>): confirmed, in conflict with the news, not in the record, or not "
            "checked.</p>",
            "<table>", "<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in head) + "</tr></thead>", "<tbody>"]
    for row in sorted(inspections, key=order):
        cells = (escape(row["local_authority"]), f"<code>{escape(row['inspection_id'])}</code>",
                 escape(words(row["inspection_type"])), _visit(row),
                 _at_precision(row["published_date"], row["published_date_precision"]),
                 escape(label(row["overall_grade"])) if row["overall_grade"] else "ungraded",
                 escape(_verdict(row, checks)))
        html.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return _scrolling("\n".join([*html, "</tbody>", "</table>"]))


def _without_title(markdown: str, title: str) -> str:
    """The document without its first line when that is the heading `title`, which the section shows."""
    first, _, rest = markdown.partition("\n")
    return rest if first.strip() == f"# {title}" else markdown


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def render_release_page(release_dir: Path) -> str:
    """The release's `index.html`, from its datapackage.json, Parquet files, CHANGES.md, data-dictionary.md
    and the list of its files. Same release folder, same string."""
    return "\n".join(_page_lines(release_dir))


def _page_lines(release_dir: Path) -> list[str]:
    """The page's lines, some of them whole sections (the chart, the table of every inspection)."""
    descriptor = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
    version, created = descriptor["version"], descriptor["created"]
    title = descriptor.get("title", descriptor["name"])
    inspections = _inspections(release_dir)
    checks = _official_checks(release_dir)
    changes = release_dir / "CHANGES.md"
    changelog = (render_markdown(changes.read_text(encoding="utf-8"), heading_offset=2, id_prefix="changes-")
                 if changes.is_file() else "<p>No CHANGES.md in this release.</p>")
    dictionary = render_markdown(
        _without_title((release_dir / "data-dictionary.md").read_text(encoding="utf-8"), _DICTIONARY),
        heading_offset=1, id_prefix="dictionary-")
    return [
        *_head(title, version),
        "<body>",
        *_header(descriptor, title, version, created),
        "<main>",
        *_section("files", "Files", _files(release_dir, version)),
        *_section("cite", "How to cite", _citation(release_dir, descriptor)),
        *_section("tables", "Tables", _row_counts(release_dir, descriptor)),
        *_section("grades", "Overall grades over time", _CHART_KEY, _chart(inspections, checks, descriptor)),
        *_section("inspections", "Every inspection", _inspection_table(inspections, checks)),
        *_section("changes", "Changes", _scrolling(changelog)),
        *_section("dictionary", _DICTIONARY, _scrolling(dictionary)),
        "</main>",
        f"<script>{_JS}</script>",
        "</body>",
        "</html>",
        "",
    ]


def _head(title: str, version: str) -> list[str]:
    # Only this page's own style and script may run; nothing may be fetched (img-src for the empty favicon).
    csp = (f"default-src 'none'; style-src {_csp_hash(_CSS)}; script-src {_csp_hash(_JS)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{escape(title)} {escape(version)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
    ]


def _header(descriptor: dict[str, Any], title: str, version: str, created: str) -> list[str]:
    licences = ", ".join(escape(lic.get("title") or lic["name"]) for lic in descriptor.get("licenses", []))
    return [
        "<header>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">Version <strong id="version">{escape(version)}</strong>, created '
        f'<time id="created" datetime="{escape(created)}">{escape(created)}</time>'
        + (f". Licence: {licences}." if licences else ".") + "</p>",
        f"<p>{escape(descriptor.get('description', ''))}</p>",
        '<nav><a href="#files">Files</a><a href="#cite">How to cite</a><a href="#tables">Tables</a>'
        '<a href="#grades">Grades over time</a><a href="#inspections">Every inspection</a>'
        '<a href="#changes">Changes</a><a href="#dictionary">Data dictionary</a>'
        '<a href="datapackage.json">datapackage.json</a></nav>',
        "</header>",
    ]


def _section(anchor: str, heading: str, *content: str) -> list[str]:
    """A section the header's navigation links to, by `anchor`."""
    return [f'<section id="{anchor}">', f"<h2>{heading}</h2>", *content, "</section>"]


def write_release_page(release_dir: Path) -> None:
    """Write `index.html` into the release folder (call it before SHA256SUMS, so the checksums cover it): the
    string render_release_page gives, a line at a time, never whole as text and bytes. At 100,000 articles the page
    is 44 MB, written while a first release's database file loads, the publish's busiest moment."""
    lines = _page_lines(release_dir)  # rendered before the file is opened: a page that fails to render leaves none
    with (release_dir / PAGE).open("w", encoding="utf-8", newline="") as page:
        page.write(lines[0])
        for line in lines[1:]:
            page.write("\n")
            page.write(line)
