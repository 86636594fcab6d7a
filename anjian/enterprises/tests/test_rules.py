"""The registry's rules against their standards' own numbers."""

from datetime import date

import pytest

from anjian.enterprises.rules import (
    credit_check_character,
    credit_code_problem,
    industry_problem,
    licence_default_expiry,
    licence_state,
    normalise_credit_code,
)


def test_a_real_credit_code_validates():
    # Shenzhen Tencent Computer Systems Co., Ltd., as printed on its licence.
    assert credit_code_problem("9144030071526726XG") is None
    assert credit_check_character("9144030071526726X") == "G"


def test_the_check_value_31_becomes_0():
    # Search the 17-character bodies for one whose raw check value is 31.
    body = next(
        f"91540100MA6T{i:05d}"
        for i in range(100000)
        if sum("0123456789ABCDEFGHJKLMNPQRTUWXY".index(c) * w for c, w in zip(
            f"91540100MA6T{i:05d}", (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28), strict=True
        )) % 31 == 0
    )  # fmt: skip
    assert credit_check_character(body) == "0"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("9144030071526726XH", "check"),
        ("9144030071526726X", "length"),
        ("9144030071526726XGG", "length"),
        ("9144030071526726IG", "characters"),  # I is not in the alphabet
        ("9144030071526726OG", "characters"),
        ("9144030071526726xg", "characters"),  # lower case until normalised
        ("", "length"),
    ],
)
def test_bad_credit_codes(code, problem):
    assert credit_code_problem(code) == problem


def test_credit_codes_are_normalised_as_typed():
    assert normalise_credit_code(" 9144 0300 7152 6726xg ") == "9144030071526726XG"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("B", None),
        ("B06", None),
        ("B0610", None),
        ("C2614", None),
        ("T98", None),
        ("B13", "division"),  # 13 opens section C, not B
        ("C12", "division"),
        ("Z", "section"),
        ("b06", "section"),
        ("B6", "shape"),
        ("B06101", "shape"),
        ("B0a", "shape"),
        ("B０６", "shape"),
    ],
)
def test_industry_codes_of_gbt_4754_2017(code, problem):
    assert industry_problem(code) == problem


def test_a_licence_lasts_three_years():
    assert licence_default_expiry(date(2024, 1, 10)) == date(2027, 1, 9)
    assert licence_default_expiry(date(2024, 2, 29)) == date(2027, 2, 28)
    assert licence_default_expiry(date(2023, 3, 1)) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 10, 9), "valid"),
        (date(2026, 10, 10), "renewal_due"),  # 3 months before expiry: apply now (Art. 9)
        (date(2027, 1, 10), "renewal_due"),  # the last valid day
        (date(2027, 1, 11), "expired"),
    ],
)
def test_licence_states(today, state):
    assert licence_state(date(2027, 1, 10), today) == state
