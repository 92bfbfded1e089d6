"""Issue 19: the protokollsutdrag's elements, the legal basis as structured choices, the
confirmation before "Fatta beslutet", and justering (justerare, ordförande, anslag)."""

import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from pypdf import PdfReader

from accounts.models import User
from audit.models import AuditEvent
from funding import services as funding
from funding.appeal import appeal_period_end
from funding.models import BudgetYear, Decision, DecisionDocument, LegalBasis, SourceKind
from partners.models import Partner
from tests import pdfa
from tests.funding.test_decision_views import GOOD, JUSTERING, add_2025, pdf_text, record
from tests.helpers import login, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def stored_text(decision: Decision) -> str:
    document = DecisionDocument.objects.get(decision=decision)
    with document.file.open("rb") as f:
        pdf = f.read()
    assert pdfa.problems(pdf) == []
    return pdf_text(pdf)


def secretary() -> User:
    return User.objects.get(username="sekreterare")


# --------------------------------------------------------------------------- the extract


def test_the_demo_decisions_extract_has_every_element_and_its_appendix() -> None:
    """The 2023 decision's text says "enligt fördelningen i bilagan": the table is an appendix."""
    extract = stored_text(Decision.objects.get(paragraph=101))
    for expected in (
        "Protokollsutdrag",
        "Organ Regionstyrelsens tillväxtutskott",
        "Sammanträdesdatum 24 oktober 2023",
        "Paragraf § 101",
        "Diarienummer RS230001",
        "§ 101 Grundfinansiering 2024 till strategiska partner",
        "Beslutsunderlag Tjänsteskrivelse den 10 oktober 2023, diarienummer RS230001.",
        "Beslutet fattas med stöd av 2 kap. 1 § kommunallagen (2017:725) och lagen (2010:630) "
        "om regionalt utvecklingsansvar.",
        "Bidrag utan motprestation, därför inte upphandling.",
        "Beslutet skickas till",
        "Hallands Matgille",
        "Ekonomi, Region Halland",
        "Justerare Per Exempelsson (exempeldata)",
        "Ordförande Anna Exempelsson (exempeldata)",
        "Justerat den 31 oktober 2023",
        "Anslaget den 1 november 2023",
        # Three weeks from Wednesday 1 November 2023.
        "Tiden för laglighetsprövning (13 kap. kommunallagen) är tre veckor från anslaget och "
        "löper ut den 22 november 2023.",
        "Rätt utdraget intygar Demo Sekreterare, Nämndsekreterare",
        "Bilaga: Fördelning enligt § 101",
        "Summa 11 900 000 kr",
    ):
        assert expected in extract, expected
    # One heading: the status is in the page footer, not a second title.
    assert extract.count("Protokollsutdrag") == 1
    assert "tabellen nedan" not in extract
    # The appendix comes after the justering, with the table.
    assert extract.index("Rätt utdraget intygar") < extract.index("Bilaga:")
    assert extract.index("Bilaga:") < extract.index("3 000 000 kr")


def test_the_extracts_json_record_carries_the_new_elements() -> None:
    document = DecisionDocument.objects.get(decision__paragraph=101)
    with document.file.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    (content,) = next(iter(reader.attachments.values()))
    record = json.loads(content)
    assert record["legal_bases"] == ["kl_2_1", "sfs_2010_630"]
    assert record["legal_basis_citations"][0] == "2 kap. 1 § kommunallagen (2017:725)"
    assert record["memo"] == {"date": "2023-10-10", "registration_number": "RS230001"}
    assert record["adjusters"] == "Per Exempelsson"
    assert record["chair"] == "Anna Exempelsson"
    assert (record["posted_on"], record["appeal_period_ends"]) == ("2023-11-01", "2023-11-22")
    assert record["certified_by"] == {"name": "Demo Sekreterare", "title": "Nämndsekreterare"}
    assert "Ekonomi, Region Halland" in record["distribution"]


