"""Which inspections a sentence mentions: the kind of visit, and whether it is a past one.

An article about this year's inspection usually recalls the last one too ("rated inadequate in
2010", "its previous inspection"); reading such a mention as the current inspection would merge two
inspections' grades. A mention is historical when words before it say so or its year is before the
article's.
"""

from __future__ import annotations

import re

from ofsted_dataset.curation.councils import owners
from ofsted_dataset.curation.dates import FUTURE, YEAR_AFTER
from ofsted_dataset.curation.inspections import Inspections, Mention
from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.curation.signals import Match
from ofsted_dataset.curation.themes import visit_theme

# A kind of visit, or words that report an inspection without saying which kind ("rated", "report").
_MENTION = re.compile(
    r"(?P<focused>focused\s+visit)|(?P<monitoring>monitoring\s+visit|continues?\s+to\s+make\s+(?:\w+\s+)?progress)"
    r"|(?P<jtai>joint\s+targeted\s+area\s+inspection|\bJTAI\b)|(?P<full>(?:full\s+)?inspection|\b(?:fully\s+)?inspected\b)"
    r"|(?P<weak>\brated\b|\brating\b|\breports?\b|\bjudged\b|\bgraded\b|\bjudgements?\b|\bverdict\b)",
    re.IGNORECASE,
)
_KINDS = {"focused": "focused_visit", "monitoring": "monitoring_visit", "jtai": "joint_targeted_area_inspection",
          "full": "full_inspection", "weak": "full_inspection"}
_HISTORY_BEFORE = re.compile(r"\b(?:previous|previously|last|earlier|since|prior|another|former|shaken\s+off|shed"
                             r"|no\s+longer|emerged\s+from|escaped)\b[^.;]{0,30}$",
                             re.IGNORECASE)
_SINCE_YEAR = re.compile(r"^[^.;]{0,20}?\bsince\s+\d{4}\b")
_FUTURE_AFTER = re.compile(r"^\s*(?:is|are)\s+(?:now\s+)?(?:expected|due|planned|scheduled|likely)\b", re.IGNORECASE)
_YEAR_BEFORE = re.compile(r"^(?:[^.;]{0,12}\b)?(?i:in|during|by)\s+(?:[A-Z][a-z]+\s+)?((?:19|20)\d\d),?\s+"
                          r"[^.;]{0,60}$")
_THAT = re.compile(r"\bthat\s+$", re.IGNORECASE)
_DEFINITE = re.compile(r"\b(?:the|this|that|its|Ofsted's|Ofsted’s|latest)\s+$", re.IGNORECASE)
# "Five years ago inspectors judged ...", "almost four years after its inadequate rating": an earlier one,
# of a year left to the curator (and to `Inspections.tidy`), "more than six years ago" being no year.
# "N years after" makes the mention after it the earlier one, not one before it ("rated good, three years after
# inspectors found them failing").
_YEARS_AGO = re.compile(r"\b(\w+)\s+years?\s+(?:ago|earlier|before)\b", re.IGNORECASE)
_YEARS_AFTER = re.compile(r"\b(\w+)\s+years?\s+after\b", re.IGNORECASE)
# "until a full re-inspection", "until they are re-inspected": one yet to come
_UNTIL = re.compile(r"\b(?:until|till|awaiting)\s+(?:(?:a|an|the|its|their|they\s+are|it\s+is)\s+)?"
                    r"(?:fully\s+|full\s+)?(?:re-?)?$", re.IGNORECASE)
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_ORDINAL = re.compile(rf"\b({'|'.join(_ORDINALS)})\s+$", re.IGNORECASE)
_CLAUSE_BEFORE = 60  # characters before a mention read for the future tense
_NEGATED = re.compile(r"\b(?:not|never)\b(?:\s+(?:been|be|part\s+of|included\s+in|covered\s+by|subject\s+to))?"
                      r"[^,]{0,25}$", re.IGNORECASE)


def _not_an_inspection(text: str, m: re.Match[str]) -> bool:
    """A mention that reports no inspection: plural and general ("Monitoring visits are not graded",
    "between full inspections"), yet to come ("Inspectors will return for a full inspection", "before its
    next inspection") or denied ("Redbridge was not inspected")."""
    if m.lastgroup != "weak" and text[m.end():m.end() + 1].lower() == "s":
        return True
    clause = re.split(r"[;:]", text[max(0, m.start() - _CLAUSE_BEFORE):m.start()])[-1]
    return bool(FUTURE.search(clause) or _NEGATED.search(clause) or _UNTIL.search(clause)
                or _FUTURE_AFTER.match(text[m.end():]))


def _historical(before: str, after: str, year: int | None, article_year: int | None) -> bool:
    if _HISTORY_BEFORE.search(before) or _SINCE_YEAR.match(after):
        return True
    return bool(year and article_year and year < article_year)


