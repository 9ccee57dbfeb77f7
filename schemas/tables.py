"""The published tables, each defined exactly once.

Read a table top to bottom to learn its columns, their meaning, their allowed values and where each
value comes from (`Origin`). Everything else is generated from this module.
"""

from __future__ import annotations

import dataclasses

from schemas.model import Field, ForeignKey, Origin, Table
from schemas.patterns import FINANCIAL_YEAR, GSS_CODE, SHA256, SLUG, SOURCE_ID, URL
from schemas.vocabularies import (
    AREAS,
    CHECK_STATUSES,
    COUNT_SCOPES,
    FACT_TABLE_NAMES,
    FRAMEWORKS,
    GRADES,
    INSPECTION_TYPES,
    PRECISIONS,
    TABLE_NAMES,
    THEMES,
    VALUE_ORIGINS,
)

_precision = tuple(PRECISIONS)


def precision_column(date_field: str) -> str:
    """The column that says how precisely a date column is known: `<date>_precision`, except the two
    visit dates, which share `visit_precision` (a visit's days are known alike)."""
    return "visit_precision" if date_field in ("visit_start", "visit_end") else f"{date_field}_precision"


def period_end_column(date_field: str) -> str:
    """The column holding the last day of a date's period: `<date>_end`."""
    return f"{date_field}_end"


def _date(name: str, what: str, origin: Origin = Origin.EVIDENCE) -> tuple[Field, Field, Field]:
    """A date column, its precision column and the last day of its period: the convention every dated
    fact follows."""
    return (
        Field(
            name,
            "date",
            f"{what}, stored as the first day of its period (see {name}_precision); null when unknown.",
            origin,
            example="2017-02-01",
        ),
        Field(
            f"{name}_precision",
            "string",
            f"How much of {name} is known: day, month or year. Null exactly when {name} is null.",
            Origin.DERIVED,
            enum=_precision,
            rule="From the form of the date written: YYYY-MM-DD, YYYY-MM or YYYY.",
            example="month",
        ),
        Field(
            period_end_column(name),
            "date",
            f"Last day of the period {name} stands for: {name} itself for a day, else the last day of its month "
            f"or year. Null exactly when {name} is null. Compare with {name} and this column together when a date "
            "known only to a month or year must be before or after another.",
            Origin.DERIVED,
            rule=f"{name} moved to the end of its {name}_precision period (2017 -> 2017-12-31, 2017-02 -> 2017-02-28).",
            example="2017-12-31",
            period_end_of=name,
        ),
    )


_la_code = Field(
    "la_code",
    "string",
    "Current ONS GSS code of the local authority.",
    Origin.DERIVED,
    required=True,
    pattern=GSS_CODE,
    rule="Looked up in reference/local_authorities.csv from local_authority.",
    example="E06000025",
)


def _local_authority(what: str) -> Field:
    return Field(
        "local_authority",
        "string",
        f"The council {what}, by its name in the reference register (an alias in the article is resolved to it).",
        Origin.EVIDENCE,
        required=True,
        rule="Must be a name or alias in reference/local_authorities.csv, and a quote must name it.",
        example="South Gloucestershire",
    )


