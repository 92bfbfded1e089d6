"""The officials' payments page: list, filters, release and book as paid (issue 15)."""

import hashlib
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from agreements.models import Instalment, InstalmentStatus, SignedDocument
from agreements.selectors import payments_for
from agreements.views.payments import PAYMENTS_PER_PAGE
from core.views import CSRF_SLOT
from tests.helpers import add_partners_with_decided_2024, add_signed_agreements, login, text

pytestmark = pytest.mark.django_db

SIGNED = "GF-2024-MATGILLE"  # signed; its first instalment is due and planned


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def official() -> Client:
    client = Client()
    login(client, "handlaggare")
    return client


def first(reference: str = SIGNED) -> Instalment:
    return Instalment.objects.filter(agreement__reference=reference).order_by("number")[0]


def test_the_page_lists_only_payable_instalments_soonest_first() -> None:
    body = text(official().get("/payments/"))
    assert 'href="/agreements/GF-2024-COOMPANION/"' in body  # signed by both
    assert 'href="/agreements/GF-2024-MATGILLE/"' in body
    assert "GF-2024-HIGHFIVE" not in body  # sent, not signed: nothing to pay yet
    assert "GF-2024-LEAP-FOR-LIFE" not in body
    assert 'class="govuk-tag govuk-tag--grey tag tag-planned"' in body
    assert "det kan inte ångras" in body  # confirmation before what cannot be undone


def test_release_then_book_paid_from_the_page() -> None:
    client = official()
    instalment = first()
    refused = client.post(f"/payments/{instalment.pk}/release/", {"query": "status=planned"})
    assert refused.status_code == 302
    assert refused["Location"] == "/payments/?status=planned"
    assert "Kryssa i" in text(client.get(refused["Location"]))
    assert first().status == InstalmentStatus.PLANNED

    released = client.post(f"/payments/{instalment.pk}/release/", {"confirm": "on"}, follow=True)
    assert "Utbetalningen är attesterad" in text(released)
    assert first().status == InstalmentStatus.RELEASED

    today = timezone.localdate().isoformat()
    bad = client.post(f"/payments/{instalment.pk}/paid/", {"paid_on": "igår"}, follow=True)
    assert "giltigt datum" in text(bad)
    paid = client.post(
        f"/payments/{instalment.pk}/paid/",
        {"paid_on": today, "finance_reference": "V-77"},
        follow=True,
    )
    assert "bokförd som betald" in text(paid)
    assert (first().status, first().finance_reference) == (InstalmentStatus.PAID, "V-77")
    assert "(V-77)" in text(client.get("/payments/?status=paid"))


def test_a_refused_step_says_why() -> None:
    client = official()
    response = client.post(f"/payments/{first().pk}/paid/", {"paid_on": "2024-06-01"}, follow=True)
    assert "Bara en attesterad utbetalning" in text(response)


@pytest.mark.parametrize("query", ["ar=2024", "ar=abc", "status=released", "status=x", "sida=999"])
def test_filters_that_make_no_sense_are_ignored(query: str) -> None:
    assert official().get(f"/payments/?{query}").status_code == 200


def test_the_way_back_keeps_only_the_pages_own_filters() -> None:
    response = official().post(
        f"/payments/{first().pk}/release/",
        {"query": "ar=2024&next=https://evil.example/&status=planned\r\nX: y"},
    )
    assert response["Location"] == "/payments/?ar=2024"


def _seal_rows_for(references: list[str]) -> None:
    """Sealed-document rows (the payments page lists only signed agreements), in bulk."""
    SignedDocument.objects.bulk_create(
        SignedDocument(
            agreement=instalment_agreement,
            agreement_version=1,
            file=f"agreements/test/{instalment_agreement.reference}.pdf",
            sha256=hashlib.sha256(instalment_agreement.reference.encode()).hexdigest(),
            size=1,
        )
        for instalment_agreement in [
            i.agreement
            for i in Instalment.objects.filter(number=1, agreement__reference__in=references)
        ]
    )


def test_the_page_keeps_a_constant_number_of_queries() -> None:
    client = official()
    with CaptureQueriesContext(connection) as few:
        client.get("/payments/")
    with_few = len(few)
    agreements = add_signed_agreements(add_partners_with_decided_2024(40))
    _seal_rows_for([a.reference for a in agreements])
    with CaptureQueriesContext(connection) as many:
        body = text(client.get("/payments/"))
    pages = -(-payments_for(User.objects.get(username="handlaggare")).count() // PAYMENTS_PER_PAGE)
    assert pages > 1
    assert f"Sida 1 av {pages}" in body
    assert len(many) == with_few


def test_each_visitor_gets_their_own_csrf_token_in_the_cached_rows() -> None:
    """The rows are cached with a slot for the token: whoever reads them second must get a
    working form of their own, never the first visitor's token."""
    first_client, second = official(), Client(enforce_csrf_checks=True)
    login(second, "handlaggare")
    first_client.get("/payments/")  # fills the cache
    body = second.get("/payments/").content.decode()
    assert CSRF_SLOT not in body
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body))
    assert tokens
    instalment = first()
    response = second.post(
        f"/payments/{instalment.pk}/release/",
        {"csrfmiddlewaretoken": tokens.pop(), "confirm": "on"},
    )
    assert response.status_code == 302  # not 403: the token is this session's
    instalment.refresh_from_db()
    assert instalment.status == InstalmentStatus.RELEASED
    # The release moved the revision on: the page shows it at once.
    assert "attesterad" in text(second.get("/payments/?status=released")).lower()
