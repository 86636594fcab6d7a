"""Import and export of the registry as spreadsheets.

An import is checked row by row first (every bad row with its line, field and
reason), then applied as the person chooses: all or nothing, or the good rows
only. Rows are matched by credit code, so importing the same file again
updates instead of duplicating. Files are read as a stream (CSV) or by the
calamine reader (xlsx), so 100,000 rows do not need 100,000 rows of objects.
"""

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.audit import audit_record_many, changed_fields, snapshot
from anjian.core.errors import DomainError
from anjian.core.models import AuditAction, Division
from anjian.core.scope import scope_for
from anjian.enterprises import services
from anjian.enterprises.models import (
    Enterprise,
    EnterpriseCategory,
    EnterpriseImport,
    EnterpriseStatus,
    ImportMode,
    ImportRowError,
    ImportState,
    RegulatedCategory,
    StandardisationGrade,
)
from anjian.enterprises.rules import credit_code_problem, normalise_credit_code

BATCH = 1000

# Column headers: the first is what export writes; the rest are accepted too.
COLUMNS = {
    "name": ("单位名称", "名称", "企业名称", "name"),
    "credit_code": ("统一社会信用代码", "信用代码", "credit_code"),
    "legal_representative": ("法定代表人", "legal_representative"),
    "division": ("县级行政区划代码", "行政区划代码", "division"),
    "address": ("地址", "注册地址", "address"),
    "industry": ("国民经济行业代码", "行业代码", "industry"),
    "categories": ("监管类别", "categories"),
    "employees": ("从业人员数", "从业人数", "employees"),
    "standardisation_grade": ("安全生产标准化等级", "标准化等级", "standardisation_grade"),
    "status": ("状态", "status"),
    "lat": ("纬度", "lat"),
    "lon": ("经度", "lon"),
}
REQUIRED = ("name", "credit_code", "legal_representative", "division", "industry")
_HEADER_TO_FIELD = {header.strip().lower(): field for field, headers in COLUMNS.items() for header in headers}
_SPLIT = re.compile(r"[;,，、；\s]+")

IMPORT_MESSAGES = {
    "import_file_type": gettext_lazy("Send an .xlsx or .csv file."),
    "import_too_large": gettext_lazy("The file is larger than the %(limit)s an import accepts."),
    "import_empty": gettext_lazy("The file has no header row."),
    "import_unknown_column": gettext_lazy("Column %(column)s is unknown. Known columns: %(known)s."),
    "import_missing_column": gettext_lazy("Column %(column)s is missing."),
    "import_repeated_column": gettext_lazy("Column %(column)s appears twice."),
    "import_unreadable": gettext_lazy("The file cannot be read as a spreadsheet: %(reason)s"),
    "import_not_ready": gettext_lazy("This import cannot be applied now: it is %(state)s."),
    "import_has_bad_rows": gettext_lazy(
        "%(count)s rows are bad: all or nothing imports nothing. Correct them, or import the good rows only."
    ),
    "text_garbled": gettext_lazy("The text looks garbled: the file was probably saved in another encoding."),
    "credit_code_repeated": gettext_lazy("The credit code %(code)s already appears on line %(line)s."),
    "grade_unknown": gettext_lazy("Unknown standardisation grade %(value)s: use 一级, 二级, 三级 or leave empty."),
    "status_unknown": gettext_lazy("Unknown status %(value)s."),
    "number_invalid": gettext_lazy("%(value)s is not a number."),
}


class ImportProblem(Exception):
    """The whole file is refused."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(IMPORT_MESSAGES[self.code]) % self.params if self.params else str(IMPORT_MESSAGES[self.code])


# ------------------------------------------------------------------ reading


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else GB18030."""
    with path.open("rb") as handle:
        if handle.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