SOURCES = Table(
    name="sources",
    title="Sources",
    description="One row per raw news article the facts are taken from.",
    primary_key=("source_id",),
    fields=(
        Field("source_id", "string", "Stem of the raw article's file name.", Origin.DERIVED, required=True,
              pattern=SOURCE_ID, rule="File name of raw/<source_id>.txt without the extension.",
              example="000_09d284dea3b9a717"),
        Field("path", "string", "Path of the raw article in the repository.", Origin.DERIVED, required=True,
              rule="raw/<source_id>.txt", example="raw/000_09d284dea3b9a717.txt"),
        Field("sha256", "string", "SHA-256 of the raw article's bytes.", Origin.DERIVED, required=True,
              pattern=SHA256, rule="Hash of the file as read."),
        Field("title", "string", "Headline of the article, exactly as in the raw text.", Origin.QUOTE,
              required=True, example="‘Serious failings’ in children’s services in South Gloucestershire"),
        Field("publisher", "string", "Publisher of the article: named in its text, else the page's publisher from "
              "the collector's record (see publisher_origin); null when neither gives one.",
              Origin.QUOTE, example="CYP Now"),
        Field("publisher_origin", "string", "Where publisher comes from; null exactly when publisher is null.",
              Origin.DERIVED, enum=tuple(VALUE_ORIGINS),
              rule="quoted when the mapping gives it (a span of the article), page when taken from page_publisher.",
              example="quoted"),
        *_date("published_date", "Date the article was published: read from its text by the curator, else the "
               "page's publication date from the collector's record (see published_date_origin)"),
        Field("published_date_origin", "string", "Where published_date comes from; null exactly when "
              "published_date is null.", Origin.DERIVED, enum=tuple(VALUE_ORIGINS),
              rule="quoted when the mapping's quotes state the date, inferred when its evidence carries a note, "
                   "page when the mapping gives none and page_published_date is taken. When both the mapping and "
                   "the page give a date they must agree to the coarser precision, or the build stops.",
              example="quoted"),
        Field("url", "string", "Address of the page the article was saved from; null when not recorded.",
              Origin.COLLECTOR, pattern=URL, example="https://www.example.co.uk/news/ofsted-report"),
        *_date("retrieved_date", "Date the collector saved the page", Origin.COLLECTOR),
        Field("page_publisher", "string", "Publisher as the page's metadata names it (og:site_name, say); null "
              "when not recorded.", Origin.COLLECTOR, example="BBC News"),
        *_date("page_published_date", "Publication date in the page's metadata (article:published_time, say)",
               Origin.COLLECTOR),
        Field("characters", "integer",
              "Length of the article in Unicode code points (the unit of char_start/char_end).",
              Origin.DERIVED, required=True, minimum=0, rule="len() of the decoded text."),
    ),
)

