"""Every read of enforcement, scoped to the person's jurisdiction."""

from django.db.models import QuerySet

from anjian.core.errors import NotFound
from anjian.core.scope import scope_for
from anjian.enforcement.models import Draw, InspectionPlan

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
