"""The support pool the systems share: experts (kept in the emergency register) and technical institutions, their
profiles, and their engagements by a bureau for an accident investigation, an incident, an enforcement inspection,
an aid item, a review or training. Writes checked, in one transaction, audited; reads scoped."""

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from anjian.aid.models import Engagement, EngagementPurpose, InstitutionProfile, Service
from anjian.aid.services import audit
from anjian.core.audit import snapshot
from anjian.core.errors import DomainError, NotFound
from anjian.core.models import Organisation, OrganisationKind
from anjian.core.scope import scope_for

TARGET_OF = {
    EngagementPurpose.INVESTIGATION: "accident",
    EngagementPurpose.INCIDENT: "incident",
    EngagementPurpose.INSPECTION: "inspection",
    EngagementPurpose.AID: "item",
}


def institutions_visible_to(person) -> QuerySet[Organisation]:
    """Technical institutions registered in the person's area (a bureau), or the institution itself."""
    scope = scope_for(person)
    qs = Organisation.objects.filter(kind=OrganisationKind.INSTITUTION, is_active=True).select_related(
        "institution_profile", "division"
    )
    if scope.is_empty:
        return qs.none()
    if scope.division_prefix is not None:
        return qs.filter(division__code__startswith=scope.division_prefix)
    return qs.filter(pk=scope.organisation_id)


def get_institution_for(person, institution_id) -> Organisation:
    try:
        return institutions_visible_to(person).get(pk=int(institution_id))
    except (Organisation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def engagements_visible_to(person) -> QuerySet[Engagement]:
    scope = scope_for(person)
    qs = Engagement.objects.select_related("expert", "institution", "engaged_by")
    if scope.is_empty:
        return qs.none()
    if scope.division_prefix is not None:
        return qs.filter(division_code__startswith=scope.division_prefix)
    return qs.filter(Q(institution_id=scope.organisation_id) | Q(item__plan__supporter_id=scope.organisation_id))


def engaged_now(engagements, today: datetime.date) -> bool:
    return any(e.starts_on <= today and (e.ends_on is None or e.ends_on >= today) for e in engagements)


def profile_save(actor, institution: Organisation, *, services, qualifications="", accreditation="",
                 accredited_until=None) -> InstitutionProfile:  # fmt: skip
    """An institution keeps its own profile; a bureau over it may too."""
    from anjian.aid import permissions as perms
    from anjian.core.models import Role

    own = actor.organisation_id == institution.pk and actor.groups.filter(name=Role.ADMIN).exists()
    over = (
        actor.organisation is not None
        and actor.organisation.kind == OrganisationKind.BUREAU
        and actor.has_perm(perms.KEEP_AID)
        and scope_for(actor).contains_division(institution.division_id)
    )
    if not (own or over):
        raise DomainError("permission_denied", status=403)
    services = list(dict.fromkeys(services or []))
    if not services or any(s not in Service.values for s in services):
        raise DomainError("invalid", field="services")
    with transaction.atomic():
        profile, created = InstitutionProfile.objects.select_for_update().get_or_create(
            organisation=institution, defaults={"updated_by": actor}
        )
        before = None if created else snapshot(profile)
        profile.services = services
        profile.qualifications = (qualifications or "").strip()
        profile.accreditation = (accreditation or "").strip()[:100]
        profile.accredited_until = accredited_until
        profile.updated_by, profile.updated_at = actor, timezone.now()
        profile.save()
        audit(actor, "create" if created else "update", profile, before=before,
               division_code=institution.division_id, organisation_id=institution.pk)  # fmt: skip
    return profile


def _target(actor, purpose: str, target_id):
    """The accident, incident, inspection or aid item the engagement is for, as the actor sees it."""
    field = TARGET_OF.get(purpose)
    if field is None:
        return None, None
    if target_id in (None, ""):
        raise DomainError("required", field="target")
    if field == "accident":
        from anjian.accidents.selectors import get_accident_for as get
    elif field == "incident":
        from anjian.emergency.selectors import get_incident_for as get
    elif field == "inspection":
        from anjian.enforcement.selectors import get_inspection_for as get
    else:
        from anjian.aid.selectors import get_item_for as get
    try:
        return field, get(actor, target_id)
    except NotFound:
        raise DomainError("not_found", field="target", status=404) from None


def engagement_create(
    actor, *, expert=None, institution=None, purpose: str, target=None, role: str, starts_on, ends_on=None, note=""
) -> Engagement:
    """A bureau engages an expert of its pool or an institution for a piece of work it can see."""
    from anjian.aid import permissions as perms
    from anjian.emergency import permissions as emergency_perms

    organisation = actor.organisation
    if (
        organisation is None
        or organisation.kind != OrganisationKind.BUREAU
        or not (actor.has_perm(perms.KEEP_AID) or actor.has_perm(emergency_perms.MANAGE_EMERGENCY))
    ):
        raise DomainError("permission_denied", status=403)
    if (expert is None) == (institution is None):
        raise DomainError("required", field="expert")
    if purpose not in EngagementPurpose.values:
        raise DomainError("invalid", field="purpose")
    role = (role or "").strip()
    if not role:
        raise DomainError("required", field="role")
    if not isinstance(starts_on, datetime.date) or not 1950 <= starts_on.year <= 2100:
        raise DomainError("required", field="starts_on")
    if ends_on is not None and (not isinstance(ends_on, datetime.date) or ends_on < starts_on):
        raise DomainError("talent_period_invalid", field="ends_on")
    field, found = _target(actor, purpose, target)
    with transaction.atomic():
        engagement = Engagement.objects.create(
            expert=expert,
            institution=institution,
            engaged_by=organisation,
            division_code=organisation.division_id,
            purpose=purpose,
            role=role[:200],
            starts_on=starts_on,
            ends_on=ends_on,
            note=(note or "").strip(),
            recorded_by=actor,
            **({field: found} if field else {}),
        )
        audit(actor, "create", engagement, division_code=organisation.division_id, organisation_id=organisation.pk)
    return engagement
