"""Recommendations a sentence reports: how many there were, and what they were.

News reports a report's recommendations (areas for improvement, priority actions) in a few shapes:
a count ("makes 11 recommendations", "sets out nine areas that need to improve"); the items quoted
("the council must urgently \"ensure that ...\""); the items listed after the words that introduce
them ("The council should improve the consistency of ..., the quality of ... and the timeliness of
..."); or one item a line under a heading ("Areas for improvement:"). Each item keeps its exact place
in the article. A priority action, or anything the council must do urgently or immediately, is
urgent. A theme is guessed from keywords so the curator corrects a value rather than picks one from
the whole vocabulary.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ofsted_dataset.curation.inspections import Inspections, Mention, Recommendation
from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.curation.signals import Match, number
from ofsted_dataset.text import DOUBLE_QUOTES, SINGLE_QUOTES

# What a count counts: recommendations and areas for improvement (priority actions are some of them, so a
# count of those alone is not the report's count).
_WHAT = (r"(?:(?:new|further|key|main|specific|formal)\s+)?(?:recommendations?"
         r"|areas?\s+(?:for|of)\s+(?:further\s+)?(?:improvement|development)|areas?\s+(?:that|which|where)\s+"
         r"(?:need|needs|needed|require|required|must)|areas?\s+to\s+improve|areas?\s+of\s+practice\s+(?:that|which|to)"
         r"|improvement\s+actions?|things?\s+(?:to|that)\s+(?:improve|need))")
_COUNT = re.compile(rf"(?<![\w£.,])(\d+|[a-z]+(?:-[a-z]+)?)\s+{_WHAT}", re.IGNORECASE)
# A sentence that reports what must improve: the words that introduce its items.
_CONTEXT = re.compile(
    r"\brecommend\w*|\bareas?\s+(?:for|of)\s+(?:further\s+)?(?:improvement|development)|\bpriorit(?:y|ies)\b"
    r"|\b(?:must|should|needs?\s+to|has\s+to|have\s+to|was\s+told\s+to|were\s+told\s+to|wants?\s+the\s+\w+\s+to"
    r"|wanted\s+the\s+\w+\s+to|called\s+on\s+[\w\s]{0,30}?\s+to|ask(?:s|ed)?\s+(?:[\w\s]{0,30}?\s+)?to|told\s+to|urged\s+to"
    r"|required\s+to)\b|\b(?:they|these|which|others?|other\s+areas|areas)\s+(?:include|includes|included)\b"
    r"|\bareas?\s+(?:that|which|where)\s+(?:need|needs|needed|require|could|should)", re.IGNORECASE)
_URGENT = re.compile(r"\burgent\w*|\bimmediate\w*|\bpriority\s+actions?|\bwithout\s+delay\b", re.IGNORECASE)
_NOUN = (r"(?:recommendations|priorities|areas?\s+(?:for|of)\s+(?:further\s+)?(?:improvement|development)(?:\s+work)?"
         r"|priority\s+actions?|areas?\s+(?:that|which)\s+(?:need|needs|needed|require|required)\s+(?:to\s+)?"
         r"(?:improve|improving|improvement|attention)|areas?\s+where\s+[\w\s]{0,30}?(?:could|should|must|needs?\s+to)\s+"
         r"(?:do\s+better|improve))")
_VERB = r"(?:improve|strengthen|address|ensure|make\s+sure|review|increase|reduce|tackle|develop)"


_SPLIT = re.compile(r";\s*(?:and\s+)?|,\s*(?:and\s+)?(?=(?:the|its|how|improve|ensure|strengthen|reduce|increase)\b)"
                    r"|\s+and\s+(?=(?:the|its|how|improve|ensure|strengthen|reduce|increase)\b)", re.IGNORECASE)
_EVERY_COMMA = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


class _Rule(NamedTuple):
    pattern: re.Pattern[str]  # its `items` group holds one or more recommendations
    split: re.Pattern[str] | None  # between the items of a list; None: the items are one recommendation


# Each rule is one way news introduces what must improve; the first that matches a sentence is read.
_RULES = (
    # "key priorities for further improvement work, including A; B; and C", "Its recommendations include: A"
    _Rule(re.compile(rf"\b{_NOUN}(?:(?:(?!\bsa(?:ys|id)\b)[^.;:]){{0,60}}?(?:\binclud\w*|\bsuch\s+as|\bamong\s+them|:)|\s+(?:are|were))\s*:?\s+"
                     r"(?P<items>.+?)\.?$", re.IGNORECASE), _SPLIT),
    # "said that A, B and C were all areas that could be improved"
    _Rule(re.compile(r"(?:\b(?:adding|saying|noting|found|said)\s+that\s+|\bincluding\s+|:\s+)(?P<items>[^:]+?)\s+"
                     r"(?:were|are)\s+(?:all\s+)?areas\s+(?:that|which)\s+(?:could|should|need\s+to|must)\s+be\s+improved",
                     re.IGNORECASE), _EVERY_COMMA),
    # "called on the council to urgently address A", "warned that leaders must B", "recommended that C"
    _Rule(re.compile(r"\bcalled\s+on\s+[\w\s]{0,30}?\s+to\s+(?P<items>.+?)\.?$", re.IGNORECASE), None),
    _Rule(re.compile(r"\bwarned\s+that\s+(?P<items>[^.]+?\bmust\b.+?)\.?$", re.IGNORECASE), None),
    _Rule(re.compile(r"\brecommended\s+that\s+(?P<items>.+?)\.?$", re.IGNORECASE), None),
    # "The council should improve A, B and C", "must urgently review D"
    _Rule(re.compile(rf"\b(?:should|must|(?<!the\s)needs?\s+to|has\s+to|was\s+told\s+to|wants?\s+the\s+\w+\s+to)\s+"
                     rf"(?:(?:urgently|also|now|further|continue\s+to)\s+)*(?P<items>{_VERB}\b.+?)\.?$", re.IGNORECASE),
          _SPLIT),
)
_QUOTED = re.compile(rf"[{re.escape(DOUBLE_QUOTES)}](?P<q>[^{re.escape(DOUBLE_QUOTES)}]{{12,400}})"
                     rf"[{re.escape(DOUBLE_QUOTES)}]")
# A line that introduces a list of what must improve, one item a line after it.
_HEADING = re.compile(r"(?:recommend|improv|priorit|areas?\b|must|should|need|action)[^:]*:\s*$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-•*–]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
# A quoted description, not a recommendation: it starts with an adverb ("carefully considered and ...").
_DESCRIPTION = re.compile(r"(?:\w+ly|too|very|not|so|still|well|largely|mostly)\b", re.IGNORECASE)
_MIN_QUOTED_WORDS = 4  # fewer quoted words are a phrase ("stretched"), not a recommendation
_ITEM_EDGES = " ,;.:" + SINGLE_QUOTES + DOUBLE_QUOTES
# Someone speaking: "said: \"...", "she added, \"...".
_QUOTE_BEFORE_SPEECH = re.compile(r"\b(?:said|says|added|adds|told\s+\w+|stated|commented)\s*[:,]?\s*$",
                                  re.IGNORECASE)
_JOINING = re.compile(r"^\s*(?:,|and|or|as\s+well\s+as)\s*(?:[\w'’-]+\s+){0,4}$", re.IGNORECASE)

def read_count(s: Sentence, mentions: list[Mention], la: str | None, inspections: Inspections) -> None:
    """'made six recommendations', 'sets out nine areas that need to improve': the first count read for
    an inspection is its count."""
    for m in _COUNT.finditer(s.text):
        count = number(m.group(1))
        if not count:
            continue
        for inspection in inspections.nearest(mentions, m.start(), la):
            if inspection.count is None:
                inspection.count = (count, s)


def _item(s: Sentence, start: int, end: int, min_words: int = 1) -> Match | None:
    """The words s.text[start:end] trimmed of punctuation and quote marks, placed in the article, if long
    enough to be a recommendation."""
    chunk = s.text[start:end]
    item = chunk.strip(_ITEM_EDGES)
    if len(item.split()) < min_words or not re.search("[A-Za-z]{2}", item):
        return None
    begin = s.start + start + chunk.index(item)
    return Match(begin, begin + len(item), item, "")


def _quoted_items(s: Sentence) -> list[Match]:
    """Quoted words that the narration, just before them, introduces as what must improve ("the council
    must urgently \"ensure ...\"", and a second quote joined to the first); a quote that is someone
    speaking is not one."""
    items: list[Match] = []
    previous_end = None
    for m in _QUOTED.finditer(s.text):
        lead = s.text[max(0, m.start() - 60):m.start()]
        joined = previous_end is not None and _JOINING.match(s.text[previous_end:m.start()])
        if not joined and (_QUOTE_BEFORE_SPEECH.search(lead) or not _CONTEXT.search(lead)):
            previous_end = None
            continue
        item = _item(s, m.start("q"), m.end("q"), _MIN_QUOTED_WORDS)
        if item and not _DESCRIPTION.match(item.text):
            items.append(item)
        previous_end = m.end()
    return items


def _outside_quotes(text: str, at: int) -> bool:
    return sum(text[:at].count(mark) for mark in DOUBLE_QUOTES) % 2 == 0


def _listed_items(s: Sentence) -> list[Match]:
    """The items of the first rule that matches, split where the next item starts when they are a list."""
    for rule in _RULES:
        m = rule.pattern.search(s.text)
        if m is None or not _outside_quotes(s.text, m.start()):
            continue
        parts = rule.split.split(m.group("items")) if rule.split else [m.group("items")]
        start, items = m.start("items"), []
        for part in parts:
            at = s.text.index(part, start)
            start = at + len(part)
            item = _item(s, at, at + len(part))
            if item:
                items.append(item)
        return items
    return []


def read_recommendations(s: Sentence, mentions: list[Mention], la: str | None, inspections: Inspections,
                         heading: Sentence | None, quoted: bool) -> None:
    """The recommendations `s` reports, each one of the inspections it is about; `heading` is the line
    before `s` when it introduces a list ("Areas for improvement:"), for a list item on a line of its own;
    `quoted` when `s` is inside someone's words (a quotation that began in an earlier sentence)."""
    if heading is not None and _HEADING.search(heading.text):
        bullet = _BULLET.match(s.text)
        item = _item(s, bullet.end() if bullet else 0, len(s.text), 2)
        items, urgent = ([item] if item else []), bool(_URGENT.search(heading.text))
    elif _CONTEXT.search(s.text) and not quoted and not _HEADING.search(s.text):
        items = _quoted_items(s) or _listed_items(s)
        urgent = bool(_URGENT.search(s.text))
    else:
        return
    if not items:
        return
    for inspection in inspections.nearest(mentions, items[0].start - s.start, la):
        for item in items:
            if all(r.text.start != item.start for r in inspection.recommendations):
                inspection.recommendations.append(Recommendation(item, urgent, s))


def is_heading(s: Sentence) -> bool:
    """A line that introduces a list of recommendations on the lines after it."""
    return bool(_HEADING.search(s.text))


def is_bullet(s: Sentence) -> bool:
    """A line marked as an item of a list ("- ...", "(a) ...", "2. ...")."""
    return bool(_BULLET.match(s.text))
