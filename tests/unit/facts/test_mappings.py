"""Tests for ofsted_dataset.facts.mappings (shape and vocabulary of curated mappings) and the safe YAML loader."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml

from ofsted_dataset.errors import Problem
from ofsted_dataset.facts import yaml_loader
from ofsted_dataset.facts.mapping_model import CuratedDate, Evidence, Mapping, Quote, parse_date
from ofsted_dataset.facts.mappings import load_mapping, load_mappings
from ofsted_dataset.facts.yaml_loader import LineDict, YamlError, load_yaml
from tests.helpers import SEED_CORPUS

SHA = "0123456789abcdef" * 4
FILE = "mappings/a01.yaml"

# A small valid mapping; line numbers matter to the expected messages below.
BASE = f"""\
source:
  file: a01.txt
  sha256: {SHA}
  title: "Council rated ‘inadequate’"
  published_date: 2017-02-13
  evidence:
    published_date: "Monday, February 13, 2017"
inspections:
  - inspection_id: south-gloucestershire-2016-full-inspection
    local_authority: South Gloucestershire
    inspection_type: full_inspection
    overall_grade: inadequate
    recommendations_count: 22
    evidence:
      local_authority: "South Gloucestershire Council"
      inspection_type: {{quotes: ["a month-long review"], note: A graded review.}}
      overall_grade: "rated ‘Inadequate’"
      recommendations_count: "makes 22 recommendations"
"""


def _write(tmp_path: Path, text: str, stem: str = "a01") -> Path:
    path = tmp_path / f"{stem}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str, stem: str = "a01") -> list[str]:
    mapping, problems = load_mapping(_write(tmp_path, text, stem))
    assert mapping is None
    assert problems, "a broken mapping must report at least one problem"
    return [str(p) for p in problems]


def _edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


# --- parse_date -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("2017", dt.date(2017, 1, 1), "year"),
        ("2017-02", dt.date(2017, 2, 1), "month"),
        ("2017-02-13", dt.date(2017, 2, 13), "day"),
        ("2016-02-29", dt.date(2016, 2, 29), "day"),
    ],
)
def test_parse_date_keeps_precision(text, value, precision):
    assert parse_date(text) == CuratedDate(value, precision)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2017-02-30", "'2017-02-30' is not a real date (day is out of range for month)"),
        ("2017-13", "'2017-13' is not a real date (month must be in 1..12)"),
        ("2017-02-13T10:00", "expected a date written YYYY, YYYY-MM or YYYY-MM-DD, found '2017-02-13T10:00'"),
        ("13/02/2017", "expected a date written YYYY, YYYY-MM or YYYY-MM-DD, found '13/02/2017'"),
        ("2017-2", "expected a date written YYYY, YYYY-MM or YYYY-MM-DD, found '2017-2'"),
        ("17", "expected a date written YYYY, YYYY-MM or YYYY-MM-DD, found '17'"),
        ("February 2017", "expected a date written YYYY, YYYY-MM or YYYY-MM-DD, found 'February 2017'"),
    ],
)
def test_parse_date_rejects(text, message):
    with pytest.raises(ValueError) as excinfo:
        parse_date(text)
    assert str(excinfo.value) == message


# --- a valid mapping ------------------------------------------------------------------------------

VALID = f"""\
source:
  file: a01.txt
  sha256: {SHA}
  title: "Council rated ‘inadequate’"
  publisher:
    text: CYP Now
    occurrence: 2
  published_date: 2017-02
  evidence:
    published_date:
      quotes:
        - "published today"
        - text: "Tuesday, June 13, 2017"
          source: b02
      note: From the dateline of article b02.
inspections:
  - inspection_id: gloucestershire-2017-full-inspection
    local_authority: Gloucestershire
    inspection_type: full_inspection
    visit_start: 2017-02-06
    overall_grade: inadequate
    evidence:
      local_authority: "Gloucestershire County Council"
      inspection_type: "a full inspection"
      visit_start: "from 6 February 2017"
      overall_grade: "rated ‘Inadequate’"
