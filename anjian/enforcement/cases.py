"""Penalty cases: opened, moved step by step through due process, each step audited and written as its document.

Rules (which step follows which, who may take it, the deadlines) are in rules.py; this module applies them
to the database, under a row lock, in one transaction per step: a refused step leaves nothing behind.
"""

import datetime
import hashlib
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from anjian.core.audit import audit_record, snapshot
from anjian.core.calendar import add_working_days
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, PermissionDenied
from anjian.core.models import AuditAction, OrganisationKind
from anjian.enforcement import permissions as perms
from anjian.enforcement import rules
from anjian.enforcement.documents import issue_case_document
from anjian.enforcement.inspections import _check_inspectors
from anjian.enforcement.models import (
    Case,
    CaseOutcome,
    CaseState,
    CaseStep,
    DecisionStatus,
    Document,
    Evidence,
    EvidenceKind,
    LegalBasis,
    PartyKind,
    Penalty,
    PenaltyKind,
    Procedure,
    Violation,
)
from anjian.enterprises.models import Enterprise

CAPABILITY_PERMS = {"handle": perms.HANDLE_CASES, "approve": perms.APPROVE_CASES, "review": perms.REVIEW_CASES}
MAX_AMOUNT = Decimal(10) ** 12  # yuan: above anything a penalty can be (the largest basis allows 2 × 10^7 × 5)
EVIDENCE_TYPES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def capabilities(actor, organisation_id: int | None = None) -> set[str]:
    """What the actor may do on cases of their own bureau (or of `organisation_id`)."""
    organisation = actor.organisation
    if organisation is None or organisation.kind != OrganisationKind.BUREAU:
        return set()
    if organisation_id is not None and organisation.pk != organisation_id:
        return set()
    return {name for name, perm in CAPABILITY_PERMS.items() if actor.has_perm(perm)}


def _scope(case: Case) -> dict:
    return {"division_code": case.division_code, "organisation_id": case.organisation_id}


def _audit(actor, case: Case, action, before, after) -> None:
    audit_record(
        actor=actor, action=action, instance=case, before=before, after=after, ip=current_ip(), **_scope(case)
    )  # fmt: skip


