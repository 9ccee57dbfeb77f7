"""Merge what every article says into one row per record, derive the documented columns, check the
rules between records: the combine stage, over the fact tables of fact_tables.py.

Most rows never meet Python here. Recommendations (ids unique across mappings), judgements reported
by one article only, and every provenance row stay Arrow columns: concatenated, filtered, de-duplicated
and sorted as columns. Row by row, as Fact objects, go only the records a rule needs whole:
- the records several articles report (a judgement, an inspection), merged value by value (_merge:
  whether two dates agree depends on their precisions);
- the tables whose derived columns follow per-record rules (`_derive`): sources (their page records,
  collector.fill_sources), inspections, funding commitments and grade counts — one row per article or
  inspection, not per quote.
Problems come out in source order within each kind, as a curator reads the mappings.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ofsted_dataset import freed_memory
from ofsted_dataset.errors import Problem
from ofsted_dataset.facts import fact_tables, mapped_files
from ofsted_dataset.facts.apply import Fact
from ofsted_dataset.facts.arrow_tables import is_in, key_order, plain, repeated_values, take_sorted, to_arrow
from ofsted_dataset.facts.collector import Page, fill_sources
from ofsted_dataset.facts.mapping_model import CuratedDate
from ofsted_dataset.facts.reference import Register
from ofsted_dataset.periods import finer, last_day, same_period, written
from schemas.arrow import ARROW_SCHEMAS, HELD_SCHEMAS
from schemas.model import Origin
from schemas.tables import TABLES, precision_column
from schemas.vocabularies import FRAMEWORK_STARTS

PROVENANCE = fact_tables.PROVENANCE
# Tables merged and derived record by record (see the module's docstring); the others stay columns.
WHOLE_RECORDS = ("sources", "inspections", "funding_commitments", "grade_counts")
# An inspection (and its judgements) may be reported by several articles, whose mappings then use the
# same id and are merged. A recommendation's text or a commitment's purpose is verbatim from one
# article, so their ids belong to one mapping.
_UNIQUE_ACROSS_MAPPINGS = ("recommendations", "funding_commitments")
Order = tuple[str, int]  # a fact's place in source order: its mapping file, its place in that file


@dataclass
class _Context:
    register: Register
    problems: list[Problem] = field(default_factory=list)


def _in_order(problems: list[tuple[Order, Problem]]) -> list[Problem]:
    return [problem for _, problem in sorted(problems, key=lambda item: item[0])]


def _line(lines: list[tuple[str, int]], name: str, line: int) -> int:
    """The line a key of a fact was written on (its `_lines` column), else the record's."""
    return dict(lines).get(name, line)


def _owned(name: str, table: pa.Table) -> tuple[pa.Table, list[tuple[Order, Problem]], list[Order]]:
    """Ids unique across mappings: the first mapping (in source order) using one keeps it; each later
    use is a problem and its fact is dropped (returned, with its quotes)."""
    ids = table["_record_id"]
    duplicated = pc.is_in(ids, value_set=repeated_values(ids))
    problems, dropped, drop_rows = [], [], []
    owners: dict[str, str] = {}
    where = pc.indices_nonzero(duplicated).to_pylist()
    rows = take_sorted(table.select(["_record_id", "_file", "_line", "_seq"]), np.array(where, np.int64)).to_pylist()
    for index, row in sorted(zip(where, rows, strict=True), key=lambda item: (item[1]["_file"], item[1]["_seq"])):
        record_id, file = row["_record_id"], row["_file"]
        if record_id not in owners:
            owners[record_id] = file
            continue
        problems.append(((file, row["_seq"]), Problem(
            file, row["_line"], f"{name} {record_id}",
            f"{record_id} is already used in {owners[record_id]}: ids of {name} are unique across mappings")))
        dropped.append((file, row["_seq"]))
        drop_rows.append(index)
    if not drop_rows:  # the usual case: no copy of the table
        return table, problems, dropped
    keep = np.ones(table.num_rows, dtype=bool)
    keep[drop_rows] = False
    return table.filter(pa.array(keep)), problems, dropped


