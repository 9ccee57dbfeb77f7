"""The release page: one static `index.html` per release, readable from a file system or any static host.

Everything on the page comes from the release folder itself (datapackage.json, the Parquet files,
CHANGES.md, data-dictionary.md), so the page of an old release describes that release, not today's
schemas. The page is self-contained (inline CSS, inline JS, inline SVG; a Content-Security-Policy that
forbids every fetch), so it works offline and leaks nothing to third parties. It is byte-deterministic:
the only time on it is the release's own `created`, and the chart is drawn here, server-side, with fixed
number formatting, so rebuilding a release rebuilds the same page.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ofsted_dataset.periods import written
from ofsted_dataset.release.markdown import render_markdown

PAGE = "index.html"

# Colour per grade (fill); a dark outline on every mark keeps the light ones visible on white.
GRADE_COLOURS = {
    "outstanding": "#1a9850",
    "good": "#91cf60",
    "requires_improvement": "#fdae61",
    "adequate": "#fee08b",
    "inadequate": "#d73027",
}
_FALLBACK_COLOUR = "#999999"  # a grade a future vocabulary adds before this palette knows it

# Chart geometry, in SVG user units (px).
_ROW_HEIGHT = 32
_TOP = 16
_AXIS_HEIGHT = 36
_PLOT_WIDTH = 640
_RIGHT = 24
_MARK_RADIUS = 7
_STACK_STEP = 9  # vertical offset between marks of one council on the same date
_CHAR_WIDTH = 7.5  # rough width of a label character, to size the left margin without measuring fonts

_CSS = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem; line-height: 1.45;
  color: #1b1b1b; }
h1 { margin-bottom: 0.2rem; }
nav a { margin-right: 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.count { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: ui-monospace, monospace; font-size: 0.85em; background: #f5f5f5; padding: 0 0.15em; }
p, li, td { overflow-wrap: anywhere; }
.meta { color: #555; margin-top: 0; }
.chart { overflow-x: auto; }
.chart svg { font-family: system-ui, sans-serif; font-size: 12px; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; }
.legend button { font: inherit; background: none; border: 1px solid #ccc; border-radius: 4px; padding: 0.1rem 0.5rem;
  cursor: pointer; }
.legend button[aria-pressed="false"] { opacity: 0.45; text-decoration: line-through; }
.swatch { margin-right: 0.35rem; vertical-align: -0.1rem; }
.mark.hidden { display: none; }
"""

# Legend buttons show or hide the marks of one grade. Nothing else: the page is complete without it.
_JS = """
"use strict";
document.querySelectorAll(".legend button[data-grade]").forEach(function (button) {
  button.addEventListener("click", function () {
    var shown = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", shown ? "true" : "false");
    document.querySelectorAll('.mark[data-grade="' + button.dataset.grade + '"]').forEach(function (mark) {
      mark.classList.toggle("hidden", !shown);
    });
  });
});
"""

# How to read the chart, above it.
_CHART_KEY = ("<p>One row per local authority, one circle per graded inspection "
              "(<code>inspections.overall_grade</code> not null), at its publication date, else the start of its "
              "visit. A date known only to the month or year is drawn at the first day of that period. Hover a "
              "circle for the inspection.</p>")


# --- the chart ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    """One graded inspection placed on the time line."""

    inspection_id: str
    local_authority: str
    grade: str
    date: dt.date
    date_kind: str  # "published" or "visit started": which date placed the mark
    precision: str | None


def graded_inspections(release_dir: Path) -> tuple[list[Mark], list[str]]:
    """The graded inspections of the release as marks (ordered by council, date, id), and the ids of
    graded inspections with no date to place them at (listed under the chart, never silently dropped)."""
    rows = pq.read_table(release_dir / "data" / "inspections.parquet").to_pylist()
    marks, undated = [], []
    for row in rows:
        if row["overall_grade"] is None:
            continue
        if row["published_date"] is not None:
            date, kind, precision = row["published_date"], "published", row["published_date_precision"]
        elif row["visit_start"] is not None:
            date, kind, precision = row["visit_start"], "visit started", row["visit_precision"]
        else:
            undated.append(row["inspection_id"])
            continue
        marks.append(Mark(row["inspection_id"], row["local_authority"], row["overall_grade"], date, kind, precision))
    marks.sort(key=lambda m: (m.local_authority, m.date, m.inspection_id))
    return marks, sorted(undated)


