"""Property-based tests: whatever a curator's keyboard does to a valid mapping, the pipeline answers
with the same facts, or a handled error naming the mapping — never an unhandled exception, and never a
silent change of the data save a retyped id (ids are the curator's free choice)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ofsted_dataset import pipeline
from ofsted_dataset.errors import PipelineError
from tests.helpers import SEED_CORPUS, copy_project

MAPPING = "003_6e4606619b08db71.yaml"
SOURCE = "003_6e4606619b08db71"
ORIGINAL = (SEED_CORPUS / "mappings" / MAPPING).read_text(encoding="utf-8")
LINES = ORIGINAL.splitlines(keepends=True)
# Lines with no data in them: comments and blank lines (none of them inside a block scalar).
CHAFF = [i for i, line in enumerate(LINES) if not line.strip() or line.lstrip().startswith("#")]

# Characters a slip of the keyboard (or a bad paste) brings in, YAML's special ones included.
_TYPED = st.text(alphabet=st.sampled_from(list("aZ09 -:'\"#&*![]{}|>\t\n,.£’“é")), min_size=1, max_size=12)
# The values a curator chooses freely, checked against no quote: record ids, and evidence notes.
_IDS = re.compile(r"^[ -]*(?:inspection_id|recommendation_id|commitment_id):[ \t]*(\S+)[ \t]*$", re.MULTILINE)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The mapping with one to three edits: delete, insert, duplicate or swap lines, or change characters."""
    text = ORIGINAL
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "insert", "duplicate_line", "swap_lines", "drop_line"]))
        if kind in ("delete", "insert"):
            at = draw(st.integers(0, len(text)))
            if kind == "delete":
                text = text[:at] + text[at + draw(st.integers(1, 20)):]
            else:
                text = text[:at] + draw(_TYPED) + text[at:]
        else:
            lines = text.splitlines(keepends=True)
            if len(lines) < 2:
                continue
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if kind == "duplicate_line":
                lines.insert(j, lines[i])
            elif kind == "swap_lines":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                del lines[i]
            text = "".join(lines)
    return text


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    return copy_project(root)


def tables(root: Path) -> dict[str, list[dict]]:
    """Every table a build would publish, as rows (a PipelineError propagates)."""
    applied = pipeline.run(root, until="validate").applied
    return {name: table.to_pylist() for name, table in applied.tables.items()}


