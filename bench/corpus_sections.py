"""The paragraphs of a synthetic article, each written together with the records and quotes that
back it: the main inspection (lede, visit, publication, judgements, recommendations), history,
round-ups and funding."""

from __future__ import annotations

import random

from bench.corpus_model import Article, Inspection, Rec, day_text, inspection_record, month_text, set_value
from bench.corpus_wording import KIND_WORDS, NUMBER_WORDS, RECOMMENDATIONS
from ofsted_dataset.text import MONTHS


def main_inspection(art: Article, insp: Inspection, recs_wanted: int, counters: dict[str, int]) -> None:
    """The inspection the article is about: lede, visit, publication, judgements, recommendations."""
    c = art.name(insp.council)
    rec = inspection_record(insp, "")
    _lede(art, insp, rec, c)
    _visit(art, insp, rec)
    _publication(art, insp, rec)
    art.records.append(rec)
    _judgements(art, insp, rec)
    _recommendations(art, insp, rec, c, min(recs_wanted, insp.recommendations_made), counters)


def _lede(art: Article, insp: Inspection, rec: Rec, c: str) -> None:
    """The opening sentence: the grade of a graded inspection, else what the visit found."""
    kind_word = KIND_WORDS[insp.kind]
    if insp.grade:
        lede = art.rng.choice((
            f"{c} has been rated {art.grade(insp.grade)} by Ofsted after inspectors examined the help and "
            "protection given to vulnerable children and families",
            f"Children's services provided by {c} are {art.grade(insp.grade)}, according to Ofsted's latest "
            "inspection",
            f"Ofsted has judged the children's services of {c} to be {art.grade(insp.grade)} overall",
        ))
        art.add(lede + ".")
        rec.evidence["local_authority"] = ([lede], None)
        set_value(rec, "overall_grade", insp.grade, [lede])
    else:
        lede = art.rng.choice((
            f"Inspectors carrying out a {kind_word} to {c} have warned that too many children are waiting too "
            "long for help",
            f"A {kind_word} by Ofsted to {c} has found that services for children are improving, but not "
            "quickly enough",
            f"Ofsted has published the findings of its {kind_word} to {c}, which looked at the help given to "
            "children at risk",
        ))
        art.add(lede + ".")
        rec.evidence["local_authority"] = ([lede], None)
    set_value(rec, "inspection_type", insp.kind, [lede] if not insp.grade else [])


def _visit(art: Article, insp: Inspection, rec: Rec) -> None:
    """Visit dates, to the precision each article can state."""
    kind_word = KIND_WORDS[insp.kind]
    s, e = insp.visit_start, insp.visit_end
    same_year_dateline = art.dateline is not None and art.date is not None and art.date.year == s.year
    choice = art.rng.random()
    if insp.kind == "full_inspection" and same_year_dateline and choice < 0.35:
        months = MONTHS[s.month - 1] if s.month == e.month else f"{MONTHS[s.month - 1]} and {MONTHS[e.month - 1]}"
        visit = f"The {kind_word} report, put together following a visit during {months}, states that too " \
                "many children wait too long for a service"
        note = f"{months} of the year of the article's dateline ({s.year})."
        set_value(rec, "visit_start", f"{s.year}-{s.month:02d}", [visit, art.dateline], note)
        set_value(rec, "visit_end", f"{e.year}-{e.month:02d}", [visit, art.dateline], note)
    elif choice < 0.75:
        if s.month == e.month:
            between = f"between {s.day} and {e.day} {month_text(e)}"
        else:
            between = f"between {s.day} {MONTHS[s.month - 1]} and {day_text(e)}"
        visit = f"Inspectors were on site {between} for the {kind_word}, speaking to social workers, managers " \
                "and partners"
        set_value(rec, "visit_start", s.isoformat(), [visit])
        set_value(rec, "visit_end", e.isoformat(), [visit])
    else:
        visit = f"The {kind_word}, carried out in {month_text(s)}, looked at a sample of children's case records"
        set_value(rec, "visit_start", f"{s.year}-{s.month:02d}", [visit])
    art.add(visit + ".")
    rec.evidence["inspection_type"][0].append(visit)


