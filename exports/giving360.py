"""The year's grants as open data in the 360Giving Data Standard, version 1.4 (design §9).

One grant per decided allocation: the growth committee's decision is the award, so `awardDate`
is the date of the meeting that set the amount, and `fromOpenCall` is "No" (basic funding goes
to partners the committee names; there is no call for applications). Amounts are whole kronor
in SEK. Organisations are identified by organisation number where it is known, with the
`SE-BLV` list of the Organisation Identifier standard (org-id.guide; ten digits, no hyphen);
otherwise by an identifier of ours under the publisher's 360Giving prefix, which does not change
when the organisation is renamed. Drafts, payment plans and people are not published: an
agreement's purpose and period appear only once it is signed (sealed), never while it is a
draft or out for signing (issue 13, finding 8); until then the grant says what was decided.

The file is always written in Swedish, whatever language the reader chose: it is one dataset.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import translation

from agreements.models import Agreement, SignedDocument
from core.money import is_whole_kronor
from funding.models import Allocation, AllocationStatus, BudgetYear, Decision
from partners.models import Partner

SCHEMA_VERSION = "1.4"
CURRENCY = "SEK"


def organisation_id(partner_or_number: Partner | str) -> str | None:
    if isinstance(partner_or_number, Partner) and partner_or_number.legal_details_are_example_data:
        return None  # an invented number (the demo's, issue 19) never goes into open data
    number = (
        partner_or_number.organisation_number
        if isinstance(partner_or_number, Partner)
        else partner_or_number
    )
    digits = number.replace("-", "")
    return f"SE-BLV-{digits}" if digits else None


def region_organisation() -> dict[str, str]:
    region_id = organisation_id(settings.REGION_ORGANISATION_NUMBER)
    if region_id is None:
        raise ImproperlyConfigured("REGION_ORGANISATION_NUMBER is needed for open data")
    return {"id": region_id, "name": settings.REGION_NAME}


def decided_grants(*, budget_year: BudgetYear) -> QuerySet[Allocation]:
    """The year's awards, each with what describes it, in one query."""
    return (
        Allocation.objects.filter(
            programme__budget_year=budget_year, status=AllocationStatus.DECIDED
        )
        .select_related(
            "programme__budget_year", "programme__source", "partner", "decision", "agreement"
        )
        .annotate(
            # Sealed for the version in force: an amendment's draft is not public either.
            agreement_signed=Exists(
                SignedDocument.objects.filter(
                    agreement__allocation=OuterRef("pk"),
                    agreement_version=F("agreement__version"),
                )
            )
        )
        .order_by("programme__name", "partner__display_name")
    )


def _signed_agreement(allocation: Allocation) -> Agreement | None:
    """The allocation's agreement if it has been signed by both parties, else None: the text of
    a draft is not public until it is signed."""
    if not getattr(allocation, "agreement_signed", False):
        return None
    return getattr(allocation, "agreement", None)


def _whole_kronor(amount: Decimal) -> int:
    # JSON numbers only; never through float. Amounts are whole kronor (KronorField).
    if not is_whole_kronor(amount):
        raise ValueError(f"{amount} is not whole kronor")
    return int(amount)


def _recipient(partner: Partner) -> dict[str, str]:
    prefix = settings.OPEN_DATA_360G_PREFIX
    org: dict[str, str] = {
        "id": organisation_id(partner) or f"{prefix}-partner-{partner.slug}",
        "name": partner.legal_name,
        "addressCountry": "SE",
    }
    if partner.display_name != partner.legal_name:
        org["alternateName"] = partner.display_name
    optional = {
        "streetAddress": partner.street_address,
        "postalCode": partner.postal_code,
        "addressLocality": partner.city,
        "url": partner.website,
    }
    org.update({key: value for key, value in optional.items() if value})
    return org


def _decision(allocation: Allocation) -> Decision:
    # A decided allocation always has its decision (constraint allocation_decided_has_decision).
    if allocation.decision is None:
        raise ValueError(f"allocation {allocation.pk} is decided without a decision")
    return allocation.decision


def _description(allocation: Allocation) -> str:
    decision = _decision(allocation)
    agreement = _signed_agreement(allocation)
    paragraph = f" § {decision.paragraph}" if decision.paragraph else ""
    parts = [
        agreement.purpose
        if agreement is not None
        else f"{allocation.programme.get_kind_display()}: {allocation.programme.name}.",
        f"Beslut: {decision.body} {decision.meeting_date.isoformat()}{paragraph}"
        f" ({decision.registration_number}), {decision.title}.",
    ]
    if _is_example_data(allocation):
        parts.append("Exempeldata: beloppet per partner är påhittat för demonstration.")
    return " ".join(parts)


def _is_example_data(allocation: Allocation) -> bool:
    return allocation.partner.is_example_data or allocation.programme.is_example_data


def _with_year(name: str, year: int) -> str:
    return name if str(year) in name else f"{name} {year}"


def grant(allocation: Allocation, *, data_source: str) -> dict[str, Any]:
    programme, partner, decision = allocation.programme, allocation.partner, _decision(allocation)
    year = programme.budget_year.year
    agreement = _signed_agreement(allocation)
    start, end = (
        (agreement.period_start, agreement.period_end)
        if agreement is not None
        else (date(year, 1, 1), date(year, 12, 31))
    )
    return {
        "id": f"{settings.OPEN_DATA_360G_PREFIX}-{year}-{programme.slug}-{partner.slug}",
        "title": f"{_with_year(programme.name, year)}: {partner.display_name}",
        "description": _description(allocation),
        "currency": CURRENCY,
        "amountAwarded": _whole_kronor(allocation.amount),
        "awardDate": decision.meeting_date.isoformat(),
        "fromOpenCall": "No",
        "plannedDates": [{"startDate": start.isoformat(), "endDate": end.isoformat()}],
        "recipientOrganization": [_recipient(partner)],
        "fundingOrganization": [{**region_organisation(), "department": decision.body}],
        "grantProgramme": [{"code": programme.slug, "title": programme.name}],
        "dateModified": allocation.updated_at.isoformat(),
        "dataSource": data_source,
        # An additional field (the standard allows them): the label survives in machines'
        # hands too, not only in the description a person reads (issue 19).
        "exampleData": _is_example_data(allocation),
    }


def grants_package(
    *, budget_year: BudgetYear, download_url: str, issued: date
) -> dict[str, Any] | None:
    """The 360Giving data package for the year, or None while it has no decided grant (the
    standard requires at least one)."""
    with translation.override("sv"):
        grants = [
            grant(a, data_source=download_url) for a in decided_grants(budget_year=budget_year)
        ]
    if not grants:
        return None
    modified = max(datetime.fromisoformat(g["dateModified"]) for g in grants)
    region = region_organisation()
    return {
        "version": SCHEMA_VERSION,
        "title": f"{region['name']}: beslutade bidrag {budget_year.year}",
        "description": (
            f"Bidrag som {region['name']} har beslutat för budgetåret {budget_year.year}, "
            "bland dem grundfinansiering av strategiska partner. Beloppen är beslutade belopp "
            "i hela kronor."
        ),
        "identifier": f"{settings.OPEN_DATA_360G_PREFIX}-{budget_year.year}",
        "issued": issued.isoformat(),
        "modified": modified.isoformat(),
        "publisher": {
            "name": region["name"],
            "identifier": region["id"],
            "website": settings.REGION_WEBSITE,
        },
        "license": settings.OPEN_DATA_LICENSE,
        "downloadURL": download_url,
        "grants": grants,
    }
