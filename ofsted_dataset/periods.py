"""Dates known to a precision: a day, a month or a year, stored as the first day of the period.

One place for the two things every part of the pipeline asks of such a date: how to write it as
precisely as it is known (2017, 2017-06, 2017-06-14) and where its period ends, for one date or, as
the tables' `<date>_end` columns are filled, for a whole column at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_DIGITS = {"year": 4, "month": 7, "day": 10}


class Dated(Protocol):
    """A date known to a precision (a mapping's CuratedDate, say)."""

    @property
    def value(self) -> dt.date: ...

    @property
    def precision(self) -> str: ...


def written(value: dt.date, precision: str | None) -> str:
    """The date to its precision: 2017, 2017-06 or 2017-06-14 (a missing precision means a day)."""
    return value.isoformat()[: _DIGITS[precision or "day"]]


def finer(a: Dated, b: Dated) -> Dated:
    """The more precise of two dates (the second when they are alike)."""
    return a if _DIGITS[a.precision] > _DIGITS[b.precision] else b


def same_period(a: Dated, b: Dated) -> bool:
    """Whether two dates can be the same day: the more precise one lies in the other's period
    (2019 and 2019-03 can; 2019-02 and 2019-03 cannot)."""
    fine = finer(a, b)
    coarse = b if fine is a else a
    return written(fine.value, coarse.precision) == written(coarse.value, coarse.precision)


def last_day(value: dt.date, precision: str | None) -> dt.date:
    """The last day of the period a date stands for (2017 -> 2017-12-31, 2017-02 -> 2017-02-28)."""
    if precision == "year":
        return dt.date(value.year, 12, 31)
    if precision == "month":
        following = dt.date(value.year + value.month // 12, value.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return value


# numpy's calendar units for the precisions coarser than a day
_UNITS = {"month": "M", "year": "Y"}


def period_ends(dates: pa.ChunkedArray | pa.Array, precisions: pa.ChunkedArray | pa.Array) -> pa.Array:
    """`last_day` over a column: the date itself for a day, else its month's or year's last day; null
    where the date is null. Computed on the whole array (numpy's calendar units), not per row."""
    days = np.asarray(pc.fill_null(dates, 0).cast(pa.int32()).to_numpy(zero_copy_only=False), dtype="datetime64[D]")
    ends = days.copy()
    for precision, unit in _UNITS.items():
        mask = np.asarray(pc.fill_null(pc.equal(precisions, precision), False).to_numpy(zero_copy_only=False))
        ends[mask] = (days[mask].astype(f"datetime64[{unit}]") + 1).astype("datetime64[D]") - 1
    return pa.array(ends.astype("int32"), pa.int32(), mask=pc.is_null(dates).to_numpy(zero_copy_only=False)
                    ).cast(pa.date32())
