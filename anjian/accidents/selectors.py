"""Reads of accident reports, always scoped: a bureau sees the accidents of its area; a unit sees its own."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from anjian.accidents import rules
from anjian.accidents.models import Accident, Investigation, ReportStep
from anjian.core.errors import NotFound
from anjian.core.models import OrganisationKind
from anjian.core.scope import scope_for

FIELDS = {"division": "division__code", "organisation": "enterprise__organisation_id"}


def accidents_visible_to(person) -> QuerySet[Accident]:
    return scope_for(person).filter(Accident.objects.select_related("division", "enterprise"), **FIELDS)


def with_chain(qs: QuerySet[Accident]) -> QuerySet[Accident]:
    return qs.prefetch_related(
        Prefetch("steps", queryset=ReportStep.objects.select_related("division").order_by("order"))
    )


def get_accident_for(person, accident_id) -> Accident:
    try:
        return with_chain(accidents_visible_to(person)).get(pk=accident_id)
    except (Accident.DoesNotExist, TypeError, ValueError, ValidationError):
        raise NotFound() from None


def filter_accidents(
    qs,
    *,
    severity: str = "",
    sector: str = "",
    category: str = "",
    division: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    late: bool | None = None,
    q: str = "",
):
    if severity:
        qs = qs.filter(severity=severity)
    if sector:
        qs = qs.filter(sector=sector)
    if category:
        qs = qs.filter(category=category)
    if division:
        from anjian.core.rules import division_prefix

        qs = qs.filter(division__code__startswith=division_prefix(division))
    if since:
        qs = qs.filter(occurred_at__gte=_day_start(since))
    if until:
        qs = qs.filter(occurred_at__lt=_day_start(until + datetime.timedelta(days=1)))
    if late is True:
        qs = qs.filter(_late_q())
    if q:
        qs = qs.filter(Q(unit_name__icontains=q) | Q(summary__icontains=q) | Q(place__icontains=q))
    return qs


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _late_q(now=None) -> Q:
    """A late step somewhere: reported after its time, or still waiting past it."""
    from django.db.models import Exists, F, OuterRef

    now = now or timezone.now()
    late_steps = ReportStep.objects.filter(accident=OuterRef("pk"), order__lt=100).filter(
        Q(reported_at__gt=F("due_at")) | Q(reported_at__isnull=True, due_at__lt=now)
    )
    return Q(Exists(late_steps))


def inbox_for(person) -> QuerySet[Accident]:
    """Reports the person's bureau has and must forward, the most urgent first."""
    organisation = person.organisation
    if organisation is None or organisation.kind != OrganisationKind.BUREAU:
        return Accident.objects.none()
    return accidents_visible_to(person).filter(awaiting_division=organisation.division_id).order_by("awaiting_due")


def chain_rows(accident: Accident, now=None) -> list[dict]:
    now = now or timezone.now()
    rows = []
    for step in accident.steps.all():
        if step.order >= 100:
            continue
        rows.append(
            {
                "division": step.division_id,
                "division_name": step.division.name,
                "due_at": step.due_at,
                "reported_at": step.reported_at,
                "status": rules.step_status(step.due_at, step.reported_at, now),
                "skipped_to": step.skipped_to,
            }
        )
    return rows


def investigations_visible_to(person) -> QuerySet[Investigation]:
    return scope_for(person).filter(
        Investigation.objects.select_related("accident", "accident__division", "lead_division"),
        division="accident__division__code",
        organisation="accident__enterprise__organisation_id",
    )


def next_forward_division(accident: Accident) -> str:
    steps = [s for s in accident.steps.all() if s.order < 100]
    for step in steps:
        if step.reported_at is None:
            return step.division_id
    return ""
