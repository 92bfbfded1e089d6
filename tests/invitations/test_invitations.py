"""Invitations (issue 16): an official or a partner's signatory invites a person, who opens the
one-time link, chooses a password and logs in; a link that is expired, used or tampered with
gets a page saying so, never an error."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import Role, User
from audit.actions import AuditAction
from audit.models import AuditEvent
from notices.models import Notice, NoticeKind
from notices.sending import email_for
from partners.models import Partner
from partners.services import invite_partner_user
from tests.helpers import login, text
from tests.invitations.helpers import last_notice, link_path

pytestmark = pytest.mark.django_db

PASSWORD = "Ett-bra-lösenord-2024"
GONE = "Länken fungerar inte längre"


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """The demo data: Coompanion with its agreements, its signatory, the region's staff."""


def invite(client: Client, slug: str = "coompanion", **extra: str) -> Any:
    data = {
        "first_name": "Karin",
        "last_name": "Ek",
        "email": "Karin.Ek@Example.se",
        "title": "Verksamhetsledare",
        **extra,
    }
    return client.post(f"/partners/{slug}/users/invite/", data)


def accept(client: Client, path: str, password: str = PASSWORD) -> Any:
    opened = client.get(path)
    assert opened.status_code == 302  # the token moves to the session, out of the address
    form_path = opened["Location"]
    assert "set-password" in form_path
    assert client.get(form_path).status_code == 200
    return client.post(form_path, {"new_password1": password, "new_password2": password})


def test_an_official_invites_and_the_person_sets_a_password_logs_in_and_sees_agreements() -> None:
    official = login(Client(), "handlaggare")
    response = invite(official, is_signatory="on")
    assert response.status_code == 302
    assert response["Location"] == "/partners/coompanion/"

    user = User.objects.get(username="karin.ek@example.se")
    assert (user.email, user.role, user.is_active) == ("karin.ek@example.se", Role.PARTNER, True)
    assert not user.has_usable_password()
    assert user.partner_membership.partner.slug == "coompanion"
    assert user.partner_membership.is_signatory
    page = text(official.get("/partners/coompanion/"))
    assert "Karin Ek" in page
    assert "Inbjuden" in page
    assert "Skicka inbjudan igen" in page

    notices = Notice.objects.filter(recipient=user)
    assert [n.kind for n in notices] == [NoticeKind.INVITATION]
    email = email_for(notices[0])
    assert email.to == ["karin.ek@example.se"]
    body = str(email.body)
    inviter = User.objects.get(username="handlaggare").display_name
    partner = Partner.objects.get(slug="coompanion").display_name
    assert f"{inviter} har bjudit in dig till ett konto för {partner}" in body
    assert "grundfinansiering" in body
    assert "3 dagar" in body
    assert "bara en gång" in body
    # The link is made when the e-mail is built, never stored.
    assert "[[one-time-link]]" in notices[0].body_text
    assert "/accounts/invitation/" not in notices[0].body_text + notices[0].body_html
    assert "[[one-time-link]]" not in body

    person = Client()
    done = accept(person, link_path(notices[0]))
    assert done.status_code == 302
    assert done["Location"] == "/accounts/login/"
    assert "Ditt lösenord är sparat" in text(person.get("/accounts/login/"))
    logged_in = person.post(
        "/accounts/login/", {"username": "karin.ek@example.se", "password": PASSWORD}
    )
    assert logged_in.status_code == 302
    agreements = text(person.get("/agreements/"))
    assert "GF-2024-COOMPANION" in agreements
    assert "GF-2024-HIGHFIVE" not in agreements

    actions = list(
        AuditEvent.objects.filter(target_id=str(user.pk), action__startswith="account.")
        .order_by("pk")
        .values_list("action", "actor__username")
    )
    assert actions == [
        (AuditAction.ACCOUNT_INVITED, "handlaggare"),
        (AuditAction.ACCOUNT_INVITATION_ACCEPTED, "karin.ek@example.se"),
    ]
    assert AuditEvent.objects.filter(action=AuditAction.PARTNER_MEMBERSHIP_SET).exists()


def _invited(email: str = "ny@example.se") -> User:
    return invite_partner_user(
        partner=Partner.objects.get(slug="coompanion"),
        email=email,
        first_name="Ny",
        last_name="Person",
        is_signatory=False,
        by=User.objects.get(username="handlaggare"),
    )


def test_a_used_link_no_longer_works() -> None:
    user = _invited()
    path = link_path(last_notice(NoticeKind.INVITATION, user.email))
    assert accept(Client(), path).status_code == 302
    again = Client().get(path)
    assert again.status_code == 200
    page = text(again)
    assert GONE in page
    assert "be den som bjöd in dig att skicka en ny inbjudan" in page
    assert 'href="/accounts/password/reset/"' in page


