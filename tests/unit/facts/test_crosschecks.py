"""Tests for ofsted_dataset.facts.crosschecks: a curated value must be stated by its own quotes."""

from __future__ import annotations

import pytest

from ofsted_dataset.facts.crosschecks import (
    check_amount,
    check_date,
    check_grade,
    check_names,
    check_number,
    money_amounts,
    number_words,
)
from ofsted_dataset.facts.mapping_model import parse_date

# --- money_amounts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("an additional £9.2m of funding", [9_200_000]),
        ("£10m", [10_000_000]),
        ("a £1,500 grant", [1_500]),
        ("£1,500,000 more", [1_500_000]),
        ("£2.5 million", [2_500_000]),
        ("£2.5million", [2_500_000]),
        ("£1bn", [1_000_000_000]),
        ("£1.5 billion", [1_500_000_000]),
        ("£500k", [500_000]),
        ("£20 thousand", [20_000]),
        ("£9.25M", [9_250_000]),
        ("£ 3 m", [3_000_000]),
        ("£40", [40]),
        ("£2.5m and then £3m", [2_500_000, 3_000_000]),
    ],
)
def test_money_amounts(text, amounts):
    assert money_amounts(text) == amounts


@pytest.mark.parametrize(
    "text",
    ["no money here", "9.2m without a pound sign", "$10m", "£2.55", "£0.5"],
)
def test_money_amounts_ignores_non_pounds_and_fractions_of_a_pound(text):
    assert money_amounts(text) == []


def test_money_amounts_does_not_read_a_following_word_as_a_scale():
    # "£5 more": the "m" of "more" is not a million.
    assert money_amounts("£5 more for each child") == [5]
    assert money_amounts("£10 maybe") == [10]


# --- check_amount ---------------------------------------------------------------------------------


def test_check_amount_matches():
    assert check_amount(9_200_000, ["The council has also agreed an additional £9.2m of funding"]) is None


def test_check_amount_matches_in_any_quote():
    assert check_amount(1_500, ["nothing here", "a £1,500 grant"]) is None


def test_check_amount_mismatch_lists_what_quotes_say():
    assert check_amount(9_200_000, ["an extra £9.5m", "and £1,500 a head", "another £9.5m"]) == (
        "amount 9,200,000 does not match its quotes, which say 1,500, 9,500,000"
    )


def test_check_amount_no_money_in_quotes():
    assert check_amount(500, ["extra funding for children's services"]) == (
        "amount 500 does not match its quotes, which say no amount of money"
    )


# --- check_grade ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "quote"),
    [
        ("inadequate", "children’s services are ‘Inadequate’"),
        ("good", 'which they rated as "good"'),
        ("outstanding", "OUTSTANDING"),
        ("adequate", "The previous inspection in 2012 was ‘Adequate’"),
        ("requires_improvement", "rated requires improvement to be good"),
        ("requires_improvement", "‘Requires  improvement’"),
        ("requires_improvement", "requires\nimprovement"),
    ],
)
def test_check_grade_stated(grade, quote):
    assert check_grade(grade, [quote]) is None


def test_check_grade_inadequate_does_not_count_as_adequate():
    assert check_grade("adequate", ["the council was rated inadequate"]) == (
        "grade 'adequate' is not stated in its quotes (expected the word 'adequate'; they say 'inadequate')"
    )


def test_check_grade_missing_word():
    assert check_grade("requires_improvement", ["improvement is required", "it requires work"]) == (
        "grade 'requires_improvement' is not stated in its quotes (expected the word 'requires improvement'; they "
        "contain no grade word)"
    )


def test_check_grade_good_is_a_whole_word():
    assert check_grade("good", ["a goodly sum"]) == (
        "grade 'good' is not stated in its quotes (expected the word 'good'; they contain no grade word)"
    )


def test_check_grade_names_every_grade_word_its_quotes_hold():
    assert check_grade("good", ["rated outstanding for adoption", "judged to require improvement",
                                "requires improvement to be good overall"]) == (
        "grade 'good' is not stated in its quotes (expected the word 'good'; they say 'outstanding' and "
        "'requires improvement')"
    )


def test_check_grade_unknown_grade_raises():
    with pytest.raises(KeyError):
        check_grade("excellent", ["excellent"])


def test_check_grade_good_is_not_backed_by_requires_improvement_to_be_good():
    assert check_grade("good", ["rated requires improvement to be good"]) is not None


# --- number_words and check_number ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, ["0", "zero"]),
        (4, ["4", "four"]),
        (19, ["19", "nineteen"]),
        (20, ["20", "twenty"]),
        (22, ["22", "twenty-two", "twenty two"]),
        (99, ["99", "ninety-nine", "ninety nine"]),
        (100, ["100"]),
        (1500, ["1500"]),
    ],
)
def test_number_words(value, words):
    assert number_words(value) == words


@pytest.mark.parametrize(
    ("value", "quote"),
    [
        (22, "The report, which makes 22 recommendations"),
        (4, "over four years"),
        (4, "a four-year plan"),
        (4, "Four years"),
        (22, "twenty-two recommendations"),
        (22, "twenty two recommendations"),
        (22, "twenty–two recommendations"),
        (30, "thirty actions"),
    ],
)
def test_check_number_written(value, quote):
    assert check_number(value, [quote]) is None


