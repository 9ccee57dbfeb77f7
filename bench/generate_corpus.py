"""A realistic synthetic corpus for benchmarking: N news articles with valid curated mappings.

Why synthetic: the seed corpus has five articles, far too few to tell how the pipeline scales, and
real articles cannot be collected by the thousand. The articles imitate the seeds (headline, byline,
dateline, inspectors quoted, judgement lists, recommendations, money, council responses) and every
mapping is one the real pipeline accepts: quotes verbatim and unique (or with `occurrence`), sha256
of the article, evidence for every evidenced field, dates the quotes state or a note explains,
amounts and grades written in their quotes, councils named in them.

Inspections come from a shared pool, so one inspection is reported by several articles (as news, as
history, in a round-up) with agreeing values, which exercises the cross-article merge. Ids of
recommendations and funding commitments are unique across the corpus.

Deterministic: the same (n, seed) gives the same bytes. Plain string work, no YAML library: 50,000
articles take well under a few minutes.

    python -m bench.generate_corpus OUT_DIR --n 1000 --seed 0
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import hashlib
import json
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
REFERENCE = PROJECT / "reference"

MIN_BYTES, MAX_BYTES = 2_100, 6_900  # articles stay inside 2-7 KB whichever KB is meant
MIN_RECORDS, MAX_RECORDS = 15, 39  # records per mapping; with the source block, 16-40 facts
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

# Same equivalences as ofsted_dataset.facts.quotes.fold: what the pipeline treats as one character.
_FOLD = str.maketrans({**dict.fromkeys("'‘’‚‛′`´", "'"), **dict.fromkeys("\"“”„‟″«»", '"'),
                       **dict.fromkeys("-‐‑‒–—―−", "-")})

GRADE_WORDS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "adequate": "Adequate",
    "inadequate": "Inadequate",
}
GRADES_BY_FRAMEWORK = {
    "slac": (("outstanding", 1), ("good", 4), ("adequate", 5), ("inadequate", 3)),
    "sif": (("outstanding", 1), ("good", 4), ("requires_improvement", 6), ("inadequate", 3)),
    "ilacs": (("outstanding", 2), ("good", 5), ("requires_improvement", 5), ("inadequate", 2)),
}
# Judgement labels as reports and the press word them (all in reference/judgement_areas.csv).
LABELS = {
    "slac": ("Overall effectiveness of safeguarding services",
             "Overall effectiveness of services for looked after children",
             "Leadership and management"),
    "sif": ("Children who need help and protection", "Children looked after and achieving permanence",
            "Adoption performance", "Experiences and progress of care leavers",
            "Leadership, management and governance", "Local Safeguarding Children Board"),
    "ilacs": ("The experiences and progress of children who need help and protection",
              "The experiences and progress of children in care and care leavers",
              "The impact of leaders on social work practice with children and families"),
    "ilacs2023": ("The experiences and progress of children who need help and protection",
                  "The experiences and progress of children in care",
                  "The experiences and progress of care leavers",
                  "The impact of leaders on social work practice with children and families"),
}
KIND_WORDS = {
    "full_inspection": "inspection",
    "monitoring_visit": "monitoring visit",
    "focused_visit": "focused visit",
    "joint_targeted_area_inspection": "joint targeted area inspection",
}

# Recommendation wording: (theme, text). Texts never contain one another, so each is a unique quote.
RECOMMENDATIONS = (
    ("front_door", "strengthen decision-making when contacts and referrals are first received"),
    ("front_door", "ensure that thresholds are understood and applied consistently by partner agencies"),
    ("front_door", "improve the timeliness of management decisions on new contacts"),
    ("assessment_and_risk", "improve the quality and timeliness of assessments of risk"),
    ("assessment_and_risk", "make sure that plans address the risks identified in assessments"),
    ("assessment_and_risk", "address the effectiveness of risk assessments for children living with domestic abuse"),
    ("child_protection", "convene strategy meetings promptly when children are at risk of significant harm"),
    ("child_protection", "ensure that child protection plans are specific, measurable and reviewed"),
    ("child_protection", "involve all relevant agencies in child protection enquiries"),
    ("children_in_need", "ensure support for children in need is consistently of a high standard"),
    ("children_in_need", "review the plans of children in need whose circumstances have not improved"),
    ("children_in_care", "increase the sufficiency of local placements for children in care"),
    ("children_in_care", "make timely permanence decisions for children who cannot return home"),
    ("children_in_care", "improve the quality of care plans for children placed at a distance"),
    ("care_leavers", "develop the pathway plans of care leavers with the young people themselves"),
    ("care_leavers", "stop placing care leavers in bed and breakfast accommodation"),
    ("care_leavers", "keep in touch with every care leaver up to the age of 25"),
    ("disabled_children", "improve the timeliness of assessments for disabled children"),
    ("disabled_children", "strengthen transition planning for disabled young people"),
    ("exploitation", "improve the response to children who go missing from home or care"),
    ("exploitation", "offer every child found after a missing episode a return home interview"),
    ("exploitation", "identify and reduce the risks to children at risk of criminal exploitation"),
    ("elective_home_education", "offer more assistance to the growing numbers of children educated at home"),
    ("voice_of_the_child", "make sure that the views of children are sought and recorded in their plans"),
    ("voice_of_the_child", "use the wishes and feelings of children to shape the services they receive"),
    ("record_keeping", "keep accurate records of decisions made at daily safeguarding meetings"),
    ("record_keeping", "improve case recording so that the child's history is clear"),
    ("information_sharing", "share information with schools and health partners in good time"),
    ("information_sharing", "agree with the police how notifications of domestic abuse are passed on"),
    ("quality_assurance", "make audits evaluate the impact of practice rather than describe it"),
    ("quality_assurance", "strengthen management oversight and supervision of frontline social work"),
    ("quality_assurance", "ensure that performance information is accurate and used by managers"),
    ("leadership_and_management", "give senior leaders an accurate understanding of the quality of practice"),
    ("leadership_and_management", "ensure that elected members scrutinise the progress of the improvement plan"),
    ("workforce", "reduce the reliance on agency social workers"),
    ("workforce", "reduce caseloads so that social workers can spend time with children"),
    ("workforce", "provide newly qualified social workers with protected caseloads and training"),
    ("other", "improve the sufficiency of early help services across the county"),
    ("other", "work with partners to improve the health assessments of children in care"),
    ("other", "review the commissioning of advocacy services for children"),
)
PURPOSES = (
    "children's services to speed up improvement", "recruiting and retaining permanent social workers",
    "its service and workforce", "early help and family support", "new children's homes within the county",
    "reducing social work caseloads", "its front door and multi-agency safeguarding hub",
    "services for care leavers", "a new edge of care team", "training for frontline managers",
)
HEADLINES_GRADED = (
    "Ofsted rates council {g} amid concerns over leadership",
    "{c} children's services rated {g} by Ofsted",
    "Inspectors judge {c} children's services to be {g}",
    "{g} rating for {c} after Ofsted inspection",
    "Ofsted verdict on {c}: children's services {g}",
)
HEADLINES_VISIT = (
    "Ofsted warns {c} over children left at risk",
    "Inspectors find progress in {c} children's services",
    "{c}: Ofsted {k} finds work still to do",
    "Ofsted {k} to {c} children's services raises concerns",
)
PUBLISHERS = ("CYP Now", "Children's Services Weekly", "Local Gov Review", "The Social Work Post", "Care Today")
BYLINES = ("Joe Lepper", "Amelia Hart", "Tom Cheshire", "Priya Natarajan", "Sam Whitmore", "Rachel Ode",
           "Daniel Price", "Hannah Wu")
OFFICIALS = ("director of children's services", "cabinet member for children and young people",
             "chief executive", "lead member for children's services", "interim director of children's services")
NAMES = ("Alison Williams", "Pete Bungard", "Samuel Bromiley", "Chris Sivers", "Peter Murphy", "Jon Hunt",
         "Mary Okafor", "Gareth Lewis", "Helen Brook", "Imran Shah", "Claire Dunn", "Robert Hale")

# Paragraphs with no fact in them: findings, praise, council responses. {c}, {p}, {a} are filled.
FILLER = (
    "Inspectors found that {p} senior leaders had an accurate understanding of the services' strengths and "
    "weaknesses, but that improvements had not been sustained because of a high turnover of social workers.",
    "\"Children are not always seen quickly enough by social workers, and some are left in situations of "
    "unassessed risk for too long,\" the report states.",
    "Staff told inspectors they felt well supported by visible and approachable managers, and caseloads had "
    "reduced since the last visit, although some remained too high.",
    "The report noted that corporate parenting is a strength, with elected members who know the children in "
    "their care and champion their interests.",
    "\"Relationships between senior managers and practitioners have broken down,\" the report states, adding "
    "that a high number of staff felt unable to challenge poor practice.",
    "Inspectors praised the quality of direct work with children, which was described as thoughtful and "
    "creative, and said children's views were heard.",
    "Management oversight was found to be weak in too many cases, with supervision records that did not show "
    "how decisions had been reached.",
    "The quality of assessments was described as variable: the best were thorough and analytical, but too many "
    "were descriptive and over-optimistic about the risks to children.",
    "Looked-after children are doing less well at school than their peers, and attendance for young people in "
    "Year 11 and above was found to be poor.",
    "Partnership working with the police and health services had improved, inspectors said, although "
    "information was not always shared quickly enough.",
    "Care leavers told inspectors that their personal advisers knew them well and helped them into education, "
    "employment and training.",
    "Identification and support for children at risk of sexual exploitation is improving, but return home "
    "interviews were not always offered after a child was found.",
    "The council said it had already produced an improvement plan with the support of the Department for "
    "Education and the Local Government Association.",
    "The leader of {c} said: \"I want to thank our social workers, who do an incredibly difficult job with "
    "real commitment. We accept the findings in full and we will act on them.\"",
    "A spokesperson for {c} said the council was \"deeply disappointed\" but that steps were already being "
    "taken to bring about rapid improvement.",
    "\"We are continuing to move in the right direction, but we recognise there is still further to go to "
    "bring all social work practice to the same consistently high standard,\" the council said.",
    "Inspectors said the council's response to children who go missing was timely, and that multi-agency "
    "meetings were well attended.",
    "The use of agency staff remains high, inspectors said, and recruitment of experienced permanent social "
    "workers continues to be a challenge for the authority.",
    "Ofsted found that children in care live in stable placements, and that most are making good progress at "
    "school and in their health.",
    "\"Emerging strengths are evident in the quality of direct work with children and a greater focus on "
    "achieving early permanence,\" inspectors wrote.",
    "The report said that a culture of learning and self-reflection was being embedded across the service, "
    "and that audit activity was beginning to drive improvement.",
    "Despite the weaknesses identified, Ofsted noted an appropriate focus on tackling high caseloads, in part "
    "by investment to address recruitment and retention difficulties.",
    "Union representatives said staff had been working under intense pressure for months and welcomed the "
    "inspectors' recognition that frontline workers were not to blame.",
    "Opposition councillors called for an independent review of how the service had been run and for regular "
    "public reports on its progress.",
    "The Department for Education said it would continue to work closely with {c} and monitor its progress "
    "against the improvement plan.",
    "Inspectors highlighted delays in care proceedings, which meant some children waited too long for a "
    "decision about where they would live permanently.",
    "A newly introduced electronic recording system is beginning to improve the quality and timeliness of "
    "case recording, the report said.",
    "Independent reviewing officers were found to have manageable caseloads, but their challenge was not "
    "always effective in preventing drift for children.",
    "The local safeguarding partnership was said to provide effective challenge, with multi-agency audits "
    "that had led to changes in practice.",
    "\"We have made this progress thanks to a fantastic amount of work from our dedicated staff,\" a council "
    "spokesperson said.",
    "Children's charities said the findings showed the pressure on councils' budgets and called for more "
    "funding for early help across the country.",
    "Inspectors said the authority's early help offer was well developed, with family support workers based "
    "in schools and children's centres.",
)
FOOTERS = (
    "{p} Digital membership\n\n  • Latest digital issues\n  • Latest online articles\n  • Archive of more "
    "than 60,000 articles\n\nSubscribe",
    "Sign-up for our newsletter",
    "Share this article\n\nRelated articles\n\n  • Councils face rising demand for children's social care\n  "
    "• How one authority turned around its front door",
    "Copyright {p}. All rights reserved.",
)


@dataclass(frozen=True)
class Council:
    name: str
    names: tuple[str, ...]  # name and aliases an article may use
    slug: str


@dataclass
class Inspection:
    """One inspection of the synthetic world: every article that reports it uses these values."""

    inspection_id: str
    council: Council
    kind: str  # inspection_type
    framework: str | None  # slac, sif, ilacs (label set) or None for ungraded visits
    visit_start: dt.date
    visit_end: dt.date
    published: dt.date
    grade: str | None
    judgements: list[tuple[str, str]]  # (label, grade)
    recommendations_made: int
    next_recommendation: int = 1


@dataclass
class Rec:
    """One mapping record: values (quotes for verbatim fields) and evidence per field."""

    table: str
    values: dict[str, Any]
    evidence: dict[str, tuple[list[str], str | None]] = field(default_factory=dict)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", "and")).strip("-")


def load_councils() -> list[Council]:
    """The register's councils with the names prose can use (no inverted forms like 'Bristol, City of')."""
    with (REFERENCE / "local_authorities.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    councils = []
    for row in rows:
        aliases = [a for a in row["aliases"].split(";") if a and not a.endswith(" of")]
        councils.append(Council(row["name"], (row["name"], *aliases), slugify(row["name"])))
    return councils


def _pick_grade(rng: random.Random, framework: str) -> str:
    grades, weights = zip(*GRADES_BY_FRAMEWORK[framework], strict=True)
    return rng.choices(grades, weights)[0]


def make_pool(rng: random.Random, councils: list[Council], size: int) -> list[Inspection]:
    """`size` inspections with unique ids, sorted by publication date."""
    pool: list[Inspection] = []
    ids: set[str] = set()
    kinds = ("full_inspection", "monitoring_visit", "focused_visit", "joint_targeted_area_inspection")
    for _ in range(size):
        council = rng.choice(councils)
        kind = rng.choices(kinds, (45, 25, 18, 12))[0]
        framework: str | None = None
        if kind == "full_inspection":
            framework = rng.choice(("slac", "sif", "ilacs", "ilacs"))
            year = {"slac": rng.randint(2009, 2012), "sif": rng.randint(2014, 2017),
                    "ilacs": rng.randint(2018, 2024)}[framework]
        else:
            year = rng.randint({"monitoring_visit": 2014, "focused_visit": 2018}.get(kind, 2016), 2024)
        start = dt.date(year, rng.randint(1, 11), rng.randint(1, 20))
        length = rng.randint(11, 25) if kind in ("full_inspection", "joint_targeted_area_inspection") else 1
        end = start + dt.timedelta(days=length)
        published = end + dt.timedelta(days=rng.randint(25, 70))
        base = f"{council.slug}-{year}-{kind.replace('_', '-')}"
        inspection_id = base if base not in ids else f"{council.slug}-{year}-{start.month:02d}-{kind.replace('_', '-')}"
        suffix = 2
        while inspection_id in ids:
            inspection_id = f"{base}-{suffix}"
            suffix += 1
        ids.add(inspection_id)
        grade = _pick_grade(rng, framework) if framework else None
        judgements: list[tuple[str, str]] = []
        if framework:
            label_set = "ilacs2023" if framework == "ilacs" and year >= 2023 else framework
            for label in LABELS[label_set]:
                judgements.append((label, grade if rng.random() < 0.55 else _pick_grade(rng, framework)))
        made = rng.randint(12, 30) if kind == "full_inspection" else rng.randint(2, 8)
        pool.append(Inspection(inspection_id, council, kind, framework, start, end, published, grade,
                               judgements, made))
    pool.sort(key=lambda i: (i.published, i.inspection_id))
    return pool


def _day(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _month(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}"


class Article:
    """Builds one article's paragraphs and its mapping records together, so every quote is text the
    article contains."""

    def __init__(self, rng: random.Random, date: dt.date | None) -> None:
        self.rng = rng
        self.date = date
        self.paragraphs: list[str] = []
        self.records: list[Rec] = []
        self.q = rng.choice((("‘", "’"), ('"', '"'), ("“", "”"), ("'", "'")))
        self.apos = rng.choice(("’", "'"))
        self.names: dict[str, str] = {}  # council name -> the name this article uses
        self.dateline: str | None = None

    def name(self, council: Council) -> str:
        if council.name not in self.names:
            self.names[council.name] = self.rng.choice(council.names)
        return self.names[council.name]

    def grade(self, grade: str, lower: bool = False) -> str:
        word = GRADE_WORDS[grade]
        return f"{self.q[0]}{word.lower() if lower else word}{self.q[1]}"

    def add(self, text: str) -> None:
        self.paragraphs.append(text)

    def byte_size(self) -> int:
        return len("\n\n".join(self.paragraphs).encode("utf-8"))


def _inspection_record(insp: Inspection, name_quote: str, name_note: str | None = None) -> Rec:
    rec = Rec("inspections", {"inspection_id": insp.inspection_id, "local_authority": insp.council.name})
    rec.evidence["local_authority"] = ([name_quote], name_note)
    return rec


def _set(rec: Rec, name: str, value: Any, quotes: list[str], note: str | None = None) -> None:
    rec.values[name] = value
    rec.evidence[name] = (quotes, note)


def _main_inspection(art: Article, insp: Inspection, recs_wanted: int, counters: dict[str, int]) -> None:
    """The inspection the article is about: lede, visit, publication, judgements, recommendations."""
    c = art.name(insp.council)
    rec = _inspection_record(insp, "")
    _lede(art, insp, rec, c)
    _visit(art, insp, rec)
    _publication(art, insp, rec)
    art.records.append(rec)
    _judgements(art, insp, rec)
    _recommendations(art, insp, rec, c, min(recs_wanted, insp.recommendations_made), counters)


def _lede(art: Article, insp: Inspection, rec: Rec, c: str) -> None:
    """The opening sentence: the grade of a graded inspection, else what the visit found."""
    kind_word = KIND_WORDS[insp.kind]
    if insp.grade:
        lede = art.rng.choice((
            f"{c} has been rated {art.grade(insp.grade)} by Ofsted after inspectors examined the help and "
            "protection given to vulnerable children and families",
            f"Children's services provided by {c} are {art.grade(insp.grade)}, according to Ofsted's latest "
            "inspection",
            f"Ofsted has judged the children's services of {c} to be {art.grade(insp.grade)} overall",
        ))
        art.add(lede + ".")
        rec.evidence["local_authority"] = ([lede], None)
        _set(rec, "overall_grade", insp.grade, [lede])
    else:
        lede = art.rng.choice((
            f"Inspectors carrying out a {kind_word} to {c} have warned that too many children are waiting too "
            "long for help",
            f"A {kind_word} by Ofsted to {c} has found that services for children are improving, but not "
            "quickly enough",
            f"Ofsted has published the findings of its {kind_word} to {c}, which looked at the help given to "
            "children at risk",
        ))
        art.add(lede + ".")
        rec.evidence["local_authority"] = ([lede], None)
    _set(rec, "inspection_type", insp.kind, [lede] if not insp.grade else [])


def _visit(art: Article, insp: Inspection, rec: Rec) -> None:
    """Visit dates, to the precision each article can state."""
    kind_word = KIND_WORDS[insp.kind]
    s, e = insp.visit_start, insp.visit_end
    same_year_dateline = art.dateline is not None and art.date is not None and art.date.year == s.year
    choice = art.rng.random()
    if insp.kind == "full_inspection" and same_year_dateline and choice < 0.35:
        months = MONTHS[s.month - 1] if s.month == e.month else f"{MONTHS[s.month - 1]} and {MONTHS[e.month - 1]}"
        visit = f"The {kind_word} report, put together following a visit during {months}, states that too " \
                "many children wait too long for a service"
        note = f"{months} of the year of the article's dateline ({s.year})."
        _set(rec, "visit_start", f"{s.year}-{s.month:02d}", [visit, art.dateline], note)
        _set(rec, "visit_end", f"{e.year}-{e.month:02d}", [visit, art.dateline], note)
    elif choice < 0.75:
        if s.month == e.month:
            between = f"between {s.day} and {e.day} {_month(e)}"
        else:
            between = f"between {s.day} {MONTHS[s.month - 1]} and {_day(e)}"
        visit = f"Inspectors were on site {between} for the {kind_word}, speaking to social workers, managers " \
                "and partners"
        _set(rec, "visit_start", s.isoformat(), [visit])
        _set(rec, "visit_end", e.isoformat(), [visit])
    else:
        visit = f"The {kind_word}, carried out in {_month(s)}, looked at a sample of children's case records"
        _set(rec, "visit_start", f"{s.year}-{s.month:02d}", [visit])
    art.add(visit + ".")
    rec.evidence["inspection_type"][0].append(visit)


def _publication(art: Article, insp: Inspection, rec: Rec) -> None:
    """When the report was published: from the dateline, to the day, or to the month."""
    rng, p = art.rng, insp.published
    if art.dateline and art.date and (art.date.year, art.date.month) == (p.year, p.month) and rng.random() < 0.5:
        published = "The report, published this month, sets out what the council must do next"
        art.add(f"{published}.")
        _set(rec, "published_date", f"{p.year}-{p.month:02d}", [published, art.dateline],
             f"Reported as news in the article of {_day(art.date)}, so published in {_month(p)}.")
    elif rng.random() < 0.5:
        published = f"In a report published on {_day(p)}, inspectors said leaders had been too slow to act"
        art.add(f"{published}.")
        _set(rec, "published_date", p.isoformat(), [published])
    else:
        published = f"Ofsted's findings, which were published in {_month(p)}, follow concerns raised by staff"
        art.add(f"{published}.")
        _set(rec, "published_date", f"{p.year}-{p.month:02d}", [published])


def _judgements(art: Article, insp: Inspection, rec: Rec) -> None:
    """The list of judgements of a graded inspection, one line and one record each."""
    if not insp.judgements:
        return
    rng = art.rng
    art.add(rng.choice(("The verdict", "Ofsted's judgements", "How the council was rated")))
    if rng.random() < 0.6:
        overall = f"Overall effectiveness: {art.grade(insp.grade or 'good')}"
        art.add(overall)
        rec.evidence["overall_grade"][0].append(overall)
    for label, grade in insp.judgements:
        line = f"{label}: {art.grade(grade)}"
        art.add(line)
        art.records.append(Rec("judgements", {"inspection_id": insp.inspection_id, "area_label": label,
                                              "grade": grade}, {"grade": ([line], None)}))


def _recommendations(art: Article, insp: Inspection, rec: Rec, c: str, recs_wanted: int,
                     counters: dict[str, int]) -> None:
    """Recommendations, or priority actions and areas for improvement for a visit."""
    if recs_wanted <= 0:
        return
    rng = art.rng
    chosen = rng.sample(RECOMMENDATIONS, min(recs_wanted, len(RECOMMENDATIONS)))
    if insp.kind == "full_inspection":
        made = insp.recommendations_made
        words = NUMBER_WORDS[made] if made <= 10 and rng.random() < 0.5 else str(made)
        intro = f"The report makes {words} recommendations for improvement, including that the council should"
        _set(rec, "recommendations_count", made, [intro])
        groups = [(chosen, intro, False)]
    else:
        urgent_n = max(1, len(chosen) // 3)
        intro_u = f"Ofsted called on {c} to urgently address {NUMBER_WORDS[min(urgent_n, 10)]} priority actions"
        intro_n = "Inspectors also identified areas that could be improved, saying the council should"
        groups = [(chosen[:urgent_n], intro_u, True), (chosen[urgent_n:], intro_n, False)]
    for items, intro, urgent in groups:
        if items:
            _recommendation_list(art, insp, items, intro, urgent, counters)


def _recommendation_list(art: Article, insp: Inspection, items: list[tuple[str, str]], intro: str, urgent: bool,
                         counters: dict[str, int]) -> None:
    """One introduced bullet list of recommendations, numbered on from the inspection's last one."""
    art.add(intro + ":")
    bullets = []
    for theme, text in items:
        n = insp.next_recommendation
        insp.next_recommendation += 1
        counters["recommendations"] += 1
        bullets.append(f"  • {text}")
        art.records.append(Rec("recommendations", {
            "recommendation_id": f"{insp.inspection_id}-{n}", "inspection_id": insp.inspection_id,
            "text": text, "theme": theme, "urgent": urgent}, {"theme": ([text], None), "urgent": ([intro], None)}))
    art.add("\n".join(bullets))


def _history(art: Article, insp: Inspection, main_name_quote: str) -> None:
    """An earlier inspection of the same council, mentioned in passing."""
    rng = art.rng
    rec = _inspection_record(insp, main_name_quote, "The earlier inspection of the council the article is about.")
    kind_word = KIND_WORDS[insp.kind]
    if insp.grade and rng.random() < 0.5:
        sentence = f"The previous {kind_word}, in {insp.visit_start.year}, rated the council{art.apos}s " \
                   f"services {art.grade(insp.grade)}"
        _set(rec, "visit_start", str(insp.visit_start.year), [sentence])
    elif insp.grade:
        sentence = f"Before this, the council had last been rated {art.grade(insp.grade, lower=True)} " \
                   f"in {_month(insp.published)}"
        _set(rec, "published_date", f"{insp.published.year}-{insp.published.month:02d}", [sentence])
    else:
        sentence = f"An earlier {kind_word} in {_month(insp.visit_start)} had already found weaknesses in " \
                   "the same areas"
        _set(rec, "visit_start", f"{insp.visit_start.year}-{insp.visit_start.month:02d}", [sentence])
    if insp.grade:
        _set(rec, "overall_grade", insp.grade, [sentence])
    _set(rec, "inspection_type", insp.kind, [sentence])
    art.add(sentence + ".")
    art.records.append(rec)


def _roundup(art: Article, insp: Inspection) -> None:
    """Another council's inspection, in an 'elsewhere' paragraph."""
    rng = art.rng
    c = art.name(insp.council)
    rec = _inspection_record(insp, "")
    if insp.grade:
        sentence = rng.choice((
            f"Elsewhere, {c} was rated {art.grade(insp.grade)} in an inspection report published in "
            f"{_month(insp.published)}",
            f"In {_month(insp.published)}, Ofsted published an inspection report rating {c} "
            f"{art.grade(insp.grade)}",
        ))
        _set(rec, "overall_grade", insp.grade, [sentence])
        _set(rec, "published_date", f"{insp.published.year}-{insp.published.month:02d}", [sentence])
    else:
        sentence = f"Meanwhile, a {KIND_WORDS[insp.kind]} to {c} in {_month(insp.visit_start)} made mostly " \
                   "positive findings despite pressure on the service"
        _set(rec, "visit_start", f"{insp.visit_start.year}-{insp.visit_start.month:02d}", [sentence])
    rec.evidence["local_authority"] = ([sentence], None)
    _set(rec, "inspection_type", insp.kind, [sentence])
    art.add(sentence + ".")
    art.records.append(rec)


def _amount(rng: random.Random) -> tuple[str, int, str]:
    """Text, whole pounds and slug of a sum of money, written as articles write it."""
    style = rng.random()
    if style < 0.5:
        tenths = rng.randint(5, 200)
        text = f"£{tenths // 10}m" if tenths % 10 == 0 else f"£{tenths / 10:.1f}m"
        return text, tenths * 100_000, text[1:].replace(".", "-")
    if style < 0.75:
        tenths = rng.randint(11, 99)
        text = f"£{tenths / 10:.1f} million"
        return text, tenths * 100_000, f"{tenths // 10}-{tenths % 10}m"
    thousands = rng.randint(100, 990)
    return f"£{thousands},000", thousands * 1000, f"{thousands}k"


def _funding(art: Article, insp: Inspection, purposes: list[str], used_ids: set[str]) -> None:
    rng, c = art.rng, art.name(insp.council)
    text, pounds, slug = _amount(rng)
    purpose = purposes.pop()
    year = (art.date or insp.published).year
    base = f"{insp.council.slug}-{year}-{slug}"
    commitment_id, suffix = base, 2
    while commitment_id in used_ids:
        commitment_id = f"{base}-{suffix}"
        suffix += 1
    used_ids.add(commitment_id)
    rec = Rec("funding_commitments", {"commitment_id": commitment_id, "local_authority": insp.council.name})
    if rng.random() < 0.5:
        years = rng.randint(2, 5)
        sentence = f"{c} has announced a {NUMBER_WORDS[years]}-year, {text} investment into {purpose}"
        _set(rec, "amount_gbp", pounds, [sentence])
        _set(rec, "period_years", years, [sentence])
    else:
        sentence = f"{c} has also agreed an additional {text} of funding for {purpose}"
        _set(rec, "amount_gbp", pounds, [sentence])
    rec.values["purpose"] = purpose
    if art.dateline and art.date:
        _set(rec, "announced_date", str(art.date.year), [sentence, art.dateline],
             f"Agreed by the time of the article of {_day(art.date)}; the exact date is not given.")
    rec.evidence["local_authority"] = ([sentence], None)
    rec.values["inspection_id"] = insp.inspection_id
    art.add(sentence + ".")
    art.records.append(rec)


def _resolve(folded_text: str, quote: str, cache: dict[str, Any]) -> Any:
    """The quote as a mapping writes it: plain when unique in the article, else with `occurrence`.

    Counting runs on the typographically folded text, where the pipeline's matching is a plain search.
    """
    if quote in cache:
        return cache[quote]
    folded = " ".join(quote.translate(_FOLD).split())
    count = folded_text.count(folded)
    if count != 1:
        head = r"(?<!\w)" if folded[0].isalnum() else ""
        tail = r"(?!\w)" if folded[-1].isalnum() else ""
        count = len(re.findall(head + re.escape(folded) + tail, folded_text))
        if count == 0:
            raise AssertionError(f"generator bug: quote {quote!r} is not in its article")
    cache[quote] = quote if count == 1 else {"text": quote, "occurrence": 1}
    return cache[quote]


def _yaml(value: Any) -> str:
    """A scalar or flow collection as YAML: JSON is valid YAML, and quoting every string keeps
    dates as text ("2017-02" keeps its precision)."""
    return json.dumps(value, ensure_ascii=False)


def _evidence(folded: str, quotes: list[str], note: str | None, cache: dict[str, Any]) -> str:
    resolved = [_resolve(folded, q, cache) for q in dict.fromkeys(quotes)]
    if note:
        return _yaml({"quotes": resolved, "note": note})
    return _yaml(resolved[0] if len(resolved) == 1 else resolved)


VERBATIM = {"title", "publisher", "area_label", "text", "purpose"}


def render_mapping(source_id: str, text: str, source: Rec, records: list[Rec], comment: str) -> str:
    folded = " ".join(text.translate(_FOLD).split())
    cache: dict[str, Any] = {}
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    out = [f"# {comment}", "source:", f"  file: {source_id}.txt", f"  sha256: {sha}"]
    for name, value in source.values.items():
        out.append(f"  {name}: {_yaml(_resolve(folded, value, cache) if name in VERBATIM else value)}")
    if source.evidence:
        out.append("  evidence:")
        for name, (quotes, note) in source.evidence.items():
            out.append(f"    {name}: {_evidence(folded, quotes, note, cache)}")
    for table in ("inspections", "judgements", "recommendations", "funding_commitments"):
        rows = [r for r in records if r.table == table]
        if not rows:
            continue
        out.append("")
        out.append(f"{table}:")
        for rec in rows:
            first = True
            for name, value in rec.values.items():
                shown = _resolve(folded, value, cache) if name in VERBATIM else value
                out.append(f"  {'- ' if first else '  '}{name}: {_yaml(shown)}")
                first = False
            if rec.evidence:
                out.append("    evidence:")
                for name, (quotes, note) in rec.evidence.items():
                    out.append(f"      {name}: {_evidence(folded, quotes, note, cache)}")
    return "\n".join(out) + "\n"


class Generator:
    """Holds the shared state of one corpus: the inspection pool and the corpus-wide id counters."""

    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(f"ofsted-bench-{seed}")
        self.n = n
        self.councils = load_councils()
        self.pool = make_pool(self.rng, self.councils, max(40, n * 3 // 5))
        self.published = [i.published for i in self.pool]
        self.by_council: dict[str, list[Inspection]] = {}
        for insp in self.pool:
            self.by_council.setdefault(insp.council.name, []).append(insp)
        self.funding_ids: set[str] = set()
        self.counters = {"recommendations": 0}

    def _earlier(self, before: dt.date, exclude: set[str]) -> Inspection | None:
        """A random pool inspection published before `before` (for a round-up paragraph)."""
        limit = bisect.bisect_left(self.published, before)
        for _ in range(6):
            if limit == 0:
                return None
            cand = self.pool[self.rng.randrange(limit)]
            if cand.council.name not in exclude:
                return cand
        return None

    def article(self, index: int) -> tuple[str, str, str]:
        """(source_id, article text, mapping text) of article `index`."""
        rng = self.rng
        main = self.pool[index] if index < len(self.pool) else rng.choice(self.pool)
        source_id = f"{index:06d}_{rng.getrandbits(64):016x}"
        date = main.published + dt.timedelta(days=rng.choice((0, 0, 1, 2, 3, 6, 10)))
        style = rng.random()
        art = Article(rng, date)
        publisher = rng.choice(PUBLISHERS)
        source = _headline(art, main)
        _dateline(art, source, date, style)
        others, funding, recs = self._others(main, date)
        _main_inspection(art, main, recs, self.counters)
        filler = self._paragraphs(art, main, others)
        purposes = rng.sample(PURPOSES, 2)
        for _ in range(funding):
            _funding(art, main, purposes, self.funding_ids)
        _ending(art, main, source, publisher, filler)
        text = "\n\n".join(art.paragraphs) + "\n"
        size = len(text.encode("utf-8"))
        if not MIN_BYTES <= size <= MAX_BYTES:  # never expected: the templates are sized for the range
            raise AssertionError(f"article {index} is {size} bytes")
        comment = f"Synthetic article {index} (bench/generate_corpus.py): {main.inspection_id} and " \
                  f"{len(others)} other inspection(s)."
        return source_id, text, render_mapping(source_id, text, source, art.records, comment)

    def _others(self, main: Inspection, date: dt.date) -> tuple[list[Inspection], int, int]:
        """The other inspections the article mentions (history, round-up), how many funding commitments
        it reports, and how many recommendations: the main inspection's findings fill what the other
        facts leave of the article's number of records."""
        rng = self.rng
        target = rng.randint(MIN_RECORDS, MAX_RECORDS)
        history = [i for i in self.by_council[main.council.name] if i.published < main.visit_start]
        others: list[Inspection] = []
        if history:
            others.append(rng.choice(history[-3:]))
        exclude = {main.council.name}
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            extra = self._earlier(date, exclude)
            if extra and extra not in others:
                others.append(extra)
                exclude.add(extra.council.name)
        funding = rng.choice((0, 0, 1, 1, 2))
        fixed = 1 + len(main.judgements) + len(others) + funding
        recs = min(max(target - fixed, 1), main.recommendations_made)
        for _ in range(500):  # a visit with few actions: the article reports more of the round-up
            if fixed + recs >= MIN_RECORDS:
                break
            extra = self._earlier(date, exclude) or rng.choice(self.pool)
            if extra is main or extra in others:
                continue
            others.append(extra)
            exclude.add(extra.council.name)
            fixed += 1
        return others, funding, recs

    def _paragraphs(self, art: Article, main: Inspection, others: list[Inspection]) -> list[str]:
        """History and round-up paragraphs, some followed by filler; returns the filler left."""
        rng, c = self.rng, art.name(main.council)
        main_quote = art.records[0].evidence["local_authority"][0][0]
        filler = [f.format(c=c, p=f"{c}{art.apos}s", a=art.apos) for f in FILLER]
        rng.shuffle(filler)
        for insp in others:
            if insp.council.name == main.council.name:
                _history(art, insp, main_quote)
            else:
                _roundup(art, insp)
            if filler and rng.random() < 0.5:
                art.add(filler.pop())
        return filler


def _headline(art: Article, main: Inspection) -> Rec:
    """The headline, as the first paragraph and the source's title."""
    c = art.name(main.council)
    if main.grade:
        headline = art.rng.choice(HEADLINES_GRADED).format(c=c, g=art.grade(main.grade, lower=True))
    else:
        headline = art.rng.choice(HEADLINES_VISIT).format(c=c, k=KIND_WORDS[main.kind])
    art.add(headline)
    return Rec("sources", {"title": headline})


def _dateline(art: Article, source: Rec, date: dt.date, style: float) -> None:
    """The byline and dateline in one of the publishers' styles, or none (an undated press release)."""
    rng = art.rng
    if style < 0.4:
        art.dateline = f"{WEEKDAYS[date.weekday()]}, {MONTHS[date.month - 1]} {date.day}, {date.year}"
        art.add(f"{rng.choice(BYLINES)}\n{art.dateline}")
    elif style < 0.75:
        art.dateline = f"Published {_ordinal(date.day)} {_month(date)}"
        art.add(art.dateline)
    elif style < 0.9:
        art.dateline = _day(date)
        art.add(f"By {rng.choice(BYLINES)}, {art.dateline}")
    else:
        art.date = None  # an undated press release: no published_date
    if art.dateline:
        _set(source, "published_date", date.isoformat(), [art.dateline])


def _ending(art: Article, main: Inspection, source: Rec, publisher: str, filler: list[str]) -> None:
    """The council's response, filler up to the article's size, and the publisher's footer."""
    rng, c = art.rng, art.name(main.council)
    official = rng.choice(OFFICIALS)
    person = rng.choice(NAMES)
    response = f"{person}, {c}{art.apos}s {official}, said: \"We accept the findings of the report and " \
               "we are determined to make the improvements our children deserve.\""
    art.add(response)
    footer = rng.choice(FOOTERS).format(p=publisher)
    if publisher in footer:
        source.values["publisher"] = publisher
    target_bytes = rng.randint(MIN_BYTES + 300, MAX_BYTES - 400)
    footer_bytes = len(footer.encode("utf-8")) + 2
    while filler and art.byte_size() + footer_bytes < target_bytes:
        art.add(filler.pop())
    art.add(footer)


def generate(out_root: Path, n: int, seed: int = 0) -> None:
    """Write `out_root/raw/<id>.txt` and `out_root/mappings/<id>.yaml` for `n` articles, beside a copy of
    the project's reference data (register, judgement areas; no official extract): a project of its own."""
    raw, mappings = out_root / "raw", out_root / "mappings"
    for name in ("local_authorities.csv", "judgement_areas.csv"):
        (out_root / "reference").mkdir(parents=True, exist_ok=True)
        shutil.copy(REFERENCE / name, out_root / "reference" / name)
    raw.mkdir(parents=True, exist_ok=True)
    mappings.mkdir(parents=True, exist_ok=True)
    gen = Generator(n, seed)
    for index in range(n):
        source_id, text, mapping = gen.article(index)
        (raw / f"{source_id}.txt").write_bytes(text.encode("utf-8"))
        (mappings / f"{source_id}.yaml").write_bytes(mapping.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate(args.out_dir, args.n, args.seed)
    print(f"{args.n} article(s) written to {args.out_dir} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
