"""The drafter's general rules on the kinds of wording it once got wrong on articles it had never seen
(the examples are written for the tests, in the shapes issue 12 lists): dates and ranges resolved
against the article's or the page's date, areas graded in sentences of their own or sharing a grade,
counts, one commitment written several ways, helpers that were not inspected, visits explained or yet
to come, several councils in one sentence."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ofsted_dataset.curation.date_expressions import Reference, find_dates
from ofsted_dataset.curation.draft import draft_mapping
from ofsted_dataset.curation.draft_score import facts_of, load_draft
from ofsted_dataset.curation.reading import Reading, read_article
from ofsted_dataset.facts.mapping_model import CuratedDate, parse_date
from ofsted_dataset.facts.reference import JudgementAreas, Register
from tests.helpers import SEED_CORPUS

REGISTER, AREAS = Register.load(SEED_CORPUS), JudgementAreas.load(SEED_CORPUS)
TUESDAY = Reference(dt.date(2023, 3, 7), "day")


def read(body: str, headline: str = "Council's children's services inspected", dateline: str = "Tuesday 7 March 2023",
         page_date: CuratedDate | None = None) -> Reading:
    return read_article(f"{headline}\n\n{dateline}\n\n{body}\n", REGISTER, AREAS, page_date)


def facts(tmp_path: Path, body: str, page: str | None = None, dateline: str = "Tuesday 7 March 2023") -> dict:
    """The draft's facts as draft-score compares them, from the article written to a file (with its page record)."""
    raw = tmp_path / "x01_article.txt"
    raw.write_text(f"Children's services report\n\n{dateline}\n\n{body}\n", encoding="utf-8")
    if page:
        (tmp_path / "x01_article.page.json").write_text(page, encoding="utf-8")
    mapping = load_draft(draft_mapping(raw, REGISTER, AREAS), "x01_article.yaml")
    page_date = json.loads(page).get("page_published_date") if page else None
    return facts_of(mapping, REGISTER, AREAS, parse_date(page_date) if page_date else None)


@pytest.mark.parametrize(("text", "expected"), [
    ("between 3 October 2022 and 14 October 2022", [("2022-10-03", "2022-10-14", False)]),
    ("on 9 to 10 May 2023", [("2023-05-09", "2023-05-10", False)]),
    ("from 28 February to 3 March 2023", [("2023-02-28", "2023-03-03", False)]),
    ("12/06/2015", [("2015-06-12", None, False)]),  # UK order: 12 June
    ("Tuesday, March 7, 2023", [("2023-03-07", None, False)]),
    ("in January and February", [("2023-01", "2023-02", True)]),
    ("in November", [("2022-11", None, True)]),  # the latest November not after the article
    ("published today", [("2023-03-07", None, True)]),
    ("published on Friday", [("2023-03-03", None, True)]),
    ("last month", [("2023-02", None, True)]),
    ("in 2019-20 and 2024/25", []),  # financial years are not dates
    ("it may be that in may", []),  # a bare month needs its capital
    ("rated in September 2022, after a visit in July of that year",
     [("2022-09", None, False), ("2022-07", None, False)]),
    ("inspected in October and November 2021 and rated the following January",
     [("2021-10", "2021-11", False), ("2022-01", None, False)]),
    ("in January and February last year", [("2022-01", "2022-02", False)]),
])
def test_date_expressions_resolve_against_the_article_date(text: str, expected: list):
    assert [(d.first, d.last, d.inferred) for d in find_dates(text, TUESDAY)] == expected


def test_a_date_range_is_the_visit_and_published_today_is_the_article_date(tmp_path: Path):
    got = facts(tmp_path, "Ofsted inspectors visited Leeds City Council between 3 October 2022 and 14 October 2022. "
                          "The report, published today (Tuesday, March 7, 2023), rated the council good.")
    assert got["dates"] == [("article", "2023-03-07"), ("Leeds", "visit_start", "2022-10-03"),
                            ("Leeds", "visit_end", "2022-10-14"), ("Leeds", "published_date", "2023-03-07")]


