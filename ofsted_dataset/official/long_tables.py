"""The long layout: one row per inspection or visit ("Inspection type", "Publication date", one column
per judgement), as in "Local authority inspection outcomes as at 31 March" and the in-year sheets.

A long table without an inspection type column is a "latest grades as at 31 March" list, which only
repeats rows of the history sheets; it is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ofsted_dataset.official.councils import CouncilCodes
from ofsted_dataset.official.records import OfficialInspection, Workbook
from ofsted_dataset.official.sheets import SheetTable
from ofsted_dataset.official.wording import area_of, date_of, grade_of, type_of


@dataclass(frozen=True)
class _Columns:
    """Where a long table keeps each value (None: the table has no such column)."""

    code: int | None
    name: int
    visit: int | None
    published: int | None
    type: int
    grades: dict[int, str]  # column -> area

    @classmethod
    def of(cls, table: SheetTable) -> _Columns | None:
        name = table.column("local authority name")
        kind = table.column("inspection type", "inspection/visit type", "visit type")
        if kind is None or name is None:
            return None
        return cls(code=table.column("local authority area code", "la code", "area code"), name=name,
                   visit=table.column("inspection date", "inspection/visit date", "visit date"),
                   published=table.column("publication date"), type=kind,
                   grades={i: a for i, h in enumerate(table.header) if (a := area_of(h))})


def read_long(table: SheetTable, codes: CouncilCodes, book: Workbook) -> None:
    """Every inspection of a long table into `book`; a row that cannot be read is a problem."""
    columns = _Columns.of(table)
    if columns is None:
        return  # a "latest grades as at 31 March" list: the history sheets hold the same inspections
    book.tables.append(table.where)
    for i in table.body:
        try:
            inspection = _inspection(table, i, columns, codes)
        except ValueError as exc:
            book.problems.append(table.problem(i, str(exc)))
            continue
        if not inspection.gss_code:
            book.problems.append(table.problem(i, f"council {inspection.la_name!r} not in the register"))
        book.inspections.append(inspection)


def _cell(row: Sequence[Any], column: int | None) -> Any:
    return row[column] if column is not None else ""


def _inspection(table: SheetTable, i: int, columns: _Columns, codes: CouncilCodes) -> OfficialInspection:
    row = table.rows[i]
    when = date_of(_cell(row, columns.visit))
    published = date_of(_cell(row, columns.published))
    official_type = str(row[columns.type]).strip()
    inspection_type, framework = type_of(official_type, when or published)
    grades = {a: g for c, a in columns.grades.items() if (g := grade_of(row[c]))}
    name = str(row[columns.name]).strip()
    code = str(_cell(row, columns.code)).strip() or codes.code(name, table.former(row))
    return OfficialInspection(code, name, framework, inspection_type, official_type, when, published, grades,
                              table.file, table.sheet, i + 1)
