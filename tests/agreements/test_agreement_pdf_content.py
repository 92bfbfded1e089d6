"""What an issued agreement carries (issue 19), read back from the sealed PDFs by text extraction:
the original version and an amendment's version, each as sealed and stored."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from pypdf import PdfReader

from accounts.models import User
from agreements import services as agreements
from agreements.models import Agreement, AgreementAmendment, Party, StandardTerms
from agreements.services.terms import create_standard_terms, update_standard_terms
from agreements.standard_terms import CLAUSES
from funding import services as funding
from funding.models import Allocation, Programme, StateAid
from partners import services as partners
from partners.models import Partner, PaymentMethod
from tests.funding.helpers import decide_allocations
from tests.helpers import login, text

# Development addresses that must never be printed into an issued document.
DEVELOPMENT_ADDRESSES = ("localhost", "127.0.0.1", "0.0.0.0", "testserver", "[::1]")  # noqa: S104
# Running header and footer, left out when judging how full a page is.
FURNITURE = re.compile(r"Region Halland GF-\S+|Underskriven av båda parter|Sida \d+ av \d+")


def pages(pdf: bytes) -> list[str]:
    """Each page's text, no-break spaces made plain and lines joined (words may wrap)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [
        " ".join(re.sub(r"[\u00a0\u202f]", " ", page.extract_text()).split())
        for page in reader.pages
    ]


def stored(agreement: Agreement, version: int) -> bytes:
    document = agreement.signed_documents.get(agreement_version=version)
    with document.file.open("rb") as f:
        return f.read()


REPORTS = [
    agreements.PlannedReport("Lägesrapport", date(2024, 8, 31)),
    agreements.PlannedReport("Slutrapport", date(2025, 3, 31)),
]
PLAN = [
    agreements.PlannedInstalment(date(2024, 1, 31), Decimal("1000000")),
    agreements.PlannedInstalment(date(2024, 12, 15), Decimal("154300"), after_report=2),
]


@pytest.fixture
def agreement(
    programme: Programme,
    partner_a: Partner,
    official: User,
    secretary: User,
    signatory_a: User,
) -> Agreement:
    """A signed agreement with every part issue 19 names: contacts, legal details marked as
    example data, bankgiro, key figures, a final instalment after the final report, and a
    decision that assesses the grant as de minimis aid."""
    User.objects.filter(pk=official.pk).update(email="handlaggare@regionhalland.example")
    partners.update_partner(
        partner=partner_a,
        legal_name="Alfa Innovation ekonomisk förening",
        street_address="Exempelgatan 1",
        postal_code="302 40",
        city="Halmstad",
        legal_details_are_example_data=True,
        by=None,
    )
    partners.set_contacts(
        partner=partner_a,
        contacts=[partners.Contact("Vera Verksamhetsledare", "Verksamhetsledare", "vera@alfa.se")],
        by=None,
    )
    partners.set_payment_details(
        partner=partner_a,
        method=PaymentMethod.BANKGIRO,
        account="999-0011",
        example_data=True,
        by=None,
    )
    funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("1154300")}, by=official
    )
    decision = decide_allocations(list(programme.allocations.all()), by=secretary, paragraph=101)
    # Recorded on the draft in real life; set here on the decided row for the test's brevity.
    type(decision).objects.filter(pk=decision.pk).update(
        state_aid=StateAid.DE_MINIMIS, eur_rate=Decimal("11.5430"), eur_rate_date=date(2023, 10, 24)
    )
    draft = agreements.create_agreement(
        allocation=Allocation.objects.get(),
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        purpose="Att bidra till Hallands strategi för hållbar tillväxt.",
        conditions="Medlen används till verksamhetens löpande kostnader.",
        by=official,
    )
    agreements.set_reporting_requirements(
        agreement=draft,
        requirements=REPORTS,
        by=official,
    )
    agreements.set_payment_plan(
        agreement=draft,
        instalments=PLAN,
        by=official,
    )
    agreements.set_indicators(
        agreement=draft,
        indicators=[agreements.PlannedIndicator("Antal rådgivna företag", "företag", Decimal(120))],
        by=official,
    )
    agreements.send_for_signing(agreement=draft, by=official)
    agreements.sign_agreement(agreement=draft, party=Party.PARTNER, by=signatory_a)
    agreements.sign_agreement(agreement=draft, party=Party.REGION, by=official)
    return Agreement.objects.get(pk=draft.pk)


def signed_by_partner(
    agreement: Agreement, official: User, signatory_a: User, *, reason: str, purpose: str
) -> AgreementAmendment:
    """An amendment of `agreement` with a new purpose, sent and signed by the partner."""
    amendment = agreements.draft_amendment(agreement=agreement, reason=reason, by=official)
    agreements.revise_amendment(
        amendment=amendment,
        reason=reason,
        period_start=agreement.period_start,
        period_end=agreement.period_end,
        purpose=purpose,
        conditions=agreement.conditions,
        instalments=PLAN,
        reports=REPORTS,
        by=official,
    )
    agreements.send_amendment(amendment=amendment, by=official)
    agreements.sign_amendment(amendment=amendment, party=Party.PARTNER, by=signatory_a)
    return amendment


