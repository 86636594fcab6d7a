"""The registry's API: thin handlers over selectors (reads) and services (writes)."""

from django.utils import timezone
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anjian.core.api import ERRORS, Page
from anjian.core.schemas import PersonOut
from anjian.enterprises import importing, rules, selectors, services
from anjian.enterprises.schemas import (
    EnterpriseDetailOut,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    ImportCommitIn,
    ImportErrorOut,
    ImportOut,
    LicenceIn,
    LicenceOut,
    MajorHazardIn,
    MajorHazardOut,
    OfficerIn,
)

router = Router(tags=["enterprises"])


def xlsx_response(queryset):
    import tempfile

    from django.http import FileResponse

    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    importing.export_xlsx(queryset, handle)
    handle.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"enterprises-{stamp}.xlsx")


class EnterpriseFilter(Schema):
    q: str = Field("", max_length=200)
    division: str = Field("", max_length=6)
    category: str = Field("", max_length=30)
    status: str = Field("", max_length=12)
    industry: str = Field("", max_length=5)


def _detail(enterprise):
    today = timezone.localdate()
    enterprise.licence_list = list(enterprise.licences.all())
    for licence in enterprise.licence_list:
        licence.state = rules.licence_state(licence.valid_until, today)
    enterprise.major_hazard_list = list(enterprise.major_hazards.all())
    from anjian.enforcement.selectors import enterprise_risk

    enterprise.risk = enterprise_risk(enterprise, today)
    return enterprise


@router.get("/enterprises", response=list[EnterpriseOut])
@paginate(Page)
def list_enterprises(request, filters: EnterpriseFilter = Query(...)):
    """Production units in the caller's scope; search by name, credit code or legal representative."""
    return selectors.filter_enterprises(selectors.enterprises_visible_to(request.auth), **filters.dict())


@router.get("/enterprises/export.xlsx", response={200: None})
def export_enterprises(request, filters: EnterpriseFilter = Query(...)):
    """The filtered list as an xlsx file, in the columns an import reads back."""
    qs = selectors.filter_enterprises(selectors.enterprises_visible_to(request.auth), **filters.dict())
    return xlsx_response(qs)


@router.post("/enterprises/import", response={202: ImportOut, **ERRORS})
def start_import(request, file: UploadedFile = File(...)):
    """Upload an .xlsx or .csv (UTF-8 with or without BOM, or GB18030). Every row is checked in the
    background; follow `state` and `checked_rows`, read the bad rows, then commit with a mode."""
    return 202, importing.import_start(request.auth, upload=file)


@router.get("/enterprises/imports/{import_id}", response={200: ImportOut, **ERRORS})
def get_import(request, import_id: int):
    return selectors.get_import_for(request.auth, import_id)


@router.get("/enterprises/imports/{import_id}/errors", response=list[ImportErrorOut])
@paginate(Page)
def import_errors(request, import_id: int):
    """Every bad row: its line in the file, the field and the rule it broke."""
    return selectors.get_import_for(request.auth, import_id).row_errors.all()


@router.post("/enterprises/imports/{import_id}/commit", response={202: ImportOut, **ERRORS})
def commit_import(request, import_id: int, payload: ImportCommitIn):
    """`all_or_nothing` (refused while any row is bad) or `good_rows`."""
    record = selectors.get_import_for(request.auth, import_id)
    return 202, importing.import_commit(request.auth, record, mode=payload.mode)


@router.get("/enterprises/{enterprise_id}", response={200: EnterpriseDetailOut, **ERRORS})
def get_enterprise(request, enterprise_id: int):
    return _detail(selectors.get_enterprise_for(request.auth, enterprise_id))


@router.post("/enterprises", response={201: EnterpriseDetailOut, **ERRORS})
def create_enterprise(request, payload: EnterpriseIn):
    enterprise = services.enterprise_create(request.auth, **payload.dict())
    return 201, _detail(selectors.get_enterprise_for(request.auth, enterprise.pk))


@router.patch("/enterprises/{enterprise_id}", response={200: EnterpriseDetailOut, **ERRORS})
def update_enterprise(request, enterprise_id: int, payload: EnterprisePatch):
    enterprise = selectors.get_enterprise_for(request.auth, enterprise_id)
    services.enterprise_update(request.auth, enterprise, **payload.dict(exclude_unset=True))
    return _detail(selectors.get_enterprise_for(request.auth, enterprise_id))


@router.post("/enterprises/{enterprise_id}/licences", response={201: LicenceOut, **ERRORS})
def add_licence(request, enterprise_id: int, payload: LicenceIn):
    enterprise = selectors.get_enterprise_for(request.auth, enterprise_id)
    data = payload.dict()
    data["valid_until"] = data["valid_until"] or rules.licence_default_expiry(data["issued_on"])
    licence = services.licence_add(request.auth, enterprise, **data)
    licence.state = rules.licence_state(licence.valid_until, timezone.localdate())
    return 201, licence


@router.post("/enterprises/{enterprise_id}/major-hazards", response={201: MajorHazardOut, **ERRORS})
def add_major_hazard(request, enterprise_id: int, payload: MajorHazardIn):
    enterprise = selectors.get_enterprise_for(request.auth, enterprise_id)
    return 201, services.major_hazard_add(request.auth, enterprise, **payload.dict())


@router.post("/enterprises/{enterprise_id}/officers", response={201: PersonOut, **ERRORS})
def add_officer(request, enterprise_id: int, payload: OfficerIn):
    """An account for the unit's own safety officer (administrators): it reports the unit's own hazards
    and rectification, and sees nothing of other units."""
    enterprise = selectors.get_enterprise_for(request.auth, enterprise_id)
    return 201, services.enterprise_officer_create(request.auth, enterprise, **payload.dict())
