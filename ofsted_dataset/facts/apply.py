"""Apply curated mappings to their articles: match every quote, cross-check every value, merge the
facts several articles report about one record, and derive the documented columns.

The result is plain rows per table plus one provenance row per quote. Nothing here guesses a fact:
a value is either in a mapping and proven by its quotes, or derived by a rule named in
`schemas/tables.py`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from ofsted_dataset.errors import Problem
from ofsted_dataset.facts import crosschecks
from ofsted_dataset.facts.ingest import Article
from ofsted_dataset.facts.mapping_model import CuratedDate, Mapping, Quote, Record
from ofsted_dataset.facts.quotes import QuoteNotFound, Span, find_quote, quote_problem
from ofsted_dataset.facts.reference import JudgementAreas, Register
from ofsted_dataset.periods import finer, last_day, same_period, written
from schemas.model import Field, Origin
from schemas.patterns import FINANCIAL_YEAR
from schemas.tables import TABLES, precision_column
from schemas.vocabularies import AREAS, FRAMEWORK_STARTS, GRADES

Rows = dict[str, list[dict[str, Any]]]
# A quote found in an article: the article's source id, the span, and the evidence note it came with.
_Found = tuple[str, Span, str | None]


@dataclass
class Fact:
    """One record as one mapping reports it, with its quotes resolved."""

    table: str
    record_id: str
    file: str
    line: int
    values: dict[str, Any]
    provenance: list[dict[str, Any]] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    # A merged record: the mapping that stated a value first given by another article than `file`'s.
    files: dict[str, str] = field(default_factory=dict)

    def at(self, name: str) -> tuple[str, int]:
        """Where the record's value of `name` was written (file and line), for a message about it."""
        return self.files.get(name, self.file), self.lines.get(name, self.line)


@dataclass
class _Context:
    articles: dict[str, Article]
    mapped: set[str]
    register: Register
    areas: JudgementAreas
    problems: list[Problem] = field(default_factory=list)
    refused: frozenset[str] = frozenset()  # source ids whose raw file is there but was refused


def _provenance(table: str, record_id: str, name: str, source_id: str, span: Span,
                note: str | None) -> dict[str, Any]:
    return {"table_name": table, "record_id": record_id, "field": name, "source_id": source_id,
            "char_start": span.start, "char_end": span.end, "quote": span.text, "note": note}


def _resolve(ctx: _Context, mapping: Mapping, record: Record, name: str, quote: Quote) -> tuple[str, Span] | None:
    """Find one quote in its article; report a problem naming file, fact and quote if it is not there."""
    source_id = quote.source or mapping.source_id
    where = f"{record.where}.{name}"
    file = f"mappings/{mapping.path.name}"
    if source_id not in ctx.articles:
        state = "was refused (see that file's problem)" if source_id in ctx.refused else "is missing"
        ctx.problems.append(Problem(file, quote.line, where, f"quote cites raw/{source_id}.txt, which {state}"))
        return None
    if source_id not in ctx.mapped:
        ctx.problems.append(Problem(file, quote.line, where,
                                    f"quote cites raw/{source_id}.txt, which has no mapping of its own yet"))
        return None
    try:
        return source_id, find_quote(ctx.articles[source_id].text, quote.text, quote.occurrence)
    except QuoteNotFound as exc:
        message = quote_problem(ctx.articles[source_id].text, quote.text, f"raw/{source_id}.txt", exc)
        ctx.problems.append(Problem(file, quote.line, where, message))
        return None