@pytest.fixture
def amended(agreement: Agreement, official: User, signatory_a: User) -> Agreement:
    amendment = signed_by_partner(
        agreement,
        official,
        signatory_a,
        reason="Ny inriktning.",
        purpose="Att bidra till Hallands strategi för hållbar tillväxt, med fokus på export.",
    )
    agreements.sign_amendment(amendment=amendment, party=Party.REGION, by=official)
    return Agreement.objects.get(pk=agreement.pk)


def check_issued_content(text: list[str]) -> None:
    whole = " ".join(text)
    # Each party's contact person: name, role, e-mail.
    assert "Kontaktperson: Test Official, Handläggare E-post handlaggare@regionhalland.example" in (
        whole
    )
    assert "Kontaktperson: Vera Verksamhetsledare, Verksamhetsledare E-post vera@alfa.se" in whole
    # The partner's organisation number and address, marked as invented.
    assert partner_number_and_address(whole)
    assert "Organisationsnummer och adress: Exempeldata" in whole
    # Payment terms: the bankgiro, how and when each instalment is paid, the last after the
    # final report; payments come before reporting.
    assert "till partnerns bankgiro 999-0011 (Exempeldata)" in whole
    assert "attesterar varje delbetalning" in whole
    assert "När återrapporten ”Slutrapport” är godkänd, tidigast 15 december 2024" in whole
    assert whole.index("5. Utbetalning") < whole.index("6. Återrapportering")
    # What each report contains.
    for part in ("verksamhetsberättelse", "ekonomisk redovisning", "nyckeltal"):
        assert part in whole
    assert "Antal rådgivna företag företag 120" in whole
    # The standard terms, as data, with their version.
    assert "Allmänna villkor för grundfinansiering (version 1)" in whole
    for clause in CLAUSES:
        assert clause["heading"] in whole
        assert " ".join(clause["text"].split()) in whole
    for word in ("återkrav", "Insyn", "Region Halland som finansiär", "offentlighetsprincipen"):
        assert word in whole
    assert "Halmstads tingsrätt" in whole
    # The state-aid statement: de minimis under Regulation 2023/2831, the amount in euro at the
    # decision's rate (1 154 300 kr / 11,5430 = 100 000 euro).
    assert "stöd av mindre betydelse (de minimis-stöd)" in whole
    assert "(EU) 2023/2831" in whole
    assert "motsvarar 100 000 euro" in whole
    assert "kursen 11,5430 kronor per euro den 24 oktober 2023" in whole
    # Signatories from their user records; the region's with its delegation.
    assert "Test Alfa-Signer, VD" in whole
    assert "Test Official, Handläggare Enligt delegationsbeslut RS230012, punkt 4.2" in whole
    # Never: a missing fact printed as missing, a development address, a penalty.
    assert "uppgift saknas" not in whole.lower()
    for address in DEVELOPMENT_ADDRESSES:
        assert address not in whole
    assert "https://grundfinansiering.example.se/verify/" in whole
    assert not re.search(r"\bviten?\b|\bvitet\b|\bböter\b", whole, re.IGNORECASE)
    # The Exempeldata note on every page, and no near-empty page.
    for number, page in enumerate(text, start=1):
        assert "Exempeldata" in page, f"page {number} lacks the Exempeldata note"
        assert len(FURNITURE.sub("", page)) > 400, f"page {number} is nearly empty"


def partner_number_and_address(whole: str) -> bool:
    return bool(
        re.search(
            r"Alfa Innovation ekonomisk förening Organisationsnummer \d{6}-\d{4} "
            r"Exempelgatan 1, 302 40 Halmstad",
            whole,
        )
    )


def test_the_sealed_agreement_carries_every_element(agreement: Agreement) -> None:
    check_issued_content(pages(stored(agreement, 1)))


def test_the_sealed_amendment_carries_every_element(amended: Agreement) -> None:
    text = pages(stored(amended, 2))
    check_issued_content(text)
    assert "Tillägg: ersätter version 1" in " ".join(text)


def test_the_record_inside_carries_the_new_facts(agreement: Agreement) -> None:
    import json

    reader = PdfReader(io.BytesIO(stored(agreement, 1)))
    record = json.loads(next(iter(reader.attachments.values()))[0])
    assert record["standard_terms"]["version"] == 1
    assert record["state_aid"]["amount_eur"] == "100000"
    assert record["contacts"]["partner"]["email"] == "vera@alfa.se"
    assert record["payment_account"] == "999-0011"
    assert record["signatures"][1]["delegation"] == "RS230012, punkt 4.2"


