"""Ending an agreement early (issue 17): one not yet in force is discarded (makulerad); a signed
one is terminated (hävd), with a reason and perhaps an amount to recover (återkrav) by a date.

On the demo data: GF-2024-COOMPANION is signed, 600 000 kr paid and 600 000 kr released;
GF-2024-MATGILLE is signed with nothing paid (its first instalment due, planned);
GF-2024-HIGHFIVE is sent, GF-2024-CONNECT-VAST signed by the partner, GF-2024-LEAP-FOR-LIFE a
draft, GF-2024-TEK-KOMPETENS completed.
"""

import csv
import importlib
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import load_workbook

from accounts.models import User
from agreements import services
from agreements.models import Agreement, AgreementStatus, Instalment, InstalmentStatus
from audit.actions import AuditAction
from audit.models import AuditEvent
from notices.models import Notice, NoticeKind
from tests.api.conftest import ApiClient, token_for
from tests.helpers import login, text

pytestmark = pytest.mark.django_db

COOMPANION, MATGILLE = "GF-2024-COOMPANION", "GF-2024-MATGILLE"
HIGHFIVE, CONNECT, LEAP = "GF-2024-HIGHFIVE", "GF-2024-CONNECT-VAST", "GF-2024-LEAP-FOR-LIFE"
PAID_ON_COOMPANION = Decimal("600000")


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data, with no notices queued yet."""
    Notice.objects.all().delete()


def agreement(reference: str) -> Agreement:
    return Agreement.objects.get(reference=reference)


def official() -> User:
    return User.objects.get(username="handlaggare")


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def events(reference: str, action: AuditAction) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.for_object(agreement(reference)).filter(action=action).order_by("id")
    )


def terminate(reference: str = COOMPANION, **extra: Any) -> Agreement:
    return services.terminate_agreement(
        agreement=agreement(reference), by=official(), reason="Verksamheten upphörde.", **extra
    )


def field_errors(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    """The service's messages by field, with no-break spaces as plain ones."""
    return {
        field: [m.replace("\u00a0", " ") for m in messages]
        for field, messages in error.value.message_dict.items()
    }


def plain(body: str) -> str:
    return body.replace("\u00a0", " ")


# --------------------------------------------------------------------------- discarding


@pytest.mark.parametrize("reference", [LEAP, HIGHFIVE, CONNECT])
def test_an_agreement_not_in_force_is_discarded_with_its_reason(reference: str) -> None:
    before = agreement(reference).status
    services.discard_agreement(agreement=agreement(reference), by=official(), reason="Fel partner")
    discarded = agreement(reference)
    assert discarded.status == AgreementStatus.DISCARDED
    assert (discarded.discard_reason, discarded.termination_reason) == ("Fel partner", "")
    [event] = events(reference, AuditAction.AGREEMENT_STATUS_CHANGED)[-1:]
    assert event.changes == {"status": [before, "discarded"]}
    assert (event.reason, event.actor) == ("Fel partner", official())


@pytest.mark.parametrize("reference", [COOMPANION, "GF-2024-TEK-KOMPETENS"])
def test_an_agreement_in_force_or_ended_cannot_be_discarded(reference: str) -> None:
    before = agreement(reference).status
    with pytest.raises(ValidationError, match="kan inte bli Makulerad"):
        services.discard_agreement(agreement=agreement(reference), by=official(), reason="Skäl")
    assert agreement(reference).status == before


def test_discarding_needs_a_reason() -> None:
    with pytest.raises(ValidationError) as error:
        services.discard_agreement(agreement=agreement(LEAP), by=official(), reason=" \n")
    assert "Ange skälet" in field_errors(error)["reason"][0]
    assert agreement(LEAP).status == AgreementStatus.DRAFT


def test_the_partner_is_told_when_a_sent_agreement_is_discarded() -> None:
    services.discard_agreement(agreement=agreement(HIGHFIVE), by=official(), reason="Fel")
    notices = Notice.objects.filter(kind=NoticeKind.AGREEMENT_DISCARDED)
    assert notices.exists()
    assert {n.recipient.partner_membership.partner.slug for n in notices} == {"highfive"}
    assert all("makulerat" in n.body_text for n in notices)


