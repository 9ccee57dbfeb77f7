"""The curated fixture articles (tests/fixtures/curated_articles/): five articles written by the project for
the tests, whose facts are real outcomes from Ofsted's official record, curated with the project's own
workflow (draft, review, lint, check). Built here by the real pipeline with the plain stages up to
validation, with exact rows asserted for the facts that exercise each form the checks accept: grade
inflections ("requiring improvement to be good"), a judgement area the mapping states, SLAC's two overall
judgements and its counts of outcome areas, a focused visit's theme, money in capitals, words and run
together ("SEVEN MILLION POUNDS", "£7million"), an approximate amount over financial years, the page
record (url, retrieved date, page publisher and date) of an article that states no year, and a council
that is named (it lent staff) but was not inspected.

Nothing here is ever published: the articles are not news and never go in raw/.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from ofsted_dataset import pipeline
from ofsted_dataset.curation.lint import lint
from ofsted_dataset.facts.mappings import load_mappings
from ofsted_dataset.periods import last_day

PROJECT = Path(__file__).resolve().parents[2]
FIXTURE = PROJECT / "tests" / "fixtures" / "curated_articles"
SOURCE_IDS = [
    "f01_slac_local_paper",
    "f02_ilacs_press_release",
    "f03_sif_trade_press",
    "f04_focused_visit_regional",
    "f05_monitoring_visit_local_paper",
]
D = dt.date


def _project(target: Path) -> Path:
    """The fixture's articles (with their page records) and mappings, and the reference data the tests own
    (with the official extract: tests/fixtures/seed_corpus/reference), as a project of their own."""
    shutil.copytree(FIXTURE / "raw", target / "raw")
    shutil.copytree(FIXTURE / "mappings", target / "mappings")
    shutil.copytree(PROJECT / "tests" / "fixtures" / "seed_corpus" / "reference", target / "reference")
    return target


def _rows(build: pipeline.Build) -> dict[str, list[dict[str, Any]]]:
    return {name: table.to_pylist() for name, table in build.applied.tables.items()}


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    root = _project(tmp_path_factory.mktemp("curated") / "project")
    build = pipeline.run(root, until="validate")
    assert [str(p) for p in build.applied.problems] == []
    assert build.applied.mapped == SOURCE_IDS
    assert build.applied.waiting == []
    return _rows(build)


def _by(rows: list[dict[str, Any]], *key: str) -> dict[Any, dict[str, Any]]:
    return {tuple(r[k] for k in key) if len(key) > 1 else r[key[0]]: r for r in rows}


def test_every_table_holds_what_the_five_articles_say(tables):
    assert {name: len(rows) for name, rows in tables.items() if name != "provenance"} == {
        "sources": 5, "inspections": 7, "judgements": 16, "recommendations": 7, "funding_commitments": 2,
        "grade_counts": 4, "official_checks": 33, "inspections_flat": 7,
    }


def test_sources_carry_the_page_record_and_where_publisher_and_date_come_from(tables):
    keep = ("publisher", "publisher_origin", "published_date", "published_date_precision", "published_date_origin",
            "url", "retrieved_date", "retrieved_date_precision", "page_publisher", "page_published_date",
            "page_published_date_precision")
    sources = {sid: {k: row[k] for k in keep} for sid, row in _by(tables["sources"], "source_id").items()}
    assert sources == {
        "f01_slac_local_paper": {
            "publisher": "Soar Valley Chronicle", "publisher_origin": "quoted",
            "published_date": D(2012, 1, 26), "published_date_precision": "day", "published_date_origin": "quoted",
            "url": "https://www.soarvalleychronicle.example.co.uk/news/2012/01/26/city-care-rated-good",
            "retrieved_date": D(2024, 2, 10), "retrieved_date_precision": "day",
            "page_publisher": "Soar Valley Chronicle",
            "page_published_date": D(2012, 1, 26), "page_published_date_precision": "day",
        },
        # A council press release with no year anywhere in its text: its publisher and date are the page's.
        "f02_ilacs_press_release": {
            "publisher": "West Sussex County Council", "publisher_origin": "page",
            "published_date": D(2023, 5, 11), "published_date_precision": "day", "published_date_origin": "page",
            "url": "https://www.westsussex.example.gov.uk/news/"
                   "ofsted-recognises-progress-in-west-sussex-childrens-services/",
            "retrieved_date": D(2024, 1, 15), "retrieved_date_precision": "day",
            "page_publisher": "West Sussex County Council",
            "page_published_date": D(2023, 5, 11), "page_published_date_precision": "day",
        },
        # A page record with no page date: the article's own dateline is the date.
        "f03_sif_trade_press": {
            "publisher": "Social Care Practice Weekly", "publisher_origin": "quoted",
            "published_date": D(2017, 1, 25), "published_date_precision": "day", "published_date_origin": "quoted",
            "url": "https://www.socialcarepracticeweekly.example.com/news/worcestershire-rated-inadequate-7million",
            "retrieved_date": D(2017, 1, 25), "retrieved_date_precision": "day",
            "page_publisher": "Social Care Practice Weekly",
            "page_published_date": None, "page_published_date_precision": None,
        },
        # The text names no publisher (the page does) but gives its date.
        "f04_focused_visit_regional": {
            "publisher": "Tees Valley Today", "publisher_origin": "page",
            "published_date": D(2024, 10, 18), "published_date_precision": "day", "published_date_origin": "quoted",
            "url": "https://www.teesvalleytoday.example.co.uk/news/local-news/"
                   "ofsted-stockton-front-door-focused-visit-18102024",
            "retrieved_date": D(2024, 10, 19), "retrieved_date_precision": "day",
            "page_publisher": "Tees Valley Today",
            "page_published_date": D(2024, 10, 18), "page_published_date_precision": "day",
        },
        "f05_monitoring_visit_local_paper": {
            "publisher": "Irwell Valley Gazette", "publisher_origin": "quoted",
            "published_date": D(2024, 12, 3), "published_date_precision": "day", "published_date_origin": "quoted",
            "url": "https://www.irwellvalleygazette.example.co.uk/news/24801357.almost-5m-boost-bury-childrens-services/",
            "retrieved_date": D(2024, 12, 4), "retrieved_date_precision": "day",
            "page_publisher": "Irwell Valley Gazette",
            "page_published_date": D(2024, 12, 3), "page_published_date_precision": "day",
        },
    }


def test_the_press_release_states_no_year_anywhere():
    """What makes f02 the page-dated case: every date of it rests on the page record."""
    text = (FIXTURE / "raw" / "f02_ilacs_press_release.txt").read_text(encoding="utf-8")
    assert re.search(r"(?<!\d)(19|20)\d\d(?!\d)", text) is None


def _inspection(inspection_id: str, la: str, code: str, kind: str, framework: str | None, **values: Any) -> dict:
    row = {"inspection_id": inspection_id, "local_authority": la, "la_code": code, "inspection_type": kind,
           "framework": framework, "visit_start": None, "visit_end": None, "visit_precision": None,
           "published_date": None, "published_date_precision": None, "overall_grade": None, "theme": None,
           "recommendations_count": None}
    row.update(values)
    published, precision = row["published_date"], row["published_date_precision"]
    row["published_date_end"] = published and last_day(published, precision)
    return row


def test_inspections_exact(tables):
    news = [{k: v for k, v in r.items() if not k.startswith("official_")} for r in tables["inspections"]]
    assert news == [
        _inspection("bury-2021-full-inspection", "Bury", "E08000002", "full_inspection", "ilacs",
                    published_date=D(2021, 12, 1), published_date_precision="month", overall_grade="inadequate"),
        _inspection("bury-2024-monitoring-visit", "Bury", "E08000002", "monitoring_visit", "ilacs",
                    visit_start=D(2024, 10, 1), visit_end=D(2024, 10, 1), visit_precision="month",
                    published_date=D(2024, 12, 2), published_date_precision="day"),
        # SLAC: no single overall grade (its two overall judgements are judgements).
        _inspection("leicester-2012-full-inspection", "Leicester", "E06000016", "full_inspection", "slac",
                    published_date=D(2012, 1, 25), published_date_precision="day"),
        # "judged to require improvement to be good overall"; "the spring of last year" keeps only the year.
        _inspection("stockton-on-tees-2023-full-inspection", "Stockton-on-Tees", "E06000004", "full_inspection",
                    "ilacs", visit_start=D(2023, 1, 1), visit_precision="year",
                    overall_grade="requires_improvement"),
        # The focused visit and its theme (the front door).
        _inspection("stockton-on-tees-2024-focused-visit", "Stockton-on-Tees", "E06000004", "focused_visit", "ilacs",
                    visit_start=D(2024, 9, 1), visit_end=D(2024, 9, 1), visit_precision="month",
                    published_date=D(2024, 10, 18), published_date_precision="day", theme="front_door"),
        # "requiring improvement to be good"; every date inferred from the page record (notes).
        _inspection("west-sussex-2023-full-inspection", "West Sussex", "E10000032", "full_inspection", "ilacs",
                    visit_start=D(2023, 3, 1), visit_end=D(2023, 3, 1), visit_precision="month",
                    published_date=D(2023, 5, 11), published_date_precision="day",
                    overall_grade="requires_improvement"),
        _inspection("worcestershire-2017-full-inspection", "Worcestershire", "E10000034", "full_inspection", "sif",
                    published_date=D(2017, 1, 24), published_date_precision="day", overall_grade="inadequate"),
    ]


def test_the_council_that_only_lent_staff_was_not_inspected(tables):
    """Hartlepool lent Stockton two team managers: named three times in f04, recorded nowhere."""
    text = (FIXTURE / "raw" / "f04_focused_visit_regional.txt").read_text(encoding="utf-8")
    assert text.count("Hartlepool") == 3
    hartlepool = "E06000001"
    assert hartlepool not in {r["la_code"] for r in tables["inspections"]}
    assert hartlepool not in {r["la_code"] for r in tables["funding_commitments"]}
    assert not any(r["inspection_id"].startswith("hartlepool") for r in tables["inspections"])
    stockton = [r["inspection_id"] for r in tables["inspections"] if r["local_authority"] == "Stockton-on-Tees"]
    assert stockton == ["stockton-on-tees-2023-full-inspection", "stockton-on-tees-2024-focused-visit"]


def test_judgements_with_inflected_grades_stated_areas_and_slac_overall_judgements(tables):
    judgements = [r for r in tables["judgements"] if r["inspection_id"].startswith(("west-sussex", "leicester"))]
    assert judgements == [
        # SLAC's two overall judgements; "adequate" kept as reported.
        {"inspection_id": "leicester-2012-full-inspection", "area": "children_in_care",
         "area_label": "overall effectiveness of services for looked after children", "grade": "good"},
        {"inspection_id": "leicester-2012-full-inspection", "area": "help_and_protection",
         "area_label": "overall effectiveness of safeguarding services", "grade": "adequate"},
        # The article's own wording, its area stated by the mapping; "found to be requiring improvement".
        {"inspection_id": "west-sussex-2023-full-inspection", "area": "care_leavers",
         "area_label": "Support for young people leaving care", "grade": "requires_improvement"},
        {"inspection_id": "west-sussex-2023-full-inspection", "area": "children_in_care",
         "area_label": "the experiences and progress of children in care", "grade": "good"},
        # "judged to require improvement to be good": requires improvement, not good.
        {"inspection_id": "west-sussex-2023-full-inspection", "area": "help_and_protection",
         "area_label": "The experiences and progress of children who need help and protection",
         "grade": "requires_improvement"},
        {"inspection_id": "west-sussex-2023-full-inspection", "area": "leadership",
         "area_label": "The impact of leaders on social work practice with children and families", "grade": "good"},
        {"inspection_id": "west-sussex-2023-full-inspection", "area": "overall_effectiveness", "area_label": None,
         "grade": "requires_improvement"},
    ]
    sif = {r["area"]: (r["area_label"], r["grade"]) for r in tables["judgements"]
           if r["inspection_id"] == "worcestershire-2017-full-inspection"}
    assert sif == {
        "adoption": ("Adoption performance", "requires_improvement"),
        "care_leavers": ("Experiences and progress of care leavers", "inadequate"),
        "children_in_care": ("Children looked after and achieving permanence", "inadequate"),
        "help_and_protection": ("Children who need help and protection", "inadequate"),
        "leadership": ("Leadership, management and governance", "inadequate"),
        "overall_effectiveness": (None, "inadequate"),
        # "the Worcestershire Safeguarding Children Board, which was judged to require improvement"
        "safeguarding_board": ("Safeguarding Children Board", "requires_improvement"),
    }


def test_slac_outcome_areas_counted_by_grade(tables):
    assert tables["grade_counts"] == [
        {"inspection_id": "leicester-2012-full-inspection", "scope": "looked_after", "grade": "adequate",
         "areas": 3, "of_areas": 8},
        {"inspection_id": "leicester-2012-full-inspection", "scope": "looked_after", "grade": "good",
         "areas": 5, "of_areas": 8},
        {"inspection_id": "leicester-2012-full-inspection", "scope": "safeguarding", "grade": "adequate",
         "areas": 6, "of_areas": 9},
        {"inspection_id": "leicester-2012-full-inspection", "scope": "safeguarding", "grade": "good",
         "areas": 3, "of_areas": 9},
    ]


def test_funding_commitments_exact(tables):
    assert tables["funding_commitments"] == [
        # "almost £5m" as "£1.5m in 2024/25 and £3.4m in 2025-26": one commitment, the hedged total.
        {"commitment_id": "bury-2024-5m", "local_authority": "Bury", "la_code": "E08000002", "amount_gbp": 5_000_000,
         "approximate": True, "period_years": 2, "first_financial_year": "2024/25", "last_financial_year": "2025/26",
         "purpose": "children's social care", "announced_date": D(2024, 12, 2), "announced_date_precision": "day",
         "announced_date_end": D(2024, 12, 2), "inspection_id": "bury-2024-monitoring-visit"},
        # "SEVEN MILLION POUNDS", "£7million", "Seven million pounds": one exact sum.
        {"commitment_id": "worcestershire-2017-7m", "local_authority": "Worcestershire", "la_code": "E10000034",
         "amount_gbp": 7_000_000, "approximate": False, "period_years": 3, "first_financial_year": None,
         "last_financial_year": None,
         "purpose": "to recruit permanent social workers, reduce caseloads and strengthen management oversight",
         "announced_date": None, "announced_date_precision": None, "announced_date_end": None,
         "inspection_id": "worcestershire-2017-full-inspection"},
    ]


def test_provenance_keeps_every_way_the_money_is_written(tables):
    quotes = [r["quote"] for r in tables["provenance"]
              if r["record_id"] == "worcestershire-2017-7m" and r["field"] == "amount_gbp"]
    assert quotes == [
        "Extra investment pledged: SEVEN MILLION POUNDS OVER THREE YEARS",
        "the council's cabinet agreed an additional £7million over three years",
        "Seven million pounds is a significant sum",
    ]
    years = {(r["field"], r["quote"]) for r in tables["provenance"]
             if r["record_id"] == "bury-2024-5m" and r["field"].endswith("financial_year")}
    assert years == {("first_financial_year", "will be spent as £1.5m in 2024/25 and £3.4m in 2025-26"),
                     ("last_financial_year", "will be spent as £1.5m in 2024/25 and £3.4m in 2025-26")}


# Where the official record holds each fixture inspection (file, sheet, row).
OFFICIAL_ROWS = {
    "bury-2021-full-inspection": "LA_Inspection_Outcomes_as_at_31_March_2025.ods, ILACS_inspection_history, row 38",
    "bury-2024-monitoring-visit": "LA_Inspection_Outcomes_as_at_31_March_2025.ods, In-year_inspections, row 17",
    "leicester-2012-full-inspection":
        "Childrens_social_care_in_England_2023_underlying_data.ods, LA_inspections_2009-2023, row 76",
    "stockton-on-tees-2023-full-inspection":
        "LA_Inspection_Outcomes_as_at_31_March_2025.ods, ILACS_inspection_history, row 222",
    "stockton-on-tees-2024-focused-visit":
        "LA_Inspection_Outcomes_as_at_31_March_2025.ods, In-year_inspections, row 91",
    "west-sussex-2023-full-inspection":
        "LA_Inspection_Outcomes_as_at_31_March_2025.ods, ILACS_inspection_history, row 257",
    "worcestershire-2017-full-inspection":
        "Childrens_social_care_in_England_2023_underlying_data.ods, LA_inspections_2009-2023, row 156",
}


def test_every_fact_checked_against_the_official_record_is_confirmed(tables):
    """The fixtures' facts are real: the official record confirms each one it holds (the SLAC
    "adequate" through Ofsted's recoding)."""
    assert {r["status"] for r in tables["official_checks"]} == {"confirmed"}
    recoded = _by(tables["official_checks"], "record_id", "field")[
        ("leicester-2012-full-inspection/help_and_protection", "grade")]
    assert (recoded["news_value"], recoded["official_value"]) == ("adequate", "requires_improvement")
    sources = {r["record_id"]: r["official_source"] for r in tables["official_checks"]
               if r["field"] == "inspection_type"}
    assert sources == OFFICIAL_ROWS