INSPECTIONS = Table(
    name="inspections",
    title="Inspections and visits",
    description="One row per Ofsted inspection or visit of a council's children's services that an article reports.",
    primary_key=("inspection_id",),
    fields=(
        Field("inspection_id", "string",
              "Curator-assigned slug: <local-authority>-<year of the visit, else of publication>-<inspection type>; "
              "'undated' in place of the year when no year can be known (see Framework notes).",
              Origin.CURATOR,
              required=True, pattern=SLUG, example="south-gloucestershire-2016-full-inspection"),
        _local_authority("inspected"),
        _la_code,
        Field("inspection_type", "string", "Kind of inspection or visit.", Origin.EVIDENCE, required=True,
              enum=tuple(INSPECTION_TYPES), example="full_inspection"),
        Field("framework", "string",
              "Ofsted framework the inspection was carried out under; null when it cannot be told.",
              Origin.EVIDENCE, enum=tuple(FRAMEWORKS), derivable=True,
              rule="When the mapping does not state it: derived from inspection_type and the visit (else published) "
                   "date: full inspections and monitoring visits from Nov 2013 to Dec 2017 are sif; full inspections, "
                   "focused and monitoring visits from Jan 2018 are ilacs; joint targeted area inspections are jtai; "
                   "anything earlier, or a date too imprecise to tell, stays null.",
              example="sif"),
        Field("visit_start", "date", "First day of the inspectors' fieldwork, at visit_precision; null when unknown.",
              Origin.EVIDENCE, example="2017-02-01"),
        Field("visit_end", "date", "Last day of the fieldwork, at visit_precision; null when unknown.",
              Origin.EVIDENCE, example="2017-03-01"),
        Field("visit_precision", "string", "Precision of visit_start and visit_end. Null exactly when both are null.",
              Origin.DERIVED, enum=_precision, rule="From the form of the dates written in the mapping (both alike)."),
        *_date("published_date", "Date Ofsted published the report"),
        Field("overall_grade", "string",
              "Overall effectiveness grade; null when the inspection is ungraded or the grade unknown.",
              Origin.EVIDENCE, enum=tuple(GRADES), example="inadequate"),
        Field("theme", "string", "The area of practice a focused visit, monitoring visit or joint targeted area "
              "inspection looked at; null for full inspections and when not stated.", Origin.EVIDENCE,
              enum=tuple(THEMES), rule="Refused on a full inspection, which looks at every area.",
              example="front_door"),
        Field("recommendations_count", "integer",
              "Number of recommendations the report makes, as the article states it.",
              Origin.EVIDENCE, minimum=0, example="22"),
        # Ofsted's verdict, beside the news claims it confirms or contradicts (from official_checks).
        Field("official_status", "string",
              "Ofsted's official record on this inspection in one word: conflict when the record contradicts a "
              "value the news gives of it (its overall grade, publication date or a judgement's grade), else "
              "confirmed (the record holds it), not_in_official_record or not_checked.", Origin.DERIVED,
              required=True, enum=tuple(CHECK_STATUSES),
              rule="From official_checks: conflict when a row of the inspection or of its judgements is a conflict; "
                   "otherwise the status of its inspection_type row.", example="confirmed"),
        Field("official_conflicts", "string",
              "What the official record contradicts, as '<field>: news <value>, official <value>' joined by '; '; "
              "null when nothing is contradicted.", Origin.DERIVED,
              rule="The conflict rows of official_checks for the inspection and its judgements (a judgement's field "
                   "written as its area), in record_id and field order.",
              example="overall_grade: news inadequate, official requires_improvement"),
        Field("official_overall_grade", "string",
              "The overall grade in Ofsted's official record: the matched inspection's, or, when no official "
              "inspection fits the news dates, the grade in force then (what the claim was checked against); null "
              "when there is none (SLAC, visits, nothing to compare).", Origin.DERIVED, enum=tuple(GRADES),
              rule="official_value of the inspection's overall_grade row of official_checks.",
              example="requires_improvement"),
        Field("official_source", "string",
              "Where Ofsted's official statistics hold it: file, sheet and row (1-based) of the matched inspection, "
              "else of the grade in force it was checked against; null when nothing was compared. The official "
              "files give no inspection identifier or report link, so this row is the reference.", Origin.DERIVED,
              rule="official_source of the inspection's first official_checks row that has one (inspection_type, "
                   "then overall_grade, then published_date).",
              example="LA_Inspection_Outcomes_as_at_31_March_2025.ods, ILACS_inspection_history, row 210"),
        Field("official_url", "string",
              "Web page of the official statistics release that holds official_source; null when official_source "
              "is null.", Origin.DERIVED, pattern=URL,
              rule="The release_page of official_source's file in reference/official/snapshot.json.",
              example="https://www.gov.uk/government/statistics/local-authority-inspection-outcomes-as-at-31-march-2025"),
    ),
)

JUDGEMENTS = Table(
    name="judgements",
    title="Graded judgements",
    description="One row per graded judgement of an inspection, including its overall effectiveness.",
    primary_key=("inspection_id", "area"),
    foreign_keys=(ForeignKey(("inspection_id",), "inspections", ("inspection_id",)),),
    fields=(
        Field("inspection_id", "string", "The inspection judged.", Origin.CURATOR, required=True, pattern=SLUG),
        Field("area", "string", "What was judged, on a vocabulary common to all frameworks.", Origin.CURATOR,
              required=True, enum=tuple(AREAS), derivable=True,
              rule="The curator's classification when the mapping states it (the article's wording is its own); "
                   "otherwise area_label looked up in reference/judgement_areas.csv, which must then agree with a "
                   "stated area. The overall_effectiveness row is derived from the inspection's overall_grade and "
                   "shares its quotes.",
              example="help_and_protection"),
        Field("area_label", "string", "The judgement area as the article words it; null for an overall grade the "
              "article gives without naming the area.", Origin.QUOTE,
              example="Children who need help and protection"),
        Field("grade", "string", "The grade given.", Origin.EVIDENCE, required=True, enum=tuple(GRADES),
              example="inadequate"),
    ),
)

