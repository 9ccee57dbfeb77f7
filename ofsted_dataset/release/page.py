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
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ofsted_dataset.periods import written

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


# --- a small, safe Markdown subset -------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _inline(text: str) -> str:
    """Escape a line of text, turning `code` spans into <code>; no other inline markup, so nothing in the
    source can become a tag, an attribute or a link."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick stays literal
        tail = parts.pop()
        parts[-1] += "`" + tail
    return "".join(f"<code>{escape(part)}</code>" if i % 2 else escape(part) for i, part in enumerate(parts))


def _cells(row: str) -> list[str]:
    """Cells of a pipe-table row; `\\|` is a literal pipe inside a cell (as the data dictionary writes it)."""
    row = row.strip()
    row = row.removeprefix("|")
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _UNESCAPED_PIPE.split(row)]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def render_markdown(text: str, heading_offset: int = 0, id_prefix: str = "") -> str:
    """HTML for the Markdown this project writes (CHANGES.md, data-dictionary.md): ATX headings,
    paragraphs, bullet and numbered lists, pipe tables, fenced code and `code` spans. Every character of
    the source is escaped; raw HTML in the source is shown as text, never interpreted.

    `heading_offset` pushes headings down (a `#` inside a page section becomes an h3 with offset 2) and
    `id_prefix` keeps heading ids unique when two documents share a heading ("official_checks").
    """
    lines = text.splitlines()
    out: list[str] = []
    used_ids: set[str] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif line.lstrip().startswith("```"):
            i += 1
            code: list[str] = []
            while i < len(lines) and not lines[i].lstrip().startswith("```"):
                code.append(lines[i])
                i += 1
            i += 1  # the closing fence (or the end of the text)
            out.append("<pre><code>" + escape("\n".join(code)) + "</code></pre>")
        elif match := _HEADING.match(line):
            level = min(len(match.group(1)) + heading_offset, 6)
            anchor = base = id_prefix + _slug(match.group(2))
            n = 1
            while anchor in used_ids:
                n += 1
                anchor = f"{base}-{n}"
            used_ids.add(anchor)
            out.append(f'<h{level} id="{escape(anchor)}">{_inline(match.group(2))}</h{level}>')
            i += 1
        elif line.lstrip().startswith("|") and i + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[i + 1]):
            header = _cells(line)
            i += 2
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            html = ["<table>", "<thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in header) + "</tr></thead>",
                    "<tbody>"]
            for row in rows:
                padded = (row + [""] * len(header))[: len(header)]
                html.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in padded) + "</tr>")
            out.append("\n".join([*html, "</tbody>", "</table>"]))
        elif _BULLET.match(line) or _NUMBERED.match(line):
            pattern, tag = (_BULLET, "ul") if _BULLET.match(line) else (_NUMBERED, "ol")
            items: list[str] = []
            while i < len(lines) and lines[i].strip():
                if item := pattern.match(lines[i]):
                    items.append(item.group(1))
                elif lines[i].startswith((" ", "\t")) and items:  # a wrapped item continues
                    items[-1] += " " + lines[i].strip()
                else:
                    break
                i += 1
            out.append(f"<{tag}>\n" + "\n".join(f"<li>{_inline(item)}</li>" for item in items) + f"\n</{tag}>")
        else:
            paragraph = []
            while (i < len(lines) and lines[i].strip() and not _HEADING.match(lines[i])
                   and not _BULLET.match(lines[i]) and not _NUMBERED.match(lines[i])
                   and not lines[i].lstrip().startswith(("```", "|"))):
                paragraph.append(lines[i].strip())
                i += 1
            if not paragraph:  # a lone "|" line that is not a table: show it as text
                paragraph.append(lines[i].strip())
                i += 1
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
    return "\n".join(out)


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


def render_chart(marks: list[Mark], grades: list[str]) -> str:
    """An SVG time line: one row per council, one circle per graded inspection at its date, coloured by
    grade. Coordinates are formatted to one decimal so the same marks always give the same bytes."""
    councils = sorted({m.local_authority for m in marks})
    first = min(m.date.year for m in marks)
    last = max(m.date.year for m in marks) + 1  # the axis ends at 1 January after the last mark's year
    span = last - first
    step = 1 if span <= 15 else 2 if span <= 30 else 5
    left = round(max(len(c) for c in councils) * _CHAR_WIDTH) + 16
    width = left + _PLOT_WIDTH + _RIGHT
    plot_bottom = _TOP + len(councils) * _ROW_HEIGHT
    height = plot_bottom + _AXIS_HEIGHT

    def x(year: float) -> str:
        return f"{left + (year - first) / span * _PLOT_WIDTH:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="chart-title chart-desc">',
        '<title id="chart-title">Overall grades of inspections over time, per local authority</title>',
        f'<desc id="chart-desc">{len(marks)} graded inspection(s) of {len(councils)} local authorit'
        f'{"y" if len(councils) == 1 else "ies"}, {first} to {last - 1}; each circle is one inspection, '
        'placed at its publication date, else the start of its visit.</desc>',
        '<g class="axis" stroke="#ccc">',
    ]
    for year in range(first, last + 1, step):
        parts.append(f'<line x1="{x(year)}" y1="{_TOP}" x2="{x(year)}" y2="{plot_bottom}"/>')
    parts.append("</g>")
    parts.append('<g class="axis-labels" fill="#333" text-anchor="middle">')
    for year in range(first, last + 1, step):
        parts.append(f'<text x="{x(year)}" y="{plot_bottom + 18}">{year}</text>')
    parts.append("</g>")
    for row, council in enumerate(councils):
        y = _TOP + row * _ROW_HEIGHT + _ROW_HEIGHT / 2
        parts.append(f'<g class="council" data-local-authority="{escape(council)}">')
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + _PLOT_WIDTH}" y2="{y:.1f}" stroke="#eee"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#1b1b1b">{escape(council)}</text>')
        seen: dict[dt.date, int] = {}
        for mark in (m for m in marks if m.local_authority == council):
            stacked = seen.get(mark.date, 0)
            seen[mark.date] = stacked + 1
            # marks sharing a date alternate above and below the row line: all stay visible
            offset = (stacked + 1) // 2 * _STACK_STEP * (1 if stacked % 2 else -1)
            tooltip = (f"{council}: {_label(mark.grade)} ({mark.inspection_id}), "
                       f"{mark.date_kind} {_shown_date(mark)}")
            parts.append(
                f'<circle class="mark" data-inspection-id="{escape(mark.inspection_id)}" '
                f'data-grade="{escape(mark.grade)}" cx="{x(_year_fraction(mark.date))}" cy="{y + offset:.1f}" '
                f'r="{_MARK_RADIUS}" fill="{GRADE_COLOURS.get(mark.grade, _FALLBACK_COLOUR)}" stroke="#333">'
                f"<title>{escape(tooltip)}</title></circle>")
        parts.append("</g>")
    parts.append("</svg>")
    legend = ['<ul class="legend" aria-label="Grades (click to show or hide)">']
    for grade in grades:
        colour = GRADE_COLOURS.get(grade, _FALLBACK_COLOUR)
        legend.append(f'<li><button type="button" data-grade="{escape(grade)}" aria-pressed="true">'
                      f'<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
                      f'<circle cx="6" cy="6" r="5" fill="{colour}" stroke="#333"/></svg>'
                      f'{escape(_label(grade))}</button></li>')
    legend.append("</ul>")
    return "\n".join(legend + parts)


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
    marks, undated = graded_inspections(release_dir)
    known = _grades(descriptor)
    grades = known + sorted({m.grade for m in marks} - set(known))
    if marks:
        chart = f'<div class="chart">\n{render_chart(marks, grades)}\n</div>'
    else:
        chart = "<p>No graded inspection in this release.</p>"
    if undated:
        chart += ("\n<p>Graded but not drawn, for want of any date: "
                  + ", ".join(f"<code>{escape(i)}</code>" for i in undated) + ".</p>")
    changes = release_dir / "CHANGES.md"
    changelog = (render_markdown(changes.read_text(encoding="utf-8"), heading_offset=2, id_prefix="changes-")
                 if changes.is_file() else "<p>No CHANGES.md in this release.</p>")
    dictionary = render_markdown((release_dir / "data-dictionary.md").read_text(encoding="utf-8"),
                                 heading_offset=2, id_prefix="dictionary-")
    licences = ", ".join(escape(lic.get("title") or lic["name"]) for lic in descriptor.get("licenses", []))
    # Only this page's own style and script may run; nothing may be fetched (img-src for the empty favicon).
    csp = (f"default-src 'none'; style-src {_csp_hash(_CSS)}; script-src {_csp_hash(_JS)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    return "\n".join([
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
        "<body>",
        "<header>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">Version <strong id="version">{escape(version)}</strong>, created '
        f'<time id="created" datetime="{escape(created)}">{escape(created)}</time>'
        + (f". Licence: {licences}." if licences else ".") + "</p>",
        f"<p>{escape(descriptor.get('description', ''))}</p>",
        '<nav><a href="#tables">Tables</a><a href="#grades">Grades over time</a><a href="#changes">Changes</a>'
        '<a href="#dictionary">Data dictionary</a><a href="datapackage.json">datapackage.json</a></nav>',
        "</header>",
        "<main>",
        '<section id="tables">',
        "<h2>Tables</h2>",
        _row_counts(release_dir, descriptor),
        "</section>",
        '<section id="grades">',
        "<h2>Overall grades over time</h2>",
        "<p>One row per local authority, one circle per graded inspection (<code>inspections.overall_grade</code> "
        "not null), at its publication date, else the start of its visit. A date known only to the month or "
        "year is drawn at the first day of that period. Hover a circle for the inspection.</p>",
        chart,
        "</section>",
        '<section id="changes">',
        "<h2>Changes</h2>",
        changelog,
        "</section>",
        '<section id="dictionary">',
        "<h2>Data dictionary</h2>",
        dictionary,
        "</section>",
        "</main>",
        f"<script>{_JS}</script>",
        "</body>",
        "</html>",
        "",
    ])


def write_release_page(release_dir: Path) -> None:
    """Write `index.html` into the release folder (call it before SHA256SUMS, so the checksums cover it)."""
    (release_dir / PAGE).write_bytes(render_release_page(release_dir).encode("utf-8"))
