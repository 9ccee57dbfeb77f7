"""What a recommendation or a visit is about: a theme of the vocabulary, guessed from keywords.

The drafter guesses so that the curator corrects a value rather than picks one from the whole
vocabulary; the guess is the first theme, in a fixed order (specific themes before broad ones), whose
keywords the words contain. A visit's theme is read from the words that follow its mention ("a focused
visit ... looked at the council's front door").
"""

from __future__ import annotations

import re

# The first theme whose keywords an item contains, in this order (specific themes before broad ones).
_THEMES: tuple[tuple[str, str], ...] = (
    ("front_door", r"front\s+door|referral|threshold|contact"),
    ("assessment_and_risk", r"risk|assessment"),
    ("elective_home_education", r"educated\s+at\s+home|home\s+education"),
    ("care_leavers", r"care\s+leaver|pathway\s+plan|leaving\s+care"),
    ("children_in_need", r"children\s+in\s+need"),
    ("record_keeping", r"record"),
    ("information_sharing", r"information\s+sharing|share\s+information|information\s+about"),
    ("voice_of_the_child", r"voice|views"),
    ("exploitation", r"exploitation|missing"),
    ("disabled_children", r"disab"),
    ("domestic_abuse", r"domestic\s+abuse"),
    ("child_protection", r"child[\s-]+protection|strategy\s+(?:meeting|discussion)"),
    ("quality_assurance", r"quality\s+assurance|audit|oversight|supervision"),
    ("workforce", r"recruit|retention|caseload|training|workforce|cases\s+held"),
    ("children_in_care", r"in\s+care|looked[\s-]+after|permanence|placement|foster"),
    ("leadership_and_management", r"leader|management|governance"),
)
# A visit's area of practice, in the words news uses after "focused visit" or "monitoring visit".
_VISIT_THEMES: tuple[tuple[str, str], ...] = (
    ("edge_of_care", r"edge[\s-]+of[\s-]+care"),
    ("early_help", r"early\s+help"),
    ("domestic_abuse", r"domestic\s+abuse"),
    ("neglect", r"\bneglect"),
    ("mental_health", r"mental\s+health"),
    ("front_door", r"front\s+door|\bcontacts?\b|referrals?|\bMASH\b|multi-agency\s+safeguarding\s+hub"
                   r"|first\s+reported"),
    ("care_leavers", r"care\s+leavers|leaving\s+care|young\s+people\s+leaving"),
    ("disabled_children", r"disab"),
    ("exploitation", r"exploit|missing|county\s+lines"),
    ("children_in_need", r"children\s+in\s+need"),
    ("child_protection", r"child\s+protection|protection\s+plans?|at\s+risk\s+of\s+(?:significant\s+)?harm"),
    ("children_in_care", r"children\s+in\s+care|looked[\s-]+after|children\s+looked\s+after|permanence"),
    ("elective_home_education", r"home\s+education|educated\s+at\s+home"),
)
_VISIT_REACH = 160  # characters after the mention where its subject is named


# "The visit looked at ...", "Inspectors examined ...": what a visit looked at, in a sentence of its own.
_LOOKED_AT = re.compile(r"\b(?:visit|letter|inspectors?)\b[^.;]{0,60}?\b(?:looked\s+at|focused\s+on|examined|considered"
                        r"|reviewed|evaluated|explored|concentrated\s+on)\b", re.IGNORECASE)


def looked_at(text: str) -> str | None:
    """The theme a sentence says a visit looked at, if it says one."""
    m = _LOOKED_AT.search(text)
    return visit_theme(text[m.end():]) if m else None


def theme_of(text: str) -> str:
    return next((theme for theme, keywords in _THEMES if re.search(keywords, text, re.IGNORECASE)), "other")


def visit_theme(after: str) -> str | None:
    """The theme named first in the words after a visit's mention, if any."""
    window = after[:_VISIT_REACH]
    found = [(m.start(), theme) for theme, keywords in _VISIT_THEMES
             for m in [re.search(keywords, window, re.IGNORECASE)] if m]
    return min(found)[1] if found else None