def test_the_amending_decision_has_its_table_below_the_text() -> None:
    extract = stored_text(Decision.objects.get(paragraph=97))
    # Its text says "enligt tabellen nedan" itself: the extract does not say it twice.
    assert extract.count("tabellen nedan") == 1
    assert "Bilaga" not in extract
    assert extract.index("tabellen nedan") < extract.index("Summa 3 400 000 kr")
    assert "Coompanion Halland Grundfinansiering 2024 1 300 000 kr" in extract
    assert "Anslaget den 25 september 2024" in extract
    assert "löper ut den 16 oktober 2024" in extract


def test_a_draft_preview_says_it_is_not_approved(client: Client) -> None:
    login(client, "sekreterare")
    decision = record(client, text="Utskottet beslutar enligt bilagan.")
    add_2025(client, decision)
    extract = pdf_text(client.get(f"/decisions/{decision.pk}/pdf/").content)
    assert "UTKAST" in extract
    assert "Protokollet är ännu inte justerat" in extract
    assert "Bilaga: Fördelning enligt § 88" in extract
    assert "Rätt utdraget intygar" not in extract


# --------------------------------------------------------------------------- the appeal period


@pytest.mark.parametrize(
    ("posted", "last_day"),
    [
        (date(2023, 11, 1), date(2023, 11, 22)),  # a Wednesday: three weeks on
        (date(2024, 3, 9), date(2024, 4, 2)),  # Sat 30 Mar; Easter Sunday 31, Monday 1 Apr
        (date(2024, 12, 3), date(2024, 12, 27)),  # Tue 24 Dec, 25, 26: Friday 27th
        (date(2024, 5, 9), date(2024, 5, 30)),  # Thu 30 May is a weekday in 2024
        (date(2025, 5, 8), date(2025, 5, 30)),  # Thu 29 May 2025 is Ascension Day
        (date(2024, 5, 31), date(2024, 6, 24)),  # Fri 21 Jun is midsummer eve
    ],
)
def test_appeal_period_end(posted: date, last_day: date) -> None:
    assert appeal_period_end(posted) == last_day


# --------------------------------------------------------------------------- legal basis


def test_legal_basis_is_a_choice_of_statutes(client: Client) -> None:
    login(client, "sekreterare")
    page = text(client.get("/decisions/new/"))
    for basis in LegalBasis:
        if basis != LegalBasis.REGIONAL_GROWTH_ORDINANCE:
            assert str(basis.label) in page
    # The ordinance is for the state 1:1 funds only, which a new decision does not list yet.
    assert "förordningen (2017:583)" not in page
    response = client.post("/decisions/new/", {**GOOD, "legal_bases": []})
    assert response.status_code == 400
    assert "Välj minst ett lagrum" in text(response)
    response = client.post("/decisions/new/", {**GOOD, "legal_bases": ["sfs_2017_583"]})
    assert response.status_code == 400
    assert 'value="RS240088"' in text(response)  # the input is kept


def test_an_unknown_legal_basis_is_refused_by_the_model() -> None:
    with pytest.raises(ValidationError) as info:
        funding.create_decision(
            meeting_date=date(2024, 10, 22),
            title="T",
            text="Text",
            legal_bases=["kl_2_1", "upphandling"],
            by=secretary(),
        )
    assert "legal_bases" in info.value.message_dict


def _state_funded_decision(legal_bases: list[str]) -> Decision:
    year = BudgetYear.objects.get(year=2025)
    official = User.objects.get(username="handlaggare")
    programme = funding.create_programme(
        budget_year=year,
        source=year.sources.get(kind=SourceKind.STATE_GROWTH),
        kind="projects",
        name="Projektmedel 2025",
        slug="projekt",
        ceiling=Decimal("1000000"),
        by=official,
    )
    partner = Partner.objects.get(slug="highfive")
    funding.set_allocations(
        programme=programme, amounts={partner.pk: Decimal("500000")}, by=official
    )
    decision = funding.create_decision(
        meeting_date=date(2024, 10, 22),
        paragraph=90,
        registration_number="RS240090",
        title="Projektmedel",
        text="Beslut enligt tabellen nedan.",
        legal_bases=legal_bases,
        by=secretary(),
    )
    funding.add_to_decision(
        decision=decision, allocation=programme.allocations.get(), by=secretary()
    )
    return decision


