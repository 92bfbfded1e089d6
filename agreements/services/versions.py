"""Putting a signed amendment's version in force (called by `sign_amendment`, in its
transaction, with the agreement locked): the new terms, the reporting no report had started on,
and the planned payments; released and paid instalments and started reports stay as they are."""

from accounts.models import User
from agreements.amendments import describe_changes, new_version, open_requirements
from agreements.models import (
    Agreement,
    AgreementAmendment,
    Instalment,
    InstalmentStatus,
    ReportingRequirement,
)
from audit.actions import AuditAction
from audit.services import record_event


def apply_amendment(
    agreement: Agreement, amendment: AgreementAmendment, *, by: User | None
) -> None:
    """Make the amendment's version the one in force: terms, reporting, payment plan."""
    amendment.changes = describe_changes(agreement, amendment)
    amendment.save(update_fields=["changes", "updated_at"])
    version = new_version(agreement, amendment)
    before = {
        "version": agreement.version,
        "period_start": str(agreement.period_start),
        "period_end": str(agreement.period_end),
        "amount": str(agreement.amount),
    }
    for field in ("period_start", "period_end", "amount", "purpose", "conditions", "version"):
        setattr(agreement, field, getattr(amendment, field))
    agreement.full_clean(validate_unique=False, validate_constraints=False)
    agreement.save()
    # Reporting: the open requirements are updated in place in date order (a report started
    # since the amendment was drafted keeps its requirement), extra ones removed, new created.
    wanted = [r for r in version.requirements if r.pk is None]
    current = open_requirements(agreement)
    for row, new in zip(current, wanted, strict=False):
        row.description, row.due_date = new.description, new.due_date
        row.save(update_fields=["description", "due_date"])
        new.pk = row.pk
    ReportingRequirement.objects.filter(pk__in=[r.pk for r in current[len(wanted) :]]).delete()
    for new in wanted[len(current) :]:
        new.agreement = agreement
        new.save()
    # Payments: the planned ones are replaced; released and paid ones stay as they are.
    agreement.instalments.filter(status=InstalmentStatus.PLANNED).delete()
    Instalment.objects.bulk_create(
        Instalment(
            agreement=agreement,
            number=i.number,
            due_date=i.due_date,
            amount=i.amount,
            after_report_id=i.after_report.pk if i.after_report is not None else None,
        )
        for i in version.instalments
        if i.pk is None
    )
    after = {
        "version": agreement.version,
        "period_start": str(agreement.period_start),
        "period_end": str(agreement.period_end),
        "amount": str(agreement.amount),
    }
    record_event(
        action=AuditAction.AGREEMENT_AMENDED,
        target=agreement,
        by=by,
        changes={k: (before[k], after[k]) for k in after if before[k] != after[k]},
        reason=amendment.reason,
    )