def read_rows(path: Path) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """(encoding, rows): each row as (line number in the file, cells as text); the header is line 1."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        encoding = detect_encoding(path)

        def csv_rows():
            with path.open(encoding=encoding, newline="") as handle:
                for number, row in enumerate(csv.reader(handle), start=1):
                    yield number, [cell.strip() for cell in row]

        return encoding, csv_rows()
    if suffix == ".xlsx":
        from python_calamine import CalamineError, load_workbook

        try:
            sheet = load_workbook(str(path)).get_sheet_by_index(0)
        except (CalamineError, OSError, ValueError) as exc:
            raise ImportProblem("import_unreadable", reason=str(exc)[:200]) from None

        def xlsx_rows():
            for number, row in enumerate(sheet.iter_rows(), start=1):
                yield number, [_cell(value) for value in row]

        return "xlsx", xlsx_rows()
    raise ImportProblem("import_file_type")


def check_small_upload(upload) -> None:
    """A small spreadsheet upload (returns, questions) is refused before it is read when over IMPORT_MAX_BYTES."""
    from django.conf import settings

    from anjian.core.errors import DomainError

    if upload.size > settings.IMPORT_MAX_BYTES:
        raise DomainError(
            "request_too_large", field="file", status=413, limit=f"{settings.IMPORT_MAX_BYTES // 2**20} MiB"
        )


def read_upload(name: str, content: bytes) -> list[list[str]]:
    """A small spreadsheet upload (returns, questions) as rows of text cells, header first, read like the
    registry's imports: xlsx, or csv in UTF-8 or GB18030. A file that cannot be read is a DomainError."""
    import tempfile

    from anjian.core.errors import DomainError

    with tempfile.NamedTemporaryFile(suffix=Path(name or "").suffix.lower()) as handle:
        handle.write(content)
        handle.flush()
        try:
            _encoding, rows = read_rows(Path(handle.name))
            table = [cells for _number, cells in rows]
        except ImportProblem as problem:
            raise DomainError(problem.code, field="file", **problem.params) from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise DomainError("import_unreadable", field="file", reason=str(exc)[:200]) from None
    if not table:
        raise DomainError("import_empty", field="file")
    return table


def map_header(header: list[str]) -> dict[str, int]:
    """Field → column index; refuses unknown, repeated and missing columns."""
    if not any(header):
        raise ImportProblem("import_empty")
    mapping: dict[str, int] = {}
    for index, title in enumerate(header):
        if not title:
            continue
        field = _HEADER_TO_FIELD.get(title.strip().lower())
        if field is None:
            known = "、".join(headers[0] for headers in COLUMNS.values())
            raise ImportProblem("import_unknown_column", column=title, known=known)
        if field in mapping:
            raise ImportProblem("import_repeated_column", column=title)
        mapping[field] = index
    for field in REQUIRED:
        if field not in mapping:
            raise ImportProblem("import_missing_column", column=COLUMNS[field][0])
    return mapping


def looks_garbled(text: str) -> bool:
    """Mojibake: U+FFFD, or UTF-8 bytes that were read as Latin-1/cp1252 and saved again."""
    if "\ufffd" in text:
        return True
    if not any("\u00c0" <= ch <= "\u00ff" for ch in text):
        return False
    for legacy in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(legacy).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if any(ord(ch) > 0x2E7F for ch in repaired):
            return True
    return False


# ----------------------------------------------------------------- checking

_CATEGORY_BY_LABEL = {}
_STATUS_BY_LABEL = {}
_GRADES = {"": "", "一级": "1", "二级": "2", "三级": "3", "1": "1", "2": "2", "3": "3", "未评级": ""}