def _cross_check(ctx: _Context, f: Field, value: Any, quotes: list[str], note: str | None) -> str | None:
    """Whether the quotes say what the value says. The check follows from the field's definition: a
    grade vocabulary, a sum of money (and whether it is hedged), a financial year, a count, a date, or a
    council."""
    if f.enum == tuple(GRADES):
        return crosschecks.check_grade(value, quotes)
    if f.name == "amount_gbp":
        return crosschecks.check_amount(value, quotes)
    if f.name == "approximate":
        return crosschecks.check_approximate(value, quotes)
    if f.pattern == FINANCIAL_YEAR:
        return crosschecks.check_financial_year(value, quotes)
    if f.type == "integer":
        return crosschecks.check_number(value, quotes)
    if f.type == "date":
        return crosschecks.check_date(value, quotes, note)
    if f.name == "local_authority":
        la = ctx.register.find(value)
        if la is None:
            hint = ctx.register.suggestions(value)
            did = f" (did you mean {hint[0]!r}?)" if hint else ""
            return f"{value!r} is not in reference/local_authorities.csv{did}"
        return crosschecks.check_names(la.names, quotes, ctx.register.names_containing(la))
    return None


def _fact(ctx: _Context, mapping: Mapping, record: Record) -> Fact | None:
    """Resolve the quotes of one mapping record and build its row values (before merging)."""
    table = TABLES[record.table]
    file = f"mappings/{mapping.path.name}"
    problems_before = len(ctx.problems)
    values, found = _resolved_values(ctx, mapping, record)
    if record.table == "judgements":
        _judgement_area(ctx, file, record, values)
    if record.table == "funding_commitments" and "approximate" not in values and "amount_gbp" in found:
        rounded = crosschecks.hedged(values["amount_gbp"], [span.text for _, span, _ in found["amount_gbp"]])
        if rounded:
            ctx.problems.append(Problem(file, record.lines.get("amount_gbp", record.line),
                                        f"{record.where}.approximate",
                                        f"the article hedges the amount ({rounded!r}): write `approximate: true` "
                                        "with that quote as evidence (or `approximate: false` with a note, if the "
                                        "figure is exact after all)"))
    if record.table == "sources":
        article = ctx.articles[mapping.source_id]
        values.update(source_id=mapping.source_id, path=article.path, sha256=article.sha256,
                      characters=len(article.text))
    if len(ctx.problems) > problems_before:
        return None
    record_id = table.record_id(values)
    provenance = [_provenance(table.name, record_id, name, source_id, span, note)
                  for name, quotes in found.items() for source_id, span, note in quotes]
    return Fact(table.name, record_id, file, record.line, values, provenance, lines=record.lines)


def _resolved_values(ctx: _Context, mapping: Mapping, record: Record) -> tuple[dict[str, Any], dict[str, list[_Found]]]:
    """The record's values, quoted ones as found in the article, and the quotes found for each field.
    An evidenced value is cross-checked against its quotes once all of them are found."""
    table = TABLES[record.table]
    values: dict[str, Any] = {}
    found: dict[str, list[_Found]] = {}
    for name, value in record.values.items():
        if table.field(name).origin is Origin.QUOTE:
            resolved = _resolve(ctx, mapping, record, name, value)
            if resolved:
                values[name] = resolved[1].text
                found[name] = [(*resolved, None)]
            continue
        values[name] = value
        evidence = record.evidence.get(name)
        if evidence is None:
            continue
        spans = [r for q in evidence.quotes if (r := _resolve(ctx, mapping, record, name, q)) is not None]
        if len(spans) < len(evidence.quotes):
            continue
        found[name] = [(source_id, span, evidence.note) for source_id, span in spans]
        message = _cross_check(ctx, table.field(name), value, [span.text for _, span in spans], evidence.note)
        if message:
            ctx.problems.append(Problem(f"mappings/{mapping.path.name}", record.lines.get(name, record.line),
                                        f"{record.where}.{name}", message))
    return values, found


def _judgement_area(ctx: _Context, file: str, record: Record, values: dict[str, Any]) -> None:
    """The area a judgement is about: stated by the mapping when the article's wording is its own, else
    looked up from that wording (`area_label`) in the shared table of wordings worth reusing."""
    if "area_label" not in record.values:
        ctx.problems.append(Problem(file, record.line, record.where,
                                    "a judgement needs `area_label`, the article's wording of what was judged "
                                    "(it decides the area); put an overall grade on the inspection instead"))
    if "area_label" not in values:
        return
    label, stated = values["area_label"], values.get("area")
    looked_up = ctx.areas.area_of(label)
    line = record.lines.get("area", record.lines.get("area_label", record.line))
    if stated is None and looked_up is None:
        ctx.problems.append(Problem(file, line, f"{record.where}.area_label",
                                    f"{label!r} is not in reference/judgement_areas.csv: state the area in the "
                                    f"mapping (`area:` one of {', '.join(AREAS)}), or add the wording to that "
                                    "file if other articles will use it"))
    elif stated is not None and looked_up not in (None, stated):
        ctx.problems.append(Problem(file, line, f"{record.where}.area",
                                    f"area {stated!r}, but reference/judgement_areas.csv maps {label!r} to "
                                    f"{looked_up!r}: remove `area:` or correct it"))
    values["area"] = stated or looked_up


