"""A realistic synthetic corpus for benchmarking: N news articles with valid curated mappings.

Why synthetic: the seed corpus has five articles, far too few to tell how the pipeline scales, and
real articles cannot be collected by the thousand. The articles imitate the seeds (headline, byline,
dateline, inspectors quoted, judgement lists, recommendations, money, council responses) and every
mapping is one the real pipeline accepts: quotes verbatim and unique (or with `occurrence`), sha256
of the article, evidence for every evidenced field, dates the quotes state or a note explains,
amounts and grades written in their quotes, councils named in them.

Inspections come from a shared pool, so one inspection is reported by several articles (as news, as
history, in a round-up) with agreeing values, which exercises the cross-article merge. Ids of
recommendations and funding commitments are unique across the corpus.

Deterministic: the same (n, seed) gives the same bytes. Plain string work, no YAML library: 50,000
articles take well under a few minutes.

    python -m bench.generate_corpus OUT_DIR --n 1000 --seed 0
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import random
import shutil
import sys
import time
from pathlib import Path

from bench.corpus_mapping import render_mapping
from bench.corpus_model import (
    Article,
    Inspection,
    Rec,
    day_text,
    load_councils,
    make_pool,
    month_text,
    ordinal,
    set_value,
)
from bench.corpus_sections import funding_paragraph, history_paragraph, main_inspection, roundup_paragraph
from bench.corpus_wording import (
    BYLINES,
    FILLER,
    FOOTERS,
    HEADLINES_GRADED,
    HEADLINES_VISIT,
    KIND_WORDS,
    MAX_BYTES,
    MAX_RECORDS,
    MIN_BYTES,
    MIN_RECORDS,
    NAMES,
    OFFICIALS,
    PUBLISHERS,
    PURPOSES,
    REFERENCE,
    WEEKDAYS,
)
from ofsted_dataset.text import MONTHS


class Generator:
    """Holds the shared state of one corpus: the inspection pool and the corpus-wide id counters."""

    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(f"ofsted-bench-{seed}")
        self.n = n
        self.councils = load_councils()
        self.pool = make_pool(self.rng, self.councils, max(40, n * 3 // 5))
        self.published = [i.published for i in self.pool]
        self.by_council: dict[str, list[Inspection]] = {}
        for insp in self.pool:
            self.by_council.setdefault(insp.council.name, []).append(insp)
        self.funding_ids: set[str] = set()
        self.counters = {"recommendations": 0}

    def _earlier(self, before: dt.date, exclude: set[str]) -> Inspection | None:
        """A random pool inspection published before `before` (for a round-up paragraph)."""
        limit = bisect.bisect_left(self.published, before)
        for _ in range(6):
            if limit == 0:
                return None
            cand = self.pool[self.rng.randrange(limit)]
            if cand.council.name not in exclude:
                return cand
        return None

    def article(self, index: int) -> tuple[str, str, str]:
        """(source_id, article text, mapping text) of article `index`."""
        rng = self.rng
        main = self.pool[index] if index < len(self.pool) else rng.choice(self.pool)
        source_id = f"{index:06d}_{rng.getrandbits(64):016x}"
        date = main.published + dt.timedelta(days=rng.choice((0, 0, 1, 2, 3, 6, 10)))
        style = rng.random()
        art = Article(rng, date)
        publisher = rng.choice(PUBLISHERS)
        source = _headline(art, main)
        _dateline(art, source, date, style)
        others, funding, recs = self._others(main, date)
        main_inspection(art, main, recs, self.counters)
        filler = self._paragraphs(art, main, others)
        purposes = rng.sample(PURPOSES, 2)
        for _ in range(funding):
            funding_paragraph(art, main, purposes, self.funding_ids)
        _ending(art, main, source, publisher, filler)
        text = "\n\n".join(art.paragraphs) + "\n"
        size = len(text.encode("utf-8"))
        if not MIN_BYTES <= size <= MAX_BYTES:  # never expected: the templates are sized for the range
            raise AssertionError(f"article {index} is {size} bytes")
        comment = f"Synthetic article {index} (bench/generate_corpus.py): {main.inspection_id} and " \
                  f"{len(others)} other inspection(s)."
        return source_id, text, render_mapping(source_id, text, source, art.records, comment)

    def _others(self, main: Inspection, date: dt.date) -> tuple[list[Inspection], int, int]:
        """The other inspections the article mentions (history, round-up), how many funding commitments
        it reports, and how many recommendations: the main inspection's findings fill what the other
        facts leave of the article's number of records."""
        rng = self.rng
        target = rng.randint(MIN_RECORDS, MAX_RECORDS)
        history = [i for i in self.by_council[main.council.name] if i.published < main.visit_start]
        others: list[Inspection] = []
        if history:
            others.append(rng.choice(history[-3:]))
        exclude = {main.council.name}
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            extra = self._earlier(date, exclude)
            if extra and extra not in others:
                others.append(extra)
                exclude.add(extra.council.name)
        funding = rng.choice((0, 0, 1, 1, 2))
        fixed = 1 + len(main.judgements) + len(others) + funding
        recs = min(max(target - fixed, 1), main.recommendations_made)
        for _ in range(500):  # a visit with few actions: the article reports more of the round-up
            if fixed + recs >= MIN_RECORDS:
                break
            extra = self._earlier(date, exclude) or rng.choice(self.pool)
            if extra is main or extra in others:
                continue
            others.append(extra)
            exclude.add(extra.council.name)
            fixed += 1
        return others, funding, recs

    def _paragraphs(self, art: Article, main: Inspection, others: list[Inspection]) -> list[str]:
        """History and round-up paragraphs, some followed by filler; returns the filler left."""
        rng, c = self.rng, art.name(main.council)
        main_quote = art.records[0].evidence["local_authority"][0][0]
        filler = [f.format(c=c, p=f"{c}{art.apos}s", a=art.apos) for f in FILLER]
        rng.shuffle(filler)
        for insp in others:
            if insp.council.name == main.council.name:
                history_paragraph(art, insp, main_quote)
            else:
                roundup_paragraph(art, insp)
            if filler and rng.random() < 0.5:
                art.add(filler.pop())
        return filler