def _labels(choices) -> dict:
    from django.utils import translation

    table = {}
    for value, label in choices:
        table[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                table[str(label).lower()] = value
    return table


def _error(field: str, error: DomainError | str, **params) -> tuple[str, str, str]:
    if isinstance(error, DomainError):
        return (error.field or field, error.code, error.message)
    return (field, error, str(IMPORT_MESSAGES[error]) % params if params else str(IMPORT_MESSAGES[error]))


def check_row(actor, raw: dict, divisions: dict) -> tuple[dict, list[tuple[str, str, str]]]:
    """One row: its cleaned values and every problem found (field, code, message)."""
    if not _CATEGORY_BY_LABEL:
        _CATEGORY_BY_LABEL.update(_labels(RegulatedCategory.choices))
        _STATUS_BY_LABEL.update(_labels(EnterpriseStatus.choices))
    errors = []
    for field, text in raw.items():
        if looks_garbled(text):
            errors.append(_error(field, "text_garbled"))
    if errors:
        return {}, errors
    values: dict = {}
    code = normalise_credit_code(raw.get("credit_code", ""))
    problem = credit_code_problem(code)
    if problem:
        kind = "credit_code_check" if problem == "check" else "credit_code_invalid"
        errors.append(_error("credit_code", DomainError(kind, field="credit_code", code=code or "''")))
    values["credit_code"] = code
    for field in ("name", "legal_representative", "address", "division", "industry"):
        if field in raw:
            values[field] = raw[field]
    if "categories" in raw:
        labels = [part for part in _SPLIT.split(raw["categories"]) if part]
        values["categories"] = [_CATEGORY_BY_LABEL.get(label.lower(), label) for label in labels]
    if raw.get("employees"):
        try:
            values["employees"] = int(Decimal(raw["employees"]))
        except (InvalidOperation, ValueError):
            errors.append(_error("employees", "number_invalid", value=raw["employees"]))
    if "standardisation_grade" in raw:
        grade = _GRADES.get(raw["standardisation_grade"])
        if grade is None:
            errors.append(_error("standardisation_grade", "grade_unknown", value=raw["standardisation_grade"]))
        else:
            values["standardisation_grade"] = grade
    if raw.get("status"):
        status = _STATUS_BY_LABEL.get(raw["status"].lower())
        if status is None:
            errors.append(_error("status", "status_unknown", value=raw["status"]))
        else:
            values["status"] = status
    for field in ("lat", "lon"):
        if raw.get(field):
            try:
                values[field] = Decimal(raw[field])
            except InvalidOperation:
                errors.append(_error(field, "number_invalid", value=raw[field]))
    if "lat" in values or "lon" in values:
        values.setdefault("lat", None)
        values.setdefault("lon", None)
    # Each field on its own, so that a row reports all its problems at once.
    for group in (["name"], ["legal_representative"], ["address"], ["division"], ["industry"], ["categories"],
                  ["employees"], ["standardisation_grade"], ["status"], ["lat", "lon"]):  # fmt: skip
        part = {field: values[field] for field in group if field in values}
        if not part:
            continue
        try:
            values.update(services.check_fields(actor, part, divisions))
        except DomainError as error:
            errors.append(_error(group[0], error))
    blamed = {field for field, _code, _message in errors}
    for field in REQUIRED:
        if not raw.get(field) and field not in blamed:
            errors.append(_error(field, DomainError("required", field=field)))
    return values, errors


def _divisions() -> dict:
    return {d.code: d for d in Division.objects.all()}


def _codes_outside_scope(actor) -> set[str]:
    """Credit codes registered outside the importer's jurisdiction: such rows are refused."""
    scope = scope_for(actor)
    outside = Enterprise.objects.exclude(scope.q(division="division__code", organisation="organisation_id"))
    return set(outside.values_list("credit_code", flat=True))


def _rows_as_dicts(path: Path) -> tuple[str, Iterator[tuple[int, dict]]]:
    encoding, rows = read_rows(path)
    header_line = next(rows, None)
    if header_line is None:
        raise ImportProblem("import_empty")
    mapping = map_header(header_line[1])

    def dicts():
        for number, cells in rows:
            if not any(cells):
                continue
            yield number, {field: (cells[i] if i < len(cells) else "") for field, i in mapping.items()}

    return encoding, dicts()


# ----------------------------------------------------------------- services


def import_start(actor, *, upload) -> EnterpriseImport:
    """Store the uploaded file and queue its check. Returns the import (state: validating)."""
    from django.conf import settings

    from anjian.enterprises.tasks import validate_import

    services.require_manage(actor)
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise DomainError("import_file_type", str(IMPORT_MESSAGES["import_file_type"]), field="file")
    if upload.size > settings.IMPORT_MAX_BYTES:
        limit = f"{settings.IMPORT_MAX_BYTES // (1024 * 1024)} MiB"
        raise DomainError("import_too_large", str(IMPORT_MESSAGES["import_too_large"]) % {"limit": limit}, field="file")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    record = EnterpriseImport(
        created_by=actor,
        organisation=actor.organisation,
        division_code=actor.organisation.division_id,
        original_name=Path(upload.name).name[:255],
        sha256=digest.hexdigest(),
    )
    upload.name = f"{digest.hexdigest()[:16]}{suffix}"
    record.file = upload
    with transaction.atomic():
        record.save()
        transaction.on_commit(lambda: validate_import.enqueue(record.pk))
    return record


def import_validate(import_id: int) -> EnterpriseImport:
    """Check every row; record the bad ones. Run by the worker."""
    record = EnterpriseImport.objects.select_related("created_by__organisation").get(pk=import_id)
    actor = record.created_by
    divisions = _divisions()
    seen: dict[str, int] = {}
    taken_elsewhere = _codes_outside_scope(actor)
    pending: list[ImportRowError] = []
    checked = bad = 0
    try:
        encoding, rows = _rows_as_dicts(Path(record.file.path))
        record.encoding = encoding
        for number, raw in rows:
            values, errors = check_row(actor, raw, divisions)
            code = values.get("credit_code")
            if code and not errors and code in taken_elsewhere:
                errors.append(_error("credit_code", DomainError("credit_code_taken", field="credit_code", code=code)))
            elif code and not errors and code in seen:
                errors.append(_error("credit_code", "credit_code_repeated", code=code, line=seen[code]))
            elif code:
                seen.setdefault(code, number)
            if errors:
                bad += 1
                pending += [
                    ImportRowError(enterprise_import=record, line=number, field=f, code=c, message=m[:500])
                    for f, c, m in errors
                ]
            checked += 1
            if checked % BATCH == 0:
                ImportRowError.objects.bulk_create(pending)
                pending = []
                EnterpriseImport.objects.filter(pk=record.pk).update(checked_rows=checked, bad_rows=bad)
    except (ImportProblem, UnicodeDecodeError, csv.Error) as problem:
        code = problem.code if isinstance(problem, ImportProblem) else "import_unreadable"
        message = problem.message if isinstance(problem, ImportProblem) else str(problem)[:300]
        ImportRowError.objects.filter(enterprise_import=record).delete()
        record.state, record.problem_code, record.problem = ImportState.REFUSED, code, message[:500]
        record.finished_at = timezone.now()
        record.save()
        return record
    ImportRowError.objects.bulk_create(pending)
    record.total_rows = record.checked_rows = checked
    record.bad_rows = bad
    record.state = ImportState.VALIDATED
    record.save()
    return record


def import_commit(actor, record: EnterpriseImport, *, mode: str) -> EnterpriseImport:
    """The person's choice after the check: queue the import of all rows or the good ones."""
    from anjian.enterprises.tasks import apply_import

    services.require_manage(actor)
    if mode not in ImportMode.values:
        raise DomainError("invalid", field="mode")
    if record.state != ImportState.VALIDATED:
        state = ImportState(record.state).label
        raise DomainError("import_not_ready", str(IMPORT_MESSAGES["import_not_ready"]) % {"state": state}, status=409)
    if mode == ImportMode.ALL_OR_NOTHING and record.bad_rows:
        message = str(IMPORT_MESSAGES["import_has_bad_rows"]) % {"count": record.bad_rows}
        raise DomainError("import_has_bad_rows", message, field="mode")
    with transaction.atomic():
        updated = EnterpriseImport.objects.filter(pk=record.pk, state=ImportState.VALIDATED).update(
            state=ImportState.IMPORTING, mode=mode
        )
        if not updated:  # a second click: the first one already started it
            state = ImportState(ImportState.IMPORTING).label
            raise DomainError(
                "import_not_ready", str(IMPORT_MESSAGES["import_not_ready"]) % {"state": state}, status=409
            )
        transaction.on_commit(lambda: apply_import.enqueue(record.pk))
    record.refresh_from_db()
    return record


def _apply_batch(actor, batch: list[tuple[int, dict]], record: EnterpriseImport) -> tuple[int, int, int]:
    """Upsert one batch by credit code, with its audit entries. Returns (created, updated, unchanged)."""
    codes = [values["credit_code"] for _n, values in batch]
    existing = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in=codes)
        .select_related("division")
        .prefetch_related("categories")
    }
    scope = scope_for(actor)
    audits, created, updated, unchanged = [], 0, 0, 0
    new_units, new_categories = [], []
    for _number, values in batch:
        values = dict(values)
        categories = values.pop("categories", None)
        unit = existing.get(values["credit_code"])
        if unit is None:
            unit = Enterprise(**dict(values.items()))
            new_units.append((unit, categories or []))
            continue
        if not scope.contains_division(unit.division_id):
            continue  # registered elsewhere: counted by the check as taken
        before = services.enterprise_snapshot(unit)
        for field, value in values.items():
            setattr(unit, field, value)
        if categories is not None:
            unit.categories.exclude(category__in=categories).delete()
            have = {c.category for c in unit.categories.all()}
            new_categories += [EnterpriseCategory(enterprise=unit, category=c) for c in categories if c not in have]
            unit._prefetched_objects_cache.pop("categories", None)
        after = services.enterprise_snapshot(unit) | ({"categories": sorted(categories)} if categories else {})
        old, new = changed_fields(before, after)
        if not new:
            unchanged += 1
            continue
        unit.updated_at = timezone.now()
        unit.save()
        updated += 1
        audits.append(
            {"actor": actor, "action": AuditAction.UPDATE, "instance": unit, "before": old, "after": new}
            | services.audit_scope(unit)
        )
    if new_units:
        Enterprise.objects.bulk_create([unit for unit, _c in new_units], batch_size=BATCH)
        for unit, categories in new_units:
            new_categories += [EnterpriseCategory(enterprise=unit, category=c) for c in categories]
            after = snapshot(unit) | {"categories": sorted(categories)}
            audits.append(
                {"actor": actor, "action": AuditAction.CREATE, "instance": unit, "after": after}
                | services.audit_scope(unit)
            )
        created = len(new_units)
    EnterpriseCategory.objects.bulk_create(new_categories, batch_size=BATCH)
    audit_record_many(audits)
    return created, updated, unchanged