def test_a_draft_never_sent_is_discarded_without_telling_the_partner() -> None:
    services.discard_agreement(agreement=agreement(LEAP), by=official(), reason="Dubblett")
    assert not Notice.objects.filter(kind=NoticeKind.AGREEMENT_DISCARDED).exists()


def test_a_draft_that_had_been_sent_is_discarded_telling_the_partner() -> None:
    services.withdraw_from_signing(agreement=agreement(HIGHFIVE), by=official(), reason="Ändras")
    assert agreement(HIGHFIVE).status == AgreementStatus.DRAFT
    services.discard_agreement(agreement=agreement(HIGHFIVE), by=official(), reason="Fel")
    assert Notice.objects.filter(kind=NoticeKind.AGREEMENT_DISCARDED).exists()


def test_the_database_refuses_discarded_without_a_reason() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(reference=LEAP).update(status=AgreementStatus.DISCARDED)


# --------------------------------------------------------------------------- terminating


@pytest.mark.parametrize("reference", [LEAP, HIGHFIVE, CONNECT])
def test_an_agreement_not_in_force_cannot_be_terminated(reference: str) -> None:
    before = agreement(reference).status
    with pytest.raises(ValidationError, match="kan inte bli Hävd"):
        terminate(reference)
    assert agreement(reference).status == before


def test_terminating_needs_a_reason() -> None:
    with pytest.raises(ValidationError) as error:
        services.terminate_agreement(agreement=agreement(COOMPANION), by=official(), reason="  ")
    assert "Ange skälet" in field_errors(error)["reason"][0]
    assert agreement(COOMPANION).status == AgreementStatus.SIGNED


def test_terminating_without_recovery_records_the_reason_only() -> None:
    terminate()
    terminated = agreement(COOMPANION)
    assert terminated.status == AgreementStatus.TERMINATED
    assert terminated.termination_reason == "Verksamheten upphörde."
    assert terminated.recovery_amount is None
    assert terminated.recovery_due_date is None
    assert events(COOMPANION, AuditAction.AGREEMENT_RECOVERY_SET) == []
    [notice] = Notice.objects.filter(kind=NoticeKind.AGREEMENT_TERMINATED)[:1]
    assert "kräver tillbaka" not in notice.body_text


def test_terminating_with_recovery_records_amount_date_history_and_tells_the_partner() -> None:
    due = in_days(30)
    terminate(recovery_amount=Decimal("250000"), recovery_due_date=due)
    terminated = agreement(COOMPANION)
    assert terminated.status == AgreementStatus.TERMINATED
    assert (terminated.recovery_amount, terminated.recovery_due_date) == (Decimal("250000"), due)
    [status] = events(COOMPANION, AuditAction.AGREEMENT_STATUS_CHANGED)[-1:]
    assert status.changes == {"status": ["signed", "terminated"]}
    [recovery] = events(COOMPANION, AuditAction.AGREEMENT_RECOVERY_SET)
    assert recovery.changes == {
        "recovery_amount": [None, "250000"],
        "recovery_due_date": [None, due.isoformat()],
    }
    assert recovery.actor == official()
    notices = list(Notice.objects.filter(kind=NoticeKind.AGREEMENT_TERMINATED))
    assert notices
    swedish = next(n for n in notices if n.language == "sv")
    assert "250 000 kr" in plain(swedish.body_text)
    assert date_format(due) in swedish.body_text
    assert "250 000 kr" in plain(swedish.body_html)


def test_the_terminated_notice_speaks_english_to_an_english_reader() -> None:
    User.objects.filter(partner_membership__partner__slug="coompanion").update(language="en")
    terminate(recovery_amount=Decimal("1000"), recovery_due_date=in_days(10))
    notice = Notice.objects.filter(kind=NoticeKind.AGREEMENT_TERMINATED).first()
    assert notice is not None
    assert notice.language == "en"
    assert "SEK 1,000" in plain(notice.body_text)