def _headline(art: Article, main: Inspection) -> Rec:
    """The headline, as the first paragraph and the source's title."""
    c = art.name(main.council)
    if main.grade:
        headline = art.rng.choice(HEADLINES_GRADED).format(c=c, g=art.grade(main.grade, lower=True))
    else:
        headline = art.rng.choice(HEADLINES_VISIT).format(c=c, k=KIND_WORDS[main.kind])
    art.add(headline)
    return Rec("sources", {"title": headline})


def _dateline(art: Article, source: Rec, date: dt.date, style: float) -> None:
    """The byline and dateline in one of the publishers' styles, or none (an undated press release)."""
    rng = art.rng
    if style < 0.4:
        art.dateline = f"{WEEKDAYS[date.weekday()]}, {MONTHS[date.month - 1]} {date.day}, {date.year}"
        art.add(f"{rng.choice(BYLINES)}\n{art.dateline}")
    elif style < 0.75:
        art.dateline = f"Published {ordinal(date.day)} {month_text(date)}"
        art.add(art.dateline)
    elif style < 0.9:
        art.dateline = day_text(date)
        art.add(f"By {rng.choice(BYLINES)}, {art.dateline}")
    else:
        art.date = None  # an undated press release: no published_date
    if art.dateline:
        set_value(source, "published_date", date.isoformat(), [art.dateline])


def _ending(art: Article, main: Inspection, source: Rec, publisher: str, filler: list[str]) -> None:
    """The council's response, filler up to the article's size, and the publisher's footer."""
    rng, c = art.rng, art.name(main.council)
    official = rng.choice(OFFICIALS)
    person = rng.choice(NAMES)
    response = f"{person}, {c}{art.apos}s {official}, said: \"We accept the findings of the report and " \
               "we are determined to make the improvements our children deserve.\""
    art.add(response)
    footer = rng.choice(FOOTERS).format(p=publisher)
    if publisher in footer:
        source.values["publisher"] = publisher
    target_bytes = rng.randint(MIN_BYTES + 300, MAX_BYTES - 400)
    footer_bytes = len(footer.encode("utf-8")) + 2
    while filler and art.byte_size() + footer_bytes < target_bytes:
        art.add(filler.pop())
    art.add(footer)


def generate(out_root: Path, n: int, seed: int = 0) -> None:
    """Write `out_root/raw/<id>.txt` and `out_root/mappings/<id>.yaml` for `n` articles, beside a copy of
    the project's reference data (register, judgement areas; no official extract): a project of its own."""
    raw, mappings = out_root / "raw", out_root / "mappings"
    for name in ("local_authorities.csv", "judgement_areas.csv"):
        (out_root / "reference").mkdir(parents=True, exist_ok=True)
        shutil.copy(REFERENCE / name, out_root / "reference" / name)
    raw.mkdir(parents=True, exist_ok=True)
    mappings.mkdir(parents=True, exist_ok=True)
    gen = Generator(n, seed)
    for index in range(n):
        source_id, text, mapping = gen.article(index)
        (raw / f"{source_id}.txt").write_bytes(text.encode("utf-8"))
        (mappings / f"{source_id}.yaml").write_bytes(mapping.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate(args.out_dir, args.n, args.seed)
    print(f"{args.n} article(s) written to {args.out_dir} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