def ordinals(text: str) -> dict[str, int]:
    """Per kind of visit, the highest ordinal `text` numbers one by ("Ofsted's third monitoring visit")."""
    found: dict[str, int] = {}
    for m in _MENTION.finditer(text):
        ordinal = _ordinal(text[: m.start()])
        if ordinal and m.lastgroup not in (None, "weak"):
            kind = _KINDS[m.lastgroup]
            found[kind] = max(found.get(kind, 0), ordinal)
    return found


def _ordinal(before: str) -> int:
    """The number of the visit whose mention follows `before` ("the second monitoring visit": 2), else 0."""
    ordinal = _ORDINAL.search(before)
    return _ORDINALS.index(ordinal.group(1).lower()) + 1 if ordinal else 0


def reports_inspection(text: str) -> bool:
    """Whether a text mentions an inspection or a rating at all."""
    return any(not _not_an_inspection(text, m) for m in _MENTION.finditer(text))


def read_mentions(s: Sentence, named: list[Match], context: list[str], inspections: Inspections,
                  article_year: int | None) -> list[Mention]:
    """The inspections `s` mentions, created as the mentions say, each of the councils it is about: of
    those `named` in `s` (subjects, with offsets), the ones nearest before it, else the `context`. A weak
    mention after a named kind of visit in the same sentence ("the focused visit ... the report") is
    that visit, not a second inspection. In a sentence naming several councils, each naming is also a
    mention of that council's inspection there, so that "Leeds was rated good and Bradford inadequate"
    gives each its grade."""
    mentions: list[Mention] = []
    strong: Mention | None = None
    for m in _MENTION.finditer(s.text):
        if _not_an_inspection(s.text, m):
            continue
        kind_group = m.lastgroup or "weak"
        # "the inspection" is the one the article is about, whatever its kind; "a full inspection" is one
        weak = kind_group == "weak" or (kind_group == "full" and bool(_DEFINITE.search(s.text[:m.start()])))
        year_match = YEAR_AFTER.match(s.text[m.end():])
        # "In 2012, inspectors rated ...", "a turnaround: in 2020 the council's services had been judged ..."
        year_before = _YEAR_BEFORE.search(re.split(r"[;:]", s.text[: m.start()])[-1].lstrip())
        year = int(year_match.group(2)) if year_match else int(year_before.group(1)) if year_before else None
        clause = s.text[max(0, m.start() - _CLAUSE_BEFORE):m.start()]
        ordinal = _ordinal(s.text[: m.start()])
        historical = (_historical(s.text[: m.start()], s.text[m.end():], year, article_year)
                      or 0 < ordinal < inspections.ordinals.get(_KINDS[kind_group], 0)
                      or bool(_YEARS_AGO.search(clause + s.text[m.start():m.end() + _CLAUSE_BEFORE])
                              or _YEARS_AFTER.search(clause)))
        if weak and strong and not historical:
            mentions.append(Mention(strong.inspection, m.start()))
            continue
        if weak and _THAT.search(s.text[:m.start()]) and inspections.last and inspections.last.historical:
            mentions.append(Mention(inspections.last, m.start()))  # "At that inspection": the earlier one
            continue
        earlier = [x for x in mentions if x.inspection.historical and x.inspection.kind == _KINDS[kind_group]]
        if not historical and year is None and earlier:  # "rated inadequate in 2022, after a full inspection"
            mentions.append(Mention(earlier[-1].inspection, m.start()))
            continue
        for la in owners(m.start(), named, s.text) or context:
            inspection = inspections.mentioned(la, _KINDS[kind_group], historical, year, weak)
            inspection.type_quotes.append(s)
            if kind_group not in ("weak", "full") and inspection.theme is None:
                theme = visit_theme(s.text[m.end():])
                inspection.theme = (theme, s) if theme else None
            mention = Mention(inspection, m.start())
            mentions.append(mention)
            if not weak:
                strong = mention
    if len({c.value for c in named}) > 1 and mentions:
        mentions += _namings(s, named, mentions, inspections)
    return sorted(mentions, key=lambda m: m.start)


def _namings(s: Sentence, named: list[Match], mentions: list[Mention], inspections: Inspections) -> list[Mention]:
    """Each naming of a council, as a mention of its inspection that the sentence reports: the one it
    mentions for that council, else its current one (made if need be, of the kind first mentioned)."""
    kind = mentions[0].inspection.kind
    found = []
    for council in named:
        mentioned = [m.inspection for m in mentions if m.inspection.la == council.value]
        inspection = mentioned[0] if mentioned else inspections.mentioned(council.value, kind, False, None, True)
        if s not in inspection.type_quotes:
            inspection.type_quotes.append(s)
        found.append(Mention(inspection, council.start))
    return found
