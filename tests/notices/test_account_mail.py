"""Invitation and password reset through a real SMTP server (issue 16): the e-mail arrives
once, after the commit, and its one-time link works once."""

import re

import pytest
from django.test import Client

from accounts.models import User
from notices.models import Notice, NoticeKind, NoticeStatus
from tests.helpers import login, text
from tests.notices.conftest import SmtpServer, body

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Ett-bra-lösenord-2024"
SITE = "https://grundfinansiering.example.se"


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    Notice.objects.all().delete()


def link_in(text_body: str) -> str:
    found = re.search(re.escape(SITE) + r"(/accounts/[^\s]+/)", text_body)
    assert found, text_body
    return found.group(1)


def test_an_invited_partner_user_gets_one_email_sets_a_password_and_sees_agreements(
    smtp: SmtpServer,
) -> None:
    official = login(Client(), "handlaggare")
    response = official.post(
        "/partners/coompanion/users/invite/",
        {"first_name": "Karin", "last_name": "Ek", "email": "karin@example.se"},
    )
    assert response.status_code == 302

    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "karin@example.se"
    assert message["Subject"] == "Inbjudan till Region Hallands system för grundfinansiering"
    assert "List-Unsubscribe" not in message  # always sent: it cannot be turned off
    plain = body(message, "plain")
    path = link_in(plain)
    assert path.startswith("/accounts/invitation/")
    assert f'href="{SITE}{path}"' in body(message, "html")
    notice = Notice.objects.get(kind=NoticeKind.INVITATION)
    assert notice.status == NoticeStatus.SENT
    assert path not in notice.body_text + notice.body_html

    person = Client()
    form_path = person.get(path)["Location"]
    done = person.post(form_path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done["Location"] == "/accounts/login/"
    assert (
        person.post("/accounts/login/", {"username": "karin@example.se", "password": PASSWORD})[
            "Location"
        ]
        == "/"
    )
    assert "GF-2024-COOMPANION" in text(person.get("/agreements/"))
    assert "Länken fungerar inte längre" in text(Client().get(path))


def test_a_reset_email_arrives_for_a_known_address_only_and_its_link_works_once(
    smtp: SmtpServer,
) -> None:
    Client().post("/accounts/password/reset/", {"email": "ingen@example.se"})
    Client().post("/accounts/password/reset/", {"email": "COOMPANION@demo.example"})
    assert [m["To"] for m in smtp.messages] == ["coompanion@demo.example"]
    path = link_in(body(smtp.messages[0], "plain"))
    client = Client()
    form_path = client.get(path)["Location"]
    client.post(form_path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert User.objects.get(username="coompanion").check_password(PASSWORD)
    assert "Länken fungerar inte längre" in text(Client().get(path))
