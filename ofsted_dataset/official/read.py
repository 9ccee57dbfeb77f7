"""Read Ofsted's official statistics on inspections of councils' children's services (ODS files).

The spreadsheets are made for people: a title row, a paragraph of notes, sometimes a blank row, then
the table; one sheet may hold two tables one above the other (current councils, then councils that
no longer exist), each with its own header and its own column positions. So nothing here relies on a
fixed offset: a header row is found by its content (a "Local authority name" cell beside an
inspection date, publication date or inspection type), the table runs until a blank row or the next
header, and every column is recognised by its heading.

Two layouts occur:

* long: one row per inspection or visit ("Inspection type", "Publication date", one column per
  judgement), as in "Local authority inspection outcomes as at 31 March" and the in-year sheets;
* wide: one row per council, with a block of columns per inspection ("SLAC ... publication date",
  its grades, "CPI ... publication date", ...), as in the "LA inspections 2009-2023" sheet of
  "Children's social care data in England".

A long table without an inspection type column is a "latest grades as at 31 March" list, which only
repeats rows of the history sheets; it is skipped.

Everything is mapped onto the dataset's vocabularies (schemas/vocabularies.py): grades, judgement
areas, inspection types and frameworks. Ofsted recoded the pre-2013 grade "adequate" as "requires
improvement to be good" in these files; the grade is kept as the file states it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from ofsted_dataset.build.reference import Register
from schemas.vocabularies import AREAS

# Councils abolished in a reorganisation, by the name the official files give them, with their GSS
# code. The register lists only current councils (with the former codes of councils they replaced
# whole); these names appear in the official "existed before the restructure" tables. Cumbria and
# Northamptonshire were split between successors, so their inspections match no current council.
FORMER_COUNCILS: dict[str, str] = {
    "bournemouth": "E06000028",
    "poole": "E06000029",
    "dorset": "E10000009",
    "northamptonshire": "E10000021",
    "cumbria": "E10000006",
}

GRADE_WORDS: dict[str, str] = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement to be good": "requires_improvement",
    "requires improvement": "requires_improvement",
    "adequate": "adequate",
    "inadequate": "inadequate",
}
# Cells that mean "no grade": blank, a dash, or a judgement not made.
NO_GRADE = {"", "-", "–", "n/a", "na", "not judged", "not applicable", "ungraded"}

EXTRACT_COLUMNS: tuple[str, ...] = (
    "gss_code", "la_name", "framework", "inspection_type", "official_type", "inspection_date",
    "published_date", *AREAS, "source_file", "source_sheet", "source_row",
)


def norm(text: object) -> str:
    """Header or cell text folded for comparison: lower case, single spaces, typographic quotes plain."""
    value = str(text).replace("\u2019", "'").replace("\u2018", "'").replace("\xa0", " ")
    return re.sub(r"\s+", " ", value).strip().casefold()


@dataclass(frozen=True)
class OfficialInspection:
    """One inspection or visit as an official file records it, on the dataset's vocabularies."""

    gss_code: str  # "" when the council's name could not be resolved
    la_name: str
    framework: str  # "slac", "cpi", "sif", "ilacs", or "" when outside the vocabulary (TLAC)
    inspection_type: str  # full_inspection, focused_visit or monitoring_visit
    official_type: str  # Ofsted's own name of the inspection
    inspection_date: date | None  # first day of fieldwork, when the file gives it
    published_date: date | None
    grades: dict[str, str]  # area -> grade
    source_file: str
    source_sheet: str
    source_row: int  # 1-based, as a spreadsheet program shows it

    def as_row(self) -> dict[str, str]:
        row = {
            "gss_code": self.gss_code, "la_name": self.la_name, "framework": self.framework,
            "inspection_type": self.inspection_type, "official_type": self.official_type,
            "inspection_date": self.inspection_date.isoformat() if self.inspection_date else "",
            "published_date": self.published_date.isoformat() if self.published_date else "",
            "source_file": self.source_file, "source_sheet": self.source_sheet, "source_row": str(self.source_row),
        }
        row.update({area: self.grades.get(area, "") for area in AREAS})
        return row


