"""A partner's users (issue 16): a signatory invites and deactivates only in their own
organisation, never staff or themselves; a plain partner user cannot; officials can for any
partner. Another partner's page or user is a 404."""

import pytest
from django.test import Client

from accounts.models import Role, User
from audit.actions import AuditAction
from audit.models import AuditEvent
from notices.models import Notice, NoticeKind
from partners import services
from partners.models import Partner
from tests.conftest import make_user
from tests.helpers import login, text

pytestmark = pytest.mark.django_db

INVITE = {"first_name": "Per", "last_name": "Ny", "email": "per.ny@example.se"}


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Coompanion and Hallands Matgille with their signatories; the region's staff."""


def member(slug: str, username: str, *, signatory: bool = False) -> User:
    user = make_user(username, Role.PARTNER, email=f"{username}@example.se")
    services.set_partner_membership(
        user=user, partner=Partner.objects.get(slug=slug), is_signatory=signatory, by=None
    )
    return user


def test_a_signatory_invites_to_their_own_organisation_only() -> None:
    client = login(Client(), "coompanion")
    page = text(client.get("/partners/coompanion/"))
    assert 'href="/partners/coompanion/users/invite/"' in page
    assert client.get("/partners/coompanion/users/invite/").status_code == 200
    assert client.post("/partners/coompanion/users/invite/", INVITE).status_code == 302
    invited = User.objects.get(username="per.ny@example.se")
    assert invited.partner_membership.partner.slug == "coompanion"
    assert not invited.partner_membership.is_signatory
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_INVITED)
    assert event.actor is not None
    assert event.actor.username == "coompanion"

    assert client.get("/partners/matgille/users/invite/").status_code == 404
    other = {**INVITE, "email": "annan@example.se"}
    assert client.post("/partners/matgille/users/invite/", other).status_code == 404
    assert not User.objects.filter(username="annan@example.se").exists()


def test_a_partner_user_who_is_not_a_signatory_cannot_invite_or_deactivate() -> None:
    member("coompanion", "vanlig")
    colleague = member("coompanion", "kollega")
    client = login(Client(), "vanlig")
    page = text(client.get("/partners/coompanion/"))
    assert "Bjud in användare" not in page
    assert "Inaktivera" not in page
    assert client.get("/partners/coompanion/users/invite/").status_code == 403
    assert client.post("/partners/coompanion/users/invite/", INVITE).status_code == 403
    url = f"/partners/coompanion/users/{colleague.pk}/deactivate/"
    assert client.post(url).status_code == 403
    assert User.objects.get(pk=colleague.pk).is_active


def test_a_signatory_deactivates_their_own_organisations_user_after_a_confirmation() -> None:
    colleague = member("coompanion", "kollega")
    client = login(Client(), "coompanion")
    url = f"/partners/coompanion/users/{colleague.pk}/deactivate/"
    assert url in text(client.get("/partners/coompanion/"))
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Inaktivera Test Kollega?" in text(confirm)
    assert User.objects.get(pk=colleague.pk).is_active  # asking changes nothing

    done = client.post(url)
    assert done.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_DEACTIVATED)
    assert event.actor == User.objects.get(username="coompanion")
    assert event.changes == {"is_active": [True, False]}
    assert "Inaktiverad" in text(client.get("/partners/coompanion/"))
    refused = Client().post(
        "/accounts/login/", {"username": "kollega", "password": "correct-horse-battery"}
    )
    assert refused.status_code == 200  # the login form again: an inactive user cannot log in


def test_a_signatory_cannot_deactivate_another_partners_user_staff_or_themselves() -> None:
    client = login(Client(), "coompanion")
    other = User.objects.get(username="matgille")
    official = User.objects.get(username="handlaggare")
    me = User.objects.get(username="coompanion")
    assert client.post(f"/partners/matgille/users/{other.pk}/deactivate/").status_code == 404
    assert client.post(f"/partners/coompanion/users/{other.pk}/deactivate/").status_code == 404
    assert client.post(f"/partners/coompanion/users/{official.pk}/deactivate/").status_code == 404
    assert client.get(f"/partners/coompanion/users/{me.pk}/deactivate/").status_code == 403
    assert client.post(f"/partners/coompanion/users/{me.pk}/deactivate/").status_code == 403
    assert client.post(f"/partners/coompanion/users/{other.pk}/reinvite/").status_code == 404
    assert all(u.is_active for u in User.objects.filter(pk__in=[other.pk, official.pk, me.pk]))
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_DEACTIVATED).exists()


def test_an_official_invites_and_deactivates_for_any_partner_a_secretary_only_reads() -> None:
    official = login(Client(), "handlaggare")
    assert official.post("/partners/matgille/users/invite/", INVITE).status_code == 302
    invited = User.objects.get(username="per.ny@example.se")
    assert official.post(f"/partners/matgille/users/{invited.pk}/deactivate/").status_code == 302
    invited.refresh_from_db()
    assert not invited.is_active
    assert Notice.objects.filter(kind=NoticeKind.INVITATION, recipient=invited).count() == 1

    secretary = login(Client(), "sekreterare")
    page = text(secretary.get("/partners/matgille/"))
    assert "Per Ny" in page
    assert "Bjud in användare" not in page
    assert secretary.get("/partners/matgille/users/invite/").status_code == 403


def test_the_users_section_lists_name_address_signatory_and_status() -> None:
    member("coompanion", "kollega")
    page = text(login(Client(), "handlaggare").get("/partners/coompanion/"))
    section = page[page.index('id="users-heading"') :][:4000]
    assert "Demo Firmatecknare Coompanion" in section
    assert "coompanion@demo.example" in section
    assert "kollega@example.se" in section
    assert "Aktiv" in section
    assert ">Ja<" in section
    assert ">Nej<" in section
