"""`ofsted-dataset lint`: sentences of mapped articles that look like facts but that no quote covers.

A curator reads an article once; lint reads it again for them. Every sentence with a fact-like signal
(a grade given, a sum of money, the word "recommendations", a council's name) must overlap a quote
of the article's mapping, or be waived in that mapping (`lint_waivers`: the quote that identifies the
sentence, and why it is left out). A sentence that is neither is reported, with its line and offset,
so nothing an article says is missed silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ofsted_dataset.curation.sentences import split_sentences
from ofsted_dataset.curation.signals import Signals, grades_given, money, recommendations_word
from ofsted_dataset.errors import CurationError
from ofsted_dataset.facts.ingest import read_articles
from ofsted_dataset.facts.mapping_model import Mapping, Quote
from ofsted_dataset.facts.mappings import load_mappings
from ofsted_dataset.facts.quotes import QuoteNotFound, find_quote
from ofsted_dataset.facts.reference import JudgementAreas, Register
from ofsted_dataset.text import shown


@dataclass(frozen=True, order=True)
class Finding:
    source_id: str
    line: int  # 1-based line of raw/<source_id>.txt
    offset: int  # code-point offset of the sentence in the article
    sentence: str
    reason: str  # every signal found, e.g. "grade word 'inadequate'; council name 'Sheffield'"

    def __str__(self) -> str:
        return f"raw/{self.source_id}.txt:{self.line}: {self.reason}: {shown(self.sentence)}"


def _quotes(mapping: Mapping) -> list[Quote]:
    """Every quote of the mapping that is in its own article (quotes citing another article are not)."""
    found: list[Quote] = []
    for record in (mapping.source, *mapping.records):
        found += [v for v in record.values.values() if isinstance(v, Quote)]
        for evidence in record.evidence.values():
            found += evidence.quotes
    return [q for q in found if q.source in (None, mapping.source_id)]


def _spans(text: str, quotes: list[Quote]) -> list[tuple[int, int]]:
    spans = []
    for q in quotes:
        try:
            span = find_quote(text, q.text, q.occurrence)
        except QuoteNotFound:
            continue  # the build reports quotes that are not found; lint only needs the ones that are
        spans.append((span.start, span.end))
    return spans


def _waived(sentence: str, mapping: Mapping) -> bool:
    for waiver in mapping.waivers:
        try:
            find_quote(sentence, waiver.quote, 1)
        except QuoteNotFound:
            continue
        return True
    return False


def reasons(text: str, signals: Signals) -> list[str]:
    """Why a sentence looks like a fact, in the order of the signals; empty when it does not."""
    found = [f"grade word {m.text!r}" for m in grades_given(text)]
    found += [f"money {m.text!r}" for m in money(text)]
    found += [f"{m.text!r}" for m in recommendations_word(text)]
    found += [f"council name {m.text!r}" for m in signals.councils.find(text)]
    return list(dict.fromkeys(found))


def lint_article(text: str, mapping: Mapping, signals: Signals) -> list[Finding]:
    """One article's findings; a sentence counts as covered when any quote overlaps it, since a quote
    trimmed to the words stating a fact still shows the curator read the sentence."""
    spans = _spans(text, _quotes(mapping))
    findings = []
    for s in split_sentences(text):
        why = reasons(s.text, signals)
        if not why or any(start < s.end and s.start < end for start, end in spans):
            continue
        if not _waived(s.text, mapping):
            findings.append(Finding(mapping.source_id, s.line, s.start, s.text, "; ".join(why)))
    return findings


def lint(root: Path) -> list[Finding]:
    """Findings for every mapped article under `root`, by source and offset. Mappings that do not load
    stop it, as they stop a build: lint reads quotes, so it needs them parsed."""
    mappings, problems = load_mappings(root / "mappings")
    articles, _ = read_articles(root / "raw")  # unreadable articles are the build's to report
    if problems:
        raise CurationError(problems)
    signals = Signals(Register.load(root), JudgementAreas.load(root))
    findings: list[Finding] = []
    for mapping in mappings:
        article = articles.get(mapping.source_id)
        if article is not None:
            findings += lint_article(article.text, mapping, signals)
    return sorted(findings)
