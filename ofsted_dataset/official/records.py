"""What reading an official spreadsheet yields: inspections on the dataset's vocabularies, per file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from schemas.vocabularies import AREAS


@dataclass(frozen=True)
class OfficialInspection:
    """One inspection or visit as an official file records it: one row of the extract
    (schemas/official_extract.py), with the grades gathered by area."""

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

    def row(self) -> dict[str, object]:
        """The extract's row, typed, keyed by its columns (one per area instead of `grades`)."""
        values: dict[str, object] = {k: v for k, v in vars(self).items() if k != "grades"}
        return {**values, **{area: self.grades.get(area) for area in AREAS}}


@dataclass
class Workbook:
    """What one file yielded: its inspections, its publication date (for precedence) and any problems."""

    name: str
    published_on: date | None
    inspections: list[OfficialInspection] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)  # "sheet!row" of every table read
    problems: list[str] = field(default_factory=list)