def _amount(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError("invalid", field=field) from None
    if amount < 0:
        raise DomainError("amount_negative", field=field)
    if amount >= MAX_AMOUNT:
        raise DomainError("invalid", field=field)
    return amount


def _aware(at: datetime.datetime | None) -> datetime.datetime | None:
    """A time sent without its offset is read in the platform's time zone (Asia/Shanghai)."""
    if at is not None and timezone.is_naive(at):
        return timezone.make_aware(at)
    return at


def _text(data: dict, name: str, field: str | None = None, *, required: bool = True) -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        raise DomainError("required", field=field or name)
    return value


# ------------------------------------------------------------------ violations
def _clean_violations(
    case_party_kind: str, act_date: datetime.date, violations: list[dict], prefix: str = "violations"
) -> list[dict]:
    """Each violation: its legal basis (a known article or the article as written), facts, penalties.
    A known basis must be in force on the day of the act; fines are checked against the range it allows
    for the party."""
    bases = {b.code: b for b in LegalBasis.objects.filter(code__in=[v.get("basis") for v in violations if v])}
    clean = []
    for i, raw in enumerate(violations):
        field = f"{prefix}[{i}]"
        basis = None
        if raw.get("basis"):
            basis = bases.get(raw["basis"])
            if basis is None:
                raise DomainError("basis_unknown", field=f"{field}.basis", code=raw["basis"])
            if basis.effective_from > act_date:
                raise DomainError("basis_not_in_force", field=f"{field}.basis", date=basis.effective_from)
        basis_text = str(raw.get("basis_text") or "").strip() or (f"{basis.law}{basis.article}" if basis else "")
        if not basis_text:
            raise DomainError("required", field=f"{field}.basis_text")
        facts = _text(raw, "facts", f"{field}.facts")
        penalties = []
        for j, p in enumerate(raw.get("penalties") or []):
            pfield = f"{field}.penalties[{j}]"
            kind = str(p.get("kind") or "")
            if kind not in rules.PENALTY_KINDS:
                raise DomainError("penalty_kind_unknown", field=f"{pfield}.kind")
            amount = _amount(p.get("amount"), f"{pfield}.amount")
            if kind == "fine":
                low = high = None
                if basis is not None:
                    low = getattr(basis, f"{case_party_kind}_min")
                    high = getattr(basis, f"{case_party_kind}_max")
                    if low is None and high is None:
                        raise DomainError("basis_not_for_party", field=f"{pfield}.amount")
                problem = rules.amount_problem(amount, low, high)
                if problem:
                    raise DomainError(problem, field=f"{pfield}.amount", low=low, high=high)
            elif basis is not None and basis.kinds and kind not in basis.kinds and kind != "warning":
                raise DomainError("penalty_kind_not_in_basis", field=f"{pfield}.kind")
            penalties.append({"kind": kind, "amount": amount, "detail": str(p.get("detail") or "").strip()[:300]})
        clean.append({"basis": basis, "basis_text": basis_text[:300], "facts": facts, "penalties": penalties})
    return clean


def _save_violations(case: Case, clean: list[dict]) -> None:
    start = case.violations.count()
    for i, v in enumerate(clean, start + 1):
        violation = Violation.objects.create(
            case=case, order=i, basis=v["basis"], basis_text=v["basis_text"], facts=v["facts"]
        )
        Penalty.objects.bulk_create(
            [
                Penalty(violation=violation, kind=p["kind"], amount=p["amount"], detail=p["detail"])
                for p in v["penalties"]
            ]
        )


def _proposed(case: Case) -> list[rules.ProposedPenalty]:
    return [
        rules.ProposedPenalty(p.kind, p.amount) for p in Penalty.objects.filter(violation__case=case).order_by("id")
    ]


def _penalty_text(case: Case) -> str:
    """The penalty as the decision states it: in Chinese, the language of the decision, whoever records it."""
    with override("zh-hans"):
        labels = {value: str(label) for value, label in PenaltyKind.choices}
    parts = []
    for p in Penalty.objects.filter(violation__case=case).order_by("violation__order", "id"):
        label = labels[p.kind]
        parts.append(f"{label} {p.amount:,.2f}" if p.amount is not None else label)
    return "; ".join(parts)[:500]


def _large_fine(case: Case) -> Decimal:
    return rules.large_fine_threshold(case.division_code, case.party_kind, settings.PENALTY_LARGE_FINE)


def _version(case: Case) -> rules.PenaltyRules:
    """The rules of the case's day: its filing (on-the-spot cases: the decision)."""
    return rules.penalty_rules_on(case.filed_on or case.decided_on or case.act_date)


# ------------------------------------------------------------------ opening
def case_open(
    actor,
    *,
    enterprise: Enterprise,
    procedure: str,
    party_kind: str,
    summary: str,
    act_date: datetime.date,
    investigators: list[str],
    party_name: str = "",
    party_id_number: str = "",
    party_address: str = "",
    violations: list[dict] | None = None,
    inspection=None,
    hazard=None,
    at: datetime.datetime | None = None,
    id: uuid.UUID | None = None,  # noqa: A002 (the API's field name)
) -> tuple[Case, bool]:
    """Open a case (general procedure: awaiting filing approval) or decide one on the spot (simple procedure).

    Returns (case, created); the same client id again returns the first case.
    """
    if "handle" not in capabilities(actor):
        raise PermissionDenied()
    now = timezone.now()
    at = _aware(at) or now
    if procedure not in Procedure.values:
        raise DomainError("invalid", field="procedure")
    if party_kind not in PartyKind.values:
        raise DomainError("invalid", field="party_kind")
    summary = (summary or "").strip()
    if not summary:
        raise DomainError("required", field="summary")
    if act_date > timezone.localdate():
        raise DomainError("date_in_future", field="act_date")
    if at > now:
        raise DomainError("date_in_future", field="at")
    if timezone.localdate(at) < act_date:
        raise DomainError("step_before_previous", field="at")
    if party_kind == PartyKind.UNIT:
        party_name, party_id_number, party_address = enterprise.name, "", ""
    else:
        party_name = (party_name or "").strip()
        if not party_name:
            raise DomainError("required", field="party_name")
        party_id_number = (party_id_number or "").strip().upper()
        if party_id_number:
            problem = rules.id_number_problem(party_id_number, timezone.localdate())
            if problem:
                raise DomainError(problem, field="party_id_number")
    for name, origin in (("inspection", inspection), ("hazard", hazard)):
        if origin is not None and origin.enterprise_id != enterprise.pk:
            raise DomainError("document_other_unit", field=name)
    officers = _check_inspectors(actor, enterprise, investigators, timezone.localdate(at))
    clean = _clean_violations(party_kind, act_date, violations or [])
    case = Case(
        id=id or uuid.uuid4(),
        organisation=actor.organisation,
        division_code=enterprise.division_id,
        enterprise=enterprise,
        procedure=procedure,
        party_kind=party_kind,
        party_name=party_name[:200],
        party_id_number=party_id_number,
        party_address=(party_address or "").strip()[:300],
        summary=summary[:300],
        act_date=act_date,
        inspection=inspection,
        hazard=hazard,
        created_by=actor,
        last_step_at=at,
    )
    existing = Case.objects.filter(pk=case.id).first()
    if existing is not None:
        return _same_or_conflict(existing, case), False
    try:
        with transaction.atomic():
            case.save(force_insert=True)
            case.investigators.set(officers)
            _save_violations(case, clean)
            if procedure == Procedure.SIMPLE:
                _decide_on_spot(actor, case, at)
            _audit(actor, case, AuditAction.CREATE, None, snapshot(case))
            _step(actor, case, "open", "", case.state, at, None, {})
            _refresh(case)
    except IntegrityError:  # the same id sent twice at once: the first one won
        return _same_or_conflict(Case.objects.get(pk=case.id), case), False
    return case, True


def _same_or_conflict(existing: Case, sent: Case) -> Case:
    fields = ("enterprise_id", "procedure", "party_kind", "party_name", "summary", "act_date", "created_by_id")
    if not all(getattr(existing, f) == getattr(sent, f) for f in fields):
        raise DomainError("case_id_taken", field="id", status=409)
    return existing


def _decide_on_spot(actor, case: Case, at: datetime.datetime) -> None:
    """Simple procedure (Art. 51–52): a warning or a small fine, decided and handed over on the spot."""
    day = timezone.localdate(at)
    version = rules.penalty_rules_on(day)
    problem = rules.simple_procedure_problem(_proposed(case), case.party_kind, version)
    if problem:
        raise DomainError(problem, field="violations", limit=version.simple_limit[case.party_kind])
    case.fine = rules.fine_total(_proposed(case))
    case.penalty_text = _penalty_text(case)
    case.outcome = CaseOutcome.PENALTY
    case.decision_status = DecisionStatus.IN_FORCE
    case.decided_on = case.served_on = day
    case.state = CaseState.SERVED if case.fine > 0 else CaseState.CLOSED
    if case.state == CaseState.CLOSED:
        case.closed_on = day
    document = issue_case_document(actor, case, "onspot_decision", _body(case, day))
    case.number = document.number
    case.save()


def _body(case: Case, day: datetime.date, **extra) -> dict:
    violations = "\n".join(f"{v.order}. {v.facts} ({v.basis_text})" for v in case.violations.all())
    body = {
        "case_number": case.number,
        "party": case.party_name,
        "unit": case.enterprise.name,
        "credit_code": case.enterprise.credit_code,
        "party_id_number": case.party_id_number,
        "party_address": case.party_address,
        "summary": case.summary,
        "date": day.isoformat(),
        "violations": violations,
        "penalty": case.penalty_text or _penalty_text(case),
        "investigators": ", ".join(p.full_name or p.username for p in case.investigators.all()),
    }
    return body | {k: v for k, v in extra.items() if v not in (None, "")}


# ---------------------------------------------------------------- violations
def violation_add(actor, case: Case, violations: list[dict]) -> list[Violation]:
    """Add violations while the case is being investigated (or awaits filing)."""
    if "handle" not in capabilities(actor, case.organisation_id):
        raise PermissionDenied()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state not in (CaseState.FILING, CaseState.INVESTIGATING) or locked.procedure != Procedure.GENERAL:
            raise DomainError("case_not_investigating", field="violations", status=409)
        clean = _clean_violations(locked.party_kind, locked.act_date, violations)
        if not clean:
            raise DomainError("required", field="violations")
        _save_violations(locked, clean)
        added = list(locked.violations.order_by("-order")[: len(clean)])
        _audit(actor, locked, AuditAction.UPDATE, None, {"violations_added": [v.basis_text for v in added]})
    return added


def violation_remove(actor, case: Case, violation_id: int) -> None:
    if "handle" not in capabilities(actor, case.organisation_id):
        raise PermissionDenied()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state not in (CaseState.FILING, CaseState.INVESTIGATING):
            raise DomainError("case_not_investigating", field="violation", status=409)
        violation = locked.violations.filter(pk=violation_id).first()
        if violation is None:
            raise DomainError("not_found", field="violation", status=404)
        before = {"basis_text": violation.basis_text, "facts": violation.facts}
        violation.delete()
        _audit(actor, locked, AuditAction.UPDATE, {"violation_removed": before}, None)


def evidence_add(
    actor, case: Case, *, kind: str, description: str, collected_on: datetime.date, upload=None, violation_id=None
) -> Evidence:
    """An item of evidence; an attached file must be a PDF, JPEG or PNG under the size limit, kept with its hash."""
    if "handle" not in capabilities(actor, case.organisation_id):
        raise PermissionDenied()
    if kind not in EvidenceKind.values:
        raise DomainError("invalid", field="kind")
    description = (description or "").strip()
    if not description:
        raise DomainError("required", field="description")
    if collected_on > timezone.localdate():
        raise DomainError("date_in_future", field="collected_on")
    violation = None
    if violation_id:
        violation = case.violations.filter(pk=violation_id).first()
        if violation is None:
            raise DomainError("invalid", field="violation")
    evidence = Evidence(
        case=case, violation=violation, kind=kind, description=description[:500], collected_on=collected_on,
        added_by=actor,
    )  # fmt: skip
    if upload is not None:
        if upload.size > settings.PHOTO_MAX_BYTES:
            raise DomainError("photo_too_large", field="file", limit=f"{settings.PHOTO_MAX_BYTES // 1048576} MiB")
        head = upload.read(8)
        upload.seek(0)
        suffix = next((ext for magic, ext in EVIDENCE_TYPES.items() if head.startswith(magic)), None)
        if suffix is None:
            raise DomainError("evidence_file_type", field="file")
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        upload.name = f"{digest.hexdigest()[:24]}.{suffix}"
        evidence.file = upload
        evidence.sha256 = digest.hexdigest()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state in (CaseState.CLOSED,) or locked.decided_on is not None:
            raise DomainError("case_not_investigating", field="kind", status=409)
        evidence.save()
        _audit(actor, locked, AuditAction.UPDATE, None, {"evidence": snapshot(evidence)})
    return evidence


# ------------------------------------------------------------------ steps
def _step(actor, case, action, from_state, to_state, at, document, data) -> CaseStep:
    return CaseStep.objects.create(
        case=case, action=action, from_state=from_state, to_state=to_state, at=at, actor=actor,
        document=document, data=data,
    )  # fmt: skip


def _facts(case: Case) -> rules.CaseDates:
    decided_on = case.decided_on
    if decided_on is None and case.outcome not in ("", CaseOutcome.PENALTY):
        decided_on = case.closed_on  # a case closed without penalty was decided when it closed
    paid_on = case.paid_on
    return rules.CaseDates(
        procedure=case.procedure,
        outcome=case.outcome,
        hearing_eligible=case.hearing_eligible,
        fine=case.fine,
        filed_on=case.filed_on,
        extended=case.extended,
        notice_served_on=case.notice_served_on,
        hearing_requested_on=case.hearing_requested_on,
        decided_on=decided_on,
        served_on=case.served_on,
        paid_on=paid_on,
        disclosure_due=case.disclosure_due,
        disclosed_on=case.disclosed_on,
    )


def deadlines(case: Case) -> list[rules.Deadline]:
    return rules.case_deadlines(_facts(case), _version(case))


def _refresh(case: Case) -> None:
    """Keep the earliest pending deadline on the case, for the bureau's lists."""
    due = rules.next_due(deadlines(case), closed=case.state == CaseState.CLOSED)
    case.next_due = due.due if due else None
    case.next_due_kind = due.kind if due else ""
    case.save(update_fields=["next_due", "next_due_kind"])


def owed(case: Case, on: datetime.date) -> tuple[Decimal, Decimal]:
    """(amount still owed, surcharge accrued) on a day: the fine, plus 3 % a day after the payment deadline."""
    if case.fine <= 0 or case.served_on is None:
        return Decimal(0), Decimal(0)
    version = _version(case)
    extra = rules.surcharge(case.fine, rules.payment_due(case.served_on, version), case.paid_on or on, version)
    return max(case.fine + extra - case.paid, Decimal(0)), extra


def _payment_overdue(case: Case, day: datetime.date) -> bool:
    return case.served_on is not None and day > rules.payment_due(case.served_on, _version(case))


def case_transition(actor, case: Case, *, action: str, at: datetime.datetime | None = None, data: dict | None = None):
    """Take one step of due process. Refused (with the rule that refuses it) or done whole."""
    data = dict(data or {})
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",)).select_related("organisation", "enterprise").get(pk=case.pk)
        )
        problem = rules.case_action_problem(locked.state, action, capabilities(actor, locked.organisation_id))
        if problem == "case_action_out_of_order":
            problem = _out_of_order_reason(locked, action)
        if problem == "case_action_not_yours" and not capabilities(actor, locked.organisation_id):
            raise PermissionDenied()
        if problem:
            labels = dict(CaseState.choices)
            raise DomainError(
                problem, field="action", status=403 if problem == "case_action_not_yours" else 409,
                state=labels.get(locked.state, locked.state), action=action,
            )  # fmt: skip
        at = _aware(at) or now
        problem = rules.step_time_problem(at, locked.last_step_at, now)
        if problem:
            raise DomainError(problem, field="at")
        if locked.procedure == Procedure.SIMPLE and action not in SIMPLE_ACTIONS:
            raise DomainError("case_action_out_of_order", field="action", status=409, state=locked.state, action=action)
        before = snapshot(locked)
        from_state = locked.state
        _from, to_state, _who, kind = rules.CASE_ACTIONS[action]
        day = timezone.localdate(at)
        extra = HANDLERS[action](actor, locked, day, data)
        if to_state is not None and locked.state == from_state:
            locked.state = to_state
        if locked.state == CaseState.CLOSED and locked.closed_on is None:
            locked.closed_on = day
        document = None
        if kind is not None:
            supersedes = extra.pop("supersedes", None)
            document = issue_case_document(actor, locked, kind, _body(locked, day, **extra), supersedes=supersedes)
            if action == "approve_filing":
                locked.number = document.number
        locked.last_step_at = at
        locked.save()
        step_data = {k: str(v) for k, v in data.items() if v not in (None, "")}
        _step(actor, locked, action, from_state, locked.state, at, document, step_data)
        _refresh(locked)
        _audit(actor, locked, AuditAction.UPDATE, before, snapshot(locked) | {"action": action})
    return locked


