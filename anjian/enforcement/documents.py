"""The document engine: numbered without gaps per bureau, kind and year; issued documents never change."""

import datetime

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.audit import audit_record, snapshot
from anjian.core.context import current_ip
from anjian.core.errors import DomainError, PermissionDenied
from anjian.core.models import AuditAction, OrganisationKind
from anjian.enforcement import permissions as perms
from anjian.enforcement import rules
from anjian.enforcement.models import Document, DocumentCounter, DocumentKind, Hazard
from anjian.enterprises.models import Enterprise

# The on-site forms, issued one by one from the pages and the API.
ONSITE_KINDS = ("inspection_record", "rectification_order", "onsite_measures", "review_opinion")


def _next_serial(organisation, kind: str, year: int) -> int:
    """Take the next number under a row lock: concurrent issuers queue, nobody skips or repeats."""
    try:
        with transaction.atomic():
            DocumentCounter.objects.get_or_create(organisation=organisation, kind=kind, year=year)
    except IntegrityError:  # created at the same moment by another issuer
        pass
    counter = DocumentCounter.objects.select_for_update().get(organisation=organisation, kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _clean_body(kind: str, body: dict) -> dict:
    clean = {str(k): str(v).strip() for k, v in (body or {}).items() if v is not None and str(v).strip()}
    for field in rules.DOCUMENT_FIELDS[kind]:
        if field not in clean:
            raise DomainError("required", field=f"body.{field}")
    if "deadline" in clean:
        try:
            deadline = datetime.date.fromisoformat(clean["deadline"])
        except ValueError:
            raise DomainError("invalid", field="body.deadline") from None
        if deadline < timezone.localdate():
            raise DomainError("deadline_in_past", field="body.deadline")
    return clean


def document_issue(
    actor,
    *,
    kind: str,
    enterprise: Enterprise,
    body: dict,
    hazard: Hazard | None = None,
    refers_to: Document | None = None,
    supersedes: Document | None = None,
) -> Document:
    """Issue a document: validate, number, store and audit in one transaction."""
    organisation = actor.organisation
    if organisation.kind != OrganisationKind.BUREAU or not actor.has_perm(perms.MANAGE_HAZARDS):
        raise PermissionDenied()
    if kind not in ONSITE_KINDS:  # a case's documents are written by its steps (anjian.enforcement.cases)
        raise DomainError("invalid", field="kind")
    clean = _clean_body(kind, body)
    if hazard is not None and hazard.enterprise_id != enterprise.pk:
        raise DomainError("document_other_unit", field="hazard")
    required = rules.DOCUMENT_REQUIRES.get(kind)
    if required and (refers_to is None or refers_to.kind not in required):
        raise DomainError("document_needs_earlier", field="refers_to")
    if refers_to is not None and refers_to.enterprise_id != enterprise.pk:
        raise DomainError("document_other_unit", field="refers_to")
    if supersedes is not None:
        if supersedes.kind != kind or supersedes.enterprise_id != enterprise.pk:
            raise DomainError("document_other_unit", field="supersedes")
        if Document.objects.filter(supersedes=supersedes).exists():
            raise DomainError("document_already_superseded", field="supersedes", status=409)
    return _issue(
        actor, organisation, kind, enterprise, clean, hazard=hazard, refers_to=refers_to, supersedes=supersedes
    )


def issue_case_document(actor, case, kind: str, body: dict, *, supersedes: Document | None = None) -> Document:
    """Write one of a case's documents. The caller (a case step) has checked who may and holds the
    transaction; the document is numbered in the case's bureau and never changes."""
    if kind not in DocumentKind.values or kind in ONSITE_KINDS:
        raise DomainError("invalid", field="kind")
    clean = _clean_body(kind, body)
    return _issue(actor, case.organisation, kind, case.enterprise, clean, case=case, supersedes=supersedes)


def _issue(actor, organisation, kind, enterprise, clean, *, hazard=None, refers_to=None, supersedes=None, case=None):
    year = timezone.localdate().year
    with transaction.atomic():
        serial = _next_serial(organisation, kind, year)
        document = Document.objects.create(
            organisation=organisation,
            division_code=enterprise.division_id,
            enterprise=enterprise,
            hazard=hazard,
            case=case,
            kind=kind,
            year=year,
            serial=serial,
            number=rules.document_number(organisation.division_id, kind, year, serial),
            body=clean,
            refers_to=refers_to,
            supersedes=supersedes,
            issued_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=document,
            after=snapshot(document),
            ip=current_ip(),
            division_code=document.division_code,
            organisation_id=organisation.pk,
        )
    return document


FIELD_LABELS = {
    "place": _("Place inspected"),
    "findings": _("Findings"),
    "requirements": _("Rectification required"),
    "deadline": _("Rectification deadline"),
    "measures": _("On-site measures"),
    "opinion": _("Review opinion"),
    "case_number": _("Case number"),
    "party": _("Party"),
    "party_id_number": _("ID number"),
    "party_address": _("Address"),
    "unit": _("Production unit"),
    "credit_code": _("Unified social credit code"),
    "summary": _("Cause of the case"),
    "date": _("Date"),
    "violations": _("Violations, facts and legal basis"),
    "penalty": _("Penalty"),
    "fine": _("Fine (yuan)"),
    "opinion_text": _("Opinion"),
    "outcome": _("Outcome"),
    "rights": _("Rights of the party"),
    "hearing_date": _("Date of the hearing"),
    "hearing_place": _("Place of the hearing"),
    "served_document": _("Document served"),
    "service_method": _("Manner of service"),
    "recipient": _("Received by"),
    "payment": _("Payment"),
    "owed": _("Amount owed (yuan)"),
    "surcharge": _("Late-payment surcharge (yuan)"),
    "transfer_to": _("Transferred to"),
    "investigators": _("Investigators"),
    "participants": _("Participants"),
}


def document_html(document: Document) -> str:
    """The A4 print view, also the source of the PDF."""
    rows = [(FIELD_LABELS.get(key, key), value) for key, value in document.body.items()]
    superseded_by = Document.objects.filter(supersedes=document).first()
    context = {"document": document, "rows": rows, "superseded_by": superseded_by}
    return render_to_string("enforcement/document_print.html", context)


def document_pdf(document: Document) -> bytes:
    from weasyprint import HTML

    return HTML(string=document_html(document)).write_pdf()


def pdf_response(document: Document):
    """The PDF as an HTTP response, shown in the browser (pages and API alike)."""
    from django.http import HttpResponse

    response = HttpResponse(document_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="document-{document.pk}.pdf"'
    return response
