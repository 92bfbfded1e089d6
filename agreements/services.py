"""Every write to agreements: drafting, payment plans, reporting, signing, lifecycle.

The lifecycle is `agreements.models.TRANSITIONS`; `_transition` is the only place that changes
an agreement's status, and it writes the history. Design §3 invariant 6: an agreement is sent for
signing only when its allocation is decided; the region signs only after the partner; a signed
agreement's terms never change.
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.models import (
    Agreement,
    AgreementStatus,
    Instalment,
    Party,
    ReportingRequirement,
    Signature,
    SignedDocument,
)
from agreements.pdf import render_agreement_pdf
from agreements.permissions import can_sign_for_region
from audit.actions import AuditAction
from audit.services import UNCHANGED, Maybe, audited_update, given, record_event
from core.documents import seal_and_store
from core.money import ZERO, format_amount, is_whole_kronor, split_evenly
from funding.models import Allocation
from partners.permissions import can_sign_for_partner


@dataclass(frozen=True)
class PlannedInstalment:
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class PlannedReport:
    description: str
    due_date: date


def even_payment_plan(amount: Decimal, due_dates: Sequence[date]) -> list[PlannedInstalment]:
    """The default plan: whole kronor, as even as possible, adding up exactly."""
    parts = split_evenly(amount, len(due_dates))
    return [PlannedInstalment(due_date=d, amount=a) for d, a in zip(due_dates, parts, strict=True)]


def default_instalment_dates(period_start: date) -> list[date]:
    """Two payments: at the end of the period's first month and of its seventh month."""
    dates = []
    for offset in (0, 6):
        month_index = period_start.month - 1 + offset
        year, month = period_start.year + month_index // 12, month_index % 12 + 1
        dates.append(date(year, month, calendar.monthrange(year, month)[1]))
    return dates


def default_reference(allocation: Allocation) -> str:
    """`GF-2024-COOMPANION`: stable and readable (GF = grundfinansiering)."""
    slug = slugify(allocation.partner.slug).upper()
    return f"GF-{allocation.programme.budget_year.year}-{slug}"


def _lock(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("partner")
        .get(pk=agreement.pk)
    )


def _transition(agreement: Agreement, to: str, *, by: User | None, reason: str = "") -> Agreement:
    if not agreement.can_become(to):
        raise ValidationError(
            _("En överenskommelse med status %(from)s kan inte bli %(to)s.")
            % {
                "from": agreement.get_status_display(),
                "to": AgreementStatus(to).label,
            },
            code="illegal_transition",
        )
    old = agreement.status
    agreement.status = to
    agreement.save(update_fields=["status", "updated_at"])
    record_event(
        action=AuditAction.AGREEMENT_STATUS_CHANGED,
        target=agreement,
        by=by,
        changes={"status": (old, to)},
        reason=reason,
    )
    return agreement


def _check_terms_editable(agreement: Agreement) -> None:
    if not agreement.terms_editable:
        raise ValidationError(
            _("Villkoren kan bara ändras i ett utkast. Dra tillbaka eller gör en ändring.")
        )


@transaction.atomic
def create_agreement(
    *,
    allocation: Allocation,
    period_start: date,
    period_end: date,
    purpose: str,
    conditions: str = "",
    reference: str = "",
    is_example_data: bool = False,
    by: User | None,
) -> Agreement:
    """Draft the agreement of a decided allocation; its amount is the allocation's."""
    allocation = (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("partner", "programme__budget_year")
        .get(pk=allocation.pk)
    )
    if not allocation.is_decided:
        raise ValidationError(
            _("En överenskommelse kan bara upprättas för en beslutad fördelning.")
        )
    if Agreement.objects.filter(allocation=allocation).exists():
        raise ValidationError(_("Fördelningen har redan en överenskommelse."))
    agreement = Agreement(
        reference=reference or default_reference(allocation),
        allocation=allocation,
        partner=allocation.partner,
        period_start=period_start,
        period_end=period_end,
        amount=allocation.amount,
        purpose=purpose,
        conditions=conditions,
        is_example_data=is_example_data,
    )
    agreement.full_clean()
    agreement.save()
    record_event(
        action=AuditAction.AGREEMENT_CREATED,
        target=agreement,
        by=by,
        changes={"status": (None, agreement.status), "amount": (None, agreement.amount)},
    )
    return agreement


@transaction.atomic
def draft_agreement(
    *,
    allocation: Allocation,
    period_start: date,
    period_end: date,
    purpose: str,
    conditions: str = "",
    by: User | None,
) -> Agreement:
    """Draft from a decided allocation, with the default plan: two even instalments."""
    agreement = create_agreement(
        allocation=allocation,
        period_start=period_start,
        period_end=period_end,
        purpose=purpose,
        conditions=conditions,
        by=by,
    )
    set_payment_plan(
        agreement=agreement,
        instalments=even_payment_plan(agreement.amount, default_instalment_dates(period_start)),
        by=by,
    )
    return agreement


