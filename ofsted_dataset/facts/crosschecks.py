"""Checks that catch a curator's slip: the quote must actually say what the value says.

Each check takes the curated value and the matched quote texts and returns a message when they
disagree, or None. They are deliberately literal: a grade must be named in a quote, an amount of
money must be written in a quote, a number must be written in digits or words.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ofsted_dataset.facts.mapping_model import CuratedDate
from ofsted_dataset.text import MONTHS, fold
from schemas.vocabularies import GRADE_WORDS

# A sum of money as written: the build's check and the drafter's and lint's signals read it alike.
MONEY = re.compile(
    r"£\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(bn|billion|m|million|k|thousand)?(?![a-z])", re.IGNORECASE
)
_SCALE = {None: 1, "k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000,
          "bn": 1_000_000_000, "billion": 1_000_000_000}
_RI_TO_BE_GOOD = re.compile(r"requires improvement to be good", re.IGNORECASE)
_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
]
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def money_amounts(text: str) -> list[int]:
    """Every sum of money written in `text`, in whole pounds: '£9.2m' -> 9200000, '£1,500' -> 1500."""
    amounts = []
    for number, scale in MONEY.findall(text):
        value = Decimal(number.replace(",", "")) * _SCALE[scale.lower() if scale else None]
        if value == value.to_integral_value():
            amounts.append(int(value))
    return amounts


def number_words(value: int) -> list[str]:
    """The ways an article may write a whole number: digits, or words below one hundred."""
    words = [str(value)]
    if value < 20:
        words.append(_UNITS[value])
    elif value < 100:
        tens, unit = _TENS[value // 10], value % 10
        words += [tens] if unit == 0 else [f"{tens}-{_UNITS[unit]}", f"{tens} {_UNITS[unit]}"]
    return words


def _mentions(word: str, quotes: list[str], ignore_case: bool = True) -> bool:
    pattern = re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])", re.IGNORECASE if ignore_case else 0)
    return any(pattern.search(fold(q)) for q in quotes)


def check_grade(grade: str, quotes: list[str]) -> str | None:
    word = GRADE_WORDS[grade]
    # "requires improvement to be good" is one grade: its last word must not back a grade of good.
    quotes = [_RI_TO_BE_GOOD.sub("requires improvement", fold(q)) for q in quotes]
    if _mentions(word, quotes):
        return None
    present = [repr(w) for w in GRADE_WORDS.values() if _mentions(w, quotes)]
    found = f"they say {' and '.join(present)}" if present else "they contain no grade word"
    return f"grade {grade!r} is not stated in its quotes (expected the word {word!r}; {found})"


def check_amount(amount: int, quotes: list[str]) -> str | None:
    found = sorted({a for q in quotes for a in money_amounts(q)})
    if amount in found:
        return None
    said = ", ".join(f"{a:,}" for a in found) or "no amount of money"
    return f"amount {amount:,} does not match its quotes, which say {said}"


def check_number(value: int, quotes: list[str]) -> str | None:
    words = number_words(value)
    if any(_mentions(w, quotes) for w in words):
        return None
    return f"{value} is not written in its quotes (expected {' or '.join(repr(w) for w in words)})"


def check_date(date: CuratedDate, quotes: list[str], note: str | None) -> str | None:
    """A date must be readable from its quotes; if it had to be inferred, a note must say how."""
    if note:
        return None
    missing = []
    if not _mentions(str(date.value.year), quotes):
        missing.append(f"the year {date.value.year}")
    if date.precision in ("month", "day"):
        month = MONTHS[date.value.month - 1]
        exact = month == "May"  # the verb "may" is not the month
        if not (_mentions(month, quotes, not exact) or _mentions(month[:3], quotes, not exact)):
            missing.append(f"the month {month}")
    if date.precision == "day" and not re.search(rf"(?<!\d)0?{date.value.day}(?!\d)", " ".join(quotes)):
        missing.append(f"the day {date.value.day}")
    if not missing:
        return None
    return f"its quotes do not state {' and '.join(missing)}: add a `note` saying how the date was inferred"


def check_names(names: tuple[str, ...], quotes: list[str], others: tuple[str, ...] = ()) -> str | None:
    """A quote must name the council; `others` are longer names of other councils that contain one of
    its names ("South Gloucestershire" for Gloucestershire) and do not count."""
    for other in sorted(others, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w]){re.escape(fold(other))}(?![\w])", re.IGNORECASE)
        quotes = [pattern.sub(" ", fold(q)) for q in quotes]
    if any(_mentions(fold(n), quotes) for n in names):
        return None
    return f"no quote names the council (as any of: {', '.join(names)})"
