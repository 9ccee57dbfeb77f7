"""Find a curator's quote in an article and return the exact raw span.

Curators type quotes by hand, so matching forgives typography: straight and curly quotes, hyphens
and dashes, ordinary and no-break spaces, and runs of whitespace (including line breaks) are each
treated as one class. The match is then recorded as the raw substring itself with code-point
offsets, so `text[start:end] == quote` holds for what is published.

The quote is compiled to a regular expression that runs on the raw text directly: no normalised
copy of the article and no offset map are needed, and the work is done in C by `re`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_SINGLE_QUOTES = "'‘’‚‛′`´"
_DOUBLE_QUOTES = "\"“”„‟″«»"
_DASHES = "-‐‑‒–—―−"

_CLASSES: dict[str, str] = {}
for _group in (_SINGLE_QUOTES, _DOUBLE_QUOTES, _DASHES):
    _cls = "[" + "".join(re.escape(c) for c in _group) + "]"
    for _c in _group:
        _CLASSES[_c] = _cls
# Python's \s is the set str.split() splits on: every Unicode space, no-break space and line break.
_WHITESPACE = r"\s+"

# The same equivalences as a translation table, for comparing short strings (grades, labels).
_FOLD = str.maketrans(
    {**{c: "'" for c in _SINGLE_QUOTES}, **{c: '"' for c in _DOUBLE_QUOTES}, **{c: "-" for c in _DASHES}}
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


class QuoteNotFound(Exception):
    """The quote is not in the article, or is in it several times and no occurrence was chosen."""


def fold(text: str) -> str:
    """Typographic folding used wherever two human-typed strings are compared."""
    return " ".join(text.translate(_FOLD).split())


@lru_cache(maxsize=4096)
def _pattern(quote: str) -> re.Pattern[str]:
    parts = ["".join(_CLASSES.get(c, re.escape(c)) for c in word) for word in quote.split()]
    # A quote is whole words: "adoption team" must not match inside "adoption teams".
    head = r"(?<!\w)" if quote[0].isalnum() else ""
    tail = r"(?!\w)" if quote[-1].isalnum() else ""
    return re.compile(head + _WHITESPACE.join(parts) + tail)


def find_quote(text: str, quote: str, occurrence: int | None = None) -> Span:
    """Locate `quote` in `text`; `occurrence` (1-based) picks one of several matches."""
    if not quote.strip():
        raise QuoteNotFound("the quote is empty")
    matches = list(_pattern(quote.strip()).finditer(text))
    if not matches:
        raise QuoteNotFound("not found in the article")
    if occurrence is None:
        if len(matches) > 1:
            raise QuoteNotFound(
                f"found {len(matches)} times (at characters {', '.join(str(m.start()) for m in matches)}); "
                "add `occurrence: N` to say which"
            )
        match = matches[0]
    else:
        if not 1 <= occurrence <= len(matches):
            raise QuoteNotFound(f"occurrence {occurrence} asked for, but the quote is found {len(matches)} time(s)")
        match = matches[occurrence - 1]
    return Span(match.start(), match.end(), match.group(0))
