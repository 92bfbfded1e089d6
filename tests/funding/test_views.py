"""The budget pages through real requests (design §4 steps 1–2, issue 3)."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from funding import services
from funding.models import Allocation, BudgetYear, Programme
from partners.models import Partner
from tests.helpers import NBSP, login, text

pytestmark = pytest.mark.django_db

EDITOR_2025 = "/budget/2025/grundfinansiering/allocations/"
EDITOR_2024 = "/budget/2024/grundfinansiering/allocations/"


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


@pytest.fixture
def official(client: Client) -> Client:
    return login(client, "handlaggare")


def editor_post(client: Client, url: str = EDITOR_2025, **overrides: str) -> dict[str, str]:
    """The editor's form as the browser would post it, with some amounts overridden by slug."""
    page = client.get(url).content.decode()
    data = dict(re.findall(r'name="((?:amount|version)_\d+)"[^>]*?value="([^"]*)"', page))
    data.update(dict(re.findall(r'type="hidden" name="(version_\d+)" value="(\d+)"', page)))
    data["csrfmiddlewaretoken"] = "x"
    for slug, value in overrides.items():
        pid = Partner.objects.get(slug=slug.replace("_", "-")).pk
        data[f"amount_{pid}"] = value
    return data


def amounts_2025() -> dict[str, Decimal]:
    return dict(
        Allocation.objects.filter(programme__budget_year__year=2025).values_list(
            "partner__slug", "amount"
        )
    )


# --- overview ----------------------------------------------------------------------------


def test_overview_shows_sources_programmes_share_and_chart(official: Client) -> None:
    response = official.get("/budget/2024/")
    assert response.status_code == 200
    body = text(response)
    assert "39 000 000 kr" in body
    assert "14 700 000 kr" in body
    assert "30,5 %" in body
    assert "Exempeldata" in body
    assert 'role="img"' in body
    assert "<svg" in body
    # The chart's numbers are in the table as well.
    assert "3 000 000 kr" in body
    assert body.count("<rect") == 6
    assert "11 900 000 kr" in body


def test_overview_for_secretary_is_read_only(client: Client) -> None:
    body = text(login(client, "sekreterare").get("/budget/2024/"))
    assert "30,5 %" in body
    assert "Starta" not in body


@pytest.mark.parametrize(
    "url",
    [
        "/budget/",
        "/budget/2024/",
        EDITOR_2024,
        EDITOR_2025,
        "/budget/2025/grundfinansiering/history/",
    ],
)
def test_partners_get_404_everywhere(client: Client, url: str) -> None:
    assert login(client, "matgille").get(url).status_code == 404


def test_partner_post_is_404_too(client: Client) -> None:
    login(client, "matgille")
    assert client.post(EDITOR_2025, {}).status_code == 404
    assert client.post("/budget/2025/start-next/", {}).status_code == 404


def test_anonymous_goes_to_login(client: Client) -> None:
    response = client.get("/budget/2024/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_year_and_programme_are_404(official: Client) -> None:
    assert official.get("/budget/1999/").status_code == 404
    assert official.get("/budget/2025/nope/allocations/").status_code == 404


# --- the editor ---------------------------------------------------------------------------


def test_editor_labels_each_input_with_the_partner_name(official: Client) -> None:
    body = official.get(EDITOR_2025).content.decode()
    for partner in Partner.objects.all():
        field_id = f"id_amount_{partner.pk}"
        assert f'<label for="{field_id}">{partner.display_name}</label>' in body
        assert f'id="{field_id}"' in body


def test_decided_allocations_are_read_only_with_their_decision(official: Client) -> None:
    body = text(official.get(EDITOR_2024))
    assert 'name="amount_' not in body
    assert "Beslutad" in body
    assert "§ 101" in body
    assert "24 oktober 2023" in body


@pytest.mark.parametrize(
    "typed", ["3 000 000", "3000000", "3 000 000,00", "3000000.00", f"3{NBSP}000{NBSP}000"]
)
def test_saving_accepts_swedish_formats(official: Client, typed: str) -> None:
    data = editor_post(official, coompanion=typed)
    response = official.post(EDITOR_2025, data)
    assert response.status_code == 302
    assert amounts_2025()["coompanion"] == Decimal("3000000")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("3,5 mnkr", "utan enhet"),
        ("-1", "negativt"),
        ("1e6", "med siffror"),
        ("1 000,50", "hela kronor"),
        ("abc", "med siffror"),
        ("<script>alert(1)</script>", "med siffror"),
    ],
)
def test_bad_amount_gets_a_message_next_to_the_field_and_keeps_input(
    official: Client, typed: str, message: str
) -> None:
    before = amounts_2025()
    data = editor_post(official, coompanion=typed, highfive="2 500 000")
    response = official.post(EDITOR_2025, data)
    assert response.status_code == 400
    body = response.content.decode()
    pid = Partner.objects.get(slug="coompanion").pk
    error_id = f"id_amount_{pid}-error"
    assert f'aria-describedby="{error_id}"' in body
    error = re.search(rf'<p class="field-error" id="{error_id}">([^<]*)</p>', body)
    assert error is not None
    assert message in error.group(1)
    # What they typed is still there, escaped, in both fields.
    assert 'value="2 500 000"' in body
    assert "<script>alert(1)</script>" not in body
    assert amounts_2025() == before