def _without(provenance: pa.Table, name: str, dropped: list[Order]) -> pa.Table:
    """Provenance without the quotes of dropped facts of table `name` (a handful at most)."""
    for file, seq in dropped:
        gone = pc.and_(pc.and_(pc.equal(provenance["table_name"], name), pc.equal(provenance["_file"], file)),
                       pc.equal(provenance["_seq"], seq))
        provenance = provenance.filter(pc.invert(gone))
    return provenance


# Facts made Python objects at once by `_by_record`: at 100,000 articles the inspections alone are 660,000 facts
# (an inspection as each article reports it), 1.7 GB as objects.
_FACTS_AT_ONCE = 50_000


def _by_record(tables: list[tuple[str, pa.Table]]) -> Iterator[Fact]:
    """The facts of `tables` as Fact objects, a record's facts together and in source order, _FACTS_AT_ONCE made
    at a time: `_merge` keeps a record's first fact and lets the others go once merged."""
    for name, table in tables:
        whole = table.combine_chunks()  # taken from in a different order: each take would combine its chunks
        mapped_files.let_go(*table.columns)  # read whole once: the pages of the facts' file go back
        order = pc.sort_indices(whole, [(key, "ascending") for key in ("_record_id", "_file", "_seq")])
        for start in range(0, whole.num_rows, _FACTS_AT_ONCE):
            yield from fact_tables.to_facts(name, whole.take(order.slice(start, _FACTS_AT_ONCE)))
        mapped_files.let_go(*whole.columns)  # the same pages, when the table was in one chunk (no copy)


def _merge(ctx: _Context, facts: Iterable[Fact]) -> dict[tuple[str, str], Fact]:
    """Combine what several articles say about one record; evidenced values must agree.

    Verbatim fields (labels, texts) are taken from the first article in source order; curated values
    that disagree stop the run naming both files, so the curator records a decision in a note.

    `facts` come a record's together, each record's in source order (`_by_record`), and are the caller's to
    give up: the first fact of each record becomes the merged record, the others' values merged into it, rather
    than each copied. Problems, and the records merged, are then put in source order, the order the facts of
    every table would come in sorted by mapping and place: as a curator reads the mappings.
    """
    merged: dict[tuple[str, str], Fact] = {}
    problems: list[tuple[Order, Problem]] = []
    for fact in facts:
        key = (fact.table, fact.record_id)
        if key not in merged:
            merged[key] = fact
            continue
        into = merged[key]
        for name, value in fact.values.items():
            if name not in into.values:
                into.values[name] = value
                into.files[name], into.lines[name] = fact.file, fact.lines.get(name, fact.line)
                continue
            agreed = _agree(into.values[name], value)
            if agreed is not None:
                into.values[name] = agreed
            elif TABLES[fact.table].field(name).origin is not Origin.QUOTE:
                stated_in, stated_on = into.at(name)  # where the merged value was first stated
                problems.append(((fact.file, fact.seq), Problem(
                    fact.file, fact.lines.get(name, fact.line), f"{fact.table} {fact.record_id}.{name}",
                    f"{_show(value)} disagrees with {_show(into.values[name])} in {stated_in}:{stated_on}; "
                    "make them agree and record the decision in an evidence note")))
    ctx.problems += _in_order(problems)
    return dict(sorted(merged.items(), key=lambda item: (item[1].file, item[1].seq)))


def _agree(a: Any, b: Any) -> Any:
    """The value two articles agree on, or None. A date agrees with a more precise date inside its
    period (2019 and 2019-03): the more precise one is kept."""
    if a == b:
        return a
    if isinstance(a, CuratedDate) and isinstance(b, CuratedDate) and same_period(a, b):
        return finer(a, b)
    return None


def _show(value: Any) -> str:
    if isinstance(value, CuratedDate):
        return repr(written(value.value, value.precision))
    return repr(value)


