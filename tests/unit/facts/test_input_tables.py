"""Tests for ofsted_dataset.facts.input_tables: an input file is held to its definition in schemas/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ofsted_dataset.errors import PipelineError
from ofsted_dataset.facts.input_tables import read_input_table
from schemas.model import Field, Origin, Table
from schemas.reference_tables import REFERENCE_TABLES
from tests.helpers import PROJECT

SAMPLE = Table(
    name="sample", title="Sample", description="A table to read.", location="reference/sample.csv",
    primary_key=("code",),
    fields=(
        Field("code", "string", "A code.", Origin.SOURCE, required=True, pattern=r"^[A-Z]\d$"),
        Field("count", "integer", "A number.", Origin.SOURCE),
        Field("day", "date", "A day.", Origin.SOURCE),
        Field("kinds", "string", "Kinds.", Origin.SOURCE, enum=("a", "b"), separator=";"),
    ),
)


def write(root: Path, text: str) -> Path:
    (root / "reference").mkdir(exist_ok=True)
    (root / "reference" / "sample.csv").write_text(text, encoding="utf-8")
    return root


def test_values_are_typed_by_their_field(tmp_path):
    write(tmp_path, "code,count,day,kinds\nA1,3,2017-06-01,a;b\nB2,,,\n")
    assert read_input_table(tmp_path, SAMPLE) == [
        {"code": "A1", "count": 3, "day": dt.date(2017, 6, 1), "kinds": ("a", "b")},
        {"code": "B2", "count": None, "day": None, "kinds": ()},
    ]


def test_every_bad_value_is_named_with_its_line_and_column(tmp_path):
    write(tmp_path, "code,count,day,kinds\n,x,2017-13-01,a;c\nA1,2\n")
    with pytest.raises(PipelineError) as caught:
        read_input_table(tmp_path, SAMPLE)
    assert caught.value.summary == "reference/sample.csv: 5 problem(s); fix the file and run again"
    assert caught.value.details == [
        "line 2 code: expected a value, found an empty cell",
        "line 2 count: expected a whole number, found 'x'",
        "line 2 day: expected a date written YYYY-MM-DD, found '2017-13-01'",
        "line 2 kinds: expected one of a, b, found 'c'",
        "line 3: expected 4 cells, found 2",
    ]


def test_a_header_that_differs_from_the_definition_is_refused(tmp_path):
    write(tmp_path, "code,day,count,kinds\n")
    with pytest.raises(PipelineError) as caught:
        read_input_table(tmp_path, SAMPLE)
    assert caught.value.summary == "reference/sample.csv: unexpected columns"
    assert caught.value.details == ["expected code,count,day,kinds", "found code,day,count,kinds"]


def test_a_missing_file_is_an_error_unless_optional(tmp_path):
    assert read_input_table(tmp_path, SAMPLE, missing_ok=True) == []
    with pytest.raises(PipelineError) as caught:
        read_input_table(tmp_path, SAMPLE)
    assert caught.value.summary == f"reference/sample.csv is missing in {tmp_path}: restore it from the repository"


@pytest.mark.parametrize("name", ["local_authorities", "judgement_areas"])
def test_the_committed_reference_files_satisfy_their_definitions(name):
    rows = read_input_table(PROJECT, REFERENCE_TABLES[name])
    keys = [tuple(row[k] for k in REFERENCE_TABLES[name].primary_key) for row in rows]
    assert len(keys) == len(set(keys)) > 20
