"""Applying mappings to the seed articles: the facts published, and each curator mistake caught."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ofsted_dataset import pipeline
from ofsted_dataset.errors import CurationError
from ofsted_dataset.facts.combine import _framework
from ofsted_dataset.facts.mapping_model import CuratedDate
from tests.helpers import edit

M000 = "mappings/000_09d284dea3b9a717.yaml"
M002 = "mappings/002_3dafbde2ba55b338.yaml"
M003 = "mappings/003_6e4606619b08db71.yaml"
M004 = "mappings/004_99f45e7fed0112e3.yaml"


def problems_of(project: Path) -> list[str]:
    applied = pipeline.run(project, until='apply').applied
    return [str(p) for p in applied.problems]


def rows(seed_build, table: str) -> list[dict]:
    return seed_build[1].tables[table].to_pylist()


def test_seed_inspections_are_the_curated_ones(seed_build):
    got = {r["inspection_id"]: (r["local_authority"], r["la_code"], r["inspection_type"], r["framework"],
                                r["overall_grade"]) for r in rows(seed_build, "inspections")}
    assert got == {
        "birmingham-2008-full-inspection": ("Birmingham", "E08000025", "full_inspection", None, "inadequate"),
        "birmingham-2017-monitoring-visit": ("Birmingham", "E08000025", "monitoring_visit", "sif", None),
        "gloucestershire-2010-full-inspection": ("Gloucestershire", "E10000013", "full_inspection", "slac",
                                                 "inadequate"),
        "gloucestershire-2017-full-inspection": ("Gloucestershire", "E10000013", "full_inspection", "sif",
                                                 "inadequate"),
        "middlesbrough-2017-full-inspection": ("Middlesbrough", "E06000002", "full_inspection", "sif", "inadequate"),
        "sheffield-2021-focused-visit": ("Sheffield", "E08000019", "focused_visit", "ilacs", None),
        "south-gloucestershire-2012-full-inspection": ("South Gloucestershire", "E06000025", "full_inspection", None,
                                                       "adequate"),
        "south-gloucestershire-2016-full-inspection": ("South Gloucestershire", "E06000025", "full_inspection", "sif",
                                                       "inadequate"),
        "south-gloucestershire-2019-full-inspection": ("South Gloucestershire", "E06000025", "full_inspection",
                                                       "ilacs", "requires_improvement"),
        "south-gloucestershire-2021-focused-visit": ("South Gloucestershire", "E06000025", "focused_visit", "ilacs",
                                                     None),
    }


def test_dates_merge_across_articles_to_the_most_precise(seed_build):
    by_id = {r["inspection_id"]: r for r in rows(seed_build, "inspections")}
    glos = by_id["gloucestershire-2017-full-inspection"]
    # 003 says June 2017 (from its dateline), 004 only 2017: the month is kept.
    assert (str(glos["published_date"]), glos["published_date_precision"]) == ("2017-06-01", "month")
    assert (str(glos["visit_start"]), str(glos["visit_end"]), glos["visit_precision"]) == (
        "2017-02-01", "2017-03-01", "month")
    sglos = by_id["south-gloucestershire-2019-full-inspection"]
    # 001 says March 2019, 002 "during 2019".
    assert (str(sglos["visit_start"]), sglos["visit_precision"]) == ("2019-03-01", "month")
    # 003 inspected in 2010 and 004 rated in 2011: both kept, as visit and publication.
    old = by_id["gloucestershire-2010-full-inspection"]
    assert (str(old["visit_start"]), str(old["published_date"])) == ("2010-01-01", "2011-01-01")


def test_judgements_map_area_wording_and_derive_overall(seed_build):
    got = {(r["inspection_id"], r["area"]): (r["area_label"], r["grade"]) for r in rows(seed_build, "judgements")
           if r["inspection_id"] == "south-gloucestershire-2016-full-inspection"}
    assert got == {
        ("south-gloucestershire-2016-full-inspection", "overall_effectiveness"): (None, "inadequate"),
        ("south-gloucestershire-2016-full-inspection", "help_and_protection"):
            ("Children who need help and protection", "inadequate"),
        ("south-gloucestershire-2016-full-inspection", "children_in_care"):
            ("Children looked after and achieving permanence", "requires_improvement"),
        ("south-gloucestershire-2016-full-inspection", "adoption"): ("Adoption performance", "good"),
        ("south-gloucestershire-2016-full-inspection", "care_leavers"):
            ("Experiences and progress of care leavers", "requires_improvement"),
        ("south-gloucestershire-2016-full-inspection", "leadership"):
            ("Leadership, management and governance", "inadequate"),
        ("south-gloucestershire-2016-full-inspection", "safeguarding_board"):
            ("Safeguarding Children Board", "inadequate"),
    }


def test_funding_and_recommendations(seed_build):
    funding = {r["commitment_id"]: (r["amount_gbp"], r["period_years"], r["purpose"], r["inspection_id"])
               for r in rows(seed_build, "funding_commitments")}
    assert funding == {
        "gloucestershire-2017-9-2m": (9_200_000, None, "children's services to speed up improvement",
                                      "gloucestershire-2017-full-inspection"),
        "south-gloucestershire-2021-10m": (10_000_000, 4, "investment into its service and workforce",
                                           "south-gloucestershire-2021-focused-visit"),
    }
    urgent = sorted(r["recommendation_id"] for r in rows(seed_build, "recommendations") if r["urgent"])
    assert urgent == ["south-gloucestershire-2021-focused-visit-1", "south-gloucestershire-2021-focused-visit-2"]
    assert len(rows(seed_build, "recommendations")) == 8


def test_provenance_records_the_raw_span_with_offsets(seed_build):
    ingested, applied = seed_build
    prov = applied.tables["provenance"].to_pylist()
    for row in prov:
        assert ingested.articles[row["source_id"]].text[row["char_start"]:row["char_end"]] == row["quote"]
    amount = [r for r in prov if r["record_id"] == "gloucestershire-2017-9-2m" and r["field"] == "amount_gbp"]
    assert [(r["source_id"], r["quote"]) for r in amount] == [(
        "003_6e4606619b08db71",
        "The council has also agreed an additional £9.2m of funding for children's services to speed up improvement",
    )]
    # The curator typed straight quotes; the raw text has curly ones, and that is what is recorded.
    title = [r for r in prov if r["table_name"] == "sources" and r["record_id"] == "000_09d284dea3b9a717"
             and r["field"] == "title"]
    assert title[0]["quote"] == "‘Serious failings’ in children’s services in South Gloucestershire"
    assert title[0]["char_start"] == 0


def test_overall_judgement_shares_the_overall_grade_quotes(seed_build):
    prov = seed_build[1].tables["provenance"].to_pylist()
    grade = sorted((r["source_id"], r["char_start"]) for r in prov
                   if r["record_id"] == "middlesbrough-2017-full-inspection" and r["field"] == "overall_grade")
    judged = sorted((r["source_id"], r["char_start"]) for r in prov
                    if r["record_id"] == "middlesbrough-2017-full-inspection/overall_effectiveness")
    assert grade == judged and len(grade) == 1


def test_quote_not_in_article_is_named_with_file_fact_and_quote(project):
    edit(project / M003, "The council has also agreed an additional £9.2m", "The council has agreed an extra £9.2m")
    assert problems_of(project) == [
        "mappings/003_6e4606619b08db71.yaml:112: funding_commitments[0].amount_gbp: quote \"The council has agreed "
        "an extra £9.2m of funding for children's services to speed up improvement\" not found in "
        "raw/003_6e4606619b08db71.txt; the closest passage is at line 53, characters 4762–4868: \"The council has "
        "also agreed an additional £9.2m of funding for children's services to speed up improvement\"; they first "
        "differ at line 53, character 4778, where the article has 'has also' and the quote 'has agreed'",
    ]


def test_a_quote_of_megabytes_is_shortened_in_its_message(project):
    quote = "zebra crossings " * 125_000
    edit(project / M004, 'published_date: "Published 7th July 2017"', f'published_date: "{quote}"')
    problems = problems_of(project)
    assert problems == [
        "mappings/004_99f45e7fed0112e3.yaml:9: sources[0].published_date: quote 'zebra crossings zebra crossings "
        "zebra crossings zebra crossi … ngs zebra crossings ' (2,000,000 characters) not found in "
        "raw/004_99f45e7fed0112e3.txt, and nothing in the article comes close",
    ]
    assert len(problems[0]) < 300


def test_ambiguous_quote_must_say_which_occurrence(project):
    edit(project / M003, "    text: CYP Now\n    occurrence: 1\n", "    text: CYP Now\n")
    assert problems_of(project) == [
        "mappings/003_6e4606619b08db71.yaml:9: sources[0].publisher: quote 'CYP Now' found 2 times (at characters "
        "5275, 5528); add `occurrence: N` to say which (raw/003_6e4606619b08db71.txt)",
    ]


def test_grade_must_be_stated_in_its_quote(project):
    edit(project / M000, "    area_label: Adoption performance\n    grade: good",
         "    area_label: Adoption performance\n    grade: outstanding")
    assert problems_of(project) == [
        "mappings/000_09d284dea3b9a717.yaml:63: judgements[2].grade: grade 'outstanding' is not stated in its "
        "quotes (expected the word 'outstanding'; they say 'good')",
    ]


def test_money_must_match_its_quote(project):
    edit(project / M003, "amount_gbp: 9200000", "amount_gbp: 920000")
    assert problems_of(project) == [
        "mappings/003_6e4606619b08db71.yaml:106: funding_commitments[0].amount_gbp: amount 920,000 does not match "
        "its quotes, which say 9,200,000",
    ]


def test_local_authority_must_be_in_the_register(project):
    edit(project / M002, "local_authority: Sheffield", "local_authority: Sheffeld")
    assert problems_of(project) == [
        "mappings/002_3dafbde2ba55b338.yaml:34: inspections[1].local_authority: 'Sheffeld' is not in "
        "reference/local_authorities.csv (did you mean 'Sheffield'?)",
    ]


def test_articles_that_disagree_stop_the_run_naming_both_files(project):
    edit(project / M004, 'published_date: "2017"', 'published_date: "2016"')
    assert problems_of(project) == [
        "mappings/004_99f45e7fed0112e3.yaml:15: inspections gloucestershire-2017-full-inspection.published_date: "
        "'2016' disagrees with '2017-06' in mappings/003_6e4606619b08db71.yaml:21; make them agree and record the "
        "decision in an evidence note",
    ]


def test_article_changed_after_curation_is_reported(project):
    raw = project / "raw" / "004_99f45e7fed0112e3.txt"
    raw.write_text(raw.read_text(encoding="utf-8").replace("Published 7th July 2017", "Published 8th July 2017"),
                   encoding="utf-8")
    problems = problems_of(project)
    assert problems[0].startswith("mappings/004_99f45e7fed0112e3.yaml:")
    assert "source.sha256: raw/004_99f45e7fed0112e3.txt changed since it was curated" in problems[0]
    assert ("mappings/004_99f45e7fed0112e3.yaml:9: sources[0].published_date: quote 'Published 7th July 2017' not "
            "found in raw/004_99f45e7fed0112e3.txt; the closest passage is at line 3, characters 68–91: 'Published "
            "8th July 2017'; they first differ at line 3, character 78, where the article has 'Published 8th' and "
            "the quote 'Published 7th'") in problems


def test_mapping_without_article_names_both(project):
    (project / "raw" / "004_99f45e7fed0112e3.txt").unlink()
    problems = problems_of(project)
    assert ("mappings/004_99f45e7fed0112e3.yaml:4: source.file: the article raw/004_99f45e7fed0112e3.txt is missing; "
            "restore it or remove the mapping") in problems


def test_raw_article_without_mapping_is_waiting_not_an_error(project):
    (project / "raw" / "005_new.txt").write_text("A new article about Ofsted.\n", encoding="utf-8")
    applied = pipeline.run(project, until='apply').applied
    assert applied.problems == []
    assert applied.waiting == ["005_new"]


def test_check_stage_raises_a_curation_error_listing_every_problem(project):
    edit(project / M003, "amount_gbp: 9200000", "amount_gbp: 920000")
    edit(project / M002, "local_authority: Sheffield", "local_authority: Sheffeld")
    with pytest.raises(CurationError) as caught:
        pipeline.run(project, until="validate")
    assert caught.value.summary == "2 curation problem(s) in 2 file(s); nothing was published."
    assert len(caught.value.details) == 2


# --- inspections.framework, derived when a mapping does not state it (schemas/tables.py gives the rule:
# full inspections and monitoring visits from Nov 2013 to Dec 2017 are sif; full inspections, focused and
# monitoring visits from Jan 2018 are ilacs; jtai always; earlier, or too imprecise to tell, null) ---------

def framework_of(kind: str, visit_start: CuratedDate | None = None, published: CuratedDate | None = None) -> str | None:
    row = {"inspection_type": kind, "visit_start": visit_start, "published_date": published}
    return _framework(row)


def day(y: int, m: int, d: int) -> CuratedDate:
    return CuratedDate(dt.date(y, m, d), "day")


@pytest.mark.parametrize(("kind", "date", "expected"), [
    # the SIF began on 1 November 2013
    ("full_inspection", day(2013, 10, 31), None),
    ("full_inspection", day(2013, 11, 1), "sif"),
    ("monitoring_visit", day(2013, 10, 31), None),
    ("monitoring_visit", day(2013, 11, 1), "sif"),
    ("focused_visit", day(2013, 11, 1), None),  # no focused visits under the SIF
    # ... and ended on 31 December 2017; the ILACS began on 1 January 2018
    ("full_inspection", day(2017, 12, 31), "sif"),
    ("full_inspection", day(2018, 1, 1), "ilacs"),
    ("monitoring_visit", day(2017, 12, 31), "sif"),
    ("monitoring_visit", day(2018, 1, 1), "ilacs"),
    ("focused_visit", day(2017, 12, 31), None),
    ("focused_visit", day(2018, 1, 1), "ilacs"),
    # a year either side of each boundary
    ("full_inspection", day(2012, 11, 1), None),
    ("full_inspection", day(2014, 10, 31), "sif"),
    ("full_inspection", day(2019, 1, 1), "ilacs"),
    # a joint targeted area inspection is a jtai whatever its date, or with none
    ("joint_targeted_area_inspection", day(2013, 10, 31), "jtai"),
    ("joint_targeted_area_inspection", day(2018, 1, 1), "jtai"),
    ("joint_targeted_area_inspection", None, "jtai"),
    # no date, no framework
    ("full_inspection", None, None),
])
def test_framework_on_each_side_of_its_boundaries(kind, date, expected):
    assert framework_of(kind, visit_start=date) == expected
    assert framework_of(kind, published=date) == expected  # the published date when the visit is unknown


@pytest.mark.parametrize(("date", "expected"), [
    (CuratedDate(dt.date(2013, 10, 1), "month"), None),
    (CuratedDate(dt.date(2013, 11, 1), "month"), "sif"),
    (CuratedDate(dt.date(2017, 12, 1), "month"), "sif"),
    (CuratedDate(dt.date(2018, 1, 1), "month"), "ilacs"),
    (CuratedDate(dt.date(2012, 1, 1), "year"), None),
    (CuratedDate(dt.date(2013, 1, 1), "year"), None),  # 2013 holds both sides of the SIF's start: can't tell
    (CuratedDate(dt.date(2014, 1, 1), "year"), "sif"),
    (CuratedDate(dt.date(2017, 1, 1), "year"), "sif"),
    (CuratedDate(dt.date(2018, 1, 1), "year"), "ilacs"),
])
def test_framework_of_a_month_or_a_year(date, expected):
    assert framework_of("full_inspection", visit_start=date) == expected


def test_framework_is_read_from_the_visit_before_the_publication():
    assert framework_of("full_inspection", visit_start=day(2017, 12, 31), published=day(2018, 2, 1)) == "sif"
    assert framework_of("full_inspection", visit_start=day(2013, 10, 31), published=day(2013, 12, 1)) is None


def test_framework_a_mapping_states_is_kept(project):
    """003 states slac for the 2010 inspection; without it the rule gives null (before the SIF)."""
    def framework(root: Path) -> str | None:
        rows = pipeline.run(root, until="apply").applied.tables["inspections"].to_pylist()
        return {r["inspection_id"]: r["framework"] for r in rows}["gloucestershire-2010-full-inspection"]

    assert framework(project) == "slac"
    edit(project / M003, "    framework: slac\n", "")
    edit(project / M003, '      framework: "a joint Ofsted and Care Quality Commission inspection in 2010"\n', "")
    assert framework(project) is None


# --- forms real news uses: inflected grades, money in words, financial years, hedged amounts, through a
# whole apply run on a sixth article ----------------------------------------------------------------------

FUNDING_ARTICLE = """Leeds pledges money after Ofsted visit