def test_with_no_date_in_the_text_the_page_date_resolves_relative_dates(tmp_path: Path):
    page = '{"url": "https://www.example.org/a", "retrieved_date": "2024-07-20", "page_published_date": "2024-07-19"}'
    got = facts(tmp_path, "Wigan Council's children's services were rated good in a report published on Friday.",
                page, dateline="Updated 3 hours ago")
    assert got["dates"] == [("article", "2024-07-19"), ("Wigan", "published_date", "2024-07-19")]


def test_areas_graded_in_their_own_sentences_shared_and_in_the_article_words():
    reading = read("Ofsted rated Leeds City Council good overall. Inspectors rated the experiences and progress of "
                   "children in care as good. Its fostering service and leadership impressed inspectors, who rated "
                   "both as 'outstanding'. Services for young people leaving care were judged to require improvement.")
    (inspection,) = reading.inspections.found
    assert inspection.grade == "good"
    assert {area: (j.label.text, j.grade, j.listed) for area, j in inspection.judgements.items()} == {
        "children_in_care": ("the experiences and progress of children in care", "good", True),
        "leadership": ("leadership", "outstanding", True),
        "care_leavers": ("Services for young people leaving care", "requires_improvement", False),
    }


def test_an_area_grade_is_not_the_overall_grade_of_a_good_council():
    reading = read("Leeds City Council was rated good by Ofsted. Adoption performance was judged outstanding.")
    (inspection,) = reading.inspections.found
    assert (inspection.grade, {a: j.grade for a, j in inspection.judgements.items()}) == (
        "good", {"adoption": "outstanding"})


def test_counts_of_recommendations_and_areas_by_grade():
    reading = read("Ofsted rated Leeds City Council inadequate. The report sets out 12 areas that need to improve. "
                   "All four areas were judged inadequate.")
    (inspection,) = reading.inspections.found
    assert inspection.count is not None and inspection.count[0] == 12
    assert [(c.scope, c.grade, c.areas, c.of_areas) for c in inspection.grade_counts] == [("all", "inadequate", 4, 4)]


def test_one_sum_written_as_a_rounded_headline_a_total_and_its_yearly_parts_is_one_commitment():
    reading = read("Ofsted rated Knowsley Council requires improvement. The cabinet has agreed a further £8.7m for "
                   "children's social care: £2.9m in 2017-18, £3.1m in 2018-19 and £2.7m in 2019-20. The £9m package "
                   "was welcomed by staff. Last year the council spent £4.2m on agency social workers.",
                   headline="£9m boost for Knowsley children's services")
    assert [(f.la, f.amount, f.years, len(f.sentences)) for f in reading.funding] == [
        ("Knowsley", 8_700_000, ("2017/18", "2019/20"), 2)]


def test_money_in_capitals_and_run_together_is_one_commitment_with_its_period():
    reading = read("Leeds City Council was rated inadequate. The council has pledged £5million over three years "
                   "to recruit social workers. FIVE MILLION POUNDS is the largest sum it has committed.")
    assert [(f.amount, f.period, len(f.sentences)) for f in reading.funding] == [(5_000_000, 3, 2)]


def test_an_approximate_sum_and_a_purpose_past_a_decimal_point():
    reading = read("Bury Council was rated inadequate. It has approved almost £1.5m to recruit 2.5 more managers.")
    (commitment,) = reading.funding
    start, end = commitment.purpose or (0, 0)
    assert (commitment.approximate, reading.text[start:end]) == (True, "to recruit 2.5 more managers")


def test_a_council_that_lends_staff_is_not_inspected_nor_the_subject_after():
    reading = read("Ofsted rated Kirklees Council inadequate. Leeds City Council has agreed to lend two senior "
                   "managers to Kirklees for six months. The report makes 14 recommendations.")
    assert [(i.la, i.grade, i.count and i.count[0]) for i in reading.inspections.found] == [
        ("Kirklees", "inadequate", 14)]