def test_the_whole_amount_paid_may_be_recovered() -> None:
    terminate(recovery_amount=PAID_ON_COOMPANION, recovery_due_date=in_days(1))
    assert agreement(COOMPANION).recovery_amount == PAID_ON_COOMPANION


def test_recovery_cannot_exceed_what_was_paid() -> None:
    """Only paid instalments count: the released one is not paid yet."""
    with pytest.raises(ValidationError) as error:
        terminate(recovery_amount=PAID_ON_COOMPANION + 1, recovery_due_date=in_days(30))
    [message] = field_errors(error)["recovery_amount"]
    assert "600 001 kr" in message
    assert "600 000 kr" in message
    assert agreement(COOMPANION).status == AgreementStatus.SIGNED


def test_nothing_paid_means_nothing_to_recover() -> None:
    with pytest.raises(ValidationError) as error:
        terminate(MATGILLE, recovery_amount=Decimal("1"), recovery_due_date=in_days(30))
    assert "0 kr" in field_errors(error)["recovery_amount"][0]


@pytest.mark.parametrize(
    ("amount", "due", "field", "says"),
    [
        (Decimal("1000"), None, "recovery_due_date", "Ange sista dag"),
        (None, 30, "recovery_amount", "Ange beloppet"),
        (Decimal("0"), 30, "recovery_amount", "Ange beloppet"),
        (Decimal("-1"), 30, "recovery_amount", "negativt"),
        (Decimal("10.50"), 30, "recovery_amount", "hela kronor"),
        (Decimal("1000"), -1, "recovery_due_date", "passerat"),
    ],
)
def test_recovery_rules(amount: Decimal | None, due: int | None, field: str, says: str) -> None:
    with pytest.raises(ValidationError) as error:
        terminate(recovery_amount=amount, recovery_due_date=None if due is None else in_days(due))
    assert says in " ".join(field_errors(error)[field])
    assert agreement(COOMPANION).status == AgreementStatus.SIGNED
    assert not Notice.objects.exists()


def test_a_due_date_of_today_is_allowed() -> None:
    terminate(recovery_amount=Decimal("1"), recovery_due_date=timezone.localdate())
    assert agreement(COOMPANION).recovery_due_date == timezone.localdate()


def test_money_is_never_float() -> None:
    with pytest.raises(TypeError):
        terminate(recovery_amount=1000.0, recovery_due_date=in_days(30))


