import pytest

from anjian.core.rules import (
    division_contains,
    division_level,
    division_parent_code,
    division_prefix,
    is_division_code,
)


@pytest.mark.parametrize(
    ("code", "prefix", "level", "parent"),
    [
        ("000000", "", "national", None),
        ("540000", "54", "province", "000000"),
        ("540100", "5401", "prefecture", "540000"),
        ("542500", "5425", "prefecture", "540000"),
        ("540102", "540102", "county", "540100"),
        ("540481", "540481", "county", "540400"),
        ("110000", "11", "province", "000000"),
    ],
)
def test_division_code_shapes(code, prefix, level, parent):
    assert division_prefix(code) == prefix
    assert division_level(code) == level
    assert division_parent_code(code) == parent


@pytest.mark.parametrize("code", ["", "54010", "5401000", "54010a", None, "５４０１００", "540100\n"])
def test_malformed_codes_are_refused(code):
    assert not is_division_code(code)
    if code is not None:
        with pytest.raises(ValueError):
            division_prefix(code)


def test_containment_follows_the_prefix():
    assert division_contains("540000", "540102")
    assert division_contains("540100", "540102")
    assert division_contains("540100", "540100")
    assert not division_contains("540100", "540202")
    assert not division_contains("540102", "540100")
    assert division_contains("000000", "110000")
    # Same digits further along do not count: 540102 is not under 540200.
    assert not division_contains("540200", "540102")


def test_sex_from_the_id_number():
    from anjian.core.rules import id_number_is_male

    assert id_number_is_male("54010219900307123X") is True  # 17th character 3: odd
    assert id_number_is_male("540102199003071248") is False


def test_calendar_months():
    import datetime

    from anjian.core.rules import add_months

    D = datetime.date
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)
    assert add_months(D(2026, 1, 31), -2) == D(2025, 11, 30)
