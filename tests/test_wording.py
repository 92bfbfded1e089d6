"""Issue 19's wording: one Swedish term per concept and the English the issue lists."""

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tests.helpers import login, text

pytestmark = pytest.mark.django_db

SWEDISH_AMOUNT = re.compile(r"\d kr\b|\d{1,3}(?:[ \u00a0]\d{3})+")


def english(client: Client, username: str) -> Client:
    login(client, username)
    client.cookies["django_language"] = "en"
    return client


def main(body: str) -> str:
    """The text of the page's main element, without tags (an SVG viewBox is not an amount)."""
    return re.sub(r"<[^>]+>", " ", body.split("<main", 1)[1].split("</main>", 1)[0])


def test_english_terms_the_issue_asks_for() -> None:
    with translation.override("en"):
        assert gettext("Utbetalas") == "Payable on"  # a planned payment is not paid yet
        assert gettext("Justerat") == "Minutes approved"
        assert gettext("Återkalla till utkast") == "Return to draft"
        assert gettext("Nästa återrapportering") == "Next report due"
        assert gettext("Fatta beslutet") == "Record as decided"
        assert gettext("Ram") == gettext("ram").capitalize() == "Funding frame"
        assert "kr" not in gettext("Ange ett belopp större än 0 kr.")


def test_saved_message_counts_amounts() -> None:
    message = "Fördelningen är sparad (%(n)s belopp ändrades)."
    assert ngettext(message, message, 3) % {"n": 3} == "Fördelningen är sparad (3 belopp ändrades)."
    with translation.override("en"):
        assert ngettext(message, message, 1) % {"n": 1} == (
            "The allocation has been saved (1 amount changed)."
        )
        assert ngettext(message, message, 3) % {"n": 3} == (
            "The allocation has been saved (3 amounts changed)."
        )


def test_saving_three_amounts_says_so(client: Client, demo: None) -> None:
    login(client, "handlaggare")
    url = "/budget/2025/grundfinansiering/allocations/"
    body = client.get(url).content.decode()
    data = dict(re.findall(r'name="((?:amount|version)_\d+)"[^>]*?value="([^"]*)"', body))
    data.update(dict(re.findall(r'type="hidden" name="(version_\d+)" value="(\d+)"', body)))
    amounts = sorted(k for k in data if k.startswith("amount_"))[:3]
    for key in amounts:
        data[key] = "1 000 000"
    data["csrfmiddlewaretoken"] = ""
    response = client.post(url, data, follow=True)
    assert "Fördelningen är sparad (3 belopp ändrades)." in text(response)


@pytest.mark.parametrize(
    "path",
    [
        "/budget/2024/",
        "/budget/2025/",
        "/budget/2024/grundfinansiering/allocations/",
        "/budget/2024/grundfinansiering/history/",
        "/agreements/",
        "/agreements/GF-2024-COOMPANION/",
        "/partners/coompanion/",
        "/payments/",
        "/decisions/",
    ],
)
def test_english_pages_have_no_swedish_amounts(client: Client, demo: None, path: str) -> None:
    body = main(text(english(client, "handlaggare").get(path)))
    # Partners' names, purposes and decision texts are data, written in Swedish; the page's own
    # sentences and figures follow the language.
    assert SWEDISH_AMOUNT.findall(body) == []
    assert not re.search(r"\d,\d %|\d \u00a0?%", body)


def test_planned_payments_are_payable_not_paid(client: Client, demo: None) -> None:
    body = text(english(client, "handlaggare").get("/agreements/GF-2024-COOMPANION/"))
    assert '<th scope="col">Payable on</th>' in body
    assert "Next report due" in body
    assert "approved and every instalment" in body  # "and", not the Swedish "och"


def test_sent_agreement_can_return_to_draft(client: Client, demo: None) -> None:
    body = text(english(client, "handlaggare").get("/agreements/GF-2024-HIGHFIVE/"))
    assert "Return to draft" in body


def test_approved_decision_says_minutes_approved(client: Client, demo: None) -> None:
    body = text(english(client, "sekreterare").get("/decisions/"))
    assert "Minutes approved" in body


def test_swedish_dates_spell_the_month_in_swedish(client: Client, demo: None) -> None:
    """The notices on an agreement said "7 Dec 2026": Django's "M" capitalises the month."""
    body = main(text(login(client, "handlaggare").get("/agreements/GF-2024-COOMPANION/")))
    assert not re.search(r"\d (Jan|Feb|Mar|Apr|Maj|Jun|Jul|Aug|Sep|Okt|Nov|Dec) \d{4}", body)
    assert re.search(
        r"\d+ (januari|februari|mars|april|maj|juni|juli|augusti|september|oktober"
        r"|november|december) \d{4}",
        body,
    )


def test_one_swedish_term_and_no_circular_sentence() -> None:
    """'överenskommelseperioden', never 'avtalsperioden'; no "Bidraget är ett bidrag …"."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sources = [
        p
        for folder in ("templates", "agreements", "funding", "partners", "core", "exports")
        for p in (root / folder).rglob("*")
        if p.suffix in {".py", ".html", ".txt"} and "migrations" not in p.parts
    ]
    assert len(sources) > 100
    for path in sources:
        content = path.read_text(encoding="utf-8")
        assert "avtalsperiod" not in content, path
        assert "Bidraget är ett bidrag" not in content, path
