"""Apply one curated mapping to its article: match every quote and cross-check every value.

The result is one Fact per record plus one provenance row per quote (fact_tables.py turns them into
columns; combine.py merges what several articles say and derives the documented columns). Nothing here
guesses a fact: a value is either in a mapping and proven by its quotes, or derived by a rule named in
`schemas/tables.py`.
"""

from __future__ import annotations

from collections import abc
from dataclasses import dataclass, field
from typing import Any

from ofsted_dataset.errors import Problem
from ofsted_dataset.facts import crosschecks
from ofsted_dataset.facts.ingest import Article
from ofsted_dataset.facts.mapping_model import Mapping, Quote, Record
from ofsted_dataset.facts.quotes import QuoteNotFound, Span, find_quote, quote_problem
from ofsted_dataset.facts.reference import JudgementAreas, Register
from schemas.model import Field, Origin
from schemas.patterns import FINANCIAL_YEAR
from schemas.tables import TABLES
from schemas.vocabularies import AREAS, GRADES

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
    seq: int = 0  # its place among its mapping's records: with `file`, its place in source order

    def at(self, name: str) -> tuple[str, int]:
        """Where the record's value of `name` was written (file and line), for a message about it."""
        return self.files.get(name, self.file), self.lines.get(name, self.line)


@dataclass
class _Context:
    articles: abc.Mapping[str, Article]
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


def resolve_mapping(mapping: Mapping, articles: abc.Mapping[str, Article], mapped: set[str], register: Register,
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