RECOMMENDATIONS = Table(
    name="recommendations",
    title="Recommendations and priority actions",
    description="One row per recommendation, area for improvement or priority action an article reports.",
    primary_key=("recommendation_id",),
    foreign_keys=(ForeignKey(("inspection_id",), "inspections", ("inspection_id",)),),
    fields=(
        Field("recommendation_id", "string", "Curator-assigned slug: <inspection_id>-<n>.", Origin.CURATOR,
              required=True, pattern=SLUG, example="south-gloucestershire-2021-11-focused-visit-1"),
        Field("inspection_id", "string", "The inspection that made it.", Origin.CURATOR, required=True, pattern=SLUG),
        Field("text", "string", "The recommendation, exactly as the article words it.", Origin.QUOTE, required=True),
        Field("theme", "string", "What the recommendation is about (curator's classification of the text).",
              Origin.EVIDENCE, required=True, enum=tuple(THEMES), example="front_door"),
        Field("urgent", "boolean", "True for a priority action or a recommendation the article says is urgent.",
              Origin.EVIDENCE, required=True, example="true"),
    ),
)

FUNDING_COMMITMENTS = Table(
    name="funding_commitments",
    title="Funding commitments",
    description="One row per amount of money a council commits to its children's services, as reported.",
    primary_key=("commitment_id",),
    foreign_keys=(ForeignKey(("inspection_id",), "inspections", ("inspection_id",)),),
    fields=(
        Field("commitment_id", "string", "Curator-assigned slug: <local-authority>-<year>-<amount>.", Origin.CURATOR,
              required=True, pattern=SLUG, example="gloucestershire-2017-9-2m"),
        _local_authority("committing the money"),
        _la_code,
        Field("amount_gbp", "integer", "Amount in whole pounds.", Origin.EVIDENCE, required=True, minimum=1,
              rule="Must equal an amount written in a quote (£9.2m = 9200000).", example="9200000"),
        Field("approximate", "boolean", "True when the article gives the amount as a rounded or hedged figure "
              "(\"almost £5m\", \"around £2m\"): amount_gbp is then that figure, not an exact sum.",
              Origin.EVIDENCE, required=True, derivable=True,
              rule="false unless the mapping says true; true needs a quote with a hedging word (almost, about, "
                   "around, nearly, more than, over, up to, some, roughly, approximately, just under/over, close to, "
                   "an estimated) directly before the amount.",
              example="false"),
        Field("period_years", "integer", "Number of years the money is spread over; null when not stated.",
              Origin.EVIDENCE, minimum=1, example="4"),
        Field("first_financial_year", "string", "First financial year (April to March) the money is for, "
              "written YYYY/YY; null when the article gives none.", Origin.EVIDENCE, pattern=FINANCIAL_YEAR,
              rule="A quote must state it (2019/20, 2019-20, 2019–20, 2019/2020 or 2019 to 2020 are the same year).",
              example="2019/20"),
        Field("last_financial_year", "string", "Last financial year the money is for (equal to the first for one "
              "year); null when the article gives none.", Origin.EVIDENCE, pattern=FINANCIAL_YEAR,
              rule="As first_financial_year; not before it.", example="2020/21"),
        Field("purpose", "string", "What the money is for, exactly as the article words it.", Origin.QUOTE,
              required=True),
        *_date("announced_date", "Date the commitment was announced or agreed"),
        Field("inspection_id", "string", "The inspection the article reports the commitment with; null when none.",
              Origin.CURATOR, pattern=SLUG),
    ),
)

