"""Checks that catch a curator's slip: the quote must actually say what the value says.

Each check takes the curated value and the matched quote texts and returns a message when they
disagree, or None. They are deliberately literal: a grade must be named in a quote (in an inflection of
Ofsted's own words), an amount of money must be written in a quote (in figures or in words), an amount
called approximate must be hedged there, a number must be written in digits or words, a financial year
in one of the forms news writes it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from ofsted_dataset.facts.mapping_model import CuratedDate
from ofsted_dataset.text import MONTHS, fold
from schemas.vocabularies import GRADE_WORDS

# A sum of money as written in figures with a pound sign: the build's check and the drafter's and lint's
# signals read it alike.
_FIGURES = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
MONEY = re.compile(rf"£\s?({_FIGURES})\s?(bn|billion|mn|m|million|k|thousand)?(?![a-z])", re.IGNORECASE)
_SCALE = {None: 1, "k": 1_000, "thousand": 1_000, "m": 1_000_000, "mn": 1_000_000, "million": 1_000_000,
          "bn": 1_000_000_000, "billion": 1_000_000_000}
_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
]
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _alternatives(words: list[str]) -> str:
    # Longest first, so "seventeen" is not read as "seven".
    return "|".join(sorted(words, key=len, reverse=True))


# A whole number in words below a thousand, as news writes sums: "seven", "twenty-five",
# "three hundred and fifty", "a hundred".
_BELOW_100 = (rf"(?:(?:{_alternatives(list(_TENS[2:]))})(?:[\s-]+(?:{_alternatives(_UNITS[1:10])}))?"
              rf"|{_alternatives(_UNITS[1:])})")
_NUMBER_IN_WORDS = rf"(?:(?:a|{_alternatives(_UNITS[1:10])})\s+hundred(?:\s+(?:and\s+)?{_BELOW_100})?|{_BELOW_100})"
_WORD_VALUES = {**{w: i for i, w in enumerate(_UNITS) if i}, **{w: 10 * i for i, w in enumerate(_TENS) if w}, "a": 1}
# A sum of money written with the word "pounds" instead of "£": "seven million pounds", "two and a half
# million pounds", "half a million pounds", "1.5 million pounds", "300 thousand pounds", "500 pounds".
# It never starts inside a figure or right after "£" (those are MONEY's).
MONEY_IN_WORDS = re.compile(
    rf"(?<![\w.,£])(?:(?P<half>half\s+a)|(?P<number>{_FIGURES}|{_NUMBER_IN_WORDS}|a)(?P<and_half>\s+and\s+a\s+half)?)"
    r"(?:[\s-]+(?P<scale>thousand|million|billion))?[\s-]+pounds?(?!\w)",
    re.IGNORECASE,
)
# Words that make an amount approximate when they come right before it ("almost £5m").
HEDGES = ("almost", "about", "around", "nearly", "more than", "over", "up to", "some", "roughly", "approximately",
          "just under", "just over", "close to", "an estimated")
# Quotes are folded before they are searched, so the words of a hedge are one space apart; a match ends
# where the amount it hedges must begin.
_HEDGE = re.compile(rf"(?<!\w)(?:{_alternatives([re.escape(h) for h in HEDGES])})(?!\w)\s*", re.IGNORECASE)

# Grade words as news inflects them. Only forms of Ofsted's own wording count: "requiring improvement"
# is the grade, "needs improvement" is not. GRADE_WORDS stays the one canonical word per grade, the one
# messages name; the other grades are not inflected.
REQUIRES_IMPROVEMENT = r"requir(?:es|ed|ing|e)\s+improvement"
_INFLECTED = {"requires_improvement": REQUIRES_IMPROVEMENT}
GRADE_FORMS: dict[str, re.Pattern[str]] = {
    grade: re.compile(rf"(?<!\w)(?:{_INFLECTED.get(grade, re.escape(word))})(?!\w)", re.IGNORECASE)
    for grade, word in GRADE_WORDS.items()
}
# "requires improvement to be good" is one grade, in any inflection: its last word must not back a grade of
# good. Nor does it after any other "improvement" ("needs improvement to be good" says the service is not good).
_IMPROVEMENT_TO_BE_GOOD = re.compile(r"(?<!\w)(improvement)\s+to\s+be\s+good(?!\w)", re.IGNORECASE)


def sums(text: str) -> list[tuple[int, int, Decimal]]:
    """Every sum of money in `text` as (start, end, pounds), in the order written: the build's checks read
    quotes with it (folded), lint and the drafter raw text (offsets kept). A sum in words that overlaps a
    figure with "£" is that figure ("£7 million pounds" is one sum, not two)."""
    sums = [(m.start(), m.end(), Decimal(m.group(1).replace(",", "")) * _SCALE[m.group(2) and m.group(2).lower()])
            for m in MONEY.finditer(text)]
    for m in MONEY_IN_WORDS.finditer(text):
        pounds = _pounds_in_words(m)
        if pounds is not None and not any(start < m.end() and m.start() < end for start, end, _ in sums):
            sums.append((m.start(), m.end(), pounds))
    return sorted(sums)


def _pounds_in_words(m: re.Match[str]) -> Decimal | None:
    """The pounds a MONEY_IN_WORDS match says; None for "a pound" or "half a pounds", which are no sum."""
    scale = m.group("scale")
    if scale is None and (m.group("half") or m.group("and_half") or m.group("number").lower() == "a"):
        return None
    number = Decimal("0.5") if m.group("half") else _number_value(m.group("number"))
    if m.group("and_half"):
        number += Decimal("0.5")
    return number * _SCALE[scale and scale.lower()]


def _number_value(number: str) -> Decimal:
    """'1,500' -> 1500, 'three hundred and fifty' -> 350, 'twenty-five' -> 25."""
    if number[0].isdigit():
        return Decimal(number.replace(",", ""))
    total = 0
    for word in re.split(r"[\s-]+", number.lower()):
        if word == "hundred":
            total *= 100
        elif word != "and":
            total += _WORD_VALUES[word]
    return Decimal(total)


def money_amounts(text: str) -> list[int]:
    """Every sum of money written in `text`, in whole pounds: '£9.2m' -> 9200000, '£1,500' -> 1500,
    'two and a half million pounds' -> 2500000. Fractions of a pound ('£2.55') are not amounts."""
    return [int(pounds) for _, _, pounds in sums(fold(text)) if pounds == pounds.to_integral_value()]


def number_words(value: int) -> list[str]:
    """The ways an article may write a whole number: digits, or words below one hundred."""
    words = [str(value)]
    if value < 20:
        words.append(_UNITS[value])
    elif value < 100:
        tens, unit = _TENS[value // 10], value % 10
        words += [tens] if unit == 0 else [f"{tens}-{_UNITS[unit]}", f"{tens} {_UNITS[unit]}"]
    return words


@lru_cache(maxsize=4096)
def _whole_word(word: str, ignore_case: bool = True) -> re.Pattern[str]:
    """`word` standing on its own; compiled once per word (councils' names, numbers, months), as a check
    runs for each of hundreds of thousands of values and `re`'s own cache holds only 512 patterns."""
    return re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])", re.IGNORECASE if ignore_case else 0)


