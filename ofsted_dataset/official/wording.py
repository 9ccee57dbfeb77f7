"""Ofsted's wording in its spreadsheets, mapped onto the dataset's vocabularies (schemas/vocabularies.py).

Headings and cells are written for people and vary between files and years ("Requires improvement to
be good", "SLAC Safeguarding Overall effectiveness (OE)", "LA Monitoring visit"), so each is compared
after the project's one typographic folding (`ofsted_dataset.text.folded_key`) and recognised by the
words it contains. Ofsted recoded the pre-2013 grade "adequate" as "requires improvement to be good"
in these files; the grade is kept as the file states it.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ofsted_dataset.text import folded_key
from schemas.vocabularies import FRAMEWORK_STARTS

OFFICIAL_GRADES: dict[str, str] = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement to be good": "requires_improvement",
    "requires improvement": "requires_improvement",
    "adequate": "adequate",
    "inadequate": "inadequate",
}
# Cells that mean "no grade": blank, a dash (any dash folds to "-"), or a judgement not made.
NO_GRADE = {"", "-", "n/a", "na", "not judged", "not applicable", "ungraded"}
# The first ILACS inspections: an undated or later inspection or visit is ILACS, an earlier visit SIF.
ILACS_STARTS = FRAMEWORK_STARTS["ilacs"]


def key(cell: object) -> str:
    """A cell as compared: calamine gives strings, numbers and dates, and the folding takes text."""
    return folded_key(str(cell))


def grade_of(cell: object) -> str | None:
    """A grade cell on the GRADES vocabulary; None when empty; raises ValueError when unknown."""
    text = key(cell)
    if text in NO_GRADE:
        return None
    if text in OFFICIAL_GRADES:
        return OFFICIAL_GRADES[text]
    raise ValueError(f"unknown grade {str(cell).strip()!r}")


def date_of(cell: object) -> date | None:
    """A date cell: an ODS date, or text in day/month/year or ISO form; None when empty."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = str(cell).strip()
    if not text or key(text) in NO_GRADE:
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
    h = key(header)
    if any(word in h for word in ("date", "type", "theme", "link", "name", "region")):
        return None  # the columns beside the grades
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
    h = key(label)
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
    h = key(official_type)
    if "focused" in h:
        return "focused_visit", "ilacs"
    if "monitoring" in h:
        return "monitoring_visit", "ilacs" if when is None or when >= ILACS_STARTS else "sif"
    if "inspection" in h:
        return "full_inspection", framework_of(h) or ("ilacs" if when and when >= ILACS_STARTS else "")
    raise ValueError(f"unknown inspection type {official_type!r}")