judgements:
  - inspection_id: gloucestershire-2017-full-inspection
    area_label:
      text: leadership
      occurrence: 5
    grade: inadequate
    evidence:
      grade: "leadership was found to be inadequate"
recommendations:
  - recommendation_id: gloucestershire-2017-full-inspection-1
    inspection_id: gloucestershire-2017-full-inspection
    text: "improve management oversight"
    theme: quality_assurance
    urgent: false
    evidence:
      theme: "improve management oversight"
      urgent: "improve management oversight"
funding_commitments:
  - commitment_id: gloucestershire-2017-9-2m
    local_authority: Gloucestershire
    amount_gbp: 9200000
    period_years: 4
    purpose: "children's services"
    announced_date: "2017"
    inspection_id: gloucestershire-2017-full-inspection
    evidence:
      local_authority: "Gloucestershire County Council"
      amount_gbp: "an extra £9.2m"
      period_years: "over four years"
      announced_date: {{quotes: ["Tuesday, June 13, 2017"], note: Agreed by the dateline.}}
notes: A test mapping.
"""


def test_valid_mapping_loads(tmp_path):
    path = _write(tmp_path, VALID)
    mapping, problems = load_mapping(path)
    assert problems == []
    assert isinstance(mapping, Mapping)
    assert mapping.path == path
    assert mapping.source_id == "a01"
    assert mapping.file == "a01.txt"
    assert mapping.sha256 == SHA
    assert mapping.notes == "A test mapping."


def test_valid_mapping_source_block(tmp_path):
    mapping, _ = load_mapping(_write(tmp_path, VALID))
    assert mapping is not None
    source = mapping.source
    assert source.table == "sources"
    assert source.where == "sources[0]"
    # file and sha256 are checked separately and are not values of the source record
    assert source.values == {
        "title": Quote("Council rated ‘inadequate’", None, None, 4),
        "publisher": Quote("CYP Now", 2, None, 6),
        "published_date": CuratedDate(dt.date(2017, 2, 1), "month"),
    }
    assert source.evidence == {
        "published_date": Evidence(
            # a plain-text quote in a list carries the line of its `quotes:` key; a mapping quote its own line
            (Quote("published today", None, None, 11), Quote("Tuesday, June 13, 2017", None, "b02", 13)),
            "From the dateline of article b02.",
        )
    }


def test_valid_mapping_records(tmp_path):
    mapping, _ = load_mapping(_write(tmp_path, VALID))
    assert mapping is not None
    assert [(r.table, r.index, r.line) for r in mapping.records] == [
        ("inspections", 0, 17),
        ("judgements", 0, 28),
        ("recommendations", 0, 36),
        ("funding_commitments", 0, 45),
    ]
    inspection, judgement, recommendation, funding = mapping.records

    assert inspection.values == {
        "inspection_id": "gloucestershire-2017-full-inspection",
        "local_authority": "Gloucestershire",
        "inspection_type": "full_inspection",
        "visit_start": CuratedDate(dt.date(2017, 2, 6), "day"),
        "overall_grade": "inadequate",
    }
    assert inspection.evidence["visit_start"] == Evidence((Quote("from 6 February 2017", None, None, 25),), None)
    assert inspection.lines["overall_grade"] == 21

    # QUOTE fields become Quote objects, with their occurrence
    assert judgement.where == "judgements[0]"
    assert judgement.values["area_label"] == Quote("leadership", 5, None, 30)
    assert judgement.values["grade"] == "inadequate"

    assert recommendation.values == {
        "recommendation_id": "gloucestershire-2017-full-inspection-1",
        "inspection_id": "gloucestershire-2017-full-inspection",
        "text": Quote("improve management oversight", None, None, 38),
        "theme": "quality_assurance",
        "urgent": False,
    }

    assert funding.values["amount_gbp"] == 9200000
    assert funding.values["period_years"] == 4
    assert funding.values["purpose"] == Quote("children's services", None, None, 49)
    assert funding.values["announced_date"] == CuratedDate(dt.date(2017, 1, 1), "year")
    assert funding.evidence["announced_date"] == Evidence(
        (Quote("Tuesday, June 13, 2017", None, None, 56),), "Agreed by the dateline."
    )


def test_dates_keep_the_precision_typed_in_yaml(tmp_path):
    mapping, problems = load_mapping(_write(tmp_path, BASE))
    assert problems == []
    assert mapping is not None
    assert mapping.source.values["published_date"] == CuratedDate(dt.date(2017, 2, 13), "day")


def test_seed_mappings_all_load():
    """The seed corpus's mappings (every live one is loaded by tests/integration/test_live_corpus.py)."""
    mappings, problems = load_mappings(SEED_CORPUS / "mappings")
    assert problems == []
    assert [m.source_id for m in mappings] == [
        "000_09d284dea3b9a717", "001_06ce62ec936559f3", "002_3dafbde2ba55b338", "003_6e4606619b08db71",
        "004_99f45e7fed0112e3"]


