"""Tests for ofsted_dataset.facts.quotes: locating a curator's quote in an article as an exact raw span."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ofsted_dataset.facts.quotes import QuoteNotFound, Span, find_all, find_quote
from ofsted_dataset.text import fold

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
