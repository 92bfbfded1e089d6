"""What an amendment's new version says, read without changing anything.

The version in force is the agreement's own rows; an open amendment states the new terms, the
payments still to be released and the reporting no report has started on. Released and paid
instalments and requirements with a report carry over unchanged. The service
(`agreements.services.amendments`), the pages and the PDF all read the new version from here.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements.models import (
    Agreement,
    AgreementAmendment,
    Instalment,
    InstalmentStatus,
    ReportingRequirement,
)
from agreements.plans import PlannedInstalment, PlannedReport
from core.money import ZERO, format_amount


def carried_instalments(agreement: Agreement) -> list[Instalment]:
    """Released or paid: what the new version takes over as it is."""
    return list(agreement.instalments.exclude(status=InstalmentStatus.PLANNED).order_by("number"))


def carried_requirements(agreement: Agreement) -> list[ReportingRequirement]:
    """Requirements a report has started on: they carry over as they are."""
    return list(
        agreement.reporting_requirements.filter(report__isnull=False).order_by("due_date", "pk")
    )


def open_requirements(agreement: Agreement) -> list[ReportingRequirement]:
    return list(
        agreement.reporting_requirements.filter(report__isnull=True).order_by("due_date", "pk")
    )


def planned_instalments(amendment: AgreementAmendment) -> list[PlannedInstalment]:
    return [
        PlannedInstalment(
            due_date=date.fromisoformat(i["due_date"]),
            amount=Decimal(i["amount"]),
            after_report=i.get("after_report"),
        )
        for i in amendment.instalments
    ]


def planned_reports(amendment: AgreementAmendment) -> list[PlannedReport]:
    return [
        PlannedReport(description=r["description"], due_date=date.fromisoformat(r["due_date"]))
        for r in amendment.reports
    ]


def plan_as_data(plan: list[PlannedInstalment]) -> list[dict[str, object]]:
    return [
        {
            "due_date": i.due_date.isoformat(),
            "amount": str(i.amount),
            "after_report": i.after_report,
        }
        for i in sorted(plan, key=lambda i: i.due_date)
    ]


def reports_as_data(reports: list[PlannedReport]) -> list[dict[str, str]]:
    return [
        {"description": r.description, "due_date": r.due_date.isoformat()}
        for r in sorted(reports, key=lambda r: r.due_date)
    ]


@dataclass
class NewVersion:
    """One version of an agreement as its document states it."""

    agreement: Agreement  # the agreement with the new version's terms set (not saved)
    requirements: list[ReportingRequirement]
    instalments: list[Instalment]

    @property
    def carried_total(self) -> Decimal:
        return sum(
            (i.amount for i in self.instalments if i.status != InstalmentStatus.PLANNED), ZERO
        )

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.instalments), ZERO)

    @property
    def planned_total(self) -> Decimal:
        return sum(
            (i.amount for i in self.instalments if i.status == InstalmentStatus.PLANNED), ZERO
        )


def new_version(agreement: Agreement, amendment: AgreementAmendment) -> NewVersion:
    """The version the amendment proposes: the agreement's terms replaced by the amendment's,
    its carried rows as they are, and the amendment's planned rows (unsaved)."""
    proposed = Agreement.objects.get(pk=agreement.pk)  # a copy to write the new terms on
    proposed.partner = agreement.partner
    proposed.allocation = agreement.allocation
    for field in ("period_start", "period_end", "amount", "purpose", "conditions", "version"):
        setattr(proposed, field, getattr(amendment, field))
    requirements = carried_requirements(agreement) + [
        ReportingRequirement(agreement=proposed, description=r.description, due_date=r.due_date)
        for r in planned_reports(amendment)
    ]
    requirements.sort(key=lambda r: r.due_date)
    carried = carried_instalments(agreement)
    first = max((i.number for i in carried), default=0) + 1
    planned = [
        Instalment(
            agreement=proposed,
            number=n,
            due_date=item.due_date,
            amount=item.amount,
            after_report=requirements[item.after_report - 1]
            if item.after_report and item.after_report <= len(requirements)
            else None,
        )
        for n, item in enumerate(planned_instalments(amendment), start=first)
    ]
    return NewVersion(agreement=proposed, requirements=requirements, instalments=carried + planned)


def _period(terms: Agreement | AgreementAmendment) -> str:
    return f"{date_format(terms.period_start)} – {date_format(terms.period_end)}"


def describe_changes(agreement: Agreement, amendment: AgreementAmendment) -> list[str]:
    """What the new version changes, in the words the document and the pages use."""
    changes = []
    old_period, new_period = _period(agreement), _period(amendment)
    if old_period != new_period:
        changes.append(
            _("Perioden ändras från %(old)s till %(new)s.") % {"old": old_period, "new": new_period}
        )
    if agreement.amount != amendment.amount:
        changes.append(
            _("Beloppet ändras från %(old)s till %(new)s.")
            % {"old": format_amount(agreement.amount), "new": format_amount(amendment.amount)}
        )
    if agreement.purpose != amendment.purpose:
        changes.append(_("Syftet ändras."))
    if agreement.conditions != amendment.conditions:
        changes.append(_("Villkoren ändras."))
    planned_now = [
        (i.due_date, i.amount)
        for i in agreement.instalments.filter(status=InstalmentStatus.PLANNED).order_by("number")
    ]
    if planned_now != [(i.due_date, i.amount) for i in planned_instalments(amendment)]:
        changes.append(_("Betalningsplanen ändras för de utbetalningar som inte är attesterade."))
    reports_now = [(r.description, r.due_date) for r in open_requirements(agreement)]
    if reports_now != [(r.description, r.due_date) for r in planned_reports(amendment)]:
        changes.append(_("Återrapporteringen ändras."))
    return changes
