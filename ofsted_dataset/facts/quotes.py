"""Find a curator's quote in an article and return the exact raw span.

Curators type quotes by hand, so matching forgives typography: straight and curly quotes, hyphens
and dashes, ordinary and no-break spaces, and runs of whitespace (including line breaks) are each
treated as one class. The match is then recorded as the raw substring itself with code-point
offsets, so `text[start:end] == quote` holds for what is published. A quote starts and ends on whole
words ("adoption team" is not found inside "adoption teams").

How, fast: each article is indexed once — every character of a class translated to its class's
representative (a one-for-one `str.translate`, so offsets do not move) and every run of whitespace
collapsed to one space, remembering where runs were — and a quote, normalised the same way, is then
found with `str.find`; positions map back to the raw text through the remembered runs. No regular
expression is compiled per quote (there are tens of thousands).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from ofsted_dataset.text import CANONICAL_TABLE

_RUNS = re.compile(" {2,}")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


class QuoteNotFound(Exception):
    """The quote is not in the article, or is in it several times and no occurrence was chosen."""


def normalise(quote: str) -> str:
    """A quote as the index sees it: class representatives, single spaces, no outer whitespace."""
    return " ".join(quote.translate(CANONICAL_TABLE).split())


@dataclass(frozen=True)
class _Index:
    """An article with typography normalised, and how to map its positions back to the raw text."""

    text: str
    normalised: str
    runs: list[int]  # normalised position of each collapsed whitespace run
    removed: list[int]  # characters removed by that run and all runs before it

    def raw(self, position: int) -> int:
        k = bisect_left(self.runs, position)
        return position + (self.removed[k - 1] if k else 0)


@lru_cache(maxsize=64)
def _index(text: str) -> _Index:
    translated = text.translate(CANONICAL_TABLE)
    runs: list[int] = []
    removed: list[int] = []
    total = 0
    for match in _RUNS.finditer(translated):
        runs.append(match.start() - total)
        total += match.end() - match.start() - 1
        removed.append(total)
    return _Index(text, _RUNS.sub(" ", translated), runs, removed)


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def find_all(text: str, quote: str) -> list[Span]:
    """Every non-overlapping place the quote stands in the text, as raw spans."""
    needle = normalise(quote)
    if not needle:
        return []
    index = _index(text)
    head, tail = _word(needle[0]), _word(needle[-1])
    spans: list[Span] = []
    at = index.normalised.find(needle)
    while at != -1:
        start, end = index.raw(at), index.raw(at + len(needle) - 1) + 1
        if (not head or start == 0 or not _word(text[start - 1])) and (
                not tail or end == len(text) or not _word(text[end])):
            spans.append(Span(start, end, text[start:end]))
            at = index.normalised.find(needle, at + len(needle))
        else:
            at = index.normalised.find(needle, at + 1)
    return spans


def find_quote(text: str, quote: str, occurrence: int | None = None) -> Span:
    """Locate `quote` in `text`; `occurrence` (1-based) picks one of several matches."""
    if not quote.strip():
        raise QuoteNotFound("the quote is empty")
    matches = find_all(text, quote)
    if not matches:
        raise QuoteNotFound("not found in the article")
    if occurrence is None:
        if len(matches) > 1:
            raise QuoteNotFound(
                f"found {len(matches)} times (at characters {', '.join(str(m.start) for m in matches)}); "
                "add `occurrence: N` to say which"
            )
        return matches[0]
    if not 1 <= occurrence <= len(matches):
        raise QuoteNotFound(f"occurrence {occurrence} asked for, but the quote is found {len(matches)} time(s)")
    return matches[occurrence - 1]