def test_visits_explained_denied_or_yet_to_come_are_no_inspections():
    reading = read("Ofsted's monitoring visit to Bury Council found progress. Monitoring visits are carried out at "
                   "councils judged inadequate. Inspectors will return for a full inspection next year. Bolton "
                   "Council was not inspected.")
    assert [(i.la, i.kind) for i in reading.inspections.found] == [("Bury", "monitoring_visit")]


def test_several_councils_in_one_sentence_each_get_their_grade():
    reading = read("Ofsted rated Leeds City Council good and Bradford Council inadequate.")
    assert [(i.la, i.grade) for i in reading.inspections.found] == [("Leeds", "good"), ("Bradford", "inadequate")]


def test_a_focused_visit_has_its_theme():
    reading = read("Ofsted's focused visit to Wirral Council looked at services for care leavers.")
    assert [(i.kind, i.theme and i.theme[0]) for i in reading.inspections.found] == [("focused_visit", "care_leavers")]


def test_the_other_areas_of_an_earlier_listing_are_judgements_and_unnamed_ones_a_count():
    listed = read("Ofsted rated North Lincolnshire Council outstanding. They graded help and protection, adoption, "
                  "care leavers, and leadership. Help and protection was rated good; the other three areas were "
                  "judged outstanding.")
    (inspection,) = listed.inspections.found
    assert {a: j.grade for a, j in inspection.judgements.items()} == {
        "help_and_protection": "good", "adoption": "outstanding", "care_leavers": "outstanding",
        "leadership": "outstanding"}
    assert inspection.grade_counts == []
    unnamed = read("Ofsted rated Leeds City Council good. Leadership was rated outstanding and the other three "
                   "areas good.")
    (inspection,) = unnamed.inspections.found
    assert [(c.grade, c.areas) for c in inspection.grade_counts] == [("good", 3)]


def test_the_inspection_of_a_visit_article_and_earlier_ratings_by_year_or_years_ago():
    reading = read("Ofsted's joint targeted area inspection in Dudley looked at domestic abuse. The inspection "
                   "comes a year after Dudley's services were judged to require improvement to be good at their "
                   "last full inspection, in late 2022. In 2016, inspectors rated the council inadequate.",
                   dateline="Tuesday 7 March 2024")
    assert [(i.kind, i.historical, i.year, i.grade) for i in reading.inspections.found] == [
        ("joint_targeted_area_inspection", False, None, None),
        ("full_inspection", True, 2022, "requires_improvement"),
        ("full_inspection", True, 2016, "inadequate"),
    ]


def test_areas_in_the_press_own_words_after_to_be_and_sharing_a_grade_after_it():
    reading = read("Ofsted rated Kirklees Council inadequate. They said the help given to children at risk of harm "
                   "was inadequate, as were the way the council looks after children in its care and the leadership "
                   "of the department. Five years ago inspectors judged Kirklees' safeguarding and looked after "
                   "children services to be good.", dateline="Friday 25 November 2016")
    assert [(i.historical, i.grade, {a: j.grade for a, j in i.judgements.items()})
            for i in reading.inspections.found] == [
        (False, "inadequate", {"help_and_protection": "inadequate", "children_in_care": "inadequate",
                               "leadership": "inadequate"}),
        (True, None, {"help_and_protection": "good", "children_in_care": "good"}),
    ]


def test_a_slac_area_sharing_a_grade_and_a_count_after_its_grade():
    reading = read("Ofsted and the Care Quality Commission inspected safeguarding and looked after children services "
                   "in Darlington. The overall effectiveness of safeguarding services was judged adequate, and so was "
                   "the overall effectiveness of services for looked after children. Looked after children's services "
                   "were rated good in three areas.", dateline="Wednesday 4 January 2012")
    (inspection,) = reading.inspections.found
    assert {a: j.grade for a, j in inspection.judgements.items()} == {
        "help_and_protection": "adequate", "children_in_care": "adequate"}
    assert [(c.scope, c.grade, c.areas, c.of_areas) for c in inspection.grade_counts] == [
        ("looked_after", "good", 3, None)]


