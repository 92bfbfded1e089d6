"""The admin is one more interface: its writes go through the same services and rules."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from funding.models import Allocation, Decision, Programme
from partners.models import Partner
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(demo: None, client: Client) -> Client:
    login(client, "admin")
    return client


def _url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_has_an_admin_that_renders(admin_client: Client) -> None:
    from django.apps import apps

    ours = [
        m
        for app in ("accounts", "audit", "partners", "funding", "agreements")
        for m in apps.get_app_config(app).get_models()
    ]
    missing = [m.__name__ for m in ours if m not in admin.site._registry]
    assert missing == []
    for model in ours:
        assert admin_client.get(_url(model, "changelist")).status_code == 200, model
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            assert admin_client.get(_url(model, "change", first.pk)).status_code == 200, model
        if admin.site._registry[model].has_add_permission(
            type("R", (), {"user": User.objects.get(username="admin")})()
        ):
            assert admin_client.get(_url(model, "add")).status_code == 200, model


def _form(admin_client: Client, url: str) -> dict[str, str]:
    """The admin form's current values, as a browser would post them back."""
    response = admin_client.get(url)
    form = response.context["adminform"].form
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}


def test_admin_edit_of_draft_allocation_goes_through_the_service(admin_client: Client) -> None:
    allocation = Allocation.objects.get(
        programme__budget_year__year=2025, partner__slug="coompanion"
    )
    url = _url(Allocation, "change", allocation.pk)
    response = admin_client.post(url, {"amount": "1300000"})
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("1300000")
    assert allocation.version == 2
    event = AuditEvent.objects.for_object(allocation).latest("id")
    assert event.changes == {"amount": ["1250000", "1300000"]}
    assert event.actor is not None
    assert event.actor.username == "admin"


def test_admin_cannot_edit_decided_money(admin_client: Client) -> None:
    allocation = Allocation.objects.get(programme__budget_year__year=2024, partner__slug="matgille")
    response = admin_client.post(_url(Allocation, "change", allocation.pk), {"amount": "1"})
    assert response.status_code == 200
    assert "nytt beslut" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("3000000")


def test_admin_stale_allocation_edit_is_a_conflict(admin_client: Client) -> None:
    allocation = Allocation.objects.get(programme__budget_year__year=2025, partner__slug="highfive")
    url = _url(Allocation, "change", allocation.pk)
    seen = _form(admin_client, url)["seen_version"]
    # Another official saves between this admin's page load and their save.
    from funding import services

    services.set_allocations(
        programme=allocation.programme,
        amounts={allocation.partner_id: Decimal("2222222")},
        by=User.objects.get(username="handlaggare"),
    )
    response = admin_client.post(url, {"amount": "1", "seen_version": seen})
    assert response.status_code == 200
    assert "sparades i en annan flik eller av någon annan" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("2222222")


def test_admin_programme_over_source_shows_error_and_saves_nothing(admin_client: Client) -> None:
    programme = Programme.objects.get(budget_year__year=2024)
    before = AuditEvent.objects.count()
    response = admin_client.post(
        _url(Programme, "change", programme.pk),
        {"name": programme.name, "ceiling": "39000001", "source_rule_override_reason": ""},
    )
    assert response.status_code == 200
    assert "överstiga källans belopp" in response.content.decode()
    programme.refresh_from_db()
    assert programme.ceiling == Decimal("11900000")
    assert AuditEvent.objects.count() == before


def test_admin_partner_with_bad_organisation_number(admin_client: Client) -> None:
    partner = Partner.objects.get(slug="coompanion")
    data = _form(admin_client, _url(Partner, "change", partner.pk))
    data["organisation_number"] = "232100-0116"
    response = admin_client.post(_url(Partner, "change", partner.pk), data)
    assert response.status_code == 200
    assert "Kontrollsiffran" in response.content.decode()
    partner.refresh_from_db()
    assert partner.organisation_number == "999990-0013"  # the demo's, unchanged (issue 19)


def test_admin_decide_action_applies_the_ceiling(admin_client: Client) -> None:
    from datetime import date

    from funding import services

    secretary = User.objects.get(username="sekreterare")
    decision = services.create_decision(
        meeting_date=date(2024, 10, 22),
        paragraph=7,
        registration_number="RS240007",
        title="Grundfinansiering 2025",
        text="Text",
        by=secretary,
    )
    programme = Programme.objects.get(budget_year__year=2025)
    services.update_programme(programme=programme, ceiling=Decimal("1000000"), by=None)
    for allocation in programme.allocations.all():
        services.add_to_decision(decision=decision, allocation=allocation, by=secretary)
    response = admin_client.post(
        _url(Decision, "changelist"),
        {"action": "decide", "_selected_action": [decision.pk]},
        follow=True,
    )
    assert "över taket" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == "draft"


def test_admin_adds_standard_terms_and_keeps_a_used_version_frozen(admin_client: Client) -> None:
    """Issue 19: the standard terms are data an administrator edits; a version agreements
    carry is read-only, a malformed clause list is a message, not a server error."""
    import json

    from agreements.models import StandardTerms

    used = StandardTerms.objects.get(version=1)
    assert used.agreements.exists()  # the demo's sent and signed agreements carry it
    form = admin_client.get(_url(StandardTerms, "change", used.pk)).context["adminform"].form
    assert "clauses" not in form.fields  # read-only
    add = _url(StandardTerms, "add")
    bad = admin_client.post(
        add, {"title": "Villkor", "valid_from": "2025-01-01", "clauses": '[{"heading": "x"}]'}
    )
    assert bad.status_code == 200
    assert "ska ha en rubrik" in bad.content.decode()
    clauses = [{"heading": "Återbetalning", "text": "Bidrag som inte används betalas tillbaka."}]
    ok = admin_client.post(
        add, {"title": "Villkor 2025", "valid_from": "2025-01-01", "clauses": json.dumps(clauses)}
    )
    assert ok.status_code == 302
    added = StandardTerms.objects.get(version=2)
    assert (added.title, added.clauses) == ("Villkor 2025", clauses)
    assert AuditEvent.objects.filter(action="standard_terms.created").count() == 1
