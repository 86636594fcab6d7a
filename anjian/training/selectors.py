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


def search_trainees(person, qs: QuerySet[Trainee], text: str) -> QuerySet[Trainee]:
    """By name; by the whole ID number only for those who may see ID numbers."""
    text = text.strip()
    if person.has_perm(perms.VIEW_ID_NUMBERS) and len(text) == 18:
        return qs.filter(Q(id_number=text.upper()) | Q(name__icontains=text))
    return qs.filter(name__icontains=text)


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
        Attendance.objects.filter(
            trainee_id__in=ids, session__course__kind=CourseKind.INITIAL, session__starts_on__year__lte=year
        )
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


def certificates_visible_to(person) -> QuerySet:
    """A bureau sees the certificates of holders in its area and those it issued; an institution those it issued
    or whose holders it registered; a production unit its employees'."""
    from anjian.training.models import Certificate

    scope = scope_for(person)
    qs = Certificate.objects.select_related("trainee", "trainee__employer", "organisation")
    if scope.is_empty:
        return qs.none()
    if scope.division_prefix is not None:
        return qs.filter(Q(division_code__startswith=scope.division_prefix) | Q(organisation_id=person.organisation_id))
    return qs.filter(
        Q(organisation_id=scope.organisation_id)
        | Q(trainee__organisation_id=scope.organisation_id)
        | Q(trainee__employer__organisation_id=scope.organisation_id)
    )


def get_certificate_for(person, number: str):
    from anjian.training.models import Certificate

    try:
        return certificates_visible_to(person).get(number=(number or "").strip().upper())
    except Certificate.DoesNotExist:
        raise NotFound() from None


def review_hours(certificate, due, on) -> Decimal:
    """Hours of review training the holder attended for this operation (or a general review course) in the year
    before the due date, up to `on`."""
    import datetime

    from django.db.models import Sum

    from anjian.training.models import Attendance, CourseKind

    total = Attendance.objects.filter(
        trainee_id=certificate.trainee_id,
        session__course__kind=CourseKind.REVIEW,
        session__course__operation_item__in=(certificate.operation_item, ""),
        session__starts_on__gte=due - datetime.timedelta(days=365),
        session__starts_on__lte=on,
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)


def divisions_below(person, codes: set[str], division: str = "") -> dict:
    """Each division code → the division one level below the viewer's (or below `division`): the bureau that follows
    its people up. Walks the parents, so a county directly under a province is counted right."""
    from anjian.core.models import Division

    top = division or (person.organisation.division_id if person.organisation else "")
    top = "" if top == "000000" else top  # the national bureau: the provinces
    nodes = {d.code: d for d in Division.objects.filter(code__in=codes).select_related("parent__parent__parent")}
    below = {}
    for code, node in nodes.items():
        chain = []
        while node is not None and node.code != top:
            chain.append(node)
            node = node.parent
        # Outside the viewer's area (a certificate the bureau issued to someone elsewhere): under its own division.
        below[code] = chain[-1] if chain and (node is not None or not top) else nodes[code]
    return below


def certificates_due(person, today, within: int = 90, *, division: str = "", enterprise=None) -> dict:
    """Certificates whose review or validity falls due in the next `within` days (not revoked, suspended or void),
    soonest first, with their counts per division (the level below the viewer's) and per unit."""
    import datetime

    from anjian.core.rules import division_prefix

    end = today + datetime.timedelta(days=within)
    qs = certificates_visible_to(person).filter(revoked=False, suspended=False, voided_on__isnull=True)
    qs = qs.filter(
        Q(next_review_due__gte=today, next_review_due__lte=end, valid_until__gte=today)
        | Q(valid_until__gte=today, valid_until__lte=end, next_review_due__gte=today)
    )
    if division:
        qs = qs.filter(division_code__startswith=division_prefix(division))
    if enterprise is not None:
        qs = qs.filter(trainee__employer=enterprise)
    items = []
    for c in qs.order_by("next_review_due", "number"):
        expires = c.valid_until <= end
        due = min(c.valid_until, c.next_review_due) if expires else c.next_review_due
        items.append(
            {
                "certificate": c,
                "kind": "expiry" if expires else "review",
                "due_on": due,
                "days_left": (due - today).days,
                "window_opens": rules.review_window_opens(c.next_review_due),
            }
        )
    items.sort(key=lambda i: (i["due_on"], i["certificate"].number))
    by_division: dict[str, dict] = {}
    by_unit: dict[object, dict] = {}
    below = divisions_below(person, {i["certificate"].division_code for i in items}, division)
    for i in items:
        c = i["certificate"]
        bureau = below.get(c.division_code)
        key = (bureau.code, bureau.name) if bureau else (c.division_code, c.division_code)
        row = by_division.setdefault(key[0], {"division": key[0], "name": key[1], "review": 0, "expiry": 0})
        row[i["kind"]] += 1
        employer = c.trainee.employer
        unit = by_unit.setdefault(
            employer.pk if employer else None,
            {
                "enterprise": employer.pk if employer else None,
                "name": employer.name if employer else "",
                "review": 0,
                "expiry": 0,
            },
        )
        unit[i["kind"]] += 1
    return {
        "items": items,
        "by_division": sorted(by_division.values(), key=lambda r: r["division"]),
        "by_unit": sorted(by_unit.values(), key=lambda r: (-(r["review"] + r["expiry"]), r["name"])),
    }


def certificates_filter(qs, today, *, q="", status=None, operation_item="", enterprise=None) -> QuerySet:
    """Narrow a certificate list by number or name, status (computed from the dates as the status rule does),
    operation item and employer."""
    import datetime

    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__iexact=q) | Q(trainee__name__icontains=q))
    if operation_item:
        qs = qs.filter(operation_item=operation_item)
    if enterprise:
        qs = qs.filter(trainee__employer_id=enterprise)
    if status:
        live = Q(revoked=False, suspended=False, valid_until__gte=today)
        not_void = Q(voided_on__isnull=True) | Q(voided_on__gt=today)
        window = today + datetime.timedelta(days=rules.ORDER_3_AND_30.review_window_days)
        qs = qs.filter(
            {
                "revoked": Q(revoked=True),
                "suspended": Q(revoked=False, suspended=True),
                "expired": Q(revoked=False, suspended=False, valid_until__lt=today),
                "void": live & (~not_void | Q(next_review_due__lt=today)),
                "review_due": live & not_void & Q(next_review_due__gte=today, next_review_due__lte=window),
                "valid": live & not_void & Q(next_review_due__gt=window),
            }[status]
        )
    return qs.order_by("-issued_on", "number")
