"""The official extract (reference/official/outcomes.csv), defined once.

The snapshot writes the extract's columns in this order and the checks read every value by the type
given here, so the file, its writer and its reader cannot drift apart. It is an input the project
keeps, not a published table: every field is `Origin.SOURCE` (read as it is from the file) and the
table is not in `schemas.tables.TABLES`.

An empty cell is "none": a council the register could not resolve, a framework outside the
vocabulary (TLAC), a date or a grade the official file does not give.
"""

from __future__ import annotations

from schemas.model import Field, Origin, Table
from schemas.patterns import GSS_CODE
from schemas.vocabularies import AREAS, FRAMEWORKS, GRADES, INSPECTION_TYPES


def _grade(area: str) -> Field:
    return Field(area, "string", f"Official grade for: {AREAS[area]}. Empty when the inspection gave none.",
                 Origin.SOURCE, enum=tuple(GRADES), example="requires_improvement")


OFFICIAL_OUTCOMES = Table(
    name="official_outcomes",
    title="Ofsted's official inspection outcomes (extract)",
    description="One row per inspection or visit of a council's children's services in Ofsted's official "
                "statistics, on the dataset's vocabularies; made by `ofsted-dataset official-snapshot` and read "
                "by the official checks (docs/official-checks.md).",
    location="reference/official/outcomes.csv",
    # A wide-table row holds several inspections, each under its own heading (official_type).
    primary_key=("source_file", "source_sheet", "source_row", "official_type"),
    fields=(
        Field("gss_code", "string",
              "GSS code of the council: as the file gives it, else looked up by name in the register (an "
              "abolished council by its former code). Empty when the name matches no council.",
              Origin.SOURCE, pattern=GSS_CODE, example="E10000013"),
        Field("la_name", "string", "The council's name as the official file writes it (for the person reviewing "
              "a refreshed extract; the checks match on gss_code).", Origin.SOURCE, required=True,
              example="Gloucestershire"),
        Field("framework", "string",
              "Inspection framework. Empty when outside the vocabulary (TLAC, or a full inspection before 2018 "
              "whose framework the file does not name).",
              Origin.SOURCE, enum=tuple(FRAMEWORKS), example="sif"),
        Field("inspection_type", "string", "Kind of inspection or visit.", Origin.SOURCE, required=True,
              enum=tuple(INSPECTION_TYPES), example="full_inspection"),
        Field("official_type", "string",
              "Ofsted's own name of the inspection: the file's inspection type cell, or the heading of its block "
              "of columns in the wide 2009-2023 table.",
              Origin.SOURCE, required=True, example="Single Inspection of LA Children's Services (SIF) First SIF"),
        Field("inspection_date", "date",
              "First day of fieldwork. Empty where the file gives only the publication date (2009-2023 history).",
              Origin.SOURCE, example="2019-11-25"),
        Field("published_date", "date",
              "Publication date of the report. Empty where the file gives only the visit date (2022-23 visits).",
              Origin.SOURCE, example="2020-01-24"),
        *(_grade(area) for area in AREAS),
        Field("source_file", "string", "The official spreadsheet the row was read from.", Origin.SOURCE,
              required=True, example="LA_Inspection_Outcomes_as_at_31_March_2025.ods"),
        Field("source_sheet", "string", "Its sheet.", Origin.SOURCE, required=True,
              example="ILACS_inspection_history"),
        Field("source_row", "integer", "Its row, 1-based, as a spreadsheet program shows it.", Origin.SOURCE,
              required=True, minimum=1, example="4"),
    ),
)
