"""Date expressions in a text, with their exact offsets, resolved against the article's own date.

News writes the dates of an inspection in many forms: "between 3 October 2022 and 14 October 2022",
"9 to 10 May 2023", "in January and February", "published today", "last month", a dateline of
"Tuesday, March 7, 2023" or "12/06/2015". Each form below is one pattern; a text is scanned with every
pattern, longest expressions first, and a place already read by a longer expression is not read again
(so "3 October 2022" inside a range is not also a date of its own). Numeric dates are read in UK order
(day/month/year), as British outlets write them.

Why not a library: the recognisers on PyPI were tried on these forms. `datefinder` keeps offsets but
reads 12/06/2015 as 6 December, resolves "today" to the machine's clock (a draft must not change from
one day to the next) and misses "9 to 10 May"; `dateparser.search` loses the offsets and the range;
neither knows a month without a year belongs to the article's year. A value here is written at the
precision the words give (YYYY, YYYY-MM or YYYY-MM-DD), as the mapping format wants it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ofsted_dataset.text import MONTHS

_MONTH_NAMES = {name.lower(): n for n, name in enumerate(MONTHS, start=1)}
_MONTH_NAMES.update({name[:3].lower(): n for n, name in enumerate(MONTHS, start=1)})
_MONTH_NAMES["sept"] = 9
_M = r"(?:" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")\b\.?"
_D = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_Y = r"(?:19[89]\d|20\d\d)"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WD = r"(?:" + "|".join(_WEEKDAYS) + r")"
_TO = r"\s*(?:-|–|—|to|until|and|till)\s*"


@dataclass(frozen=True)
class Reference:
    """The article's own date, to resolve what the words leave out: a year, "today", "last month"."""

    date: dt.date
    precision: str  # day, month or year

    def written(self, precision: str) -> str:
        return self.date.isoformat()[: {"year": 4, "month": 7, "day": 10}[precision]]


@dataclass(frozen=True)
class DateSpan:
    start: int  # offsets in the text searched
    end: int
    first: str  # YYYY, YYYY-MM or YYYY-MM-DD
    last: str | None  # the end of a range, else None
    inferred: bool  # a part (the year, the day) came from the article's date, not from these words

    @property
    def text_span(self) -> tuple[int, int]:
        return self.start, self.end


def _month(word: str) -> int:
    return _MONTH_NAMES[word.lower().rstrip(".")]


def _day(word: str) -> int:
    return int(re.match(r"\d+", word).group(0))  # type: ignore[union-attr]


def _ymd(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """The date written at its precision, or None when it is not a real date."""
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day and month else "")


def _year_of_month(month: int, ref: Reference | None) -> int | None:
    """A month named without a year is the latest such month not after the article's date."""
    if ref is None:
        return None
    if ref.precision == "year":
        return ref.date.year
    return ref.date.year if month <= ref.date.month else ref.date.year - 1


def _groups(m: re.Match[str]) -> dict[str, str]:
    return {k: v for k, v in m.groupdict().items() if v is not None}


def _range_days(g: dict[str, str], ref: Reference | None) -> tuple[str | None, str | None, bool]:
    """'3 October 2022 and 14 October 2022', '9 to 10 May 2023', '28 February to 3 March 2023'."""
    m2 = _month(g["m2"])
    m1 = _month(g["m1"]) if "m1" in g else m2
    inferred = "y2" not in g
    y2 = int(g["y2"]) if "y2" in g else _year_of_month(m2, ref)
    if y2 is None:
        return None, None, inferred
    y1 = int(g["y1"]) if "y1" in g else (y2 - 1 if m1 > m2 else y2)
    return _ymd(y1, m1, _day(g["d1"])), _ymd(y2, m2, _day(g["d2"])), inferred


def _range_months(g: dict[str, str], ref: Reference | None) -> tuple[str | None, str | None, bool]:
    """'January and February', 'in March to April 2019'."""
    m1, m2 = _month(g["m1"]), _month(g["m2"])
    inferred = "y2" not in g
    y2 = int(g["y2"]) if "y2" in g else _year_of_month(m2, ref)
    if y2 is None:
        return None, None, inferred
    y1 = int(g["y1"]) if "y1" in g else (y2 - 1 if m1 > m2 else y2)
    return _ymd(y1, m1), _ymd(y2, m2), inferred