def test_a_used_terms_version_is_frozen_and_a_new_one_applies_to_new_agreements(
    agreement: Agreement, official: User
) -> None:
    sealed = stored(agreement, 1)
    version_1 = StandardTerms.objects.get(version=1)
    assert agreement.standard_terms == version_1
    assert agreement.signed_documents.get().standard_terms == version_1
    with pytest.raises(ValidationError, match="kan inte ändras"):
        update_standard_terms(
            terms=version_1, clauses=[{"heading": "Ny", "text": "Ny text."}], by=official
        )
    version_2 = create_standard_terms(
        valid_from=date(2024, 1, 1),
        clauses=[*CLAUSES, {"heading": "Hållbarhet", "text": "Partnern arbetar hållbart."}],
        by=official,
    )
    assert version_2.version == 2
    assert StandardTerms.objects.in_force(date(2024, 6, 1)) == version_2
    # An unused version may be corrected; the issued document is what it was.
    update_standard_terms(terms=version_2, title="Allmänna villkor 2024", by=official)
    agreement.refresh_from_db()
    assert agreement.standard_terms == version_1
    assert stored(agreement, 1) == sealed


def test_terms_refuse_a_malformed_clause_list(official: User) -> None:
    with pytest.raises(ValidationError, match="rubrik"):
        create_standard_terms(valid_from=date(2024, 1, 1), clauses=[{"heading": "x"}], by=official)
    with pytest.raises(ValidationError):
        create_standard_terms(valid_from=date(2024, 1, 1), clauses=[], by=official)


def test_an_amendment_keeps_the_terms_its_agreement_was_signed_with(
    agreement: Agreement, official: User, signatory_a: User
) -> None:
    create_standard_terms(valid_from=date(2024, 1, 1), clauses=CLAUSES, by=official)
    amendment = agreements.draft_amendment(agreement=agreement, reason="Ändring.", by=official)
    assert isinstance(amendment, AgreementAmendment)
    agreement.refresh_from_db()
    assert agreement.standard_terms is not None
    assert agreement.standard_terms.version == 1


def test_an_agreement_is_not_sent_to_a_partner_without_organisation_number(
    programme: Programme, partner_a: Partner, official: User, secretary: User
) -> None:
    partners.update_partner(partner=partner_a, organisation_number="", by=None)
    funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("100")}, by=official
    )
    decide_allocations(list(programme.allocations.all()), by=secretary)
    draft = agreements.create_agreement(
        allocation=Allocation.objects.get(),
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        purpose="x",
        by=official,
    )
    agreements.set_payment_plan(
        agreement=draft,
        instalments=[agreements.PlannedInstalment(date(2024, 1, 31), Decimal("100"))],
        by=official,
    )
    with pytest.raises(ValidationError, match="saknar organisationsnummer"):
        agreements.send_for_signing(agreement=draft, by=official)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.standard_terms is None


def test_an_amendment_is_not_sent_to_a_partner_without_organisation_number(
    agreement: Agreement, official: User
) -> None:
    amendment = agreements.draft_amendment(agreement=agreement, reason="Ny.", by=official)
    agreements.revise_amendment(
        amendment=amendment,
        reason="Ny.",
        period_start=agreement.period_start,
        period_end=agreement.period_end,
        purpose="Ett nytt syfte.",
        conditions=agreement.conditions,
        instalments=PLAN,
        reports=REPORTS,
        by=official,
    )
    partners.update_partner(partner=agreement.partner, organisation_number="", by=None)
    with pytest.raises(ValidationError, match="saknar organisationsnummer"):
        agreements.send_amendment(amendment=amendment, by=official)


def test_a_signer_without_a_name_on_record_cannot_sign(
    agreement: Agreement, official: User, signatory_a: User
) -> None:
    amendment = signed_by_partner(
        agreement, official, signatory_a, reason="Ny.", purpose="Ett nytt syfte."
    )
    User.objects.filter(pk=official.pk).update(first_name="", last_name="")
    official.refresh_from_db()
    with pytest.raises(ValidationError, match="för- och efternamn saknas"):
        agreements.sign_amendment(amendment=amendment, party=Party.REGION, by=official)


def test_the_send_page_says_why_an_agreement_without_organisation_number_is_not_sent(
    demo: None, client: Client
) -> None:
    draft = Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE")
    assert draft.status == "draft"
    partners.update_partner(partner=draft.partner, organisation_number="", by=None)
    login(client, "handlaggare")
    response = client.post(f"/agreements/{draft.reference}/send/", follow=True)
    assert response.status_code == 200
    assert "Leap for Life saknar organisationsnummer. Lägg in det på partnerns sida" in text(
        response
    )
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_real_details_entered_on_the_partner_page_lose_the_exempeldata_mark(
    demo: None, client: Client
) -> None:
    login(client, "handlaggare")
    preview = "/agreements/GF-2024-LEAP-FOR-LIFE/preview/"
    assert "Organisationsnummer och adress: Exempeldata" in " ".join(
        pages(client.get(preview).content)
    )
    edit = client.post(
        "/partners/leap-for-life/edit/",
        {
            "legal_name": "Leap for Life",
            "organisation_number": "769600-1234",
            "street_address": "Testgatan 3",
            "postal_code": "301 18",
            "city": "Halmstad",
            "payment_method": "bankgiro",
            "payment_account": "999-0052",
            # the Exempeldata box left unticked
        },
    )
    assert edit.status_code == 302, text(edit)
    whole = " ".join(pages(client.get(preview).content))
    assert "Organisationsnummer 769600-1234 Testgatan 3, 301 18 Halmstad" in whole
    assert "Organisationsnummer och adress: Exempeldata" not in whole
