"""A budget year as four tables: allocations, agreements, reports and payments (design §9);
and the payment list for the finance system (issue 15).

The columns are data, so the spreadsheet and the CSV writers share one definition and a column
is added in one place. Each table is read in one query, whatever the number of rows.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Instalment, ReportingRequirement
from agreements.selectors import next_report_date, overdue_report_count
from funding.models import Allocation, BudgetYear

Cell = str | Decimal | date | int | None


class Kind(Enum):
    TEXT = "text"
    AMOUNT = "amount"  # whole kronor, a number cell
    DATE = "date"
    NUMBER = "number"  # a count or ordinal, a number cell


@dataclass(frozen=True)
class Column:
    header: str | Promise
    kind: Kind
    value: Callable[[Any], Cell]
    width: int = 14  # in characters, for the spreadsheet


@dataclass(frozen=True)
class Table:
    slug: str  # in the URL
    file_stem: str  # in the file name, Swedish and ASCII-only
    title: str | Promise  # the sheet's name (at most 31 characters in Excel)
    columns: tuple[Column, ...]
    rows: Iterable[Any]

    def values(self) -> Iterable[list[Cell]]:
        for row in self.rows:
            yield [column.value(row) for column in self.columns]


def _yes_if(flag: bool) -> str:
    """ "Ja" or empty: the Exempeldata columns, as the payment list has always written them."""
    return str(_("Ja")) if flag else ""


def example_data_column(is_example: Callable[[Any], bool]) -> Column:
    """The last column of every table: "Ja" on a row built on invented demo data, so the label
    survives when the file is shared (issue 19)."""
    return Column(_("Exempeldata"), Kind.TEXT, lambda row: _yes_if(is_example(row)), 12)


def _decision_date(a: Allocation) -> date | None:
    return a.decision.meeting_date if a.decision else None


ALLOCATION_COLUMNS = (
    Column(_("År"), Kind.NUMBER, lambda a: a.programme.budget_year.year, 8),
    Column(_("Ram"), Kind.TEXT, lambda a: a.programme.name, 32),
    Column(_("Finansieringskälla"), Kind.TEXT, lambda a: a.programme.source.name, 40),
    Column(_("Partner"), Kind.TEXT, lambda a: a.partner.display_name, 28),
    Column(_("Juridiskt namn"), Kind.TEXT, lambda a: a.partner.legal_name, 36),
    Column(_("Organisationsnummer"), Kind.TEXT, lambda a: a.partner.organisation_number, 16),
    Column(_("Belopp (kr)"), Kind.AMOUNT, lambda a: a.amount, 16),
    Column(_("Status"), Kind.TEXT, lambda a: a.get_status_display(), 12),
    Column(
        _("Diarienummer"),
        Kind.TEXT,
        lambda a: a.decision.registration_number if a.decision else "",
        14,
    ),
    Column(_("Paragraf"), Kind.NUMBER, lambda a: a.decision.paragraph if a.decision else None, 9),
    Column(_("Beslutsdatum"), Kind.DATE, _decision_date, 12),
    example_data_column(lambda a: a.programme.is_example_data or a.partner.is_example_data),
)

AGREEMENT_COLUMNS = (
    Column(_("Referens"), Kind.TEXT, lambda g: g.reference, 26),
    Column(_("Partner"), Kind.TEXT, lambda g: g.partner.display_name, 28),
    Column(_("Organisationsnummer"), Kind.TEXT, lambda g: g.partner.organisation_number, 16),
    Column(_("Ram"), Kind.TEXT, lambda g: g.allocation.programme.name, 32),
    Column(_("Period från"), Kind.DATE, lambda g: g.period_start, 12),
    Column(_("Period till"), Kind.DATE, lambda g: g.period_end, 12),
    Column(_("Belopp (kr)"), Kind.AMOUNT, lambda g: g.amount, 16),
    Column(_("Status"), Kind.TEXT, lambda g: g.get_status_display(), 24),
    Column(_("Version"), Kind.NUMBER, lambda g: g.version, 8),
    Column(_("Nästa återrapportering"), Kind.DATE, lambda g: g.next_report, 14),
    Column(_("Försenade återrapporter"), Kind.NUMBER, lambda g: g.overdue_reports, 12),
    # Money the partner pays back after a termination: not a payment (issue 17).
    Column(_("Återkrav (kr)"), Kind.AMOUNT, lambda g: g.recovery_amount, 14),
    Column(_("Återkrav senast"), Kind.DATE, lambda g: g.recovery_due_date, 12),
    example_data_column(lambda g: g.is_example_data),
)


def _report_day(r: ReportingRequirement, field: str) -> date | None:
    """The local day the requirement's report was submitted or reviewed, if it was."""
    moment = getattr(r.current_report, field, None)
    return timezone.localdate(moment) if moment else None


