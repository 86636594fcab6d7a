"""Every read of enforcement, scoped to the person's jurisdiction."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
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


# A unit's own people reach its hazards through the unit's organisation, whenever it was linked.
HAZARD_FIELDS = {"division": "division_code", "organisation": "enterprise__organisation_id"}


def hazards_visible_to(person) -> QuerySet[Hazard]:
    return scope_for(person).filter(Hazard.objects.select_related("enterprise"), **HAZARD_FIELDS)


def get_hazard_for(person, hazard_id) -> Hazard:
    try:
        return hazards_visible_to(person).get(pk=hazard_id)
    except (Hazard.DoesNotExist, TypeError, ValueError, ValidationError):  # a malformed UUID is not found
        raise NotFound() from None


def filter_hazards(qs, *, state="", grade="", enterprise=None, overdue=None, listed=None):
    """Overdue is derived: not closed and past the deadline day (the query twin of rules.hazard_overdue;
    change both together)."""
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
    except (Inspection.DoesNotExist, TypeError, ValueError, ValidationError):
        raise NotFound() from None


def hazard_statistics(person, *, year: int, quarter: int | None = None, by: str = "county") -> dict:
    """Hazards found in a year or quarter, per division (county or prefecture) and grade, and per
    regulated category and grade: found, rectified (closed by the period's end), still open at its end,
    overdue at its end, and the rectification rate."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db.models import Count, F, Q, Value
    from django.db.models.functions import Concat, Substr

    from anjian.enforcement.rules import period_bounds, rectification_rate

    start, end = period_bounds(year, quarter)
    zone = ZoneInfo(settings.TIME_ZONE)
    start_at = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    end_at = dt.datetime.combine(end, dt.time.min, tzinfo=zone)
    found = hazards_visible_to(person).filter(created_at__gte=start_at, created_at__lt=end_at)
    measures = {
        "found": Count("id"),
        "rectified": Count("id", filter=Q(closed_at__lt=end_at)),
        "overdue": Count("id", filter=(Q(closed_at__isnull=True) | Q(closed_at__gte=end_at)) & Q(deadline__lt=end)),
    }
    group = F("division_code") if by == "county" else Concat(Substr("division_code", 1, 4), Value("00"))
    by_division = found.annotate(group=group).values("group", "grade").annotate(**measures).order_by("group", "grade")
    by_category = (
        found.values(category=F("enterprise__categories__category"))
        .exclude(category=None)
        .values("category", "grade")
        .annotate(**measures)
        .order_by("category", "grade")
    )

    def rows(queryset, key):
        return [
            {
                key: row["group" if key == "division_code" else key],
                "grade": row["grade"],
                "found": row["found"],
                "rectified": row["rectified"],
                "open_at_end": row["found"] - row["rectified"],
                "overdue": row["overdue"],
                "rectification_rate": rectification_rate(row["found"], row["rectified"]),
            }
            for row in queryset
        ]

    division_rows = rows(by_division, "division_code")
    total = {name: sum(row[name] for row in division_rows) for name in ("found", "rectified", "overdue")}
    return {
        "year": year,
        "quarter": quarter,
        "from": start,
        "until": end - dt.timedelta(days=1),
        "total": total | {"rectification_rate": rectification_rate(total["found"], total["rectified"])},
        "by_division": division_rows,
        "by_category": rows(by_category, "category"),
    }


def published_draws() -> QuerySet[Draw]:
    """Draws whose results have been published (双随机一公开): public, no login."""
    from anjian.enforcement.models import DrawState

    return Draw.objects.filter(state=DrawState.PUBLISHED).select_related("plan", "plan__organisation")


# ------------------------------------------------------------ penalty cases
def cases_visible_to(person) -> QuerySet:
    """Cases are the bureaus' own: reached through the unit's division, never by the unit itself."""
    from anjian.enforcement.models import Case

    return scope_for(person).filter(Case.objects.select_related("enterprise", "organisation"), **FIELDS)


def get_case_for(person, case_id):
    from anjian.enforcement.models import Case

    try:
        return cases_visible_to(person).get(pk=case_id)
    except (Case.DoesNotExist, TypeError, ValueError, ValidationError):
        raise NotFound() from None


def filter_cases(qs, *, state="", due="", procedure="", enterprise=None, q="", today=None):
    """`due`: "week" (a deadline in the next 7 days), "overdue" (a deadline already passed)."""
    import datetime

    from django.db.models import Q

    today = today or timezone.localdate()
    if state == "open":
        qs = qs.exclude(state="closed")
    elif state:
        qs = qs.filter(state=state)
    if procedure:
        qs = qs.filter(procedure=procedure)
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if due == "week":
        qs = qs.filter(next_due__gte=today, next_due__lt=today + datetime.timedelta(days=7))
    elif due == "overdue":
        qs = qs.filter(next_due__lt=today)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(party_name__icontains=q) | Q(summary__icontains=q))
    if due:
        return qs.order_by("next_due", "created_at")
    return qs


def cases_in_period(qs, start, end):
    """The quarter's register: cases filed, decided or closed in [start, end)."""
    from django.db.models import Q

    return qs.filter(
        Q(filed_on__gte=start, filed_on__lt=end)
        | Q(decided_on__gte=start, decided_on__lt=end)
        | Q(closed_on__gte=start, closed_on__lt=end)
    ).order_by("filed_on", "decided_on", "created_at")


def disclosed_penalties(organisation, today=None):
    """The public page of a bureau: its general-procedure penalty decisions disclosed on or before today,
    for as long as the disclosure period lasts."""
    import datetime

    from django.conf import settings

    from anjian.enforcement.models import Case

    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=365 * settings.PENALTY_DISCLOSURE_YEARS)
    return (
        Case.objects.filter(
            organisation=organisation,
            procedure="general",
            outcome="penalty",
            disclosed_on__lte=today,
            decided_on__gte=since,
        )  # fmt: skip
        .select_related("enterprise")
        .prefetch_related(
            "violations",
            Prefetch(
                "documents",
                queryset=Document.objects.filter(kind="penalty_decision").order_by("-issued_at", "-id"),
                to_attr="decisions",
            ),
        )
        .order_by("-decided_on", "-created_at")
    )


def enterprise_risk(enterprise, today=None) -> dict:
    """A unit's risk level and what it rests on: open major hazards, major hazard installations, and the
    penalties decided against it in the last three years (rules.risk_level)."""
    import datetime

    from anjian.enforcement import rules
    from anjian.enforcement.models import Case

    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=3 * 365)
    penalties = Case.objects.filter(enterprise=enterprise, outcome="penalty", decided_on__gte=since).exclude(
        decision_status="revoked"
    )
    facts = {
        "open_major_hazards": enterprise.hazards.filter(grade="major").exclude(state=HazardState.CLOSED).count(),
        "major_installations": enterprise.major_hazards.count(),
        "penalties_3y": penalties.count(),
        "heavy_penalties_3y": penalties.filter(hearing_eligible=True).count(),
    }
    return {"level": rules.risk_level(**facts), **facts}