def test_each_inspection_carries_the_official_verdict_its_row_and_the_release_page(tables):
    verdicts = {r["inspection_id"]: (r["official_status"], r["official_conflicts"], r["official_overall_grade"],
                                     r["official_source"], r["official_url"]) for r in tables["inspections"]}
    pages = {"LA_Inspection_Outcomes_as_at_31_March_2025.ods":
             "https://www.gov.uk/government/statistics/local-authority-inspection-outcomes-as-at-31-march-2025",
             "Childrens_social_care_in_England_2023_underlying_data.ods":
             "https://www.gov.uk/government/statistics/childrens-social-care-in-england-2023"}
    grades = {"bury-2021-full-inspection": "inadequate",
              "stockton-on-tees-2023-full-inspection": "requires_improvement",
              "west-sussex-2023-full-inspection": "requires_improvement",
              "worcestershire-2017-full-inspection": "inadequate"}  # SLAC and visits have no official overall grade
    assert verdicts == {inspection: ("confirmed", None, grades.get(inspection), row, pages[row.split(", ")[0]])
                        for inspection, row in OFFICIAL_ROWS.items()}


def test_the_flat_export_links_each_inspection_to_its_article_page(tables):
    flat = {r["inspection_id"]: (r["source_ids"], r["source_urls"]) for r in tables["inspections_flat"]}
    assert flat["west-sussex-2023-full-inspection"] == (
        "f02_ilacs_press_release",
        "https://www.westsussex.example.gov.uk/news/ofsted-recognises-progress-in-west-sussex-childrens-services/")
    assert flat["bury-2024-monitoring-visit"] == (
        "f05_monitoring_visit_local_paper",
        "https://www.irwellvalleygazette.example.co.uk/news/24801357.almost-5m-boost-bury-childrens-services/")
    assert len(flat) == 7 and all(urls for _, urls in flat.values())