Ofsted has rated Leeds children's services as requiring improvement to be good. \
Its support for care leavers needs improvement, inspectors said.

Leeds City Council has agreed almost £5m for early help over the financial years 2019/20 to 2020-21. \
It will also spend seven million pounds on its social work academy in 2021/2022.
"""
FUNDING_MAPPING = """source:
  file: 005_funding.txt
  sha256: {sha}
  title: Leeds pledges money after Ofsted visit
inspections:
  - inspection_id: leeds-2019-full-inspection
    local_authority: Leeds
    inspection_type: full_inspection
    overall_grade: requires_improvement
    evidence:
      local_authority: "Ofsted has rated Leeds children's services"
      inspection_type: "Ofsted has rated Leeds children's services"
      overall_grade: "rated Leeds children's services as requiring improvement to be good"
funding_commitments:
  - commitment_id: leeds-2019-5m
    local_authority: Leeds
    amount_gbp: 5000000
    approximate: true
    first_financial_year: 2019/20
    last_financial_year: 2020/21
    purpose: early help
    evidence:
      local_authority: "Leeds City Council has agreed"
      amount_gbp: "agreed almost £5m for early help"
      approximate: "almost £5m"
      first_financial_year: "the financial years 2019/20 to 2020-21"
      last_financial_year: "the financial years 2019/20 to 2020-21"
  - commitment_id: leeds-2021-7m
    local_authority: Leeds
    amount_gbp: 7000000
    first_financial_year: 2021/22
    last_financial_year: 2021/22
    purpose: its social work academy
    evidence:
      local_authority: "Leeds City Council has agreed"
      amount_gbp: "seven million pounds on its social work academy"
      first_financial_year: "in 2021/2022"
      last_financial_year: "in 2021/2022"