def _merge(ctx: _Context, facts: list[Fact]) -> dict[tuple[str, str], Fact]:
    """Combine what several articles say about one record; evidenced values must agree.

    Verbatim fields (labels, texts) are taken from the first article in source order; curated values
    that disagree stop the run naming both files, so the curator records a decision in a note.
    """
    merged: dict[tuple[str, str], Fact] = {}
    stated_at: dict[tuple[str, str, str], str] = {}  # where each merged value was first stated: file:line
    for fact in facts:
        key = (fact.table, fact.record_id)
        for name in fact.values:
            stated_at.setdefault((*key, name), f"{fact.file}:{fact.lines.get(name, fact.line)}")
        if key not in merged:
            merged[key] = Fact(fact.table, fact.record_id, fact.file, fact.line, dict(fact.values),
                               list(fact.provenance), dict(fact.lines))
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
                ctx.problems.append(Problem(
                    fact.file, fact.lines.get(name, fact.line), f"{fact.table} {fact.record_id}.{name}",
                    f"{_show(value)} disagrees with {_show(into.values[name])} in {stated_at[(*key, name)]}; "
                    "make them agree and record the decision in an evidence note"))
        seen = {_provenance_key(p) for p in into.provenance}
        into.provenance.extend(p for p in fact.provenance if _provenance_key(p) not in seen)
    return merged


def _provenance_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[k] for k in TABLES["provenance"].primary_key)


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


def _derive(ctx: _Context, merged: dict[tuple[str, str], Fact]) -> None:
    """Fill the DERIVED columns and add the overall_effectiveness judgement of each graded inspection."""
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
        grade = row.get("overall_grade")
        key = ("judgements", f"{record_id}/overall_effectiveness")
        if grade and key not in merged:
            merged[key] = Fact("judgements", key[1], fact.file, fact.line,
                               {"inspection_id": record_id, "area": "overall_effectiveness", "area_label": None,
                                "grade": grade},
                               [dict(p, table_name="judgements", record_id=key[1], field="grade")
                                for p in fact.provenance if p["field"] == "overall_grade"])


# An inspection (and its judgements) may be reported by several articles, whose mappings then use the
# same id and are merged. A recommendation's text or a commitment's purpose is verbatim from one
# article, so their ids belong to one mapping.
_UNIQUE_ACROSS_MAPPINGS = ("recommendations", "funding_commitments")


