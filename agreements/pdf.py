"""The agreement overview PDF (design §8): what the partner and the archive keep.

Rendered from `templates/pdf/agreement.html`. A preview is marked UTKAST. The final version is
rendered once, when both parties have signed, then sealed and stored by
`agreements.services`; it is never rendered again.
"""

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation

from agreements.amendments import NewVersion, describe_changes, new_version
from agreements.models import (
    Agreement,
    AgreementAmendment,
    StandardTerms,
)
from agreements.pdf_parts import contacts, example_data, payment_terms, state_aid
from core.money import amount_in_words
from core.pdf import PdfAttachment, render_pdf


def current_version(agreement: Agreement) -> NewVersion:
    """The version in force, as its document states it (`agreement` from `load_for_pdf`)."""
    return NewVersion(
        agreement, list(agreement.reporting_requirements.all()), list(agreement.instalments.all())
    )


def load_for_pdf(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_related(
            "partner",
            "allocation__programme__source",
            "allocation__programme__budget_year",
            "allocation__decision",
            "standard_terms",
            "region_contact",
        )
        .prefetch_related(
            "instalments__after_report",
            "reporting_requirements",
            "signatures",
            "indicators",
            "partner__contacts",
            "partner__memberships__user",
        )
        .get(pk=agreement.pk)
    )


def terms_of(agreement: Agreement) -> StandardTerms | None:
    """The standard terms the agreement carries; a draft (not yet sent) shows those in force."""
    if agreement.standard_terms_id is not None:
        return agreement.standard_terms
    return StandardTerms.objects.in_force(timezone.localdate())


def agreement_record(
    version: NewVersion,
    *,
    amendment: AgreementAmendment | None = None,
    changes: list[str] | None = None,
) -> dict[str, Any]:
    """The machine-readable record that travels inside the PDF (and nowhere else changes)."""
    agreement = version.agreement
    programme = agreement.allocation.programme
    decision = agreement.allocation.decision
    terms = terms_of(agreement)
    return {
        "schema": "halland-grundfinansiering/agreement/2",
        "reference": agreement.reference,
        "version": agreement.version,
        "status": agreement.status,
        "region": {
            "name": settings.REGION_NAME,
            "organisation_number": settings.REGION_ORGANISATION_NUMBER,
        },
        "partner": {
            "name": agreement.partner.legal_name,
            "display_name": agreement.partner.display_name,
            "organisation_number": agreement.partner.organisation_number or None,
            "address": ", ".join(
                part
                for part in (
                    agreement.partner.street_address,
                    f"{agreement.partner.postal_code} {agreement.partner.city}".strip(),
                )
                if part
            )
            or None,
        },
        "contacts": {
            party: {"name": c.name, "role": c.role, "email": c.email} if c else None
            for party, c in contacts(agreement).items()
        },
        "payment_account": payment_terms(agreement)["account"] or None,
        "indicators": [
            {"name": i.name, "unit": i.unit, "target": i.target} for i in agreement.indicators.all()
        ],
        "state_aid": state_aid(agreement),
        "standard_terms": {"version": terms.version, "clauses": terms.clauses} if terms else None,
        "period": {"start": agreement.period_start, "end": agreement.period_end},
        "amount_sek": str(agreement.amount),
        "programme": programme.name,
        "funding_source": programme.source.name,
        "decision": {
            "body": decision.body,
            "meeting_date": decision.meeting_date,
            "paragraph": decision.paragraph,
            "registration_number": decision.registration_number,
        }
        if decision
        else None,
        "purpose": agreement.purpose,
        "conditions": agreement.conditions,
        "reporting": [
            {"description": r.description, "due_date": r.due_date} for r in version.requirements
        ],
        "instalments": [
            {"number": i.number, "due_date": i.due_date, "amount_sek": str(i.amount)}
            for i in version.instalments
        ],
        "signatures": [
            {
                "party": s.party,
                "name": s.signer_name,
                "title": s.signer_title,
                "delegation": s.signer_delegation or None,
                "signed_at": s.signed_at,
                "method": s.method,
            }
            for s in agreement.signatures.all()
            if s.agreement_version == agreement.version
        ],
        "is_example_data": agreement.is_example_data,
        "replaces": {
            "version": amendment.replaces.agreement_version,
            "sha256": amendment.replaces.sha256,
            "reason": amendment.reason,
            "changes": changes or [],
        }
        if amendment is not None
        else None,
    }


def agreement_context(
    version: NewVersion,
    *,
    draft: bool,
    amendment: AgreementAmendment | None = None,
    changes: list[str] | None = None,
) -> dict[str, Any]:
    """What the print template shows. The version's agreement comes from `load_for_pdf`."""
    agreement = version.agreement
    return {
        "agreement": agreement,
        "reports": version.requirements,
        "plan": version.instalments,
        "amendment": amendment,
        "changes": changes or [],
        "programme": agreement.allocation.programme,
        "decision": agreement.allocation.decision,
        "signatures": [
            s for s in agreement.signatures.all() if s.agreement_version == agreement.version
        ],
        "amount_in_words": amount_in_words(agreement.amount),
        "contacts": contacts(agreement),
        "payment": payment_terms(agreement),
        "indicators": list(agreement.indicators.all()),
        "state_aid": state_aid(agreement),
        "terms": terms_of(agreement),
        "example_data": example_data(agreement),
        "draft": draft,
        "region_name": settings.REGION_NAME,
        "region_organisation_number": settings.REGION_ORGANISATION_NUMBER,
        "verify_url": settings.SITE_URL.rstrip("/") + "/verify/",
        "rendered_at": timezone.now(),
    }


def render_agreement_pdf(
    agreement: Agreement, *, draft: bool, amendment: AgreementAmendment | None = None
) -> bytes:
    """The overview as PDF/A-3a. `draft=True` marks every page UTKAST (a preview).

    With an open `amendment`, the version it proposes (a preview); with a signed one, the
    version in force, which that amendment made: both name the version they replace."""
    version = current_version(load_for_pdf(agreement))
    changes = amendment.changes if amendment is not None else None
    if amendment is not None and amendment.is_open:
        changes = describe_changes(version.agreement, amendment)
        version = new_version(version.agreement, amendment)
    agreement = version.agreement
    with translation.override("sv"):
        record = agreement_record(version, amendment=amendment, changes=changes)
        context = agreement_context(version, draft=draft, amendment=amendment, changes=changes)
        attachment = PdfAttachment(
            name=f"{agreement.reference}-v{agreement.version}.json",
            content=json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            description="Överenskommelsen som maskinläsbar post (JSON)",
        )
        return render_pdf("pdf/agreement.html", context, attachments=[attachment])
