"""Drafting an agreement: its terms, payment plan and reporting requirements, while a draft."""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.models import Agreement, Indicator, Instalment, ReportingRequirement
from agreements.plans import (
    PlannedIndicator,
    PlannedInstalment,
    PlannedReport,
    check_plan,
    default_instalment_dates,
    even_payment_plan,
)
from agreements.services.lifecycle import lock
from audit.actions import AuditAction
from audit.services import (
    UNCHANGED,
    Maybe,
    audited_replace,
    audited_update,
    create_audited,
    given,
    record_changes,
)
from funding.models import Allocation


def default_reference(allocation: Allocation) -> str:
    """`GF-2024-COOMPANION`: stable and readable (GF = grundfinansiering)."""
    slug = slugify(allocation.partner.slug).upper()
    return f"GF-{allocation.programme.budget_year.year}-{slug}"


def _lock_draft(agreement: Agreement) -> Agreement:
    """Lock the agreement to change its terms, which only a draft's may be."""
    agreement = lock(agreement)
    if not agreement.terms_editable:
        raise ValidationError(
            _("Villkoren kan bara ändras i ett utkast. Dra tillbaka eller gör en ändring.")
        )
    return agreement


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
    return create_audited(
        agreement, action=AuditAction.AGREEMENT_CREATED, by=by, fields=["status", "amount"]
    )


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
    indicators: Sequence[PlannedIndicator] | None = None,
    by: User | None,
) -> Agreement:
    """Save a draft's terms, reporting, key figures and payment plan together: all or none.

    The reporting requirements go first: the plan's instalments may be tied to them. A draft
    carries its allocation's decided amount: when an amending decision changed it, the draft
    follows (and its plan must add up to the new amount).
    """
    follow_decided_amount(agreement=agreement, by=by)
    update_agreement_terms(
        agreement=agreement,
        period_start=period_start,
        period_end=period_end,
        purpose=purpose,
        conditions=conditions,
        by=by,
    )
    set_reporting_requirements(agreement=agreement, requirements=reports, by=by)
    if indicators is not None:
        set_indicators(agreement=agreement, indicators=indicators, by=by)
    set_payment_plan(agreement=agreement, instalments=instalments, by=by)
    return Agreement.objects.get(pk=agreement.pk)


@transaction.atomic
def follow_decided_amount(*, agreement: Agreement, by: User | None) -> Agreement:
    """A draft's amount is its allocation's decided amount, also after an amending decision."""
    agreement = _lock_draft(agreement)
    allocation = Allocation.objects.get(pk=agreement.allocation_id)
    if allocation.is_decided and allocation.amount != agreement.amount:
        audited_update(
            agreement,
            values={"amount": allocation.amount},
            action=AuditAction.AGREEMENT_TERMS_CHANGED,
            by=by,
            reason=_("Beloppet följer fördelningens ändrade beslut."),
        )
    return agreement


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
    agreement = _lock_draft(agreement)
    values = given(
        period_start=period_start, period_end=period_end, purpose=purpose, conditions=conditions
    )
    audited_update(agreement, values=values, action=AuditAction.AGREEMENT_TERMS_CHANGED, by=by)
    return agreement


def check_report_numbers(plan: Sequence[PlannedInstalment], *, reports: int) -> None:
    """An instalment paid after a report waits for one of the `reports` there are (1 to
    `reports`, in date order)."""
    for item in plan:
        if item.after_report is not None and not 1 <= item.after_report <= reports:
            raise ValidationError(
                {
                    "instalments": _("Det finns ingen återrapport nummer %(n)s att vänta på.")
                    % {"n": item.after_report}
                }
            )


@transaction.atomic
def set_payment_plan(
    *, agreement: Agreement, instalments: Sequence[PlannedInstalment], by: User | None
) -> list[Instalment]:
    agreement = _lock_draft(agreement)
    plan = sorted(instalments, key=lambda i: i.due_date)
    check_plan(agreement, plan)
    requirements = list(agreement.reporting_requirements.order_by("due_date", "pk"))
    check_report_numbers(plan, reports=len(requirements))
    return audited_replace(
        agreement.instalments.order_by("number"),
        (
            Instalment(
                agreement=agreement,
                number=n,
                due_date=item.due_date,
                amount=item.amount,
                after_report=requirements[item.after_report - 1] if item.after_report else None,
            )
            for n, item in enumerate(plan, start=1)
        ),
        describe=lambda i: (str(i.due_date), i.amount, i.after_report_id),
        field="instalments",
        action=AuditAction.AGREEMENT_PAYMENT_PLAN_SET,
        target=agreement,
        by=by,
    )


@transaction.atomic
def set_reporting_requirements(
    *, agreement: Agreement, requirements: Sequence[PlannedReport], by: User | None
) -> list[ReportingRequirement]:
    agreement = _lock_draft(agreement)
    rows = [
        ReportingRequirement(agreement=agreement, description=r.description, due_date=r.due_date)
        for r in requirements
    ]
    rows.sort(key=lambda r: r.due_date)
    for row in rows:
        row.full_clean(exclude=["agreement"])
    # Updated in place, row by row in date order, so an instalment tied to "report 2" stays
    # tied to the second report when its wording or date is edited.
    existing = list(agreement.reporting_requirements.order_by("due_date", "pk"))
    old = [(r.description, str(r.due_date)) for r in existing]
    for current, row in zip(existing, rows, strict=False):
        current.description, current.due_date = row.description, row.due_date
        current.save(update_fields=["description", "due_date"])
    ReportingRequirement.objects.filter(pk__in=[r.pk for r in existing[len(rows) :]]).delete()
    ReportingRequirement.objects.bulk_create(rows[len(existing) :])
    new = [(r.description, str(r.due_date)) for r in rows]
    record_changes(
        action=AuditAction.AGREEMENT_REPORTING_SET,
        target=agreement,
        by=by,
        changes={"reporting_requirements": (old, new)},
    )
    return rows


@transaction.atomic
def set_indicators(
    *, agreement: Agreement, indicators: Sequence[PlannedIndicator], by: User | None
) -> list[Indicator]:
    """The key figures (nyckeltal) the partner reports on, while the agreement is a draft."""
    agreement = _lock_draft(agreement)
    names = [i.name.strip().casefold() for i in indicators]
    if len(set(names)) != len(names):
        raise ValidationError({"indicators": _("Två nyckeltal har samma namn.")})
    rows = [
        Indicator(agreement=agreement, position=n, name=i.name, unit=i.unit, target=i.target)
        for n, i in enumerate(indicators, start=1)
    ]
    for row in rows:
        row.full_clean(exclude=["agreement"], validate_constraints=False)
        if row.target is not None and row.target < 0:
            raise ValidationError({"indicators": _("Ett mål kan inte vara negativt.")})
    return audited_replace(
        agreement.indicators.all(),
        rows,
        describe=lambda i: (i.name, i.unit, str(i.target)),
        field="indicators",
        action=AuditAction.AGREEMENT_INDICATORS_SET,
        target=agreement,
        by=by,
    )
