"""Read Ofsted's official statistics on inspections of councils' children's services (ODS files).

Each sheet's tables are found by content (sheets.py) and read by their layout: long, one row per
inspection (long_tables.py), or wide, one row per council with a block of columns per inspection
(wide_tables.py). Headings and cells are mapped onto the dataset's vocabularies (wording.py) and
council names onto GSS codes (councils.py). The same inspection appears in several sheets and files;
`merge` keeps it once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

from python_calamine import CalamineWorkbook

from ofsted_dataset.official.councils import CouncilCodes
from ofsted_dataset.official.long_tables import read_long
from ofsted_dataset.official.records import OfficialInspection, Workbook
from ofsted_dataset.official.sheets import find_tables
from ofsted_dataset.official.wide_tables import is_wide, read_wide
from ofsted_dataset.official.wording import date_of, key


def _published_on(workbook: CalamineWorkbook) -> date | None:
    """The "Published on:" date of a file's cover sheet, which decides which file wins a disagreement."""
    for name in workbook.sheet_names[:2]:
        for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)[:20]:
            if len(row) > 1 and key(row[0]).startswith("published on"):
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
        for table in find_tables(path.name, sheet, rows):
            (read_wide if is_wide(table) else read_long)(table, codes, book)
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
            council = (record.gss_code, record.inspection_type)
            match = next((n for n in by_council.get(council, []) if _same(kept[n], record)), None)
            if match is None:
                by_council.setdefault(council, []).append(len(kept))
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