def test_a_grade_right_before_a_count_is_the_count_s_not_one_after_it():
    reading = read("Ofsted rated Leeds City Council good. Inspectors found services to be good in seven of the nine "
                   "areas inspected, with the other two judged outstanding.")
    (inspection,) = reading.inspections.found
    assert [(c.grade, c.areas, c.of_areas) for c in inspection.grade_counts] == [
        ("good", 7, 9), ("outstanding", 2, None)]


def test_a_grade_dated_to_an_earlier_year_or_followed_by_the_last_inspection_is_that_inspection_s():
    reading = read("A council whose children's services were branded inadequate in 2018 has been rated good by "
                   "Ofsted. The report, published today, rates the authority good for overall effectiveness. "
                   "The borough was rated good when it was last inspected, in 2014.",
                   headline="Wakefield children's services rated good", dateline="Tuesday 7 December 2021")
    assert [(i.historical, i.year, i.grade) for i in reading.inspections.found] == [
        (False, None, "good"), (True, 2018, "inadequate"), (True, 2014, "good")]
    judges = read("Ofsted's latest report on Stoke-on-Trent City Council judges the authority's services for "
                  "children to require improvement to be good.")
    assert [i.grade for i in judges.inspections.found] == ["requires_improvement"]


def test_an_earlier_rating_of_another_grade_is_not_merged_and_years_after_dates_what_follows():
    reading = read("Children's services in Rotherham have been rated good by Ofsted, three years after inspectors "
                   "found them to be failing. Rotherham's services were judged inadequate in November 2014. When "
                   "the council was last fully inspected before that, they were rated adequate. Stoke-on-Trent's "
                   "children's services have shaken off their \"inadequate\" rating.",
                   dateline="Monday 29 January 2018")
    assert [(i.la, i.historical, i.year, i.grade) for i in reading.inspections.found] == [
        ("Rotherham", False, None, "good"), ("Rotherham", True, 2014, "inadequate"),
        ("Rotherham", True, None, "adequate"), ("Stoke-on-Trent", True, None, "inadequate")]


def test_the_arrangements_for_the_protection_of_children_are_a_child_protection_inspection():
    reading = read("Ofsted carried out its inspection of local authority arrangements for the protection of children "
                   "in Doncaster. The overall effectiveness of the arrangements was judged inadequate. In 2011 Ofsted "
                   "and the Care Quality Commission judged its safeguarding services adequate.",
                   dateline="16/11/2012")
    assert (reading.slac, reading.cpi) == (True, True)
    assert [(i.historical, i.year, i.grade, {a: j.grade for a, j in i.judgements.items()})
            for i in reading.inspections.found] == [
        (False, None, "inadequate", {}), (True, 2011, None, {"help_and_protection": "adequate"})]


def test_an_epithet_is_no_naming_and_an_area_is_the_head_of_what_it_is_of():
    reading = read("In a damning report, inspectors rated Swindon Borough Council's children's services inadequate. "
                   "At its previous inspection, in 2019, the Wiltshire authority was rated good. Inspectors found "
                   "that help and protection for vulnerable children and the leadership of children's services were "
                   "all inadequate. Leadership and management of services for children in care was also judged "
                   "inadequate. The local safeguarding children board requires improvement, as does adoption.",
                   dateline="Tuesday 12 September 2023")
    assert [(i.la, i.historical, i.year, i.grade, {a: j.grade for a, j in i.judgements.items()})
            for i in reading.inspections.found] == [
        ("Swindon", False, None, "inadequate", {"help_and_protection": "inadequate", "leadership": "inadequate",
                                                "safeguarding_board": "requires_improvement",
                                                "adoption": "requires_improvement"}),
        ("Swindon", True, 2019, "good", {}),
    ]