SIMPLE_ACTIONS = {"pay", "remind", "apply_enforcement", "close", "change_decision", "revoke_decision"}


def _out_of_order_reason(case: Case, action: str) -> str:
    """A more precise reason for the common mistakes of order."""
    if action == "decide" and case.state == CaseState.NOTIFIED:
        return "decision_needs_served_notice"
    if action == "decide" and case.state in (CaseState.HEARING_REQUESTED, CaseState.HEARING_SCHEDULED):
        return "decision_before_hearing"
    if action == "request_hearing" and case.state in (CaseState.NOTIFIED, CaseState.REVIEWED):
        return "hearing_before_notice"
    return "case_action_out_of_order"


# Each handler checks what only its step needs, sets the case's fields, and returns the document's extra fields.
def _approve_filing(actor, case, day, data):
    case.filed_on = day
    return {"opinion_text": str(data.get("opinion") or "").strip()}


def _refuse_filing(actor, case, day, data):
    case.outcome = CaseOutcome.NOT_FILED
    return {"opinion_text": _text(data, "reason", "data.reason"), "outcome": str(CaseOutcome.NOT_FILED.label)}


def _extend(actor, case, day, data):
    if case.extended:
        raise DomainError("extension_used", field="action", status=409)
    due = rules.case_deadlines(_facts(case), _version(case))
    decision = next((d for d in due if d.kind == "decision"), None)
    if decision is not None and day > decision.due:
        raise DomainError("extension_too_late", field="at", due=decision.due)
    _text(data, "reason", "data.reason")
    case.extended = True
    return {}


