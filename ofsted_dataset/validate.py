"""Validate the built tables against the data contract before anything is published."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow

from ofsted_dataset.errors import ValidationError
from schemas.pandera_schemas import Context, dataframe_schema
from schemas.tables import TABLES

MAX_ROWS_SHOWN = 20


def to_frames(tables: dict[str, pa_arrow.Table]) -> dict[str, pd.DataFrame]:
    return {name: table.to_pandas(types_mapper=pd.ArrowDtype) for name, table in tables.items()}


def _describe(name: str, frame: pd.DataFrame, failures: pd.DataFrame) -> list[str]:
    """One line per failing value or row, with the row's key so a curator can find the record."""
    key = list(TABLES[name].primary_key)
    lines = []
    for case in failures.itertuples(index=False):
        row = f" row {int(case.index)}" if pd.notna(case.index) else ""
        if pd.notna(case.index) and int(case.index) in frame.index:
            values = frame.loc[int(case.index), key]
            row = " (" + ", ".join(f"{k}={v}" for k, v in zip(key, values, strict=True)) + ")"
        column = f" column {case.column}" if case.column and case.column != name else ""
        found = "" if case.column == name else f": found {case.failure_case!r}"
        lines.append(f"{name}{row}{column}: expected {case.check}{found}")
    return lines


def validate_tables(tables: dict[str, pa_arrow.Table], texts: dict[str, str]) -> dict[str, int]:
    """Check every table and every cross-table rule; raise with all failing rows shown."""
    frames = to_frames(tables)
    ctx = Context(frames, texts)
    details: list[str] = []
    for name, table in TABLES.items():
        try:
            dataframe_schema(table, ctx).validate(frames[name], lazy=True)
        except pa.errors.SchemaErrors as exc:
            details.extend(_describe(name, frames[name], exc.failure_cases))
    if details:
        shown = details[:MAX_ROWS_SHOWN]
        if len(details) > MAX_ROWS_SHOWN:
            shown.append(f"... and {len(details) - MAX_ROWS_SHOWN} more")
        raise ValidationError(f"{len(details)} validation failure(s); nothing was published.", shown)
    return {name: len(frame) for name, frame in frames.items()}