_F03 = "f03_sif_trade_press.yaml"
_AMOUNT_QUOTES = (
    '          - "Extra investment pledged: SEVEN MILLION POUNDS OVER THREE YEARS"\n'
    '          - "the council\'s cabinet agreed an additional £7million over three years"\n'
    '          - "Seven million pounds is a significant sum"\n'
)


def _with_one_amount_quote(root: Path, quote: str) -> None:
    path = root / "mappings" / _F03
    text = path.read_text(encoding="utf-8")
    assert _AMOUNT_QUOTES in text
    path.write_text(text.replace(_AMOUNT_QUOTES, f'          - "{quote}"\n'), encoding="utf-8")


@pytest.mark.parametrize("quote", [
    "SEVEN MILLION POUNDS OVER THREE YEARS",  # words, in capitals
    "an additional £7million",  # figures run together with the scale
    "Seven million pounds is a significant sum",  # words
])
def test_each_way_of_writing_the_money_backs_the_amount_alone(tmp_path: Path, quote: str):
    root = _project(tmp_path / "project")
    _with_one_amount_quote(root, quote)
    rows = _rows(pipeline.run(root, until="validate"))
    assert _by(rows["funding_commitments"], "commitment_id")["worcestershire-2017-7m"]["amount_gbp"] == 7_000_000


