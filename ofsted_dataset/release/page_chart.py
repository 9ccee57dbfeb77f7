"""The release page's chart of overall grades over time: one row per council, one mark per inspection.

Drawn here, server-side, as inline SVG, so the page runs no code to show it, and with every coordinate
written to one decimal, so the same release always gives the same bytes. Nothing a reader must tell
apart rests on colour alone: each grade has a colour of the Okabe–Ito palette (made to stay distinct
under the common colour-vision deficiencies) and a shape of its own; an ungraded visit is a hollow grey
circle; a grade that Ofsted's official record contradicts wears a dashed ring. And no date is drawn
more precisely than it is known: a day is a point, a month or a year a bar across that whole period
(a year-precise "2017" is not drawn before a February 2017 beside it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from ofsted_dataset.periods import last_day, written

# Okabe & Ito, "Color Universal Design" (2008): one hue per grade, told apart by lightness as well.
GRADE_COLOURS = {
    "outstanding": "#0072b2",  # blue
    "good": "#009e73",  # bluish green
    "adequate": "#f0e442",  # yellow
    "requires_improvement": "#e69f00",  # orange
    "inadequate": "#d55e00",  # vermillion
}
GRADE_SHAPES = {"outstanding": "star", "good": "square", "adequate": "diamond",
                "requires_improvement": "triangle-up", "inadequate": "triangle-down"}
_FALLBACK = ("#999999", "circle")  # a grade a future vocabulary adds before this palette knows it
UNGRADED = "ungraded"  # the filter key of the marks of ungraded visits (no grade has this name)
CONTRADICTED = "contradicted"  # the filter key of the marks of contradicted grades
_OUTLINE = "#333"  # on every filled mark: the light fills stay visible on white
_NEUTRAL = "#666"  # ungraded visits: an outline only

# Each shape once, centred on (0, 0), of about the area of a circle of radius 7: marks and legend use it.
_SHAPES = {
    "circle": ("circle", 'r="7"'),
    "square": ("rect", 'x="-6.2" y="-6.2" width="12.4" height="12.4"'),
    "diamond": ("path", 'd="M0 -8.5L8.5 0L0 8.5L-8.5 0Z"'),
    "triangle-up": ("path", 'd="M0 -9L7.8 4.5L-7.8 4.5Z"'),
    "triangle-down": ("path", 'd="M0 9L7.8 -4.5L-7.8 -4.5Z"'),
    "star": ("path", 'd="M0 -9L2.3 -3.2L8.6 -2.8L3.7 1.2L5.3 7.3L0 3.9L-5.3 7.3L-3.7 1.2L-8.6 -2.8L-2.3 -3.2Z"'),
}
_HALF = 9  # the largest shape's half width: marks closer than this would touch
_RING = 12  # radius of the dashed ring around a contradicted grade
_BAR = 6  # height of the bar of a date known to the month or year

# Chart geometry, in SVG user units (px).
_ROW_HEIGHT = 32
_TOP = 16
_AXIS_HEIGHT = 36
_PLOT_WIDTH = 640
_RIGHT = 24
_STACK_STEP = 9  # vertical offset between marks of one council that would touch
_CHAR_WIDTH = 7.5  # rough width of a label character, to size the left margin without measuring fonts


@dataclass(frozen=True)
class Mark:
    """One inspection placed on the time line."""

    inspection_id: str
    local_authority: str
    inspection_type: str
    grade: str | None  # None: an ungraded visit
    date: dt.date  # the first day of its period
    date_kind: str  # "published" or "visit started": which date placed the mark
    precision: str | None
    official_grade: str | None = None  # the official record's grade, when it contradicts `grade`

    @property
    def last(self) -> dt.date:
        """The last day the date can stand for: the date itself when it is known to the day."""
        return last_day(self.date, self.precision)

    @property
    def kinds(self) -> list[str]:
        """The legend entries the mark belongs to: hiding any of them hides it."""
        return [self.grade or UNGRADED, *([CONTRADICTED] if self.official_grade else [])]


def placement(row: dict[str, Any]) -> tuple[str, dt.date, str | None] | None:
    """Where an inspection goes on a time line: (which date, the date, its precision), from its
    publication date, else the start of its visit; None when it has neither."""
    if row["published_date"] is not None:
        return "published", row["published_date"], row["published_date_precision"]
    if row["visit_start"] is not None:
        return "visit started", row["visit_start"], row["visit_precision"]
    return None


def inspection_marks(inspections: Iterable[dict[str, Any]],
                     contradicted: dict[str, str]) -> tuple[list[Mark], list[str]]:
    """Every inspection as a mark (ordered by council, date, id), and the ids of those with no date to
    place them at (named under the chart, never silently dropped). `contradicted` gives the official
    grade of each inspection whose news grade the official record contradicts."""
    marks, undated = [], []
    for row in inspections:
        placed = placement(row)
        if placed is None:
            undated.append(row["inspection_id"])
            continue
        kind, date, precision = placed
        marks.append(Mark(row["inspection_id"], row["local_authority"], row["inspection_type"], row["overall_grade"],
                          date, kind, precision, contradicted.get(row["inspection_id"])))
    marks.sort(key=lambda m: (m.local_authority, m.date, m.inspection_id))
    return marks, sorted(undated)


def words(value: str) -> str:
    """A vocabulary value as words: requires_improvement -> requires improvement."""
    return value.replace("_", " ")


def label(grade: str) -> str:
    return words(grade).capitalize()


def _year_fraction(date: dt.date) -> float:
    start = dt.date(date.year, 1, 1)
    days = (dt.date(date.year + 1, 1, 1) - start).days
    return date.year + (date - start).days / days


def _px(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class _Axis:
    """Where a date falls across the plot: one rule for the grid lines, their labels and the marks."""

    left: int  # the plot's left edge, past the longest council name
    first: int
    span: int  # years from the first to the axis's end

    def x(self, year: float) -> float:
        """The x of a moment, rounded as it is written, so a bar's width adds up to its ends."""
        return round(self.left + (year - self.first) / self.span * _PLOT_WIDTH, 1)

    def day(self, date: dt.date) -> float:
        return self.x(_year_fraction(date))