def test_state_funds_need_the_ordinance_which_the_form_then_offers(client: Client) -> None:
    decision = _state_funded_decision(["kl_2_1"])
    login(client, "sekreterare")
    assert "förordningen (2017:583) om regionalt tillväxtarbete" in text(
        client.get(f"/decisions/{decision.pk}/edit/")
    )
    response = client.post(f"/decisions/{decision.pk}/decide/")
    assert response.status_code == 400
    body = response.content.decode()
    # The refusal stands next to the legal basis it concerns.
    row = re.search(r'<div id="decide-legal_bases">.*?</div>', body, re.S)
    assert row is not None
    assert "Ange förordningen (2017:583) om regionalt tillväxtarbete" in row.group(0)
    decision.refresh_from_db()
    assert decision.status == "draft"

    funding.update_decision(decision=decision, legal_bases=["sfs_2017_583"], by=secretary())
    assert client.post(f"/decisions/{decision.pk}/decide/").status_code == 302
    decision.refresh_from_db()
    assert decision.status == "decided"


# --------------------------------------------------------------------------- Fatta beslutet


def test_fatta_beslutet_only_with_allocations_listed(client: Client) -> None:
    login(client, "sekreterare")
    decision = record(client)
    detail = text(client.get(f"/decisions/{decision.pk}/"))
    assert "Fatta beslutet" not in detail
    assert "Lägg till fördelningar i beslutet innan det kan fattas." in detail
    refused = client.post(f"/decisions/{decision.pk}/decide/")
    assert refused.status_code == 400
    assert "Beslutet listar inga fördelningar" in text(refused)
    decision.refresh_from_db()
    assert decision.status == "draft"


def test_decide_refusal_lands_next_to_the_field(client: Client) -> None:
    login(client, "sekreterare")
    decision = record(client, paragraph="")
    add_2025(client, decision)
    response = client.post(f"/decisions/{decision.pk}/decide/")
    assert response.status_code == 400
    body = response.content.decode()
    row = re.search(r'<div id="decide-paragraph">.*?</div>', body, re.S)
    assert row is not None
    assert "Ange beslutets paragraf" in row.group(0)
    assert 'href="#decide-paragraph"' in body  # the summary links to it


# --------------------------------------------------------------------------- justering


def _decided(client: Client) -> Decision:
    login(client, "sekreterare")
    decision = record(client)
    add_2025(client, decision)
    assert client.post(f"/decisions/{decision.pk}/decide/").status_code == 302
    return decision


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"approved_on": "2024-10-01"}, "approved_on", "före sammanträdet"),
        ({"posted_on": "2024-10-28"}, "posted_on", "före justeringen"),
        (
            {"approved_on": "2024-10-01", "posted_on": "2024-10-02"},
            "posted_on",
            "Anslaget kan inte sättas upp före sammanträdet",
        ),
        ({"posted_on": "30/10/2024"}, "posted_on", "giltigt datum"),
        ({"chair": "  "}, "chair", "måste fyllas i"),
        ({"adjusters": ""}, "adjusters", "måste fyllas i"),
    ],
)
def test_justering_errors_are_next_to_the_field_and_keep_the_input(
    client: Client, changes: dict[str, str], field: str, message: str
) -> None:
    decision = _decided(client)
    response = client.post(f"/decisions/{decision.pk}/approve/", {**JUSTERING, **changes})
    assert response.status_code == 400
    body = response.content.decode()
    # Django's field group: the error list sits in the field's own block, tied to the input.
    group = re.search(
        rf'<div class="field">(?:(?!<div class="field">).)*id_{field}\b.*?</div>', body, re.S
    )
    assert group is not None
    assert message in group.group(0), group.group(0)
    for name, value in {**JUSTERING, **changes}.items():
        if value.strip():
            assert f'value="{value}"' in body, name
    decision.refresh_from_db()
    assert decision.status == "decided"
    assert not DecisionDocument.objects.filter(decision=decision).exists()


