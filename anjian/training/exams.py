"""Exam services: sessions, candidates and their tickets, examinee tokens, attempts on the server's clock,
idempotent autosave, submission (or time-out) and the grading of objective questions. Each write audited."""

import datetime
import hashlib
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Aggregate, F, Func, JSONField, Q
from django.utils import timezone

from anjian.core.audit import audit_record
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, NotFound, PermissionDenied
from anjian.core.models import AuditAction
from anjian.core.rules import id_number_is_male
from anjian.training import rules
from anjian.training.models import Answer, Attempt, Candidate, ExamSession, ExamToken, QuestionVersion
from anjian.training.services import _trainer, paper_draw

TOKEN_HOURS = 24


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def exam_create(
    actor, *, name: str, paper_rule, venue: str, starts_at, ends_at, proctors=(), practical=None
) -> ExamSession:
    organisation = _trainer(actor)
    if paper_rule.organisation_id != organisation.pk:
        raise PermissionDenied()
    if ends_at <= starts_at:
        raise DomainError("exam_window_invalid", field="ends_at")
    if not (name or "").strip() or not (venue or "").strip():
        raise DomainError("required", field="name" if not (name or "").strip() else "venue")
    exam = ExamSession(
        organisation=organisation,
        division_code=organisation.division_id,
        name=name.strip()[:200],
        paper_rule=paper_rule,
        venue=venue.strip()[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        practical=practical,
        created_by=actor,
    )
    with transaction.atomic():
        exam.save()
        exam.proctors.set(proctors)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=exam,
            object_repr=exam.name,
            after={"name": exam.name, "paper_rule": paper_rule.pk, "starts_at": starts_at, "ends_at": ends_at},
            ip=current_ip(),
            division_code=exam.division_code,
            organisation_id=organisation.pk,
        )
    return exam


def exam_schedule(
    actor, *, name: str, paper_rule: int, venue: str, starts_at, ends_at, proctors=(), practical: int | None = None
) -> ExamSession:
    """Schedule an exam from what a page or the API sends: the paper rule and the practical task by their ids (in the
    actor's reach), the proctors by username (people of the actor's organisation; an unknown one is named)."""
    from anjian.core.models import Person
    from anjian.training import selectors

    rule = selectors.get_paper_rule_for(actor, paper_rule)
    version = None
    if practical is not None:
        question = selectors.get_question_for(actor, practical)
        if question.kind != rules.PRACTICAL:
            raise DomainError("practical_not_practical", field="practical")
        version = QuestionVersion.objects.get(question=question, number=question.version)
    names = sorted({n for n in proctors if n})
    people = list(Person.objects.filter(username__in=names, organisation=actor.organisation, is_active=True))
    unknown = sorted(set(names) - {p.username for p in people})
    if unknown:
        raise DomainError("proctor_unknown", field="proctors", names=", ".join(unknown))
    return exam_create(
        actor, name=name, paper_rule=rule, venue=venue, starts_at=starts_at, ends_at=ends_at, proctors=people,
        practical=version,
    )  # fmt: skip


