"""Every read of the registry, scoped: a bureau sees the units of its
division and below; an enterprise's own people see their unit only."""

from django.db.models import Q, QuerySet

from anjian.core.errors import NotFound
from anjian.core.rules import division_prefix, is_division_code
from anjian.core.scope import scope_for
from anjian.enterprises.models import Enterprise, EnterpriseImport

ENTERPRISE_FIELDS = {"division": "division__code", "organisation": "organisation_id"}


def enterprises_visible_to(person) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.select_related("division").prefetch_related("categories")
    return scope_for(person).filter(qs, **ENTERPRISE_FIELDS)


def get_enterprise_for(person, enterprise_id) -> Enterprise:
    try:
        return enterprises_visible_to(person).prefetch_related("licences", "major_hazards").get(pk=int(enterprise_id))
    except (Enterprise.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None


def filter_enterprises(
    qs: QuerySet[Enterprise],
    *,
    q: str = "",
    division: str = "",
    category: str = "",
    status: str = "",
    industry: str = "",
) -> QuerySet[Enterprise]:
    """The registry's search: name, credit code or legal representative; and filters."""
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(credit_code__startswith=q.upper()) | Q(legal_representative__icontains=q)
        )
    if division:
        if not is_division_code(division):
            return qs.none()
        qs = qs.filter(division__code__startswith=division_prefix(division))
    if category:
        qs = qs.filter(categories__category=category)
    if status:
        qs = qs.filter(status=status)
    if industry:
        qs = qs.filter(industry__startswith=industry.upper())
    return qs


IMPORT_FIELDS = {"division": "division_code", "organisation": "organisation_id"}


def imports_visible_to(person) -> QuerySet[EnterpriseImport]:
    return scope_for(person).filter(EnterpriseImport.objects.select_related("created_by"), **IMPORT_FIELDS)


def get_import_for(person, import_id) -> EnterpriseImport:
    try:
        return imports_visible_to(person).get(pk=int(import_id))
    except (EnterpriseImport.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None