# --- problems, one kind at a time -----------------------------------------------------------------


def test_unknown_key_suggests_the_closest(tmp_path):
    # Without the evidence the misspelt key would also leave an orphan evidence entry.
    text = _edit("    overall_grade: inadequate\n", "    overal_grade: inadequate\n").replace(
        "      overall_grade: \"rated ‘Inadequate’\"\n", ""
    )
    assert _problems(tmp_path, text) == [
        f"{FILE}:12: inspections[0]: unknown key 'overal_grade' (did you mean 'overall_grade'?); allowed: "
        "inspection_id, local_authority, inspection_type, framework, visit_start, visit_end, published_date, "
        "overall_grade, theme, recommendations_count, review, evidence"
    ]


def test_unknown_top_level_key(tmp_path):
    text = _edit("inspections:\n", "inspection:\n")
    assert _problems(tmp_path, text) == [
        f"{FILE}:8: unknown key 'inspection' (did you mean 'inspections'?); allowed: "
        "source, inspections, judgements, recommendations, funding_commitments, grade_counts, lint_waivers, notes"
    ]


def test_unknown_key_without_a_close_match_has_no_suggestion(tmp_path):
    text = _edit("    recommendations_count: 22\n", "    recommendations_count: 22\n    xyzzy: 1\n")
    assert _problems(tmp_path, text) == [
        f"{FILE}:14: inspections[0]: unknown key 'xyzzy'; allowed: inspection_id, local_authority, inspection_type, "
        "framework, visit_start, visit_end, published_date, overall_grade, theme, recommendations_count, review, "
        "evidence"
    ]


def test_unknown_key_in_source_block_is_reported_once(tmp_path):
    text = _edit("  title:", "  publishr: CYP Now\n  title:")
    assert _problems(tmp_path, text) == [
        f"{FILE}:4: source: unknown key 'publishr' (did you mean 'publisher'?); allowed: file, sha256, title, "
        "publisher, published_date, review, evidence"
    ]


def test_unknown_vocabulary_value_suggests(tmp_path):
    text = _edit("inspection_type: full_inspection", "inspection_type: focussed_visit")
    assert _problems(tmp_path, text) == [
        f"{FILE}:11: inspections[0].inspection_type: 'focussed_visit' is not one of full_inspection, "
        "focused_visit, monitoring_visit, joint_targeted_area_inspection (did you mean 'focused_visit'?)"
    ]


def test_wrong_type_for_integer(tmp_path):
    text = _edit("recommendations_count: 22", 'recommendations_count: "many"')
    assert _problems(tmp_path, text) == [
        f"{FILE}:13: inspections[0].recommendations_count: expected a whole number, found 'many'"
    ]


