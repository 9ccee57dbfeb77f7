"""Dates known to a precision: how they are written and where their period ends, at every month end."""

from __future__ import annotations

import calendar
import datetime as dt

import pyarrow as pa
import pytest

from ofsted_dataset.periods import last_day, period_ends, written

# (first day of the month, its last day): each month of a non-leap year, February of leap years
# (2016, 2020, and 2000, divisible by 400) and of years that are not (2019, and 1900, divisible by 100).
MONTH_ENDS = [
    *((dt.date(2019, m, 1), dt.date(2019, m, d))
      for m, d in enumerate((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), start=1)),
    (dt.date(2016, 2, 1), dt.date(2016, 2, 29)),
    (dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
    (dt.date(2000, 2, 1), dt.date(2000, 2, 29)),
    (dt.date(1900, 2, 1), dt.date(1900, 2, 28)),
    (dt.date(2017, 12, 1), dt.date(2017, 12, 31)),
    (dt.date(2017, 11, 1), dt.date(2017, 11, 30)),
    (dt.date(2018, 1, 1), dt.date(2018, 1, 31)),
]


@pytest.mark.parametrize(("first", "last"), MONTH_ENDS, ids=[f.isoformat()[:7] for f, _ in MONTH_ENDS])
def test_last_day_of_a_month(first, last):
    assert last_day(first, "month") == last


def test_last_day_of_every_month_agrees_with_the_calendar():
    for year in range(1999, 2032):
        for month in range(1, 13):
            days = calendar.monthrange(year, month)[1]
            assert last_day(dt.date(year, month, 1), "month") == dt.date(year, month, days), (year, month)


@pytest.mark.parametrize("year", [1900, 2000, 2016, 2017, 2019, 2020])
def test_last_day_of_a_year_is_31_december(year):
    assert last_day(dt.date(year, 1, 1), "year") == dt.date(year, 12, 31)


@pytest.mark.parametrize("day", [dt.date(2016, 2, 29), dt.date(2017, 2, 28), dt.date(2017, 12, 31),
                                 dt.date(2018, 1, 1), dt.date(2019, 6, 14)])
@pytest.mark.parametrize("precision", ["day", None])
def test_last_day_of_a_day_is_the_day_itself(day, precision):
    assert last_day(day, precision) == day


@pytest.mark.parametrize(("value", "precision", "expected"), [
    (dt.date(2017, 6, 14), "day", "2017-06-14"),
    (dt.date(2017, 6, 14), None, "2017-06-14"),
    (dt.date(2016, 2, 29), "day", "2016-02-29"),
    (dt.date(2017, 12, 31), "day", "2017-12-31"),
    (dt.date(2017, 6, 1), "month", "2017-06"),
    (dt.date(2017, 12, 1), "month", "2017-12"),
    (dt.date(2016, 2, 1), "month", "2016-02"),
    (dt.date(2017, 1, 1), "year", "2017"),
    (dt.date(2017, 12, 31), "year", "2017"),
])
def test_written_to_its_precision(value, precision, expected):
    assert written(value, precision) == expected


@pytest.mark.parametrize(("first", "last"), MONTH_ENDS, ids=[f.isoformat()[:7] for f, _ in MONTH_ENDS])
def test_a_month_and_its_last_day_are_written_as_the_same_month(first, last):
    assert written(last_day(first, "month"), "month") == written(first, "month") == first.isoformat()[:7]
    assert written(last + dt.timedelta(days=1), "month") != written(first, "month")


def test_period_ends_are_the_last_day_of_each_period_as_periods_last_day_says():
    days = [dt.date(2017, 2, 1), dt.date(2016, 1, 1), dt.date(2019, 3, 14), None, dt.date(2020, 2, 1),
            dt.date(2017, 12, 1)]
    precisions = ["month", "year", "day", None, "month", "month"]
    ends = period_ends(pa.array(days, pa.date32()), pa.array(precisions)).to_pylist()
    assert ends == [dt.date(2017, 2, 28), dt.date(2016, 12, 31), dt.date(2019, 3, 14), None, dt.date(2020, 2, 29),
                    dt.date(2017, 12, 31)]
    assert ends == [None if d is None else last_day(d, p) for d, p in zip(days, precisions, strict=True)]


def test_period_ends_of_a_column_agree_with_last_day_at_every_month_end():
    firsts = [first for first, _ in MONTH_ENDS]
    assert period_ends(pa.array(firsts, pa.date32()), pa.array(["month"] * len(firsts))).to_pylist() == [
        last for _, last in MONTH_ENDS]
