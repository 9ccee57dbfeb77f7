"""Find a curator's quote in an article and return the exact raw span.

Curators type quotes by hand, so matching forgives typography: straight and curly quotes, hyphens
and dashes, ordinary and no-break spaces, and runs of whitespace (including line breaks) are each
treated as one class. The match is then recorded as the raw substring itself with code-point
offsets, so `text[start:end] == quote` holds for what is published. A quote starts and ends on whole
words ("adoption team" is not found inside "adoption teams").

How, fast: each article is indexed once — every character of a class translated to its class's
representative (one for one, `text.canonical`, so offsets do not move) and every run of whitespace
collapsed to one space, remembering where runs were — and a quote, normalised the same way, is then
found with `str.find`; positions map back to the raw text through the remembered runs. No regular
expression is compiled per quote (there are tens of thousands).

A quote that is not there is explained by the passage closest to it (`closest`), so a curator sees
the typo rather than searching for it. Comparing the quote with every place in the article is
quadratic, so the passage is found from anchors instead: pieces of the quote (its words, or for a long
quote a few dozen runs of words spread over it) are looked up in the normalised article, each place a
piece is found votes for where the quote would start there, and the few bands of start positions with
the most votes are the candidate passages. In each, the pieces found there in order are taken as
matching, and the text between them is compared only at its two ends (up to the first and from the
last difference); the sum is how much of the quote the passage matches, and the candidate matching
most is the closest passage. The work is capped whatever the sizes: at most `_PIECES` look-ups of at
most `_HITS` places each, `_CANDIDATES` candidates, and string comparisons that stop at the first
difference.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ofsted_dataset.text import canonical, shown

_RUNS = re.compile(" {2,}")
_PIECES = 64  # pieces of a quote looked up in the article, at most
_HITS = 50  # a piece found in more places than this is too common to say where the quote is
_RUN = 3  # words in a piece, at most, once a quote has more words than _PIECES
_DRIFT = 24  # how far (in characters) a passage's anchors may shift beyond the quote's own gaps
_CANDIDATES = 4  # places tried, the likeliest first
_WORD = 100  # a passage is widened to whole words, but by no more than this (an article may hold a blob)
_CLOSE = 0.5  # the share of the quote a passage must match to be shown as close


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


class QuoteNotFound(Exception):
    """The quote is not in the article, or is in it several times and no occurrence was chosen."""


class QuoteAbsent(QuoteNotFound):
    """The quote is nowhere in the article: `quote_problem` then says what comes closest."""


@dataclass(frozen=True)
class Near:
    """The passage of an article closest to a quote that is not in it, and where the two first part."""

    start: int  # raw code-point offsets of the passage
    end: int
    line: int  # 1-based line of the article the passage starts on
    text: str  # the raw passage
    differs: int  # raw offset in the article of the first difference
    differs_line: int  # and the line it is on
    article_words: str  # the article's words there (raw), from the word before
    quote_words: str  # the quote's words there (raw), from the word before
    share: float  # of the quote's characters, how many the passage matches


def normalise(quote: str) -> str:
    """A quote as the index sees it: class representatives, single spaces, no outer whitespace."""
    return " ".join(canonical(quote).split())


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
    return _build_index(text)


def _build_index(text: str) -> _Index:
    translated = canonical(text)
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


# Mappings cite the same sentence for several facts: in the seeds a third of the look-ups repeat one made for
# the same article, in the benchmark's corpus over half. Keyed by the text itself (its hash is computed once per
# string); the texts it holds are those of the last few articles.
_FOUND_KEPT = 4096


@lru_cache(maxsize=_FOUND_KEPT)
def find_quote(text: str, quote: str, occurrence: int | None = None) -> Span:
    """Locate `quote` in `text`; `occurrence` (1-based) picks one of several matches."""
    if not quote.strip():
        raise QuoteNotFound("the quote is empty")
    matches = find_all(text, quote)
    if not matches:
        raise QuoteAbsent("not found in the article")
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


def quote_problem(text: str, quote: str, file: str, error: QuoteNotFound) -> str:
    """What a curator is told about a quote `find_quote` refused in the article `file`. Only for a quote
    that is absent is the closest passage sought (lint and the drafter, which expect many misses, call
    `find_quote` alone and never pay for it)."""
    if not isinstance(error, QuoteAbsent):
        return f"quote {shown(quote)} {error} ({file})"
    head = f"quote {shown(quote)} not found in {file}"
    near = closest(text, quote)
    if near is None:
        return f"{head}, and nothing in the article comes close"
    return (f"{head}; the closest passage is at line {near.line}, characters {near.start}–{near.end}: "
            f"{shown(near.text)}; they first differ at line {near.differs_line}, character {near.differs}, "
            f"where the article has {shown(near.article_words)} and the quote {shown(near.quote_words)}")


def closest(text: str, quote: str) -> Near | None:
    """The passage of `text` closest to `quote` (compared as the matcher compares: typography forgiven,
    letters and their case not), or None when no passage matches at least half of the quote."""
    needle = normalise(quote)
    index = _index(text)
    haystack = index.normalised
    best = None
    for anchors in _candidates(haystack, needle):
        if not anchors:
            continue
        start, end = _passage(haystack, needle, anchors)
        matched, first = _compare(needle, haystack, start, end, anchors)
        if first is not None and matched >= _CLOSE * len(needle) and (best is None or matched > best[0]):
            best = matched, start, end, first
    if best is None:
        return None
    matched, start, end, first = best
    raw_start, raw_end = index.raw(start), index.raw(end - 1) + 1
    p_from, p_to = _words_around(haystack, first[1], start, end)
    q_from, q_to = _words_around(needle, first[0], 0, len(needle))
    differs = index.raw(first[1])
    line = text.count("\n", 0, raw_start) + 1
    return Near(raw_start, raw_end, line, text[raw_start:raw_end], differs,
                line + text.count("\n", raw_start, differs), _raw_slice(index, p_from, p_to),
                _raw_slice(_build_index(quote.strip()), q_from, q_to), matched / len(needle))


def _raw_slice(index: _Index, start: int, end: int) -> str:
    return index.text[index.raw(start):index.raw(end - 1) + 1] if end > start else ""


def _pieces(needle: str) -> list[tuple[int, int]]:
    """Where to look a quote up: each word of a short quote; for a long one, runs of a few words spread
    evenly over it, so the look-ups are capped however long it is. Pieces do not overlap."""
    words = needle.count(" ") + 1
    if words <= _PIECES:
        starts, size = [0, *(m.end() for m in re.finditer(" ", needle))], 1
    else:
        starts = [0, *(needle.find(" ", len(needle) * k // _PIECES) + 1 for k in range(1, _PIECES))]
        size = min(_RUN, words // _PIECES)
    pieces: list[tuple[int, int]] = []
    for at in starts:
        if pieces and at <= pieces[-1][1]:
            continue  # no space after the sampled point, or inside the previous piece
        end = at - 1
        for _ in range(size):
            end = needle.find(" ", end + 1)
            if end == -1:
                end = len(needle)
                break
        pieces.append((at, end))
    return pieces


def _hits(haystack: str, piece: str) -> list[int]:
    """Every place `piece` is in the haystack, or none when it is in more than _HITS."""
    found: list[int] = []
    at = haystack.find(piece)
    while at != -1:
        if len(found) == _HITS:
            return []
        found.append(at)
        at = haystack.find(piece, at + 1)
    return found


def _candidates(haystack: str, needle: str) -> Iterator[list[tuple[int, int, int]]]:
    """For each of the few places most pieces of the quote agree it would start, the pieces found there
    in order: (quote offset, article offset, length), all normalised. Several places are tried because
    in repetitive text the most votes can go to a place that matches less."""
    pieces = _pieces(needle)
    weights = [e - q for q, e in pieces]
    found: dict[str, list[int]] = {}
    votes: list[tuple[int, int]] = []  # (where the quote would start in the article, piece)
    for i, (q, e) in enumerate(pieces):
        piece = needle[q:e]
        if piece not in found:
            found[piece] = _hits(haystack, piece)
        votes += [(p - q, i) for p in found[piece]]
    votes.sort()
    for _ in range(_CANDIDATES):
        if not votes:
            return
        lo, hi, mode = _band(votes, weights, _DRIFT + len(needle) // 8)
        yield _chain(pieces, [v for v in votes if lo <= v[0] <= hi], mode)
        votes = [v for v in votes if not lo <= v[0] <= hi]


def _band(votes: list[tuple[int, int]], weights: list[int], width: int) -> tuple[int, int, int]:
    """The range of start positions, at most `width` wide, that the most quote characters vote for
    (each piece counted once), and the start voted for most within it."""
    count: Counter[int] = Counter()
    score, best, lo = 0, (-1, 0, 0), 0
    for diagonal, piece in votes:
        score += weights[piece] if not count[piece] else 0
        count[piece] += 1
        while votes[lo][0] < diagonal - width:
            count[votes[lo][1]] -= 1
            score -= weights[votes[lo][1]] if not count[votes[lo][1]] else 0
            lo += 1
        if score > best[0]:
            best = (score, votes[lo][0], diagonal)
    within: Counter[int] = Counter()
    for diagonal, piece in votes:
        if best[1] <= diagonal <= best[2]:
            within[diagonal] += weights[piece]
    return best[1], best[2], within.most_common(1)[0][0]


def _chain(pieces: list[tuple[int, int]], votes: list[tuple[int, int]], mode: int) -> list[tuple[int, int, int]]:
    """The pieces taken as matching, in quote order and article order: for each, the place nearest
    where the previous one puts the quote, if no further than the text between them can explain."""
    places: dict[int, list[int]] = {}
    for diagonal, piece in votes:
        places.setdefault(piece, []).append(diagonal)
    anchors: list[tuple[int, int, int]] = []
    drift, q_end, p_end = mode, 0, 0
    for piece in sorted(places):
        q, e = pieces[piece]
        options = [d for d in places[piece] if d + q >= p_end]
        if q < q_end or not options:
            continue
        d = min(options, key=lambda d: abs(d - drift))
        if abs(d - drift) <= _DRIFT + q - q_end:
            anchors.append((q, q + d, e - q))
            drift, q_end, p_end = d, e, e + d
    return anchors


def _passage(haystack: str, needle: str, anchors: list[tuple[int, int, int]]) -> tuple[int, int]:
    """The passage the anchors place: as much text before the first and after the last as the quote
    has there, widened to whole words."""
    (q0, p0, _), (qn, pn, n) = anchors[0], anchors[-1]
    start = max(0, p0 - q0)
    if haystack[start] == " " and start < p0:
        start += 1
    limit = max(0, start - _WORD)
    while start > limit and _word(haystack[start - 1]) and _word(haystack[start]):
        start -= 1
    end = min(len(haystack), pn + len(needle) - qn)
    if haystack[end - 1] == " " and end > pn + n:
        end -= 1
    limit = min(len(haystack), end + _WORD)
    while end < limit and _word(haystack[end - 1]) and _word(haystack[end]):
        end += 1
    return start, end


def _compare(needle: str, haystack: str, start: int, end: int,
             anchors: list[tuple[int, int, int]]) -> tuple[int, tuple[int, int] | None]:
    """How many of the quote's characters the passage matches, and where (quote offset, article offset)
    they first differ. Between anchors only the ends are compared, so long gaps cost little."""
    matched, first = 0, None
    q_at, p_at = 0, start
    for q, p, n in [*anchors, (len(needle), end, 0)]:
        a, b = needle[q_at:q], haystack[p_at:p]
        if a == b:
            matched += len(a)
        else:
            same = _common_prefix(a, b)
            matched += same + _common_prefix(a[same:][::-1], b[same:][::-1])
            first = first or (q_at + same, p_at + same)
        matched += n
        q_at, p_at = q + n, p + n
    return matched, first


def _common_prefix(a: str, b: str) -> int:
    """How many leading characters two strings share, comparing slices that double in size, so the cost
    follows the length shared rather than the lengths of the strings."""
    limit, lo, step = min(len(a), len(b)), 0, 64
    while lo < limit:
        hi = min(limit, lo + step)
        if a[lo:hi] != b[lo:hi]:
            while hi - lo > 1:  # the first difference is in [lo, hi)
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if a[lo:mid] == b[lo:mid] else (lo, mid)
            return lo
        lo, step = hi, step * 2
    return limit


def _words_around(text: str, at: int, lo: int, hi: int) -> tuple[int, int]:
    """The word of `text[lo:hi]` that the position `at` is in (or ends), with the word before it: one
    word alone can be anywhere in a long quote, two are usually enough to find the place."""
    end = text.find(" ", at, hi)
    end = hi if end == -1 else end
    begin = max(lo, text.rfind(" ", lo, at) + 1)
    if begin > lo:
        begin = max(lo, text.rfind(" ", lo, begin - 1) + 1)
    return begin, end
