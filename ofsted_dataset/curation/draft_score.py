"""`ofsted-dataset draft-score`: how much of the curated mappings the drafter recovers.

A draft is only useful if it finds what a curator would. This drafts every mapped article of a corpus
(the project's `raw/` and `mappings/`, or a folder of fixtures holding both) from its raw text and page
record alone (the drafter never reads mappings/, and the drafts are loaded from memory, never written
there), compares each draft with the curated mapping and reports precision and recall per fact type,
so the rules can be improved without quietly getting worse. Facts are compared on what identifies
them, not on ids or quotes (a draft cannot guess the curator's slugs or trimming), each as a multiset:

- inspections: (council, inspection type);
- overall grades: (council, grade) of inspections that have one;
- judgements: (council of the inspection, area, grade), the area stated or looked up from the wording;
- counts: (council, recommendations_count);
- recommendations: matched one to one when their words overlap (Jaccard >= 0.5);
- funding: (council, amount);
- dates: the article's own date as published (the mapping's, else the page record's), and each
  inspection's (council, visit start / visit end / publication, value at its precision);
- themes: (council, theme) of visits;
- grade counts: (council, scope, grade, number of areas).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from pathlib import Path

from ofsted_dataset.curation.draft import draft_mapping
from ofsted_dataset.errors import CurationError, PipelineError
from ofsted_dataset.facts.collector import read_pages
from ofsted_dataset.facts.mapping_model import CuratedDate, Mapping, Quote, Record
from ofsted_dataset.facts.mappings import load_mapping, load_mappings
from ofsted_dataset.facts.reference import JudgementAreas, Register
from ofsted_dataset.periods import written
from ofsted_dataset.text import folded_key

MIN_OVERLAP = 0.5
# Each fact type with how the table names it (what is compared, in brackets).
FACT_TYPES = {
    "inspections": "inspections (council, type)",
    "overall_grades": "overall grades (council, grade)",
    "judgements": "graded judgements (council, area, grade)",
    "counts": "counts of recommendations (council, count)",
    "recommendations": f"named recommendations and priority actions (word overlap ≥ {MIN_OVERLAP})",
    "funding": "funding commitments (council, amount)",
    "dates": "dates (article; visit start, visit end, publication)",
    "themes": "themes of visits (council, theme)",
    "grade_counts": "counts of areas by grade (council, scope, grade, areas)",
}
_DATE_FIELDS = ("visit_start", "visit_end", "published_date")

# per fact type: (matched, drafted, curated)
Tally = dict[str, tuple[int, int, int]]
# per fact type: the identities of one side's facts (a list: repeats count)
Facts = dict[str, list[Hashable]]


def _text(value: object) -> str:
    return value.text if isinstance(value, Quote) else str(value)


def _la(register: Register, name: object) -> str | None:
    """The register name of a council as the mapping names it (an alias counts as its council)."""
    if not isinstance(name, str):
        return None
    la = register.find(name)
    return la.name if la else name


def _when(value: object) -> str | None:
    return written(value.value, value.precision) if isinstance(value, CuratedDate) else None


def facts_of(mapping: Mapping, register: Register, areas: JudgementAreas, page_date: CuratedDate | None) -> Facts:
    """What identifies each fact of the mapping, per fact type (recommendations by their words)."""
    inspections = _of(mapping, "inspections")
    la_of = {r.values["inspection_id"]: _la(register, r.values.get("local_authority")) for r in inspections}
    article = mapping.source.values.get("published_date") or page_date
    return {
        "inspections": [(_la(register, r.values.get("local_authority")), r.values.get("inspection_type"))
                        for r in inspections],
        "overall_grades": [(_la(register, r.values.get("local_authority")), r.values["overall_grade"])
                           for r in inspections if "overall_grade" in r.values],
        "judgements": [(la_of.get(r.values["inspection_id"]),
                        r.values.get("area") or areas.area_of(_text(r.values.get("area_label", ""))),
                        r.values.get("grade")) for r in _of(mapping, "judgements")],
        "counts": [(_la(register, r.values.get("local_authority")), r.values["recommendations_count"])
                   for r in inspections if "recommendations_count" in r.values],
        "recommendations": [_text(r.values.get("text", "")) for r in _of(mapping, "recommendations")],
        "funding": [(_la(register, r.values.get("local_authority")), r.values.get("amount_gbp"))
                    for r in _of(mapping, "funding_commitments")],
        "dates": ([("article", _when(article))] if article else []) + [
            (_la(register, r.values.get("local_authority")), name, _when(r.values[name]))
            for r in inspections for name in _DATE_FIELDS if name in r.values],
        "themes": [(_la(register, r.values.get("local_authority")), r.values["theme"])
                   for r in inspections if "theme" in r.values],
        "grade_counts": [(la_of.get(r.values["inspection_id"]), r.values.get("scope"), r.values.get("grade"),
                          r.values.get("areas")) for r in _of(mapping, "grade_counts")],
    }


def _of(mapping: Mapping, table: str) -> list[Record]:
    return [r for r in mapping.records if r.table == table]


def _words(text: str) -> set[str]:
    return set(folded_key(text).replace("-", " ").split())


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wa | wb) if wa | wb else 0.0


def _pair_texts(drafted: list[str], curated: list[str]) -> tuple[list[str], list[str]]:
    """Pairs each curated text with the unused draft text it overlaps most (in a fixed order); returns
    the curated texts left unpaired and the drafted ones."""
    free = list(drafted)
    missed = []
    for text in curated:
        best = max(free, key=lambda d: _overlap(d, text), default=None)
        if best is not None and _overlap(best, text) >= MIN_OVERLAP:
            free.remove(best)
        else:
            missed.append(text)
    return missed, free


def differences(draft: Facts, curated: Facts) -> dict[str, tuple[list[Hashable], list[Hashable]]]:
    """Per fact type: what the curator has that the draft missed, and what the draft has that is wrong."""
    found: dict[str, tuple[list[Hashable], list[Hashable]]] = {}
    for kind in FACT_TYPES:
        if kind == "recommendations":
            missed, extra = _pair_texts([str(t) for t in draft[kind]], [str(t) for t in curated[kind]])
            found[kind] = (list(missed), list(extra))
        else:
            d, c = Counter(draft[kind]), Counter(curated[kind])
            found[kind] = (list((c - d).elements()), list((d - c).elements()))
    return found


def score(draft: Facts, curated: Facts) -> Tally:
    """(matched, drafted, curated) per fact type for one article."""
    tally: Tally = {}
    for kind, (missed, _) in differences(draft, curated).items():
        tally[kind] = (len(curated[kind]) - len(missed), len(draft[kind]), len(curated[kind]))
    return tally


def load_draft(text: str, name: str) -> Mapping:
    """Draft YAML text loaded with the mapping loader, as `mappings/<name>` would be, from memory."""
    mapping, problems = load_mapping(Path(name), text.encode("utf-8"))
    if mapping is None:
        raise PipelineError(f"the draft of {name} does not load (a drafter bug)", [str(p) for p in problems])
    return mapping


def compare_corpus(corpus: Path, reference_root: Path) -> dict[str, tuple[Facts, Facts]]:
    """Per mapped article of `corpus` (its raw/ and mappings/), by source id: the facts of its draft, made
    from its raw text and page record alone, and of its curated mapping. Mappings or page records that do
    not load stop it, as they stop a build: there is nothing to score against."""
    curated, problems = load_mappings(corpus / "mappings")
    pages, page_problems = read_pages(corpus / "raw", {p.stem for p in (corpus / "raw").glob("*.txt")})
    if problems or page_problems:
        raise CurationError([*problems, *page_problems])
    register, areas = Register.load(reference_root), JudgementAreas.load(reference_root)
    compared = {}
    for mapping in curated:
        raw = corpus / "raw" / mapping.file
        if not raw.is_file():
            raise PipelineError(f"raw/{mapping.file} is missing: mappings/{mapping.path.name} cannot be scored")
        page = pages.get(mapping.source_id)
        page_date = page.values.get("page_published_date") if page else None
        draft = load_draft(draft_mapping(raw, register, areas), mapping.path.name)
        compared[mapping.source_id] = (facts_of(draft, register, areas, page_date),
                                       facts_of(mapping, register, areas, page_date))
    return compared


def tally_corpus(corpus: Path, reference_root: Path) -> dict[str, Tally]:
    """Per mapped article of `corpus`, by source id: its draft scored against its mapping."""
    return {source_id: score(draft, curated)
            for source_id, (draft, curated) in compare_corpus(corpus, reference_root).items()}


def tally_project(root: Path) -> dict[str, Tally]:
    """The project's own mapped articles, scored."""
    return tally_corpus(root, root)


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


def render_differences(compared: dict[str, tuple[Facts, Facts]]) -> str:
    """Per article, what the draft missed (-) and what it drafted that the curator did not (+)."""
    lines = []
    for source_id, (draft, curated) in compared.items():
        for kind, (missed, extra) in differences(draft, curated).items():
            lines += [f"{source_id}  {kind}  - {fact!r}" for fact in missed]
            lines += [f"{source_id}  {kind}  + {fact!r}" for fact in extra]
    return "\n".join(lines)


def report(root: Path, corpus: Path | None = None, show_differences: bool = False) -> str:
    """What `ofsted-dataset draft-score` prints: how many articles were drafted, the table, and on request
    every difference."""
    compared = compare_corpus(corpus or root, corpus if corpus and (corpus / "reference").is_dir() else root)
    tally = total(score(d, c) for d, c in compared.values())
    where = "" if corpus is None else f" of {corpus}"
    text = (f"{len(compared)} mapped article(s){where} drafted from their raw text alone and compared with their "
            f"mappings:\n\n{render_table(tally)}")
    if show_differences:
        text += "\n\nDifferences (- missed, + drafted but not curated):\n" + render_differences(compared)
    return text