def _report_status(r: ReportingRequirement) -> str:
    report = r.current_report
    return str(report.get_status_display() if report else _("Inte påbörjad"))


REPORT_COLUMNS = (
    Column(_("Referens"), Kind.TEXT, lambda r: r.agreement.reference, 26),
    Column(_("Partner"), Kind.TEXT, lambda r: r.agreement.partner.display_name, 28),
    Column(_("Återrapport"), Kind.TEXT, lambda r: r.description, 40),
    Column(_("Senast"), Kind.DATE, lambda r: r.due_date, 12),
    Column(_("Status"), Kind.TEXT, _report_status, 24),
    Column(
        _("Försenad"),
        Kind.TEXT,
        lambda r: str(_("Ja") if r.is_overdue(timezone.localdate()) else _("Nej")),
        10,
    ),
    Column(_("Inlämnad"), Kind.DATE, lambda r: _report_day(r, "submitted_at"), 12),
    Column(_("Granskad"), Kind.DATE, lambda r: _report_day(r, "reviewed_at"), 12),
    example_data_column(lambda r: r.agreement.is_example_data),
)

PAYMENT_COLUMNS = (
    Column(_("Referens"), Kind.TEXT, lambda i: i.agreement.reference, 26),
    Column(_("Partner"), Kind.TEXT, lambda i: i.agreement.partner.display_name, 28),
    Column(_("Utbetalning nr"), Kind.NUMBER, lambda i: i.number, 10),
    Column(_("Utbetalas"), Kind.DATE, lambda i: i.due_date, 12),
    Column(_("Belopp (kr)"), Kind.AMOUNT, lambda i: i.amount, 16),
    Column(_("Status"), Kind.TEXT, lambda i: i.get_status_display(), 24),
    Column(_("Attesterad"), Kind.DATE, lambda i: i.released_on, 12),
    Column(_("Utbetald"), Kind.DATE, lambda i: i.paid_on, 12),
    Column(_("Referens i ekonomisystemet"), Kind.TEXT, lambda i: i.finance_reference, 20),
    Column(
        _("Överenskommelsens status"), Kind.TEXT, lambda i: i.agreement.get_status_display(), 24
    ),
    example_data_column(lambda i: i.agreement.is_example_data),
)


def allocations_table(*, budget_year: BudgetYear) -> Table:
    rows = (
        Allocation.objects.filter(programme__budget_year=budget_year)
        .select_related("programme__budget_year", "programme__source", "partner", "decision")
        .order_by("programme__name", "partner__display_name")
    )
    return Table("allocations", "fordelningar", _("Fördelningar"), ALLOCATION_COLUMNS, rows)


def agreements_table(*, budget_year: BudgetYear) -> Table:
    rows = (
        Agreement.objects.filter(allocation__programme__budget_year=budget_year)
        .select_related("partner", "allocation__programme")
        .annotate(next_report=next_report_date(), overdue_reports=overdue_report_count())
        .order_by("reference")
    )
    return Table("agreements", "overenskommelser", _("Överenskommelser"), AGREEMENT_COLUMNS, rows)