def _framework(row: dict[str, Any]) -> str | None:
    """The documented rule of `inspections.framework` for inspections whose mapping does not state it."""
    kind = row["inspection_type"]
    if kind == "joint_targeted_area_inspection":
        return "jtai"
    date: CuratedDate | None = row.get("visit_start") or row.get("published_date")
    if date is None or (date.precision == "year" and date.value.year == 2013):
        return None
    start = date.value
    if start >= FRAMEWORK_STARTS["ilacs"]:
        return "ilacs"
    if start >= FRAMEWORK_STARTS["sif"] and kind in ("full_inspection", "monitoring_visit"):
        return "sif"
    return None


def _flatten_dates(table: str, row: dict[str, Any]) -> None:
    """CuratedDate values become a date plus its precision column (null together)."""
    for column in TABLES[table].fields:
        if column.type != "date" or column.period_end_of:  # a period's end is derived with the tables
            continue
        name = column.name
        value = row.get(name)
        precision = precision_column(name)
        row[name] = value.value if value else None
        if value:
            row[precision] = value.precision
        else:
            row.setdefault(precision, None)


def _funding_rule(row: dict[str, Any]) -> tuple[str, str] | None:
    """An amount is exact unless the mapping says it is approximate (the documented default), and the
    money cannot end in a financial year before it starts. Each year's own form and its quotes were
    checked with the value (crosschecks.check_financial_year), so both are well-formed YYYY/YY here
    and their first four digits order them."""
    row.setdefault("approximate", False)
    first, last = row.get("first_financial_year"), row.get("last_financial_year")
    if first and last and last[:4] < first[:4]:
        return "last_financial_year", f"last_financial_year {last!r} is before first_financial_year {first!r}"
    return None


def _count_rule(row: dict[str, Any]) -> tuple[str, str] | None:
    """A count of areas given one grade cannot exceed the areas there are."""
    areas, of_areas = row.get("areas"), row.get("of_areas")
    if areas is not None and of_areas is not None and areas > of_areas:
        return "areas", f"{areas} areas graded {row.get('grade')}, but of_areas says there are {of_areas}"
    return None


# Kinds of inspection that look at one area of practice, and so may have a theme.
_THEMED = ("focused_visit", "monitoring_visit", "joint_targeted_area_inspection")


def _theme_rule(row: dict[str, Any]) -> tuple[str, str] | None:
    """A full inspection looks at every area: a theme belongs to a visit that looks at one."""
    if row.get("theme") and row.get("inspection_type") not in _THEMED:
        return "theme", (f"theme {row['theme']!r} on a {row.get('inspection_type')}: a theme is the one area of "
                         f"practice a {', '.join(_THEMED[:-1])} or {_THEMED[-1]} looks at")
    return None


_RECORD_RULES = {"funding_commitments": _funding_rule, "grade_counts": _count_rule, "inspections": _theme_rule}


def _record_rules(ctx: _Context, merged: dict[tuple[str, str], Fact]) -> None:
    """Rules within one record of a table (after merging: the values of every article)."""
    for (table, record_id), fact in merged.items():
        rule = _RECORD_RULES.get(table)
        broken = rule(fact.values) if rule else None
        if broken:
            name, message = broken
            ctx.problems.append(Problem(*fact.at(name), f"{table} {record_id}", message))


def _graded(facts: dict[str, pa.Table]) -> pa.Array:
    """The inspections that are given an overall_effectiveness judgement (`_derive`): those an article grades
    overall, with no judgement of that area reported by any. Their overall_grade quotes are then the
    judgement's provenance. From the facts as columns, so that provenance can be merged before the records."""
    inspections = facts["inspections"].select(["_record_id", "overall_grade"])  # a filter copies every column
    graded = pc.unique(inspections.filter(pc.is_valid(inspections["overall_grade"]))["_record_id"].combine_chunks())
    reported = facts["judgements"]["_record_id"].combine_chunks()
    return graded.filter(pc.invert(pc.is_in(pc.binary_join_element_wise(graded, "overall_effectiveness", "/"),
                                            value_set=reported)))