@dataclass
class Workbook:
    """What one file yielded: its inspections, its publication date (for precedence) and any problems."""

    name: str
    published_on: date | None
    inspections: list[OfficialInspection] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)  # "sheet!row" of every table read
    problems: list[str] = field(default_factory=list)


class CouncilCodes:
    """Resolves an official council name to a GSS code: the register first (names and aliases), then
    the abolished councils; in a table of councils that no longer exist, the abolished ones first
    (its "Dorset" is the former county, not today's unitary Dorset)."""

    def __init__(self, register: Register) -> None:
        self.register = register
        # Hyphens folded too: the files write both "Southend-on-Sea" and "Southend on Sea".
        self._loose = {_loose(name): la.gss_code for la in register.authorities for name in la.names}

    def code(self, name: str, former: bool = False) -> str:
        key = norm(name)
        if former and key in FORMER_COUNCILS:
            return FORMER_COUNCILS[key]
        la = self.register.find(name)
        if la is not None:
            return la.gss_code
        return self._loose.get(_loose(name)) or FORMER_COUNCILS.get(key, "")


def _loose(name: str) -> str:
    return re.sub(r"[\s-]+", " ", norm(name).replace("&", "and")).strip()


def grade_of(cell: object) -> str | None:
    """A grade cell on the GRADES vocabulary; None when empty; raises ValueError when unknown."""
    text = norm(cell)
    if text in NO_GRADE:
        return None
    if text in GRADE_WORDS:
        return GRADE_WORDS[text]
    raise ValueError(f"unknown grade {str(cell).strip()!r}")


def date_of(cell: object) -> date | None:
    """A date cell: an ODS date, or text in day/month/year or ISO form; None when empty."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = str(cell).strip()
    if not text or text in NO_GRADE:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def area_of(header: str) -> str | None:
    """The judgement area a grade column's heading names, or None when it is not a grade column.

    Order matters: "LSCB Overall Effectiveness" is the board, "SLAC Safeguarding Overall
    effectiveness" is help and protection, and "children in care and care leavers" (ILACS 2018-22)
    is children in care, not care leavers."""
    h = norm(header)
    if "date" in h or "type" in h or "theme" in h or "link" in h or "name" in h or "region" in h:
        return None
    if "lscb" in h or "safeguarding children board" in h:
        return "safeguarding_board"
    if "care leavers" in h and "children in care and care leavers" not in h:
        return "care_leavers"
    if "adoption" in h:
        return "adoption"
    if "help and protection" in h:
        return "help_and_protection"
    if "leaders" in h or "leadership" in h:
        return "leadership"
    if "children in care" in h or "looked after" in h:
        return "children_in_care"
    if "safeguarding" in h:
        return "help_and_protection"
    if "overall" in h or re.search(r"\(oe\)|\boe\b", h):
        return "overall_effectiveness"
    return None


def framework_of(label: str) -> str:
    """Framework of a wide-table block from its heading ("... (SLAC) Inspection publication date")."""
    h = norm(label)
    if "slac" in h or "safeguarding & looked after" in h:
        return "slac"
    if "(cpi)" in h or "cpri" in h or "child protection" in h:
        return "cpi"
    if "sif" in h or "single inspection" in h:
        return "sif"
    if "ilacs" in h:
        return "ilacs"
    return ""  # TLAC and anything else outside the vocabulary


def type_of(official_type: str, when: date | None) -> tuple[str, str]:
    """(inspection_type, framework) of a long table's "Inspection type" value."""
    h = norm(official_type)
    if "focused" in h:
        return "focused_visit", "ilacs"
    if "monitoring" in h:
        return "monitoring_visit", "ilacs" if when is None or when >= date(2018, 1, 1) else "sif"
    if "inspection" in h:
        return "full_inspection", framework_of(h) or ("ilacs" if when and when >= date(2018, 1, 1) else "")
    raise ValueError(f"unknown inspection type {official_type!r}")


def _blank(row: Sequence[Any]) -> bool:
    return all(norm(c) == "" for c in row)


def _is_header(row: Sequence[Any]) -> bool:
    cells = {norm(c) for c in row}
    if "local authority name" not in cells:
        return False
    return any("publication date" in c or "inspection date" in c or "visit date" in c or "type" in c
               for c in cells)


