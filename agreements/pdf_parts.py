"""What the agreement PDF says beyond the agreement's own rows (issue 19): each party's contact
person, the payment terms, the state-aid statement, and whether the document rests on example
data. Read from an agreement loaded by `agreements.pdf.load_for_pdf` (nothing more is queried
for the partner's contacts and users).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from agreements.models import Agreement
from core.money import format_amount, round_half_up

# Commission Regulation (EU) 2023/2831 of 13 December 2023 on the application of Articles 107
# and 108 TFEU to de minimis aid (OJ L, 2023/2831, 15.12.2023): the aid's de minimis character
# and its amount are stated in writing to the undertaking, citing the regulation (Article 6).
DE_MINIMIS_REGULATION = (
    "kommissionens förordning (EU) 2023/2831 av den 13 december 2023 om tillämpningen av "
    "artiklarna 107 och 108 i fördraget om Europeiska unionens funktionssätt på stöd av mindre "
    "betydelse (EUT L, 2023/2831, 15.12.2023)"
)
DE_MINIMIS_CEILING_EUR = Decimal("300000")


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    email: str
    is_example_data: bool = False


def _partner_contact(agreement: Agreement) -> Contact | None:
    """The partner's first contact person; else its first signatory, from the user record."""
    partner = agreement.partner
    for c in partner.contacts.all():
        return Contact(c.name, c.role, c.email, c.is_example_data)
    for m in partner.memberships.all():
        if m.is_signatory and m.user.get_full_name():
            return Contact(m.user.get_full_name(), m.user.title, m.user.email)
    return None


def contacts(agreement: Agreement) -> dict[str, Contact | None]:
    region = None
    user = agreement.region_contact
    if user is not None:
        region = Contact(user.get_full_name() or user.username, user.title, user.email)
    return {"region": region, "partner": _partner_contact(agreement)}


def payment_terms(agreement: Agreement) -> dict[str, Any]:
    partner = agreement.partner
    return {
        "method": partner.get_payment_method_display() if partner.payment_method else "",
        "account": partner.payment_account_display if partner.has_payment_details else "",
        "is_example_data": partner.payment_details_are_example_data,
    }


def _euro(amount: Decimal) -> str:
    return f"{format_amount(amount, with_unit=False)}\u00a0euro"


def _decimal_comma(value: Decimal) -> str:
    return str(value).replace(".", ",")


def state_aid(agreement: Agreement) -> dict[str, Any] | None:
    """The de minimis statement's facts, when the decision assesses the grant so: the amount in
    euro at the rate stored with the decision (whole euro, rounded half up)."""
    decision = agreement.allocation.decision
    if decision is None or not decision.is_de_minimis or not decision.eur_rate:
        return None
    amount_eur = round_half_up(agreement.amount / decision.eur_rate)
    return {
        "kind": "de_minimis",
        "regulation": DE_MINIMIS_REGULATION,
        "amount_eur": str(amount_eur),
        "amount_eur_display": _euro(amount_eur),
        "eur_rate": _decimal_comma(decision.eur_rate),
        "rate_date": decision.eur_rate_date,
        "ceiling_eur_display": _euro(DE_MINIMIS_CEILING_EUR),
    }


def example_data(agreement: Agreement) -> bool:
    """Does any fact in the document rest on invented data? Then every page says so."""
    partner = agreement.partner
    decision = agreement.allocation.decision
    return bool(
        agreement.is_example_data
        or partner.is_example_data
        or partner.legal_details_are_example_data
        or partner.payment_details_are_example_data
        or any(c.is_example_data for c in partner.contacts.all())
        or (decision is not None and decision.is_example_data)
    )