def candidate_admit(actor, exam: ExamSession, trainee) -> tuple[Candidate, str]:
    """Admit a trainee: the first sitting, or the one retake after a failure (then training again). Answers the
    candidate and its access code, shown once."""
    organisation = _trainer(actor)
    if exam.organisation_id != organisation.pk:
        raise PermissionDenied()
    item = exam.paper_rule.operation_item
    if item:  # a special operation: Order 30 Art. 4, on the day of the exam
        day = timezone.localdate(exam.starts_at)
        version = rules.rules_for(day)
        problem = rules.eligibility_problem(
            trainee.born_on,
            trainee.education,
            rules.item_codes()[item],
            day,
            rules.retirement_age(id_number_is_male(trainee.id_number), version),
            version,
        )
        if problem:
            raise DomainError(problem, field="trainee", name=trainee.name)
    earlier = Candidate.objects.filter(trainee=trainee, exam__paper_rule__operation_item=item).exclude(exam=exam)
    results = list(earlier.order_by("created_at").values_list("result", flat=True))
    problem = rules.sitting_problem([r for r in results if r != "pending"])
    if problem:
        raise DomainError(problem, field="trainee", status=409)
    # One sitting at a time: a result still undecided (an exam to come, or one taken and not yet scored) holds the
    # next admission back; an exam that ended without the person sitting it does not.
    undecided = earlier.filter(result="pending").filter(Q(exam__ends_at__gt=timezone.now()) | Q(attempt__isnull=False))
    if undecided.exists():
        raise DomainError("candidate_undecided", field="trainee", status=409)
    code = f"{secrets.randbelow(10**8):08d}"
    day = f"{timezone.localtime(exam.starts_at):%Y%m%d}"
    for _try in range(10):
        # The exam's day and number, then 6 random digits: a ticket already drawn is drawn again.
        ticket = f"{day}{exam.pk:04d}{secrets.randbelow(10**6):06d}"
        candidate = Candidate(
            exam=exam,
            trainee=trainee,
            ticket=ticket,
            code_hash=_hash(code),
            sitting=1 + sum(1 for r in results if r == "fail"),
        )
        try:
            with transaction.atomic():
                candidate.save()
                audit_record(
                    actor=actor,
                    action=AuditAction.CREATE,
                    instance=candidate,
                    object_repr=f"{exam.name} · {trainee.name}",
                    after={"exam": exam.pk, "trainee": str(trainee.pk), "ticket": ticket, "sitting": candidate.sitting},
                    ip=current_ip(),
                    division_code=trainee.division_code,
                    organisation_id=organisation.pk,
                )
            break
        except IntegrityError:
            if Candidate.objects.filter(exam=exam, trainee=trainee).exists():
                raise DomainError("candidate_exists", field="trainee", status=409) from None
    else:
        raise DomainError("ticket_unavailable", status=503)
    return candidate, code


def token_issue(ticket: str, code: str) -> tuple[ExamToken, str]:
    """An examinee's token: the ticket and its access code. Wrong ones answer the same error."""
    from django.conf import settings

    now = timezone.now()
    with transaction.atomic():
        # Checked, compared and counted under the candidate's row lock: guesses sent at once are counted one by one.
        candidate = (
            Candidate.objects.select_for_update(of=("self",))
            .select_related("exam")
            .filter(ticket=(ticket or "").strip())
            .first()
        )
        locked = candidate is not None and candidate.locked_until is not None and candidate.locked_until > now
        right = candidate is not None and secrets.compare_digest(candidate.code_hash, _hash((code or "").strip()))
        if candidate is not None and (locked or not right):
            if not locked:
                candidate.failed_logins += 1
                if candidate.failed_logins >= settings.LOGIN_FAILURE_LIMIT:
                    candidate.locked_until = now + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                    candidate.failed_logins = 0
                candidate.save(update_fields=["failed_logins", "locked_until"])
        elif candidate is not None and candidate.failed_logins:
            candidate.failed_logins = 0
            candidate.save(update_fields=["failed_logins"])
    if candidate is None or locked or not right:
        # One answer for an unknown ticket, a wrong code and a ticket locked after guessing (the proctor can give a
        # new code, which lifts the lock).
        raise DomainError("ticket_invalid", status=401)
    key = secrets.token_urlsafe(32)
    expires = max(candidate.exam.ends_at, timezone.now()) + datetime.timedelta(hours=TOKEN_HOURS)
    with transaction.atomic():
        token = ExamToken.objects.create(candidate=candidate, key_hash=_hash(key), expires_at=expires)
        audit_record(
            actor=f"examinee {candidate.ticket}",
            action=AuditAction.LOGIN,
            instance=candidate,
            object_repr=candidate.ticket,
            ip=current_ip(),
            division_code=candidate.exam.division_code,
            organisation_id=candidate.exam.organisation_id,
        )
    return token, key