def _title_above(rows: Sequence[Sequence[Any]], header: int) -> str:
    """The nearest text above a header, within the few rows a title and its notes take."""
    for i in range(header - 1, max(header - 5, -1), -1):
        texts = [str(c).strip() for c in rows[i] if str(c).strip()]
        if texts:
            return texts[0]
    return ""


def find_tables(rows: Sequence[Sequence[Any]]) -> list[tuple[int, int]]:
    """(header index, end index exclusive) of every table in a sheet, found by content."""
    headers = [i for i, row in enumerate(rows) if _is_header(row)]
    tables = []
    for n, start in enumerate(headers):
        limit = headers[n + 1] if n + 1 < len(headers) else len(rows)
        end = start + 1
        while end < limit and not _blank(rows[end]):
            end += 1
        tables.append((start, end))
    return tables


def _former_table(title: str, header: Sequence[str], row: Sequence[Any]) -> bool:
    """A table (or row) of councils that no longer exist."""
    if "before the restructure" in norm(title) or "no longer exist" in norm(title):
        return True
    if "local authority status" in header:
        return norm(row[header.index("local authority status")]) == "no longer exists"
    return False


def _read_long(rows: Sequence[Sequence[Any]], start: int, end: int, title: str, where: tuple[str, str],
               codes: CouncilCodes, book: Workbook) -> None:
    header = [norm(c) for c in rows[start]]

    def col(*names: str) -> int | None:
        for name in names:
            if name in header:
                return header.index(name)
        return None

    c_code = col("local authority area code", "la code", "area code")
    c_name = col("local authority name")
    c_date = col("inspection date", "inspection/visit date", "visit date")
    c_pub = col("publication date")
    c_type = col("inspection type", "inspection/visit type", "visit type")
    if c_type is None or c_name is None:
        return  # a "latest grades as at 31 March" list: the history sheets hold the same inspections
    grade_cols = {i: a for i, h in enumerate(header) if (a := area_of(h))}
    book.tables.append(f"{where[1]}!{start + 1}")
    for i in range(start + 1, end):
        row = rows[i]
        label = f"{where[1]} row {i + 1}"
        try:
            when = date_of(row[c_date]) if c_date is not None else None
            published = date_of(row[c_pub]) if c_pub is not None else None
            official_type = str(row[c_type]).strip()
            inspection_type, framework = type_of(official_type, when or published)
            grades = {a: g for c, a in grade_cols.items() if (g := grade_of(row[c]))}
        except ValueError as exc:
            book.problems.append(f"{where[0]}, {label}: {exc}")
            continue
        name = str(row[c_name]).strip()
        code = str(row[c_code]).strip() if c_code is not None else ""
        if not code:
            code = codes.code(name, _former_table(title, header, row))
        if not code:
            book.problems.append(f"{where[0]}, {label}: council {name!r} not in the register")
        book.inspections.append(OfficialInspection(
            code, name, framework, inspection_type, official_type, when, published, grades,
            where[0], where[1], i + 1))


@dataclass
class _Block:
    """The columns of one inspection in a wide table."""

    label: str
    framework: str
    type_col: int | None = None
    date_col: int | None = None
    grade_cols: dict[int, str] = field(default_factory=dict)


