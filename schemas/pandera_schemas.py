"""pandera schemas generated from the table definitions, plus the rules that span tables.

Column checks (type, nullability, vocabulary, pattern, minimum, key uniqueness) come straight from
`schemas/tables.py`. Cross-table rules need the other tables and the raw texts, so the schemas are
built per validation run from a `Context`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc

from schemas.arrow import ARROW_TYPES
from schemas.model import RECORD_ID_SEPARATOR, Field, Origin, Table
from schemas.tables import TABLES, precision_column


@dataclass(frozen=True)
class Context:
    frames: dict[str, pd.DataFrame]
    texts: Mapping[str, str] | None  # source_id -> decoded raw article; None for a release without raw/

    @cached_property
    def quoted(self) -> dict[str, pa_arrow.Array]:
        """The record ids provenance has a quote for, by "<table>\x00<field>", in one pass for every table's
        coverage rule: the rows sorted by that key with Arrow, then sliced (filtering 700,000 provenance rows in
        pandas once per table took a second at 10,000 articles, Arrow's group_by a third of one)."""
        prov = pa_arrow.Table.from_pandas(self.frames["provenance"][["table_name", "field", "record_id"]],
                                          preserve_index=False).combine_chunks()
        if not prov.num_rows:
            return {}
        codes = pc.dictionary_encode(pc.binary_join_element_wise(prov["table_name"], prov["field"], "\x00")).chunk(0)
        ids = prov["record_id"].chunk(0).take(pc.sort_indices(codes.indices))
        counts = np.bincount(codes.indices.to_numpy(), minlength=len(codes.dictionary))
        starts = np.cumsum(counts) - counts
        keys = codes.dictionary.to_pylist()
        return {key: ids.slice(start, n) for key, start, n in zip(keys, starts, counts, strict=True)}


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


def record_ids(table: Table, frame: pd.DataFrame) -> pd.Series:
    """The provenance record_id of every row: key values joined by '/'."""
    if not len(frame):
        return pd.Series([], dtype=object)
    first, *rest = table.primary_key
    ids = frame[first].astype(str)
    for name in rest:  # vectorised concatenation: no Python call per row
        ids = ids + RECORD_ID_SEPARATOR + frame[name].astype(str)
    return ids.astype(object)


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


def _in(values: pd.Series, allowed: pd.Series) -> pd.Series:
    return values.isna() | values.astype(object).isin(set(allowed.astype(object)))


def _coverage(table: Table, ctx: Context) -> pa.Check:
    """Every non-null curated field has at least one provenance row."""
    fields = [f.name for f in table.fields if f.origin in (Origin.QUOTE, Origin.EVIDENCE) and not f.derivable]
    # For each field, the records that have a quote for it (vectorised isin, no Python per row).
    none = pa_arrow.array([], pa_arrow.string())
    backed = {name: ctx.quoted.get(f"{table.name}\x00{name}", none) for name in fields}

    def covered(df: pd.DataFrame) -> pd.Series:
        ids = record_ids(table, df)
        ok = pd.Series(True, index=df.index)
        for name in fields:
            # A value taken from the collector's record of the page is marked so, and has no quote.
            from_page = (df[f"{name}_origin"].astype(object) == "page").to_numpy() if f"{name}_origin" in df else False
            quoted = pc.is_in(pa_arrow.array(ids, pa_arrow.string()), value_set=backed[name])
            ok &= df[name].isna().to_numpy() | quoted.to_numpy(zero_copy_only=False) | from_page
        return ok

    return _row_check("every curated value has a provenance quote", covered)


def _cross_rules(table: Table, ctx: Context) -> list[pa.Check]:
    frames = ctx.frames
    checks = [*_dates_rules(table)]
    if table.name != "provenance":
        checks.append(_coverage(table, ctx))
    for fk in table.foreign_keys:
        column, target = fk.fields[0], frames[fk.resource][fk.reference_fields[0]]
        def exists(df: pd.DataFrame, c: str = column, t: pd.Series = target) -> pd.Series:
            return _in(df[c], t)

        checks.append(_row_check(f"{column} exists in {fk.resource}", exists))
    if table.name == "inspections":
        judged = frames["judgements"]
        overall = judged[judged["area"] == "overall_effectiveness"].set_index("inspection_id")["grade"]
        checks += [
            _row_check("visit_precision is null exactly when both visit dates are",
                       lambda df: (df["visit_start"].isna() & df["visit_end"].isna()) == df["visit_precision"].isna()),
            _row_check("visit_end is not before visit_start",
                       lambda df: df["visit_end"].isna() | df["visit_start"].isna()
                       | (df["visit_end"].astype(object) >= df["visit_start"].astype(object))),
            _row_check("overall_grade equals the overall_effectiveness judgement",
                       lambda df: df["overall_grade"].astype(object).fillna("-")
                       == df["inspection_id"].astype(object).map(overall.astype(object)).fillna("-")),
        ]
    if table.name == "provenance":
        # "<table>\x00<record_id>" of every record provenance may point at, for one vectorised isin.
        existing = pd.concat([name + "\x00" + record_ids(TABLES[name], frames[name]).astype(str)
                              for name in TABLES if name in frames and name != "provenance"]).astype(object)

        def quote_is_exact(df: pd.DataFrame, texts: Mapping[str, str] = ctx.texts or {}) -> pd.Series:
            # Python per row (a slice of each quote's article), over the columns taken out by Arrow: iterating
            # the pandas columns themselves took 2.4 s of provenance's 700,000 rows, these lists a tenth of it.
            # The rows are taken an article at a time, so each text is read once and none is kept.
            sources = pa_arrow.array(df["source_id"])
            order = pc.sort_indices(sources)
            columns = [sources.take(order).to_pylist(),
                       *(pa_arrow.array(df[c]).take(order).to_pylist() for c in ("char_start", "char_end", "quote"))]
            exact = np.empty(len(order), dtype=bool)
            rows = zip(order.to_pylist(), *columns, strict=True)
            for source, group in itertools.groupby(rows, key=lambda row: row[1]):
                text = texts.get(source, "")
                for i, _, a, b, q in group:
                    exact[i] = text[a:b] == q
            return pd.Series(exact, index=df.index, dtype=bool)

        if ctx.texts is not None:
            checks.append(_row_check("quote == raw text[char_start:char_end]", quote_is_exact))
        checks += [
            _row_check("char_end is after char_start", lambda df: df["char_end"] > df["char_start"]),
            # As Python objects: pandas' isin on Arrow strings first copies the value set into a list.
            _row_check("record_id exists in table_name", lambda df: (
                df["table_name"].astype(str) + "\x00" + df["record_id"].astype(str)).astype(object).isin(existing)),
        ]
    return checks


def dataframe_schema(table: Table, ctx: Context | None = None) -> pa.DataFrameSchema:
    """The pandera schema of `table`; with a context, the cross-table rules are included."""
    return pa.DataFrameSchema(
        {f.name: _column(f) for f in table.fields},
        checks=_cross_rules(table, ctx) if ctx else [],
        unique=list(table.primary_key),
        strict=True,
        ordered=True,
        name=table.name,
        description=table.description,
    )