GRADE_COUNTS = Table(
    name="grade_counts",
    title="Counts of judgements by grade",
    description="One row per grade of a count an article gives of an inspection's judgement areas (\"good in six "
                "of the eight areas\"), when it does not name the areas one by one (SLAC's outcome areas).",
    primary_key=("inspection_id", "scope", "grade"),
    foreign_keys=(ForeignKey(("inspection_id",), "inspections", ("inspection_id",)),),
    fields=(
        Field("inspection_id", "string", "The inspection whose areas are counted.", Origin.CURATOR, required=True,
              pattern=SLUG),
        Field("scope", "string", "Which of the inspection's areas are counted.", Origin.CURATOR, required=True,
              enum=tuple(COUNT_SCOPES), example="all"),
        Field("grade", "string", "The grade counted.", Origin.EVIDENCE, required=True, enum=tuple(GRADES),
              example="good"),
        Field("areas", "integer", "How many areas of the scope were given that grade.", Origin.EVIDENCE,
              required=True, minimum=0, example="6"),
        Field("of_areas", "integer", "How many areas the scope has, as the article says; null when not stated.",
              Origin.EVIDENCE, minimum=1, example="8"),
    ),
)

PROVENANCE = Table(
    name="provenance",
    title="Provenance",
    description="One row per quote backing a field of a record: raw text[char_start:char_end] == quote.",
    primary_key=("table_name", "record_id", "field", "source_id", "char_start"),
    foreign_keys=(ForeignKey(("source_id",), "sources", ("source_id",)),),
    fields=(
        Field("table_name", "string", "Table of the record backed.", Origin.DERIVED, required=True,
              enum=FACT_TABLE_NAMES, rule="The table the mapping fact was applied to."),
        Field("record_id", "string", "Key of the record backed; for judgements <inspection_id>/<area>.",
              Origin.DERIVED, required=True, rule="The record's primary key values joined by '/'."),
        Field("field", "string", "Column of the record the quote backs.", Origin.DERIVED, required=True),
        Field("source_id", "string", "Article the quote is in.", Origin.DERIVED, required=True, pattern=SOURCE_ID),
        Field("char_start", "integer", "Offset of the quote's first code point in the decoded article (0-based).",
              Origin.DERIVED, required=True, minimum=0),
        Field("char_end", "integer", "Offset one past the quote's last code point.", Origin.DERIVED, required=True,
              minimum=1),
        Field("quote", "string", "The exact span of the raw article.", Origin.DERIVED, required=True),
        Field("note", "string", "The curator's note on how the value was read or inferred from the quotes.",
              Origin.CURATOR),
    ),
)

OFFICIAL_CHECKS = Table(
    name="official_checks",
    title="Checks against Ofsted's official record",
    description="One row per news value checked against Ofsted's official statistics on inspections of "
                "councils' children's services: an inspection's presence in the record, its publication date "
                "and overall grade, and each judgement grade (see docs/official-checks.md).",
    primary_key=("table_name", "record_id", "field"),
    fields=(
        Field("table_name", "string", "Table of the news record checked.", Origin.DERIVED, required=True,
              enum=FACT_TABLE_NAMES, rule="inspections or judgements.", example="inspections"),
        Field("record_id", "string", "Key of the record checked; for judgements <inspection_id>/<area>.",
              Origin.DERIVED, required=True, rule="The record's primary key values joined by '/', as in provenance.",
              example="gloucestershire-2017-full-inspection"),
        Field("field", "string", "Column of the record checked; inspection_type stands for the inspection itself "
              "(is it in the official record?).", Origin.DERIVED, required=True,
              rule="inspection_type, published_date and overall_grade of inspections; grade of judgements.",
              example="overall_grade"),
        Field("news_value", "string", "The value as published in the table checked; a date is written to its "
              "precision (2017, 2017-06 or 2017-06-14); null when the news record has no value.", Origin.DERIVED,
              rule="Copied from the checked table.", example="inadequate"),
        Field("official_value", "string", "The official record's value on the same vocabulary (a date as "
              "YYYY-MM-DD; for inspection_type, Ofsted's name of the inspection); null when there is none.",
              Origin.DERIVED, rule="From reference/official/outcomes.csv, the matched official inspection.",
              example="inadequate"),
        Field("status", "string", "Outcome of the check.", Origin.DERIVED, required=True,
              enum=tuple(CHECK_STATUSES),
              rule="Matching by GSS code (former codes honoured), inspection type, framework and a date window; "
                   "see docs/official-checks.md.", example="confirmed"),
        Field("official_source", "string", "Where the official value is: file, sheet and row (1-based, as a "
              "spreadsheet shows it); null when nothing matched.", Origin.DERIVED,
              rule="The official_source column of the matched extract row.",
              example="Childrens_social_care_in_England_2023_underlying_data.ods, LA_inspections_2009-2023, row 50"),
        Field("note", "string", "Why the status was given when it is not plain agreement (recoded grade, "
              "ambiguous match, a visit the record does not cover, ...).", Origin.DERIVED),
    ),
)


