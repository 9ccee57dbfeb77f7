"""Property-based tests: whatever a curator's keyboard does to a valid mapping, the pipeline answers
with the same facts or a handled error — never an unhandled exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ofsted_dataset import pipeline
from ofsted_dataset.errors import PipelineError
from tests.helpers import PROJECT, copy_project

MAPPING = "003_6e4606619b08db71.yaml"
ORIGINAL = (PROJECT / "mappings" / MAPPING).read_text(encoding="utf-8")
LINES = ORIGINAL.splitlines(keepends=True)

# Characters a slip of the keyboard (or a bad paste) brings in, YAML's special ones included.
_TYPED = st.text(alphabet=st.sampled_from(list("aZ09 -:'\"#&*![]{}|>\t\n,.£’“é")), min_size=1, max_size=12)


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


def build(root: Path) -> dict[str, list[dict]] | None:
    """The tables a build would publish, or None after a handled error."""
    try:
        applied = pipeline.run(root, until="validate").applied
    except PipelineError as exc:
        assert exc.summary and all(detail.strip() for detail in exc.details)
        return None
    return {name: table.to_pylist() for name, table in applied.tables.items()}


@pytest.mark.slow
@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=mutated())
def test_mutated_mapping_loads_or_fails_cleanly(project, text):
    (project / "mappings" / MAPPING).write_text(text, encoding="utf-8")
    try:
        build(project)  # any exception other than a PipelineError fails the test
    finally:
        (project / "mappings" / MAPPING).write_text(ORIGINAL, encoding="utf-8")


def test_unmutated_mapping_gives_the_seed_facts(project):
    assert build(project) is not None


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=st.integers(0, len(LINES) - 1))
def test_removing_a_comment_or_blank_line_keeps_the_same_facts(project, at):
    """Edits that do not touch the data (comments, blank lines) give exactly the same tables."""
    if LINES[at].strip() and not LINES[at].lstrip().startswith("#"):
        return
    expected = build(project)
    (project / "mappings" / MAPPING).write_text("".join(LINES[:at] + LINES[at + 1:]), encoding="utf-8")
    try:
        assert build(project) == expected
    finally:
        (project / "mappings" / MAPPING).write_text(ORIGINAL, encoding="utf-8")
