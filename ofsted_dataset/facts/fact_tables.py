"""Facts as Arrow tables: what the per-article stage hands on, what the cache keeps, what combine merges.

Matching quotes and cross-checking values is per-article Python (apply.resolve_mapping: text search and
the checks of crosschecks.py have no columnar form). Its result leaves that stage as columns, one table
per fact table plus one of provenance, so that caching, reloading, concatenating and most of merging
are column operations over Arrow, not hundreds of thousands of Python objects (see combine.py for the
parts that stay row by row, and why).

A fact table has the published columns a mapping can fill (each date as its value and its own
precision, as two dates sharing a precision column are merged one by one), plus where the fact was
written: `_source` (the mapping's source id), `_file`, `_seq` (its place in the mapping: with `_file`,
the source order that decides which article's verbatim value is kept), `_line`, `_lines` (the line of
each key, for messages) and `_record_id`.
"""

from __future__ import annotations

from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from ofsted_dataset.facts.apply import ArticleFacts, Fact
from ofsted_dataset.facts.mapping_model import CuratedDate
from schemas.arrow import ARROW_SCHEMAS, ARROW_TYPES
from schemas.tables import TABLES, precision_column

RowsT = TypeVar("RowsT", pa.Table, pa.RecordBatch)

PRECISION = "__precision"  # a fact's own precision of one date, before the published precision columns
PROVENANCE = "provenance"
FACT_TABLES = tuple(name for name in TABLES if name in ("sources", "inspections", "judgements", "recommendations",
                                                        "funding_commitments", "grade_counts"))
_META = [("_source", pa.string()), ("_file", pa.string()), ("_seq", pa.int32()), ("_line", pa.int32()),
         ("_lines", pa.map_(pa.string(), pa.int32())), ("_record_id", pa.string())]


def _value_fields(name: str) -> list[tuple[str, str]]:
    """The columns of table `name` a fact can carry (name and type): not the precisions nor the period
    ends, which are derived from the dates when the published table is made."""
    fields = TABLES[name].fields
    precisions = {precision_column(f.name) for f in fields if f.type == "date"}
    return [(f.name, f.type) for f in fields if not f.period_end_of and f.name not in precisions]


def fact_schema(name: str) -> pa.Schema:
    columns = list(_META)
    for field, type_name in _value_fields(name):
        columns.append((field, ARROW_TYPES[type_name]))
        if type_name == "date":
            columns.append((field + PRECISION, pa.string()))
    return pa.schema(columns)


PROVENANCE_SCHEMA = pa.schema([*ARROW_SCHEMAS[PROVENANCE].with_metadata(None), pa.field("_source", pa.string()),
                               pa.field("_file", pa.string()), pa.field("_seq", pa.int32())])


def schemas() -> dict[str, pa.Schema]:
    """Every fact table's schema and provenance's, from the table definitions as they are now (made
    per use, not at import: a definition can change, as the tests of schema changes do)."""
    return {**{name: fact_schema(name) for name in FACT_TABLES}, PROVENANCE: PROVENANCE_SCHEMA}


def empty() -> dict[str, pa.Table]:
    return {name: schema.empty_table() for name, schema in schemas().items()}


def from_results(results: list[ArticleFacts]) -> dict[str, pa.Table]:
    """The facts of some mappings as tables, rows in mapping order. This loop is the per-article
    stage's last piece of per-row Python: it turns the objects quote matching made into columns."""
    tables = schemas()
    columns: dict[str, dict[str, list[Any]]] = {name: {c: [] for c in s.names} for name, s in tables.items()}
    fields = {name: _value_fields(name) for name in FACT_TABLES}  # once, not once a fact
    provenance = columns[PROVENANCE]
    for result in results:
        for seq, fact in enumerate(result.facts):
            _add(columns[fact.table], fields[fact.table], fact, result.source_id, seq)
            for row in fact.provenance:
                for key, value in row.items():
                    provenance[key].append(value)
                provenance["_source"].append(result.source_id)
                provenance["_file"].append(fact.file)
                provenance["_seq"].append(seq)
    return {name: pa.Table.from_pydict(columns[name], schema=schema) for name, schema in tables.items()}


def _add(columns: dict[str, list[Any]], fields: list[tuple[str, str]], fact: Fact, source_id: str, seq: int) -> None:
    meta = (source_id, fact.file, seq, fact.line, list(fact.lines.items()), fact.record_id)
    for (name, _), value in zip(_META, meta, strict=True):
        columns[name].append(value)
    for name, type_name in fields:
        value = fact.values.get(name)
        if type_name == "date":
            columns[name].append(value.value if value else None)
            columns[name + PRECISION].append(value.precision if value else None)
        else:
            columns[name].append(value)


def to_facts(name: str, table: pa.Table) -> list[Fact]:
    """Rows of a fact table as Fact objects, for the rules that need a record whole (combine.py)."""
    fields = _value_fields(name)
    columns = table.to_pydict()
    plain = [(field, columns[field]) for field, type_name in fields if type_name != "date"]
    dates = [(field, columns[field], columns[field + PRECISION]) for field, type_name in fields if type_name == "date"]
    meta = zip(columns["_record_id"], columns["_file"], columns["_line"], columns["_lines"], columns["_seq"],
               strict=True)
    facts = []
    for i, (record_id, file, line, lines, seq) in enumerate(meta):
        values = {field: column[i] for field, column in plain if column[i] is not None}
        for field, column, precision in dates:
            if column[i] is not None:
                values[field] = CuratedDate(column[i], precision[i])
        facts.append(Fact(name, record_id, file, line, values, [], dict(lines), seq=seq))
    return facts


def of_sources(tables: dict[str, pa.Table], source_ids: pa.Array) -> dict[str, pa.Table]:
    """The rows of these mappings (`source_ids`, as `_source` holds them) in each of the tables. A table all
    of whose rows are wanted is itself, not a copy: a cold build keeps every mapping's facts, hundreds of
    megabytes at 10,000 articles."""
    return {name: rows_of(table, source_ids) for name, table in tables.items()}


def rows_of(rows: RowsT, source_ids: pa.Array) -> RowsT:
    """The rows (a table or a record batch) of these mappings (`source_ids`): the rows themselves, not a copy,
    when every one is wanted."""
    wanted = pc.is_in(rows["_source"], value_set=source_ids)
    return rows if pc.all(wanted).as_py() is not False else rows.filter(wanted)


def concat(parts: list[dict[str, pa.Table]]) -> dict[str, pa.Table]:
    """Several sets of fact tables as one (chunks side by side, no copy). Rows are in no particular
    order: what depends on source order (`_file`, then `_seq`) sorts the few rows it needs."""
    return {name: pa.concat_tables([p[name] for p in parts] or [schema.empty_table()])
            for name, schema in schemas().items()}


def rows(tables: dict[str, pa.Table]) -> int:
    """How many facts (records as mappings state them, before merging) the tables hold."""
    return sum(tables[name].num_rows for name in FACT_TABLES)