def reports_table(*, budget_year: BudgetYear) -> Table:
    rows = (
        ReportingRequirement.objects.filter(
            agreement__allocation__programme__budget_year=budget_year
        )
        .select_related("agreement__partner", "report")
        .order_by("agreement__reference", "due_date", "pk")
    )
    return Table("reports", "aterrapporter", _("Återrapporter"), REPORT_COLUMNS, rows)


def payments_table(*, budget_year: BudgetYear) -> Table:
    rows = (
        Instalment.objects.filter(agreement__allocation__programme__budget_year=budget_year)
        .select_related("agreement__partner")
        .order_by("agreement__reference", "number")
    )
    return Table("payments", "utbetalningar", _("Utbetalningar"), PAYMENT_COLUMNS, rows)


TABLES: dict[str, Callable[..., Table]] = {
    "allocations": allocations_table,
    "agreements": agreements_table,
    "reports": reports_table,
    "payments": payments_table,
}


# The payment list (utbetalningslista) the finance system pays from: every released
# instalment not yet booked as paid, with what a payment order needs.
PAYMENT_LIST_COLUMNS = (
    Column(_("Mottagare"), Kind.TEXT, lambda i: i.agreement.partner.legal_name, 32),
    Column(
        _("Organisationsnummer"), Kind.TEXT, lambda i: i.agreement.partner.organisation_number, 16
    ),
    Column(
        _("Betalsätt"), Kind.TEXT, lambda i: i.agreement.partner.get_payment_method_display(), 10
    ),
    Column(_("Konto"), Kind.TEXT, lambda i: i.agreement.partner.payment_account_display, 14),
    Column(_("Belopp (kr)"), Kind.AMOUNT, lambda i: i.amount, 16),
    Column(_("Referens"), Kind.TEXT, lambda i: i.agreement.reference, 26),
    Column(_("Utbetalning nr"), Kind.NUMBER, lambda i: i.number, 10),
    Column(_("Utbetalas"), Kind.DATE, lambda i: i.due_date, 12),
    Column(_("Attesterad"), Kind.DATE, lambda i: i.released_on, 12),
    example_data_column(
        lambda i: (
            i.agreement.partner.payment_details_are_example_data or i.agreement.is_example_data
        )
    ),
)


def payment_list_table(rows: Iterable[Instalment]) -> Table:
    return Table(
        "payment-list", "utbetalningslista", _("Utbetalningslista"), PAYMENT_LIST_COLUMNS, rows
    )


# The recovery list (återkravslista): what partners owe the region after a termination, for
# the finance system to invoice. Apart from the payment list, so a claim is never read as a
# payment: its amounts are what the partner pays, positive, under their own heading.
RECOVERY_LIST_COLUMNS = (
    Column(_("Gäldenär"), Kind.TEXT, lambda g: g.partner.legal_name, 32),
    Column(_("Organisationsnummer"), Kind.TEXT, lambda g: g.partner.organisation_number, 16),
    Column(_("Återkrav (kr)"), Kind.AMOUNT, lambda g: g.recovery_amount, 16),
    Column(_("Betalas senast"), Kind.DATE, lambda g: g.recovery_due_date, 12),
    Column(_("Referens"), Kind.TEXT, lambda g: g.reference, 26),
    Column(_("Utbetalt enligt överenskommelsen (kr)"), Kind.AMOUNT, lambda g: g.paid, 16),
    Column(_("Skäl till hävningen"), Kind.TEXT, lambda g: g.termination_reason, 48),
    example_data_column(lambda g: g.is_example_data),
)


def recovery_list_table(rows: Iterable[Agreement]) -> Table:
    return Table("recovery-list", "aterkravslista", _("Återkrav"), RECOVERY_LIST_COLUMNS, rows)


def year_tables(*, budget_year: BudgetYear) -> list[Table]:
    return [make(budget_year=budget_year) for make in TABLES.values()]
