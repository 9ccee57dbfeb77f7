"""Finding the tables in a sheet made for people.

A sheet has a title row, a paragraph of notes, sometimes a blank row, then the table; one sheet may
hold two tables one above the other (current councils, then councils that no longer exist), each
with its own header and its own column positions. So nothing relies on a fixed offset: a header row
is found by its content (a "Local authority name" cell beside an inspection date, publication date
or inspection type), the table runs until a blank row or the next header, and every column is
recognised later by its heading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ofsted_dataset.official.wording import key

Rows = Sequence[Sequence[Any]]


@dataclass(frozen=True)
class SheetTable:
    """One table of a sheet: where it is, its title, and its rows (`rows[start]` is the header)."""

    file: str
    sheet: str
    rows: Rows
    start: int
    end: int  # exclusive
    title: str  # the nearest text above the header

    @cached_property
    def header(self) -> list[str]:
        """The headings, folded for comparison."""
        return [key(c) for c in self.rows[self.start]]

    @property
    def body(self) -> range:
        return range(self.start + 1, self.end)

    @property
    def where(self) -> str:
        """"sheet!row" of the header, as snapshot.json lists the tables read."""
        return f"{self.sheet}!{self.start + 1}"

    def column(self, *names: str) -> int | None:
        """The first column headed by one of `names` (folded), or None."""
        for name in names:
            if name in self.header:
                return self.header.index(name)
        return None

    def problem(self, i: int, message: str, block: str = "") -> str:
        """A problem with row `i`, located as a person finds it in the file."""
        return f"{self.file}, {self.sheet} row {i + 1}{f' ({block})' if block else ''}: {message}"

    def former(self, row: Sequence[Any]) -> bool:
        """The row is of a council that no longer exists: the table says so in its title, or the row
        in its "Local authority status"."""
        title = key(self.title)
        if "before the restructure" in title or "no longer exist" in title:
            return True
        status = self.column("local authority status")
        return status is not None and key(row[status]) == "no longer exists"


def _blank(row: Sequence[Any]) -> bool:
    return all(key(c) == "" for c in row)


def _is_header(row: Sequence[Any]) -> bool:
    cells = {key(c) for c in row}
    if "local authority name" not in cells:
        return False
    return any("publication date" in c or "inspection date" in c or "visit date" in c or "type" in c
               for c in cells)


def _title_above(rows: Rows, header: int) -> str:
    """The nearest text above a header, within the few rows a title and its notes take."""
    for i in range(header - 1, max(header - 5, -1), -1):
        texts = [str(c).strip() for c in rows[i] if str(c).strip()]
        if texts:
            return texts[0]
    return ""


def find_tables(file: str, sheet: str, rows: Rows) -> list[SheetTable]:
    """Every table of a sheet, found by content."""
    headers = [i for i, row in enumerate(rows) if _is_header(row)]
    tables = []
    for n, start in enumerate(headers):
        limit = headers[n + 1] if n + 1 < len(headers) else len(rows)
        end = start + 1
        while end < limit and not _blank(rows[end]):
            end += 1
        tables.append(SheetTable(file, sheet, rows, start, end, _title_above(rows, start)))
    return tables