def _submit_review(actor, case, day, data):
    if not case.violations.exists():
        raise DomainError("violation_required", field="violations")
    return {}


def _return_investigation(actor, case, day, data):
    _text(data, "opinion", "data.opinion")
    return {}


def _review(actor, case, day, data):
    opinion = _text(data, "opinion", "data.opinion")
    proposed = _proposed(case)
    case.fine = rules.fine_total(proposed)
    case.hearing_eligible = rules.hearing_eligible(proposed, case.party_kind, _large_fine(case), _version(case))
    case.penalty_text = _penalty_text(case)
    return {"opinion_text": opinion}


def _transfer(actor, case, day, data):
    case.outcome = CaseOutcome.TRANSFERRED
    return {"transfer_to": _text(data, "transfer_to", "data.transfer_to"), "outcome": str(case.get_outcome_display())}


def _no_penalty(actor, case, day, data):
    reason = str(data.get("reason") or "")
    outcomes = {"minor": CaseOutcome.NO_PENALTY_MINOR, "unfounded": CaseOutcome.NO_PENALTY_UNFOUNDED}
    if reason not in outcomes:
        raise DomainError("invalid", field="data.reason")
    case.outcome = outcomes[reason]
    case.penalty_text = ""
    case.fine = Decimal(0)
    return {"outcome": str(case.get_outcome_display()), "opinion_text": str(data.get("opinion") or "").strip()}