def import_apply(import_id: int) -> EnterpriseImport:
    """Write the rows: all in one transaction, or the good rows batch by batch. Run by the worker."""
    record = EnterpriseImport.objects.select_related("created_by__organisation").get(pk=import_id)
    actor = record.created_by
    divisions = _divisions()
    bad_lines = set(record.row_errors.values_list("line", flat=True))
    _encoding, rows = _rows_as_dicts(Path(record.file.path))
    totals = [0, 0, 0]
    processed = 0

    def batches():
        batch = []
        for number, raw in rows:
            if number in bad_lines:
                continue
            values, errors = check_row(actor, raw, divisions)
            if errors:  # the data changed since the check: leave the row out
                continue
            batch.append((number, values))
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    def run_all():
        nonlocal processed
        for batch in batches():
            with transaction.atomic():
                for i, count in enumerate(_apply_batch(actor, batch, record)):
                    totals[i] += count
            processed += len(batch)
            if record.mode == ImportMode.GOOD_ROWS:
                EnterpriseImport.objects.filter(pk=record.pk).update(processed_rows=processed)

    if record.mode == ImportMode.ALL_OR_NOTHING:
        with transaction.atomic():
            run_all()
    else:
        run_all()
    record.created, record.updated, record.unchanged = totals
    record.processed_rows = processed
    record.state = ImportState.DONE
    record.finished_at = timezone.now()
    record.save()
    return record