def _derive(ctx: _Context, merged: dict[tuple[str, str], Fact], graded: set[str]) -> None:
    """Fill the DERIVED columns and add the overall_effectiveness judgement of each `graded` inspection."""
    _record_rules(ctx, merged)
    for (table, record_id), fact in list(merged.items()):
        row = fact.values
        if "local_authority" in row:
            la = ctx.register.find(row["local_authority"])
            if la:
                row["local_authority"], row["la_code"] = la.name, la.gss_code
        if table != "inspections":
            continue
        start, end = row.get("visit_start"), row.get("visit_end")
        if start and end and start.precision != end.precision:
            ctx.problems.append(Problem(*fact.at("visit_end"), f"inspections {record_id}",
                                        "visit_start and visit_end must be written to the same precision"))
        elif start and end and end.value < start.value:
            ctx.problems.append(Problem(*fact.at("visit_end"), f"inspections {record_id}",
                                        f"visit_end {_show(end)} is before visit_start {_show(start)}"))
        published = row.get("published_date")
        if published and start and last_day(published.value, published.precision) < start.value:
            ctx.problems.append(Problem(*fact.at("published_date"),
                                        f"inspections {record_id}",
                                        f"published_date {_show(published)} is before visit_start {_show(start)}: "
                                        "a report is published after its visit"))
        if "framework" not in row:
            row["framework"] = _framework(row)
        if record_id in graded:
            key = ("judgements", f"{record_id}/overall_effectiveness")
            merged[key] = Fact("judgements", key[1], fact.file, fact.line,
                               {"inspection_id": record_id, "area": "overall_effectiveness", "area_label": None,
                                "grade": row["overall_grade"]}, seq=fact.seq)


