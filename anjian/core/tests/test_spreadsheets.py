"""A user's text never becomes a formula in an exported spreadsheet."""

import io

from openpyxl import load_workbook

from anjian.core.spreadsheets import cell_text
from anjian.indicators.exports import rows_xlsx


def test_text_that_looks_like_a_formula_stays_text():
    content = rows_xlsx("t", ["name", "n"], [['=HYPERLINK("http://x","y")', 3], ["@SUM(A1)", -2], ["-", "央金"]])
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1] == ['\'=HYPERLINK("http://x","y")', 3]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert rows[2] == ["'@SUM(A1)", -2]  # numbers stay numbers
    assert rows[3] == ["-", "央金"]  # a lone dash is a placeholder, not a formula
    assert cell_text("+86 891 1234567") == "'+86 891 1234567"