def test_integer_below_minimum(tmp_path):
    text = _edit("recommendations_count: 22", "recommendations_count: -1")
    assert _problems(tmp_path, text) == [
        f"{FILE}:13: inspections[0].recommendations_count: must be at least 0, found -1"
    ]


def test_boolean_is_not_an_integer(tmp_path):
    text = _edit("recommendations_count: 22", "recommendations_count: true")
    assert _problems(tmp_path, text) == [
        f"{FILE}:13: inspections[0].recommendations_count: expected a whole number, found True"
    ]


def test_invalid_calendar_date(tmp_path):
    text = _edit("published_date: 2017-02-13", "published_date: 2017-02-30")
    assert _problems(tmp_path, text) == [
        f"{FILE}:5: sources[0].published_date: '2017-02-30' is not a real date (day is out of range for month)"
    ]


def test_date_in_a_wrong_format(tmp_path):
    text = _edit("published_date: 2017-02-13", "published_date: 13/02/2017")
    assert _problems(tmp_path, text) == [
        f"{FILE}:5: sources[0].published_date: expected a date written YYYY, YYYY-MM or YYYY-MM-DD, "
        "found '13/02/2017'"
    ]


def test_missing_required_key(tmp_path):
    text = _edit("    local_authority: South Gloucestershire\n", "").replace(
        '      local_authority: "South Gloucestershire Council"\n', ""
    )
    assert _problems(tmp_path, text) == [f"{FILE}:9: inspections[0]: missing required key 'local_authority'"]


def test_missing_required_key_with_leftover_evidence_is_reported_once(tmp_path):
    # Its evidence left behind is the same mistake, not a second one.
    text = _edit("    local_authority: South Gloucestershire\n", "")
    assert _problems(tmp_path, text) == [
        f"{FILE}:9: inspections[0]: missing required key 'local_authority'",
    ]


def test_missing_evidence_for_an_evidenced_field(tmp_path):
    text = _edit('      overall_grade: "rated ‘Inadequate’"\n', "")
    assert _problems(tmp_path, text) == [
        f'{FILE}:12: inspections[0].overall_grade: no evidence: add `evidence: {{overall_grade: "<quote>"}}`'
    ]


def test_evidence_for_a_field_without_a_value(tmp_path):
    text = _edit("    overall_grade: inadequate\n", "")
    assert _problems(tmp_path, text) == [
        f"{FILE}:16: inspections[0].evidence.overall_grade: evidence for 'overall_grade', "
        "but that field has no value here"
    ]


def test_evidence_for_a_field_that_does_not_exist(tmp_path):
    text = _edit('      overall_grade: "rated', '      overal_grade: "rated')
    assert _problems(tmp_path, text) == [
        f"{FILE}:17: inspections[0].evidence.overal_grade: evidence for 'overal_grade', but no such field "
        "(did you mean 'overall_grade'?)",
        f'{FILE}:12: inspections[0].overall_grade: no evidence: add `evidence: {{overall_grade: "<quote>"}}`',
    ]


def test_empty_evidence_list(tmp_path):
    text = _edit('      overall_grade: "rated ‘Inadequate’"', "      overall_grade: []")
    assert _problems(tmp_path, text) == [
        f"{FILE}:17: inspections[0].evidence.overall_grade: evidence needs at least one quote"
    ]


def test_bad_quote_occurrence(tmp_path):
    text = _edit('      overall_grade: "rated ‘Inadequate’"', '      overall_grade: {text: "rated", occurrence: 0}')
    assert _problems(tmp_path, text) == [
        f"{FILE}:17: inspections[0].evidence.overall_grade: `occurrence` must be a whole number from 1, found 0"
    ]


