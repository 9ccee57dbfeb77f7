"""The rules that span rows or tables, as DuckDB queries generated from the table definitions: every key
unique, every foreign key resolving, every quote pointing at a record that exists, every curated value
quoted; and every quote the span of its article it says it is (`misquoted`, Python over the raw texts).

pandera checks a table a slice of rows at a time (facts/validate.py), and a rule across rows cannot be
checked a slice at a time; in pandas these rules also held the large tables as Python strings (provenance's
7 million rows at 100,000 articles came to gigabytes). DuckDB runs them over the whole tables, scanning the
Arrow columns in place and spilling to disk past its memory limit. Each query gives the position (`ROW`) of
every failing row, in order, for the validator to name by its key.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from schemas.model import ForeignKey, Origin, Table
from schemas.tables import PROVENANCE as PROVENANCE_TABLE
from schemas.tables import TABLES

QUOTE_IS_EXACT = "quote == raw text[char_start:char_end]"
QUOTED_COLUMNS = ("source_id", "char_start", "char_end", "quote")  # what `misquoted` reads of provenance
ROW = "_row"  # each row's position in its table, a column the validator adds to the rows DuckDB scans
PROVENANCE = PROVENANCE_TABLE.name


@dataclass(frozen=True)
class KeyRule:
    check: str  # what each row is expected to satisfy, in words (the validator's "expected ...")
    sql: str  # the positions (ROW) of the rows that do not, in order


def rows_view(name: str) -> str:
    """The name under which the validator gives DuckDB the rows of table `name`, with their positions."""
    return f"rows_{name}"


def _q(name: str) -> str:
    """A column name as a quoted identifier: no column of the contract is then read as a keyword."""
    return f'"{name}"'


def _rows(name: str) -> str:
    """The rows of table `name` (rows_view) in SQL."""
    return _q(rows_view(name))


def key_rules(name: str, present: Collection[str]) -> list[KeyRule]:
    """The rules of table `name` across rows and tables, given the tables `present` (an older release may lack
    one: a rule about a table it lacks is not run)."""
    table = TABLES[name]
    rules = [_unique(table)]
    rules += [_resolves(table, fk) for fk in table.foreign_keys if fk.resource in present]
    if name == PROVENANCE:
        rules.append(_record_exists([t for t in TABLES if t in present and t != PROVENANCE]))
    elif PROVENANCE in present and (quoted := _quoted_fields(table)):
        rules.append(_covered(table, quoted))
    return rules


def _unique(table: Table) -> KeyRule:
    """Rows grouped by a hash of their key first, and only the rows of hashes seen twice by the key itself:
    grouping provenance's 7 million rows by its five key columns took 4.4 s at 100,000 articles, this 1 s."""
    key, rows = ", ".join(map(_q, table.primary_key)), _rows(table.name)
    twice = f"select hash({key}) as h from {rows} group by 1 having count(*) > 1"
    return KeyRule("a unique key", f"with twice as ({twice}) select min({ROW}) as {ROW} from {rows} where hash({key}) "
                                   f"in (select h from twice) group by {key} having count(*) > 1 order by 1")


def _resolves(table: Table, fk: ForeignKey) -> KeyRule:
    column, target = fk.fields[0], fk.reference_fields[0]
    return KeyRule(f"{column} exists in {fk.resource}",
                   f"select t.{ROW} from {_rows(table.name)} t where t.{_q(column)} is not null and not exists "
                   f"(select 1 from {_rows(fk.resource)} r where r.{_q(target)} = t.{_q(column)}) order by 1")


def _record_exists(tables: list[str]) -> KeyRule:
    """Each provenance row names a record (table_name, record_id) of a table that holds it."""
    existing = " union all ".join(f"select '{t}' as table_name, {TABLES[t].record_id_sql('t')} as record_id "
                                  f"from {_rows(t)} t" for t in tables) or \
        "select null::varchar as table_name, null::varchar as record_id where false"
    return KeyRule("record_id exists in table_name",
                   f"with existing as ({existing}) select p.{ROW} from {_rows(PROVENANCE)} p where not exists "
                   f"(select 1 from existing e where e.table_name = p.table_name and e.record_id = p.record_id) "
                   f"order by 1")


def _quoted_fields(table: Table) -> list[str]:
    """The fields whose every non-null value needs a provenance quote: those the article states, unless the
    pipeline can derive them."""
    return [f.name for f in table.fields if f.origin in (Origin.QUOTE, Origin.EVIDENCE) and not f.derivable]


def _covered(table: Table, fields: list[str]) -> KeyRule:
    """Every non-null curated value has at least one provenance row; a value taken from the collector's record
    of the page is marked so (its `<field>_origin` column says "page") and has none. The values needing a quote,
    every field's together, are matched with provenance in one join."""
    names, record = set(table.field_names), table.record_id_sql("t")
    needed = []
    for field in fields:
        from_page = f" and t.{_q(field + '_origin')} is distinct from 'page'" if f"{field}_origin" in names else ""
        needed.append(f"select t.{ROW}, {record} as record_id, '{field}' as field from {_rows(table.name)} t "
                      f"where t.{_q(field)} is not null{from_page}")
    return KeyRule("every curated value has a provenance quote",
                   f"select distinct n.{ROW} from ({' union all '.join(needed)}) n where not exists (select 1 from "
                   f"{_rows(PROVENANCE)} p where p.table_name = '{table.name}' and p.field = n.field and "
                   f"p.record_id = n.record_id) order by 1")


def misquoted(rows: pa.Table, texts: Mapping[str, str]) -> np.ndarray:
    """The positions, among `rows` (provenance's QUOTED_COLUMNS), of the quotes that are not the span of their
    article they say they are. Python per row (a slice of each quote's article); given the rows an article at a
    time (the validator orders them so), each text is read once."""
    columns = [rows[c].to_pylist() for c in QUOTED_COLUMNS]
    exact = np.empty(rows.num_rows, dtype=bool)
    for source, group in itertools.groupby(enumerate(zip(*columns, strict=True)), key=lambda row: row[1][0]):
        text = texts.get(source, "")
        for i, (_, a, b, q) in group:
            exact[i] = text[a:b] == q
    return np.flatnonzero(~exact)