def _publication(art: Article, insp: Inspection, rec: Rec) -> None:
    """When the report was published: from the dateline, to the day, or to the month."""
    rng, p = art.rng, insp.published
    if art.dateline and art.date and (art.date.year, art.date.month) == (p.year, p.month) and rng.random() < 0.5:
        published = "The report, published this month, sets out what the council must do next"
        art.add(f"{published}.")
        set_value(rec, "published_date", f"{p.year}-{p.month:02d}", [published, art.dateline],
             f"Reported as news in the article of {day_text(art.date)}, so published in {month_text(p)}.")
    elif rng.random() < 0.5:
        published = f"In a report published on {day_text(p)}, inspectors said leaders had been too slow to act"
        art.add(f"{published}.")
        set_value(rec, "published_date", p.isoformat(), [published])
    else:
        published = f"Ofsted's findings, which were published in {month_text(p)}, follow concerns raised by staff"
        art.add(f"{published}.")
        set_value(rec, "published_date", f"{p.year}-{p.month:02d}", [published])


def _judgements(art: Article, insp: Inspection, rec: Rec) -> None:
    """The list of judgements of a graded inspection, one line and one record each."""
    if not insp.judgements:
        return
    rng = art.rng
    art.add(rng.choice(("The verdict", "Ofsted's judgements", "How the council was rated")))
    if rng.random() < 0.6:
        overall = f"Overall effectiveness: {art.grade(insp.grade or 'good')}"
        art.add(overall)
        rec.evidence["overall_grade"][0].append(overall)
    for label, grade in insp.judgements:
        line = f"{label}: {art.grade(grade)}"
        art.add(line)
        art.records.append(Rec("judgements", {"inspection_id": insp.inspection_id, "area_label": label,
                                              "grade": grade}, {"grade": ([line], None)}))