def test_bad_slug_id(tmp_path):
    text = _edit("south-gloucestershire-2016-full-inspection", "South_Glos 2016")
    assert _problems(tmp_path, text) == [
        f"{FILE}:9: inspections[0].inspection_id: 'South_Glos 2016' is not a lowercase slug "
        "(letters, digits and single hyphens)"
    ]


def test_slug_with_double_hyphen_is_refused(tmp_path):
    text = _edit("south-gloucestershire-2016-full-inspection", "south--glos")
    assert _problems(tmp_path, text) == [
        f"{FILE}:9: inspections[0].inspection_id: 'south--glos' is not a lowercase slug "
        "(letters, digits and single hyphens)"
    ]


def test_source_file_must_match_mapping_name(tmp_path):
    text = _edit("file: a01.txt", "file: a02.txt")
    assert _problems(tmp_path, text) == [
        f"{FILE}:2: source.file: the mapping for raw/a02.txt must be named mappings/a02.yaml"
    ]


def test_source_file_must_be_a_raw_file_name(tmp_path):
    text = _edit("file: a01.txt", "file: A01.txt")
    assert _problems(tmp_path, text) == [
        f"{FILE}:2: source.file: expected the raw article's file name in raw/ (like 000_abc.txt), found 'A01.txt'"
    ]


@pytest.mark.parametrize(
    ("sha", "shown"),
    [("abc", "'abc'"), (SHA.upper(), repr(SHA.upper())), (SHA[:-1], repr(SHA[:-1]))],
)
def test_bad_sha256(tmp_path, sha, shown):
    text = _edit(f"sha256: {SHA}", f"sha256: {sha}")
    assert _problems(tmp_path, text) == [
        f"{FILE}:3: source.sha256: expected the SHA-256 (64 hex digits) of the raw article as curated, found {shown}"
    ]


def test_missing_source_block(tmp_path):
    assert _problems(tmp_path, "notes: no source here\n") == [
        f"{FILE}:1: source: missing `source:` block (file, sha256, title, ...)"
    ]


@pytest.mark.parametrize(("text", "found"), [
    ("- a\n- b\n", "a list of 2 item(s) (remove the '- ' before `source:`?)"),
    ("", "an empty file"),
    ("# only a comment\n\n", "an empty file"),
    ("[]\n", "an empty list"),
    ("just some words\n", "a single value ('just some words')"),
    ("42\n", "a single value (42)"),
])
def test_document_that_is_not_a_mapping_says_what_it_is(tmp_path, text, found):
    assert _problems(tmp_path, text) == [
        f"{FILE}: expected a YAML mapping with `source:` and fact lists, found {found}"]


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "a01.yaml"
    path.write_bytes(b"source:\n  title: \xff\n")
    mapping, problems = load_mapping(path)
    assert mapping is None
    assert [str(p) for p in problems] == [f"{FILE}: not UTF-8 text (invalid start byte at byte 17)"]


def test_yaml_syntax_error_reports_its_line(tmp_path):
    text = _edit("    overall_grade: inadequate\n", "    overall_grade: inadequate: really\n")
    assert _problems(tmp_path, text) == [f"{FILE}:12: not valid YAML: mapping values are not allowed here"]


def test_duplicate_key_is_refused(tmp_path):
    text = _edit("    overall_grade: inadequate\n", "    overall_grade: inadequate\n    overall_grade: good\n")
    assert _problems(tmp_path, text) == [f"{FILE}:13: not valid YAML: duplicate key 'overall_grade'"]


def test_aliases_are_refused(tmp_path):
    text = _edit("    overall_grade: inadequate\n", "    overall_grade: &grade inadequate\n").replace(
        '      overall_grade: "rated ‘Inadequate’"', "      overall_grade: *grade"
    )
    assert _problems(tmp_path, text) == [
        f"{FILE}:12: not valid YAML: anchors and aliases (&name, *name) are not allowed in mappings"
    ]


