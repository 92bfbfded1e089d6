"""Object-level access lives in the selectors: a partner sees its own, nothing else."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from agreements.selectors import agreements_for
from funding.selectors import allocations_for, budget_years_for, decisions_for
from partners.selectors import partners_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def test_partner_sees_only_its_own() -> None:
    user = User.objects.get(username="matgille")
    assert list(agreements_for(user).values_list("reference", flat=True)) == ["GF-2024-MATGILLE"]
    assert list(partners_for(user).values_list("slug", flat=True)) == ["matgille"]
    assert not budget_years_for(user).exists()
    assert not allocations_for(user).exists()
    assert not decisions_for(user).exists()


@pytest.mark.parametrize("username", ["handlaggare", "sekreterare"])
def test_region_staff_see_everything(username: str) -> None:
    user = User.objects.get(username=username)
    assert agreements_for(user).count() == 6
    assert partners_for(user).count() == 6
    assert budget_years_for(user).count() == 2


def test_anonymous_and_inactive_see_nothing() -> None:
    assert not agreements_for(AnonymousUser()).exists()
    assert not partners_for(AnonymousUser()).exists()
    user = User.objects.get(username="matgille")
    user.is_active = False
    user.save()
    assert not agreements_for(user).exists()