def _check_references(ctx: _Context, merged: dict[tuple[str, str], Fact], declared: set[str]) -> None:
    """Every inspection_id a record refers to must be defined by some mapping's inspections.
    `declared` holds every inspection id a mapping lists, even one whose record had problems of its own
    (already reported): referring to it is not a second mistake."""
    defined = sorted(declared)
    for (table, _), fact in merged.items():
        reference = fact.values.get("inspection_id")
        if table == "inspections" or reference is None or reference in declared:
            continue
        close = difflib.get_close_matches(reference, defined, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        ctx.problems.append(Problem(*fact.at("inspection_id"), f"{table} {fact.record_id}",
                                    f"inspection_id {reference!r} is not defined by any mapping's "
                                    f"inspections{hint}"))


@dataclass
class ArticleFacts:
    """What one mapping contributes before it is merged with the others: the unit of per-article work,
    of caching (article_cache.py) and of batching across workers."""

    source_id: str
    file: str
    facts: list[Fact]
    declared: list[str]  # inspection ids the mapping lists, even those whose record had problems
    cited: dict[str, str]  # other articles its quotes cite -> their sha256 when resolved
    problems: list[Problem]


def resolve_mapping(mapping: Mapping, articles: dict[str, Article], mapped: set[str], register: Register,
                    areas: JudgementAreas, refused: frozenset[str] = frozenset()) -> ArticleFacts:
    """Match every quote of one mapping in its article and cross-check every value.

    `mapped` are the source ids that have a mapping file (loaded or not): a quote citing an article
    whose mapping failed to load is not a second mistake (the first is reported). `refused` are the
    articles that are there but were refused (reported on their own): the mapping is then not applied,
    and is not said to be missing its article, which would invite deleting a good mapping."""
    ctx = _Context(articles, mapped, register, areas, refused=refused)
    file = f"mappings/{mapping.path.name}"
    declared = [r.values["inspection_id"] for r in mapping.records
                if r.table == "inspections" and "inspection_id" in r.values]
    cited = {q.source: articles[q.source].sha256
             for r in (mapping.source, *mapping.records) for e in r.evidence.values() for q in e.quotes
             if q.source and q.source in articles}
    result = ArticleFacts(mapping.source_id, file, [], declared, cited, ctx.problems)
    ctx.problems.extend(mapping.drafts)  # nothing unreviewed is published; the rest is still checked
    article = articles.get(mapping.source_id)
    if article is None:
        ctx.problems.append(Problem(file, mapping.source_lines.get("file"), "source.file", _absent(ctx, mapping.file)))
        return result
    if article.sha256 != mapping.sha256:
        ctx.problems.append(Problem(file, mapping.source_lines.get("sha256"), "source.sha256",
                                    f"raw/{mapping.file} changed since it was curated (sha256 is now "
                                    f"{article.sha256}); re-check its quotes, then update sha256"))
    seen: dict[tuple[str, str], int] = {}
    for record in (mapping.source, *mapping.records):
        fact = _fact(ctx, mapping, record)
        if not fact:
            continue
        key = (fact.table, fact.record_id)
        if key in seen:
            ctx.problems.append(Problem(file, fact.line, record.where,
                                        f"{fact.record_id} is listed twice in this mapping (also at line "
                                        f"{seen[key]}); give each record once"))
            continue
        seen[key] = fact.line
        result.facts.append(fact)
    return result


def _absent(ctx: _Context, raw_file: str) -> str:
    if raw_file[:-4] in ctx.refused:
        return (f"not applied because its article raw/{raw_file} was refused (see raw/{raw_file}'s own "
                "problem); fix the article, not this mapping")
    return f"the article raw/{raw_file} is missing; restore it or remove the mapping"


def combine(results: list[ArticleFacts], register: Register) -> tuple[Rows, list[Problem]]:
    """Merge what every article says into one row per record and derive the documented columns."""
    ctx = _Context({}, set(), register, JudgementAreas({}))
    for result in results:
        ctx.problems.extend(result.problems)
    facts: list[Fact] = []
    owners: dict[tuple[str, str], str] = {}  # ids that must be unique across mappings -> the file using it
    for result in results:
        for fact in result.facts:
            key = (fact.table, fact.record_id)
            if fact.table in _UNIQUE_ACROSS_MAPPINGS:
                if key in owners:
                    ctx.problems.append(Problem(fact.file, fact.line, f"{fact.table} {fact.record_id}",
                                                f"{fact.record_id} is already used in {owners[key]}: ids of "
                                                f"{fact.table} are unique across mappings"))
                    continue
                owners[key] = fact.file
            facts.append(fact)
    merged = _merge(ctx, facts)
    _check_references(ctx, merged, {i for r in results for i in r.declared})
    _derive(ctx, merged)
    rows: Rows = {name: [] for name in TABLES}
    for (table, _), fact in merged.items():
        row = {name: fact.values.get(name) for name in TABLES[table].field_names}
        _flatten_dates(table, row)
        rows[table].append(row)
        rows["provenance"].extend(fact.provenance)
    return rows, ctx.problems