def test_check_number_mismatch():
    assert check_number(22, ["makes 12 recommendations"]) == (
        "22 is not written in its quotes (expected '22' or 'twenty-two' or 'twenty two')"
    )


def test_check_number_digits_must_be_a_whole_number():
    assert check_number(22, ["makes 122 recommendations", "in 2022"]) == (
        "22 is not written in its quotes (expected '22' or 'twenty-two' or 'twenty two')"
    )


def test_check_number_word_must_be_whole():
    assert check_number(4, ["fourteen recommendations"]) == "4 is not written in its quotes (expected '4' or 'four')"


def test_check_number_large_value_only_in_digits():
    assert check_number(100, ["a hundred recommendations"]) == "100 is not written in its quotes (expected '100')"
    assert check_number(100, ["100 recommendations"]) is None


# --- check_date -----------------------------------------------------------------------------------


def test_check_date_year_stated():
    assert check_date(parse_date("2012"), ["The previous inspection in 2012"], None) is None


def test_check_date_year_missing():
    assert check_date(parse_date("2012"), ["The previous inspection"], None) == (
        "its quotes do not state the year 2012: add a `note` saying how the date was inferred"
    )


def test_check_date_year_must_be_whole_number():
    assert check_date(parse_date("2012"), ["reference 20121"], None) == (
        "its quotes do not state the year 2012: add a `note` saying how the date was inferred"
    )


@pytest.mark.parametrize("date", ["2012", "2017-02", "2017-02-13"])
def test_check_date_with_note_is_accepted(date):
    assert check_date(parse_date(date), ["nothing about dates"], "Inferred from the article's dateline.") is None


def test_check_date_empty_note_does_not_count():
    assert check_date(parse_date("2012"), ["nothing"], "") == (
        "its quotes do not state the year 2012: add a `note` saying how the date was inferred"
    )


@pytest.mark.parametrize(
    "quote",
    ["In February 2017", "in february, 2017", "Feb 2017", "FEB. 2017"],
)
def test_check_date_month_by_name_or_abbreviation(quote):
    assert check_date(parse_date("2017-02"), [quote], None) is None


def test_check_date_month_and_year_in_different_quotes():
    assert check_date(parse_date("2017-02"), ["In February", "Tuesday, June 13, 2017"], None) is None


def test_check_date_month_missing():
    assert check_date(parse_date("2017-06"), ["published in 2017"], None) == (
        "its quotes do not state the month June: add a `note` saying how the date was inferred"
    )


def test_check_date_month_abbreviation_must_be_a_word():
    # "mar" inside "market" is not March
    assert check_date(parse_date("2017-03"), ["the market in 2017"], None) == (
        "its quotes do not state the month March: add a `note` saying how the date was inferred"
    )


@pytest.mark.parametrize("quote", ["Tuesday, June 13, 2017", "13 June 2017", "on the 13th of June 2017"])
def test_check_date_day_stated(quote):
    assert check_date(parse_date("2017-06-13"), [quote], None) is None


def test_check_date_day_with_leading_zero():
    assert check_date(parse_date("2017-06-03"), ["03 June 2017"], None) is None


def test_check_date_day_missing():
    assert check_date(parse_date("2017-06-03"), ["Tuesday, June 13, 2017"], None) == (
        "its quotes do not state the day 3: add a `note` saying how the date was inferred"
    )


def test_check_date_everything_missing():
    assert check_date(parse_date("2017-02-13"), ["in 2016"], None) == (
        "its quotes do not state the year 2017 and the month February and the day 13: "
        "add a `note` saying how the date was inferred"
    )


def test_check_date_year_precision_does_not_ask_for_month_or_day():
    assert check_date(parse_date("2017"), ["2017"], None) is None


# --- check_names ----------------------------------------------------------------------------------

SOUTH_GLOS = ("South Gloucestershire Council", "South Gloucestershire", "South Glos")


@pytest.mark.parametrize(
    "quote",
    [
        "failings within South Gloucestershire’s children’s services",
        "The South Glos Safeguarding Children Board",
        "south gloucestershire council said",
        "South\u00a0Gloucestershire",
    ],
)
def test_check_names_found(quote):
    assert check_names(SOUTH_GLOS, [quote]) is None


def test_check_names_folds_typography_in_the_name():
    assert check_names(("Bath & North East Somerset", "B&NES"), ["B&NES council"]) is None
    assert check_names(("Children’s Trust",), ["the Children's Trust"]) is None


def test_check_names_missing():
    assert check_names(SOUTH_GLOS, ["a council in the South West"]) == (
        "no quote names the council (as any of: South Gloucestershire Council, South Gloucestershire, South Glos)"
    )


def test_check_names_partial_word_does_not_count():
    assert check_names(("Sheffield",), ["Sheffields"]) == "no quote names the council (as any of: Sheffield)"


def test_check_names_does_not_accept_a_neighbouring_council():
    names = ("Gloucestershire County Council", "Gloucestershire Council", "Gloucestershire")
    others = ("South Gloucestershire Council", "South Gloucestershire")
    quote = "neighbouring South Gloucestershire Council was rated as inadequate"
    assert check_names(names, [quote], others) == (
        "no quote names the council (as any of: Gloucestershire County Council, Gloucestershire Council, "
        "Gloucestershire)")
    assert check_names(names, [quote + " after Gloucestershire was"], others) is None
