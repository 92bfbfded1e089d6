"""What a new agreement's purpose and conditions start from (issue 19): the partner's agreement
of the year before, when there is one, or else the region's standard text. The official reads
and changes them before saving; nothing here is saved by itself.

The standard text is data: the wording the region uses for basic funding of a strategic
partner, with the partner's name and the year filled in.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from agreements.models import Agreement, AgreementStatus
from funding.models import Allocation

STANDARD_PURPOSE = (
    "Grundfinansieringen ska ge {partner} förutsättningar att som strategisk partner bidra "
    "till genomförandet av Hallands strategi för hållbar tillväxt under {year}."
)
STANDARD_CONDITIONS = (
    "Medlen får användas till verksamhetens löpande kostnader inom överenskommelsens syfte. "
    "Partnern redovisar hur medlen använts och vilka resultat verksamheten nått. Medel som "
    "inte använts enligt överenskommelsen kan återkrävas."
)


@dataclass(frozen=True)
class StartingTerms:
    year: int
    purpose: str
    conditions: str
    previous: Agreement | None  # None: the standard text

    @property
    def initial(self) -> dict[str, Any]:
        """The new-agreement form's starting values: the budget year as the period."""
        return {
            "period_start": date(self.year, 1, 1),
            "period_end": date(self.year, 12, 31),
            "purpose": self.purpose,
            "conditions": self.conditions,
        }


def starting_terms(allocation: Allocation) -> StartingTerms:
    """The partner's latest agreement from an earlier year that was not discarded (a discarded
    one never applied), else the standard text. `allocation` has partner and
    programme__budget_year loaded (allocations_awaiting_agreement)."""
    year = allocation.programme.budget_year.year
    previous = (
        Agreement.objects.filter(
            partner_id=allocation.partner_id, allocation__programme__budget_year__year__lt=year
        )
        .exclude(Q(status=AgreementStatus.DISCARDED))
        .order_by("-allocation__programme__budget_year__year", "-period_start", "-pk")
        .only("reference", "purpose", "conditions")
        .first()
    )
    if previous is not None:
        return StartingTerms(year, previous.purpose, previous.conditions, previous)
    partner = allocation.partner.legal_name
    return StartingTerms(
        year,
        STANDARD_PURPOSE.format(partner=partner, year=year),
        STANDARD_CONDITIONS.format(partner=partner, year=year),
        None,
    )
