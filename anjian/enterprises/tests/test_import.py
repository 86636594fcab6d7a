"""Importing and exporting the registry: both encodings, xlsx, a preview of bad rows, both modes."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from anjian.core.audit import audit_verify
from anjian.core.models import AuditEntry
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.test_api import credit

HEADER = "单位名称,统一社会信用代码,法定代表人,县级行政区划代码,国民经济行业代码,监管类别,从业人员数,状态\n"


def good(n, county="540102", name=None, code=None):
    code = code or credit(n, county)
    return f"{name or f'测试单位{n}'},{code},扎西,{county},C3021,其他工贸行业、建筑施工,{n},正常生产经营\n"


def csv_file(text, encoding="utf-8", name="units.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def run_import(world, api, django_capture_on_commit_callbacks):
    def _run(upload, person=None, commit=None, language="en"):
        caller = api(person or world.lhasa_inspector, language=language)
        with django_capture_on_commit_callbacks(execute=True):
            response = caller.client_post_file("/api/v1/enterprises/import", upload)
        assert response.status_code in (202, 400), response.content
        if response.status_code != 202:
            return response.json(), None
        record = caller.get(f"/api/v1/enterprises/imports/{response.json()['id']}").json()
        if commit:
            with django_capture_on_commit_callbacks(execute=True):
                response = caller.post(f"/api/v1/enterprises/imports/{record['id']}/commit", {"mode": commit})
            if response.status_code != 202:
                return response.json(), caller
            record = caller.get(f"/api/v1/enterprises/imports/{record['id']}").json()
        return record, caller

    return _run


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_in_each_encoding_imports(run_import, encoding):
    record, _ = run_import(csv_file(HEADER + good(1) + good(2), encoding), commit="all_or_nothing")
    assert record["state"] == "done", record
    assert record["created"] == 2
    unit = Enterprise.objects.get(credit_code=credit(1))
    assert unit.name == "测试单位1"
    assert unit.category_list == ["construction", "industry_trade"]
    assert audit_verify()[1] is None
    assert AuditEntry.objects.filter(object_type="enterprises.enterprise", action="create").count() == 2


def test_bad_rows_are_listed_with_line_field_and_reason(run_import):
    text = (
        HEADER
        + good(1)
        + "坏单位,12345,扎西,540102,C3021,,10,正常生产经营\n"  # line 3: credit code
        + good(2, county="540202")  # line 4: another prefecture
        + "未知,"+ credit(5) + ",扎西,540102,Z99,赌场,-1,正常生产经营\n"  # line 5: industry, category
        + good(1, name="重复")  # line 6: the same code as line 2
    )  # fmt: skip
    record, caller = run_import(csv_file(text))
    assert (record["state"], record["total_rows"], record["bad_rows"]) == ("validated", 5, 4)
    errors = caller.get(f"/api/v1/enterprises/imports/{record['id']}/errors").json()["items"]
    found = {(e["line"], e["field"], e["code"]) for e in errors}
    assert (3, "credit_code", "credit_code_invalid") in found
    assert (4, "division", "division_out_of_scope") in found
    assert (5, "industry", "industry_invalid") in found
    assert (5, "categories", "category_unknown") in found
    assert (6, "credit_code", "credit_code_repeated") in found
    assert all(e["message"] for e in errors)
    # All or nothing is refused while rows are bad; nothing was written.
    response = caller.post(f"/api/v1/enterprises/imports/{record['id']}/commit", {"mode": "all_or_nothing"})
    assert response.status_code == 400
    assert response.json()["code"] == "import_has_bad_rows"
    assert not Enterprise.objects.exists()


def test_the_good_rows_only(run_import):
    text = HEADER + good(1) + "坏单位,12345,扎西,540102,C3021,,10,正常生产经营\n" + good(2)
    record, _ = run_import(csv_file(text), commit="good_rows")
    assert (record["state"], record["created"], record["processed_rows"]) == ("done", 2, 2)
    assert Enterprise.objects.count() == 2


def test_reimporting_updates_by_credit_code(run_import):
    run_import(csv_file(HEADER + good(1) + good(2)), commit="all_or_nothing")
    changed = HEADER + good(1, name="测试单位1（更名）") + good(2)
    record, _ = run_import(csv_file(changed), commit="all_or_nothing")
    assert (record["created"], record["updated"], record["unchanged"]) == (0, 1, 1)
    assert Enterprise.objects.count() == 2
    assert Enterprise.objects.get(credit_code=credit(1)).name == "测试单位1（更名）"
    entry = AuditEntry.objects.filter(object_type="enterprises.enterprise", action="update").get()
    assert entry.after == {"name": "测试单位1（更名）"}
    assert audit_verify()[1] is None


def test_a_unit_of_another_prefecture_is_not_overwritten(world, run_import):
    run_import(csv_file(HEADER + good(7, county="540202")), person=world.shigatse_inspector, commit="good_rows")
    record, caller = run_import(csv_file(HEADER + good(7, county="540102", code=credit(7, "540202"))))
    errors = caller.get(f"/api/v1/enterprises/imports/{record['id']}/errors").json()["items"]
    assert [(e["line"], e["code"]) for e in errors] == [(2, "credit_code_taken")]
    assert Enterprise.objects.get(credit_code=credit(7, "540202")).division_id == "540202"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("单位名称,统一社会信用代码,法定代表人,县级行政区划代码,国民经济行业代码,备注\n", "import_unknown_column"),
        ("单位名称,统一社会信用代码,法定代表人,国民经济行业代码\n", "import_missing_column"),
        ("\n", "import_empty"),
    ],
)
def test_a_file_with_wrong_columns_is_refused_whole(run_import, text, code):
    record, _ = run_import(csv_file(text + good(1)))
    assert (record["state"], record["problem_code"]) == ("refused", code)
    assert record["problem"]


def test_mojibake_is_caught(run_import):
    garbled = good(1).encode("utf-8").decode("latin-1")  # saved once more in the wrong encoding
    record, caller = run_import(csv_file(HEADER + garbled))
    errors = caller.get(f"/api/v1/enterprises/imports/{record['id']}/errors").json()["items"]
    assert {e["code"] for e in errors} == {"text_garbled"}


def test_wrong_type_and_size_are_refused(run_import, settings):
    body, _ = run_import(SimpleUploadedFile("units.pdf", b"%PDF-1.4"))
    assert (body["code"], body["field"]) == ("import_file_type", "file")
    settings.IMPORT_MAX_BYTES = 100
    body, _ = run_import(csv_file(HEADER + good(1) + good(2)))
    assert body["code"] == "import_too_large"


def test_an_xlsx_imports_and_exports_round_trip(world, run_import, api):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(",") + ["纬度", "经度"])
    sheet.append(["表格单位", credit(11), "次仁", 540102, "B0911", "金属非金属矿山", 120, "停产停业", 29.65, 91.14])
    handle = io.BytesIO()
    workbook.save(handle)
    upload = SimpleUploadedFile("units.xlsx", handle.getvalue())
    record, caller = run_import(upload, commit="all_or_nothing")
    assert record["state"] == "done", record
    unit = Enterprise.objects.get(credit_code=credit(11))
    assert (unit.division_id, unit.employees, unit.status, unit.industry) == ("540102", 120, "suspended", "B0911")
    response = caller.get("/api/v1/enterprises/export.xlsx", q="表格")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("单位名称", "统一社会信用代码")
    assert rows[1][:4] == ("表格单位", credit(11), "次仁", "540102")
    assert len(rows) == 2
    # What was exported imports again unchanged.
    again = SimpleUploadedFile("again.xlsx", b"".join(caller.get("/api/v1/enterprises/export.xlsx").streaming_content))
    record, _ = run_import(again, commit="all_or_nothing")
    assert (record["created"], record["updated"], record["unchanged"]) == (0, 0, 1)


def test_imports_are_scoped(world, run_import, api):
    record, _ = run_import(csv_file(HEADER + good(1)))
    assert api(world.shigatse_inspector).get(f"/api/v1/enterprises/imports/{record['id']}").status_code == 404
    assert api(world.region_leader).get(f"/api/v1/enterprises/imports/{record['id']}").status_code == 200
    response = api(world.lhasa_leader).post("/api/v1/enterprises/import", None)
    assert response.status_code in (403, 422)


def test_a_second_commit_is_refused(run_import):
    record, caller = run_import(csv_file(HEADER + good(1)), commit="good_rows")
    response = caller.post(f"/api/v1/enterprises/imports/{record['id']}/commit", {"mode": "good_rows"})
    assert (response.status_code, response.json()["code"]) == (409, "import_not_ready")
    assert Enterprise.objects.count() == 1
