"""Text going into a spreadsheet someone will open: a cell that starts like a formula is written as text.

openpyxl stores a string beginning with '=' as a formula; Excel and WPS also run cells beginning with '+', '-', '@'
(and a tab or carriage return before them). A name or an address typed by a user must never become a formula in a
bureau's spreadsheet (CSV/formula injection), so such a string is prefixed with an apostrophe, as Excel itself
does for text that looks like a formula.
"""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value):
    if isinstance(value, str) and len(value) > 1 and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(row) -> list:
    return [cell_text(value) for value in row]
