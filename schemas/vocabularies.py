"""Controlled vocabularies shared by the tables, each value with the meaning the docs show."""

from __future__ import annotations

import datetime as dt

PRECISIONS: dict[str, str] = {
    "day": "the exact day is known",
    "month": "only the month is known; the date is the first day of that month",
    "year": "only the year is known; the date is 1 January of that year",
}

GRADES: dict[str, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement (to be good); SIF and ILACS wording",
    "adequate": "Adequate; the pre-2013 grade, kept as reported (Ofsted later recoded it)",
    "inadequate": "Inadequate",
}

# Words that must appear in a quote backing a grade (lower-case, after typographic normalisation).
GRADE_WORDS: dict[str, str] = {
    "outstanding": "outstanding",
    "good": "good",
    "requires_improvement": "requires improvement",
    "adequate": "adequate",
    "inadequate": "inadequate",
}

INSPECTION_TYPES: dict[str, str] = {
    "full_inspection": (
        "A graded inspection of the local authority's children's services "
        "(SLAC, SIF, ILACS standard or short inspection, ...)"
    ),
    "focused_visit": "An ungraded ILACS focused visit looking at one area of practice",
    "monitoring_visit": "An ungraded visit to a council judged inadequate, checking its progress",
    "joint_targeted_area_inspection": "A joint targeted area inspection (JTAI) by Ofsted, CQC, HMICFRS and HMIP",
}

# The first day of the frameworks whose start decides a record's framework or how a grade reads: SIF
# (and its grade "requires improvement", which replaced "adequate") and ILACS.
FRAMEWORK_STARTS: dict[str, dt.date] = {"sif": dt.date(2013, 11, 1), "ilacs": dt.date(2018, 1, 1)}

FRAMEWORKS: dict[str, str] = {
    "jar": "Joint area review (2005-2009)",
    "slac": "Inspection of safeguarding and looked after children services, with the CQC (2009-2012)",
    "cpi": "Inspection of local authority arrangements for the protection of children (2012-2013)",
    "sif": "Single inspection framework (November 2013 - December 2017)",
    "ilacs": "Inspecting local authority children's services (January 2018 onwards)",
    "jtai": "Joint targeted area inspection (2016 onwards)",
}

AREAS: dict[str, str] = {
    "overall_effectiveness": "Overall effectiveness of the services",
    "help_and_protection": "Experiences and progress of children who need help and protection (safeguarding services)",
    "children_in_care": "Experiences and progress of children in care / looked after and achieving permanence",
    "adoption": "Adoption performance",
    "care_leavers": "Experiences and progress of care leavers",
    "leadership": "Leadership, management and governance; impact of leaders on social work practice",
    "safeguarding_board": "Review of the Local Safeguarding Children Board (SIF)",
}

THEMES: dict[str, str] = {
    "front_door": "Contacts, referrals, thresholds and decision-making at the front door",
    "assessment_and_risk": "Assessment of risk and the actions taken to reduce it",
    "child_protection": "Child protection enquiries, strategy meetings and plans",
    "children_in_need": "Support for children in need",
    "children_in_care": "Children in care and permanence",
    "care_leavers": "Care leavers",
    "disabled_children": "Disabled children",
    "exploitation": "Children at risk of exploitation or missing",
    "elective_home_education": "Children educated at home",
    "voice_of_the_child": "Seeking and recording children's views",
    "record_keeping": "Case recording and records of decisions",
    "information_sharing": "Information sharing between agencies",
    "quality_assurance": "Audit, quality assurance and management oversight",
    "leadership_and_management": "Leadership, management and governance",
    "workforce": "Recruitment, retention, caseloads and training",
    "neglect": "Children living with neglect (a JTAI theme)",
    "domestic_abuse": "Children living with domestic abuse (a JTAI theme)",
    "mental_health": "Children's or parents' mental health (a JTAI theme)",
    "edge_of_care": "Decision-making for children on the edge of care",
    "early_help": "Early help for children and families before statutory services",
    "other": "Anything else",
}

# Where a value of the sources table comes from, when it can come from more than one place.
VALUE_ORIGINS: dict[str, str] = {
    "quoted": "stated by the article's own text (the quotes in provenance)",
    "inferred": "inferred by the curator from the article's quotes, with a note in provenance saying how",
    "page": "taken from the collector's record of the page (raw/<source_id>.page.json): the article's text does "
            "not state it",
}

# What a count of judgements is a count of: the areas of one part of an inspection, or of all of it.
COUNT_SCOPES: dict[str, str] = {
    "all": "every area the inspection judged",
    "safeguarding": "the areas of a SLAC inspection's safeguarding services",
    "looked_after": "the areas of a SLAC inspection's services for looked after children",
}

# How each framework's facts land in the tables: the contract's decisions, printed in the data dictionary.
FRAMEWORK_NOTES: tuple[str, ...] = (
    "SLAC (2009-2012) judged safeguarding services and services for looked after children separately, each "
    "with its own overall effectiveness: these two are judgements, areas `help_and_protection` (safeguarding) "
    "and `children_in_care` (looked after children), the columns Ofsted's official statistics use for them. "
    "SLAC gave no single overall grade; when an article still reports one (\"rated inadequate\"), "
    "`inspections.overall_grade` holds it as the article says it, and the official check notes the record has none.",
    "SLAC's outcome areas (being healthy, staying safe, ...) are judgements only where the vocabulary has an area "
    "for them (leadership and management is `leadership`); an article that counts them (\"good in five of the "
    "eight areas\") gives rows of `grade_counts`, one per grade counted, scope `safeguarding`, `looked_after` "
    "or `all`.",
    "A focused visit or a joint targeted area inspection looks at one area of practice (a monitoring visit "
    "often does too): `inspections.theme`, on the same vocabulary as recommendations' themes. All three are "
    "ungraded: `overall_grade` stays null.",
    "An inspection whose year the article does not give and cannot be inferred (not even from the page's "
    "date, with a note) is given the id `<council>-undated-<inspection type>` (`-2`, `-3` for a second and "
    "third); its dates stay null.",
)

CHECK_STATUSES: dict[str, str] = {
    "confirmed": "Ofsted's official record holds the inspection and agrees with the news value",
    "conflict": "Ofsted's official record holds the inspection and gives a different value",
    "not_in_official_record": (
        "The official record does not hold the inspection, or holds it without this value "
        "(focused and monitoring visits are recorded only partly, never a conflict when absent)"
    ),
    "not_checked": "No official extract was available, or the news record gives nothing to match it on",
}

# The tables whose rows are facts taken from the articles: the ones provenance quotes can back.
FACT_TABLE_NAMES: tuple[str, ...] = (
    "sources",
    "inspections",
    "judgements",
    "recommendations",
    "funding_commitments",
    "grade_counts",
)

TABLE_NAMES: tuple[str, ...] = (
    *FACT_TABLE_NAMES,
    "provenance",
    "official_checks",
    "inspections_flat",
)
