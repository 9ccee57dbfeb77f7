"""Validate the built tables against the data contract before anything is published."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pandera.backends.pandas.builtin_checks  # noqa: F401 (see below)
import pandera.pandas as pa
import pyarrow as pa_arrow

from ofsted_dataset.errors import ValidationError
from schemas.pandera_schemas import Context, dataframe_schema
from schemas.tables import TABLES

# pandera imports its pandas backends (and, through them, hypothesis when it is installed) at the first
# validation, a fifth of a second; imported with this module instead, which a build imports while its
# embedded Prefect server boots in a process of its own, and the build's thread would otherwise wait idle.

MAX_ROWS_SHOWN = 20
# pandera's names for its built-in checks, in words.
_CHECK_WORDS = {"not_nullable": "a value", "field_uniqueness": "a unique value",
                "multiple_fields_uniqueness": "a unique key"}


def to_frames(tables: dict[str, pa_arrow.Table]) -> dict[str, pd.DataFrame]:
    return {name: table.to_pandas(types_mapper=pd.ArrowDtype) for name, table in tables.items()}


def _describe(name: str, frame: pd.DataFrame, failures: pd.DataFrame) -> list[str]:
    """One line per failing value (column checks) or failing row (row rules), with the row's key so a
    curator can find the record."""
    key = list(TABLES[name].primary_key)
    lines: list[str] = []
    cases = zip(failures["index"], failures["schema_context"], failures["column"], failures["check"],
                failures["failure_case"], strict=True)
    for index, context, column, check_name, failure in cases:
        row = ""
        if pd.notna(index) and int(index) in frame.index:
            values = frame.loc[int(index), key]
            row = " (" + ", ".join(f"{k}={v}" for k, v in zip(key, values, strict=True)) + ")"
        check = _CHECK_WORDS.get(str(check_name), check_name)
        if context == "DataFrameSchema":
            line = f"{name}{row}: expected {check}"  # a rule over whole rows: one line per row
        else:
            found = "null" if pd.isna(failure) else repr(failure)
            line = f"{name}{row} column {column}: expected {check}: found {found}"
        if line not in lines:
            lines.append(line)
    return lines


def validate_tables(tables: dict[str, pa_arrow.Table], texts: Mapping[str, str] | None,
                    only: dict[str, np.ndarray] | None = None) -> dict[str, int]:
    """Check every table and every cross-table rule; raise with all failing rows shown. With `only`
    (changed_rows.rows_to_check), each table's rules run on those rows, against the whole tables."""
    frames = to_frames(tables)
    ctx = Context(frames, texts)
    details: list[str] = []
    for name, table in TABLES.items():
        if name not in frames:  # an older release without this table
            continue
        frame = frames[name] if only is None else frames[name].iloc[only[name]]
        try:
            dataframe_schema(table, ctx).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            details.extend(_describe(name, frames[name], exc.failure_cases))
    if details:
        shown = details[:MAX_ROWS_SHOWN]
        if len(details) > MAX_ROWS_SHOWN:
            shown.append(f"... and {len(details) - MAX_ROWS_SHOWN} more")
        raise ValidationError(f"{len(details)} validation failure(s); nothing was published.", shown)
    return {name: len(frame) for name, frame in frames.items()}
