"""Every read of enforcement, scoped to the person's jurisdiction."""

from django.db.models import QuerySet
from django.utils import timezone

from anjian.core.errors import NotFound
from anjian.core.scope import scope_for
from anjian.enforcement.models import Document, Draw, Hazard, HazardState, Inspection, InspectionPlan

FIELDS = {"division": "division_code", "organisation": ""}


def plans_visible_to(person) -> QuerySet[InspectionPlan]:
    qs = InspectionPlan.objects.select_related("organisation").prefetch_related("strata")
    return scope_for(person).filter(qs, **FIELDS)


def get_plan_for(person, plan_id) -> InspectionPlan:
    try:
        return plans_visible_to(person).get(pk=int(plan_id))
    except (InspectionPlan.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None


def draws_visible_to(person) -> QuerySet[Draw]:
    return scope_for(person).filter(Draw.objects.select_related("plan"), **FIELDS)


def get_draw_for(person, draw_id) -> Draw:
    try:
        return draws_visible_to(person).get(pk=int(draw_id))
    except (Draw.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None


HAZARD_FIELDS = {"division": "division_code", "organisation": "organisation_id"}


def hazards_visible_to(person) -> QuerySet[Hazard]:
    return scope_for(person).filter(Hazard.objects.select_related("enterprise"), **HAZARD_FIELDS)


def get_hazard_for(person, hazard_id) -> Hazard:
    try:
        return hazards_visible_to(person).get(pk=hazard_id)
    except (Hazard.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


def filter_hazards(qs, *, state="", grade="", enterprise=None, overdue=None, listed=None):
    """Overdue is derived: not closed and past the deadline day."""
    if state:
        qs = qs.filter(state=state)
    if grade:
        qs = qs.filter(grade=grade)
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if listed is not None:
        qs = qs.filter(listed_supervision=listed)
    if overdue is not None:
        late = {"deadline__lt": timezone.localdate()}
        qs = (
            qs.exclude(state=HazardState.CLOSED).filter(**late)
            if overdue
            else qs.exclude(id__in=qs.exclude(state=HazardState.CLOSED).filter(**late).values("id"))
        )
    return qs


def with_overdue(hazards, today=None):
    """Mark each hazard with `overdue`, derived from its deadline and closing day (rules.hazard_overdue)."""
    from anjian.enforcement.rules import hazard_overdue

    today = today or timezone.localdate()
    for hazard in hazards:
        closed_on = timezone.localtime(hazard.closed_at).date() if hazard.closed_at else None
        hazard.overdue = hazard_overdue(hazard.deadline, closed_on, today)
    return hazards


DOCUMENT_FIELDS = {"division": "division_code", "organisation": "enterprise__organisation_id"}


def documents_visible_to(person) -> QuerySet[Document]:
    qs = Document.objects.select_related("organisation", "enterprise", "issued_by", "refers_to", "supersedes")
    return scope_for(person).filter(qs, **DOCUMENT_FIELDS)


def get_document_for(person, document_id) -> Document:
    try:
        return documents_visible_to(person).get(pk=int(document_id))
    except (Document.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None


INSPECTION_FIELDS = {"division": "division_code", "organisation": "enterprise__organisation_id"}


def inspections_visible_to(person) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related("enterprise", "record").prefetch_related("inspectors")
    return scope_for(person).filter(qs, **INSPECTION_FIELDS)


def get_inspection_for(person, inspection_id) -> Inspection:
    try:
        return inspections_visible_to(person).get(pk=inspection_id)
    except (Inspection.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