def _recommendations(art: Article, insp: Inspection, rec: Rec, c: str, recs_wanted: int,
                     counters: dict[str, int]) -> None:
    """Recommendations, or priority actions and areas for improvement for a visit."""
    if recs_wanted <= 0:
        return
    rng = art.rng
    chosen = rng.sample(RECOMMENDATIONS, min(recs_wanted, len(RECOMMENDATIONS)))
    if insp.kind == "full_inspection":
        made = insp.recommendations_made
        words = NUMBER_WORDS[made] if made <= 10 and rng.random() < 0.5 else str(made)
        intro = f"The report makes {words} recommendations for improvement, including that the council should"
        set_value(rec, "recommendations_count", made, [intro])
        groups = [(chosen, intro, False)]
    else:
        urgent_n = max(1, len(chosen) // 3)
        intro_u = f"Ofsted called on {c} to urgently address {NUMBER_WORDS[min(urgent_n, 10)]} priority actions"
        intro_n = "Inspectors also identified areas that could be improved, saying the council should"
        groups = [(chosen[:urgent_n], intro_u, True), (chosen[urgent_n:], intro_n, False)]
    for items, intro, urgent in groups:
        if items:
            _recommendation_list(art, insp, items, intro, urgent, counters)


def _recommendation_list(art: Article, insp: Inspection, items: list[tuple[str, str]], intro: str, urgent: bool,
                         counters: dict[str, int]) -> None:
    """One introduced bullet list of recommendations, numbered on from the inspection's last one."""
    art.add(intro + ":")
    bullets = []
    for theme, text in items:
        n = insp.next_recommendation
        insp.next_recommendation += 1
        counters["recommendations"] += 1
        bullets.append(f"  • {text}")
        art.records.append(Rec("recommendations", {
            "recommendation_id": f"{insp.inspection_id}-{n}", "inspection_id": insp.inspection_id,
            "text": text, "theme": theme, "urgent": urgent}, {"theme": ([text], None), "urgent": ([intro], None)}))
    art.add("\n".join(bullets))


def history_paragraph(art: Article, insp: Inspection, main_name_quote: str) -> None:
    """An earlier inspection of the same council, mentioned in passing."""
    rng = art.rng
    rec = inspection_record(insp, main_name_quote, "The earlier inspection of the council the article is about.")
    kind_word = KIND_WORDS[insp.kind]
    if insp.grade and rng.random() < 0.5:
        sentence = f"The previous {kind_word}, in {insp.visit_start.year}, rated the council{art.apos}s " \
                   f"services {art.grade(insp.grade)}"
        set_value(rec, "visit_start", str(insp.visit_start.year), [sentence])
    elif insp.grade:
        sentence = f"Before this, the council had last been rated {art.grade(insp.grade, lower=True)} " \
                   f"in {month_text(insp.published)}"
        set_value(rec, "published_date", f"{insp.published.year}-{insp.published.month:02d}", [sentence])
    else:
        sentence = f"An earlier {kind_word} in {month_text(insp.visit_start)} had already found weaknesses in " \
                   "the same areas"
        set_value(rec, "visit_start", f"{insp.visit_start.year}-{insp.visit_start.month:02d}", [sentence])
    if insp.grade:
        set_value(rec, "overall_grade", insp.grade, [sentence])
    set_value(rec, "inspection_type", insp.kind, [sentence])
    art.add(sentence + ".")
    art.records.append(rec)


def roundup_paragraph(art: Article, insp: Inspection) -> None:
    """Another council's inspection, in an 'elsewhere' paragraph."""
    rng = art.rng
    c = art.name(insp.council)
    rec = inspection_record(insp, "")
    if insp.grade:
        sentence = rng.choice((
            f"Elsewhere, {c} was rated {art.grade(insp.grade)} in an inspection report published in "
            f"{month_text(insp.published)}",
            f"In {month_text(insp.published)}, Ofsted published an inspection report rating {c} "
            f"{art.grade(insp.grade)}",
        ))
        set_value(rec, "overall_grade", insp.grade, [sentence])
        set_value(rec, "published_date", f"{insp.published.year}-{insp.published.month:02d}", [sentence])
    else:
        sentence = f"Meanwhile, a {KIND_WORDS[insp.kind]} to {c} in {month_text(insp.visit_start)} made mostly " \
                   "positive findings despite pressure on the service"
        set_value(rec, "visit_start", f"{insp.visit_start.year}-{insp.visit_start.month:02d}", [sentence])
    rec.evidence["local_authority"] = ([sentence], None)
    set_value(rec, "inspection_type", insp.kind, [sentence])
    art.add(sentence + ".")
    art.records.append(rec)


def _amount(rng: random.Random) -> tuple[str, int, str]:
    """Text, whole pounds and slug of a sum of money, written as articles write it."""
    style = rng.random()
    if style < 0.5:
        tenths = rng.randint(5, 200)
        text = f"£{tenths // 10}m" if tenths % 10 == 0 else f"£{tenths / 10:.1f}m"
        return text, tenths * 100_000, text[1:].replace(".", "-")
    if style < 0.75:
        tenths = rng.randint(11, 99)
        text = f"£{tenths / 10:.1f} million"
        return text, tenths * 100_000, f"{tenths // 10}-{tenths % 10}m"
    thousands = rng.randint(100, 990)
    return f"£{thousands},000", thousands * 1000, f"{thousands}k"


def funding_paragraph(art: Article, insp: Inspection, purposes: list[str], used_ids: set[str]) -> None:
    rng, c = art.rng, art.name(insp.council)
    text, pounds, slug = _amount(rng)
    purpose = purposes.pop()
    year = (art.date or insp.published).year
    base = f"{insp.council.slug}-{year}-{slug}"
    commitment_id, suffix = base, 2
    while commitment_id in used_ids:
        commitment_id = f"{base}-{suffix}"
        suffix += 1
    used_ids.add(commitment_id)
    rec = Rec("funding_commitments", {"commitment_id": commitment_id, "local_authority": insp.council.name})
    if rng.random() < 0.5:
        years = rng.randint(2, 5)
        sentence = f"{c} has announced a {NUMBER_WORDS[years]}-year, {text} investment into {purpose}"
        set_value(rec, "amount_gbp", pounds, [sentence])
        set_value(rec, "period_years", years, [sentence])
    else:
        sentence = f"{c} has also agreed an additional {text} of funding for {purpose}"
        set_value(rec, "amount_gbp", pounds, [sentence])
    rec.values["purpose"] = purpose
    if art.dateline and art.date:
        set_value(rec, "announced_date", str(art.date.year), [sentence, art.dateline],
             f"Agreed by the time of the article of {day_text(art.date)}; the exact date is not given.")
    rec.evidence["local_authority"] = ([sentence], None)
    rec.values["inspection_id"] = insp.inspection_id
    art.add(sentence + ".")
    art.records.append(rec)


