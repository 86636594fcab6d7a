"""Rules of the foundation as pure functions: no ORM, no request.

Administrative division codes follow GB/T 2260: six digits, two for the
province, two for the prefecture, two for the county. `000000` stands for the
nation in our data. A code's non-zero prefix is its ancestry.
"""

import re

NATIONAL_CODE = "000000"
_CODE_RE = re.compile(r"[0-9]{6}")


def is_division_code(code: str) -> bool:
    """Six digits (GB/T 2260)."""
    return isinstance(code, str) and _CODE_RE.fullmatch(code) is not None


def division_prefix(code: str) -> str:
    """The prefix every descendant of `code` starts with.

    540000 → "54" (the region), 540100 → "5401" (a prefecture),
    540102 → "540102" (a county), 000000 → "" (the nation: everything).
    """
    if not is_division_code(code):
        raise ValueError(f"not a division code: {code!r}")
    if code == NATIONAL_CODE:
        return ""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def division_contains(ancestor: str, code: str) -> bool:
    """Whether `code` is `ancestor` or lies below it."""
    return code.startswith(division_prefix(ancestor))


def division_level(code: str) -> str:
    """national, province, prefecture or county, read from the code's shape."""
    prefix = division_prefix(code)
    return {0: "national", 2: "province", 4: "prefecture", 6: "county"}[len(prefix)]


def division_parent_code(code: str) -> str | None:
    """The code of the division directly above, by shape (None for the nation)."""
    level = division_level(code)
    if level == "national":
        return None
    if level == "province":
        return NATIONAL_CODE
    if level == "prefecture":
        return code[:2] + "0000"
    return code[:4] + "00"