def test_over_ceiling_is_saved_as_draft_with_a_warning(official: Client) -> None:
    data = editor_post(official, coompanion="5 000 000")
    response = official.post(EDITOR_2025, data, follow=True)
    body = text(response)
    assert "överstiger taket med 3 750 000 kr" in body
    assert amounts_2025()["coompanion"] == Decimal("5000000")
    assert {a.status for a in Allocation.objects.filter(programme__budget_year__year=2025)} == {
        "draft"
    }


def test_preview_recomputes_without_saving(official: Client) -> None:
    before = amounts_2025()
    data = editor_post(official, coompanion="2 000 000")
    data["preview"] = "1"
    body = text(official.post(EDITOR_2025, data))
    assert "12 650 000 kr" in body  # 11 900 000 − 1 250 000 + 2 000 000
    assert "Över taket" in body
    assert amounts_2025() == before


def test_live_totals_fragment(official: Client) -> None:
    before = amounts_2025()
    data = editor_post(official, coompanion="1 000 000", matgille="oops")
    response = official.post(EDITOR_2025.replace("allocations/", "allocations/totals/"), data)
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<div id="allocation-totals"')
    assert "<html" not in body
    # 11 900 000 − 1 250 000 + 1 000 000 − 3 000 000 (unreadable, not counted)
    assert "8 650 000 kr" in body
    assert "1 belopp kunde inte läsas" in body
    assert amounts_2025() == before


def test_reason_and_history(official: Client) -> None:
    data = editor_post(official, coompanion="1 300 000")
    data["reason"] = "Utökat uppdrag om kooperativ omställning"
    assert official.post(EDITOR_2025, data).status_code == 302
    event = AuditEvent.objects.filter(action="allocation.updated").latest("id")
    assert event.reason == "Utökat uppdrag om kooperativ omställning"
    body = text(official.get("/budget/2025/grundfinansiering/history/"))
    assert "Utökat uppdrag om kooperativ omställning" in body
    assert "1 250 000 kr → 1 300 000 kr" in body
    assert "Demo Handläggare" in body
    assert (
        'href="/budget/2025/grundfinansiering/history/"'
        in official.get(EDITOR_2025).content.decode()
    )


def test_second_save_on_stale_data_is_refused_and_keeps_input(official: Client) -> None:
    stale = editor_post(official, coompanion="1 111 111", tek_kompetens="999 999")
    # Meanwhile, the secretary's colleague (another official) saves Coompanion.
    other = User.objects.create_user("official2", role="official", first_name="Annan")
    coompanion = Partner.objects.get(slug="coompanion")
    programme = Programme.objects.get(budget_year__year=2025)
    services.set_allocations(
        programme=programme, amounts={coompanion.pk: Decimal("1400000")}, by=other
    )
    response = official.post(EDITOR_2025, stale)
    assert response.status_code == 409
    body = text(response)
    assert "sparades i en annan flik eller av någon annan" in body  # issue 19: may be you
    assert "1 400 000 kr" in body  # what is saved now
    assert "Annan" in body  # who changed it
    assert 'value="1 111 111"' in body  # their input is kept
    assert 'value="999 999"' in body
    assert amounts_2025()["coompanion"] == Decimal("1400000")
    assert amounts_2025()["tek-kompetens"] == Decimal("1850000")  # nothing else saved either
    # Saving the form as re-shown is a deliberate overwrite and succeeds.
    again = dict(
        re.findall(
            r'name="((?:amount|version)_\d+)"[^>]*?value="([^"]*)"', response.content.decode()
        )
    )
    again.update(
        dict(
            re.findall(
                r'type="hidden" name="(version_\d+)" value="(\d+)"', response.content.decode()
            )
        )
    )
    assert official.post(EDITOR_2025, again).status_code == 302
    assert amounts_2025()["coompanion"] == Decimal("1111111")


