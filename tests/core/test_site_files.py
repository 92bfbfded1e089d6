"""/robots.txt, /favicon.ico and the print stylesheet (issue 19)."""

import pytest
from django.test import Client

from tests.helpers import login, text

pytestmark = pytest.mark.django_db


def test_robots_txt_allows_only_verify_and_open_data(client: Client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines == ["User-agent: *", "Allow: /verify/", "Allow: /open-data/", "Disallow: /"]


def test_favicon_is_an_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert "max-age=86400" in response["Cache-Control"]


def test_both_answer_half_logged_in_staff_without_the_second_step(client: Client) -> None:
    from accounts.models import Role, User

    User.objects.create_user("halv", password="ett-langt-losenord-1", role=Role.OFFICIAL)
    client.post("/accounts/login/", {"username": "halv", "password": "ett-langt-losenord-1"})
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/favicon.ico").status_code == 200


def test_pages_link_the_print_stylesheet(client: Client, demo: None) -> None:
    login(client, "handlaggare")
    page = text(client.get("/agreements/GF-2024-COOMPANION/"))
    assert 'print.css" media="print"' in page


def test_the_print_stylesheet_hides_the_site_around_the_record(client: Client) -> None:
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text()
    for hidden in (".site-header nav", ".site-footer", "button", "form", ".actions"):
        assert hidden in css
    assert "break-inside: avoid" in css
