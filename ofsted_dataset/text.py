"""How the project reads human-typed text: one set of typographic equivalences, months, slugs.

Every part that compares two pieces of prose (the quote matcher, the cross-checks, the register's
lookups, the drafter's and lint's signals, the official spreadsheets' headings) uses these, so a form
the build accepts is a form every tool recognises.
"""

from __future__ import annotations

import re

SINGLE_QUOTES = "'‘’‚‛′`´"
DOUBLE_QUOTES = "\"“”„‟″«»"
DASHES = "-‐‑‒–—―−"
# Every character str.split() (and the regex class \s) treats as whitespace.
SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())

# One-for-one translations (offsets do not move): each class to its representative.
FOLD_TABLE = str.maketrans({**dict.fromkeys(SINGLE_QUOTES, "'"), **dict.fromkeys(DOUBLE_QUOTES, '"'),
                            **dict.fromkeys(DASHES, "-")})
CANONICAL_TABLE = str.maketrans({**dict.fromkeys(SINGLE_QUOTES, "'"), **dict.fromkeys(DOUBLE_QUOTES, '"'),
                                 **dict.fromkeys(DASHES, "-"), **dict.fromkeys(SPACES, " ")})

# `shown` prints text up to this many characters whole, and longer text by its two ends.
_SHOWN_WHOLE, _SHOWN_HEAD, _SHOWN_TAIL = 120, 60, 20

MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July", "August",
                           "September", "October", "November", "December")


def fold(text: str) -> str:
    """Typographic folding used wherever two human-typed strings are compared: quote, dash and space
    classes to one character each, runs of whitespace to one space."""
    return " ".join(text.translate(FOLD_TABLE).split())


def folded_key(text: str) -> str:
    """`fold` and case-folded: the key under which a name or a heading is looked up."""
    return fold(text).casefold()


def flexible(phrase: str) -> str:
    """A regular expression for `phrase` that forgives typography as `fold` does (each quote, dash and
    space class matches any of its members), for searching raw text without moving offsets."""
    classes = {**dict.fromkeys(SINGLE_QUOTES, SINGLE_QUOTES), **dict.fromkeys(DOUBLE_QUOTES, DOUBLE_QUOTES),
               **dict.fromkeys(DASHES, DASHES)}
    words = []
    for word in phrase.split():
        words.append("".join(f"[{re.escape(classes[c])}]" if c in classes else re.escape(c) for c in word))
    return r"\s+".join(words)


def shown(text: str) -> str:
    """Text as a message quotes it: whole when short; otherwise its first 60 and last 20 characters and
    its length, so a quote or passage of megabytes cannot flood a terminal or a log, or make an event
    too large to publish, while the ends still identify it."""
    if len(text) <= _SHOWN_WHOLE:
        return repr(text)
    return f"{text[:_SHOWN_HEAD] + ' … ' + text[-_SHOWN_TAIL:]!r} ({len(text):,} characters)"


def slug(text: str) -> str:
    """Lowercase letters and digits joined by single hyphens: the form of every id the project makes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
