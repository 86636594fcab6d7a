"""Every write of the registry: validate everything first, then one transaction with its audit entry."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from anjian.core.audit import audit_record, changed_fields, snapshot
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, PermissionDenied
from anjian.core.models import AuditAction, Division, DivisionLevel
from anjian.core.scope import scope_for
from anjian.enterprises import permissions as perms
from anjian.enterprises.models import (
    Enterprise,
    EnterpriseCategory,
    EnterpriseStatus,
    Licence,
    MajorHazardInstallation,
    RegulatedCategory,
    StandardisationGrade,
)
from anjian.enterprises.rules import credit_code_problem, industry_problem, normalise_credit_code

EDITABLE = (
    "name",
    "legal_representative",
    "address",
    "division",
    "lat",
    "lon",
    "industry",
    "employees",
    "standardisation_grade",
    "status",
    "categories",
)


def require_manage(actor) -> None:
    if not actor.has_perm(perms.MANAGE_ENTERPRISES):
        raise PermissionDenied()


def audit_scope(enterprise: Enterprise) -> dict:
    return {"division_code": enterprise.division_id, "organisation_id": enterprise.organisation_id}


def enterprise_snapshot(enterprise: Enterprise) -> dict:
    data = snapshot(enterprise)
    data["categories"] = sorted(enterprise.categories.values_list("category", flat=True)) if enterprise.pk else []
    return data


def check_credit_code(raw: str, *, exclude_pk=None) -> str:
    code = normalise_credit_code(raw)
    problem = credit_code_problem(code)
    if problem == "check":
        raise DomainError("credit_code_check", field="credit_code", code=code)
    if problem:
        raise DomainError("credit_code_invalid", field="credit_code", code=code or "''")
    if Enterprise.objects.filter(credit_code=code).exclude(pk=exclude_pk).exists():
        raise DomainError("credit_code_taken", field="credit_code", status=409, code=code)
    return code


def check_fields(actor, values: dict, divisions: dict | None = None) -> dict:
    """Validate the editable fields present in `values`; return them cleaned.

    `divisions` (code → Division) spares a query per row when importing."""
    clean = {}
    for name in ("name", "legal_representative"):
        if name in values:
            text = (values[name] or "").strip()
            if not text:
                raise DomainError("required", field=name)
            clean[name] = text
    if "address" in values:
        clean["address"] = (values["address"] or "").strip()
    if "division" in values:
        code = (values["division"] or "").strip()
        if divisions is not None:
            division = divisions.get(code)
        else:
            division = Division.objects.filter(code=code).first() if code else None
        if division is None:
            raise DomainError("division_unknown", field="division", code=code or "''")
        if division.level != DivisionLevel.COUNTY:
            raise DomainError("division_not_county", field="division", code=code)
        if not scope_for(actor).contains_division(code):
            raise DomainError("division_out_of_scope", field="division", code=code)
        clean["division"] = division
    if "industry" in values:
        industry = (values["industry"] or "").strip().upper()
        if industry_problem(industry):
            raise DomainError("industry_invalid", field="industry", code=industry or "''")
        clean["industry"] = industry
    if "employees" in values:
        employees = values["employees"]
        if employees is None or int(employees) < 0:
            raise DomainError("employees_invalid", field="employees")
        clean["employees"] = int(employees)
    if "lat" in values or "lon" in values:
        lat, lon = values.get("lat"), values.get("lon")
        if (lat is None) != (lon is None):
            raise DomainError("coordinates_invalid", field="lat" if lat is None else "lon")
        if lat is not None and not (-90 <= Decimal(str(lat)) <= 90 and -180 <= Decimal(str(lon)) <= 180):
            raise DomainError("coordinates_invalid", field="lat")
        clean["lat"] = None if lat is None else Decimal(str(lat)).quantize(Decimal("0.000001"))
        clean["lon"] = None if lon is None else Decimal(str(lon)).quantize(Decimal("0.000001"))
    if "standardisation_grade" in values:
        grade = values["standardisation_grade"] or ""
        if grade not in StandardisationGrade.values:
            raise DomainError("invalid", field="standardisation_grade")
        clean["standardisation_grade"] = grade
    if "status" in values:
        if values["status"] not in EnterpriseStatus.values:
            raise DomainError("invalid", field="status")
        clean["status"] = values["status"]
    if "categories" in values:
        categories = sorted(set(values["categories"] or []))
        for category in categories:
            if category not in RegulatedCategory.values:
                raise DomainError("category_unknown", field="categories", category=category)
        clean["categories"] = categories
    return clean


def enterprise_create(
    actor,
    *,
    name: str,
    credit_code: str,
    legal_representative: str,
    division: str,
    industry: str,
    categories: list[str] | None = None,
    employees: int = 0,
    address: str = "",
    lat=None,
    lon=None,
    standardisation_grade: str = "",
    status: str = EnterpriseStatus.OPERATING,
) -> Enterprise:
    require_manage(actor)
    code = check_credit_code(credit_code)
    clean = check_fields(
        actor,
        {
            "name": name,
            "legal_representative": legal_representative,
            "division": division,
            "industry": industry,
            "categories": categories or [],
            "employees": employees,
            "address": address,
            "lat": lat,
            "lon": lon,
            "standardisation_grade": standardisation_grade,
            "status": status,
        },
    )
    categories = clean.pop("categories")
    enterprise = Enterprise(credit_code=code, **clean)
    try:
        with transaction.atomic():
            enterprise.save()
            EnterpriseCategory.objects.bulk_create(
                [EnterpriseCategory(enterprise=enterprise, category=c) for c in categories]
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=enterprise,
                after=enterprise_snapshot(enterprise),
                ip=current_ip(),
                **audit_scope(enterprise),
            )
    except IntegrityError:  # lost a race with the same code registered at once
        raise DomainError("credit_code_taken", field="credit_code", status=409, code=code) from None
    return enterprise


def enterprise_update(actor, enterprise: Enterprise, **changes) -> Enterprise:
    """Change what may change; the credit code identifies the unit and stays."""
    require_manage(actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError("invalid", field=sorted(unknown)[0])
    for name, value in changes.items():
        if value is None and name not in ("lat", "lon"):
            raise DomainError("required", field=name)
    if ("lat" in changes) != ("lon" in changes):
        changes.setdefault("lat", enterprise.lat)
        changes.setdefault("lon", enterprise.lon)
    clean = check_fields(actor, changes)
    before = enterprise_snapshot(enterprise)
    categories = clean.pop("categories", None)
    for name, value in clean.items():
        setattr(enterprise, name, value)
    with transaction.atomic():
        if categories is not None:
            enterprise.categories.exclude(category__in=categories).delete()
            have = set(enterprise.categories.values_list("category", flat=True))
            EnterpriseCategory.objects.bulk_create(
                [EnterpriseCategory(enterprise=enterprise, category=c) for c in categories if c not in have]
            )
        old, new = changed_fields(before, enterprise_snapshot(enterprise))
        if new:
            enterprise.updated_at = timezone.now()
            enterprise.save()
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=enterprise,
                before=old,
                after=new,
                ip=current_ip(),
                **audit_scope(enterprise),
            )
    if hasattr(enterprise, "_prefetched_objects_cache"):
        enterprise._prefetched_objects_cache.pop("categories", None)
    return enterprise


def licence_add(
    actor,
    enterprise: Enterprise,
    *,
    number: str,
    issued_on: datetime.date,
    valid_until: datetime.date,
    issuer: str = "",
) -> Licence:
    require_manage(actor)
    number = (number or "").strip()
    if not number:
        raise DomainError("required", field="number")
    if issued_on > timezone.localdate():
        raise DomainError("licence_issued_in_future", field="issued_on")
    if valid_until < issued_on:
        raise DomainError("licence_dates_invalid", field="valid_until")
    licence = Licence(enterprise=enterprise, number=number, issued_on=issued_on, valid_until=valid_until, issuer=issuer)
    try:
        with transaction.atomic():
            licence.save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=licence,
                object_repr=f"{enterprise} {number}",
                after=snapshot(licence),
                ip=current_ip(),
                **audit_scope(enterprise),
            )
    except IntegrityError:
        raise DomainError("invalid", field="number", status=409) from None
    return licence


def major_hazard_add(actor, enterprise: Enterprise, *, name: str, level: int) -> MajorHazardInstallation:
    require_manage(actor)
    if not (name or "").strip():
        raise DomainError("required", field="name")
    if level not in (1, 2, 3, 4):
        raise DomainError("hazard_level_invalid", field="level")
    installation = MajorHazardInstallation(enterprise=enterprise, name=name.strip(), level=level)
    with transaction.atomic():
        installation.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=installation,
            object_repr=f"{enterprise} {installation.name}",
            after=snapshot(installation),
            ip=current_ip(),
            **audit_scope(enterprise),
        )
    return installation


def enterprise_officer_create(actor, enterprise: Enterprise, *, username: str, full_name: str, password: str):
    """An account for the unit's own safety officer. The unit gets its organisation on the platform
    the first time; its people see this unit's records and nothing else."""
    from anjian.core.models import Organisation, OrganisationKind, Role
    from anjian.core.services import person_create

    with transaction.atomic():
        if enterprise.organisation_id is None:
            organisation = Organisation.objects.create(
                kind=OrganisationKind.ENTERPRISE,
                name_zh=f"{enterprise.name}（{enterprise.credit_code}）",
                division=enterprise.division,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=organisation,
                after=snapshot(organisation),
                ip=current_ip(),
                division_code=enterprise.division_id,
                organisation_id=organisation.pk,
            )
            enterprise.organisation = organisation
            enterprise.save(update_fields=["organisation"])
        return person_create(
            actor,
            username=username,
            full_name=full_name,
            organisation=enterprise.organisation_id,
            password=password,
            roles=[Role.ENTERPRISE],
        )
