"""The quarterly register of penalty cases (行政处罚案件登记表), as bureaus file it, in xlsx.

Written row by row (openpyxl's write-only mode) from a values() query read in chunks, so a
register of hundreds of thousands of cases never sits in memory as model objects.
"""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from anjian.core.spreadsheets import safe_row
from anjian.enforcement import rules
from anjian.enforcement.models import CaseOutcome, CaseState, DecisionStatus, PartyKind, Procedure

FIELDS = (
    "number",
    "filed_on",
    "party_kind",
    "party_name",
    "party_id_number",
    "enterprise__credit_code",
    "division_code",
    "summary",
    "procedure",
    "penalty_text",
    "fine",
    "paid",
    "decided_on",
    "served_on",
    "paid_on",
    "state",
    "outcome",
    "decision_status",
    "closed_on",
    "disclosed_on",
)


def headers() -> list[str]:
    return [
        _("No."),
        _("Case number"),
        _("Filed on"),
        _("Party"),
        _("Name of the party"),
        _("Credit code or ID number"),
        _("County"),
        _("Cause of the case"),
        _("Procedure"),
        _("Penalty"),
        _("Fine (yuan)"),
        _("Paid (yuan)"),
        _("Decided on"),
        _("Served on"),
        _("Paid on"),
        _("Stage"),
        _("Outcome"),
        _("Decision"),
        _("Closed on"),
        _("Disclosed on"),
    ]


def _rows(qs):
    labels = {
        "party_kind": dict(PartyKind.choices),
        "procedure": dict(Procedure.choices),
        "state": dict(CaseState.choices),
        "outcome": dict(CaseOutcome.choices),
        "decision_status": dict(DecisionStatus.choices),
    }
    labels = {field: {k: str(v) for k, v in choices.items()} for field, choices in labels.items()}
    for n, row in enumerate(qs.values_list(*FIELDS).iterator(chunk_size=5000), 1):
        values = dict(zip(FIELDS, row, strict=True))
        identifier = values["enterprise__credit_code"]
        if values["party_kind"] == PartyKind.INDIVIDUAL:
            identifier = rules.mask_id_number(values["party_id_number"])
        yield [
            n,
            values["number"],
            values["filed_on"],
            labels["party_kind"][values["party_kind"]],
            values["party_name"],
            identifier,
            values["division_code"],
            values["summary"],
            labels["procedure"][values["procedure"]],
            values["penalty_text"],
            float(values["fine"]),
            float(values["paid"]),
            values["decided_on"],
            values["served_on"],
            values["paid_on"],
            labels["state"][values["state"]],
            labels["outcome"][values["outcome"]],
            labels["decision_status"][values["decision_status"]],
            values["closed_on"],
            values["disclosed_on"],
        ]


def write_register(qs, stream, title: str) -> int:
    """Write the register of `qs` to `stream`; returns the number of cases."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    widths = (6, 24, 12, 8, 30, 22, 10, 40, 14, 40, 14, 14, 12, 12, 12, 16, 20, 10, 12, 12)
    for i, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    bold = Font(bold=True)
    header = []
    for text in headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in _rows(qs):  # dates take openpyxl's yyyy-mm-dd format by themselves
        sheet.append(safe_row(row))
        count += 1
    book.save(stream)
    return count
