"""How much of a curated mapping a draft recovers: precision and recall per fact type.

The draft is only useful if it finds what a curator would; this scores it against the curated seed
mappings so the rules can be improved without quietly getting worse. Facts are compared on what
identifies them, not on ids or quotes (a draft cannot guess the curator's slugs or trimming):

- inspections: (local_authority, inspection_type), as a multiset;
- judgements: (local_authority of the inspection, area, grade);
- overall grades: (local_authority, grade) of inspections that have one;
- counts: (local_authority, recommendations_count);
- recommendations: matched one to one when their words overlap (Jaccard >= 0.5);
- funding: amount_gbp.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from ofsted_dataset.build.mappings import Mapping, Record, load_mapping
from ofsted_dataset.build.reference import JudgementAreas, Register
from ofsted_dataset.curation.draft import draft_mapping
from ofsted_dataset.text import fold

FACT_TYPES = ("inspections", "judgements", "overall_grades", "counts", "recommendations", "funding")
MIN_OVERLAP = 0.5

# per fact type: (matched, drafted, curated)
Tally = dict[str, tuple[int, int, int]]


def _text(value: object) -> str:
    return getattr(value, "text", value)  # a Quote, or plain text


def _la(register: Register, name: str | None) -> str | None:
    la = register.find(name) if name else None
    return la.name if la else name


def _keys(mapping: Mapping, register: Register, areas: JudgementAreas) -> dict[str, list]:
    def of(table: str) -> list[Record]:
        return [r for r in mapping.records if r.table == table]

    inspections = of("inspections")
    la_of = {r.values["inspection_id"]: _la(register, r.values.get("local_authority")) for r in inspections}
    return {
        "inspections": [(_la(register, r.values.get("local_authority")), r.values.get("inspection_type"))
                        for r in inspections],
        "judgements": [(la_of.get(r.values["inspection_id"]), areas.area_of(_text(r.values.get("area_label", ""))),
                        r.values.get("grade")) for r in of("judgements")],
        "overall_grades": [(_la(register, r.values.get("local_authority")), r.values["overall_grade"])
                           for r in inspections if "overall_grade" in r.values],
        "counts": [(_la(register, r.values.get("local_authority")), r.values["recommendations_count"])
                   for r in inspections if "recommendations_count" in r.values],
        "recommendations": [_text(r.values.get("text", "")) for r in of("recommendations")],
        "funding": [r.values.get("amount_gbp") for r in of("funding_commitments")],
    }


def _words(text: str) -> set[str]:
    return set(fold(text).casefold().replace("-", " ").split())


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
    d, c = _keys(draft, register, areas), _keys(curated, register, areas)
    tally: Tally = {}
    for kind in FACT_TYPES:
        if kind == "recommendations":
            matched = _matched_texts(d[kind], c[kind])
        else:
            matched = sum((Counter(d[kind]) & Counter(c[kind])).values())
        tally[kind] = (matched, len(d[kind]), len(c[kind]))
    return tally


def precision_recall(tally: Tally) -> dict[str, tuple[float, float]]:
    """Rounded to 3 places; an empty side counts as perfect (nothing drafted is nothing wrong)."""
    return {kind: (round(m / n_draft, 3) if n_draft else 1.0, round(m / n_cur, 3) if n_cur else 1.0)
            for kind, (m, n_draft, n_cur) in tally.items()}


def load_draft(text: str, name: str) -> Mapping:
    """Load draft YAML text with the mapping loader, as `mappings/<name>` would be loaded."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        mapping, problems = load_mapping(path)
    if mapping is None:
        raise ValueError(f"the draft of {name} does not load: " + "; ".join(str(p) for p in problems))
    return mapping


def tally_seed_corpus(root: Path) -> dict[str, Tally]:
    """Per article: draft it from its raw text alone and score against its curated mapping."""
    register, areas = Register.load(root), JudgementAreas.load(root)
    tallies: dict[str, Tally] = {}
    for path in sorted((root / "mappings").glob("*.yaml")):
        curated, problems = load_mapping(path)
        if curated is None:
            raise ValueError(f"{path} does not load: {problems}")
        draft = load_draft(draft_mapping(root / "raw" / curated.file, register, areas), path.name)
        tallies[curated.source_id] = score_mapping(draft, curated, register, areas)
    return tallies


def score_seed_corpus(root: Path) -> dict[str, tuple[float, float]]:
    """(precision, recall) per fact type over every curated article under `root`."""
    total: dict[str, list[int]] = {kind: [0, 0, 0] for kind in FACT_TYPES}
    for tally in tally_seed_corpus(root).values():
        for kind, counts in tally.items():
            total[kind] = [a + b for a, b in zip(total[kind], counts, strict=True)]
    return precision_recall({kind: (m, d, c) for kind, (m, d, c) in total.items()})
