"""Reads of training, always scoped: a bureau sees the trainees of its area; an institution its own; a unit its
employees. ID numbers are shown in full only to trainers who may see them."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from anjian.core.errors import NotFound
from anjian.core.rules import mask_id_number
from anjian.core.scope import scope_for
from anjian.training import permissions as perms
from anjian.training import rules
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


def courses_visible_to(person) -> QuerySet:
    from anjian.training.models import Course

    scope = scope_for(person)
    if scope.is_empty:
        return Course.objects.none()
    if scope.division_prefix is not None:
        # A bureau sees the courses given in its area and above it (the region's centre trains everyone).
        return Course.objects.filter(
            Q(division_code__startswith=scope.division_prefix) | Q(organisation_id=person.organisation_id)
        )
    return Course.objects.filter(organisation_id=scope.organisation_id)


def get_course_for(person, course_id):
    from anjian.training.models import Course

    try:
        return courses_visible_to(person).get(pk=int(course_id))
    except (Course.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def get_session_for(person, session_id):
    from anjian.training.models import CourseSession

    try:
        return CourseSession.objects.select_related("course").get(
            pk=int(session_id), course__in=courses_visible_to(person)
        )
    except (CourseSession.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def _high_risk(trainee) -> bool:
    if trainee.employer is None:
        return False
    return bool(rules.HIGH_RISK_CATEGORIES & {c.category for c in trainee.employer.categories.all()})


def ledger(trainee) -> dict:
    """A trainee's hours, session by session and year by year, against what Order 3 requires."""
    from anjian.training.models import Attendance, CourseKind

    rows = list(
        Attendance.objects.filter(trainee=trainee)
        .select_related("session__course")
        .order_by("session__starts_on", "pk")
    )
    high_risk = _high_risk(trainee)
    initial_done = sum((a.hours for a in rows if a.session.course.kind == CourseKind.INITIAL), Decimal(0))
    by_year: dict[int, Decimal] = {}
    for a in rows:
        by_year[a.session.starts_on.year] = by_year.get(a.session.starts_on.year, Decimal(0)) + a.hours
    return {
        "high_risk": high_risk,
        "required_initial": rules.required_hours(trainee.audience, high_risk, "initial"),
        "required_yearly": rules.required_hours(trainee.audience, high_risk, "yearly"),
        "initial_done": initial_done,
        "by_year": dict(sorted(by_year.items())),
        "entries": [
            {
                "on": a.session.starts_on,
                "course": a.session.course.name,
                "kind": a.session.course.kind,
                "hours": a.hours,
            }
            for a in rows
        ],
    }


def compliance(person, year: int, *, audiences=(rules.PRINCIPAL, rules.SAFETY_MANAGER), division="", enterprise=None):
    """Each trainee of these audiences in scope: the hours required of them for the year, those done, the shortfall.

    Until the first training is complete, its hours are required; in the year it is completed, that suffices;
    afterwards, the yearly re-training hours of the year.
    """
    from django.db.models import Sum

    from anjian.core.rules import division_prefix
    from anjian.training.models import Attendance, CourseKind

    trainees = trainees_visible_to(person).filter(audience__in=audiences).prefetch_related("employer__categories")
    if division:
        trainees = trainees.filter(division_code__startswith=division_prefix(division))
    if enterprise is not None:
        trainees = trainees.filter(employer=enterprise)
    trainees = list(trainees.order_by("division_code", "employer_name", "name"))
    ids = [t.pk for t in trainees]
    in_year = dict(
        Attendance.objects.filter(trainee_id__in=ids, session__starts_on__year=year)
        .values_list("trainee_id")
        .annotate(total=Sum("hours"))
    )
    initial = {}
    for trainee_id, starts_on, hours in (
        Attendance.objects.filter(trainee_id__in=ids, session__course__kind=CourseKind.INITIAL)
        .order_by("session__starts_on")
        .values_list("trainee_id", "session__starts_on", "hours")
    ):
        done, completed = initial.get(trainee_id, (Decimal(0), None))
        initial[trainee_id] = (done + hours, completed or starts_on)
    rows = []
    for trainee in trainees:
        high_risk = _high_risk(trainee)
        need_initial = rules.required_hours(trainee.audience, high_risk, "initial")
        done_initial, first_on = initial.get(trainee.pk, (Decimal(0), None))
        initial_incomplete = need_initial is not None and done_initial < need_initial
        initial_this_year = first_on is not None and first_on.year >= year
        if initial_incomplete or initial_this_year:
            required, done, basis = need_initial, done_initial, "initial"
        else:
            required, done, basis = (
                rules.required_hours(trainee.audience, high_risk, "yearly"),
                in_year.get(trainee.pk, Decimal(0)),
                "yearly",
            )
        shortfall = rules.hours_shortfall(required, done)
        rows.append(
            {
                "trainee": trainee,
                "basis": basis,
                "required": required,
                "done": done,
                "shortfall": shortfall,
                "compliant": shortfall == 0,
                "high_risk": high_risk,
            }
        )
    return rows


def questions_visible_to(person) -> QuerySet:
    """A bureau's trainers use the bank of their area and of the bureaus above (the region's bank serves every
    prefecture); an institution its own."""
    from anjian.training.models import Question

    scope = scope_for(person)
    if scope.is_empty:
        return Question.objects.none()
    if scope.division_prefix is not None:
        from anjian.core.selectors import ancestry

        ancestors = [code for code, _level in ancestry(person.organisation.division)]
        return Question.objects.filter(
            Q(division_code__startswith=scope.division_prefix) | Q(division_code__in=ancestors)
        )
    return Question.objects.filter(organisation_id=scope.organisation_id)


def get_question_for(person, question_id):
    from anjian.training.models import Question

    try:
        return questions_visible_to(person).prefetch_related("versions").get(pk=int(question_id))
    except (Question.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def paper_rules_visible_to(person) -> QuerySet:
    from anjian.training.models import PaperRule

    scope = scope_for(person)
    if scope.is_empty:
        return PaperRule.objects.none()
    if scope.division_prefix is not None:
        return PaperRule.objects.filter(division_code__startswith=scope.division_prefix)
    return PaperRule.objects.filter(organisation_id=scope.organisation_id)


def get_paper_rule_for(person, rule_id):
    from anjian.training.models import PaperRule

    try:
        return paper_rules_visible_to(person).get(pk=int(rule_id))
    except (PaperRule.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def exams_visible_to(person) -> QuerySet:
    from anjian.training.models import ExamSession

    scope = scope_for(person)
    if scope.is_empty:
        return ExamSession.objects.none()
    if scope.division_prefix is not None:
        return ExamSession.objects.filter(division_code__startswith=scope.division_prefix)
    return ExamSession.objects.filter(organisation_id=scope.organisation_id)


def get_exam_for(person, exam_id):
    from anjian.training.models import ExamSession

    try:
        return exams_visible_to(person).select_related("paper_rule").get(pk=int(exam_id))
    except (ExamSession.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None
