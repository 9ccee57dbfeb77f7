"""Tests for ofsted_dataset.facts.crosschecks: a curated value must be stated by its own quotes."""

from __future__ import annotations

import pytest

from ofsted_dataset.facts.crosschecks import (
    HEDGES,
    MONEY,
    check_amount,
    check_approximate,
    check_date,
    check_financial_year,
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


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        # figures run together with their unit, as news prints them
        ("£7million", [7_000_000]),
        ("£7.5million", [7_500_000]),
        ("£5bn", [5_000_000_000]),
        ("£7mn", [7_000_000]),
        ("£1.5 million", [1_500_000]),
        ("£300,000", [300_000]),
        ("a £7m-a-year scheme", [7_000_000]),
        ("£7m, funded by", [7_000_000]),
        ("£7M.", [7_000_000]),
    ],
)
def test_money_amounts_figures_with_their_unit(text, amounts):
    assert money_amounts(text) == amounts


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("seven million pounds", [7_000_000]),
        ("SEVEN MILLION POUNDS", [7_000_000]),
        ("Seven Million Pounds", [7_000_000]),
        ("two and a half million pounds", [2_500_000]),
        ("1.5 million pounds", [1_500_000]),
        ("half a million pounds", [500_000]),
        ("half a billion pounds", [500_000_000]),
        ("300 thousand pounds", [300_000]),
        ("300,000 pounds", [300_000]),
        ("a million pounds", [1_000_000]),
        ("twenty-five million pounds", [25_000_000]),
        ("twenty–five million pounds", [25_000_000]),
        ("twenty five million pounds", [25_000_000]),
        ("seventeen million pounds", [17_000_000]),
        ("seventy million pounds", [70_000_000]),
        ("three hundred thousand pounds", [300_000]),
        ("three hundred and fifty thousand pounds", [350_000]),
        ("a hundred million pounds", [100_000_000]),
        ("one hundred and five million pounds", [105_000_000]),
        ("five hundred pounds", [500]),
        ("two billion pounds", [2_000_000_000]),
        ("a seven-million-pound investment", [7_000_000]),
        ("a seven million pound investment", [7_000_000]),
        ("seven\nmillion  pounds", [7_000_000]),
    ],
)
def test_money_amounts_in_words(text, amounts):
    assert money_amounts(text) == amounts


def test_money_amounts_in_figures_and_words_in_the_order_written():
    assert money_amounts("£2.5m, then seven million pounds and £3m") == [2_500_000, 7_000_000, 3_000_000]


@pytest.mark.parametrize("text", ["£7 million pounds", "£ 7 million pounds", "£7m pounds"])
def test_money_amounts_a_pound_sign_and_pounds_are_one_sum(text):
    assert money_amounts(text) == [7_000_000]


def test_money_amounts_does_not_read_part_of_a_figure_as_pounds_in_words():
    assert money_amounts("1,500 pounds") == [1_500]
    assert money_amounts("2.5 pounds") == []  # a fraction of a pound, not "5 pounds"


@pytest.mark.parametrize(
    "text",
    ["seven million", "million pounds", "a pound", "half a pound", "needs improvement, pounds", "$7 million",
     "seven million dollars", "the poundshop"],
)
def test_money_amounts_words_need_a_number_and_pounds(text):
    assert money_amounts(text) == []


def test_money_regex_still_finds_figures_with_a_pound_sign_only():
    # curation/signals.py reads MONEY's matches as the text of a sum of money.
    text = "an extra £7.5million, seven million pounds and £5bn"
    assert [m.group(0) for m in MONEY.finditer(text)] == ["£7.5million", "£5bn"]


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


def test_check_amount_in_words():
    assert check_amount(2_500_000, ["the council will spend two and a half million pounds"]) is None
    assert check_amount(2_000_000, ["the council will spend two and a half million pounds"]) == (
        "amount 2,000,000 does not match its quotes, which say 2,500,000"
    )


def test_check_amount_of_a_hedged_sum_is_the_figure_written():
    assert check_amount(5_000_000, ["almost £5m"]) is None


# --- check_approximate ----------------------------------------------------------------------------

NO_HEDGE = "approximate is true but its quotes give no hedging word (almost, about, around, nearly, ...)"


@pytest.mark.parametrize("hedge", HEDGES)
def test_check_approximate_accepts_each_hedging_word_before_the_amount(hedge):
    assert check_approximate(True, [f"the council put {hedge} £5m into children's services"]) is None
    assert check_approximate(True, [f"{hedge.upper()} seven million pounds"]) is None


def test_hedges_are_the_documented_list():
    assert HEDGES == ("almost", "about", "around", "nearly", "more than", "over", "up to", "some", "roughly",
                      "approximately", "just under", "just over", "close to", "an estimated")