def _mentions(word: str, quotes: list[str], ignore_case: bool = True) -> bool:
    pattern = _whole_word(word, ignore_case)
    return any(pattern.search(fold(q)) for q in quotes)


def check_grade(grade: str, quotes: list[str]) -> str | None:
    """A grade must be named in a quote, in any inflection of Ofsted's own words ("rated as requiring
    improvement to be good"); the message names the grade words the quotes do hold."""
    form = GRADE_FORMS[grade]
    quotes = [_IMPROVEMENT_TO_BE_GOOD.sub(r"\1", fold(q)) for q in quotes]
    if any(form.search(q) for q in quotes):
        return None
    present = [repr(GRADE_WORDS[g]) for g, f in GRADE_FORMS.items() if any(f.search(q) for q in quotes)]
    found = f"they say {' and '.join(present)}" if present else "they contain no grade word"
    return f"grade {grade!r} is not stated in its quotes (expected the word {GRADE_WORDS[grade]!r}; {found})"


def check_amount(amount: int, quotes: list[str]) -> str | None:
    found = sorted({a for q in quotes for a in money_amounts(q)})
    if amount in found:
        return None
    said = ", ".join(f"{a:,}" for a in found) or "no amount of money"
    return f"amount {amount:,} does not match its quotes, which say {said}"


def check_approximate(approximate: bool, quotes: list[str]) -> str | None:
    """An amount called approximate must be hedged where it is written ("almost £5m"): the hedging word
    comes right before a sum of money. An exact amount (false) needs no particular wording."""
    if not approximate:
        return None
    for quote in quotes:
        text = fold(quote)
        hedged = {m.end() for m in _HEDGE.finditer(text)}
        if any(start in hedged for start, _, _ in sums(text)):
            return None
    return "approximate is true but its quotes give no hedging word (almost, about, around, nearly, ...)"


def hedged(amount: int, quotes: list[str]) -> str | None:
    """The hedged wording of `amount` in its quotes ("almost £5m"), or None when it is written plainly:
    an amount left exact (approximate omitted) must not be one the article only rounds."""
    for quote in quotes:
        text = fold(quote)
        hedges = {m.end(): m.start() for m in _HEDGE.finditer(text)}
        for start, end, pounds in sums(text):
            if pounds == amount and start in hedges:
                return text[hedges[start]:end]
    return None


def check_financial_year(year: str, quotes: list[str]) -> str | None:
    """A financial year (April to March) written YYYY/YY must name two consecutive years and be stated
    by a quote in one of the forms news uses: 2019/20, 2019-20, 2019–20, 2019/2020, 2019-2020 or
    2019 to 2020."""
    written = re.fullmatch(r"(\d{4})/(\d{2})", year)
    if written is None:
        return f"{year!r} is not a financial year: write it YYYY/YY (2019/20)"
    first = int(written.group(1))
    short = f"{(first + 1) % 100:02d}"
    if written.group(2) != short:
        return (f"{year!r} is not a financial year: the second part must be the year after the first "
                f"({first}/{short})")
    form = re.compile(rf"(?<!\d){first}(?:\s?[/-]\s?(?:{first + 1}|{short})|\s+to\s+{first + 1})(?!\d)",
                      re.IGNORECASE)
    if any(form.search(fold(q)) for q in quotes):
        return None
    return (f"financial year {year!r} is not written in its quotes (expected a form such as {year!r}, "
            f"'{first}-{short}' or '{first}/{first + 1}')")


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
        quotes = [_whole_word(fold(other)).sub(" ", fold(q)) for q in quotes]
    if any(_mentions(fold(n), quotes) for n in names):
        return None
    return f"no quote names the council (as any of: {', '.join(names)})"