def candidate_new_code(actor, candidate: Candidate) -> str:
    """A new access code for an examinee (a lost slip, a ticket locked after guessing): the old code and every token
    end, the lock is lifted. Answers the code, shown once."""
    organisation = _trainer(actor)
    if candidate.exam.organisation_id != organisation.pk:
        raise PermissionDenied()
    code = f"{secrets.randbelow(10**8):08d}"
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        locked.code_hash, locked.failed_logins, locked.locked_until = _hash(code), 0, None
        locked.save(update_fields=["code_hash", "failed_logins", "locked_until"])
        ExamToken.objects.filter(candidate=locked).delete()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            object_repr=f"{candidate.exam.name} · {candidate.ticket}",
            after={"access_code": "renewed"},
            ip=current_ip(),
            division_code=candidate.trainee.division_code,
            organisation_id=organisation.pk,
        )
    return code


def candidate_for_token(key: str) -> Candidate | None:
    """The candidate of an unexpired token (only the candidate row: autosave needs no more)."""
    token = (
        ExamToken.objects.select_related("candidate")
        .filter(key_hash=_hash(key or ""), expires_at__gt=timezone.now())
        .only("candidate")[:1]
    )
    token = next(iter(token), None)
    return token.candidate if token else None


def token_revoke(key: str) -> None:
    """Signing out ends the token (a page kept open or cached can no longer save or hand in with it)."""
    ExamToken.objects.filter(key_hash=_hash(key or "")).delete()


def attempt_start(candidate: Candidate) -> tuple[Attempt, bool]:
    """Start the theory exam, or come back to it (a lost connection, a closed browser): one attempt per
    candidate, its paper drawn once from a seed recorded with it."""
    now = timezone.now()
    exam = candidate.exam
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        existing = Attempt.objects.select_for_update(of=("self",)).filter(candidate=locked).first()
        if existing is not None:
            close_if_over(existing, now)  # a time-out is kept: the refusal comes after the commit
        else:
            attempt = _attempt_create(locked, exam, now)
    if existing is not None:
        if existing.submitted_at is not None:
            raise DomainError("attempt_finished", status=409)
        return existing, False
    return attempt, True


def _attempt_create(locked: Candidate, exam: ExamSession, now) -> Attempt:
    """Draw the candidate's paper from a fresh seed and start its clock (under the candidate's row lock)."""
    if now < exam.starts_at:
        raise DomainError("exam_not_open", status=409, at=timezone.localtime(exam.starts_at).strftime("%H:%M"))
    if now >= exam.ends_at:
        raise DomainError("exam_closed", status=409)
    seed = secrets.token_hex(16)
    paper = [{**line, "points": str(line["points"])} for line in paper_draw(exam.paper_rule, seed)]
    ends = min(rules.attempt_ends(now, exam.paper_rule.duration_minutes), exam.ends_at)
    attempt = Attempt.objects.create(candidate=locked, seed=seed, paper=paper, started_at=now, ends_at=ends)
    audit_record(
        actor=f"examinee {locked.ticket}",
        action=AuditAction.CREATE,
        instance=attempt,
        object_repr=f"{exam.name} · {locked.ticket}",
        after={"seed": seed, "versions": [line["version"] for line in paper], "ends_at": ends},
        ip=current_ip(),
        division_code=locked.trainee.division_code,
        organisation_id=exam.organisation_id,
    )
    return attempt


def _line(attempt: Attempt, question: int) -> dict:
    for line in attempt.paper:
        if line["question"] == question:
            return line
    raise DomainError("question_not_on_paper", field="question", status=404)