def render_chart(marks: list[Mark], grades: list[str]) -> str:
    """The legend and an SVG time line: one row per council, one mark per inspection at its date."""
    councils = sorted({m.local_authority for m in marks})
    first = min(m.date.year for m in marks)
    last = max(m.last.year for m in marks) + 1  # the axis ends at 1 January after the last mark's year
    span = last - first
    step = 1 if span <= 15 else 2 if span <= 30 else 5
    axis = _Axis(round(max(len(c) for c in councils) * _CHAR_WIDTH) + 16, first, span)
    width = axis.left + _PLOT_WIDTH + _RIGHT
    plot_bottom = _TOP + len(councils) * _ROW_HEIGHT
    height = plot_bottom + _AXIS_HEIGHT
    graded = sum(m.grade is not None for m in marks)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title chart-desc">',
        '<title id="chart-title">Overall grades of inspections over time, per local authority</title>',
        f'<desc id="chart-desc">{graded} graded inspection(s) and {len(marks) - graded} ungraded visit(s) of '
        f'{len(councils)} local authorit{"y" if len(councils) == 1 else "ies"}, {first} to {last - 1}, '
        f'{sum(m.official_grade is not None for m in marks)} grade(s) contradicted by the official record; each '
        'mark is one inspection, placed at its publication date, else the start of its visit, as a bar across '
        'the month or year when the date is known only to that. The table of every inspection follows the chart.'
        '</desc>',
        "<defs>", *(f'<{tag} id="shape-{name}" {shape}/>' for name, (tag, shape) in _SHAPES.items()), "</defs>",
        *_grid(axis, list(range(first, last + 1, step)), plot_bottom),
    ]
    for row, council in enumerate(councils):
        parts += _council_row(axis, _TOP + row * _ROW_HEIGHT + _ROW_HEIGHT / 2, council,
                              [m for m in marks if m.local_authority == council])
    parts.append("</svg>")
    return "\n".join(_legend(grades) + parts)


def _grid(axis: _Axis, years: list[int], plot_bottom: int) -> list[str]:
    """A vertical line and a label per year shown, so a mark can be read against its year."""
    lines = [f'<line x1="{_px(axis.x(y))}" y1="{_TOP}" x2="{_px(axis.x(y))}" y2="{plot_bottom}"/>' for y in years]
    labels = [f'<text x="{_px(axis.x(y))}" y="{plot_bottom + 18}">{y}</text>' for y in years]
    return ['<g class="axis" stroke="#ccc">', *lines, "</g>",
            '<g class="axis-labels" fill="#333" text-anchor="middle">', *labels, "</g>"]


def _council_row(axis: _Axis, y: float, council: str, marks: list[Mark]) -> list[str]:
    """One council's row: its name, its line and its marks; marks that would touch are stacked off the
    line, alternately above and below, so all stay visible."""
    parts = [f'<g class="council" data-local-authority="{escape(council)}">',
             f'<line x1="{axis.left}" y1="{_px(y)}" x2="{axis.left + _PLOT_WIDTH}" y2="{_px(y)}" stroke="#eee"/>',
             f'<text x="{axis.left - 8}" y="{_px(y + 4)}" text-anchor="end" fill="#1b1b1b">{escape(council)}</text>']
    lanes: list[list[tuple[float, float]]] = []  # the x extents of the marks already in each lane
    for mark in marks:
        lo, hi = _extent(axis, mark)
        lane = next((i for i, taken in enumerate(lanes) if all(hi < a or lo > b for a, b in taken)), len(lanes))
        if lane == len(lanes):
            lanes.append([])
        lanes[lane].append((lo, hi))
        offset = (lane + 1) // 2 * _STACK_STEP * (1 if lane % 2 else -1)
        parts.append(_mark(axis, mark, y + offset))
    parts.append("</g>")
    return parts