def test_an_expired_link_no_longer_works(settings: object) -> None:
    user = _invited()
    path = link_path(last_notice(NoticeKind.INVITATION, user.email))
    settings.PASSWORD_RESET_TIMEOUT = -1  # type: ignore[attr-defined]  # every link is too old
    response = Client().get(path)
    assert response.status_code == 200
    assert GONE in text(response)
    user.refresh_from_db()
    assert not user.has_usable_password()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda uid, token: (uid, token[:-1] + ("a" if token[-1] != "a" else "b")),
        lambda uid, token: ("MQ", token),  # someone else's id
        lambda uid, token: ("!!!", token),
        lambda uid, token: ("OTk5OTk5OTk5OTk5OTk5OTk5OTk5", token),  # no such user
        lambda uid, token: (uid, "set-password"),  # the form without a token in the session
    ],
)
def test_a_tampered_link_gets_the_same_clear_page(tamper: Any) -> None:
    user = _invited()
    _, _, _, uid, token, _ = link_path(last_notice(NoticeKind.INVITATION, user.email)).split("/")
    uid, token = tamper(uid, token)
    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/accounts/invitation/{uid}/{token}/")
        assert response.status_code == 200
        assert GONE in text(response)


def test_a_deactivated_persons_invitation_no_longer_works() -> None:
    user = _invited()
    path = link_path(last_notice(NoticeKind.INVITATION, user.email))
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert GONE in text(Client().get(path))


def test_the_password_must_pass_the_validators_and_the_form_keeps_working() -> None:
    user = _invited()
    client = Client()
    form_path = client.get(link_path(last_notice(NoticeKind.INVITATION, user.email)))["Location"]
    refused = client.post(form_path, {"new_password1": "kort", "new_password2": "kort"})
    assert refused.status_code == 400
    assert "error-summary" in text(refused)
    assert accept_again(client, form_path).status_code == 302


def accept_again(client: Client, form_path: str) -> Any:
    return client.post(form_path, {"new_password1": PASSWORD, "new_password2": PASSWORD})


def test_an_address_in_use_is_refused_without_saying_whose_it_is() -> None:
    client = login(Client(), "coompanion")
    response = invite(client, email="MATGILLE@demo.example")
    assert response.status_code == 400
    page = text(response)
    assert "Det finns redan ett konto med den e-postadressen" in page
    assert "Matgille" not in page.split("<main", 1)[1]
    assert not Notice.objects.filter(kind=NoticeKind.INVITATION).exists()


def test_a_new_invitation_can_be_sent_until_the_person_accepts() -> None:
    user = _invited()
    client = login(Client(), "coompanion")  # the partner's own signatory
    response = client.post(f"/partners/coompanion/users/{user.pk}/reinvite/")
    assert response.status_code == 302
    assert Notice.objects.filter(kind=NoticeKind.INVITATION, recipient=user).count() == 2
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCOUNT_INVITATION_RESENT, target_id=str(user.pk)
    ).exists()

    accept(Client(), link_path(last_notice(NoticeKind.INVITATION, user.email)))
    refused = client.post(f"/partners/coompanion/users/{user.pk}/reinvite/", follow=True)
    assert "har redan valt lösenord" in text(refused)
    assert Notice.objects.filter(kind=NoticeKind.INVITATION, recipient=user).count() == 2


def test_staff_are_invited_by_an_administrator_and_must_enrol_a_second_factor() -> None:
    assert login(Client(), "handlaggare").get("/accounts/staff/invite/").status_code == 403
    admin = login(Client(), "admin")
    data = {
        "first_name": "Sara",
        "last_name": "Berg",
        "email": "sara.berg@regionhalland.example",
        "role": Role.SECRETARY,
    }
    response = admin.post("/accounts/staff/invite/", data)
    assert response.status_code == 302
    user = User.objects.get(username="sara.berg@regionhalland.example")
    assert (user.role, user.is_superuser, user.is_staff) == (Role.SECRETARY, False, False)
    notice = last_notice(NoticeKind.INVITATION, user.email)
    body = str(email_for(notice).body)
    assert "Region Halland" in body
    assert "tvåstegsverifiering" in body

    person = Client()
    assert accept(person, link_path(notice)).status_code == 302
    person.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    # No authenticator app yet: every page sends them to the second step first.
    assert person.get("/budget/").headers["Location"].startswith("/accounts/2fa/")


def test_staff_invitation_refuses_other_roles_and_a_taken_address() -> None:
    admin = login(Client(), "admin")
    base = {"first_name": "A", "last_name": "B", "email": "handlaggare@demo.example"}
    assert admin.post("/accounts/staff/invite/", {**base, "role": Role.PARTNER}).status_code == 400
    taken = admin.post("/accounts/staff/invite/", {**base, "role": Role.OFFICIAL})
    assert taken.status_code == 400
    assert "Det finns redan ett konto" in text(taken)


def test_the_link_pages_work_half_logged_in_before_the_second_step() -> None:
    user = _invited()
    staff = Client()
    staff.force_login(User.objects.get(username="handlaggare"))  # password given, no code yet
    assert staff.get("/budget/").status_code == 302
    opened = staff.get(link_path(last_notice(NoticeKind.INVITATION, user.email)))
    assert "set-password" in opened["Location"]
    assert staff.get("/accounts/password/reset/").status_code == 200


def test_invitation_writes_nothing_when_the_address_is_not_an_address() -> None:
    client = login(Client(), "handlaggare")
    assert invite(client, email="inte en adress").status_code == 400
    assert not User.objects.filter(last_name="Ek").exists()