def test_justering_records_who_and_when_and_shows_the_appeal_period(client: Client) -> None:
    decision = _decided(client)
    page = text(client.get(f"/decisions/{decision.pk}/approve/"))
    assert "Det går inte att ångra" in page
    assert "Rätt utdraget intygar: Demo Sekreterare, Nämndsekreterare." in page
    response = client.post(f"/decisions/{decision.pk}/approve/", JUSTERING, follow=True)
    decision.refresh_from_db()
    assert (decision.adjusters, decision.chair) == (JUSTERING["adjusters"], JUSTERING["chair"])
    assert decision.posted_on == date(2024, 10, 30)
    assert (decision.certifier_name, decision.certifier_title) == (
        "Demo Sekreterare",
        "Nämndsekreterare",
    )
    body = text(response)
    assert "Anna Exempelsson" in body
    assert "löper ut den 20 november 2024" in body
    # Once approved, the page sends the secretary back.
    assert client.get(f"/decisions/{decision.pk}/approve/").status_code == 302


def test_justering_is_in_the_history(client: Client) -> None:
    decision = _decided(client)
    client.post(f"/decisions/{decision.pk}/approve/", JUSTERING)
    approved = AuditEvent.objects.for_object(decision).get(action="decision.approved")
    assert approved.changes["chair"] == ["", "Anna Exempelsson"]
    assert approved.changes["adjusters"][1] == JUSTERING["adjusters"]
    assert approved.changes["posted_on"] == [None, "2024-10-30"]
    assert approved.changes["status"] == ["decided", "approved"]


# --------------------------------------------------------------------------- state aid


def test_the_sealed_extract_states_the_de_minimis_assessment_with_the_rate() -> None:
    extract = stored_text(Decision.objects.get(paragraph=101))
    assert (
        "Stödet bedöms som stöd av mindre betydelse (de minimis) enligt kommissionens "
        "förordning (EU) 2023/2831; eurokurs 11,5430 kronor per euro den 24 oktober 2023."
    ) in extract
    assert "inte utgöra statligt stöd" not in extract


def test_the_extract_says_when_the_grant_is_not_state_aid(client: Client) -> None:
    login(client, "sekreterare")
    decision = record(client)
    assert decision.state_aid == "none"
    extract = pdf_text(client.get(f"/decisions/{decision.pk}/pdf/").content)
    assert "Bidraget bedöms inte utgöra statligt stöd." in extract
    assert "de minimis" not in extract

    funding.update_decision(
        decision=decision,
        state_aid="de_minimis",
        eur_rate=Decimal("11.3600"),
        eur_rate_date=date(2024, 10, 21),
        by=secretary(),
    )
    extract = pdf_text(client.get(f"/decisions/{decision.pk}/pdf/").content)
    assert "eurokurs 11,3600 kronor per euro den 21 oktober 2024." in extract
    assert "inte utgöra statligt stöd" not in extract


def test_the_decision_page_shows_the_legal_basis_and_state_aid_once(client: Client) -> None:
    login(client, "sekreterare")
    decided = text(client.get(f"/decisions/{Decision.objects.get(paragraph=101).pk}/"))
    assert decided.count("Rättslig grund</h2>") == 1
    assert decided.count("Bidrag utan motprestation") == 1
    assert "Statsstöd: stöd av mindre betydelse (de minimis), eurokurs 11,5430" in decided
    draft = text(client.get(f"/decisions/{record(client).pk}/"))
    assert "Statsstöd: bidraget bedöms inte utgöra statligt stöd." in draft