def _discuss(actor, case, day, data):
    participants = _text(data, "participants", "data.participants")
    conclusion = _text(data, "conclusion", "data.conclusion")
    case.discussed = True
    return {"participants": participants, "opinion_text": conclusion}


def _notify(actor, case, day, data):
    proposed = _proposed(case)
    if not proposed:
        raise DomainError("penalty_required", field="violations")
    version = _version(case)
    case.fine = rules.fine_total(proposed)
    case.hearing_eligible = rules.hearing_eligible(proposed, case.party_kind, _large_fine(case), version)
    case.penalty_text = _penalty_text(case)
    rights = _("The party may state its case and defend itself within %(days)s days of receiving this notice.") % {
        "days": version.hearing_request_days
    }
    if case.hearing_eligible:
        rights += " " + _("The party may request a hearing within %(days)s days of receiving this notice.") % {
            "days": version.hearing_request_days
        }
    return {"rights": rights, "fine": f"{case.fine:,.2f}"}


def _served_document(case, kind):
    document = case.documents.filter(kind=kind).order_by("-issued_at", "-id").first()
    return document.number if document else ""


def _serve_notice(actor, case, day, data):
    case.notice_served_on = day
    return {
        "served_document": _served_document(case, "penalty_notice"),
        "recipient": _text(data, "recipient", "data.recipient"),
        "service_method": str(data.get("method") or "").strip(),
    }


