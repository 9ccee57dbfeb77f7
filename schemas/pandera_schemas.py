"""pandera schemas generated from the table definitions, with the row rules that need other tables.

Column checks (type, nullability, vocabulary, pattern, minimum, key uniqueness) come straight from
`schemas/tables.py`. Row rules that need another table are built per validation run from a `Context`; the
rules across rows and tables (keys, foreign keys, quotes and the records they back, and each quote against its
article) are schemas/key_rules.py's, generated from the same definitions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc

from schemas.arrow import ARROW_TYPES
from schemas.model import Field, Table
from schemas.tables import precision_column


@dataclass(frozen=True)
class Context:
    """What the row rules need from another table: each inspection's overall_effectiveness grade (from
    judgements)."""

    overall: dict[str, str | None]  # inspection_id -> the grade of its overall_effectiveness judgement

    @classmethod
    def of(cls, judgements: pa_arrow.Table | None) -> Context:
        if judgements is None:
            return cls({})
        overall = judgements.filter(pc.equal(judgements["area"], "overall_effectiveness"))
        return cls(dict(zip(overall["inspection_id"].to_pylist(), overall["grade"].to_pylist(), strict=True)))


def _column(f: Field) -> pa.Column:
    checks = []
    if f.enum:
        checks.append(pa.Check.isin(list(f.enum), error=f"one of {', '.join(f.enum)}"))
    if f.pattern:
        checks.append(pa.Check.str_matches(f.pattern, error=f"matches {f.pattern}"))
    if f.minimum is not None:
        checks.append(pa.Check.ge(f.minimum, error=f"at least {f.minimum}"))
    return pa.Column(pd.ArrowDtype(ARROW_TYPES[f.type]), checks=checks, nullable=not f.required,
                     description=f.description)


def _row_check(name: str, fn: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    """A rule over whole rows: `fn` returns True for each row that passes."""
    return pa.Check(lambda df: fn(df).fillna(False).astype(bool), name=name, error=name)


def _period_end_rule(end: str, date: str) -> pa.Check:
    """`end` is the last day of `date`'s period, and null with it: computed here again, with pandas'
    calendar offsets, so that the check does not trust the code that filled the column."""
    def ends_period(df: pd.DataFrame) -> pd.Series:
        d, e = pd.to_datetime(df[date].astype(object)), pd.to_datetime(df[end].astype(object))
        p = df[precision_column(date)].astype(object)
        last = d.where(p == "day", d + pd.offsets.MonthEnd(0)).where(p != "year", d + pd.offsets.YearEnd(0))
        return (d.isna() & e.isna()) | (e == last)

    return _row_check(f"{end} is the last day of {date}'s period", ends_period)


def _dates_rules(table: Table) -> list[pa.Check]:
    checks = []
    for f in table.fields:
        if f.period_end_of:
            checks.append(_period_end_rule(f.name, f.period_end_of))
            continue
        if f.type != "date":
            continue
        precision = precision_column(f.name)

        def first_of_period(df: pd.DataFrame, date: str = f.name, prec: str = precision) -> pd.Series:
            d = pd.to_datetime(df[date].astype(object))
            p = df[prec].astype(object)
            return (d.isna() | (p == "day") | ((p == "month") & (d.dt.day == 1))
                    | ((p == "year") & (d.dt.day == 1) & (d.dt.month == 1)))

        checks.append(_row_check(f"{f.name} is the first day of its {precision}", first_of_period))
        if precision != "visit_precision":
            def null_together(df: pd.DataFrame, a: str = f.name, b: str = precision) -> pd.Series:
                return df[a].isna() == df[b].isna()

            checks.append(_row_check(f"{f.name} and {precision} are null together", null_together))
    return checks


def _row_rules(table: Table, ctx: Context) -> list[pa.Check]:
    """The rules over each row on its own (with what `ctx` gives it): checked a slice of rows at a time. The rules
    across rows and tables, and each quote against its article, are schemas/key_rules.py's."""
    checks = [*_dates_rules(table)]
    if table.name == "inspections":
        overall = pd.Series(ctx.overall, dtype=object)
        checks += [
            _row_check("visit_precision is null exactly when both visit dates are",
                       lambda df: (df["visit_start"].isna() & df["visit_end"].isna()) == df["visit_precision"].isna()),
            _row_check("visit_end is not before visit_start",
                       lambda df: df["visit_end"].isna() | df["visit_start"].isna()
                       | (df["visit_end"].astype(object) >= df["visit_start"].astype(object))),
            _row_check("overall_grade equals the overall_effectiveness judgement",
                       lambda df: df["overall_grade"].astype(object).fillna("-")
                       == df["inspection_id"].astype(object).map(overall).fillna("-")),
        ]
    if table.name == "provenance":
        checks.append(_row_check("char_end is after char_start", lambda df: df["char_end"] > df["char_start"]))
    return checks


def dataframe_schema(table: Table, ctx: Context | None = None, keys: bool = True) -> pa.DataFrameSchema:
    """The pandera schema of `table`; with a context, the row rules are included. Without `keys`, the key's
    uniqueness is left out: the validator checks slices of a table, and the key across all its rows
    (schemas/key_rules.py)."""
    return pa.DataFrameSchema(
        {f.name: _column(f) for f in table.fields},
        checks=_row_rules(table, ctx) if ctx else [],
        unique=list(table.primary_key) if keys else None,
        strict=True,
        ordered=True,
        name=table.name,
        description=table.description,
    )