def _unknown_inspection(reference: str, defined: list[str]) -> str:
    close = difflib.get_close_matches(reference, defined, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"inspection_id {reference!r} is not defined by any mapping's inspections{hint}"


def _check_references(merged: dict[tuple[str, str], Fact], columns: dict[str, pa.Table],
                      declared: set[str]) -> list[tuple[Order, Problem]]:
    """Every inspection_id a record refers to must be defined by some mapping's inspections.
    `declared` holds every inspection id a mapping lists, even one whose record had problems of its own
    (already reported): referring to it is not a second mistake."""
    defined = sorted(declared)
    problems = []
    for (table, _), fact in merged.items():
        reference = fact.values.get("inspection_id")
        if table == "inspections" or reference is None or reference in declared:
            continue
        problems.append(((fact.file, fact.seq), Problem(*fact.at("inspection_id"), f"{table} {fact.record_id}",
                                                        _unknown_inspection(reference, defined))))
    for table, facts in columns.items():
        unknown = pc.invert(pc.is_in(facts["inspection_id"], value_set=pa.array(defined, pa.string())))
        for row in facts.filter(pc.and_(unknown, pc.is_valid(facts["inspection_id"]))).to_pylist():
            problems.append(((row["_file"], row["_seq"]), Problem(
                row["_file"], _line(row["_lines"], "inspection_id", row["_line"]), f"{table} {row['_record_id']}",
                _unknown_inspection(row["inspection_id"], defined))))
    return problems


def _provenance(provenance: pa.Table, graded: pa.Array) -> pa.Table:
    """One row per quote of every record, plus the quotes of each derived overall_effectiveness
    judgement (its inspection's overall_grade quotes), sorted by key. A quote two articles' records
    share is kept once, as the first article in source order gives it. Only the published columns are
    copied, once, in key order."""
    overall = _filtered(provenance, pc.and_(pc.and_(pc.equal(provenance["table_name"], "inspections"),
                                                    pc.equal(provenance["field"], "overall_grade")),
                                            pc.is_in(provenance["record_id"], value_set=graded)))
    judgements = overall.set_column(0, "table_name", pa.repeat(pa.scalar("judgements"), overall.num_rows))
    judgements = judgements.set_column(1, "record_id", pc.binary_join_element_wise(
        judgements["record_id"], "overall_effectiveness", "/"))
    judgements = judgements.set_column(2, "field", pa.repeat(pa.scalar("grade"), overall.num_rows))
    key = list(TABLES[PROVENANCE].primary_key)
    every = pa.concat_tables([provenance, judgements.cast(provenance.schema)])
    schema = HELD_SCHEMAS[PROVENANCE].with_metadata(None)
    held = {k: _held(every[k], schema.field(k).type) for k in key}  # encoded once: sorted, compared, taken below
    order = key_order(pa.table(held), key)  # stable: equal keys stay in concat order
    repeated = None  # positions (in key order) whose key equals the one before's
    for k in key:  # one key column at a time in key order: the copies are of one column, not of the table
        column = pc.take(held[k], order).combine_chunks()
        # One dictionary for the column: the same value is the same index.
        values = column.indices if isinstance(column, pa.DictionaryArray) else column
        same = pc.equal(values.slice(1), values.slice(0, max(len(values) - 1, 0)))
        repeated = same if repeated is None else pc.and_(repeated, same)
    chosen = order.to_numpy().copy()
    keep = np.ones(len(chosen), dtype=bool)
    if repeated is not None and len(repeated):
        keep[1:] = ~repeated.to_numpy(zero_copy_only=False)
        _first_in_source_order(every, chosen, keep)
    rows = pa.array(chosen[keep])
    columns = []
    for column in schema:
        taken = held.pop(column.name) if column.name in held else _held(every[column.name], column.type)
        columns.append(pc.take(taken, rows))
        mapped_files.let_go(every[column.name])  # read for the last time: the pages of the facts' file go back
    mapped_files.let_go(*every.columns)  # and those of the columns not published (where each quote was mapped)
    return pa.Table.from_arrays(columns, names=schema.names).cast(schema)


def _filtered(table: pa.Table, mask: pa.ChunkedArray) -> pa.Table:
    """The rows of `table` where `mask` holds: a filter reads a column whole, and at 100,000 articles the facts'
    provenance file is 1.9 GB."""
    return _column_by_column(table, lambda column: pc.filter(column, mask))


def _column_by_column(table: pa.Table, compute: Callable[[pa.ChunkedArray], pa.ChunkedArray]) -> pa.Table:
    """`table` with each column computed from its own (rows filtered or taken), one at a time, each column's pages
    of the facts' file let go once computed: never the pages of every column at once."""
    columns = []
    for column in table.columns:
        columns.append(compute(column))
        mapped_files.let_go(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


def _held(column: pa.ChunkedArray, kind: pa.DataType) -> pa.ChunkedArray:
    """A column as the merged table holds it (schemas.arrow.HELD_SCHEMAS): a string column is encoded before the
    rows are taken, so that only indices are taken and the plain column is never copied. (The facts' columns are
    plain: they are encoded here only.) It is encoded a chunk at a time, each chunk's pages of the facts' file let
    go once encoded: at 100,000 articles the quotes are 0.7 GB read whole, 44 MB of distinct values."""
    if not pa.types.is_dictionary(kind):
        return column
    chunks = []
    for chunk in column.chunks:
        chunks.append(chunk.dictionary_encode())
        mapped_files.let_go(chunk)
    return pa.chunked_array(chunks, kind).unify_dictionaries()


def _first_in_source_order(every: pa.Table, chosen: np.ndarray, keep: np.ndarray) -> None:
    """For each key held by several rows (a quote two mappings both give: a handful at most), keep the
    row of the first mapping in source order rather than the first concatenated."""
    starts = np.flatnonzero(keep)
    ends = np.append(starts[1:], len(keep))
    shared = np.flatnonzero(ends - starts > 1)
    for start, end in zip(starts[shared].tolist(), ends[shared].tolist(), strict=True):
        rows = every.select(["_file", "_seq"]).take(chosen[start:end]).to_pylist()
        first = min(range(end - start), key=lambda i: (rows[i]["_file"], rows[i]["_seq"]))
        chosen[start] = chosen[start + first]


def _published(name: str, facts: pa.Table, rows: list[dict[str, Any]]) -> pa.Table:
    """A table kept as columns (no dates, nothing derived), with the rows of its merged records, in key order.
    Its columns are put in that order one at a time, each column's pages of the facts' file let go once taken: at
    100,000 articles the recommendations' pages read whole were 0.3 GB on top of their copy."""
    schema = ARROW_SCHEMAS[name].with_metadata(None)
    columns = [facts[f.name] if f.name in facts.column_names else pa.nulls(facts.num_rows, f.type) for f in schema]
    table = pa.concat_tables([pa.Table.from_arrays(columns, schema=schema), to_arrow(name, rows)])
    order = pc.sort_indices(table, [(key, "ascending") for key in TABLES[name].primary_key])
    return _column_by_column(table, lambda column: pc.take(column, order))


@dataclass
class Combined:
    tables: dict[str, pa.Table]  # every fact table and provenance, published columns, sorted by key
    problems: list[Problem]


def combine(facts: dict[str, pa.Table], declared: set[str], register: Register, pages: dict[str, Page]) -> Combined:
    """Merge what every article says into one row per record and derive the documented columns.
    `facts` are fact_tables in source order, which this takes over: provenance, the largest by far, is merged
    first and taken out of `facts`, so that the caller's memory-mapped files of it can be let go before the
    records are merged as Python objects. `declared` is every inspection id a mapping lists."""
    ctx = _Context(register)
    provenance, owned_problems = facts.pop(PROVENANCE), []
    for name in _UNIQUE_ACROSS_MAPPINGS:
        facts[name], problems, dropped = _owned(name, facts[name])
        owned_problems += problems
        provenance = _without(provenance, name, dropped)
    ctx.problems += _in_order(owned_problems)
    graded = _graded(facts)
    merged_provenance = _provenance(provenance, graded)
    del provenance
    shared = pc.is_in(facts["judgements"]["_record_id"], value_set=repeated_values(facts["judgements"]["_record_id"]))
    columns = {"judgements": facts["judgements"].filter(pc.invert(shared)), "recommendations": facts["recommendations"]}
    merged = _merge(ctx, _by_record([*((name, facts[name]) for name in WHOLE_RECORDS),
                                     ("judgements", facts["judgements"].filter(shared))]))
    ctx.problems += _in_order(_check_references(merged, columns, declared))
    _derive(ctx, merged, set(graded.to_pylist()))
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for (table, _), fact in merged.items():
        row = {name: fact.values.get(name) for name in TABLES[table].field_names}
        _flatten_dates(table, row)
        rows[table].append(row)
    dated_at = {f.values["source_id"]: f.lines.get("published_date") for f in merged.values() if f.table == "sources"}
    del merged  # a few hundred megabytes of Python objects at 10,000 articles, let go as each table is made
    ctx.problems += fill_sources(rows["sources"], pages, _inferred(merged_provenance), dated_at)
    # The tables made of rows first, and their rows' memory handed back, before the tables kept as columns are put
    # in key order: at 100,000 articles, merged alone, the rows of sources and funding commitments took the process
    # 0.25 GB higher while the recommendations were ordered (the merge's peak in a cold build).
    tables = {name: _table(name, columns, rows.pop(name)) for name in fact_tables.FACT_TABLES if name not in columns}
    freed_memory.give_back()
    tables.update({name: _table(name, columns, rows.pop(name)) for name in columns})
    tables[PROVENANCE] = merged_provenance
    return Combined({name: tables[name] for name in (PROVENANCE, *fact_tables.FACT_TABLES)}, ctx.problems)


def _table(name: str, columns: dict[str, pa.Table], rows: list[dict[str, Any]]) -> pa.Table:
    """A fact table as published: kept as columns where it can be (`columns`, whose pages of the facts' file
    then go back), else made from its rows."""
    if name not in columns:
        return to_arrow(name, rows)
    table = _published(name, columns[name], rows)
    mapped_files.let_go(*columns[name].columns)
    return table


def _inferred(provenance: pa.Table) -> set[str]:
    """Articles whose date a note says was inferred: a note on a quote of their published_date."""
    dates = pc.and_(is_in(provenance["table_name"], pa.array(["sources"])),
                    is_in(provenance["field"], pa.array(["published_date"])))
    dated = plain(provenance.select(["record_id", "note"]).filter(dates))
    return set(dated.filter(pc.greater(pc.utf8_length(dated["note"]), 0))["record_id"].to_pylist())