def _year_fraction(date: dt.date) -> float:
    start = dt.date(date.year, 1, 1)
    days = (dt.date(date.year + 1, 1, 1) - start).days
    return date.year + (date - start).days / days


def _label(grade: str) -> str:
    return grade.replace("_", " ").capitalize()


def _shown_date(mark: Mark) -> str:
    """The date as precisely as it is known: 2017, 2017-06 or 2017-06-14."""
    return written(mark.date, mark.precision)


@dataclass(frozen=True)
class _Axis:
    """Where a year falls across the plot: one rule for the grid lines, their labels and the marks."""

    left: int  # the plot's left edge, past the longest council name
    first: int
    span: int  # years from the first to the axis's end

    def x(self, year: float) -> str:
        return f"{self.left + (year - self.first) / self.span * _PLOT_WIDTH:.1f}"


def render_chart(marks: list[Mark], grades: list[str]) -> str:
    """An SVG time line: one row per council, one circle per graded inspection at its date, coloured by
    grade. Coordinates are formatted to one decimal so the same marks always give the same bytes."""
    councils = sorted({m.local_authority for m in marks})
    first = min(m.date.year for m in marks)
    last = max(m.date.year for m in marks) + 1  # the axis ends at 1 January after the last mark's year
    span = last - first
    step = 1 if span <= 15 else 2 if span <= 30 else 5
    axis = _Axis(round(max(len(c) for c in councils) * _CHAR_WIDTH) + 16, first, span)
    width = axis.left + _PLOT_WIDTH + _RIGHT
    plot_bottom = _TOP + len(councils) * _ROW_HEIGHT
    height = plot_bottom + _AXIS_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="chart-title chart-desc">',
        '<title id="chart-title">Overall grades of inspections over time, per local authority</title>',
        f'<desc id="chart-desc">{len(marks)} graded inspection(s) of {len(councils)} local authorit'
        f'{"y" if len(councils) == 1 else "ies"}, {first} to {last - 1}; each circle is one inspection, '
        'placed at its publication date, else the start of its visit.</desc>',
        *_grid(axis, list(range(first, last + 1, step)), plot_bottom),
    ]
    for row, council in enumerate(councils):
        parts += _council_row(axis, _TOP + row * _ROW_HEIGHT + _ROW_HEIGHT / 2, council,
                              [m for m in marks if m.local_authority == council])
    parts.append("</svg>")
    return "\n".join(_legend(grades) + parts)


def _grid(axis: _Axis, years: list[int], plot_bottom: int) -> list[str]:
    """A vertical line and a label per year shown, so a mark can be read against its year."""
    lines = [f'<line x1="{axis.x(year)}" y1="{_TOP}" x2="{axis.x(year)}" y2="{plot_bottom}"/>' for year in years]
    labels = [f'<text x="{axis.x(year)}" y="{plot_bottom + 18}">{year}</text>' for year in years]
    return ['<g class="axis" stroke="#ccc">', *lines, "</g>",
            '<g class="axis-labels" fill="#333" text-anchor="middle">', *labels, "</g>"]


def _council_row(axis: _Axis, y: float, council: str, marks: list[Mark]) -> list[str]:
    """One council's row: its name, its line and a circle per graded inspection."""
    parts = [f'<g class="council" data-local-authority="{escape(council)}">',
             f'<line x1="{axis.left}" y1="{y:.1f}" x2="{axis.left + _PLOT_WIDTH}" y2="{y:.1f}" stroke="#eee"/>',
             f'<text x="{axis.left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#1b1b1b">{escape(council)}</text>']
    seen: dict[dt.date, int] = {}
    for mark in marks:
        stacked = seen.get(mark.date, 0)
        seen[mark.date] = stacked + 1
        # marks sharing a date alternate above and below the row line: all stay visible
        offset = (stacked + 1) // 2 * _STACK_STEP * (1 if stacked % 2 else -1)
        tooltip = f"{council}: {_label(mark.grade)} ({mark.inspection_id}), {mark.date_kind} {_shown_date(mark)}"
        parts.append(
            f'<circle class="mark" data-inspection-id="{escape(mark.inspection_id)}" '
            f'data-grade="{escape(mark.grade)}" cx="{axis.x(_year_fraction(mark.date))}" cy="{y + offset:.1f}" '
            f'r="{_MARK_RADIUS}" fill="{GRADE_COLOURS.get(mark.grade, _FALLBACK_COLOUR)}" stroke="#333">'
            f"<title>{escape(tooltip)}</title></circle>")
    parts.append("</g>")
    return parts


