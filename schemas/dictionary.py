"""The data dictionary (Markdown), generated from the table definitions.

Shipped in every release as `data-dictionary.md` and kept in the repository as
docs/data-dictionary.md (a test checks that file is what this module renders).
"""

from __future__ import annotations

from schemas.model import Origin
from schemas.tables import TABLES
from schemas.vocabularies import (
    AREAS,
    CHECK_STATUSES,
    COUNT_SCOPES,
    FRAMEWORK_NOTES,
    FRAMEWORKS,
    GRADES,
    INSPECTION_TYPES,
    PRECISIONS,
    THEMES,
    VALUE_ORIGINS,
)

_ORIGIN = {
    Origin.QUOTE: "verbatim: the value is an exact span of the article (see provenance)",
    Origin.EVIDENCE: "curated, backed by one or more quotes in provenance",
    Origin.CURATOR: "assigned by the curator",
    Origin.DERIVED: "derived by rule",
    Origin.COLLECTOR: "from the collector's record of the page (raw/<source_id>.page.json), not from the text",
}
_VOCABULARIES = {
    "grade": GRADES,
    "inspection_type": INSPECTION_TYPES,
    "framework": FRAMEWORKS,
    "area": AREAS,
    "theme (recommendations and inspections)": THEMES,
    "scope (grade_counts)": COUNT_SCOPES,
    "publisher_origin, published_date_origin (sources)": VALUE_ORIGINS,
    "precision (every *_precision column)": PRECISIONS,
    "status (official_checks)": CHECK_STATUSES,
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_dictionary() -> str:
    lines = [
        "# Data dictionary",
        "",
        "Generated from `schemas/tables.py` by `schemas/dictionary.py`; do not edit by hand.",
        "",
        "Conventions: ids are lowercase slugs; a date is the first day of its period, with a precision "
        "column (day, month, year) that is null exactly when the date is; money is whole pounds; dates are "
        "Parquet DATE and ISO 8601 (YYYY-MM-DD) in CSV; an empty CSV cell is null. Every value that comes "
        "from an article has rows in `provenance` with the exact quote and its code-point offsets.",
        "",
    ]
    for table in TABLES.values():
        lines += [
            f"## {table.name}",
            "",
            f"{table.description} Primary key: ({', '.join(table.primary_key)}).",
            "",
        ]
        for fk in table.foreign_keys:
            lines += [f"Foreign key: {', '.join(fk.fields)} → {fk.resource}.{', '.join(fk.reference_fields)}.", ""]
        lines += ["| field | type | required | meaning | allowed values | where the value comes from | example |",
                  "|---|---|---|---|---|---|---|"]
        for f in table.fields:
            allowed = ", ".join(f.enum) if f.enum else (f"pattern `{f.pattern}`" if f.pattern else "")
            if f.minimum is not None:
                allowed = f"≥ {f.minimum}"
            origin = _ORIGIN[f.origin] + (f". {f.rule}" if f.rule else "")
            lines.append(
                f"| {f.name} | {f.type} | {'yes' if f.required else ''} | {_cell(f.description)} | "
                f"{_cell(allowed)} | {_cell(origin)} | {_cell(f.example or '')} |"
            )
        lines.append("")
    lines += ["## Framework notes", "", "How each framework's facts land in these tables:", ""]
    lines += [f"- {note}" for note in FRAMEWORK_NOTES]
    lines += ["", "## Vocabularies", ""]
    for name, vocabulary in _VOCABULARIES.items():
        lines += [f"### {name}", "", "| value | meaning |", "|---|---|"]
        lines += [f"| {value} | {_cell(meaning)} |" for value, meaning in vocabulary.items()]
        lines.append("")
    return "\n".join(lines)