def facts(built: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The facts of a build: every table, provenance without its free-text notes (which explain a
    decision and may be reworded at will)."""
    return {**built, "provenance": [{k: v for k, v in row.items() if k != "note"} for row in built["provenance"]]}


@pytest.fixture(scope="module")
def seed_tables(project: Path) -> dict[str, list[dict]]:
    """The tables of the untouched copy."""
    return tables(project)


@pytest.fixture(scope="module")
def seed_facts(seed_tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return facts(seed_tables)


def _refused(exc: PipelineError) -> str:
    """A handled error must say what is wrong and where: a summary, one non-blank line per problem, and
    the mapping that was edited among the files named."""
    assert exc.summary.strip(), exc
    assert exc.details, exc
    assert all(detail.strip() for detail in exc.details), exc
    assert any(detail.startswith(f"mappings/{MAPPING}:") for detail in exc.details), exc
    return "refused"


def outcome(root: Path, text: str, seed: dict[str, list[dict]]) -> str:
    """Build with the mapping replaced by `text`. The answer is one of:
    "same": the same facts (data and provenance);
    "refused": a handled error that says what is wrong, naming the mapping;
    "evidence": the same data, with less or other provenance: a quote was dropped or moved where an
      evidence note excuses the date it backed (crosschecks.check_date trusts a note);
    "renamed": the edit turned an id into another valid id, whose records the build then carries."""
    path = root / "mappings" / MAPPING
    path.write_text(text, encoding="utf-8")
    try:
        got = facts(tables(root))  # any exception other than a PipelineError fails the test
    except PipelineError as exc:
        return _refused(exc)
    finally:
        path.write_text(ORIGINAL, encoding="utf-8")
    if got == seed:
        return "same"
    if {k: v for k, v in got.items() if k != "provenance"} == {k: v for k, v in seed.items() if k != "provenance"}:
        return "evidence"
    new_ids = set(_IDS.findall(text)) - set(_IDS.findall(ORIGINAL))
    assert new_ids, f"the data changed without an error, and no id was retyped:\n{text}"
    built_ids = {value for rows in got.values() for row in rows for key, value in row.items()
                 if key.endswith("_id") and isinstance(value, str)}
    assert {i.strip("\"'") for i in new_ids} & built_ids, f"none of the retyped ids {new_ids} was built:\n{text}"
    return "renamed"


@pytest.mark.slow
def test_mutated_mapping_gives_the_same_facts_or_a_clear_error(project, seed_facts):
    seen: Counter[str] = Counter()

    @settings(max_examples=100, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(text=mutated())
    def check(text: str) -> None:
        seen[outcome(project, text, seed_facts)] += 1

    check()
    # Both answers happen: edits that leave the data alone, and edits the pipeline refuses.
    assert seen["same"] > 0 and seen["refused"] > 0, seen
    assert set(seen) <= {"same", "refused", "evidence", "renamed"}, seen


def test_unmutated_mapping_gives_the_seed_facts(seed_tables, seed_build):
    built = seed_tables
    # The same tables as the session's seed build ...
    assert built == {name: table.to_pylist() for name, table in seed_build[1].tables.items()}
    assert {name: len(rows) for name, rows in built.items()} == {
        "sources": 5, "inspections": 10, "judgements": 17, "recommendations": 8, "funding_commitments": 2,
        "grade_counts": 0, "provenance": 155, "official_checks": 41, "inspections_flat": 10}
    # ... and exactly the rows this mapping reports (some merged with what other articles say).
    assert [r for r in built["sources"] if r["source_id"] == SOURCE] == [{
        "source_id": SOURCE, "path": f"raw/{SOURCE}.txt",
        "sha256": "e79501990cad8a286eb158825ba4c14f2a7f91d2993258182507f92f6c01a13e",
        "title": "Ofsted rates council 'inadequate' amid concerns over leadership", "publisher": "CYP Now",
        "publisher_origin": "quoted", "published_date": dt.date(2017, 6, 13), "published_date_precision": "day",
        "published_date_end": dt.date(2017, 6, 13), "published_date_origin": "quoted", "url": None,
        "retrieved_date": None, "retrieved_date_precision": None, "retrieved_date_end": None, "page_publisher": None,
        "page_published_date": None, "page_published_date_precision": None, "page_published_date_end": None,
        "characters": 5621}]
    # the news facts of each inspection (its official_* verdict is tested in tests/unit/official/test_verdicts.py)
    inspections = {r["inspection_id"]: {k: v for k, v in r.items() if not k.startswith("official_")}
                   for r in built["inspections"]}
    assert inspections["gloucestershire-2017-full-inspection"] == {
        "inspection_id": "gloucestershire-2017-full-inspection", "local_authority": "Gloucestershire",
        "la_code": "E10000013", "inspection_type": "full_inspection", "framework": "sif",
        "visit_start": dt.date(2017, 2, 1), "visit_end": dt.date(2017, 3, 1), "visit_precision": "month",
        "published_date": dt.date(2017, 6, 1), "published_date_precision": "month",
        "published_date_end": dt.date(2017, 6, 30), "overall_grade": "inadequate",
        "theme": None, "recommendations_count": None}
    assert inspections["gloucestershire-2010-full-inspection"] == {
        "inspection_id": "gloucestershire-2010-full-inspection", "local_authority": "Gloucestershire",
        "la_code": "E10000013", "inspection_type": "full_inspection", "framework": "slac",
        "visit_start": dt.date(2010, 1, 1), "visit_end": None, "visit_precision": "year",
        "published_date": dt.date(2011, 1, 1), "published_date_precision": "year",
        "published_date_end": dt.date(2011, 12, 31), "overall_grade": "inadequate",
        "theme": None, "recommendations_count": None}
    assert inspections["south-gloucestershire-2016-full-inspection"] == {
        "inspection_id": "south-gloucestershire-2016-full-inspection", "local_authority": "South Gloucestershire",
        "la_code": "E06000025", "inspection_type": "full_inspection", "framework": "sif",
        "visit_start": dt.date(2016, 1, 1), "visit_end": None, "visit_precision": "year",
        "published_date": dt.date(2017, 2, 1), "published_date_precision": "month",
        "published_date_end": dt.date(2017, 2, 28), "overall_grade": "inadequate",
        "theme": None, "recommendations_count": 22}
    assert sorted((r["inspection_id"], r["area"], r["area_label"], r["grade"]) for r in built["judgements"]
                  if r["inspection_id"].startswith("gloucestershire-")) == [
        ("gloucestershire-2010-full-inspection", "help_and_protection", "safeguarding services", "inadequate"),
        ("gloucestershire-2010-full-inspection", "overall_effectiveness", None, "inadequate"),
        ("gloucestershire-2017-full-inspection", "adoption", "adoption team", "good"),
        ("gloucestershire-2017-full-inspection", "help_and_protection", "child protection work", "inadequate"),
        ("gloucestershire-2017-full-inspection", "leadership", "leadership", "inadequate"),
        ("gloucestershire-2017-full-inspection", "overall_effectiveness", None, "inadequate"),
    ]
    assert [r for r in built["funding_commitments"] if r["commitment_id"] == "gloucestershire-2017-9-2m"] == [{
        "commitment_id": "gloucestershire-2017-9-2m", "local_authority": "Gloucestershire", "la_code": "E10000013",
        "amount_gbp": 9_200_000, "approximate": False, "period_years": None, "first_financial_year": None,
        "last_financial_year": None, "purpose": "children's services to speed up improvement",
        "announced_date": dt.date(2017, 1, 1), "announced_date_precision": "year",
        "announced_date_end": dt.date(2017, 12, 31), "inspection_id": "gloucestershire-2017-full-inspection"}]
    assert sum(1 for r in built["provenance"] if r["source_id"] == SOURCE) == 42


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(removed=st.sets(st.sampled_from(CHAFF), min_size=1))
@example(removed=set(CHAFF))
def test_removing_comments_or_blank_lines_keeps_the_same_facts(project, seed_tables, removed):
    """Edits that do not touch the data (comments, blank lines) give exactly the same tables, notes included."""
    assert CHAFF and all(not LINES[i].strip() or LINES[i].lstrip().startswith("#") for i in removed)
    path = project / "mappings" / MAPPING
    path.write_text("".join(line for i, line in enumerate(LINES) if i not in removed), encoding="utf-8")
    try:
        built = tables(project)
    finally:
        path.write_text(ORIGINAL, encoding="utf-8")
    assert built == seed_tables
