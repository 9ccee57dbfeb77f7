"""Tests for ofsted_dataset.facts.quotes: locating a curator's quote in an article as an exact raw span."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ofsted_dataset.facts.quotes import (
    Near,
    QuoteAbsent,
    QuoteNotFound,
    Span,
    closest,
    find_all,
    find_quote,
    quote_problem,
)
from ofsted_dataset.text import fold, shown

# --- exact matches ---------------------------------------------------------------------------------


def test_exact_match_gives_code_point_offsets_and_raw_text():
    text = "Ofsted said the adoption team was good."
    span = find_quote(text, "adoption team")
    assert span == Span(16, 29, "adoption team")
    assert text[span.start : span.end] == span.text


def test_match_at_start_and_end_of_text():
    text = "Inadequate services, rated inadequate"
    assert find_quote(text, "Inadequate services") == Span(0, 19, "Inadequate services")
    assert find_quote(text, "rated inadequate") == Span(21, 37, "rated inadequate")


def test_quote_is_stripped_before_matching():
    text = "The council was rated good today."
    assert find_quote(text, "  rated good\n") == Span(16, 26, "rated good")


def test_span_is_frozen():
    span = Span(0, 4, "good")
    with pytest.raises(AttributeError):
        span.start = 1  # type: ignore[misc]


# --- typographic tolerance, one class at a time -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        pytest.param(
            "overall, services are ‘Inadequate’ today", "'Inadequate'", Span(22, 34, "‘Inadequate’"),
            id="curly-single-in-text-straight-in-quote",
        ),
        pytest.param(
            "overall, services are 'Inadequate' today", "‘Inadequate’", Span(22, 34, "'Inadequate'"),
            id="straight-single-in-text-curly-in-quote",
        ),
        pytest.param(
            "Gloucestershire’s children", "Gloucestershire's children", Span(0, 26, "Gloucestershire’s children"),
            id="apostrophe-inside-word",
        ),
        pytest.param(
            "was rated “inadequate” by Ofsted", '"inadequate"', Span(10, 22, "“inadequate”"),
            id="curly-double-in-text-straight-in-quote",
        ),
        pytest.param(
            'was rated "inadequate" by Ofsted', "“inadequate”", Span(10, 22, '"inadequate"'),
            id="straight-double-in-text-curly-in-quote",
        ),
        pytest.param(
            "a month–long review", "month-long review", Span(2, 19, "month–long review"),
            id="en-dash-in-text-hyphen-in-quote",
        ),
        pytest.param(
            "a month-long review", "month—long review", Span(2, 19, "month-long review"),
            id="hyphen-in-text-em-dash-in-quote",
        ),
        pytest.param(
            "the services — which failed", "services - which", Span(4, 20, "services — which"),
            id="em-dash-between-words",
        ),
        pytest.param(
            "in South\u00a0Gloucestershire today", "South Gloucestershire",
            Span(3, 24, "South\u00a0Gloucestershire"),
            id="no-break-space-in-text",
        ),
        pytest.param(
            "in South Gloucestershire today", "South\u00a0Gloucestershire", Span(3, 24, "South Gloucestershire"),
            id="no-break-space-in-quote",
        ),
        pytest.param(
            "children’s\n   services were", "children’s services", Span(0, 22, "children’s\n   services"),
            id="newline-and-spaces-in-text",
        ),
        pytest.param(
            "children’s services were", "children’s \n\t services", Span(0, 19, "children’s services"),
            id="whitespace-run-in-quote",
        ),
    ],
)
def test_typographic_tolerance_records_the_raw_span(text, quote, expected):
    span = find_quote(text, quote)
    assert span == expected
    assert text[span.start : span.end] == span.text


def test_quote_class_is_not_confused_with_dash_class():
    # Quotes, dashes and spaces are three separate classes: a dash never stands in for an apostrophe.
    with pytest.raises(QuoteNotFound, match=r"^not found in the article$"):
        find_quote("Gloucestershire-s children", "Gloucestershire's children")


def test_letters_are_matched_case_sensitively():
    with pytest.raises(QuoteNotFound, match=r"^not found in the article$"):
        find_quote("rated Inadequate", "rated inadequate")


# --- errors ---------------------------------------------------------------------------------------


def test_absent_quote_raises_not_found():
    with pytest.raises(QuoteNotFound) as excinfo:
        find_quote("The council was rated good.", "rated outstanding")
    assert str(excinfo.value) == "not found in the article"


def test_ambiguous_quote_names_every_position():
    text = "good and good"
    with pytest.raises(QuoteNotFound) as excinfo:
        find_quote(text, "good")
    assert str(excinfo.value) == "found 2 times (at characters 0, 9); add `occurrence: N` to say which"


def test_ambiguous_quote_positions_account_for_typography():
    text = "‘Good’ then 'Good' then “Good”"
    with pytest.raises(QuoteNotFound) as excinfo:
        find_quote(text, "'Good'")
    assert str(excinfo.value) == "found 2 times (at characters 0, 12); add `occurrence: N` to say which"


def test_occurrence_picks_the_nth_match():
    text = "good and good"
    assert find_quote(text, "good", occurrence=1) == Span(0, 4, "good")
    assert find_quote(text, "good", occurrence=2) == Span(9, 13, "good")


def test_occurrence_one_on_a_unique_quote_is_allowed():
    assert find_quote("rated good", "good", occurrence=1) == Span(6, 10, "good")


@pytest.mark.parametrize("occurrence", [0, 3, -1])
def test_occurrence_out_of_range(occurrence):
    with pytest.raises(QuoteNotFound) as excinfo:
        find_quote("good and good", "good", occurrence=occurrence)
    assert str(excinfo.value) == f"occurrence {occurrence} asked for, but the quote is found 2 time(s)"


def test_occurrence_on_absent_quote_still_says_not_found():
    with pytest.raises(QuoteNotFound, match=r"^not found in the article$"):
        find_quote("good and good", "bad", occurrence=1)


@pytest.mark.parametrize("quote", ["", "   ", "\n\t"])
def test_empty_quote(quote):
    with pytest.raises(QuoteNotFound) as excinfo:
        find_quote("some article text", quote)
    assert str(excinfo.value) == "the quote is empty"


def test_quote_not_found_is_an_exception():
    assert issubclass(QuoteNotFound, Exception)


def test_a_quote_looked_up_again_in_the_same_article_is_found_once_and_a_missing_one_raises_each_time():
    text = "The council was rated inadequate in 2019. It was rated good in 2023."
    find_quote.cache_clear()
    first = find_quote(text, "rated inadequate")
    assert find_quote(text, "rated inadequate") is first == Span(16, 32, "rated inadequate")
    assert find_quote("Another article: rated inadequate.", "rated inadequate") == Span(17, 33, "rated inadequate")
    assert (find_quote.cache_info().hits, find_quote.cache_info().misses) == (1, 2)
    for _ in range(2):
        with pytest.raises(QuoteAbsent, match=r"^not found in the article$"):
            find_quote(text, "rated outstanding")


# --- whole words ----------------------------------------------------------------------------------


def test_quote_does_not_match_inside_a_longer_word_at_the_end():
    with pytest.raises(QuoteNotFound, match=r"^not found in the article$"):
        find_quote("praised its adoption teams for", "adoption team")


def test_quote_does_not_match_inside_a_longer_word_at_the_start():
    with pytest.raises(QuoteNotFound, match=r"^not found in the article$"):
        find_quote("the rating was inadequate", "adequate")


def test_whole_word_skips_partial_and_finds_the_real_match():
    text = "adoption teams and the adoption team, which"
    assert find_quote(text, "adoption team") == Span(23, 36, "adoption team")


def test_quote_ending_in_punctuation_has_no_trailing_word_rule():
    # The boundary rule applies only where the quote itself starts/ends with a letter or digit.
    text = "rated ‘Inadequate’s"
    assert find_quote(text, "‘Inadequate’") == Span(6, 18, "‘Inadequate’")


# --- code-point offsets ---------------------------------------------------------------------------


def test_offsets_are_code_points_after_accented_and_non_bmp_characters():
    text = "Café 😀 report: rated good"
    span = find_quote(text, "rated good")
    # "Café 😀 report: " is 15 code points (the emoji is one code point, two UTF-16 code units, four UTF-8 bytes).
    assert span == Span(15, 25, "rated good")
    assert text[span.start : span.end] == "rated good"
    assert len(text[: span.start].encode("utf-16-le")) // 2 == 16
    assert len(text[: span.start].encode("utf-8")) == 19


def test_offsets_inside_non_bmp_quote():
    text = "x 𝐀𝐁 y"
    assert find_quote(text, "𝐀𝐁") == Span(2, 4, "𝐀𝐁")


# --- fold -----------------------------------------------------------------------------------------


def test_fold_normalises_quotes_dashes_and_whitespace():
    assert fold("‘Requires  improvement’ – to\u00a0be “good”\n") == "'Requires improvement' - to be \"good\""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("children’s", "children's"),
        ("“good”", '"good"'),
        ("month—long", "month-long"),
        ("month–long", "month‐long"),
        ("South\u00a0Glos", "South Glos"),
        ("  a \n\t b  ", "a b"),
    ],
)
def test_fold_makes_typographic_variants_equal(a, b):
    assert fold(a) == fold(b)


def test_fold_keeps_case_and_letters():
    assert fold("Inadequate") == "Inadequate"
    assert fold("Café") == "Café"


# --- a known gap: Unicode line separators --------------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\u1680"])
def test_quote_copied_across_a_unicode_line_separator_is_found(separator):
    text = f"the council{separator}was rated good"
    quote = f"council{separator}was rated"
    assert find_quote(text, quote) == Span(4, 21, quote)


# --- property -------------------------------------------------------------------------------------

_WORD = st.text(
    alphabet=st.characters(categories=("Lu", "Ll", "Lo", "Nd")),
    min_size=1,
    max_size=6,
)


@st.composite
def _words_and_run(draw):
    words = draw(st.lists(_WORD, min_size=1, max_size=12))
    i = draw(st.integers(min_value=0, max_value=len(words) - 1))
    j = draw(st.integers(min_value=i + 1, max_value=len(words)))
    return words, i, j


def _occurrences(words: list[str], run: list[str]) -> int:
    n = len(run)
    return sum(words[k : k + n] == run for k in range(len(words) - n + 1))


@settings(max_examples=200, derandomize=True)
@given(_words_and_run())
def test_property_a_unique_run_of_words_is_found_at_its_offsets(case):
    words, i, j = case
    run = words[i:j]
    assume(_occurrences(words, run) == 1)
    text = " ".join(words)
    quote = " ".join(run)
    start = len(" ".join(words[:i])) + (1 if i else 0)

    span = find_quote(text, quote)

    assert span == Span(start, start + len(quote), quote)
    assert text[span.start : span.end] == quote


# --- the indexed matcher agrees with the plain regular-expression definition ------------------------

_REF_GROUPS = ("'‘’‚‛′`´", "\"“”„‟″«»", "-‐‑‒–—―−")


def _reference_spans(text: str, quote: str) -> list[tuple[int, int]]:
    """The matching rule written as one regular expression per quote (the original definition)."""
    classes = {c: "[" + "".join(re.escape(x) for x in group) + "]" for group in _REF_GROUPS for c in group}
    words = quote.split()
    body = r"\s+".join("".join(classes.get(c, re.escape(c)) for c in word) for word in words)
    head = r"(?<!\w)" if words[0][0].isalnum() or words[0][0] == "_" else ""
    tail = r"(?!\w)" if words[-1][-1].isalnum() or words[-1][-1] == "_" else ""
    return [(m.start(), m.end()) for m in re.finditer(head + body + tail, text)]


_TYPOGRAPHIC = st.text(alphabet=st.sampled_from(list("ab c'’\"“-–\n\u00a0\u2028 _é1")), min_size=0, max_size=40)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(text=_TYPOGRAPHIC, quote=_TYPOGRAPHIC)
def test_indexed_matcher_equals_the_regex_definition(text, quote):
    if not quote.strip():
        return
    assert [(s.start, s.end) for s in find_all(text, quote)] == _reference_spans(text, quote)


# --- what a curator is told: the closest passage, and where it differs ------------------------------

ARTICLE = (
    "Ofsted report\n"
    "\n"
    "In 2019 the council was rated “inadequate”\n  overall by inspectors.\n"
    "The council has also agreed an additional £9.2m of funding for children’s  services.\n"
    "Published 8th July 2017\n"
)


def problem(quote: str, text: str = ARTICLE) -> str:
    """The message the build gives for `quote` (find_quote must refuse it)."""
    with pytest.raises(QuoteNotFound) as excinfo:
        find_quote(text, quote)
    return quote_problem(text, quote, "raw/002_x.txt", excinfo.value)


def test_a_typo_points_at_the_closest_passage_and_the_word_that_differs():
    assert problem('the council was rated "inadequate" overal') == (
        "quote 'the council was rated \"inadequate\" overal' not found in raw/002_x.txt; the closest passage is at "
        "line 3, characters 23–67: 'the council was rated “inadequate”\\n  overall'; they first differ at line 4, "
        "character 66, where the article has '“inadequate”\\n  overall' and the quote '\"inadequate\" overal'"
    )


def test_a_missing_quote_mark_is_a_difference():
    assert problem("the council was rated inadequate overall") == (
        "quote 'the council was rated inadequate overall' not found in raw/002_x.txt; the closest passage is at "
        "line 3, characters 23–67: 'the council was rated “inadequate”\\n  overall'; they first differ at line 3, "
        "character 45, where the article has 'rated “inadequate”' and the quote 'rated inadequate'"
    )


def test_the_passage_is_given_by_raw_offsets_and_lines_across_typography():
    near = closest(ARTICLE, 'rated "inadequate" overal by inspectors')
    assert near == Near(39, 81, 3, "rated “inadequate”\n  overall by inspectors", 66, 4,
                        "“inadequate”\n  overall", '"inadequate" overal', 1.0)
    assert ARTICLE[near.start:near.end] == near.text
    assert ARTICLE[near.differs] == "l"  # the letter the quote lacks
    assert ARTICLE.split("\n")[near.line - 1].startswith("In 2019")


def test_a_quote_differing_in_one_word_in_the_middle():
    assert problem("The council has also agreed an extra £9.2m of funding") == (
        "quote 'The council has also agreed an extra £9.2m of funding' not found in raw/002_x.txt; the closest "
        "passage is at line 5, characters 83–141: 'The council has also agreed an additional £9.2m of funding'; they "
        "first differ at line 5, character 114, where the article has 'an additional' and the quote 'an extra'"
    )


def test_a_word_left_out_shows_the_word_before_it():
    assert problem("The council has agreed an additional £9.2m") == (
        "quote 'The council has agreed an additional £9.2m' not found in raw/002_x.txt; the closest passage is at "
        "line 5, characters 83–130: 'The council has also agreed an additional £9.2m'; they first differ at line 5, "
        "character 99, where the article has 'has also' and the quote 'has agreed'"
    )


def test_a_word_that_only_starts_a_longer_one():
    # "Published 8th July 201" is in the article; the whole-word rule refuses it, and the message says why.
    assert problem("Published 8th July 201") == (
        "quote 'Published 8th July 201' not found in raw/002_x.txt; the closest passage is at line 6, characters "
        "168–191: 'Published 8th July 2017'; they first differ at line 6, character 190, where the article has "
        "'July 2017' and the quote 'July 201'"
    )


def test_a_different_first_word():
    assert problem("Te council has also agreed") == (
        "quote 'Te council has also agreed' not found in raw/002_x.txt; the closest passage is at line 5, characters "
        "83–110: 'The council has also agreed'; they first differ at line 5, character 84, where the article has "
        "'The' and the quote 'Te'"
    )


def test_case_is_a_difference():
    near = closest(ARTICLE, "The Council has also agreed")
    assert near is not None
    assert (near.differs, near.article_words, near.quote_words) == (87, "The council", "The Council")


def test_a_quote_with_nothing_close_says_so():
    assert problem("Ofsted inspected the adoption service") == (
        "quote 'Ofsted inspected the adoption service' not found in raw/002_x.txt, and nothing in the article "
        "comes close"
    )


def test_less_than_half_matching_is_not_close():
    # "the council was " is 16 of the 48 characters: a passage that poor would point at noise.
    assert closest(ARTICLE, "the council was graded outstanding by Ofsted") is None
    near = closest(ARTICLE, "the council was rated outstanding overall by Ofsted")
    assert near is not None and near.text == "the council was rated “inadequate”\n  overall by inspectors"


def test_an_ambiguous_quote_keeps_its_message_with_the_file():
    with pytest.raises(QuoteNotFound) as excinfo:
        find_quote("good and good", "good")
    assert not isinstance(excinfo.value, QuoteAbsent)
    assert quote_problem("good and good", "good", "raw/x.txt", excinfo.value) == (
        "quote 'good' found 2 times (at characters 0, 9); add `occurrence: N` to say which (raw/x.txt)"
    )


def test_an_absent_quote_is_refused_as_before():
    # lint and the drafter expect misses: find_quote stays cheap, and only quote_problem looks further.
    with pytest.raises(QuoteAbsent, match=r"^not found in the article$"):
        find_quote(ARTICLE, "the council was rated inadequate overal")


# --- long quotes: shortened in messages, and found in big articles with capped work -----------------


def test_a_two_million_character_quote_gives_a_short_message_stating_its_length():
    quote = "zebra crossings " * 125_000
    assert len(quote) == 2_000_000
    message = problem(quote)
    assert message == (
        "quote 'zebra crossings zebra crossings zebra crossings zebra crossi … ngs zebra crossings ' "
        "(2,000,000 characters) not found in raw/002_x.txt, and nothing in the article comes close"
    )
    assert len(message) < 300


def _words(count: int, seed: int) -> list[str]:
    """Distinct made-up words, so that any run of them is in a text once."""
    rng = random.Random(seed)
    return [f"{rng.choice('bcdfghjklm')}{rng.choice('aeiou')}{n:x}" for n in range(count)]


def test_a_typo_in_a_long_quote_in_a_big_article():
    words = _words(500_000, 1)
    article = " ".join(words)  # about 4 MB
    run = words[100_000:300_000]
    typo = 150_000
    quote = " ".join([*run[:typo], run[typo][:-1], *run[typo + 1:]])
    start = len(" ".join(words[:100_000])) + 1
    near = closest(article, quote)
    assert near is not None
    assert (near.start, near.end) == (start, start + len(" ".join(run)))
    assert near.differs == start + len(" ".join(run[:typo + 1])) - 1
    assert (near.article_words, near.quote_words) == (f"{run[typo - 1]} {run[typo]}",
                                                      f"{run[typo - 1]} {run[typo][:-1]}")
    message = problem(quote, article)
    assert f"({len(quote):,} characters) not found in raw/002_x.txt; the closest passage is at line 1" in message
    assert len(message) < 500


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=3, max_value=30),
       st.sampled_from(["change", "drop", "add"]))
def test_property_one_word_changed_is_pointed_at(seed, length, edit):
    words = _words(60, seed)
    at = length // 2
    run = words[10:10 + length]
    edited = {"change": [*run[:at], "zzz", *run[at + 1:]], "drop": [*run[:at], *run[at + 1:]],
              "add": [*run[:at], "zzz", *run[at:]]}[edit]
    article = " ".join(words)
    near = closest(article, " ".join(edited))
    assert near is not None
    assert near.text == " ".join(run)
    # They part in the word at `at`: where it starts (a word left out or put in), or after the letters it
    # shares with the quote's word there.
    word = near.start + len(" ".join(run[:at])) + 1
    shared = next(i for i, (a, b) in enumerate(zip(run[at] + " ", edited[at] + " ", strict=False)) if a != b)
    assert word <= near.differs <= word + shared
    assert near.article_words == " ".join(run[max(0, at - 1):at + 1])


# --- shown ------------------------------------------------------------------------------------------


def test_shown_keeps_short_text_whole():
    assert shown("rated good") == "'rated good'"
    assert shown("x" * 120) == repr("x" * 120)
    assert shown("children’s \"services\"") == "'children’s \"services\"'"


def test_shown_shortens_long_text_and_gives_its_length():
    text = "a" * 60 + "b" * 2_001_377 + "c" * 20
    assert shown(text) == f"'{'a' * 60} … {'c' * 20}' (2,001,457 characters)"
    assert shown("y" * 121) == f"'{'y' * 60} … {'y' * 20}' (121 characters)"
