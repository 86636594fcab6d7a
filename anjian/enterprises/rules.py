"""Rules about production units as pure functions: no ORM, no request."""

from datetime import date, timedelta

# GB 32100-2015: the unified social credit code. 18 characters from this
# alphabet (no I, O, Z, S, V); the 18th is a check character.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_character(first17: str) -> str:
    """The check character of the first 17 characters (GB 32100-2015 §5)."""
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    value = 31 - total % 31
    return CREDIT_ALPHABET[0 if value == 31 else value]


def credit_code_problem(code: str) -> str | None:
    """Why `code` is not a valid credit code ("length", "characters", "check"), or None."""
    if not isinstance(code, str) or len(code) != 18:
        return "length"
    if any(ch not in CREDIT_ALPHABET for ch in code):
        return "characters"
    if credit_check_character(code[:17]) != code[17]:
        return "check"
    return None


def normalise_credit_code(raw: str) -> str:
    """As people type it: spaces dropped, letters upper-cased."""
    return "".join((raw or "").split()).upper()


# GB/T 4754-2017: sections and the range of their two-digit divisions.
INDUSTRY_SECTIONS = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52), "G": (53, 60),
    "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72), "M": (73, 75), "N": (76, 79),
    "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90), "S": (91, 97), "T": (98, 98),
}  # fmt: skip


def industry_problem(code: str) -> str | None:
    """A GB/T 4754-2017 code: a section letter, optionally followed by its
    division (2 digits), group (3) or class (4 digits), e.g. "B", "B06", "B0610".
    The digits must open with a division of that section."""
    if not isinstance(code, str) or not code or code[0] not in INDUSTRY_SECTIONS:
        return "section"
    digits = code[1:]
    if not digits:
        return None
    if len(digits) not in (2, 3, 4) or not digits.isascii() or not digits.isdigit():
        return "shape"
    low, high = INDUSTRY_SECTIONS[code[0]]
    if not low <= int(digits[:2]) <= high:
        return "division"
    return None


# Safety Production Licence Regulation (2014) Art. 9: a licence is valid for
# 3 years; the enterprise applies for extension 3 months before it expires.
LICENCE_VALID_YEARS = 3
LICENCE_RENEWAL_MONTHS = 3


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(day.day, last))


def licence_default_expiry(issued_on: date) -> date:
    """The last day of validity of a licence issued on `issued_on` (Art. 9: 3 years)."""
    anniversary = _add_months(issued_on, 12 * LICENCE_VALID_YEARS)
    if anniversary.day != issued_on.day:  # 29 February in a common year: the anniversary is 1 March
        anniversary += timedelta(days=1)
    return anniversary - timedelta(days=1)


def licence_state(valid_until: date, today: date) -> str:
    """ "valid", "renewal_due" (within the 3 months before expiry, Art. 9) or "expired"."""
    if today > valid_until:
        return "expired"
    if today >= _add_months(valid_until, -LICENCE_RENEWAL_MONTHS):
        return "renewal_due"
    return "valid"
