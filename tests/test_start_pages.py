"""Start pages that say what to do next (issue 15; design §4 workflow 10): for partners, per
agreement, with late reports first; for officials and secretaries, what waits, with counts and
links. No dead ends: every link on a start page opens for the user who sees it."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.accounts.test_session_cache import redis_url, shared_cache  # noqa: F401
from tests.helpers import login, text

pytestmark = pytest.mark.django_db


def start(username: str) -> tuple[Client, str]:
    client = login(Client(), username)
    response = client.get("/")
    assert response.status_code == 200
    return client, text(response)


def main(body: str) -> str:
    return body[body.index("<main") : body.index("</main>")]


def links(body: str) -> list[str]:
    return [
        href for href in re.findall(r'href="([^"#]+)[^"]*"', main(body)) if href.startswith("/")
    ]


def test_the_partner_sees_what_to_do_with_the_late_report_first(demo: None) -> None:
    _client, body = start("matgille")
    page = main(body)
    late = page.index("Skriv återrapporten: Slutrapport med ekonomisk redovisning")
    assert "Försenad" in page[late : late + 300]
    assert "/agreements/GF-2024-MATGILLE/reports/" in page
    assert "Nästa utbetalning" in page
    assert "när ”Lägesrapport om verksamheten första halvåret” är godkänd" not in page  # #1 first
    assert "Planerad" in page


def test_a_returned_report_and_a_released_payment_show_on_the_partners_page(demo: None) -> None:
    _client, body = start("coompanion")
    page = main(body)
    assert "Komplettera återrapporten: Slutrapport med ekonomisk redovisning" in page
    assert "Attesterad för utbetalning" in page  # the next payment is on its way
    assert "Utbetalt" in page


def test_a_signatory_is_asked_to_sign(demo: None) -> None:
    _client, body = start("highfive")
    assert 'href="/agreements/GF-2024-HIGHFIVE/sign/"' in body
    _client, body = start("tek-kompetens")
    assert "Avslutad: allt är rapporterat och utbetalt." in body


def todo_counts(body: str) -> dict[str, int]:
    found = re.findall(
        r'<li><a href="[^"]*">([^<]+)</a> <span class="count[^"]*">(\d+)</span>', body
    )
    return {label: int(n) for label, n in found}


def test_the_official_sees_what_waits_for_the_region(demo: None) -> None:
    _client, body = start("handlaggare")
    assert todo_counts(body) == {
        "Överenskommelser att skriva under för regionen": 1,  # Connect Väst
        "Tillägg att skriva under för regionen": 0,  # Coompanion's is signed by both
        "Inlämnade återrapporter att granska": 1,  # Hallands Matgille's half-year report
        "Försenade återrapporter": 2,  # Matgille's final (not written), Coompanion's (returned)
        # Matgille #1 (due); #2 waits for the report under review, so it is not counted.
        "Utbetalningar att attestera": 1,
        "Attesterade utbetalningar att bokföra som betalda": 1,  # Coompanion #2
        "Beslutade fördelningar utan överenskommelse": 0,
    }
    assert "Budgetöversikt 2024" in body


def test_the_secretary_sees_decisions_to_finish(demo: None) -> None:
    _client, body = start("sekreterare")
    assert todo_counts(body) == {"Beslut i utkast": 0, "Beslut som väntar på justering": 0}


@pytest.mark.parametrize(
    "username", ["handlaggare", "sekreterare", "matgille", "coompanion", "highfive"]
)
def test_no_dead_ends(demo: None, username: str) -> None:
    client, body = start(username)
    targets = links(body)
    assert targets
    for href in targets:
        assert client.get(href).status_code == 200, href


def test_a_change_shows_at_once_though_the_pages_are_cached(demo: None) -> None:
    """The start pages are computed once per recorded change (audit.cache): the next request
    after a change sees it."""
    from accounts.models import User
    from agreements import services
    from agreements.models import Instalment, ReportingRequirement

    _client, before = start("coompanion")
    assert "Komplettera återrapporten" in before
    final = ReportingRequirement.objects.filter(agreement__reference="GF-2024-COOMPANION").latest(
        "due_date"
    )
    services.submit_report(report=final.report, by=User.objects.get(username="coompanion"))
    _client, after = start("coompanion")
    assert "Komplettera återrapporten" not in after

    _client, body = start("handlaggare")
    assert todo_counts(body)["Utbetalningar att attestera"] == 1
    services.release_instalment(
        instalment=Instalment.objects.get(agreement__reference="GF-2024-MATGILLE", number=1),
        by=User.objects.get(username="handlaggare"),
    )
    _client, body = start("handlaggare")
    assert todo_counts(body)["Utbetalningar att attestera"] == 0


@pytest.mark.parametrize("username", ["handlaggare", "sekreterare", "coompanion"])
@pytest.mark.usefixtures("shared_cache")
def test_a_start_page_read_again_asks_the_database_nothing(demo: None, username: str) -> None:
    """With Redis as the servers have it: the session, the user with their permissions, the
    history's revision, and what waits (for staff with the year, for a partner user with whom
    they represent) all come from the cache."""
    client = login(Client(), username)
    assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert [q["sql"] for q in queries] == [], queries.captured_queries


@pytest.mark.parametrize("cache", ["per_process", "shared_cache"])
def test_a_membership_ended_outside_the_services_shows_on_the_partner_start_page_at_once(
    demo: None, cache: str, request: pytest.FixtureRequest
) -> None:
    """The cached cards are keyed by the membership they show (it comes with the session's
    user), so deleting it, as the admin's raw delete or a script would, needs no recorded
    change to take effect."""
    from partners.models import PartnerMembership

    if cache == "shared_cache":
        request.getfixturevalue("shared_cache")
    client = login(Client(), "coompanion")
    assert "Du företräder Coompanion" in text(client.get("/"))
    PartnerMembership.objects.filter(user__username="coompanion").delete()
    body = text(client.get("/"))
    assert "Du företräder" not in body
    assert "GF-2024-COOMPANION" not in body