def _blocks(header: Sequence[str]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for i, h in enumerate(header):
        if h.endswith("inspection type"):
            current = _Block(h.removesuffix("inspection type").strip(), framework_of(h), type_col=i)
            blocks.append(current)
        elif "publication date" in h:
            if current is not None and current.type_col is not None and current.date_col is None:
                current.date_col = i
            else:
                label = re.sub(r"\s*publication date\s*", " ", h).strip()
                current = _Block(label, framework_of(h), date_col=i)
                blocks.append(current)
        elif current is not None and (area := area_of(h)):
            current.grade_cols[i] = area
    return blocks


def _read_wide(rows: Sequence[Sequence[Any]], start: int, end: int, title: str, where: tuple[str, str],
               codes: CouncilCodes, book: Workbook) -> None:
    raw_header = [str(c) for c in rows[start]]
    header = [norm(c) for c in raw_header]
    c_name = header.index("local authority name")
    blocks = _blocks(header)
    book.tables.append(f"{where[1]}!{start + 1}")
    for i in range(start + 1, end):
        row = rows[i]
        name = str(row[c_name]).strip()
        code = codes.code(name, _former_table(title, header, row))
        for block in blocks:
            label = f"{where[1]} row {i + 1} ({block.label})"
            try:
                published = date_of(row[block.date_col]) if block.date_col is not None else None
                grades = {a: g for c, a in block.grade_cols.items() if (g := grade_of(row[c]))}
                if published is None and not grades:
                    continue
                if block.type_col is not None and str(row[block.type_col]).strip():
                    official_type = str(row[block.type_col]).strip()
                    inspection_type, framework = type_of(official_type, published)
                else:
                    official_type = re.sub(r"\s+", " ", raw_header[block.date_col or 0]).strip()
                    official_type = re.sub(r"\s*publication date\s*$", "", official_type, flags=re.I)
                    inspection_type, framework = "full_inspection", block.framework
            except ValueError as exc:
                book.problems.append(f"{where[0]}, {label}: {exc}")
                continue
            if not code:
                book.problems.append(f"{where[0]}, {label}: council {name!r} not in the register")
            book.inspections.append(OfficialInspection(
                code, name, framework, inspection_type, official_type, None, published, grades,
                where[0], where[1], i + 1))


def _published_on(workbook: CalamineWorkbook) -> date | None:
    """The "Published on:" date of a file's cover sheet, which decides which file wins a disagreement."""
    for name in workbook.sheet_names[:2]:
        for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)[:20]:
            if len(row) > 1 and norm(row[0]).startswith("published on"):
                try:
                    return date_of(row[1])
                except ValueError:
                    return None
    return None


def read_workbook(path: Path, codes: CouncilCodes) -> Workbook:
    """Every inspection of every recognised table of one ODS file."""
    workbook = CalamineWorkbook.from_path(str(path))
    book = Workbook(path.name, _published_on(workbook))
    for sheet in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        for start, end in find_tables(rows):
            header = [norm(c) for c in rows[start]]
            wide = sum("publication date" in h for h in header) > 1
            reader = _read_wide if wide else _read_long
            reader(rows, start, end, _title_above(rows, start), (path.name, sheet), codes, book)
    return book


def _same(a: OfficialInspection, b: OfficialInspection) -> bool:
    """Two rows from different sheets that record the same inspection."""
    if (a.source_file, a.source_sheet) == (b.source_file, b.source_sheet):
        return False
    if (a.gss_code, a.inspection_type, a.framework) != (b.gss_code, b.inspection_type, b.framework):
        return False
    same_visit = a.inspection_date is not None and a.inspection_date == b.inspection_date
    same_publication = a.published_date is not None and a.published_date == b.published_date
    return same_visit or same_publication


def merge(books: Iterable[Workbook]) -> list[OfficialInspection]:
    """One row per official inspection: the same inspection in several sheets or files is kept once.

    Files are taken newest first (by their cover's publication date, then name) and sheets in file
    order; the first row of an inspection wins and later rows only fill what it lacks (a visit date,
    a publication date, a grade). So a grade Ofsted corrected in a later release is the corrected one.
    """
    ordered = sorted(books, key=lambda b: (-(b.published_on or date.min).toordinal(), b.name))
    kept: list[OfficialInspection] = []
    by_council: dict[tuple[str, str], list[int]] = {}
    for book in ordered:
        for record in book.inspections:
            key = (record.gss_code, record.inspection_type)
            match = next((n for n in by_council.get(key, []) if _same(kept[n], record)), None)
            if match is None:
                by_council.setdefault(key, []).append(len(kept))
                kept.append(record)
                continue
            old = kept[match]
            kept[match] = replace(
                old,
                inspection_date=old.inspection_date or record.inspection_date,
                published_date=old.published_date or record.published_date,
                grades={**record.grades, **old.grades},
            )
    return sorted(kept, key=_sort_key)


def _sort_key(r: OfficialInspection) -> tuple[str, ...]:
    return (r.gss_code, r.la_name, (r.published_date or r.inspection_date or date.min).isoformat(),
            r.inspection_type, r.official_type, r.source_file, r.source_sheet, f"{r.source_row:08d}")
