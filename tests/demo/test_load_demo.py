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
    assert not Partner.objects.exclude(organisation_number="").exists()  # none invented
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