def _record_statement(actor, case, day, data):
    return {"opinion_text": _text(data, "statement", "data.statement")}


def _request_hearing(actor, case, day, data):
    version = _version(case)
    if not case.hearing_eligible:
        raise DomainError("hearing_not_available", field="action", status=409)
    due = rules.hearing_request_due(case.notice_served_on, version)
    if day > due:
        raise DomainError("hearing_request_late", field="at", days=version.hearing_request_days, due=due)
    case.hearing_requested_on = day
    return {}


def _schedule_hearing(actor, case, day, data):
    try:
        hearing_date = datetime.date.fromisoformat(str(data.get("hearing_date") or ""))
    except ValueError:
        raise DomainError("required", field="data.hearing_date") from None
    version = _version(case)
    if rules.hearing_notice_problem(day, hearing_date, version):
        raise DomainError("hearing_notice_too_short", field="data.hearing_date", days=version.hearing_notice_days)
    case.hearing_date = hearing_date
    return {"hearing_date": hearing_date.isoformat(), "hearing_place": _text(data, "place", "data.place")}


def _hold_hearing(actor, case, day, data):
    if day < case.hearing_date:
        raise DomainError("hearing_not_yet", field="at", date=case.hearing_date)
    return {"opinion_text": _text(data, "record", "data.record")}


