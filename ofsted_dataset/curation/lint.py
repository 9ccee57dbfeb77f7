"""`ofsted-dataset lint`: sentences of mapped articles that look like facts but that no quote covers.

A curator reads an article once; lint reads it again for them. Every sentence with a fact-like signal
(a grade given, a sum of money, the word "recommendations", a council name) must overlap a quote
of the article's mapping, or be waived in that mapping (`lint_waivers`: the quote that identifies the
sentence, and why it is left out). A sentence that is neither is reported, with its line and offset,
so nothing an article says is missed silently.

A waiver that keeps no sentence from being reported is reported too, as stale: its quote is not in
the article, or every sentence it matches is covered by a quote, has no signal, or is waived by an
earlier waiver. Left in, it would silence whatever sentence later comes to match it, and its reason
would tell a reader a decision was taken about a sentence that needs none.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ofsted_dataset.curation.sentences import Sentence, split_sentences
from ofsted_dataset.curation.signals import Signals, grades_given, money, recommendations_word
from ofsted_dataset.errors import CurationError
from ofsted_dataset.facts.ingest import read_articles
from ofsted_dataset.facts.mapping_model import Mapping, Quote, Waiver
from ofsted_dataset.facts.mappings import load_mappings
from ofsted_dataset.facts.quotes import QuoteNotFound, find_all, find_quote
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


@dataclass(frozen=True, order=True)
class StaleWaiver:
    """A `lint_waivers` entry that keeps no sentence from being reported, and why."""

    source_id: str
    mapping: str  # the mapping's file name in mappings/
    line: int  # 1-based line of the waiver in the mapping
    quote: str
    why: str  # e.g. "its quote is not in raw/<source_id>.txt"

    def __str__(self) -> str:
        return (f"mappings/{self.mapping}:{self.line}: stale lint waiver {shown(self.quote)}: {self.why}; "
                "remove it from lint_waivers")


Report = Finding | StaleWaiver


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


def reasons(text: str, signals: Signals) -> list[str]:
    """Why a sentence looks like a fact, in the order of the signals; empty when it does not."""
    found = [f"grade word {m.text!r}" for m in grades_given(text)]
    found += [f"money {m.text!r}" for m in money(text)]
    found += [f"{m.text!r}" for m in recommendations_word(text)]
    found += [f"council name {m.text!r}" for m in signals.councils.find(text)]
    return list(dict.fromkeys(found))


class _Waivers:
    """The mapping's waivers as lint meets the sentences they match: which ones keep a sentence from
    being reported, and for the others why each sentence they match would not be reported anyway."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.silencing: set[int] = set()  # indices into mapping.waivers
        self.idle: defaultdict[int, list[tuple[str, str]]] = defaultdict(list)  # index: (sentence, why not)

    def silence(self, sentence: Sentence, why: list[str], covered: bool) -> bool:
        """Whether a waiver keeps this sentence from being reported. The first matching waiver in the
        file takes a sentence that needs one, so a second waiver for it is stale, not both."""
        at = f"raw/{self.mapping.source_id}.txt:{sentence.line}"
        matching = [i for i, w in enumerate(self.mapping.waivers) if find_all(sentence.text, w.quote)]
        if not why or covered:
            for i in matching:
                self.idle[i].append((at, "has no fact-like signal" if not why else "is already covered by a quote"))
            return False
        if not matching:
            return False
        first, *others = matching
        self.silencing.add(first)
        for i in others:
            self.idle[i].append((at, f"is already waived by the waiver on line {self.mapping.waivers[first].line}"))
        return True

    def stale(self, text: str) -> list[StaleWaiver]:
        """Every waiver that silenced no sentence, in the order of the file."""
        return [StaleWaiver(self.mapping.source_id, self.mapping.path.name, w.line, w.quote, self._why(text, i, w))
                for i, w in enumerate(self.mapping.waivers) if i not in self.silencing]

    def _why(self, text: str, index: int, waiver: Waiver) -> str:
        raw = f"raw/{self.mapping.source_id}.txt"
        idle = self.idle[index]
        if len(idle) == 1:
            return f"the sentence it matches ({idle[0][0]}) {idle[0][1]}"
        if idle:
            each = "; ".join(f"{at} {why}" for at, why in idle)
            return f"none of the {len(idle)} sentences it matches would be reported without it ({each})"
        spans = find_all(text, waiver.quote)
        if not spans:
            return f"its quote is not in {raw}"
        line = text.count("\n", 0, spans[0].start) + 1
        return (f"its quote is in {raw} (line {line}) but spans more than one sentence, and a waiver matches only a "
                "quote within one sentence")


def lint_article(text: str, mapping: Mapping, signals: Signals) -> list[Report]:
    """One article's findings, then its stale waivers; a sentence counts as covered when any quote
    overlaps it, since a quote trimmed to the words stating a fact still shows the curator read the
    sentence."""
    spans = _spans(text, _quotes(mapping))
    waivers = _Waivers(mapping)
    found: list[Report] = []
    for s in split_sentences(text):
        why = reasons(s.text, signals)
        covered = any(start < s.end and s.start < end for start, end in spans)
        if not waivers.silence(s, why, covered) and why and not covered:
            found.append(Finding(mapping.source_id, s.line, s.start, s.text, "; ".join(why)))
    return found + waivers.stale(text)


def lint(root: Path) -> list[Report]:
    """Findings and stale waivers for every mapped article under `root`, by source (each article's
    findings by offset, then its stale waivers by line). Mappings that do not load stop it, as they
    stop a build: lint reads quotes, so it needs them parsed."""
    mappings, problems = load_mappings(root / "mappings")
    articles, _ = read_articles(root / "raw")  # unreadable articles are the build's to report
    if problems:
        raise CurationError(problems)
    signals = Signals(Register.load(root), JudgementAreas.load(root))
    found: list[Report] = []
    for mapping in sorted(mappings, key=lambda m: m.source_id):
        article = articles.get(mapping.source_id)
        if article is not None:
            found += lint_article(article.text, mapping, signals)
    return found


def summary(found: list[Report]) -> str:
    """The last lines `ofsted-dataset lint` prints: how many of each kind, and what to do about them."""
    findings = sum(isinstance(f, Finding) for f in found)
    stale = len(found) - findings
    lines = [f"{findings} sentence(s) look like facts that no mapping quote covers"
             + ("; curate them or add a lint_waivers entry with a reason" if findings else "")]
    if stale:
        lines.append(f"{stale} lint waiver(s) silence no sentence; remove them from lint_waivers")
    return "\n".join(lines)