def test_python_tag_is_refused_without_running_anything(tmp_path, monkeypatch):
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args) or 0)
    text = _edit("    overall_grade: inadequate\n", '    overall_grade: !!python/object/apply:os.system ["echo hi"]\n')
    assert _problems(tmp_path, text) == [
        f"{FILE}:12: not valid YAML: tags such as '!!python/object/apply:os.system' (on key 'overall_grade') are "
        "not allowed in mappings: write plain values"
    ]
    assert calls == []


@pytest.mark.parametrize("tagged", ["!!str inadequate", "!grade inadequate", "!!binary aW5hZGVxdWF0ZQ=="])
def test_every_tag_is_refused_naming_its_key(tmp_path, tagged):
    """Even a harmless standard tag: libyaml would accept `!!str` silently, the message loader does not."""
    text = _edit("    overall_grade: inadequate\n", f"    overall_grade: {tagged}\n")
    tag = tagged.split()[0]
    assert _problems(tmp_path, text) == [
        f"{FILE}:12: not valid YAML: tags such as {tag!r} (on key 'overall_grade') are not allowed in mappings: "
        "write plain values"
    ]


def test_all_problems_of_a_file_are_reported_together(tmp_path):
    text = (
        BASE.replace(f"sha256: {SHA}", "sha256: abc")
        .replace("inspection_type: full_inspection", "inspection_type: focussed_visit")
        .replace("recommendations_count: 22", 'recommendations_count: "many"')
    )
    mapping, problems = load_mapping(_write(tmp_path, text))
    assert mapping is None
    assert problems == [
        Problem(FILE, 3, "source.sha256",
                "expected the SHA-256 (64 hex digits) of the raw article as curated, found 'abc'"),
        Problem(FILE, 11, "inspections[0].inspection_type",
                "'focussed_visit' is not one of full_inspection, focused_visit, monitoring_visit, "
                "joint_targeted_area_inspection (did you mean 'focused_visit'?)"),
        Problem(FILE, 13, "inspections[0].recommendations_count", "expected a whole number, found 'many'"),
    ]


def test_load_mappings_collects_problems_of_every_file(tmp_path):
    _write(tmp_path, BASE)
    _write(tmp_path, BASE.replace("file: a01.txt", "file: b02.txt").replace(f"sha256: {SHA}", "sha256: x"), "b02")
    mappings, problems = load_mappings(tmp_path)
    assert [m.source_id for m in mappings] == ["a01"]
    assert [str(p) for p in problems] == [
        "mappings/b02.yaml:3: source.sha256: expected the SHA-256 (64 hex digits) of the raw article as curated, "
        "found 'x'"
    ]


def test_problem_without_line_or_where():
    assert str(Problem("mappings/a01.yaml", None, "", "boom")) == "mappings/a01.yaml: boom"
    assert str(Problem("mappings/a01.yaml", 4, "source.file", "boom")) == "mappings/a01.yaml:4: source.file: boom"


def test_unquoted_year_is_accepted_as_a_year(tmp_path):
    text = _edit("published_date: 2017-02-13", "published_date: 2017")
    mapping, problems = load_mapping(_write(tmp_path, text))
    assert problems == []
    assert mapping is not None
    assert mapping.source.values["published_date"] == CuratedDate(dt.date(2017, 1, 1), "year")


# --- yaml_loader ----------------------------------------------------------------------------------


def test_load_yaml_keeps_dates_as_typed_and_records_lines():
    doc = load_yaml("a: 2017-02\nb: 2017-02-13\nc:\n  d: x\n")
    assert doc == {"a": "2017-02", "b": "2017-02-13", "c": {"d": "x"}}
    assert isinstance(doc, LineDict)
    assert doc.line == 1
    assert doc.key_lines == {"a": 1, "b": 2, "c": 3}
    assert doc["c"].line == 4
    assert doc["c"].line_of("d") == 4
    assert doc.line_of("missing") == 1


