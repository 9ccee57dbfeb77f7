"""Dates known to a precision: a day, a month or a year, stored as the first day of the period.

One place for the two things every part of the pipeline asks of such a date: how to write it as
precisely as it is known (2017, 2017-06, 2017-06-14) and where its period ends.
"""

from __future__ import annotations

import datetime as dt

_DIGITS = {"year": 4, "month": 7, "day": 10}


def written(value: dt.date, precision: str | None) -> str:
    """The date to its precision: 2017, 2017-06 or 2017-06-14 (a missing precision means a day)."""
    return value.isoformat()[: _DIGITS[precision or "day"]]


def last_day(value: dt.date, precision: str | None) -> dt.date:
    """The last day of the period a date stands for (2017 -> 2017-12-31, 2017-02 -> 2017-02-28)."""
    if precision == "year":
        return dt.date(value.year, 12, 31)
    if precision == "month":
        following = dt.date(value.year + value.month // 12, value.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return value

