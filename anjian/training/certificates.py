"""Certificate services after issue: reviews (复审), suspension, its lifting, revocation. Each write audited.

Who may act: trainers of the organisation that issued the certificate, or of a bureau whose area holds the
holder's place of work (Order 30: the issuing authority or that of the place of work).
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anjian.core.audit import audit_record
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, PermissionDenied
from anjian.core.models import AuditAction
from anjian.core.scope import scope_for
from anjian.training import rules, selectors
from anjian.training.models import Certificate, CertificateAction, CertificateReview, ReviewOutcome
from anjian.training.services import _trainer

REASON_MAX = 500


def _authority(actor, certificate: Certificate):
    organisation = _trainer(actor)
    if organisation.pk != certificate.organisation_id and not scope_for(actor).contains_division(
        certificate.division_code
    ):
        raise PermissionDenied()
    return organisation


def _locked(certificate: Certificate) -> Certificate:
    return Certificate.objects.select_for_update().get(pk=certificate.pk)


def _audit(actor, certificate: Certificate, action: str, before: dict, after: dict, organisation) -> None:
    audit_record(
        actor=actor,
        action=action,
        instance=certificate,
        object_repr=f"{certificate.number} {certificate.trainee.name}",
        before=before,
        after=after,
        ip=current_ip(),
        division_code=certificate.division_code,
        organisation_id=organisation.pk,
    )


def _state(certificate: Certificate) -> dict:
    return {
        "valid_until": certificate.valid_until.isoformat(),
        "next_review_due": certificate.next_review_due.isoformat(),
        "suspended": certificate.suspended,
        "revoked": certificate.revoked,
        "voided_on": certificate.voided_on.isoformat() if certificate.voided_on else None,
    }


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("reason_required", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError("reason_too_long", field="reason", max=REASON_MAX)
    return reason


def _usable(certificate: Certificate, today: datetime.date) -> None:
    status = certificate.status(today)
    if status in ("revoked", "suspended", "expired"):
        raise DomainError(f"certificate_{status}", status=409)
    if certificate.voided_on is not None:
        raise DomainError("certificate_void", status=409)


def review_record(
    actor,
    certificate: Certificate,
    *,
    violations: int = 0,
    serious_violation: bool = False,
    penalised: bool = False,
    refused_inspection: bool = False,
    fit: bool = True,
    exam_passed: bool | None = None,
    long_compliant: bool = False,
) -> CertificateReview:
    """Record the review of the certificate's next due date, taken today inside its window (60 days before the due
    date up to it). The review training hours come from the holder's attendance. Passed: the next review falls
    due 3 years on (6 for a holder of 10 years' continuous compliant work), and the certificate is renewed for
    6 years when that lies past its validity. Failed: for ill health, violations, a penalty or refused inspection
    the certificate is void at once; for missing training or a failed exam the holder may apply again before the
    due date."""
    organisation = _authority(actor, certificate)
    if isinstance(violations, bool) or not isinstance(violations, int) or violations < 0 or violations > 1000:
        raise DomainError("violations_invalid", field="violations")
    today = timezone.localdate()
    version = rules.rules_for(today)
    with transaction.atomic():
        certificate = _locked(certificate)
        due = certificate.next_review_due
        problem = rules.review_problem(today, due, certificate.valid_until, version)
        if certificate.revoked or certificate.suspended or certificate.voided_on is not None:
            _usable(certificate, today)
        if problem:
            raise DomainError(problem[0], status=409, **problem[1])
        _usable(certificate, today)
        hours = selectors.review_hours(certificate, due, today)
        failure = rules.review_failure(
            hours, violations, serious_violation, penalised, refused_inspection, fit, exam_passed, version
        )
        # The extended interval is for continuous compliant work (Order 30 Art. 23): no violation or penalty now,
        # and none found, nor a failed review, at an earlier review.
        blemished = certificate.reviews.filter(
            Q(violations__gt=0) | Q(serious_violation=True) | Q(penalised=True) | Q(outcome=ReviewOutcome.FAILED)
        ).exists()
        compliant = long_compliant and violations == 0 and not serious_violation and not penalised and not blemished
        before = _state(certificate)
        review = CertificateReview(
            certificate=certificate,
            due_on=due,
            reviewed_on=today,
            training_hours=Decimal(hours),
            violations=violations,
            serious_violation=serious_violation,
            penalised=penalised,
            refused_inspection=refused_inspection,
            fit=fit,
            exam_passed=exam_passed,
            long_compliant=compliant,
            outcome=ReviewOutcome.FAILED if failure else ReviewOutcome.PASSED,
            failure=failure or "",
            reviewer=actor,
            organisation=organisation,
        )
        if failure is None:
            next_due, valid_until = rules.review_renewal(
                due, certificate.valid_until, certificate.first_issued_on, compliant, version
            )
            certificate.last_review_on = today
            certificate.next_review_due = next_due
            certificate.valid_until = valid_until
            review.next_review_due, review.valid_until = next_due, valid_until
        elif failure in rules.REVIEW_FAILURES_FINAL:
            certificate.voided_on = today
            certificate.status_reason = failure
        certificate.save()
        review.save()
        _audit(
            actor,
            certificate,
            AuditAction.UPDATE,
            before,
            {**_state(certificate), "review": review.outcome, "failure": review.failure},
            organisation,
        )
    return review


def _act(actor, certificate: Certificate, kind: str, reason: str) -> Certificate:
    organisation = _authority(actor, certificate)
    reason = _reason(reason)
    today = timezone.localdate()
    with transaction.atomic():
        certificate = _locked(certificate)
        before = _state(certificate)
        if certificate.revoked:
            raise DomainError("certificate_revoked", status=409)
        if kind == CertificateAction.Kind.SUSPEND:
            if certificate.suspended:
                raise DomainError("certificate_suspended", status=409)
            certificate.suspended = True
        elif kind == CertificateAction.Kind.REINSTATE:
            if not certificate.suspended:
                raise DomainError("certificate_not_suspended", status=409)
            certificate.suspended = False
        else:
            certificate.revoked = True
            certificate.suspended = False
        certificate.status_reason = reason
        certificate.save(update_fields=["suspended", "revoked", "status_reason"])
        CertificateAction.objects.create(
            certificate=certificate, kind=kind, on=today, reason=reason, actor=actor, organisation=organisation
        )
        _audit(actor, certificate, AuditAction.UPDATE, before, {**_state(certificate), "reason": reason}, organisation)
    return certificate


def certificate_suspend(actor, certificate: Certificate, reason: str) -> Certificate:
    """Suspend (暂扣) the certificate: it is not valid until the suspension is lifted."""
    return _act(actor, certificate, CertificateAction.Kind.SUSPEND, reason)


def certificate_reinstate(actor, certificate: Certificate, reason: str) -> Certificate:
    """Lift a suspension; the certificate's dates are as they were (a review that fell due meanwhile is missed)."""
    return _act(actor, certificate, CertificateAction.Kind.REINSTATE, reason)


def certificate_revoke(actor, certificate: Certificate, reason: str) -> Certificate:
    """Revoke (吊销) the certificate for good."""
    return _act(actor, certificate, CertificateAction.Kind.REVOKE, reason)