@transaction.atomic
def revise_draft(
    *,
    agreement: Agreement,
    period_start: date,
    period_end: date,
    purpose: str,
    conditions: str,
    instalments: Sequence[PlannedInstalment],
    reports: Sequence[PlannedReport],
    by: User | None,
) -> Agreement:
    """Save a draft's terms, payment plan and reporting together: all of it or none."""
    update_agreement_terms(
        agreement=agreement,
        period_start=period_start,
        period_end=period_end,
        purpose=purpose,
        conditions=conditions,
        by=by,
    )
    set_payment_plan(agreement=agreement, instalments=instalments, by=by)
    set_reporting_requirements(agreement=agreement, requirements=reports, by=by)
    return Agreement.objects.get(pk=agreement.pk)


@transaction.atomic
def update_agreement_terms(
    *,
    agreement: Agreement,
    by: User | None,
    period_start: Maybe[date] = UNCHANGED,
    period_end: Maybe[date] = UNCHANGED,
    purpose: Maybe[str] = UNCHANGED,
    conditions: Maybe[str] = UNCHANGED,
) -> Agreement:
    agreement = _lock(agreement)
    _check_terms_editable(agreement)
    values = given(
        period_start=period_start, period_end=period_end, purpose=purpose, conditions=conditions
    )
    audited_update(agreement, values=values, action=AuditAction.AGREEMENT_TERMS_CHANGED, by=by)
    return agreement


def _check_plan(agreement: Agreement, plan: Sequence[PlannedInstalment]) -> None:
    if not plan:
        raise ValidationError({"instalments": _("Betalningsplanen behöver minst en utbetalning.")})
    for item in plan:
        if not isinstance(item.amount, Decimal):
            raise TypeError("instalment amounts are Decimal")
        if item.amount < 0 or not is_whole_kronor(item.amount):
            raise ValidationError(
                {"instalments": _("Varje utbetalning är ett helt antal kronor, minst 0 kr.")}
            )
        if not agreement.period_start.year - 1 <= item.due_date.year <= agreement.period_end.year:
            raise ValidationError(
                {
                    "instalments": _("Utbetalningsdatum %(date)s ligger utanför avtalsperioden.")
                    % {"date": item.due_date.isoformat()}
                }
            )
    total = sum((item.amount for item in plan), ZERO)
    if total != agreement.amount:
        raise ValidationError(
            {
                "instalments": _(
                    "Utbetalningarna blir %(total)s men överenskommelsen gäller %(amount)s; "
                    "de ska summera exakt."
                )
                % {"total": format_amount(total), "amount": format_amount(agreement.amount)}
            }
        )


@transaction.atomic
def set_payment_plan(
    *, agreement: Agreement, instalments: Sequence[PlannedInstalment], by: User | None
) -> list[Instalment]:
    agreement = _lock(agreement)
    _check_terms_editable(agreement)
    plan = sorted(instalments, key=lambda i: i.due_date)
    _check_plan(agreement, plan)
    old = [(str(i.due_date), i.amount) for i in agreement.instalments.all()]
    agreement.instalments.all().delete()
    rows = Instalment.objects.bulk_create(
        Instalment(agreement=agreement, number=n, due_date=item.due_date, amount=item.amount)
        for n, item in enumerate(plan, start=1)
    )
    new = [(str(i.due_date), i.amount) for i in rows]
    if old != new:
        record_event(
            action=AuditAction.AGREEMENT_PAYMENT_PLAN_SET,
            target=agreement,
            by=by,
            changes={"instalments": (old, new)},
        )
    return rows


@transaction.atomic
def set_reporting_requirements(
    *, agreement: Agreement, requirements: Sequence[PlannedReport], by: User | None
) -> list[ReportingRequirement]:
    agreement = _lock(agreement)
    _check_terms_editable(agreement)
    rows = [
        ReportingRequirement(agreement=agreement, description=r.description, due_date=r.due_date)
        for r in requirements
    ]
    for row in rows:
        row.full_clean(exclude=["agreement"])
    old = [(r.description, str(r.due_date)) for r in agreement.reporting_requirements.all()]
    agreement.reporting_requirements.all().delete()
    ReportingRequirement.objects.bulk_create(rows)
    new = [(r.description, str(r.due_date)) for r in rows]
    if old != new:
        record_event(
            action=AuditAction.AGREEMENT_REPORTING_SET,
            target=agreement,
            by=by,
            changes={"reporting_requirements": (old, new)},
        )
    return rows