@pytest.mark.parametrize(
    "quotes",
    [
        ["an extra £5m"],
        ["£5m over four years"],  # after the amount, "over" is not a hedge
        ["almost all of the £5m"],  # not right before the amount
        ["a handsome £5m"],  # "some" inside a word
        ["almost", "£5m"],  # the hedge and the amount in different quotes
        ["nearly there"],
    ],
)
def test_check_approximate_true_needs_a_hedge_right_before_an_amount(quotes):
    assert check_approximate(True, quotes) == NO_HEDGE


def test_check_approximate_in_any_quote():
    assert check_approximate(True, ["an extra £5m", "just under £5m"]) is None


def test_check_approximate_false_needs_no_hedge():
    assert check_approximate(False, ["an extra £5m"]) is None
    assert check_approximate(False, ["almost £5m"]) is None


# --- check_financial_year -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    ["2019/20", "2019-20", "2019/2020", "2019-2020", "2019 to 2020", "2019–20", "2019—2020", "2019 – 20",
     "in the financial year 2019/20", "for 2019-20 and 2020-21", "FINANCIAL YEAR 2019 TO 2020"],
)
def test_check_financial_year_stated(quote):
    assert check_financial_year("2019/20", [quote]) is None


def test_check_financial_year_across_a_century():
    assert check_financial_year("1999/00", ["in 1999-2000"]) is None
    assert check_financial_year("1999/00", ["in 1999/00"]) is None


@pytest.mark.parametrize(
    "quotes",
    [["2018/19"], ["2020/21"], ["in 2019"], ["12019/20"], ["2019/201"], ["2019 to 20"], ["2019/21"], ["nothing"]],
)
def test_check_financial_year_not_stated(quotes):
    assert check_financial_year("2019/20", quotes) == (
        "financial year '2019/20' is not written in its quotes (expected a form such as '2019/20', '2019-20' or "
        "'2019/2020')"
    )


def test_check_financial_year_message_gives_the_forms_of_its_own_year():
    assert check_financial_year("1999/00", ["1999"]) == (
        "financial year '1999/00' is not written in its quotes (expected a form such as '1999/00', '1999-00' or "
        "'1999/2000')"
    )


@pytest.mark.parametrize(("year", "expected"), [("2019/21", "2019/20"), ("2019/19", "2019/20"),
                                                 ("1999/01", "1999/00")])
def test_check_financial_year_must_be_two_consecutive_years(year, expected):
    assert check_financial_year(year, [year]) == (
        f"{year!r} is not a financial year: the second part must be the year after the first ({expected})"
    )


def test_check_financial_year_not_written_yyyy_yy():
    # The schema's pattern refuses it before any cross-check; the check does not crash on it either.
    assert check_financial_year("2019-20", ["2019-20"]) == (
        "'2019-20' is not a financial year: write it YYYY/YY (2019/20)"
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


@pytest.mark.parametrize(
    "quote",
    [
        "an area rated as requiring improvement to be good",
        "services that require improvement",
        "judged to require improvement to be good",
        "it required improvement",
        "requires improvement",
        "REQUIRES IMPROVEMENT",
        "REQUIRING IMPROVEMENT TO BE GOOD",
        "‘Requiring Improvement’",
        "required\nimprovement",
    ],
)
def test_check_grade_requires_improvement_in_its_inflections(quote):
    assert check_grade("requires_improvement", [quote]) is None


@pytest.mark.parametrize(
    "form", ["requires improvement", "requiring improvement", "required improvement", "require improvement",
             "Requiring Improvement"],
)
def test_check_grade_good_is_never_backed_by_any_form_of_to_be_good(form):
    assert check_grade("good", [f"rated as {form} to be good"]) == (
        "grade 'good' is not stated in its quotes (expected the word 'good'; they say 'requires improvement')"
    )


@pytest.mark.parametrize("quote", ["the service needs improvement", "needs improvement to be good",
                                   "improvement is required", "requiring improvements"])
def test_check_grade_needs_improvement_is_not_the_grade(quote):
    assert check_grade("requires_improvement", [quote]) == (
        "grade 'requires_improvement' is not stated in its quotes (expected the word 'requires improvement'; they "
        "contain no grade word)"
    )


def test_check_grade_needs_improvement_to_be_good_is_not_a_grade_of_good_either():
    assert check_grade("good", ["the service needs improvement to be good"]) == (
        "grade 'good' is not stated in its quotes (expected the word 'good'; they contain no grade word)"
    )
    assert check_grade("good", ["needs improvement to be good, and adoption is good"]) is None


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