@pytest.mark.parametrize(
    "values",
    [
        {"recovery_amount": Decimal("100")},  # an amount without a date
        {"recovery_due_date": "2030-01-01"},  # a date without an amount
        {"recovery_amount": Decimal("0"), "recovery_due_date": "2030-01-01"},
    ],
)
def test_the_database_refuses_a_recovery_that_makes_no_sense(values: dict[str, object]) -> None:
    Agreement.objects.filter(reference=COOMPANION).update(
        status=AgreementStatus.TERMINATED, termination_reason="Skäl"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(reference=COOMPANION).update(**values)


def test_the_database_refuses_a_recovery_on_an_agreement_not_terminated() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(reference=COOMPANION).update(
            recovery_amount=Decimal("100"), recovery_due_date=in_days(30)
        )


def test_a_terminated_agreements_planned_instalment_cannot_be_released() -> None:
    planned = Instalment.objects.get(agreement__reference=MATGILLE, number=1)
    assert planned.status == InstalmentStatus.PLANNED
    terminate(MATGILLE)
    with pytest.raises(ValidationError, match="Bara en underskriven överenskommelse") as error:
        services.release_instalment(instalment=planned, by=official())
    assert "hävd" in error.value.messages[0]
    planned.refresh_from_db()
    assert planned.status == InstalmentStatus.PLANNED


# --------------------------------------------------------------------------- data migration


def test_the_migration_discards_agreements_terminated_before_both_signed() -> None:
    migration = importlib.import_module("agreements.migrations.0007_termination_recovery")
    for reference in (HIGHFIVE, COOMPANION):  # never signed by the region; signed by both
        Agreement.objects.filter(reference=reference).update(
            status=AgreementStatus.TERMINATED, termination_reason=f"Skäl {reference}"
        )
    migration.discard_never_signed(apps, None)
    highfive, coompanion = agreement(HIGHFIVE), agreement(COOMPANION)
    assert (highfive.status, highfive.discard_reason, highfive.termination_reason) == (
        AgreementStatus.DISCARDED,
        f"Skäl {HIGHFIVE}",
        "",
    )
    assert (coompanion.status, coompanion.termination_reason) == (
        AgreementStatus.TERMINATED,
        f"Skäl {COOMPANION}",
    )
    [event] = events(HIGHFIVE, AuditAction.AGREEMENT_STATUS_CHANGED)[-1:]
    assert event.changes == {"status": ["terminated", "discarded"]}


# --------------------------------------------------------------------------- pages


def official_client() -> Client:
    return login(Client(), "handlaggare")


def test_the_detail_page_offers_discard_before_and_terminate_after_signing() -> None:
    client = official_client()
    draft = text(client.get(f"/agreements/{LEAP}/"))
    assert f'href="/agreements/{LEAP}/discard/"' in draft
    assert "Makulera utkastet" in draft
    assert "/terminate/" not in draft
    sent = text(client.get(f"/agreements/{CONNECT}/"))
    assert f'href="/agreements/{CONNECT}/discard/"' in sent
    assert "/terminate/" not in sent
    signed = text(client.get(f"/agreements/{COOMPANION}/"))
    assert f'href="/agreements/{COOMPANION}/terminate/"' in signed
    assert "Häv överenskommelsen" in signed
    assert "/discard/" not in signed


def test_the_terminate_page_shows_what_was_paid() -> None:
    response = official_client().get(f"/agreements/{COOMPANION}/terminate/")
    assert response.status_code == 200
    body = text(response)
    assert "Utbetalt hittills: 600 000 kr" in body
    assert 'name="recovery_amount"' in body
    assert 'name="recovery_due_date"' in body


@pytest.mark.parametrize(("reference", "action"), [(COOMPANION, "terminate"), (LEAP, "discard")])
def test_the_confirmation_page_warns_once_that_it_cannot_be_undone(
    reference: str, action: str
) -> None:
    """Issue 19: the warning is the confirmation box's, right before the button; the intro does
    not say it again."""
    body = text(official_client().get(f"/agreements/{reference}/{action}/"))
    assert "Det går inte att ångra." in body
    assert body.count("ångra") == 1


def _field_group(body: str, name: str) -> str:
    """The HTML of one field's group from its label to its input: the errors are between."""
    start = body.index(f'for="id_{name}"')
    return body[start : body.index(f'name="{name}"', start)]


def test_a_recovery_above_what_was_paid_comes_back_on_the_form_as_typed() -> None:
    due = in_days(30).isoformat()
    response = official_client().post(
        f"/agreements/{COOMPANION}/terminate/",
        {
            "reason": "Verksamheten upphörde.",
            "recovery_amount": "700 000",
            "recovery_due_date": due,
        },
    )
    assert response.status_code == 400
    body = text(response)
    assert "error-summary" in body
    group = _field_group(body, "recovery_amount")
    assert "errorlist" in group
    assert "700 000 kr" in group
    assert "600 000 kr" in group
    assert 'value="700 000"' in body
    assert f'value="{due}"' in body
    assert "Verksamheten upphörde." in body
    assert agreement(COOMPANION).status == AgreementStatus.SIGNED


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"recovery_amount": "1000"}, "recovery_due_date", "Ange sista dag"),
        ({"recovery_due_date": "2099-01-01"}, "recovery_amount", "Ange beloppet"),
        ({"recovery_amount": "1000", "recovery_due_date": "igår"}, "recovery_due_date", "datum"),
        ({"recovery_amount": "tusen", "recovery_due_date": "2099-01-01"}, "recovery_amount", ""),
        ({"reason": ""}, "reason", "Ange skälet"),
    ],
)
def test_bad_input_on_the_terminate_form_is_a_400_next_to_the_field(
    data: dict[str, str], field: str, says: str
) -> None:
    posted = {"reason": "Skäl", **data}
    response = official_client().post(f"/agreements/{COOMPANION}/terminate/", posted)
    assert response.status_code == 400
    group = _field_group(text(response), field)
    assert "errorlist" in group
    assert says in group
    assert agreement(COOMPANION).status == AgreementStatus.SIGNED