# ------------------------------------------------------------------- export


def export_xlsx(queryset, handle: io.BufferedIOBase) -> int:
    """Write the units of `queryset` to an xlsx file, in the columns import reads back. Returns rows.

    Labels are written in Chinese whatever the page's language, so that the
    file imports again as it is."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return _export_xlsx(queryset, handle)


def _export_xlsx(queryset, handle) -> int:
    from openpyxl import Workbook

    from anjian.core.spreadsheets import safe_row

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Production units")[:31])
    sheet.append([headers[0] for headers in COLUMNS.values()])
    categories = dict(RegulatedCategory.choices)
    grades = dict(StandardisationGrade.choices)
    statuses = dict(EnterpriseStatus.choices)
    count = 0
    for unit in queryset.prefetch_related("categories").iterator(chunk_size=2000):
        sheet.append(
            safe_row(
                [
                    unit.name,
                    unit.credit_code,
                    unit.legal_representative,
                    unit.division_id,
                    unit.address,
                    unit.industry,
                    "、".join(str(categories[c.category]) for c in unit.categories.all()),
                    unit.employees,
                    str(grades[unit.standardisation_grade]) if unit.standardisation_grade else "",
                    str(statuses[unit.status]),
                    float(unit.lat) if unit.lat is not None else None,
                    float(unit.lon) if unit.lon is not None else None,
                ]
            )
        )
        count += 1
    workbook.save(handle)
    return count
