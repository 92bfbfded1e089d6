"""Partner pages (issue 15; design §6): the list for staff, one partner with its agreements,
reports and payments; officials keep the data and contacts, with history; a partner user sees
their own organisation, read only."""

import pytest
from django.test import Client

from audit.actions import AuditAction
from audit.models import AuditEvent
from partners.models import Partner
from tests.helpers import login, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def test_the_list_shows_each_partner_with_agreements_amount_and_late_reports() -> None:
    body = text(login(Client(), "handlaggare").get("/partners/"))
    assert body.count('href="/partners/') >= 6
    row = body[body.index(">Hallands Matgille</a>") :][:600]
    assert "3 000 000 kr" in row  # decided in the current year, 2024
    assert 'tag-overdue">1<' in row  # its final report


def test_a_partner_user_sees_only_their_own_organisation() -> None:
    client = login(Client(), "matgille")
    body = text(client.get("/partners/"))
    assert 'href="/partners/matgille/"' in body
    assert "coompanion" not in body
    assert client.get("/partners/coompanion/").status_code == 404
    page = text(client.get("/partners/matgille/"))
    assert "Ändra uppgifter" not in page  # read only
    assert "Demo Ekonomiansvarig" in page
    assert ">Firmatecknare<" in page  # the users table says who may sign


def test_the_partner_page_has_agreements_by_year_reports_and_payments() -> None:
    page = text(login(Client(), "handlaggare").get("/partners/coompanion/"))
    assert "Bankgiro 999-0011" in page
    assert 'href="/agreements/GF-2024-COOMPANION/"' in page
    assert "2024: 1 300 000 kr, varav utbetalt 600 000 kr" in page  # amended to 1 300 000
    assert "Returnerad för komplettering" in page
    assert "Attesterad för utbetalning" in page


def test_an_official_changes_payment_details_only_with_a_reason() -> None:
    client = login(Client(), "handlaggare")
    data = {
        "legal_name": "Coompanion Halland ek. för.",
        "organisation_number": "",
        "payment_method": "bankgiro",
        "payment_account": "999-0029",
        "payment_reason": "",
    }
    refused = client.post("/partners/coompanion/edit/", data)
    assert refused.status_code == 400
    assert "Skriv hur de nya uppgifterna kontrollerades." in text(refused)
    assert Partner.objects.get(slug="coompanion").payment_account == "9990011"
    data["payment_reason"] = "Bekräftat av firmatecknaren per telefon"
    assert client.post("/partners/coompanion/edit/", data).status_code == 302
    partner = Partner.objects.get(slug="coompanion")
    assert (partner.legal_name, partner.payment_account) == (
        "Coompanion Halland ek. för.",
        "9990029",
    )
    event = AuditEvent.objects.filter(action=AuditAction.PARTNER_PAYMENT_DETAILS_SET).latest("id")
    assert event.reason == "Bekräftat av firmatecknaren per telefon"
    assert event.changes["payment_account"] == ["9990011", "9990029"]


def test_a_wrong_bankgiro_number_is_told_next_to_the_field() -> None:
    client = login(Client(), "handlaggare")
    response = client.post(
        "/partners/coompanion/edit/",
        {
            "legal_name": "Coompanion Halland",
            "payment_method": "bankgiro",
            "payment_account": "999-0012",
            "payment_reason": "Ny uppgift",
        },
    )
    assert response.status_code == 400
    assert Partner.objects.get(slug="coompanion").payment_account == "9990011"


def test_contacts_are_kept_with_history() -> None:
    client = login(Client(), "handlaggare")
    data = {
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "Demo Ordförande",
        "contacts-0-role": "Ordförande",
        "contacts-0-email": "ordforande@example.se",
        "contacts-0-phone": "inte ett nummer",
        "contacts-1-name": "",
    }
    refused = client.post("/partners/coompanion/contacts/", data)
    assert refused.status_code == 400
    assert "Skriv telefonnumret med siffror" in text(refused)
    data["contacts-0-phone"] = "+46 35 10 00 02"
    assert client.post("/partners/coompanion/contacts/", data).status_code == 302
    contacts = list(Partner.objects.get(slug="coompanion").contacts.all())
    assert [(c.name, c.phone) for c in contacts] == [("Demo Ordförande", "+46 35 10 00 02")]
    assert AuditEvent.objects.filter(action=AuditAction.PARTNER_CONTACTS_SET).exists()