def _full(g: dict[str, str], ref: Reference | None) -> tuple[str | None, str | None, bool]:
    return _ymd(int(g["y"]), _month(g["m"]), _day(g["d"])), None, False


def _numeric(g: dict[str, str], ref: Reference | None) -> tuple[str | None, str | None, bool]:
    year = int(g["y"]) if len(g["y"]) == 4 else 2000 + int(g["y"])
    return _ymd(year, int(g["mo"]), int(g["d"])), None, False


def _iso(g: dict[str, str], ref: Reference | None) -> tuple[str | None, str | None, bool]:
    return _ymd(int(g["y"]), int(g["mo"]), int(g["d"])), None, False


def _day_month(g: dict[str, str], ref: Reference | None) -> tuple[str | None, str | None, bool]:
    month = _month(g["m"])
    year = _year_of_month(month, ref)
    return (_ymd(year, month, _day(g["d"])) if year else None), None, True


def _month_year(g: dict[str, str], ref: Reference | None) -> tuple[str | None, str | None, bool]:
    return _ymd(int(g["y"]), _month(g["m"])), None, False


def _month_only(g: dict[str, str], ref: Reference | None) -> tuple[str | None, str | None, bool]:
    month = _month(g["m"])
    year = _year_of_month(month, ref)
    return (_ymd(year, month) if year else None), None, True


def _year(g: dict[str, str], ref: Reference | None) -> tuple[str | None, str | None, bool]:
    return _ymd(int(g["y"])), None, False


def _relative(g: dict[str, str], ref: Reference | None) -> tuple[str | None, str | None, bool]:
    """today, yesterday, on Tuesday, last month, this year ... counted back from the article's date."""
    if ref is None:
        return None, None, True
    word = " ".join(g["rel"].lower().split())
    day = ref.precision == "day"
    if word in ("today", "this morning", "this week") and day:
        return ref.written("day"), None, True
    if word == "yesterday" and day:
        return (ref.date - dt.timedelta(days=1)).isoformat(), None, True
    if word in _WEEKDAYS and day:
        back = (ref.date.weekday() - _WEEKDAYS.index(word)) % 7
        return (ref.date - dt.timedelta(days=back)).isoformat(), None, True
    if word in ("this month", "earlier this month") and ref.precision != "year":
        return ref.written("month"), None, True
    if word == "last month" and ref.precision != "year":
        first = ref.date.replace(day=1) - dt.timedelta(days=1)
        return first.isoformat()[:7], None, True
    if word in ("this year", "earlier this year"):
        return ref.written("year"), None, True
    if word == "last year":
        return str(ref.date.year - 1), None, True
    return None, None, True