def _copied(table: Table, name: str) -> Field:
    """A column of `table` as a derived table carries it: the same meaning and constraints, copied."""
    field = table.field(name)
    return dataclasses.replace(field, origin=Origin.DERIVED, rule=f"Copied from {table.name}.{name}.",
                               derivable=False)


_FLAT_COPIED = ("inspection_id", "local_authority", "la_code", "inspection_type", "framework", "theme", "visit_start",
                "visit_end", "visit_precision", "published_date", "published_date_precision", "published_date_end",
                "overall_grade", "recommendations_count")
_FLAT_OFFICIAL = ("official_status", "official_overall_grade", "official_conflicts", "official_source", "official_url")

INSPECTIONS_FLAT = Table(
    name="inspections_flat",
    title="Inspections, one row each (for spreadsheets)",
    description="One row per inspection: its dates with their precision, overall grade, the grade of each judgement "
                "area as a column, Ofsted's official verdict and the articles that report it. Every value is copied "
                "or counted from the other tables (each column's rule says from where); they remain the reference.",
    primary_key=("inspection_id",),
    foreign_keys=(ForeignKey(("inspection_id",), "inspections", ("inspection_id",)),),
    fields=(
        *(_copied(INSPECTIONS, name) for name in _FLAT_COPIED),
        *(Field(area, "string", f"Grade of the judgement area: {AREAS[area]}; null when no article reports one.",
                Origin.DERIVED, enum=tuple(GRADES), rule=f"judgements.grade where area = '{area}'.", example="good")
          for area in AREAS if area != "overall_effectiveness"),
        Field("recommendations_listed", "integer", "Recommendations of the inspection listed in table "
              "recommendations (recommendations_count is the number the article says the report makes).",
              Origin.DERIVED, required=True, minimum=0, rule="Rows of recommendations with this inspection_id.",
              example="5"),
        *(_copied(INSPECTIONS, name) for name in _FLAT_OFFICIAL),
        Field("source_ids", "string", "The articles that report the inspection (sources.source_id), joined by '; '.",
              Origin.DERIVED, required=True,
              rule="Distinct source_id of the provenance rows of the inspection, sorted.",
              example="000_09d284dea3b9a717; 001_06ce62ec936559f3"),
        Field("source_urls", "string", "Addresses of those articles' pages (sources.url), joined by '; ' in "
              "source_ids order; null when the collector recorded none.", Origin.DERIVED,
              rule="sources.url of each of source_ids that has one.",
              example="https://www.example.co.uk/news/ofsted-report"),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (SOURCES, INSPECTIONS, JUDGEMENTS, RECOMMENDATIONS, FUNDING_COMMITMENTS, GRADE_COUNTS, PROVENANCE,
              OFFICIAL_CHECKS, INSPECTIONS_FLAT)
}
assert tuple(TABLES) == TABLE_NAMES