def _decide(actor, case, day, data):
    version = _version(case)
    if case.state == CaseState.NOTICE_SERVED:
        waived = str(data.get("waived") or "").lower() in ("1", "true", "yes", "on")
        if rules.decision_window_problem(case.notice_served_on, day, waived, version):
            due = rules.hearing_request_due(case.notice_served_on, version)
            raise DomainError("decision_before_window", field="at", due=due)
    if case.hearing_eligible and not case.discussed:
        raise DomainError("discussion_required", field="action", status=409)
    case.outcome = CaseOutcome.PENALTY
    case.decision_status = DecisionStatus.IN_FORCE
    case.decided_on = day
    case.penalty_text = _penalty_text(case)
    case.fine = rules.fine_total(_proposed(case))
    if version.disclosure_working_days is not None:
        case.disclosure_due = add_working_days(day, version.disclosure_working_days)
    return {"fine": f"{case.fine:,.2f}"}


def _serve(actor, case, day, data):
    case.served_on = day
    if case.fine <= 0:
        case.paid_on = day  # nothing to pay
    return {
        "served_document": _served_document(case, "penalty_decision"),
        "recipient": _text(data, "recipient", "data.recipient"),
        "service_method": str(data.get("method") or "").strip(),
    }


def _pay(actor, case, day, data):
    amount = _amount(data.get("amount"), "data.amount")
    if amount is None or amount <= 0:
        raise DomainError("required", field="data.amount")
    if case.paid_on is not None:
        raise DomainError("nothing_owed", field="data.amount", status=409)
    due, extra = owed(case, day)
    if amount > due:
        raise DomainError("payment_exceeds_owed", field="data.amount", owed=f"{due:,.2f}")
    case.paid += amount
    if case.paid >= case.fine + extra:
        case.paid_on = day
        if case.state == CaseState.SERVED:
            case.state = CaseState.PAID
    return {}


def _remind(actor, case, day, data):
    due, extra = owed(case, day)
    if due <= 0 or not _payment_overdue(case, day):
        raise DomainError("payment_not_overdue", field="action", status=409)
    return {"owed": f"{due:,.2f}", "surcharge": f"{extra:,.2f}"}


def _apply_enforcement(actor, case, day, data):
    return _remind(actor, case, day, data)


