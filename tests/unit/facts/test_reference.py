"""Tests for the reference data: the local-authority register and the judgement-area table."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest

from ofsted_dataset.errors import PipelineError
from ofsted_dataset.facts.reference import (
    AREAS_FILE,
    REFERENCE_DIR,
    REGISTER_FILE,
    JudgementAreas,
    LocalAuthority,
    Register,
)
from ofsted_dataset.text import fold
from schemas.patterns import GSS_CODE
from schemas.vocabularies import AREAS
from tests.helpers import PROJECT

REGIONS = {
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
}
GSS = re.compile(r"^E(06|08|09|10)\d{6}$")


@pytest.fixture(scope="module")
def register() -> Register:
    return Register.load(PROJECT)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with (PROJECT / REGISTER_FILE).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _key(text: str) -> str:
    return fold(text).casefold()


# --- local_authorities.csv ------------------------------------------------------------------------


def test_reference_is_read_from_the_project_a_build_is_pointed_at(tmp_path):
    (tmp_path / "reference").mkdir()
    header = "name,gss_code,former_gss_codes,region,aliases\n"
    (tmp_path / REGISTER_FILE).write_text(header + "Leeds,E08000035,,Yorkshire,\n", encoding="utf-8")
    assert [la.name for la in Register.load(tmp_path).authorities] == ["Leeds"]


def test_header(rows):
    assert list(rows[0]) == ["name", "gss_code", "former_gss_codes", "region", "aliases"]


def test_153_authorities(register, rows):
    assert len(rows) == 153
    assert len(register.authorities) == 153


def test_rows_sorted_by_name(rows):
    names = [r["name"] for r in rows]
    assert names == sorted(names)


def test_gss_codes_unique_and_well_formed(register):
    codes = [la.gss_code for la in register.authorities]
    assert len(set(codes)) == 153
    assert [c for c in codes if not GSS.match(c)] == []


def test_gss_pattern_agrees_with_the_schema():
    assert GSS.pattern.replace(r"\d", "[0-9]") == GSS_CODE


def test_former_codes_well_formed_unique_and_not_current(register):
    current = {la.gss_code for la in register.authorities}
    former = [c for la in register.authorities for c in la.former_gss_codes]
    assert [c for c in former if not GSS.match(c)] == []
    assert [c for c in former if c in current] == []
    assert len(former) == len(set(former))


def test_documented_former_codes(register):
    former = {c: la.name for la in register.authorities for c in la.former_gss_codes}
    assert former == {
        "E06000028": "Bournemouth, Christchurch and Poole",
        "E06000029": "Bournemouth, Christchurch and Poole",
        "E10000002": "Buckinghamshire",
        "E10000009": "Dorset",
        "E08000020": "Gateshead",
        "E10000023": "North Yorkshire",
        "E06000048": "Northumberland",
        "E10000027": "Somerset",
    }


def test_split_councils_codes_are_not_listed(register):
    # Cumbria (E10000006) and Northamptonshire (E10000021) were split between successors.
    listed = {la.gss_code for la in register.authorities} | {
        c for la in register.authorities for c in la.former_gss_codes
    }
    assert {"E10000006", "E10000021"} & listed == set()


def test_no_name_or_alias_shared_by_two_authorities(register):
    owners: dict[str, set[str]] = {}
    for la in register.authorities:
        for name in la.names:
            owners.setdefault(_key(name), set()).add(la.gss_code)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_aliases_are_non_empty_and_trimmed(rows):
    for row in rows:
        aliases = row["aliases"].split(";") if row["aliases"] else []
        assert all(a.strip() == a and a for a in aliases), row["name"]


def test_regions_are_the_nine_english_regions(rows):
    counts = Counter(row["region"] for row in rows)
    assert set(counts) <= REGIONS
    assert counts == {
        "London": 33,
        "North West": 24,
        "South East": 19,
        "Yorkshire and The Humber": 15,
        "South West": 15,
        "West Midlands": 14,
        "North East": 12,
        "East of England": 11,
        "East Midlands": 10,
    }


@pytest.mark.parametrize(
    ("spelling", "name", "code"),
    [
        ("South Glos", "South Gloucestershire", "E06000025"),
        ("South Gloucestershire", "South Gloucestershire", "E06000025"),
        ("Gloucestershire County Council", "Gloucestershire", "E10000013"),
        ("Gloucestershire", "Gloucestershire", "E10000013"),
        ("sheffield city council", "Sheffield", "E08000019"),
        ("Birmingham City Council", "Birmingham", "E08000025"),
        ("BIRMINGHAM", "Birmingham", "E08000025"),
        ("Middlesbrough", "Middlesbrough", "E06000002"),
        ("Middlesbrough Council", "Middlesbrough", "E06000002"),
        ("Barking & Dagenham", "Barking and Dagenham", "E09000002"),
        ("South\u00a0 Glos", "South Gloucestershire", "E06000025"),
    ],
)
def test_find_resolves_names_and_aliases(register, spelling, name, code):
    la = register.find(spelling)
    assert la is not None
    assert (la.name, la.gss_code) == (name, code)


@pytest.mark.parametrize("spelling", ["Kingston", "Northants", "Gloucester", "Atlantis", ""])
def test_find_unknown_or_ambiguous_returns_none(register, spelling):
    assert register.find(spelling) is None


def test_south_gloucestershire_row(register):
    la = register.find("South Glos")
    assert la == LocalAuthority(
        name="South Gloucestershire",
        gss_code="E06000025",
        former_gss_codes=(),
        aliases=("South Gloucestershire Council", "South Glos"),
    )
    # longest first, so quotes match the fullest name
    assert la.names == ("South Gloucestershire Council", "South Gloucestershire", "South Glos")


def test_suggestions(register):
    assert register.suggestions("Glocestershire") == ["Gloucestershire", "Worcestershire", "South Gloucestershire"]
    assert register.suggestions("Atlantis") == []


def test_documentation_states_the_as_of_date():
    text = (PROJECT / REFERENCE_DIR / "local_authorities.md").read_text(encoding="utf-8")
    assert "as at **2025-03-31**" in text
    assert "the 153 authorities" in text


# --- judgement_areas.csv --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def area_rows() -> list[dict[str, str]]:
    with (PROJECT / AREAS_FILE).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_judgement_areas_header(area_rows):
    assert list(area_rows[0]) == ["label", "area", "frameworks", "note"]


def test_every_area_is_in_the_vocabulary(area_rows):
    assert {r["area"] for r in area_rows} <= set(AREAS)


def test_labels_unique(area_rows):
    labels = Counter(_key(r["label"]) for r in area_rows)
    assert {k: n for k, n in labels.items() if n > 1} == {}
    assert len(labels) == len(area_rows)


def test_frameworks_are_known(area_rows):
    from schemas.vocabularies import FRAMEWORKS

    used = {f for r in area_rows for f in r["frameworks"].split(";")}
    assert used <= set(FRAMEWORKS)


def test_judgement_areas_load_and_lookup(area_rows):
    areas = JudgementAreas.load(PROJECT)
    assert len(areas.labels) == len(area_rows)  # a curator may add wordings: no fixed count
    assert areas.area_of("Children who need help and protection") == "help_and_protection"
    assert areas.area_of("Leadership, Management and Governance") == "leadership"
    assert areas.area_of("adoption team") == "adoption"
    assert areas.area_of("Safeguarding  Children Board") == "safeguarding_board"
    assert areas.area_of("overall effectiveness") == "overall_effectiveness"
    assert areas.area_of("adoption teams") is None


def test_judgement_areas_refuse_unknown_area_and_framework(tmp_path):
    (tmp_path / "reference").mkdir()
    (tmp_path / AREAS_FILE).write_text("label,area,frameworks,note\nx,adoption,sif,\ny,nonsense,sif;ilax,\n",
                                       encoding="utf-8")
    with pytest.raises(PipelineError) as excinfo:
        JudgementAreas.load(tmp_path)
    assert excinfo.value.summary == "reference/judgement_areas.csv: 2 problem(s); fix the file and run again"
    assert excinfo.value.details == [
        "line 3 area: expected one of " + ", ".join(AREAS) + ", found 'nonsense'",
        "line 3 frameworks: expected one of jar, slac, cpi, sif, ilacs, jtai, found 'ilax'",
    ]


def test_judgement_areas_load_from_a_given_path(tmp_path):
    path = tmp_path / AREAS_FILE
    path.parent.mkdir()
    path.write_text("label,area,frameworks,note\n‘Adoption’ Work,adoption,sif,x\n", encoding="utf-8")
    areas = JudgementAreas.load(tmp_path)
    assert areas.labels == {"'adoption' work": "adoption"}
    assert areas.area_of("'ADOPTION' work") == "adoption"
