"""Reads of training, always scoped: a bureau sees the trainees of its area; an institution its own; a unit its
employees. ID numbers are shown in full only to trainers who may see them."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from anjian.core.errors import NotFound
from anjian.core.rules import mask_id_number
from anjian.core.scope import scope_for
from anjian.training import permissions as perms
from anjian.training.models import Trainee


def trainees_visible_to(person) -> QuerySet[Trainee]:
    scope = scope_for(person)
    qs = Trainee.objects.select_related("employer", "organisation")
    if scope.is_empty:
        return qs.none()
    if scope.division_prefix is not None:
        return qs.filter(division_code__startswith=scope.division_prefix)
    # An institution sees those it registered; a production unit, its own employees.
    return qs.filter(Q(organisation_id=scope.organisation_id) | Q(employer__organisation_id=scope.organisation_id))


def get_trainee_for(person, trainee_id) -> Trainee:
    try:
        return trainees_visible_to(person).get(pk=trainee_id)
    except (Trainee.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound() from None


def shown_id_number(person, trainee: Trainee) -> str:
    """In full to a trainer who may see ID numbers (of a bureau over the trainee, or the registering
    institution); masked to the first 6 and last 4 characters for everyone else."""
    if person.has_perm(perms.VIEW_ID_NUMBERS):
        return trainee.id_number
    return mask_id_number(trainee.id_number)
