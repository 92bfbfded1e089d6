"""Password reset by e-mail (issue 16): the same answer whether or not the address exists, a
notice only for a real account, a link that works once, a limit per client and per address,
and an e-mail that does not say which partner the account belongs to."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import Role, User
from audit.actions import AuditAction
from audit.models import AuditEvent
from notices.models import Notice, NoticeKind
from notices.sending import email_for
from partners.models import Partner
from partners.services import set_partner_membership
from tests.conftest import make_user
from tests.helpers import text
from tests.invitations.helpers import last_notice, link_path

pytestmark = pytest.mark.django_db

NEW = "Ett-nytt-lösenord-2024"


@pytest.fixture
def person(db: None) -> User:
    """A partner's user whose name says nothing about the partner."""
    partner = Partner.objects.create(display_name="Hemlig Partner", legal_name="H AB", slug="h")
    user = make_user("anna", Role.PARTNER, email="anna.svensson@example.se")
    set_partner_membership(user=user, partner=partner, is_signatory=True, by=None)
    return user


def ask(address: str, client: Client | None = None) -> Any:
    return (client or Client()).post("/accounts/password/reset/", {"email": address})


def test_the_login_page_links_to_the_reset() -> None:
    assert 'href="/accounts/password/reset/">Glömt lösenordet?' in text(
        Client().get("/accounts/login/")
    )


def test_known_and_unknown_addresses_get_the_same_answer(person: User) -> None:
    known, unknown = ask("Anna.Svensson@example.se"), ask("ingen@example.se")
    assert (known.status_code, known["Location"]) == (302, "/accounts/password/reset/done/")
    assert (unknown.status_code, unknown["Location"]) == (302, "/accounts/password/reset/done/")
    assert [n.to_address for n in Notice.objects.all()] == ["anna.svensson@example.se"]
    assert "Kontrollera din e-post" in text(Client().get("/accounts/password/reset/done/"))


def test_the_email_names_no_partner_and_its_link_works_once(person: User) -> None:
    ask("anna.svensson@example.se")
    notice = last_notice(NoticeKind.PASSWORD_RESET, person.email)
    email = email_for(notice)
    everything = f"{email.subject}\n{email.body}\n{email.alternatives[0][0]!s}"
    assert "Hemlig" not in everything
    assert "anna" in everything  # the username, so they know which account
    assert "3 dagar" in everything

    client = Client()
    path = link_path(notice)
    form_path = client.get(path)["Location"]
    assert form_path.endswith("/set-password/")
    done = client.post(form_path, {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/accounts/password/reset/complete/"
    person.refresh_from_db()
    assert person.check_password(NEW)
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_PASSWORD_RESET)
    assert event.actor == person

    again = Client().get(path)
    assert again.status_code == 200
    assert "Länken fungerar inte längre" in text(again)
    logged_in = Client().post("/accounts/login/", {"username": "anna", "password": NEW})
    assert logged_in.status_code == 302


def test_no_reset_for_an_invited_person_an_inactive_user_or_a_service_account(
    person: User,
) -> None:
    invited = make_user("inbjuden", Role.PARTNER, email="inbjuden@example.se")
    invited.set_unusable_password()
    invited.save()
    make_user("borta", Role.PARTNER, email="borta@example.se", is_active=False)
    make_user("system", Role.SERVICE, email="system@example.se")
    for address in ("inbjuden@example.se", "borta@example.se", "system@example.se"):
        assert ask(address).status_code == 302
    assert not Notice.objects.exists()


def test_an_invalid_address_is_answered_next_to_the_field() -> None:
    response = ask("inte-en-adress")
    assert response.status_code == 400
    assert 'href="#id_email"' in text(response)


def test_a_client_is_limited_to_five_requests_in_fifteen_minutes(person: User) -> None:
    client = Client()
    answers = [ask(f"x{n}@example.se", client).status_code for n in range(5)]
    assert answers == [302] * 5
    refused = ask("anna.svensson@example.se", client)
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert not Notice.objects.exists()


def test_one_address_gets_at_most_three_emails_an_hour(person: User, settings: object) -> None:
    settings.PASSWORD_RESET_RATE_LIMIT = 100  # type: ignore[attr-defined]
    answers = [ask("anna.svensson@example.se").status_code for _ in range(5)]
    assert answers == [302] * 5  # the same answer every time
    assert Notice.objects.filter(kind=NoticeKind.PASSWORD_RESET).count() == 3


def test_a_reset_link_does_not_open_an_invitation_or_the_other_way_round(person: User) -> None:
    ask("anna.svensson@example.se")
    path = link_path(last_notice(NoticeKind.PASSWORD_RESET, person.email))
    as_invitation = path.replace("/password/reset/", "/invitation/")
    assert "Länken fungerar inte längre" in text(Client().get(as_invitation))