# Longest forms first: a place read by one is not read again by a later one.
_FORMS = (
    (re.compile(rf"(?:between\s+|from\s+)?(?P<d1>{_D})\s+(?P<m1>{_M})(?:,?\s+(?P<y1>{_Y}))?{_TO}(?P<d2>{_D})\s+"
                rf"(?P<m2>{_M})(?:,?\s+(?P<y2>{_Y}))?", re.IGNORECASE), _range_days),
    (re.compile(rf"(?:between\s+|from\s+)?(?P<d1>{_D}){_TO}(?P<d2>{_D})\s+(?P<m2>{_M})(?:,?\s+(?P<y2>{_Y}))?",
                re.IGNORECASE), _range_days),
    (re.compile(rf"(?:{_WD},?\s+)?(?:the\s+)?(?P<d>{_D})\s+(?:of\s+)?(?P<m>{_M}),?\s+(?P<y>{_Y})", re.IGNORECASE),
     _full),
    (re.compile(rf"(?:{_WD},?\s+)?(?P<m>{_M})\s+(?P<d>{_D}),?\s+(?P<y>{_Y})", re.IGNORECASE), _full),
    (re.compile(r"(?<![\d/.])(?P<d>[0-3]?\d)[/.](?P<mo>[01]?\d)[/.](?P<y>(?:19|20)\d\d|\d\d)(?![\d/.])"), _numeric),
    (re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d\d)-(?P<mo>[01]\d)-(?P<d>[0-3]\d)(?![\d-])"), _iso),
    (re.compile(rf"(?:between\s+|from\s+)?(?P<m1>{_M})(?:\s+(?P<y1>{_Y}))?{_TO}(?P<m2>{_M})(?:\s+(?P<y2>{_Y}))?",
                re.IGNORECASE), _range_months),
    (re.compile(rf"(?:{_WD},?\s+)?(?P<d>{_D})\s+(?:of\s+)?(?P<m>{_M})(?![\w-])", re.IGNORECASE), _day_month),
    (re.compile(rf"(?P<m>{_M}),?\s+(?P<y>{_Y})", re.IGNORECASE), _month_year),
    (re.compile(rf"\b(?i:in|during|since|until|by|of|early|late|mid|following)\s+(?=[A-Z])(?P<core>(?P<m>(?i:{_M})))(?!\s*\d)"),
     _month_only),
    (re.compile(rf"(?<![\w/£-])(?P<y>{_Y})(?![\w/]|-\d|\s*(?:/|to\s+\d{{2}}\b))"), _year),
    (re.compile(rf"\b(?P<rel>today|yesterday|this\s+morning|(?:earlier\s+)?this\s+(?:month|year)|last\s+(?:month|year)"
                rf"|(?<=\bon\s){_WD}|(?<=\blast\s){_WD})\b", re.IGNORECASE), _relative),
)
# A month with neither day nor year must be capitalised and follow "in", "during", ...: "in may" is a verb.


def find_dates(text: str, ref: Reference | None) -> list[DateSpan]:
    """Every date expression of `text` that resolves to a real date, in order of place."""
    taken: list[tuple[int, int]] = []
    found: list[DateSpan] = []
    for pattern, resolve in _FORMS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            first, last, inferred = resolve(_groups(m), ref)
            if first is None or (last is not None and last < first):
                continue
            taken.append((m.start(), m.end()))
            start = m.start("core") if "core" in pattern.groupindex else m.start()  # "in January": the month
            found.append(DateSpan(start, m.end(), first, last if last != first else None, inferred))
    return _anchored(sorted(found, key=lambda d: d.start), text, ref)


_THAT_YEAR = re.compile(r"^\s+(?:of\s+)?that\s+year\b", re.IGNORECASE)
_FOLLOWING = re.compile(r"\b(?:the\s+)?following\s+$", re.IGNORECASE)
_LAST_YEAR = re.compile(r"^\s+(?:of\s+)?last\s+year\b", re.IGNORECASE)


def _anchored(found: list[DateSpan], text: str, ref: Reference | None) -> list[DateSpan]:
    """Months whose year the text gives by other words than a number: by an earlier date of its own ("rated
    inadequate in September 2022, after an inspection in July of that year", "inspected in October 2022
    and rated inadequate the following January"), or by "last year" right after them ("in January and
    February last year": the months of the year before the article's, which the words then state)."""
    anchored: list[DateSpan] = []
    for span in found:
        if anchored and anchored[-1].end > span.start:
            continue  # "last year", read with the months before it
        year = next((int((d.last or d.first)[:4]) for d in reversed(anchored) if not d.inferred), None)
        same, following = _THAT_YEAR.match(text[span.end:]), _FOLLOWING.search(text[:span.start])
        last_year = _LAST_YEAR.match(text[span.end:])
        months = span.inferred and len(span.first) == 7 and (span.last is None or len(span.last) == 7)
        if months and last_year and ref:
            anchored.append(_in_year(span, ref.date.year - 1, span.end + last_year.end()))
        elif months and year and (same or following) and span.last is None:
            anchored.append(_in_year(span, year + (1 if following else 0), span.end))
        else:
            anchored.append(span)
    return anchored


def _in_year(span: DateSpan, year: int, end: int) -> DateSpan:
    """`span`'s months in `year`, stated by the words up to `end`."""
    return DateSpan(span.start, end, f"{year}{span.first[4:]}", f"{year}{span.last[4:]}" if span.last else None,
                    False)
