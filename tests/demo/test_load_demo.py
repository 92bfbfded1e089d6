from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import authenticate as django_authenticate
from django.core import serializers
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from accounts.models import Role, User
from agreements.models import Agreement, AgreementStatus
from agreements.permissions import can_sign_for_region
from funding.models import Allocation, BudgetYear, Decision, FundingSource, Programme
from partners.models import Partner

pytestmark = pytest.mark.django_db


def authenticate(*, username: str, password: str) -> User | None:
    """Authenticate as the login page does (django-axes needs the request)."""
    request = RequestFactory().post("/accounts/login/")
    return django_authenticate(request, username=username, password=password)


OUR_APPS = ("accounts", "audit", "partners", "funding", "agreements", "otp_totp")


def snapshot() -> dict[str, str]:
    return {
        model._meta.label: serializers.serialize("json", model._default_manager.order_by("pk"))
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
    }


def test_refuses_when_debug_is_off(settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not User.objects.exists()


def test_twice_gives_the_same_data(demo: None, settings: object) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]
    first = snapshot()
    call_command("load_demo", verbosity=0)
    assert snapshot() == first
    assert sum(len(v) for v in first.values()) > 10_000  # not vacuously equal


def test_public_facts(demo: None) -> None:
    year = BudgetYear.objects.get(year=2024)
    sources = {s.kind: s for s in FundingSource.objects.filter(budget_year=year)}
    assert sources["regional_development"].amount == Decimal("39000000")
    assert sources["state_growth"].amount == Decimal("14700000")
    assert sources["state_growth"].allows_operating_support is False
    programme = Programme.objects.get(budget_year=year, slug="grundfinansiering")
    assert programme.ceiling == Decimal("11900000")
    assert programme.source == sources["regional_development"]
    decided = Allocation.objects.decided().filter(programme=programme)
    assert decided.count() == 6
    assert decided.total() == Decimal("11900000")
    assert decided.get(partner__slug="matgille").amount == Decimal("3000000")
    share = decided.total() / sources["regional_development"].amount
    assert round(share * 100, 1) == Decimal("30.5")
    assert set(Partner.objects.values_list("display_name", flat=True)) == {
        "Coompanion",
        "Connect Väst",
        "Hallands Matgille",
        "HighFive",
        "Leap for Life",
        "TEK Kompetens",
    }
    # Invented organisation numbers (an agreement is sent only to a partner with one, issue 19)
    # are flagged as example data, in a series of their own.
    for partner in Partner.objects.all():
        assert partner.organisation_number.startswith("999990-")
        assert partner.legal_details_are_example_data
    decision = Decision.objects.get(paragraph=101)  # § 97 amends it (issue 17)
    assert decision.body == "Regionstyrelsens tillväxtutskott"
    assert str(decision.meeting_date) == "2023-10-24"
    assert decision.status == "approved"
    assert decision.is_example_data


def test_agreements_in_different_states(demo: None) -> None:
    states = set(Agreement.objects.values_list("status", flat=True))
    assert {
        AgreementStatus.DRAFT,
        AgreementStatus.SENT,
        AgreementStatus.PARTNER_SIGNED,
        AgreementStatus.SIGNED,
    } <= states
    for agreement in Agreement.objects.all():
        assert agreement.is_example_data
        assert sum(i.amount for i in agreement.instalments.all()) == agreement.amount
    signed = Agreement.objects.get(reference="GF-2024-COOMPANION")
    assert {s.party for s in signed.signatures.all()} == {"partner", "region"}


def test_next_year_in_preparation_with_drafts(demo: None) -> None:
    year = BudgetYear.objects.get(year=2025)
    assert year.status == "preparation"
    programme = Programme.objects.get(budget_year=year)
    assert programme.name == "Grundfinansiering 2025"
    allocations = programme.allocations.all()
    assert allocations.count() == 6
    assert {a.status for a in allocations} == {"draft"}


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("handlaggare", Role.OFFICIAL),
        ("sekreterare", Role.SECRETARY),
        ("coompanion", Role.PARTNER),
        ("connect-vast", Role.PARTNER),
        ("matgille", Role.PARTNER),
        ("highfive", Role.PARTNER),
        ("leap-for-life", Role.PARTNER),
        ("tek-kompetens", Role.PARTNER),
    ],
)
def test_demo_accounts(demo: None, username: str, role: str) -> None:
    user = authenticate(username=username, password="halland-demo")
    assert user is not None
    assert user.role == role
    if role == Role.PARTNER:
        assert user.partner_membership.partner.slug == username
        assert user.partner_membership.is_signatory


def test_admin_and_region_signatory(demo: None) -> None:
    admin = authenticate(username="admin", password="halland-demo")
    assert admin is not None
    assert admin.is_superuser
    assert can_sign_for_region(User.objects.get(username="handlaggare"))
    assert not can_sign_for_region(User.objects.get(username="sekreterare"))


def test_the_demo_sealed_pdfs_carry_the_issue_19_content(demo: None) -> None:
    """Both of Coompanion's sealed versions (the agreement and its amendment) carry the
    Exempeldata note on every page, the invented legal details marked as such, the standard
    terms, the de minimis statement and the signers from their user records."""
    from tests.agreements.test_agreement_pdf_content import DEVELOPMENT_ADDRESSES, pages

    coompanion = Agreement.objects.get(reference="GF-2024-COOMPANION")
    documents = list(coompanion.signed_documents.order_by("agreement_version"))
    assert [d.agreement_version for d in documents] == [1, 2]
    for document in documents:
        with document.file.open("rb") as f:
            text = pages(f.read())
        whole = " ".join(text)
        assert all("Exempeldata" in page for page in text)
        assert "Organisationsnummer 999990-0013" in whole
        assert "Organisationsnummer och adress: Exempeldata" in whole
        assert "bankgiro 999-0011 (Exempeldata)" in whole
        assert "Kontaktperson: Demo Verksamhetsledare, Verksamhetsledare" in whole
        assert "Allmänna villkor för grundfinansiering (version 1)" in whole
        assert "(EU) 2023/2831" in whole
        assert "Enligt delegationsbeslut RS230012, punkt 4.2 (exempel)" in whole
        assert "uppgift saknas" not in whole.lower()
        assert not any(address in whole for address in DEVELOPMENT_ADDRESSES)


def test_the_demo_sealed_decision_extracts_carry_no_development_address(demo: None) -> None:
    """The other issued PDF, the protokollsutdrag: no development address, nothing missing."""
    from funding.models import DecisionDocument
    from tests.agreements.test_agreement_pdf_content import DEVELOPMENT_ADDRESSES, pages

    documents = list(DecisionDocument.objects.all())
    assert documents
    for document in documents:
        with document.file.open("rb") as f:
            whole = " ".join(pages(f.read()))
        assert "Regionstyrelsens tillväxtutskott" in whole
        assert "uppgift saknas" not in whole.lower()
        assert not any(address in whole for address in DEVELOPMENT_ADDRESSES)