@transaction.atomic
def send_for_signing(*, agreement: Agreement, by: User | None) -> Agreement:
    agreement = _lock(agreement)
    allocation = Allocation.objects.select_related("decision").get(pk=agreement.allocation_id)
    if (
        not allocation.is_decided
        or allocation.decision is None
        or not allocation.decision.is_decided
    ):
        raise ValidationError(_("Överenskommelsen kan skickas först när fördelningen är beslutad."))
    if agreement.amount != allocation.amount:
        raise ValidationError(
            _("Överenskommelsens belopp (%(a)s) är inte det beslutade (%(b)s).")
            % {"a": format_amount(agreement.amount), "b": format_amount(allocation.amount)}
        )
    plan = [
        PlannedInstalment(due_date=i.due_date, amount=i.amount) for i in agreement.instalments.all()
    ]
    _check_plan(agreement, plan)
    return _transition(agreement, AgreementStatus.SENT, by=by)


@transaction.atomic
def withdraw_from_signing(*, agreement: Agreement, by: User | None, reason: str) -> Agreement:
    agreement = _lock(agreement)
    return _transition(agreement, AgreementStatus.DRAFT, by=by, reason=reason)


@transaction.atomic
def sign_agreement(
    *,
    agreement: Agreement,
    party: str,
    by: User,
    signer_name: str = "",
    signer_title: str = "",
    signed_at: datetime | None = None,
) -> Signature:
    """Record one party's signature. The partner signs first, then the region.

    The caller has re-authenticated the user (the view asks for their password again). When the
    region has signed, the agreement is signed by both parties.
    """
    agreement = _lock(agreement)
    if party == Party.PARTNER:
        if not can_sign_for_partner(by, agreement.partner):
            raise ValidationError(_("Du får inte skriva under för den här partnern."))
        expected, to = AgreementStatus.SENT, AgreementStatus.PARTNER_SIGNED
    elif party == Party.REGION:
        if not can_sign_for_region(by):
            raise ValidationError(_("Du får inte skriva under för regionen."))
        expected, to = AgreementStatus.PARTNER_SIGNED, AgreementStatus.SIGNED
    else:
        raise ValidationError(_("Okänd part."))
    if agreement.status != expected:
        raise ValidationError(
            _("Överenskommelsen kan inte skrivas under nu (status: %(status)s).")
            % {"status": agreement.get_status_display()},
            code="illegal_transition",
        )
    signature = Signature.objects.create(
        agreement=agreement,
        agreement_version=agreement.version,
        party=party,
        signed_by=by,
        signer_name=signer_name or by.display_name,
        signer_title=signer_title or by.title,
        signed_at=signed_at or timezone.now(),
    )
    record_event(
        action=AuditAction.AGREEMENT_SIGNED,
        target=agreement,
        by=by,
        changes={f"signature:{party}": (None, signature.signer_name)},
    )
    _transition(agreement, to, by=by)
    if to == AgreementStatus.SIGNED:
        _issue_signed_document(agreement, by=by)
    return signature


def _issue_signed_document(agreement: Agreement, *, by: User | None) -> SignedDocument:
    """Render the final overview once, seal it, store it with its hash. Never rendered again."""
    stored = seal_and_store(
        render_agreement_pdf(agreement, draft=False),
        stem=f"agreements/signed/{agreement.period_start.year}/"
        f"{agreement.reference}-v{agreement.version}",
        reason=(
            f"Överenskommelse {agreement.reference} version {agreement.version}, "
            "underskriven av båda parter"
        ),
    )
    document = SignedDocument.objects.create(
        agreement=agreement,
        agreement_version=agreement.version,
        file=stored.name,
        sha256=stored.sha256,
        size=stored.size,
    )
    record_event(
        action=AuditAction.AGREEMENT_SEALED,
        target=agreement,
        by=by,
        changes={"signed_document": (None, stored.sha256)},
    )
    return document


@transaction.atomic
def complete_agreement(*, agreement: Agreement, by: User | None, reason: str = "") -> Agreement:
    agreement = _lock(agreement)
    return _transition(agreement, AgreementStatus.COMPLETED, by=by, reason=reason)


@transaction.atomic
def terminate_agreement(*, agreement: Agreement, by: User | None, reason: str) -> Agreement:
    if not reason.strip():
        raise ValidationError({"reason": _("Ange skälet till att överenskommelsen hävs.")})
    agreement = _lock(agreement)
    agreement.termination_reason = reason
    agreement.save(update_fields=["termination_reason", "updated_at"])
    return _transition(agreement, AgreementStatus.TERMINATED, by=by, reason=reason)
