"""The second login step's page (issue 19): the code field alone, no main menu until it is given."""

import pytest
from django.test import Client

from tests.helpers import login, text
from tests.twofactor.test_recovery import _password, enrolled  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """The demo data's staff have the demo app."""


def test_the_page_asks_for_the_code_only(client: Client, enrolled) -> None:  # noqa: F811
    _password(client)
    page = text(client.get("/accounts/2fa/"))
    assert 'name="otp_token"' in page
    assert page.count("<select") == 1
    assert 'name="language"' in page
    assert "otp_device" not in page
    assert "Otp device" not in page
    assert 'name="otp_challenge"' not in page


def test_no_main_menu_until_the_code_is_given(client: Client, enrolled) -> None:  # noqa: F811
    _password(client)
    page = text(client.get("/accounts/2fa/"))
    assert "Huvudmeny" not in page
    assert "/budget/" not in page
    assert "/payments/" not in page
    assert "Logga ut" in page  # leaving stays possible
    # Other pages open before the second step show no menu either.
    assert "Huvudmeny" not in text(client.get("/accessibility/"))


def test_the_menu_is_back_after_the_second_step(client: Client) -> None:
    login(client, "handlaggare")
    page = text(client.get("/"))
    assert "Huvudmeny" in page
    assert 'href="/payments/"' in page


def test_partner_users_have_no_second_step_and_see_the_menu(client: Client) -> None:
    login(client, "coompanion")
    assert "Huvudmeny" in text(client.get("/"))
