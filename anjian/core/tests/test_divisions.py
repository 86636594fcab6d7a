"""Loading the official division list: complete, idempotent, changes audited."""

import pytest

from anjian.core.errors import DomainError
from anjian.core.models import AuditEntry, Division
from anjian.core.services import division_load_file


@pytest.mark.django_db
def test_the_official_list_is_loaded():
    assert Division.objects.filter(level="province").count() == 34
    tibet = Division.objects.filter(code__startswith="54")
    assert tibet.filter(level="prefecture").count() == 7
    assert tibet.filter(level="county").count() == 74
    shigatse = Division.objects.get(code="540200")
    assert shigatse.name_zh == "日喀则市"
    assert shigatse.name_en == "Shigatse"
    assert shigatse.name_bo.startswith("གཞིས་ཀ་རྩེ")
    assert shigatse.parent_id == "540000"
    assert Division.objects.get(code="540102").parent_id == "540100"


@pytest.mark.django_db
def test_reloading_is_idempotent():
    before = AuditEntry.objects.count()
    counts = division_load_file()
    assert counts == {"created": 0, "updated": 0, "unchanged": Division.objects.count()}
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_a_changed_name_is_an_audited_change(tmp_path, settings):
    source = settings.DIVISIONS_CSV.read_text(encoding="utf-8")
    changed = source.replace("540102,540100,county,城关区", "540102,540100,county,城关新区")
    path = tmp_path / "divisions.csv"
    path.write_text(changed, encoding="utf-8")
    counts = division_load_file(path=path)
    assert counts["updated"] == 1
    assert Division.objects.get(code="540102").name_zh == "城关新区"
    entry = AuditEntry.objects.filter(object_type="core.division", object_id="540102").latest("seq")
    assert entry.action == "update"
    assert entry.before == {"name_zh": "城关区"}
    assert entry.after == {"name_zh": "城关新区"}
    assert entry.division_code == "540102"


@pytest.mark.django_db
def test_a_file_with_a_bad_code_changes_nothing(tmp_path, settings):
    source = settings.DIVISIONS_CSV.read_text(encoding="utf-8")
    bad = source.replace("540102,540100,county,城关区", "54O102,540100,county,城关新区")
    bad = bad.replace("540121,540100,county,林周县", "540121,540100,county,林周新县")
    path = tmp_path / "divisions.csv"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(DomainError) as caught:
        division_load_file(path=path)
    assert "54O102" in caught.value.message
    assert Division.objects.get(code="540121").name_zh == "林周县"


@pytest.mark.django_db
def test_load_divisions_command_reports(capsys):
    from django.core.management import call_command

    call_command("load_divisions")
    assert "0 created, 0 updated" in capsys.readouterr().out