def answer_save(candidate_id: int, attempt_id, question: int, given: list[int], seq: int) -> Answer:
    """Autosave one answer to the candidate's own attempt. A retry carries the same `seq` and changes nothing; an
    older `seq` never overwrites a newer one (the answer kept is returned, so the examinee's page can show it);
    after the time or the submission nothing is accepted."""
    now = timezone.now()
    with transaction.atomic():
        # One locked read: the hand-in and the time-out take the same lock, so nothing slips in after them.
        locked = (
            Attempt.objects.select_for_update()
            .only("id", "candidate_id", "paper", "ends_at", "submitted_at")
            .filter(pk=attempt_id, candidate_id=candidate_id)[:1]
        )
        locked = next(iter(locked), None)
        if locked is None:  # unknown, or another examinee's: the same answer
            raise NotFound()
        over = locked.submitted_at is None and now >= locked.ends_at
        if rules.answer_accepted(now, locked.ends_at, locked.submitted_at is not None):
            line = _line(locked, question)
            if any(not 0 <= g < max(len(line["order"]), 1) for g in given) or len(set(given)) != len(given):
                raise DomainError("answer_invalid", field="answer")
            answer = next(iter(Answer.objects.filter(attempt_id=locked.pk, question=question)[:1]), None)
            if answer is not None and answer.seq >= seq:
                return answer  # a retry, or an older save arriving late
            if answer is None:
                answer = Answer(attempt_id=locked.pk, question=question)
            answer.given, answer.seq, answer.saved_at = sorted(given), seq, now
            answer.save()
            return answer
    if over:
        time_out(locked, now)  # the attempt is handed in as it stood at its end, then the answer refused
    raise DomainError("attempt_closed", status=409)


def _versions_answers(version_ids) -> dict:
    """The right answers of these question versions (nothing else of them is read)."""
    return dict(QuestionVersion.objects.filter(pk__in=set(version_ids)).values_list("pk", "answer"))


def _score(paper: list, keys: dict, given: dict) -> Decimal:
    score = Decimal(0)
    for line in paper:
        shown = given.get(line["question"])
        original = [line["order"][position] for position in shown] if shown else None
        score += rules.grade_objective(line["kind"], keys[line["version"]], original, Decimal(line["points"]))
    return score


def grade(attempt: Attempt) -> Decimal:
    """The objective score: each question's points when its answer is right (positions map back through the
    order the examinee saw), against the version drawn."""
    keys = _versions_answers(line["version"] for line in attempt.paper)
    return _score(attempt.paper, keys, dict(attempt.answers.values_list("question", "given")))


class _AnswersOf(Aggregate):
    """An attempt's answers as one JSON object {question: given}: one row (and one decoding) per attempt instead of
    one per answer."""

    function = "JSON_GROUP_OBJECT"  # SQLite
    output_field = JSONField()

    def __init__(self, **extra):
        super().__init__(F("question"), Func(F("given"), function="JSON"), **extra)

    def as_postgresql(self, compiler, connection, **extra):
        clone = self.copy()  # jsonb needs no JSON(): the column itself
        expressions = clone.get_source_expressions()  # question, JSON(given), then the aggregate's filter
        expressions[1] = expressions[1].get_source_expressions()[0]
        clone.set_source_expressions(expressions)
        return clone.as_sql(compiler, connection, function="JSONB_OBJECT_AGG", **extra)


def grade_many(attempt_ids: list) -> dict:
    """The objective scores of many attempts at once (an exam's abandoned attempts closed together): their papers,
    the versions' answers (each read once) and their answers, one object per attempt, in three queries."""
    papers = dict(Attempt.objects.filter(pk__in=attempt_ids).values_list("pk", "paper"))
    keys = _versions_answers(line["version"] for paper in papers.values() for line in paper)
    given: dict = {pk: {} for pk in papers}
    rows = (
        Answer.objects.filter(attempt_id__in=attempt_ids)
        .order_by()
        .values("attempt_id")
        .annotate(answers=_AnswersOf())
        .values_list("attempt_id", "answers")
    )
    for attempt_id, answers in rows:
        given[attempt_id] = {int(question): answer for question, answer in answers.items()}
    return {pk: _score(paper, keys, given[pk]) for pk, paper in papers.items()}


