"""Which of the councils a sentence names it reports on, and which council each phrase is about.

Articles name councils that were not inspected: a neighbour that lends staff ("Leeds City Council has
agreed to lend two senior managers to Kirklees"), an improvement partner, a commissioner's or a
director's other council, a comparison. A council named in such a role is a helper, not a subject: its
sentence says nothing of its inspections, and it does not become the council later sentences are about.
A place used as an epithet ("the Wiltshire authority", of Swindon) is no naming at all.
In a sentence that names several councils, a phrase is about the council named nearest before it
(with those joined to it by "and" or commas: "Leeds and Bradford were both rated good"), else the first
named after it.
"""

from __future__ import annotations

import re

from ofsted_dataset.curation.signals import Match

# Words before a naming that make the council a helper: a strong role may stand a few words away ("who also
# chairs a safeguarding board in North Yorkshire"), a preposition only right before it ("managers from Leeds").
_HELPER_BEFORE = re.compile(
    r"(?:\b(?:commissioner|former|formerly|previously|seconded|lend\w*|lent|loan\w*|mentor\w*|chairs?|chaired|also\s+runs"
    r"|partners?|partnered|partnership|neighbouring|neighbours?|works?\s+(?:at|in|for)|worked\s+(?:at|in|for)"
    r"|director\s+of\s+children's\s+services\s+(?:at|in))\s+(?:[\w'’,-]+\s+){0,5}"
    r"|\b(?:from|than|like|unlike|alongside|help\s+from|support\s+from|advice\s+from|shares?|shared|joins?|joined"
    r"|as\s+well\s+as|compared\s+with|comparison\s+with|with)\s+(?:(?:the|its|a|an|of|in|at|to|and|by|nearby)\s+)*)$",
    re.IGNORECASE)
_HELPER_AFTER = re.compile(
    r"^(?:'s|’s)?\s*(?:(?:City|County|Borough|Metropolitan|District)\s+)*(?:Council\s+)?(?:has\s+|had\s+|have\s+|is\s+|was\s+)?"
    r"(?:also\s+)?(?:agreed\s+to\s+|been\s+asked\s+to\s+|asked\s+to\s+)?(?:to\s+)?(?:lent|lend\w*|loan\w*|seconded|sent"
    r"|mentor\w*|supported|supporting|act\s+as|acted\s+as|acting\s+as|director|chief\s+executive|improvement\s+partner"
    r"|partner|commissioner|which\s+lent|which\s+has\s+lent|shares?\b|will\s+support|provid\w+\s+(?:staff|support|advice)"
    r"|,?\s*whose\s+[\w\s]{0,40}?(?:worked|helped|supported|lent|advised|mentored))",
    re.IGNORECASE)
# ... unless the sentence rates it: "neighbouring South Gloucestershire Council was rated inadequate".
_RATED_AFTER = re.compile(r"^[^.;]{0,60}?\b(?:was|were|has\s+been|have\s+been|is|are|had\s+been)\s+(?:\w+\s+)?"
                          r"(?:rated|judged|graded|inspected|visited|found\s+to\s+be)\b", re.IGNORECASE)
# "the Wiltshire authority" (of Swindon), "the West Yorkshire authority": a place as an epithet, not a naming.
_EPITHET_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_EPITHET_AFTER = re.compile(r"^\s+(?:authority|local\s+authority|unitary)\b")
_JOINED = re.compile(r"^\s*(?:,|and|&|,\s*and|or)\s*$", re.IGNORECASE)


def subjects(text: str, named: list[Match]) -> list[Match]:
    """The councils `text` names as what it reports on: every naming that is not in a helper's role."""
    return [m for m in named if not (_EPITHET_BEFORE.search(text[: m.start]) and _EPITHET_AFTER.match(text[m.end:]))
            and (_RATED_AFTER.match(text[m.end:])
                 or not (_HELPER_BEFORE.search(text[: m.start]) or _HELPER_AFTER.match(text[m.end:])))]


def owners(at: int, named: list[Match], text: str) -> list[str]:
    """The councils a phrase at offset `at` of `text` is about, of those `named` (in order of place)."""
    before = [i for i, m in enumerate(named) if m.end <= at]
    if before:
        first = last = before[-1]
        while first > 0 and _JOINED.match(text[named[first - 1].end:named[first].start]):
            first -= 1
        return list(dict.fromkeys(m.value for m in named[first:last + 1]))
    if not named:
        return []
    last = 0
    while last + 1 < len(named) and _JOINED.match(text[named[last].end:named[last + 1].start]):
        last += 1
    return list(dict.fromkeys(m.value for m in named[: last + 1]))
