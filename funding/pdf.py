"""The decision extract (protokollsutdrag) as PDF/A-3a (design §8).

An approved decision gets a certified extract: rendered once when the minutes are approved,
sealed and stored (`funding.services.approve_decision`). Before that, a preview is marked UTKAST.
"""

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.money import ZERO
from core.pdf import PdfAttachment, render_pdf
from funding.models import Decision, DecisionStatus, StateAid


def _items(decision: Decision) -> list[Any]:
    return list(
        decision.items.select_related("allocation__partner", "allocation__programme").order_by(
            "allocation__programme__name", "allocation__partner__display_name"
        )
    )


def distribution(decision: Decision) -> list[str]:
    """ "Beslutet skickas till": one recipient a line."""
    return [line.strip() for line in decision.distribution.splitlines() if line.strip()]


def state_aid_statement(decision: Decision) -> str:
    """The extract's one line on state aid (issue 19). The model has no "not assessed" value:
    the form records a blank choice as `none` (not state aid), so every decision carries its
    assessment. De minimis aid cites Commission Regulation (EU) 2023/2831 and the rate the
    agreements convert the amount with."""
    if decision.state_aid == StateAid.DE_MINIMIS and decision.eur_rate and decision.eur_rate_date:
        rate = str(decision.eur_rate).replace(".", ",")
        with translation.override("sv"):
            day = date_format(decision.eur_rate_date, "j F Y")
        return (
            "Stödet bedöms som stöd av mindre betydelse (de minimis) enligt kommissionens "
            f"förordning (EU) 2023/2831; eurokurs {rate} kronor per euro den {day}."
        )
    if decision.state_aid == StateAid.NONE:
        return "Bidraget bedöms inte utgöra statligt stöd."
    return ""


def decision_record(decision: Decision, items: list[Any]) -> dict[str, Any]:
    return {
        "schema": "halland-grundfinansiering/decision/1",
        "body": decision.body,
        "meeting_date": decision.meeting_date,
        "paragraph": decision.paragraph,
        "registration_number": decision.registration_number,
        "title": decision.title,
        "text": decision.text,
        "legal_basis": decision.legal_basis,
        "legal_bases": list(decision.legal_bases or []),
        "legal_basis_citations": decision.legal_basis_citations,
        "state_aid": {
            "assessment": decision.state_aid,
            "eur_rate": decision.eur_rate,
            "eur_rate_date": decision.eur_rate_date,
        },
        "memo": {
            "date": decision.memo_date,
            "registration_number": decision.memo_registration_number,
        },
        "distribution": distribution(decision),
        "status": decision.status,
        "approved_on": decision.approved_on,
        "adjusters": decision.adjusters,
        "chair": decision.chair,
        "posted_on": decision.posted_on,
        "appeal_period_ends": decision.appeal_period_ends,
        "certified_by": {"name": decision.certifier_name, "title": decision.certifier_title},
        "allocations": [
            {
                "partner": i.allocation.partner.legal_name,
                "programme": i.allocation.programme.name,
                "amount_sek": str(i.amount),
                "previous_amount_sek": str(i.previous_amount)
                if i.previous_amount is not None
                else None,
            }
            for i in items
        ],
        "total_sek": str(sum((i.amount for i in items), ZERO)),
        "is_example_data": decision.is_example_data,
    }


def render_decision_pdf(decision: Decision) -> bytes:
    """A certified extract for an approved decision; otherwise a preview marked UTKAST.

    The allocations are a table under the decision text, or an appendix (Bilaga) at the end
    when the text refers to one (issue 19)."""
    items = _items(decision)
    draft = decision.status != DecisionStatus.APPROVED
    context = {
        "decision": decision,
        "items": items,
        "total": sum((i.amount for i in items), ZERO),
        "draft": draft,
        "distribution": distribution(decision),
        "state_aid": state_aid_statement(decision),
        "region_name": settings.REGION_NAME,
        "verify_url": settings.SITE_URL.rstrip("/") + "/verify/",
        "rendered_at": timezone.now(),
    }
    name = decision.registration_number or f"beslut-{decision.pk}"
    attachment = PdfAttachment(
        name=f"{name}-{decision.paragraph or 0}.json",
        content=json.dumps(
            decision_record(decision, items), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
        ),
        description="Beslutet som maskinläsbar post (JSON)",
    )
    with translation.override("sv"):
        return render_pdf("pdf/decision.html", context, attachments=[attachment])