def test_a_quote_with_no_money_does_not_back_the_amount(tmp_path: Path):
    root = _project(tmp_path / "project")
    _with_one_amount_quote(root, "to recruit permanent social workers")
    problems = [str(p) for p in pipeline.run(root, until="apply").applied.problems]
    assert len(problems) == 1
    assert f"mappings/{_F03}" in problems[0]
    assert "amount 7,000,000 does not match its quotes, which say no amount of money" in problems[0]


def test_no_fixture_mapping_is_left_a_draft():
    mappings, problems = load_mappings(FIXTURE / "mappings")
    assert [str(p) for p in problems] == []
    assert [m.source_id for m in mappings] == SOURCE_IDS
    assert [str(d) for m in mappings for d in m.drafts] == []
    for path in sorted((FIXTURE / "mappings").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert re.search(r"^\s*review:\s*['\"]?draft", text, re.MULTILINE) is None, path.name
        assert "DRAFT" not in text, path.name  # the drafter's header and notes are gone too


def test_lint_finds_nothing_uncovered_or_stale(tmp_path: Path):
    root = _project(tmp_path / "project")
    assert [str(f) for f in lint(root)] == []


def test_the_fixtures_are_never_in_the_published_corpus():
    """Written for the tests, not news: none of them is an article of the project's raw/ or mappings/."""
    for source_id in SOURCE_IDS:
        assert not (PROJECT / "raw" / f"{source_id}.txt").exists()
        assert not (PROJECT / "mappings" / f"{source_id}.yaml").exists()