def test_terminating_from_the_page_shows_the_banner_with_the_recovery() -> None:
    due = in_days(30)
    client = official_client()
    response = client.post(
        f"/agreements/{COOMPANION}/terminate/",
        {"reason": "Verksamheten upphörde.", "recovery_amount": "100 000",
         "recovery_due_date": due.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"/agreements/{COOMPANION}/"
    body = text(client.get(response["Location"]))
    assert "Överenskommelsen är hävd." in body
    assert re.search(r"Hävd:</strong>\s*<span[^>]*>Verksamheten upphörde\.", body)
    assert f"Återkrav: 100 000 kr senast {date_format(due, 'j F Y')}" in body
    partner = login(Client(), "coompanion")
    assert "Återkrav: 100 000 kr" in text(partner.get(f"/agreements/{COOMPANION}/"))


def test_terminating_a_draft_from_the_page_sends_back_with_the_reason() -> None:
    client = official_client()
    response = client.get(f"/agreements/{LEAP}/terminate/")
    assert response.status_code == 302
    assert "Utkast kan inte bli Hävd" in text(client.get(response["Location"]))


def test_discarding_from_the_page() -> None:
    client = official_client()
    assert client.get(f"/agreements/{LEAP}/discard/").status_code == 200
    empty = client.post(f"/agreements/{LEAP}/discard/", {"reason": ""})
    assert empty.status_code == 400
    assert "Ange skälet till att överenskommelsen makuleras" in _field_group(text(empty), "reason")
    done = client.post(f"/agreements/{LEAP}/discard/", {"reason": "Fel belopp"}, follow=True)
    body = text(done)
    assert "Överenskommelsen är makulerad." in body
    assert re.search(r"Makulerad:</strong>\s*<span[^>]*>Fel belopp", body)
    assert "/discard/" not in body
    assert agreement(LEAP).status == AgreementStatus.DISCARDED


def test_discarding_a_signed_agreement_from_the_page_sends_back_with_the_reason() -> None:
    client = official_client()
    response = client.post(f"/agreements/{COOMPANION}/discard/", {"reason": "Skäl"})
    assert response.status_code == 302
    assert "Underskriven kan inte bli Makulerad" in text(client.get(response["Location"]))
    assert agreement(COOMPANION).status == AgreementStatus.SIGNED


def test_the_list_filters_discarded() -> None:
    services.discard_agreement(agreement=agreement(LEAP), by=official(), reason="Fel")
    body = text(official_client().get("/agreements/?status=discarded"))
    assert f'href="/agreements/{LEAP}/"' in body
    assert f'href="/agreements/{COOMPANION}/"' not in body


def test_the_partners_start_page_says_what_is_owed() -> None:
    terminate(recovery_amount=Decimal("1000"), recovery_due_date=in_days(30))
    body = text(login(Client(), "coompanion").get("/"))
    assert "Hävd. Återkrav: 1 000 kr senast" in body


def test_the_partners_start_page_offers_no_next_payment_after_termination() -> None:
    client = login(Client(), "matgille")
    assert 'class="govuk-tag govuk-tag--grey tag tag-planned"' in text(client.get("/"))
    terminate(MATGILLE)
    body = text(client.get("/"))
    assert "Hävd: inget mer betalas ut." in body
    assert 'class="govuk-tag govuk-tag--grey tag tag-planned"' not in body


# --------------------------------------------------------------------------- payments


def test_the_payments_page_lists_recoveries_apart_and_offers_no_release() -> None:
    client = official_client()
    assert f"Attestera {MATGILLE} nr 1" in text(client.get("/payments/"))
    terminate(recovery_amount=Decimal("250000"), recovery_due_date=in_days(30))
    terminate(MATGILLE)
    body = text(client.get("/payments/"))
    assert f"Attestera {MATGILLE} nr 1" not in body
    assert "Överenskommelsen är hävd: betalas inte ut." in body
    recoveries = body[body.index('id="recoveries-heading"') :]
    assert f'href="/agreements/{COOMPANION}/"' in recoveries
    assert "250 000 kr" in recoveries
    assert "600 000 kr" in recoveries
    assert f'href="/agreements/{MATGILLE}/"' not in recoveries  # nothing to recover


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_recovery_list_is_a_file_of_its_own() -> None:
    due = in_days(30)
    terminate(recovery_amount=Decimal("250000"), recovery_due_date=due)
    client = official_client()
    response = client.get("/payments/aterkravslista.csv")
    assert response.status_code == 200
    assert "aterkravslista-" in response["Content-Disposition"]
    [row] = csv_rows(response.content)
    assert row["Referens"] == COOMPANION
    assert (row["Återkrav (kr)"], row["Betalas senast"]) == ("250000", due.isoformat())
    assert row["Utbetalt enligt överenskommelsen (kr)"] == "600000"
    assert row["Gäldenär"] == agreement(COOMPANION).partner.legal_name
    # The finance system's payment list holds payments only.
    payments = client.get("/payments/utbetalningslista.csv").content.decode("utf-8-sig")
    assert "250000" not in payments
    assert "Återkrav" not in payments
    workbook = load_workbook(io.BytesIO(client.get("/payments/utbetalningslista.xlsx").content))
    assert workbook.sheetnames[1] == "Återkrav"
    sheet = workbook.worksheets[1]
    due_cell = datetime(due.year, due.month, due.day)  # noqa: DTZ001 - as openpyxl reads it
    assert [c.value for c in sheet[2]][2:5] == [250000, due_cell, COOMPANION]


def test_the_recovery_list_is_for_officials_only() -> None:
    assert login(Client(), "coompanion").get("/payments/aterkravslista.csv").status_code == 404


def test_the_years_agreement_table_has_the_recovery() -> None:
    due = in_days(30)
    terminate(recovery_amount=Decimal("250000"), recovery_due_date=due)
    rows = csv_rows(official_client().get("/budget/2024/export/agreements.csv").content)
    row = next(r for r in rows if r["Referens"] == COOMPANION)
    assert (row["Återkrav (kr)"], row["Återkrav senast"]) == ("250000", due.isoformat())
    other = next(r for r in rows if r["Referens"] == MATGILLE)
    assert (other["Återkrav (kr)"], other["Återkrav senast"]) == ("", "")


# --------------------------------------------------------------------------- API


def test_the_api_shows_the_recovery_as_exact_strings() -> None:
    due = in_days(30)
    terminate(recovery_amount=Decimal("250000"), recovery_due_date=due)
    api = ApiClient(token_for("handlaggare"))
    body = api.get(f"/api/v1/agreements/{COOMPANION}").json()
    assert body["status"] == "terminated"
    assert (body["recovery_amount"], body["recovery_due_date"]) == ("250000.00", due.isoformat())
    other = api.get(f"/api/v1/agreements/{MATGILLE}").json()
    assert (other["recovery_amount"], other["recovery_due_date"]) == (None, None)
    services.discard_agreement(agreement=agreement(LEAP), by=official(), reason="Fel")
    listed = api.get("/api/v1/agreements", status="discarded").json()
    assert [a["reference"] for a in listed["items"]] == [LEAP]
