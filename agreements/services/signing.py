"""Signing: the partner's signatory, then the region's; the region's signature seals the PDF.

The same steps sign an amendment's new version (`agreements.services.amendments`).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agreements import notices
from agreements.models import (
    Agreement,
    AgreementAmendment,
    AgreementStatus,
    Party,
    Signature,
    SignedDocument,
)
from agreements.pdf import render_agreement_pdf
from agreements.permissions import can_sign_for_region
from agreements.services.lifecycle import lock, transition
from agreements.services.terms import terms_for_sending
from audit.actions import AuditAction
from audit.services import record_event
from core.documents import seal_and_store
from core.money import format_amount
from funding.models import Allocation
from partners.permissions import can_sign_for_partner


def check_may_sign(agreement: Agreement, party: str, by: User) -> tuple[str, str]:
    """May `by` sign for `party`? The step's (expected status, next status): the partner
    signs a sent version, the region one the partner has signed."""
    if party == Party.PARTNER:
        if not can_sign_for_partner(by, agreement.partner):
            raise ValidationError(_("Du får inte skriva under för den här partnern."))
        return AgreementStatus.SENT, AgreementStatus.PARTNER_SIGNED
    if party == Party.REGION:
        if not can_sign_for_region(by):
            raise ValidationError(_("Du får inte skriva under för regionen."))
        return AgreementStatus.PARTNER_SIGNED, AgreementStatus.SIGNED
    raise ValidationError(_("Okänd part."))


def record_signature(
    agreement: Agreement,
    *,
    version: int,
    party: str,
    by: User,
    signed_at: datetime | None = None,
) -> Signature:
    """The signature as the sealed PDF prints it: the name, title and (for the region) the
    delegation decision come from the signer's user record, never from text typed at signing
    (issue 19)."""
    if not by.get_full_name():
        raise ValidationError(
            _(
                "Ditt för- och efternamn saknas i ditt användarkonto. Be en administratör lägga "
                "in dem innan du skriver under."
            ),
            code="signer_without_name",
        )
    signature = Signature(
        agreement=agreement,
        agreement_version=version,
        party=party,
        signed_by=by,
        signer_name=by.get_full_name(),
        signer_title=by.title,
        signer_delegation=by.delegation_reference if party == Party.REGION else "",
        signed_at=signed_at or timezone.now(),
    )
    # What is printed into the sealed PDF is validated here, whatever the user record holds.
    signature.full_clean(exclude=["agreement", "signed_by"])
    signature.save()
    record_event(
        action=AuditAction.AGREEMENT_SIGNED,
        target=agreement,
        by=by,
        changes={f"signature:{party}": (None, signature.signer_name)},
    )
    return signature


@transaction.atomic
def sign_agreement(
    *,
    agreement: Agreement,
    party: str,
    by: User,
    signed_at: datetime | None = None,
) -> Signature:
    """Record one party's signature. The partner signs first, then the region.

    The caller has re-authenticated the user (the view asks for their password again). When the
    region has signed, the agreement is signed by both parties.
    """
    agreement = lock(agreement)
    expected, to = check_may_sign(agreement, party, by)
    if agreement.status != expected:
        raise ValidationError(
            _("Överenskommelsen kan inte skrivas under nu (status: %(status)s).")
            % {"status": agreement.get_status_display()},
            code="illegal_transition",
        )
    if party == Party.PARTNER:
        _check_amount_still_decided(agreement)
    signature = record_signature(
        agreement,
        version=agreement.version,
        party=party,
        by=by,
        signed_at=signed_at,
    )
    transition(agreement, to, by=by)
    if to == AgreementStatus.SIGNED:
        issue_signed_document(agreement, by=by)
        notices.agreement_signed(agreement)
    else:
        notices.agreement_partner_signed(agreement)
    return signature


def _check_amount_still_decided(agreement: Agreement) -> None:
    """An amending decision changed the allocation after the agreement was sent: the partner
    would sign an amount no decision stands behind. The region withdraws it (a draft follows
    the decided amount) and sends it again. Once the partner has signed, the region signs what
    was agreed and changes it by an amendment (tillägg)."""
    decided = Allocation.objects.values_list("amount", flat=True).get(pk=agreement.allocation_id)
    if decided != agreement.amount:
        raise ValidationError(
            _(
                "Fördelningen har ändrats genom beslut till %(decided)s sedan överenskommelsen "
                "om %(amount)s skickades. Regionen drar tillbaka den och skickar den igen med "
                "det beslutade beloppet."
            )
            % {"decided": format_amount(decided), "amount": format_amount(agreement.amount)},
            code="amount_changed",
        )


def issue_signed_document(
    agreement: Agreement, *, by: User | None, amendment: AgreementAmendment | None = None
) -> SignedDocument:
    """Render the version in force once, seal it, store it with its hash. Never rendered again.

    For an amendment's version, the document names the version it replaces and its SHA-256."""
    if agreement.standard_terms_id is None:  # sent before terms were data (issue 19)
        agreement.standard_terms = terms_for_sending()
        agreement.save(update_fields=["standard_terms", "updated_at"])
    what = ""
    if amendment is not None:
        what = f", tillägg som ersätter version {amendment.replaces.agreement_version}"
    stored = seal_and_store(
        render_agreement_pdf(agreement, draft=False, amendment=amendment),
        stem=f"agreements/signed/{agreement.period_start.year}/"
        f"{agreement.reference}-v{agreement.version}",
        reason=(
            f"Överenskommelse {agreement.reference} version {agreement.version}{what}, "
            "underskriven av båda parter"
        ),
    )
    document = SignedDocument.objects.create(
        agreement=agreement,
        agreement_version=agreement.version,
        file=stored.name,
        sha256=stored.sha256,
        size=stored.size,
        standard_terms=agreement.standard_terms,
    )
    record_event(
        action=AuditAction.AGREEMENT_SEALED,
        target=agreement,
        by=by,
        changes={"signed_document": (None, stored.sha256)},
    )
    return document
