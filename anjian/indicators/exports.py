"""Spreadsheets of the statistics tables (openpyxl, write-only): every table on a page can be taken to Excel."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from anjian.core.spreadsheets import safe_row
from anjian.indicators.statistics import MEASURES


def measure_labels() -> dict:
    return {
        "accidents": _("Accidents"),
        "larger_accidents": _("Larger and above"),
        "deaths": _("Deaths"),
        "missing": _("Missing"),
        "serious_injuries": _("Serious injuries"),
        "minor_injuries": _("Minor injuries"),
        "direct_loss_yuan": _("Direct loss (yuan)"),
        "coal_deaths": _("Coal mine deaths"),
    }


def table_xlsx(table: dict) -> bytes:
    """One sheet: each row's figures, last year's, and the year-on-year change in percent."""
    labels = measure_labels()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table["period"][:31])
    sheet.append(
        [
            _("Statistics %(period)s, compared with %(last)s")
            % {"period": table["period"], "last": table["last_year_period"]}
        ]
    )
    header = [_("Key"), _("Name")]
    for m in MEASURES:
        header += [labels[m], _("%(measure)s last year") % {"measure": labels[m]}, _("change %")]
    sheet.append(header)
    for row in [*table["rows"], {**table["total"], "label": _("Total")}]:
        line = [row["key"], row["label"]]
        for m in MEASURES:
            change = (row.get("yoy") or {}).get(m)
            line += [row[m], (row.get("last_year") or {}).get(m), float(change) if change is not None else None]
        sheet.append(safe_row(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