def _legend(grades: list[str]) -> list[str]:
    """A button per grade, which the page's script turns into a filter; without the script, a key."""
    legend = ['<ul class="legend" aria-label="Grades (click to show or hide)">']
    for grade in grades:
        colour = GRADE_COLOURS.get(grade, _FALLBACK_COLOUR)
        legend.append(f'<li><button type="button" data-grade="{escape(grade)}" aria-pressed="true">'
                      f'<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
                      f'<circle cx="6" cy="6" r="5" fill="{colour}" stroke="#333"/></svg>'
                      f'{escape(_label(grade))}</button></li>')
    legend.append("</ul>")
    return legend


# --- the page ----------------------------------------------------------------------------------------

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
    return "\n".join([*html, "</tbody>", "</table>"])


def _grades(descriptor: dict[str, Any]) -> list[str]:
    """The grade vocabulary as this release declares it (the overall_grade enum of inspections)."""
    for resource in descriptor["resources"]:
        if resource["name"] == "inspections":
            for field in resource["schema"]["fields"]:
                if field["name"] == "overall_grade":
                    return list(field.get("constraints", {}).get("enum", []))
    return []


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def render_release_page(release_dir: Path) -> str:
    """The release's `index.html`, from its datapackage.json, Parquet files, CHANGES.md and
    data-dictionary.md. Same release folder, same string."""
    descriptor = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
    version, created = descriptor["version"], descriptor["created"]
    title = descriptor.get("title", descriptor["name"])
    chart = _chart(release_dir, descriptor)
    changes = release_dir / "CHANGES.md"
    changelog = (render_markdown(changes.read_text(encoding="utf-8"), heading_offset=2, id_prefix="changes-")
                 if changes.is_file() else "<p>No CHANGES.md in this release.</p>")
    dictionary = render_markdown((release_dir / "data-dictionary.md").read_text(encoding="utf-8"),
                                 heading_offset=2, id_prefix="dictionary-")
    return "\n".join([
        *_head(title, version),
        "<body>",
        *_header(descriptor, title, version, created),
        "<main>",
        *_section("tables", "Tables", _row_counts(release_dir, descriptor)),
        *_section("grades", "Overall grades over time", _CHART_KEY, chart),
        *_section("changes", "Changes", changelog),
        *_section("dictionary", "Data dictionary", dictionary),
        "</main>",
        f"<script>{_JS}</script>",
        "</body>",
        "</html>",
        "",
    ])


def _chart(release_dir: Path, descriptor: dict[str, Any]) -> str:
    """The chart, and the graded inspections it cannot place, named rather than silently left out."""
    marks, undated = graded_inspections(release_dir)
    known = _grades(descriptor)
    grades = known + sorted({m.grade for m in marks} - set(known))  # a grade the release does not declare
    if marks:
        chart = f'<div class="chart">\n{render_chart(marks, grades)}\n</div>'
    else:
        chart = "<p>No graded inspection in this release.</p>"
    if undated:
        chart += ("\n<p>Graded but not drawn, for want of any date: "
                  + ", ".join(f"<code>{escape(i)}</code>" for i in undated) + ".</p>")
    return chart


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
        '<nav><a href="#tables">Tables</a><a href="#grades">Grades over time</a><a href="#changes">Changes</a>'
        '<a href="#dictionary">Data dictionary</a><a href="datapackage.json">datapackage.json</a></nav>',
        "</header>",
    ]


def _section(anchor: str, heading: str, *content: str) -> list[str]:
    """A section the header's navigation links to, by `anchor`."""
    return [f'<section id="{anchor}">', f"<h2>{heading}</h2>", *content, "</section>"]


def write_release_page(release_dir: Path) -> None:
    """Write `index.html` into the release folder (call it before SHA256SUMS, so the checksums cover it)."""
    (release_dir / PAGE).write_bytes(render_release_page(release_dir).encode("utf-8"))