"""
FUNDING = "mappings/005_funding.yaml"


def add_funding_article(root: Path) -> None:
    """A sixth article with its mapping, pinned by its sha256 as a curator would."""
    import hashlib  # here, so the tests above and their imports stay as they are

    raw = root / "raw" / "005_funding.txt"
    raw.write_text(FUNDING_ARTICLE, encoding="utf-8")
    sha = hashlib.sha256(raw.read_bytes()).hexdigest()
    (root / FUNDING).write_text(FUNDING_MAPPING.format(sha=sha), encoding="utf-8")


def test_news_forms_of_grades_money_and_financial_years_are_applied(project):
    add_funding_article(project)
    applied = pipeline.run(project, until="apply").applied
    assert [str(p) for p in applied.problems] == []
    funding = {r["commitment_id"]: (r["amount_gbp"], r["approximate"], r["first_financial_year"],
                                    r["last_financial_year"], r["purpose"])
               for r in applied.tables["funding_commitments"].to_pylist()}
    assert funding["leeds-2019-5m"] == (5_000_000, True, "2019/20", "2020/21", "early help")
    assert funding["leeds-2021-7m"] == (7_000_000, False, "2021/22", "2021/22", "its social work academy")
    grades = {r["inspection_id"]: r["overall_grade"] for r in applied.tables["inspections"].to_pylist()}
    assert grades["leeds-2019-full-inspection"] == "requires_improvement"


def test_seed_amounts_are_exact_by_default(seed_build):
    assert {r["commitment_id"]: r["approximate"] for r in rows(seed_build, "funding_commitments")} == {
        "gloucestershire-2017-9-2m": False, "south-gloucestershire-2021-10m": False}


def test_last_financial_year_must_not_be_before_the_first(project):
    add_funding_article(project)
    edit(project / FUNDING, "    first_financial_year: 2019/20\n    last_financial_year: 2020/21\n",
         "    first_financial_year: 2020/21\n    last_financial_year: 2019/20\n")
    edit(project / FUNDING, 'first_financial_year: "the financial years 2019/20 to 2020-21"',
         'first_financial_year: "2020-21"')
    edit(project / FUNDING, 'last_financial_year: "the financial years 2019/20 to 2020-21"',
         'last_financial_year: "the financial years 2019/20"')
    assert problems_of(project) == [
        "mappings/005_funding.yaml:20: funding_commitments leeds-2019-5m: last_financial_year '2019/20' is before "
        "first_financial_year '2020/21'",
    ]


def test_financial_year_of_two_years_apart_is_refused(project):
    add_funding_article(project)
    edit(project / FUNDING, "last_financial_year: 2020/21", "last_financial_year: 2020/22")
    assert problems_of(project) == [
        "mappings/005_funding.yaml:20: funding_commitments[0].last_financial_year: '2020/22' is not a financial "
        "year: the second part must be the year after the first (2020/21)",
    ]


def test_financial_year_must_be_written_in_its_quotes(project):
    add_funding_article(project)
    edit(project / FUNDING, "first_financial_year: 2021/22", "first_financial_year: 2020/21")
    assert problems_of(project) == [
        "mappings/005_funding.yaml:31: funding_commitments[1].first_financial_year: financial year '2020/21' is "
        "not written in its quotes (expected a form such as '2020/21', '2020-21' or '2020/2021')",
    ]


def test_approximate_amount_needs_a_hedging_word(project):
    add_funding_article(project)
    edit(project / FUNDING, 'approximate: "almost £5m"', 'approximate: "£5m for early help"')
    assert problems_of(project) == [
        "mappings/005_funding.yaml:18: funding_commitments[0].approximate: approximate is true but its quotes give "
        "no hedging word (almost, about, around, nearly, ...)",
    ]


def test_approximate_false_written_explicitly_needs_no_hedge(project):
    add_funding_article(project)
    edit(project / FUNDING, "    amount_gbp: 7000000\n", "    amount_gbp: 7000000\n    approximate: false\n")
    edit(project / FUNDING, '      amount_gbp: "seven million pounds on its social work academy"\n',
         '      amount_gbp: "seven million pounds on its social work academy"\n'
         '      approximate: "seven million pounds"\n')
    applied = pipeline.run(project, until="apply").applied
    assert applied.problems == []
    assert {r["commitment_id"]: r["approximate"] for r in applied.tables["funding_commitments"].to_pylist()
            if r["commitment_id"].startswith("leeds")} == {"leeds-2019-5m": True, "leeds-2021-7m": False}


def test_needs_improvement_is_not_the_grade_requires_improvement(project):
    add_funding_article(project)
    edit(project / FUNDING, 'overall_grade: "rated Leeds children\'s services as requiring improvement to be good"',
         'overall_grade: "Its support for care leavers needs improvement"')
    assert problems_of(project) == [
        "mappings/005_funding.yaml:9: inspections[0].overall_grade: grade 'requires_improvement' is not stated in "
        "its quotes (expected the word 'requires improvement'; they contain no grade word)",
    ]
