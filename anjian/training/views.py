"""Training pages: trainees and their hours, courses and attendance, compliance, the question bank and its import,
paper rules, exams and their results, certificates and what falls due; the examinee's exam; the public check."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core.errors import DomainError, NotFound, message_for
from anjian.core.forms import apply_domain_error
from anjian.core.views import _found, form_page
from anjian.enterprises.selectors import enterprises_visible_to
from anjian.training import certificates as certificate_services
from anjian.training import exams, forms, rules, selectors, services
from anjian.training import permissions as perms
from anjian.training.models import Candidate, Certificate, QuestionKind

PAGE = 50


def _is_trainer(person) -> bool:
    try:
        services._trainer(person)
    except DomainError:
        return False
    return True


def _nav(request, active: str, **extra) -> dict:
    return {"active": active, "is_trainer": _is_trainer(request.user), **extra}


# --- trainees -----------------------------------------------------------------------------------------------------


@login_required
def trainee_list(request):
    q = request.GET.get("q", "").strip()[:100]
    qs = selectors.trainees_visible_to(request.user)
    if q:
        qs = selectors.search_trainees(request.user, qs, q)
    page = Paginator(qs.order_by("-created_at", "name"), PAGE).get_page(request.GET.get("page"))
    for trainee in page:
        trainee.shown_id = selectors.shown_id_number(request.user, trainee)
    return render(request, "training/trainee_list.html", _nav(request, "trainees", page=page, q=q))


@login_required
def trainee_create(request):
    form = forms.TraineeForm(request.POST or None)

    def save(data):
        code = data.pop("employer_code").strip().upper()
        employer = None
        if code:
            employer = enterprises_visible_to(request.user).filter(credit_code=code).first()
            if employer is None:
                raise DomainError("employer_unknown", field="employer_code")
        return services.trainee_register(request.user, employer=employer, **data)

    return form_page(
        request,
        form,
        title=_("Register a person for training"),
        save=save,
        done=lambda trainee: ("training-trainee", trainee.pk),
        done_message=_("The person has been registered."),
    )


@login_required
def trainee_detail(request, trainee_id):
    trainee = _found(selectors.get_trainee_for, request.user, trainee_id)
    photo_form = forms.PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and photo_form.is_valid():
        try:
            services.trainee_photo(request.user, trainee, photo_form.cleaned_data["file"])
        except DomainError as error:
            apply_domain_error(photo_form, error)
        else:
            messages.success(request, _("The photo has been saved."))
            return redirect("training-trainee", trainee.pk)
    today = timezone.localdate()
    certificates = list(selectors.certificates_visible_to(request.user).filter(trainee=trainee))
    for c in certificates:
        c.current = c.status(today)
    context = _nav(
        request,
        "trainees",
        trainee=trainee,
        shown_id=selectors.shown_id_number(request.user, trainee),
        ledger=selectors.ledger(trainee),
        certificates=certificates,
        candidacies=trainee.candidacies.select_related("exam").order_by("-exam__starts_at"),
        photo_form=photo_form,
    )
    return render(request, "training/trainee_detail.html", context)


@login_required
def trainee_photo(request, trainee_id):
    trainee = _found(selectors.get_trainee_for, request.user, trainee_id)
    if not trainee.photo:
        raise Http404
    return HttpResponse(trainee.photo.read(), content_type=_photo_type(trainee.photo.name))


def _photo_type(name: str) -> str:
    import mimetypes

    return mimetypes.guess_type(name)[0] or "application/octet-stream"


# --- courses, attendance, compliance ------------------------------------------------------------------------------


@login_required
def course_list(request):
    qs = selectors.courses_visible_to(request.user).order_by("audience", "name")
    form = forms.CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The course has been added."))
            return redirect("training-course", course.pk)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(request, "training/course_list.html", _nav(request, "courses", page=page, form=form))


@login_required
def course_detail(request, course_id):
    course = _found(selectors.get_course_for, request.user, course_id)
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    session_form = forms.SessionForm(request.POST if posted == "session" else None)
    attendance_form = forms.AttendanceForm(request.POST if posted == "attendance" else None)
    if posted == "session" and session_form.is_valid():
        try:
            services.session_create(request.user, course, **session_form.cleaned_data)
        except DomainError as error:
            apply_domain_error(session_form, error)
        else:
            messages.success(request, _("The session has been added."))
            return redirect("training-course", course.pk)
    if posted == "attendance" and attendance_form.is_valid():
        session = _found(selectors.get_session_for, request.user, request.POST.get("session"))
        if session.course_id != course.pk:  # a session of this course only
            raise Http404
        try:
            entries = _attendance_entries(request.user, attendance_form.cleaned_data["id_numbers"])
            services.attendance_record(request.user, session, entries)
        except DomainError as error:
            apply_domain_error(attendance_form, error)
        else:
            messages.success(request, _("Attendance has been recorded."))
            return redirect("training-course", course.pk)
    sessions = course.sessions.order_by("-starts_on").prefetch_related("attendance__trainee")
    context = _nav(
        request,
        "courses",
        course=course,
        sessions=sessions,
        session_form=session_form,
        attendance_form=attendance_form,
        can_manage=_is_trainer(request.user) and course.organisation_id == request.user.organisation_id,
    )
    return render(request, "training/course_detail.html", context)


def _attendance_entries(person, text: str) -> list:
    """'ID number [hours]' lines → (trainee, hours); an unknown ID number names its line."""
    entries = []
    visible = selectors.trainees_visible_to(person)
    for n, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        trainee = visible.filter(id_number=parts[0].upper()).first()
        if trainee is None:
            raise DomainError("trainee_unknown_line", field="id_numbers", line=n)
        entries.append((trainee, parts[1] if len(parts) > 1 else None))
    return entries


@login_required
def compliance(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    audience = request.GET.get("audience", "managers")
    audiences = (rules.WORKER,) if audience == "workers" else (rules.PRINCIPAL, rules.SAFETY_MANAGER)
    rows = selectors.compliance(request.user, year, audiences=audiences)
    by_unit: dict = {}
    for row in rows:
        trainee = row["trainee"]
        key = trainee.employer.name if trainee.employer else (trainee.employer_name or _("No employer given"))
        unit = by_unit.setdefault(key, {"name": key, "people": 0, "short": 0})
        unit["people"] += 1
        unit["short"] += 0 if row["compliant"] else 1
    below = selectors.divisions_below(request.user, {r["trainee"].division_code for r in rows})
    by_division: dict = {}
    for row in rows:
        node = below.get(row["trainee"].division_code)
        key = node.code if node else row["trainee"].division_code
        line = by_division.setdefault(key, {"code": key, "name": node.name if node else key, "people": 0, "short": 0})
        line["people"] += 1
        line["short"] += 0 if row["compliant"] else 1
    short_only = request.GET.get("short") == "1"
    shown = [r for r in rows if not r["compliant"]] if short_only else rows
    context = _nav(
        request,
        "compliance",
        rows=shown,
        year=year,
        audience=audience,
        short_only=short_only,
        years=range(today.year, today.year - 6, -1),
        units=sorted(by_unit.values(), key=lambda u: (-u["short"], u["name"])),
        divisions=sorted(by_division.values(), key=lambda d: d["code"]),
        total=len(rows),
        short=sum(1 for r in rows if not r["compliant"]),
    )
    return render(request, "training/compliance.html", context)


# --- the question bank ---------------------------------------------------------------------------------------------


@login_required
def question_list(request):
    get = request.GET
    qs = selectors.questions_visible_to(request.user).prefetch_related("versions")
    filters = {
        "kind": get.get("kind", "") if get.get("kind", "") in QuestionKind.values else "",
        "operation_item": get.get("operation_item", "")[:8],
        "q": get.get("q", "").strip()[:100],
    }
    if filters["kind"]:
        qs = qs.filter(kind=filters["kind"])
    if filters["operation_item"]:
        qs = qs.filter(operation_item=filters["operation_item"])
    if filters["q"]:
        from django.db.models import Q

        qs = qs.filter(
            Q(versions__text_zh__icontains=filters["q"]) | Q(versions__text_bo__icontains=filters["q"])
        ).distinct()
    page = Paginator(qs.order_by("pk"), PAGE).get_page(get.get("page"))
    for question in page:
        question.current = max(question.versions.all(), key=lambda v: v.number)
    context = _nav(
        request, "questions", page=page, filters=filters, kinds=QuestionKind.choices, items=forms.item_choices()
    )
    return render(request, "training/question_list.html", context)


@login_required
def question_create(request):
    form = forms.QuestionForm(request.POST or None)
    return form_page(
        request,
        form,
        title=_("Add a question"),
        save=lambda data: services.question_create(request.user, form.data_for_service()),
        done=lambda question: ("training-question", question.pk),
        done_message=_("The question has been added to the bank."),
    )


@login_required
def question_detail(request, question_id):
    question = _found(selectors.get_question_for, request.user, question_id)
    versions = list(question.versions.order_by("-number"))
    current = versions[0]
    can_edit = _is_trainer(request.user) and question.organisation_id == request.user.organisation_id
    initial = {
        "kind": question.kind,
        "operation_item": question.operation_item,
        "knowledge_point": question.knowledge_point,
        "difficulty": question.difficulty,
        "text_zh": current.text_zh,
        "text_bo": current.text_bo,
        "options": "\n".join(f"{o.get('zh', '')}|{o.get('bo', '')}".rstrip("|") for o in current.options),
        "answer": "".join(rules.LETTERS[i] for i in current.answer)
        if question.kind != rules.JUDGE
        else ("对" if current.answer == [0] else "错"),
        "sheet": "\n".join(f"{c['label']} | {c['max']:g}" for c in current.sheet),
        "explanation": current.explanation,
    }
    form = forms.QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and can_edit and form.is_valid():
        try:
            services.question_edit(request.user, question, form.data_for_service())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved as a new version; finished exams keep the version they drew."))
            return redirect("training-question", question.pk)
    show_answers = request.user.has_perm(perms.MANAGE_TRAINING)
    for version in versions:
        version.lettered = [(rules.LETTERS[i], o, i in version.answer) for i, o in enumerate(version.options)]
    context = _nav(
        request, "questions", question=question, versions=versions, form=form, can_edit=can_edit,
        show_answers=show_answers,
    )  # fmt: skip
    return render(request, "training/question_detail.html", context)


IMPORT_SESSION_KEY = "training-question-import"


@login_required
def question_import(request):
    """Upload → a preview of every row (nothing written) → import all of them, or nothing."""
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and request.POST.get("confirm") == "1":
        rows = request.session.get(IMPORT_SESSION_KEY)
        if not rows:
            messages.error(request, _("Upload the file again: its preview has expired."))
            return redirect("training-question-import")
        try:
            result = services.questions_import(request.user, rows, preview=False)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("training-question-import")
        request.session.pop(IMPORT_SESSION_KEY, None)
        if result["created"]:
            messages.success(request, _("%(count)s questions have been imported.") % {"count": result["created"]})
            return redirect("training-questions")
    elif request.method == "POST" and form.is_valid():
        from anjian.enterprises.importing import check_small_upload

        upload = form.cleaned_data["file"]
        try:
            check_small_upload(upload)
            rows = services.parse_question_file(upload.name or "", upload.read())
            result = services.questions_import(request.user, rows, preview=True)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            if result["invalid"] == 0 and result["valid"]:
                request.session[IMPORT_SESSION_KEY] = rows
            else:
                request.session.pop(IMPORT_SESSION_KEY, None)
    return render(request, "training/question_import.html", _nav(request, "questions", form=form, result=result))


# --- paper rules and exams -----------------------------------------------------------------------------------------


@login_required
def paper_list(request):
    form = forms.PaperRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.paper_rule_create(
                request.user,
                name=data["name"],
                operation_item=data["operation_item"],
                items=form.items(),
                duration_minutes=data["duration_minutes"],
                pass_mark=data["pass_mark"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
            if error.field and error.field.startswith("items"):
                form.add_error("lines", error.message)
        else:
            messages.success(request, _("The paper rule has been added."))
            return redirect("training-papers")
    rules_list = selectors.paper_rules_visible_to(request.user)
    return render(request, "training/paper_list.html", _nav(request, "exams", rules=rules_list, form=form))


@login_required
def exam_list(request):
    rule_choices = [(r.pk, r.name) for r in selectors.paper_rules_visible_to(request.user)]
    practicals = selectors.questions_visible_to(request.user).filter(kind=rules.PRACTICAL, active=True)
    practical_choices = [(q.pk, f"{q.operation_item} {q.pk}") for q in practicals]
    form = forms.ExamForm(request.POST or None, rules_choices=rule_choices, practical_choices=practical_choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exam = _exam_create(request.user, data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The exam has been scheduled."))
            return redirect("training-exam", exam.pk)
    exams_qs = selectors.exams_visible_to(request.user).select_related("paper_rule")
    page = Paginator(exams_qs, PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(request, "training/exam_list.html", _nav(request, "exams", page=page, form=form, now=now))


def _exam_create(person, data):
    return exams.exam_schedule(
        person,
        name=data["name"],
        paper_rule=int(data["paper_rule"]),
        venue=data["venue"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        proctors=(data.get("proctors") or "").replace(",", " ").split(),
        practical=int(data["practical"]) if data.get("practical") else None,
    )


@login_required
def exam_detail(request, exam_id):
    exam = _found(selectors.get_exam_for, request.user, exam_id)
    can_manage = _is_trainer(request.user) and exam.organisation_id == request.user.organisation_id
    admit_form = forms.AdmitForm(request.POST if request.POST.get("form") == "admit" else None)
    admitted = []
    if request.method == "POST" and request.POST.get("form") == "new-code":
        number = request.POST.get("candidate", "")
        candidate = None
        if number.isascii() and number.isdigit() and len(number) < 19:
            candidate = exam.candidates.select_related("exam", "trainee").filter(pk=int(number)).first()
        if candidate is None:
            raise Http404
        try:
            admitted = [(candidate, exams.candidate_new_code(request.user, candidate))]
        except DomainError as error:
            messages.error(request, error.message)
    if request.method == "POST" and request.POST.get("form") == "admit" and admit_form.is_valid():
        try:
            with transaction.atomic():
                visible = selectors.trainees_visible_to(request.user)
                for n, line in enumerate(admit_form.cleaned_data["id_numbers"].split(), start=1):
                    trainee = visible.filter(id_number=line.strip().upper()).first()
                    if trainee is None:
                        raise DomainError("trainee_unknown_line", field="id_numbers", line=n)
                    candidate, code = exams.candidate_admit(request.user, exam, trainee)
                    admitted.append((candidate, code))
        except DomainError as error:
            apply_domain_error(admit_form, error)
            admitted = []
    exams.close_overdue(exam, timezone.now())  # attempts abandoned past their end are handed in as they stood
    candidates = list(exam.candidates.select_related("trainee", "attempt").order_by("ticket"))
    certificates = {c.candidate_id: c for c in Certificate.objects.filter(candidate__exam=exam)}
    for candidate in candidates:
        candidate.certificate = certificates.get(candidate.pk)
        candidate.has_attempt = hasattr(candidate, "attempt")
    context = _nav(
        request,
        "exams",
        exam=exam,
        candidates=candidates,
        admit_form=admit_form,
        admitted=admitted,
        can_manage=can_manage,
        sheet=exam.practical.sheet if exam.practical else [],
        pass_until=rules.pass_valid_until(timezone.localdate(exam.ends_at)),
    )
    return render(request, "training/exam_detail.html", context)


@login_required
def candidate_practical(request, exam_id, candidate_id):
    exam = _found(selectors.get_exam_for, request.user, exam_id)
    candidate = exam.candidates.select_related("trainee", "exam__practical").filter(pk=candidate_id).first()
    if candidate is None or exam.practical is None:
        raise Http404
    form = forms.PracticalForm(request.POST or None, sheet=exam.practical.sheet)
    if request.method == "POST" and form.is_valid():
        scores = {k[2:]: v for k, v in form.cleaned_data.items()}
        try:
            exams.practical_score(request.user, candidate, scores)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The practical task has been scored."))
            return redirect("training-exam", exam.pk)
    title = _("Score the practical task: %(name)s (%(ticket)s)") % {
        "name": candidate.trainee.name,
        "ticket": candidate.ticket,
    }
    return render(request, "core/form.html", {"form": form, "title": title})


@login_required
@require_POST
def certificate_issue(request, exam_id, candidate_id):
    exam = _found(selectors.get_exam_for, request.user, exam_id)
    candidate = exam.candidates.select_related("trainee", "exam__paper_rule").filter(pk=candidate_id).first()
    if candidate is None:
        raise Http404
    try:
        certificate = exams.certificate_issue(request.user, candidate)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("training-exam", exam.pk)
    messages.success(request, _("Certificate %(number)s has been issued.") % {"number": certificate.number})
    return redirect("training-certificate", certificate.number)


# --- certificates ----------------------------------------------------------------------------------------------------


STATUSES = [
    ("valid", gettext_lazy("Valid")),
    ("review_due", gettext_lazy("Review due")),
    ("void", gettext_lazy("Void")),
    ("expired", gettext_lazy("Expired")),
    ("suspended", pgettext_lazy("certificate", "Suspended")),
    ("revoked", pgettext_lazy("certificate", "Revoked")),
]


@login_required
def certificate_list(request):
    today = timezone.localdate()
    status = request.GET.get("status", "")
    status = status if status in dict(STATUSES) else ""
    q = request.GET.get("q", "").strip()[:100]
    qs = selectors.certificates_filter(selectors.certificates_visible_to(request.user), today, q=q, status=status)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    for c in page:
        c.current = c.status(today)
    context = _nav(request, "certificates", page=page, status=status, statuses=STATUSES, q=q)
    return render(request, "training/certificate_list.html", context)


@login_required
def certificate_due(request):
    today = timezone.localdate()
    try:
        within = min(max(int(request.GET.get("within", 90)), 1), 366)
    except ValueError:
        within = 90
    due = selectors.certificates_due(request.user, today, within)
    if request.GET.get("format") == "xlsx":
        from anjian.indicators.api import xlsx_response
        from anjian.indicators.exports import rows_xlsx

        header = [
            _("Certificate number"),
            _("Holder"),
            _("Operation item"),
            _("Employer"),
            _("What falls due"),
            _("Due on"),
        ]
        lines = [
            [
                i["certificate"].number,
                i["certificate"].trainee.name,
                i["certificate"].operation_item,
                i["certificate"].trainee.employer.name
                if i["certificate"].trainee.employer
                else i["certificate"].trainee.employer_name,
                _("Review") if i["kind"] == "review" else _("Expiry"),
                i["due_on"].isoformat(),
            ]
            for i in due["items"]
        ]
        return xlsx_response(rows_xlsx(_("Falls due"), header, lines), f"certificates-due-{today:%Y%m%d}.xlsx")
    return render(request, "training/certificate_due.html", _nav(request, "due", due=due, within=within))


@login_required
def certificate_detail(request, number):
    certificate = _found(selectors.get_certificate_for, request.user, number)
    today = timezone.localdate()
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    review_form = forms.ReviewForm(request.POST if posted == "review" else None)
    reason_form = forms.ReasonForm(request.POST if posted == "reason" else None)
    if posted == "review" and review_form.is_valid():
        data = dict(review_form.cleaned_data)
        try:
            review = certificate_services.review_record(request.user, certificate, **data)
        except DomainError as error:
            apply_domain_error(review_form, error)
        else:
            if review.outcome == "passed":
                messages.success(request, _("The review has passed."))
            else:
                messages.error(request, _("The review has failed: %(why)s") % {"why": message_for(review.failure)})
            return redirect("training-certificate", certificate.number)
    if posted == "reason" and reason_form.is_valid():
        act = {
            "suspend": certificate_services.certificate_suspend,
            "reinstate": certificate_services.certificate_reinstate,
            "revoke": certificate_services.certificate_revoke,
        }[reason_form.cleaned_data["action"]]
        try:
            act(request.user, certificate, reason_form.cleaned_data["reason"])
        except DomainError as error:
            apply_domain_error(reason_form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("training-certificate", certificate.number)
    status = certificate.status(today)
    context = _nav(
        request,
        "certificates",
        c=certificate,
        status=status,
        window_opens=rules.review_window_opens(certificate.next_review_due),
        reviews=[
            (review, message_for(review.failure) if review.failure else "")
            for review in certificate.reviews.select_related("reviewer")
        ],
        reason=message_for(certificate.status_reason)
        if certificate.status_reason in rules.REVIEW_FAILURES_FINAL
        else certificate.status_reason,
        actions=certificate.actions.select_related("actor"),
        review_form=review_form,
        reason_form=reason_form,
        item_name=_item_name(certificate.operation_item),
        can_act=_is_trainer(request.user),
    )
    return render(request, "training/certificate_detail.html", context)


def _item_name(code: str, english: bool | None = None) -> str:
    """The official (Chinese) name of an operation item; the English one on English pages."""
    english = get_language() == "en" if english is None else english
    for category in rules.catalogue()["categories"]:
        for item in category["items"]:
            if item[0] == code:
                return item[2] if english else item[1]
    return code


def _category_name(code: str, english: bool | None = None) -> str:
    english = get_language() == "en" if english is None else english
    for category in rules.catalogue()["categories"]:
        if category["code"] == code:
            return category["name_en"] if english else category["name_zh"]
    return code


@login_required
def certificate_print(request, number, fmt="html"):
    """The certificate for print, in Chinese or Tibetan (with Chinese), as a page or a PDF."""
    certificate = _found(selectors.get_certificate_for, request.user, number)
    language = request.GET.get("lang", "zh-hans")
    if language not in ("zh-hans", "bo"):
        raise Http404
    status = certificate.status(timezone.localdate())
    if status not in ("valid", "review_due"):
        # A revoked, suspended, void or expired certificate is not printed as if it were good.
        messages.error(
            request,
            _("Only a valid certificate is printed: this one is %(status)s.") % {"status": dict(STATUSES)[status]},
        )
        return redirect("training-certificate", certificate.number)
    photo = None
    if certificate.trainee.photo:
        import base64

        data = certificate.trainee.photo.read()
        photo = f"data:{_photo_type(certificate.trainee.photo.name)};base64," + base64.b64encode(data).decode()
    context = {
        "c": certificate,
        "language": language,
        # The official names are Chinese on both printed versions, whatever the page's language.
        "item_name": _item_name(certificate.operation_item, english=False),
        "category_name": _category_name(certificate.category, english=False),
        "photo": photo,
        "id_number": selectors.shown_id_number(request.user, certificate.trainee),
        "verify_url": request.build_absolute_uri(reverse("certificate-verify")),
    }
    html = render_to_string("training/certificate_print.html", context, request=request)
    if fmt == "pdf":
        from weasyprint import HTML

        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="certificate-{certificate.number}-{language}.pdf"'
        return response
    return HttpResponse(html)


def certificate_verify(request):
    """Public, no login: a certificate checked by its number and its holder's name (the same answer for an unknown
    number and a wrong name). Posted, so the holder's name stays out of addresses and server logs; a link may carry
    the number (?number=...) to fill in."""
    form = forms.VerifyForm(request.POST or None, initial={"number": request.GET.get("number", "")[:40]})
    result = None
    searched = False
    if request.method == "POST" and form.is_valid():
        searched = True
        certificate = exams.certificate_verify(form.cleaned_data["number"], form.cleaned_data["name"])
        if certificate is not None:
            status = certificate.status(timezone.localdate())
            result = {
                "c": certificate,
                "holder": rules.mask_name(certificate.trainee.name),
                "status": status,
                "valid": status in ("valid", "review_due"),
                "item_name": _item_name(certificate.operation_item),
                "category_name": _category_name(certificate.category),
            }
    return render(request, "training/verify.html", {"form": form, "result": result, "searched": searched})


# --- the examinee's exam -------------------------------------------------------------------------------------------

TOKEN_SESSION_KEY = "exam-token"  # noqa: S105 (a session key's name)


def exam_sign_in(request):
    form = forms.SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, key = exams.token_issue(form.cleaned_data["ticket"], form.cleaned_data["code"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            request.session[TOKEN_SESSION_KEY] = key
            return redirect("exam-paper")
    return render(request, "training/exam_sign_in.html", {"form": form})


def _examinee(request) -> tuple[str, Candidate]:
    key = request.session.get(TOKEN_SESSION_KEY, "")
    candidate = exams.candidate_for_token(key) if key else None
    if candidate is None:
        raise NotFound()
    return key, candidate


def exam_paper(request):
    """The exam: the paper as drawn for this examinee, the answers saved so far, the time left by the server's clock.
    Answers save as they are given (static/anjian/exam.js); without JavaScript, the form hands them in at once."""
    from anjian.training.api import attempt_out

    try:
        key, candidate = _examinee(request)
    except NotFound:
        return redirect("exam-sign-in")
    try:
        attempt, _created = exams.attempt_start(candidate)
    except DomainError as error:
        if error.code == "attempt_finished":
            return redirect("exam-done")
        return render(request, "training/exam_sign_in.html", {"form": forms.SignInForm(), "error": error.message})
    if request.method == "POST":
        return _submit_form(request, attempt)
    data = attempt_out(attempt)
    for n, question in enumerate(data["questions"], start=1):
        question["n"] = n
        saved = data["answers"].get(str(question["question"]))
        chosen = set(saved["answer"]) if saved else set()
        question["seq"] = saved["seq"] if saved else 0
        question["choices"] = [
            (i, rules.LETTERS[i], option, i in chosen) for i, option in enumerate(question["options"])
        ]
        question["multiple"] = question["kind"] == rules.MULTIPLE
    context = {
        "attempt": data,
        "candidate": candidate,
        "exam": candidate.exam,
        "token": key,
        "max_seq": max((a["seq"] for a in data["answers"].values()), default=0),
        "answered": len(data["answers"]),
    }
    return render(request, "training/exam_paper.html", context)


def _submit_form(request, attempt):
    """Without JavaScript: save every answer of the form (after the saved ones), then hand in."""
    current = max(attempt.answers.values_list("seq", flat=True), default=0)
    try:
        # Each answer in its own transaction, then the hand-in: when the time runs out meanwhile, the answers saved
        # before it and the time-out are kept.
        for n, line in enumerate(attempt.paper, start=1):
            given = [int(v) for v in request.POST.getlist(f"q{line['question']}") if v.isascii() and v.isdigit()]
            given = sorted({g for g in given if g < len(line["order"])})  # a bad value is dropped, not fatal
            if given:
                exams.answer_save(attempt.candidate_id, attempt.pk, line["question"], given, current + n)
        exams.attempt_submit(attempt)
    except DomainError as error:
        if error.code not in ("attempt_closed", "attempt_already_submitted"):
            messages.error(request, error.message)
            return redirect("exam-paper")
    return redirect("exam-done")


def exam_done(request):
    try:
        _key, candidate = _examinee(request)
    except NotFound:
        return redirect("exam-sign-in")
    attempt = getattr(candidate, "attempt", None)
    if attempt is None:
        return redirect("exam-paper")
    exams.time_out(attempt, timezone.now())
    attempt.refresh_from_db()
    if attempt.submitted_at is None:
        return redirect("exam-paper")
    context = {
        "attempt": attempt,
        "candidate": candidate,
        "exam": candidate.exam,
        "answered": attempt.answers.exclude(given=[]).count(),
        "total": len(attempt.paper),
        "pass_mark": candidate.exam.paper_rule.pass_mark,
        "passed": attempt.score is not None and attempt.score >= Decimal(candidate.exam.paper_rule.pass_mark),
    }
    return render(request, "training/exam_done.html", context)


def exam_sign_out(request):
    key = request.session.pop(TOKEN_SESSION_KEY, None)
    if key:
        exams.token_revoke(key)
    return redirect("exam-sign-in")