def test_found_adequate_and_outstanding_for_both_areas_of_a_slac_inspection():
    reading = read("Kingston upon Thames's safeguarding services were judged inadequate by Ofsted and the Care "
                   "Quality Commission. Services for looked after children were found adequate. Lambeth was rated "
                   "outstanding for both safeguarding and looked after children.", dateline="Tuesday 10 July 2012")
    assert [(i.la, {a: j.grade for a, j in i.judgements.items()}) for i in reading.inspections.found] == [
        ("Kingston upon Thames", {"help_and_protection": "inadequate", "children_in_care": "adequate"}),
        ("Lambeth", {"help_and_protection": "outstanding", "children_in_care": "outstanding"}),
    ]


def test_a_lower_numbered_visit_is_an_earlier_one_and_a_report_joins_its_visit():
    """Also: "over two weeks in October" is the visit's date."""
    reading = read("1.1 To inform members of the findings of Ofsted's second monitoring visit to South Tyneside's "
                   "children's services, which took place on 15 and 16 October 2024. 2.1 Ofsted inspected the "
                   "Council's children's services in December 2022. The report, published in May 2023, judged the "
                   "overall effectiveness of services to be inadequate. Councils judged inadequate receive "
                   "monitoring visits until they are re-inspected. 2.4 The first monitoring visit took place in "
                   "July 2024. Ofsted carried out its unannounced inspection of local authority arrangements for the "
                   "protection of children over two weeks in October 2012.", dateline="Monday 9 December 2024")
    assert [(i.kind, i.historical, i.year, i.grade, i.visit and i.visit.start, i.published and i.published.start)
            for i in reading.inspections.found] == [
        ("monitoring_visit", False, None, None, "2024-10-15", None),
        ("full_inspection", True, 2022, "inadequate", "2022-12", "2023-05"),
        ("monitoring_visit", True, 2024, None, "2024-07", None),
        ("full_inspection", True, 2012, None, "2012-10", None),
    ]


def test_that_inspection_is_the_one_mentioned_last_and_a_year_opens_a_clause():
    reading = read("Children's services in Rotherham have been rated good by Ofsted. Rotherham's children's services "
                   "were judged inadequate in November 2014. At that inspection, five of the six areas judged were "
                   "rated inadequate. That rating was itself a turnaround: in 2010 the council's services for "
                   "children had been judged adequate.", dateline="Monday 29 January 2018")
    assert [(i.historical, i.year, i.grade, [(c.grade, c.areas, c.of_areas) for c in i.grade_counts])
            for i in reading.inspections.found] == [
        (False, None, "good", []), (True, 2014, "inadequate", [("inadequate", 5, 6)]), (True, 2010, "adequate", [])]


def test_their_overall_effectiveness_is_of_the_area_the_sentence_before_names():
    reading = read("Ofsted and the Care Quality Commission rated Barnsley's safeguarding services inadequate. Services "
                   "for looked after children fared better. Their overall effectiveness was judged adequate.",
                   dateline="Friday 10 August 2012")
    (inspection,) = reading.inspections.found
    assert {a: (j.label.text, j.grade) for a, j in inspection.judgements.items()} == {
        "help_and_protection": ("safeguarding services", "inadequate"),
        "children_in_care": ("Services for looked after children", "adequate")}


def test_the_board_and_care_leavers_in_other_words():
    reading = read("Ofsted rated York's children's services good. The child safeguarding board was rated outstanding. "
                   "Support for young people who have left care was judged to require improvement.")
    (inspection,) = reading.inspections.found
    assert {a: (j.label.text, j.grade) for a, j in inspection.judgements.items()} == {
        "safeguarding_board": ("child safeguarding board", "outstanding"),
        "care_leavers": ("Support for young people who have left care", "requires_improvement")}
