"""The contract covers every table the pipeline reads or writes, and no defined field is dead.

Published tables are in schemas/tables.py, the reference files in schemas/reference_tables.py; each
input file under reference/ is the location of a definition, and every field is either read or
computed by the pipeline, or marked informative (kept for people, validated, never read).
"""

from __future__ import annotations

import re

import pytest

from schemas.model import Origin, Table
from schemas.official_extract import OFFICIAL_OUTCOMES
from schemas.reference_tables import REFERENCE_TABLES
from schemas.tables import INSPECTIONS_FLAT, TABLES, precision_column
from tests.helpers import PROJECT

PACKAGE_SOURCE = "\n".join(p.read_text(encoding="utf-8") for p in sorted((PROJECT / "ofsted_dataset").rglob("*.py")))


def _used(name: str) -> bool:
    """The name is read or written by the package: as a key ("name"), an attribute (.name) or a field of
    a class or call (name: / name=). A date's precision column is filled by one rule for every date
    (schemas.tables.precision_column, which apply.py calls for every date it writes)."""
    dates = [f.name for t in TABLES.values() for f in t.fields if f.type == "date" and precision_column(f.name) == name]
    if dates:
        return "precision_column(" in PACKAGE_SOURCE
    if any(f.period_end_of for t in TABLES.values() for f in t.fields if f.name == name):
        return ".period_end_of" in PACKAGE_SOURCE  # every period's end is filled by one rule (arrow_tables.py)
    if any(f.name == name and (f.rule or "").startswith("Copied from ") for f in INSPECTIONS_FLAT.fields):
        return "INSPECTIONS_FLAT.field_names" in PACKAGE_SOURCE  # the flat export selects every column it has
    return re.search(rf"""["']{name}["']|\.{name}\b|\b{name}\s*[:=]""", PACKAGE_SOURCE) is not None


INPUT_TABLES = [*REFERENCE_TABLES.values(), OFFICIAL_OUTCOMES]


def test_every_reference_file_is_defined():
    files = sorted(p.relative_to(PROJECT).as_posix() for p in (PROJECT / "reference").rglob("*.csv"))
    defined = sorted(t.location for t in INPUT_TABLES if t.location)
    assert set(files) <= set(defined)


@pytest.mark.parametrize("table", INPUT_TABLES, ids=lambda t: t.name)
def test_every_input_field_is_read_or_marked_informative(table: Table):
    unused = [f.name for f in table.fields if not f.informative and not _used(f.name)]
    assert unused == []


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda t: t.name)
def test_every_derived_published_field_is_computed_by_the_pipeline(table: Table):
    unused = [f.name for f in table.fields if f.origin is Origin.DERIVED and not _used(f.name)]
    assert unused == []


def test_an_unused_field_would_be_found():
    assert not _used("a_field_nobody_reads")
