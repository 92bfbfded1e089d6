"""Swedish first, English when chosen and remembered; formats follow the language (issue 7)."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.helpers import login, text

pytestmark = pytest.mark.django_db
PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def choose_english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302


def test_swedish_even_when_the_browser_prefers_english(client: Client) -> None:
    response = client.get("/accounts/login/", headers={"accept-language": "en-GB,en;q=0.9"})
    body = text(response)
    assert '<html lang="sv"' in body
    assert "Logga in" in body
    assert response["Content-Language"] == "sv"


def test_english_is_chosen_and_remembered(client: Client) -> None:
    choose_english(client)
    for _ in range(2):  # the next requests keep it: the choice is a cookie
        body = text(client.get("/accounts/login/"))
        assert '<html lang="en"' in body
        assert "Log in" in body
        assert "Logga in" not in body
    client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    assert "Logga in" in text(client.get("/accounts/login/"))


def test_english_formats_for_amounts_percent_and_dates(client: Client, demo: None) -> None:
    login(client, "handlaggare")
    choose_english(client)
    body = text(client.get("/budget/2024/"))
    assert "SEK 39,000,000" in body
    assert "30.5%" in body  # issue 19: no space before the sign in English
    assert "Log out" in body
    assert "Logga ut" not in body
    editor = text(client.get("/budget/2024/grundfinansiering/allocations/"))
    assert "24 October 2023" in editor
    swedish = Client()
    login(swedish, "handlaggare")
    assert "39 000 000 kr" in text(swedish.get("/budget/2024/"))
    assert "30,5 %" in text(swedish.get("/budget/2024/"))


def test_every_message_has_an_english_translation() -> None:
    catalogue = PO.read_text(encoding="utf-8")
    # The first block is the header; "#~" blocks are obsolete messages no code uses.
    entries = [e for e in catalogue.split("\n\n")[1:] if not e.lstrip().startswith("#~")]
    untranslated = []
    for entry in entries:
        if "#, fuzzy" in entry:
            untranslated.append(entry)
            continue
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', entry + "\n", re.MULTILINE)
        if not strings or any(re.sub(r'"\s*"', "", s).strip() == '""' for s in strings):
            untranslated.append(entry)
    assert untranslated == []
    assert len(entries) > 300


def test_the_compiled_catalogue_is_in_the_repository() -> None:
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 1
    with translation.override("en"):
        assert gettext("Logga in") == "Log in"
        assert gettext("Överenskommelser") == "Agreements"
