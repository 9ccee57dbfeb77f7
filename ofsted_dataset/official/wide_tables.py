"""The wide layout: one row per council, with a block of columns per inspection ("SLAC ... publication
date", its grades, "CPI ... publication date", ...), as in the "LA inspections 2009-2023" sheet of
"Children's social care data in England".

A block starts at its publication date heading (or, for ILACS, at its inspection type heading, with
the publication date after it) and takes the grade columns up to the next block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ofsted_dataset.official.councils import CouncilCodes
from ofsted_dataset.official.records import OfficialInspection, Workbook
from ofsted_dataset.official.sheets import SheetTable
from ofsted_dataset.official.wording import area_of, date_of, framework_of, grade_of, type_of


@dataclass
class _Block:
    """The columns of one inspection in a wide table."""

    label: str
    framework: str
    type_col: int | None = None
    date_col: int | None = None
    grade_cols: dict[int, str] = field(default_factory=dict)


def is_wide(table: SheetTable) -> bool:
    """More than one publication date column: one per block."""
    return sum("publication date" in h for h in table.header) > 1


def _blocks(header: list[str]) -> list[_Block]:
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


def read_wide(table: SheetTable, codes: CouncilCodes, book: Workbook) -> None:
    """Every inspection of a wide table into `book`: one per filled block of each row."""
    name_col = table.header.index("local authority name")
    blocks = _blocks(table.header)
    book.tables.append(table.where)
    for i in table.body:
        row = table.rows[i]
        name = str(row[name_col]).strip()
        code = codes.code(name, table.former(row))
        for block in blocks:
            try:
                inspection = _inspection(table, i, block, code, name)
            except ValueError as exc:
                book.problems.append(table.problem(i, str(exc), block.label))
                continue
            if inspection is None:
                continue
            if not code:
                book.problems.append(table.problem(i, f"council {name!r} not in the register", block.label))
            book.inspections.append(inspection)


def _official_type(table: SheetTable, block: _Block) -> str:
    """The name of a block's inspection when no cell gives it: its date heading without the words
    "publication date", as the file writes it."""
    heading = re.sub(r"\s+", " ", str(table.rows[table.start][block.date_col or 0])).strip()
    return re.sub(r"\s*publication date\s*$", "", heading, flags=re.I)


def _inspection(table: SheetTable, i: int, block: _Block, code: str, name: str) -> OfficialInspection | None:
    """The inspection in one block of row `i`; None when the block is empty (not inspected)."""
    row = table.rows[i]
    published = date_of(row[block.date_col]) if block.date_col is not None else None
    grades = {a: g for c, a in block.grade_cols.items() if (g := grade_of(row[c]))}
    if published is None and not grades:
        return None
    if block.type_col is not None and str(row[block.type_col]).strip():
        official_type = str(row[block.type_col]).strip()
        inspection_type, framework = type_of(official_type, published)
    else:
        official_type = _official_type(table, block)
        inspection_type, framework = "full_inspection", block.framework
    return OfficialInspection(code, name, framework, inspection_type, official_type, None, published, grades,
                              table.file, table.sheet, i + 1)
