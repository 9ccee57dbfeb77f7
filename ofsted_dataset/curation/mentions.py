"""Which inspections a sentence mentions: the kind of visit, and whether it is a past one.

An article about this year's inspection usually recalls the last one too ("rated inadequate in
2010", "its previous inspection"); reading such a mention as the current inspection would merge two
inspections' grades. A mention is historical when words before it say so or its year is before the
article's.
"""

from __future__ import annotations

import re

from ofsted_dataset.curation.dates import YEAR_AFTER, Dateline, date_inspection
from ofsted_dataset.curation.inspections import Inspections, Mention
from ofsted_dataset.curation.sentences import Sentence

# A kind of visit, or words that report an inspection without saying which kind ("rated", "report").
_MENTION = re.compile(
    r"(?P<focused>focused\s+visit)|(?P<monitoring>monitoring\s+visit|continues?\s+to\s+make\s+(?:\w+\s+)?progress)"
    r"|(?P<jtai>joint\s+targeted\s+area\s+inspection|\bJTAI\b)|(?P<full>(?:full\s+)?inspection)"
    r"|(?P<weak>\brated\b|\brating\b|\breports?\b)",
    re.IGNORECASE,
)
_KINDS = {"focused": "focused_visit", "monitoring": "monitoring_visit", "jtai": "joint_targeted_area_inspection",
          "full": "full_inspection", "weak": "full_inspection"}
_HISTORY_BEFORE = re.compile(r"\b(?:previous|previously|last|earlier|since|prior|another|former)\b[^.;]{0,30}$",
                             re.IGNORECASE)
_SINCE_YEAR = re.compile(r"^[^.;]{0,20}?\bsince\s+\d{4}\b")


def _historical(before: str, after: str, year: int | None, article_year: int | None) -> bool:
    if _HISTORY_BEFORE.search(before) or _SINCE_YEAR.match(after):
        return True
    return bool(year and article_year and year < article_year)


def read_mentions(s: Sentence, las: list[str], inspections: Inspections, article_year: int | None,
                  dateline: Dateline | None) -> list[Mention]:
    """The inspections of councils `las` that `s` mentions, created or dated as the mentions say. A weak
    mention after a named kind of visit in the same sentence ("the focused visit ... the report") is
    that visit, not a second inspection."""
    mentions: list[Mention] = []
    strong: Mention | None = None
    for m in _MENTION.finditer(s.text):
        kind_group = m.lastgroup or "weak"
        weak = kind_group == "weak"
        year_match = YEAR_AFTER.match(s.text[m.end():])
        year = int(year_match.group(2)) if year_match else None
        historical = _historical(s.text[: m.start()], s.text[m.end():], year, article_year)
        if weak and strong and not historical:
            mentions.append(Mention(strong.inspection, m.start()))
            continue
        for la in las:
            inspection = inspections.mentioned(la, _KINDS[kind_group], historical, year, weak)
            inspection.type_quotes.append(s)
            mention = Mention(inspection, m.start())
            mentions.append(mention)
            if not weak:
                strong = mention
            date_inspection(inspection, s, m, year_match, dateline)
    return mentions
