"""`ofsted-dataset draft-score`: how much of the curated mappings the drafter recovers.

A draft is only useful if it finds what a curator would. This drafts every mapped article of a
project from its raw text alone (the drafter never reads mappings/, and the drafts are loaded from
memory, never written there), compares each draft with the curated mapping and reports precision and
recall per fact type, so the rules can be improved without quietly getting worse. Facts are compared
on what identifies them, not on ids or quotes (a draft cannot guess the curator's slugs or trimming):

- inspections: (local_authority, inspection_type), as a multiset;
- judgements: (local_authority of the inspection, area, grade);
- overall grades: (local_authority, grade) of inspections that have one;
- counts: (local_authority, recommendations_count);
- recommendations: matched one to one when their words overlap (Jaccard >= 0.5);
- funding: amount_gbp.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from pathlib import Path

from ofsted_dataset.curation.draft import draft_mapping
from ofsted_dataset.errors import CurationError, PipelineError
from ofsted_dataset.facts.mapping_model import Mapping, Quote, Record
from ofsted_dataset.facts.mappings import load_mapping, load_mappings
from ofsted_dataset.facts.reference import JudgementAreas, Register
from ofsted_dataset.text import folded_key

MIN_OVERLAP = 0.5
# Each fact type with how the table names it (what is compared, in brackets).
FACT_TYPES = {
    "inspections": "inspections (council, type)",
    "judgements": "graded judgements (council, area, grade)",
    "overall_grades": "overall grades (council, grade)",
    "counts": "counts of recommendations",
    "recommendations": f"recommendations and priority actions (word overlap ≥ {MIN_OVERLAP})",
    "funding": "funding commitments (amount)",
}

# per fact type: (matched, drafted, curated)
Tally = dict[str, tuple[int, int, int]]


def _text(value: object) -> str:
    return value.text if isinstance(value, Quote) else str(value)


def _la(register: Register, name: object) -> str | None:
    """The register name of a council as the mapping names it (an alias counts as its council)."""
    if not isinstance(name, str):
        return None
    la = register.find(name)
    return la.name if la else name


def _identities(mapping: Mapping, register: Register, areas: JudgementAreas) -> dict[str, list[Hashable]]:
    """What identifies each fact of the mapping, per fact type other than recommendations."""
    inspections = _of(mapping, "inspections")
    la_of = {r.values["inspection_id"]: _la(register, r.values.get("local_authority")) for r in inspections}
    return {
        "inspections": [(_la(register, r.values.get("local_authority")), r.values.get("inspection_type"))
                        for r in inspections],
        "judgements": [(la_of.get(r.values["inspection_id"]), areas.area_of(_text(r.values.get("area_label", ""))),
                        r.values.get("grade")) for r in _of(mapping, "judgements")],
        "overall_grades": [(_la(register, r.values.get("local_authority")), r.values["overall_grade"])
                           for r in inspections if "overall_grade" in r.values],
        "counts": [(_la(register, r.values.get("local_authority")), r.values["recommendations_count"])
                   for r in inspections if "recommendations_count" in r.values],
        "funding": [r.values.get("amount_gbp") for r in _of(mapping, "funding_commitments")],
    }


def _of(mapping: Mapping, table: str) -> list[Record]:
    return [r for r in mapping.records if r.table == table]


def _recommendations(mapping: Mapping) -> list[str]:
    return [_text(r.values.get("text", "")) for r in _of(mapping, "recommendations")]


def _words(text: str) -> set[str]:
    return set(folded_key(text).replace("-", " ").split())


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wa | wb) if wa | wb else 0.0


def _matched_texts(drafted: list[str], curated: list[str]) -> int:
    """Pairs each curated text with the unused draft text it overlaps most (in a fixed order)."""
    free = list(drafted)
    matched = 0
    for text in curated:
        best = max(free, key=lambda d: _overlap(d, text), default=None)
        if best is not None and _overlap(best, text) >= MIN_OVERLAP:
            free.remove(best)
            matched += 1
    return matched


def score_mapping(draft: Mapping, curated: Mapping, register: Register, areas: JudgementAreas) -> Tally:
    """(matched, drafted, curated) per fact type for one article."""
    d, c = _identities(draft, register, areas), _identities(curated, register, areas)
    tally: Tally = {}
    for kind in FACT_TYPES:
        if kind == "recommendations":
            drafted, curated_texts = _recommendations(draft), _recommendations(curated)
            tally[kind] = (_matched_texts(drafted, curated_texts), len(drafted), len(curated_texts))
        else:
            tally[kind] = (sum((Counter(d[kind]) & Counter(c[kind])).values()), len(d[kind]), len(c[kind]))
    return tally


def load_draft(text: str, name: str) -> Mapping:
    """Draft YAML text loaded with the mapping loader, as `mappings/<name>` would be, from memory."""
    mapping, problems = load_mapping(Path(name), text.encode("utf-8"))
    if mapping is None:
        raise PipelineError(f"the draft of {name} does not load (a drafter bug)", [str(p) for p in problems])
    return mapping


def tally_project(root: Path) -> dict[str, Tally]:
    """Per mapped article (by source id): its draft, from its raw text alone, scored against its mapping.
    Mappings that do not load stop it, as they stop a build: there is nothing to score against."""
    curated, problems = load_mappings(root / "mappings")
    if problems:
        raise CurationError(problems)
    register, areas = Register.load(root), JudgementAreas.load(root)
    tallies: dict[str, Tally] = {}
    for mapping in curated:
        raw = root / "raw" / mapping.file
        if not raw.is_file():
            raise PipelineError(f"raw/{mapping.file} is missing: mappings/{mapping.path.name} cannot be scored")
        draft = load_draft(draft_mapping(raw, register, areas), mapping.path.name)
        tallies[mapping.source_id] = score_mapping(draft, mapping, register, areas)
    return tallies


def total(tallies: Iterable[Tally]) -> Tally:
    """The tallies of several articles added up per fact type."""
    matched = dict.fromkeys(FACT_TYPES, (0, 0, 0))
    for tally in tallies:
        for kind, counts in tally.items():
            m, d, c = matched[kind]
            matched[kind] = (m + counts[0], d + counts[1], c + counts[2])
    return matched


def precision_recall(tally: Tally) -> dict[str, tuple[float, float]]:
    """Rounded to 3 places; an empty side counts as perfect (nothing drafted is nothing wrong)."""
    return {kind: (round(m / n_draft, 3) if n_draft else 1.0, round(m / n_cur, 3) if n_cur else 1.0)
            for kind, (m, n_draft, n_cur) in tally.items()}


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole if whole else 1.0:.2f} ({part}/{whole})"


def render_table(tally: Tally) -> str:
    """A Markdown table of precision and recall with their counts, as the README shows it."""
    lines = ["| fact type | precision | recall |", "|---|---|---|"]
    lines += [f"| {FACT_TYPES[kind]} | {_ratio(m, d)} | {_ratio(m, c)} |" for kind, (m, d, c) in tally.items()]
    return "\n".join(lines)


def report(root: Path) -> str:
    """What `ofsted-dataset draft-score` prints: how many articles were drafted, and the table."""
    tallies = tally_project(root)
    return (f"{len(tallies)} mapped article(s) drafted from their raw text alone and compared with their "
            f"mappings:\n\n{render_table(total(tallies.values()))}")