def _finish(attempt: Attempt, at, timed_out: bool, score: Decimal | None = None) -> None:
    attempt.submitted_at = at
    attempt.timed_out = timed_out
    attempt.score = grade(attempt) if score is None else score
    attempt.save(update_fields=["submitted_at", "timed_out", "score"])
    candidate = attempt.candidate
    candidate.theory_score = attempt.score
    candidate.result = rules.exam_result(candidate.theory_score, candidate.practical_score)
    candidate.save(update_fields=["theory_score", "result"])
    audit_record(
        actor=f"examinee {candidate.ticket}",
        action=AuditAction.UPDATE,
        instance=attempt,
        object_repr=f"{candidate.exam.name} · {candidate.ticket}",
        after={"submitted_at": at, "timed_out": timed_out, "score": attempt.score},
        ip=current_ip(),
        division_code=candidate.trainee.division_code,
        organisation_id=candidate.exam.organisation_id,
    )


def close_if_over(attempt: Attempt, now) -> bool:
    """Time-out on the server's clock: an attempt past its end is submitted as it stood at the end."""
    if attempt.submitted_at is None and now >= attempt.ends_at:
        _finish(attempt, attempt.ends_at, timed_out=True)
        return True
    return False


# Lock order, everywhere: the candidate row, then the attempt row, then the audit head (so two requests never wait
# on each other in a circle); the result is worked out from the candidate row read under its lock.


def _lock_for_closing(attempt_pk):
    """(candidate, attempt) of one attempt, both locked, in the lock order."""
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("exam__paper_rule", "trainee")
        .get(attempt__pk=attempt_pk)
    )
    locked = Attempt.objects.select_for_update().get(pk=attempt_pk)
    locked.candidate = candidate
    return locked


def close_overdue(exam: ExamSession, now) -> int:
    """Hand in, as they stood at their end, the attempts of this exam whose time is up and whose examinees never
    came back (graded together); their results are then decided like the others'. Candidates another request is
    busy with are left to it."""
    overdue = Candidate.objects.filter(exam=exam, attempt__submitted_at__isnull=True, attempt__ends_at__lte=now)
    if not overdue.exists():  # nothing to do: no write transaction on a plain read of the results
        return 0
    with transaction.atomic():
        candidates = {
            c.pk: c
            for c in overdue.select_for_update(of=("self",), skip_locked=True)
            .select_related("exam", "trainee")
            .order_by("pk")
        }
        attempts = list(
            Attempt.objects.select_for_update()
            .filter(candidate_id__in=candidates, submitted_at__isnull=True, ends_at__lte=now)
            .order_by("candidate_id")
        )
        scores = grade_many([a.pk for a in attempts])
        for attempt in attempts:
            attempt.candidate = candidates[attempt.candidate_id]
            _finish(attempt, attempt.ends_at, timed_out=True, score=scores[attempt.pk])
    return len(attempts)


def time_out(attempt: Attempt, now) -> bool:
    """Close the attempt if its time is up, under the locks (a hand-in at the same moment waits)."""
    with transaction.atomic():
        return close_if_over(_lock_for_closing(attempt.pk), now)


def attempt_submit(attempt: Attempt) -> Attempt:
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_for_closing(attempt.pk)
        closed = close_if_over(locked, now)  # a time-out is kept: the refusal comes after the commit
        already = not closed and locked.submitted_at is not None
        if not closed and not already:
            _finish(locked, now, timed_out=False)
    if closed:
        raise DomainError("attempt_closed", status=409)
    if already:
        raise DomainError("attempt_already_submitted", status=409)
    return locked


# --- practical tasks, results, certificates ------------------------------------------------------------------------


def _examiner(actor, exam: ExamSession) -> None:
    """The exam's proctors and its organisation's trainers score practical tasks."""
    organisation = _trainer(actor)
    if exam.organisation_id != organisation.pk:
        raise PermissionDenied()