def test_load_yaml_refuses_non_text_keys():
    with pytest.raises(YamlError) as excinfo:
        load_yaml("a: 1\n2: x\n")
    assert (excinfo.value.line, excinfo.value.message) == (2, "not valid YAML: keys must be text, found 2")


def test_load_yaml_refuses_alias():
    with pytest.raises(YamlError) as excinfo:
        load_yaml("a: &x 1\nb: *x\n")
    assert (excinfo.value.line, excinfo.value.message) == (
        1,
        "not valid YAML: anchors and aliases (&name, *name) are not allowed in mappings",
    )


def test_load_yaml_refuses_a_lone_anchor():
    with pytest.raises(YamlError):
        load_yaml("a: &x 1\nb: 2\n")


def test_an_ampersand_inside_quotes_is_text_and_parsed_by_libyaml(monkeypatch):
    def slow_loader(text):
        raise AssertionError("sent to the pure-Python loader")

    monkeypatch.setattr(yaml_loader, "_load_python", slow_loader)
    doc = load_yaml("a: \"Redcar & Cleveland\"\nb: 'it''s *so*'\nc: [\"x & y\", 'z']\n")
    assert doc == {"a": "Redcar & Cleveland", "b": "it's *so*", "c": ["x & y", "z"]}


def test_an_anchor_after_a_quoted_value_still_goes_to_the_refusing_loader():
    with pytest.raises(YamlError) as excinfo:
        load_yaml("a: \"Redcar & Cleveland\"\nb: &x 2\n")
    assert excinfo.value.message == "not valid YAML: anchors and aliases (&name, *name) are not allowed in mappings"


def test_a_number_too_long_for_python_is_a_curation_problem_not_a_crash(tmp_path):
    path = tmp_path / "a01.yaml"
    path.write_text("notes: " + "9" * 5000 + "\n", encoding="utf-8")
    mapping, problems = load_mapping(path)
    assert mapping is None
    assert [str(p) for p in problems] == [
        "mappings/a01.yaml: not valid YAML: a number of more than 4,300 digits; no field holds such a number "
        "(is a value missing its quotes?)"]


def _lines(doc: object) -> object:
    """A document with the lines its LineDicts record, to compare two loaders' results whole."""
    if isinstance(doc, LineDict):
        return {"line": doc.line, "keys": doc.key_lines, "items": {k: _lines(v) for k, v in doc.items()}}
    return [_lines(v) for v in doc] if isinstance(doc, list) else doc


@pytest.mark.parametrize("name", sorted(p.name for p in (SEED_CORPUS / "mappings").glob("*.yaml")))
def test_libyaml_builds_what_the_python_loader_builds(name):
    """The libyaml loader builds documents by walking their nodes itself; the pure-Python loader, through
    PyYAML's constructors: both give the same values, types and lines."""
    text = (SEED_CORPUS / "mappings" / name).read_text(encoding="utf-8") + "extra: [1, 2.5, true, null, ~, 'x']\n"
    built = yaml.load(text, Loader=yaml_loader._CLoader)
    assert _lines(built) == _lines(yaml_loader._load_python(text))
    assert built["extra"] == [1, 2.5, True, None, None, "x"]


@pytest.mark.parametrize(("text", "message"), [
    ("a: &x 1\nb: *x\n", "anchors and aliases (&name, *name) are not allowed in mappings"),
    ("a: &x [1]\nb: *x\n", "anchors and aliases (&name, *name) are not allowed in mappings"),
    ("? [a]\n: 1\n", "keys must be text, found ['a']"),
    ("a: 1\na: 2\n", "duplicate key 'a'"),
])
def test_libyaml_alone_refuses_aliases_and_bad_keys(text, message):
    """Even when a document reaches libyaml (load_yaml sends one holding an anchor to the other loader)."""
    with pytest.raises(yaml.constructor.ConstructorError) as excinfo:
        yaml.load(text, Loader=yaml_loader._CLoader)
    assert excinfo.value.problem == message
