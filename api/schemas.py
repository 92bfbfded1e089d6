"""The JSON shapes of the API. Field names are English; labels meant for people are Swedish.

Money is exact: kronor as a decimal string with two decimals ("3000000.00"), never a JSON
number, which most clients would read as a binary float.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.urls import reverse
from django.utils import timezone, translation
from ninja import Schema
from pydantic import Field, PlainSerializer, WithJsonSchema

from agreements.models import (
    Agreement,
    AgreementStatus,
    Indicator,
    Instalment,
    ReportingRequirement,
    ReportStatus,
)
from agreements.selectors import signed_document
from funding.models import Allocation, BudgetYear, BudgetYearStatus, Programme, SourceKind

MONEY_DESCRIPTION = (
    "An amount in Swedish kronor as an exact decimal string with two decimals, e.g. "
    '"3000000.00". Never a JSON number: parse it with a decimal type, not a float.'
)
MONEY_PATTERN = r"^[0-9]+\.[0-9]{2}$"


def _money(value: Decimal) -> str:
    return f"{value:.2f}"  # Decimal formatting is exact; no float on the way


Money = Annotated[
    Decimal,
    PlainSerializer(_money, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_PATTERN,
            "description": MONEY_DESCRIPTION,
            "examples": ["3000000.00"],
        }
    ),
]

# Every record that may be invented demo data says so in the same words.
ExampleData = Annotated[
    bool,
    Field(
        description="true when the record is invented demo data (Exempeldata), not a real "
        "figure; shown with that label wherever it appears."
    ),
]


def swedish_label(label: object) -> str:
    """Choice labels in Swedish whatever language the request asked for. Pass the lazy label
    (`Status(value).label`): `get_FOO_display()` has already translated it."""
    with translation.override("sv"):
        return str(label)


class ErrorOut(Schema):
    """An RFC 9457 problem (`application/problem+json`)."""

    type: str = Field(description='Always "about:blank": the status says what kind of problem.')
    title: str = Field(description="The HTTP status's phrase, e.g. Not Found.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong, in English.")


class ValidationErrorOut(ErrorOut):
    errors: list[dict[str, Any]] = Field(description="One entry per parameter that was refused.")


class IndexOut(Schema):
    api_version: str
    openapi: str = Field(description="Path of this API's OpenAPI document.")
    username: str = Field(description="Whose token this request used.")
    role: str
    partner: str | None = Field(description="The partner's slug, for a partner user's token.")


class SourceOut(Schema):
    name: str
    kind: str
    kind_label: str
    amount: Money
    allows_operating_support: bool


class BudgetYearOut(Schema):
    year: int
    status: str = Field(description="preparation, active or closed.")
    status_label: str = Field(description="The status in Swedish.")
    sources: list[SourceOut]
    decided_total: Money = Field(description="Σ decided allocations in the year's programmes.")
    draft_total: Money = Field(description="Σ draft allocations in the year's programmes.")

    @staticmethod
    def resolve_status_label(obj: BudgetYear) -> str:
        return swedish_label(BudgetYearStatus(obj.status).label)

    @staticmethod
    def resolve_sources(obj: BudgetYear) -> list[dict[str, object]]:
        return [
            {
                "name": s.name,
                "kind": s.kind,
                "kind_label": swedish_label(SourceKind(s.kind).label),
                "amount": s.amount,
                "allows_operating_support": s.allows_operating_support,
            }
            for s in obj.sources.all()
        ]


class ProgrammeOut(Schema):
    year: int
    slug: str
    name: str
    kind: str = Field(description="basic_funding, projects or business_support.")
    source_name: str
    source_kind: str
    ceiling: Money
    decided_total: Money
    draft_total: Money
    is_example_data: ExampleData

    @staticmethod
    def resolve_year(obj: Programme) -> int:
        return obj.budget_year.year

    @staticmethod
    def resolve_source_name(obj: Programme) -> str:
        return obj.source.name

    @staticmethod
    def resolve_source_kind(obj: Programme) -> str:
        return obj.source.kind


class PartnerOut(Schema):
    slug: str
    name: str
    legal_name: str
    organisation_number: str = Field(description='NNNNNN-NNNN, or "" when not known.')
    is_example_data: bool = Field(
        description="true when the partner's details are invented demo data (Exempeldata)."
    )


def _partner(obj: Allocation | Agreement) -> dict[str, str | bool]:
    p = obj.partner
    return {
        "slug": p.slug,
        "name": p.display_name,
        "legal_name": p.legal_name,
        "organisation_number": p.organisation_number,
        "is_example_data": p.is_example_data,
    }


class DecisionRefOut(Schema):
    registration_number: str
    paragraph: int | None
    meeting_date: date


class AllocationOut(Schema):
    year: int
    programme: str = Field(description="The programme's slug.")
    partner: PartnerOut
    amount: Money
    status: str = Field(description="draft or decided.")
    decision: DecisionRefOut | None = Field(
        description="The latest decision that fixed the amount; null for a draft."
    )
    is_example_data: ExampleData

    @staticmethod
    def resolve_is_example_data(obj: Allocation) -> bool:
        return obj.programme.is_example_data or obj.partner.is_example_data

    @staticmethod
    def resolve_year(obj: Allocation) -> int:
        return obj.programme.budget_year.year

    @staticmethod
    def resolve_programme(obj: Allocation) -> str:
        return obj.programme.slug

    @staticmethod
    def resolve_partner(obj: Allocation) -> dict[str, str | bool]:
        return _partner(obj)

    @staticmethod
    def resolve_decision(obj: Allocation) -> dict[str, object] | None:
        d = obj.decision
        if d is None:
            return None
        return {
            "registration_number": d.registration_number,
            "paragraph": d.paragraph,
            "meeting_date": d.meeting_date,
        }


class InstalmentOut(Schema):
    number: int
    due_date: date
    amount: Money
    status: Literal["planned", "released", "paid"] = Field(
        description="planned, released (attested for payment by an official) or paid."
    )
    released_on: date | None
    paid_on: date | None
    after_report_due_date: date | None = Field(
        description="Paid only after the report due on this date is approved; null if not tied."
    )

    @staticmethod
    def resolve_after_report_due_date(obj: Instalment) -> date | None:
        return obj.after_report.due_date if obj.after_report else None


class KeyFigureOut(Schema):
    name: str
    unit: str
    target: str | None = Field(description="The target as a decimal string, or null.")

    @staticmethod
    def resolve_target(obj: Indicator) -> str | None:
        return None if obj.target is None else str(obj.target)


class KeyFigureValueOut(Schema):
    name: str
    unit: str
    value: str | None = Field(description="The reported value as a decimal string, or null.")


ReportStatusValue = Literal["not_started", "draft", "submitted", "returned", "approved"]


class ReportingRequirementOut(Schema):
    id: int
    description: str
    due_date: date
    report_status: ReportStatusValue = Field(
        description="not_started, draft (being written), submitted (waiting for review), "
        "returned (to be completed), approved."
    )
    overdue: bool = Field(
        description="Past its due date without a report with the region (försenad)."
    )
    submitted_at: datetime | None
    reviewed_at: datetime | None
    key_figures: list[KeyFigureValueOut] = Field(
        description="The report's values; empty until the report has been submitted."
    )

    @staticmethod
    def resolve_report_status(obj: ReportingRequirement) -> str:
        report = obj.current_report
        return report.status if report else "not_started"

    @staticmethod
    def resolve_overdue(obj: ReportingRequirement) -> bool:
        return obj.is_overdue(timezone.localdate())

    @staticmethod
    def resolve_submitted_at(obj: ReportingRequirement) -> datetime | None:
        return obj.current_report.submitted_at if obj.current_report else None

    @staticmethod
    def resolve_reviewed_at(obj: ReportingRequirement) -> datetime | None:
        return obj.current_report.reviewed_at if obj.current_report else None

    @staticmethod
    def resolve_key_figures(obj: ReportingRequirement) -> list[dict[str, object]]:
        report = obj.current_report
        if report is None or report.status == ReportStatus.DRAFT:
            return []  # a draft is the partner's own until it is handed in
        return [
            {"name": i.name, "unit": i.unit, "value": None if value is None else str(value)}
            for i, value in report.key_figures()
        ]


class AgreementOut(Schema):
    reference: str
    year: int
    programme: str = Field(description="The programme's slug.")
    partner: PartnerOut
    period_start: date
    period_end: date
    amount: Money
    status: str = Field(
        description="draft, sent, partner_signed, signed, completed, terminated (a signed "
        "agreement ended early) or discarded (ended before it was in force)."
    )
    status_label: str = Field(description="The status in Swedish.")
    version: int = Field(
        description="The version in force: an amendment (tillägg) signed by both parties raises it."
    )
    recovery_amount: Money | None = Field(
        description="What the partner pays back after a termination (återkrav); null when "
        "nothing is recovered."
    )
    recovery_due_date: date | None = Field(
        description="The day the amount to recover is due; null when nothing is recovered."
    )
    instalments: list[InstalmentOut]
    key_figures: list[KeyFigureOut] = Field(description="What the partner reports on.")
    reporting_requirements: list[ReportingRequirementOut]
    has_signed_pdf: bool = Field(description="Whether the current version's sealed PDF exists.")
    signed_pdf_url: str | None = Field(
        description="Path of the sealed PDF on the site (a logged-in page, not an API call)."
    )
    updated_at: datetime
    is_example_data: ExampleData

    @staticmethod
    def resolve_year(obj: Agreement) -> int:
        return obj.allocation.programme.budget_year.year

    @staticmethod
    def resolve_programme(obj: Agreement) -> str:
        return obj.allocation.programme.slug

    @staticmethod
    def resolve_partner(obj: Agreement) -> dict[str, str | bool]:
        return _partner(obj)

    @staticmethod
    def resolve_status_label(obj: Agreement) -> str:
        return swedish_label(AgreementStatus(obj.status).label)

    @staticmethod
    def resolve_instalments(obj: Agreement) -> list[object]:
        return list(obj.instalments.all())

    @staticmethod
    def resolve_key_figures(obj: Agreement) -> list[object]:
        return list(obj.indicators.all())

    @staticmethod
    def resolve_reporting_requirements(obj: Agreement) -> list[Any]:
        return list(obj.reporting_requirements.all())  # prefetched, each with its agreement

    @staticmethod
    def resolve_has_signed_pdf(obj: Agreement) -> bool:
        return signed_document(obj) is not None

    @staticmethod
    def resolve_signed_pdf_url(obj: Agreement) -> str | None:
        if signed_document(obj) is None:
            return None
        return reverse("agreements:pdf", kwargs={"reference": obj.reference})