def _extent(axis: _Axis, mark: Mark) -> tuple[float, float]:
    """The x extent a mark covers: its bar, its shape at the bar's middle and its ring."""
    start, end = axis.day(mark.date), axis.day(mark.last)
    half = _RING if mark.official_grade else _HALF
    return min(start, (start + end) / 2 - half), max(end, (start + end) / 2 + half)


def _style(grade: str | None) -> str:
    """Fill and outline of a grade's marks: its colour, or a hollow grey for an ungraded visit."""
    if grade is None:
        return f'fill="#fff" stroke="{_NEUTRAL}" stroke-width="1.5"'
    return f'fill="{GRADE_COLOURS.get(grade, _FALLBACK[0])}" stroke="{_OUTLINE}"'


def _shape(grade: str | None) -> str:
    return "circle" if grade is None else GRADE_SHAPES.get(grade, _FALLBACK[1])


def _tooltip(mark: Mark) -> str:
    what = label(mark.grade) if mark.grade else f"Ungraded {words(mark.inspection_type)}"
    text = (f"{mark.local_authority}: {what} ({mark.inspection_id}), {mark.date_kind} "
            f"{written(mark.date, mark.precision)}")
    return text + (f"; official record: {words(mark.official_grade)}" if mark.official_grade else "")


def _mark(axis: _Axis, mark: Mark, y: float) -> str:
    """One inspection: a bar across its date's period unless that is a single day, its grade's shape at the
    middle, and a dashed ring when the official record contradicts the grade."""
    start, end = axis.day(mark.date), axis.day(mark.last)
    middle = (start + end) / 2
    grade = f' data-grade="{escape(mark.grade)}"' if mark.grade else ""
    parts = [f'<g class="mark" data-inspection-id="{escape(mark.inspection_id)}"{grade} '
             f'data-filter="{escape(" ".join(mark.kinds))}">', f"<title>{escape(_tooltip(mark))}</title>"]
    if mark.last != mark.date:
        parts.append(f'<rect class="span" x="{_px(start)}" y="{_px(y - _BAR / 2)}" width="{_px(end - start)}" '
                     f'height="{_BAR}" {_style(mark.grade)}/>')
    parts.append(f'<use class="glyph" href="#shape-{_shape(mark.grade)}" x="{_px(middle)}" y="{_px(y)}" '
                 f'{_style(mark.grade)}/>')
    if mark.official_grade:
        parts.append(f'<circle class="contradicted" cx="{_px(middle)}" cy="{_px(y)}" r="{_RING}" fill="none" '
                     'stroke="#000" stroke-width="1.5" stroke-dasharray="3 2"/>')
    return "".join([*parts, "</g>"])


def _swatch(*content: str) -> str:
    return ('<svg class="swatch" width="20" height="20" viewBox="-13 -13 26 26" aria-hidden="true">'
            + "".join(content) + "</svg>")


def _legend(grades: list[str]) -> list[str]:
    """A button per kind of mark, which the page's script turns into a filter (without the script, a key),
    and the key to the bars."""
    entries = [(grade, _swatch(f'<use href="#shape-{_shape(grade)}" {_style(grade)}/>'), label(grade))
               for grade in grades]
    entries += [
        (UNGRADED, _swatch(f'<use href="#shape-circle" {_style(None)}/>'), "Ungraded visit"),
        (CONTRADICTED, _swatch(f'<circle r="{_RING}" fill="none" stroke="#000" stroke-width="1.5" '
                               'stroke-dasharray="3 2"/>'), "Grade the official record contradicts"),
    ]
    legend = ['<ul class="legend" aria-label="Kinds of mark (press to show or hide)">']
    legend += [f'<li><button type="button" data-filter="{escape(key)}" aria-pressed="true">{swatch}'
               f"{escape(text)}</button></li>" for key, swatch, text in entries]
    bar = _swatch(f'<rect x="-12" y="{-_BAR / 2:g}" width="24" height="{_BAR}" fill="#fff" stroke="{_OUTLINE}"/>')
    legend.append(f'<li class="key">{bar}Bar: a date known only to its month or year</li>')
    legend.append("</ul>")
    return legend
