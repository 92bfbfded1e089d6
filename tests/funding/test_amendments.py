"""Changing decided money: an official proposes a new amount with a reason, the secretary
takes the proposal up in a draft decision that shows old → new, and deciding it changes the
allocation, never over the ceiling (issue 17, "Amending decisions"; design §4 workflow 9)."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from pypdf import PdfReader

from accounts.models import User
from audit.actions import AuditAction
from audit.models import AuditEvent
from funding import services
from funding.models import Allocation, AmendmentProposal, Decision, ProposalStatus
from tests.helpers import login, text

pytestmark = pytest.mark.django_db

EDITOR = "/budget/2024/grundfinansiering/allocations/"


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """The demo: 2024's six allocations are decided, exactly filling the 11 900 000 kr frame."""


def matgille() -> Allocation:
    return Allocation.objects.get(programme__budget_year__year=2024, partner__slug="matgille")


def propose_url() -> str:
    return f"{EDITOR}{matgille().pk}/amend/"


def draft_decision() -> Decision:
    return services.create_decision(
        meeting_date=date(2024, 6, 11),
        paragraph=61,
        registration_number="RS240061",
        title="Ändrad grundfinansiering 2024",
        text="Tillväxtutskottet beslutar att ändra grundfinansieringen enligt tabellen nedan.",
        by=User.objects.get(username="sekreterare"),
    )


def test_an_official_proposes_and_the_secretary_decides_the_amendment() -> None:
    official = login(Client(), "handlaggare")
    editor = text(official.get(EDITOR))
    assert "Föreslå ändring" in editor
    assert "Spara utkast" not in editor  # every row is decided: nothing to save as a draft
    assert "Alla belopp i ramen är beslutade" in editor
    response = official.post(
        propose_url(), {"amount": "2 900 000", "reason": "Verksamheten startar senare."}
    )
    assert response.status_code == 302
    proposal = AmendmentProposal.objects.get(allocation=matgille())
    assert (proposal.amount, proposal.status) == (Decimal(2_900_000), ProposalStatus.OPEN)
    event = AuditEvent.objects.for_object(matgille()).get(
        action=AuditAction.ALLOCATION_AMENDMENT_PROPOSED
    )
    assert event.reason == "Verksamheten startar senare."
    assert matgille().amount == Decimal(3_000_000)  # nothing decided yet

    decision = draft_decision()
    secretary = login(Client(), "sekreterare")
    page = text(secretary.get(f"/decisions/{decision.pk}/"))
    assert "Ändringsförslag att ta upp" in page
    assert "Verksamheten startar senare." in page
    listed = secretary.post(f"/decisions/{decision.pk}/amendments/{proposal.pk}/list/")
    assert listed.status_code == 302
    page = text(secretary.get(f"/decisions/{decision.pk}/"))
    assert "2 900 000 kr (ändras från 3 000 000 kr)" in page
    assert "Grundfinansiering 2024 blir 11 800 000 kr beslutat av taket 11 900 000 kr" in page
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_id) == (ProposalStatus.LISTED, decision.pk)

    assert secretary.post(f"/decisions/{decision.pk}/decide/").status_code == 302
    assert matgille().amount == Decimal(2_900_000)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECIDED
    item = decision.items.get()
    assert (item.amount, item.previous_amount) == (Decimal(2_900_000), Decimal(3_000_000))
    pdf = secretary.get(f"/decisions/{decision.pk}/pdf/")
    assert pdf.status_code == 200
    raw = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    words = " ".join(re.sub(r"[\u00a0\u202f]", " ", raw).split())
    assert "ändrat från 3 000 000 kr genom detta ändringsbeslut" in words


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "2 900 000", "reason": ""}, "Skäl till ändringen: Detta fält måste fyllas i"),
        ({"amount": "", "reason": "Inget"}, "Nytt belopp \\(kr\\): Detta fält måste fyllas i"),
        ({"amount": "3 000 000", "reason": "Samma"}, "detsamma som det beslutade"),
        ({"amount": "-5", "reason": "Minus"}, "Beloppet får inte vara negativt"),
        ({"amount": "tre miljoner", "reason": "Text"}, "Ange beloppet i kronor med siffror"),
    ],
)
def test_bad_proposals_get_a_message_by_the_field_and_change_nothing(
    data: dict[str, str], message: str
) -> None:
    response = login(Client(), "handlaggare").post(propose_url(), data)
    assert response.status_code == 400
    body = text(response)
    assert "error-summary" in body
    assert re.search(message, body), body[body.find("error-summary") :][:600]
    assert not AmendmentProposal.objects.filter(allocation=matgille()).exists()


def test_one_pending_proposal_per_allocation_and_drafts_are_edited_not_amended() -> None:
    official = User.objects.get(username="handlaggare")
    services.propose_amendment(
        allocation=matgille(), amount=Decimal(2_500_000), reason="Ett", by=official
    )
    with pytest.raises(ValidationError, match="redan ett ändringsförslag för Hallands Matgille"):
        services.propose_amendment(
            allocation=matgille(), amount=Decimal(2_400_000), reason="Två", by=official
        )
    draft = Allocation.objects.get(programme__budget_year__year=2025, partner__slug="matgille")
    with pytest.raises(ValidationError, match="inte beslutad än"):
        services.propose_amendment(
            allocation=draft, amount=Decimal(1), reason="Utkast", by=official
        )
    with pytest.raises(ValidationError, match="handläggare"):
        services.propose_amendment(
            allocation=matgille(),
            amount=Decimal(1),
            reason="Sekreterare",
            by=User.objects.get(username="sekreterare"),
        )


def test_an_amendment_over_the_ceiling_is_refused_when_deciding_and_changes_nothing() -> None:
    official, secretary = (User.objects.get(username=u) for u in ("handlaggare", "sekreterare"))
    proposal = services.propose_amendment(
        allocation=matgille(), amount=Decimal(3_000_001), reason="Mer", by=official
    )
    decision = draft_decision()
    services.list_amendment(decision=decision, proposal=proposal, by=secretary)
    page = text(login(Client(), "sekreterare").get(f"/decisions/{decision.pk}/"))
    assert "1 kr över taket" in page  # said before anyone tries to decide
    with pytest.raises(ValidationError, match="över taket"):
        services.decide(decision=decision, by=secretary)
    assert matgille().amount == Decimal(3_000_000)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.LISTED

    # Taken out of the draft, the proposal is open again for another decision.
    services.remove_from_decision(decision=decision, allocation=matgille(), by=secretary)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision) == (ProposalStatus.OPEN, None)