def practical_score(actor, candidate: Candidate, scores: dict) -> Candidate:
    """An examiner scores a candidate's practical task on its sheet; the result combines both parts (80 each)."""
    exam = candidate.exam
    _examiner(actor, exam)
    if exam.practical is None:
        raise DomainError("exam_has_no_practical", status=409)
    scores = {str(k): str(Decimal(str(v))) for k, v in scores.items()}
    total, problem = rules.sheet_score(exam.practical.sheet, {k: Decimal(v) for k, v in scores.items()})
    if problem:
        raise DomainError(problem, field="scores")
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if locked.result in ("pass", "fail") and locked.practical_score is not None:
            raise DomainError("practical_already_scored", status=409)
        locked.practical_score, locked.practical_sheet, locked.practical_by = total, scores, actor
        locked.result = rules.exam_result(locked.theory_score, locked.practical_score)
        locked.save(update_fields=["practical_score", "practical_sheet", "practical_by", "result"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            object_repr=f"{exam.name} · {locked.ticket}",
            after={"practical_score": total, "sheet": scores, "result": locked.result},
            ip=current_ip(),
            division_code=locked.trainee.division_code,
            organisation_id=exam.organisation_id,
        )
    return locked


def certificate_issue(actor, candidate: Candidate):
    """Issue the certificate of a passed exam, within the 12 months a pass is valid for (Order 30)."""
    from anjian.training.models import Certificate, CertificateCounter

    organisation = _trainer(actor)
    exam = candidate.exam
    if exam.organisation_id != organisation.pk:
        raise PermissionDenied()
    if candidate.result != "pass":
        raise DomainError("certificate_needs_pass", status=409)
    today = timezone.localdate()
    version = rules.rules_for(today)
    if today > rules.pass_valid_until(timezone.localdate(exam.ends_at), version):
        raise DomainError("pass_expired", status=409)
    item = exam.paper_rule.operation_item
    if not item:
        raise DomainError("certificate_needs_item", status=409)
    with transaction.atomic():
        Candidate.objects.select_for_update().get(pk=candidate.pk)
        if Certificate.objects.filter(candidate=candidate).exists():
            raise DomainError("certificate_exists", status=409)
        # Numbers run on per province and year without gaps: the prefix's counter row serialises every issuer of
        # the province (a number already taken by a certificate recorded otherwise is stepped over).
        prefix = f"T{organisation.division_id[:2]}{today:%Y}"
        CertificateCounter.objects.get_or_create(prefix=prefix)
        counter = CertificateCounter.objects.select_for_update().get(prefix=prefix)
        last = Certificate.objects.filter(number__startswith=prefix).order_by("-number").first()
        sequence = max(counter.last, int(last.number[len(prefix) :]) if last else 0) + 1
        counter.last = sequence
        counter.save(update_fields=["last"])
        certificate = Certificate.objects.create(
            number=f"{prefix}{sequence:06d}",
            trainee=candidate.trainee,
            candidate=candidate,
            category=rules.item_codes()[item],
            operation_item=item,
            issued_on=today,
            first_issued_on=today,
            valid_until=rules.certificate_valid_until(today, version),
            next_review_due=rules.next_review_due(today, today, compliant=True, rules=version),
            organisation=organisation,
            division_code=candidate.trainee.division_code,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=certificate,
            object_repr=f"{certificate.number} {candidate.trainee.name}",
            after={"number": certificate.number, "trainee": str(candidate.trainee_id), "item": item},
            ip=current_ip(),
            division_code=certificate.division_code,
            organisation_id=organisation.pk,
        )
    return certificate


def certificate_verify(number: str, name: str):
    """The public check: the certificate of this number whose holder has this name, else None (one answer for an
    unknown number and for a name that does not match)."""
    from anjian.training.models import Certificate

    certificate = Certificate.objects.select_related("trainee").filter(number=(number or "").strip().upper()).first()
    if certificate is None:
        return None
    if " ".join(certificate.trainee.name.split()) != " ".join((name or "").split()):
        return None
    return certificate