def test_conflict_with_your_own_other_tab_says_it_may_be_you(official: Client) -> None:
    """Issue 19: the same official saved in another tab; the message does not blame "someone
    else"."""
    stale = editor_post(official, coompanion="1 111 111")
    other_tab = editor_post(official, coompanion="1 222 222")
    assert official.post(EDITOR_2025, other_tab).status_code == 302
    response = official.post(EDITOR_2025, stale)
    assert response.status_code == 409
    body = text(response)
    assert "sparades i en annan flik eller av någon annan" in body
    assert "Du, i en annan flik" in body
    assert amounts_2025()["coompanion"] == Decimal("1222222")


def test_history_shows_no_unchanged_values(official: Client) -> None:
    """Issue 19: no "2 000 000 kr → 2 000 000 kr" or "Beslutad → Beslutad" rows."""
    body = text(official.get("/budget/2024/grundfinansiering/history/"))
    assert "Fördelningen beslutades" in body
    rows = re.findall(r"<li>([^<:]+): ([^<]+) → ([^<]+)</li>", body)
    assert rows
    assert [r for r in rows if r[1].strip() == r[2].strip()] == []


def test_tampered_version_is_a_clear_error(official: Client) -> None:
    data = editor_post(official)
    key = next(k for k in data if k.startswith("version_"))
    data[key] = "abc"
    response = official.post(EDITOR_2025, data)
    assert response.status_code == 400
    assert "Ladda om" in response.content.decode()


def test_secretary_sees_editor_read_only_and_cannot_post(client: Client) -> None:
    login(client, "sekreterare")
    body = client.get(EDITOR_2025).content.decode()
    assert 'name="amount_' not in body
    assert "inte ändra" in body
    before = amounts_2025()
    assert client.post(EDITOR_2025, {"amount_1": "1"}).status_code == 403
    assert amounts_2025() == before


# --- a new year ---------------------------------------------------------------------------


def test_start_next_year_copying_amounts(official: Client) -> None:
    response = official.post("/budget/2025/start-next/", {"copy_amounts": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/budget/2026/"
    year = BudgetYear.objects.get(year=2026)
    assert year.status == "preparation"
    assert year.sources.count() == 2
    programme = Programme.objects.get(budget_year=year)
    assert programme.name == "Grundfinansiering 2026"
    assert programme.ceiling == Decimal("11900000")
    copied = dict(programme.allocations.values_list("partner__slug", "amount"))
    assert copied == amounts_2025()
    assert {a.status for a in programme.allocations.all()} == {"draft"}


def test_start_next_year_without_amounts(official: Client) -> None:
    official.post("/budget/2025/start-next/", {})
    assert not Allocation.objects.filter(programme__budget_year__year=2026).exists()
    assert Programme.objects.filter(budget_year__year=2026).count() == 1


def test_start_next_year_twice_is_refused_with_a_message(official: Client) -> None:
    official.post("/budget/2024/start-next/", {})  # 2025 already exists
    body = text(official.get("/budget/2024/"))
    assert "Budgetåret 2025 finns redan." in body
    assert BudgetYear.objects.count() == 2


def test_secretary_cannot_start_a_year(client: Client) -> None:
    login(client, "sekreterare")
    assert client.post("/budget/2025/start-next/", {}).status_code == 403
    assert not BudgetYear.objects.filter(year=2026).exists()


def test_history_of_a_decided_programme_says_who_decided(official: Client) -> None:
    body = text(official.get("/budget/2024/grundfinansiering/history/"))
    assert "Status: Utkast → Beslutad" in body
    assert "Demo Sekreterare" in body
    assert "Belopp: – → 3 000 000 kr" in body  # created by the official