def _close(actor, case, day, data):
    if case.state == CaseState.SERVED and case.paid_on is None:
        raise DomainError("case_fine_unpaid", field="action", status=409)
    return {"outcome": str(case.get_outcome_display()), "opinion_text": str(data.get("opinion") or "").strip()}


def _disclose(actor, case, day, data):
    if case.procedure != Procedure.GENERAL or case.outcome != CaseOutcome.PENALTY or case.decided_on is None:
        raise DomainError("disclosure_not_applicable", field="action", status=409)
    if case.disclosed_on is not None:
        raise DomainError("already_disclosed", field="action", status=409)
    case.disclosed_on = day
    return {}


def _change_decision(actor, case, day, data):
    if case.decision_status == DecisionStatus.REVOKED:
        raise DomainError("decision_revoked", field="action", status=409)
    reason = _text(data, "reason", "data.reason")
    text = _text(data, "penalty", "data.penalty")
    fine = _amount(data.get("fine"), "data.fine")
    if fine is None:
        raise DomainError("required", field="data.fine")
    if case.paid > fine:
        raise DomainError("payment_exceeds_owed", field="data.fine", owed=f"{case.paid:,.2f}")
    previous = case.documents.filter(kind__in=("penalty_decision", "onspot_decision")).order_by("-issued_at").first()
    case.decision_status = DecisionStatus.CHANGED
    case.penalty_text = text[:500]
    case.fine = fine
    if case.paid >= fine and case.served_on is not None:
        case.paid_on = case.paid_on or day
    extra = {"penalty": text, "fine": f"{fine:,.2f}", "opinion_text": reason}
    if previous is not None and previous.kind == "penalty_decision":
        extra["supersedes"] = previous
    return extra


def _revoke_decision(actor, case, day, data):
    if case.decision_status == DecisionStatus.REVOKED:
        raise DomainError("decision_revoked", field="action", status=409)
    _text(data, "reason", "data.reason")
    case.decision_status = DecisionStatus.REVOKED
    return {}


HANDLERS = {
    "approve_filing": _approve_filing,
    "refuse_filing": _refuse_filing,
    "extend": _extend,
    "submit_review": _submit_review,
    "return_investigation": _return_investigation,
    "review": _review,
    "transfer": _transfer,
    "no_penalty": _no_penalty,
    "discuss": _discuss,
    "notify": _notify,
    "serve_notice": _serve_notice,
    "record_statement": _record_statement,
    "request_hearing": _request_hearing,
    "schedule_hearing": _schedule_hearing,
    "hold_hearing": _hold_hearing,
    "decide": _decide,
    "serve": _serve,
    "pay": _pay,
    "remind": _remind,
    "apply_enforcement": _apply_enforcement,
    "close": _close,
    "disclose": _disclose,
    "change_decision": _change_decision,
    "revoke_decision": _revoke_decision,
}
assert set(HANDLERS) == set(rules.CASE_ACTIONS), "every action of the rules has its handler"


def available_actions(actor, case: Case) -> list[str]:
    """The steps this person may take on the case now (its state and their role; simple cases fewer)."""
    mine = capabilities(actor, case.organisation_id)
    actions = [
        action
        for action in rules.CASE_ACTIONS
        if rules.case_action_problem(case.state, action, mine) is None
        and (case.procedure == Procedure.GENERAL or action in SIMPLE_ACTIONS)
    ]
    if case.extended:
        actions = [a for a in actions if a != "extend"]
    if case.disclosed_on is not None or case.outcome != CaseOutcome.PENALTY or case.procedure != Procedure.GENERAL:
        actions = [a for a in actions if a != "disclose"]
    if case.decision_status in ("", DecisionStatus.REVOKED):
        actions = [a for a in actions if a not in ("change_decision", "revoke_decision")]
    if not case.hearing_eligible:
        actions = [a for a in actions if a not in ("request_hearing",)]
    return actions


def case_documents(case: Case):
    return Document.objects.filter(case=case).order_by("issued_at", "id")
