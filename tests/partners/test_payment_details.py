"""Partners' payment details: bankgiro or plusgiro, check digit validated, kept in the history
(issue 15; design §3, Partner payment details)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from audit.actions import AuditAction
from audit.models import AuditEvent
from partners import services
from partners.models import Partner, PaymentMethod
from partners.validators import format_giro_number, luhn_ok, validate_giro_number
from tests.conftest import make_partner

pytestmark = pytest.mark.django_db


def with_check_digit(base: str) -> str:
    for digit in "0123456789":
        if luhn_ok(base + digit):
            return base + digit
    raise AssertionError("no check digit")  # pragma: no cover - one of ten always fits


@given(st.from_regex(r"[1-9][0-9]{5,6}", fullmatch=True))
def test_every_bankgiro_with_its_check_digit_is_valid_and_one_changed_digit_is_not(
    base: str,
) -> None:
    number = with_check_digit(base)
    validate_giro_number("bankgiro", number)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValidationError, match="Kontrollsiffran"):
        validate_giro_number("bankgiro", wrong)


@pytest.mark.parametrize(
    ("method", "digits", "message"),
    [
        ("bankgiro", "123456", "7–8 siffror"),  # too short
        ("bankgiro", "123456789", "7–8 siffror"),
        ("bankgiro", "12a4567", "7–8 siffror"),
        ("bankgiro", "١٢٣٤٥٦٧", "7–8 siffror"),  # Arabic digits are digits to Python only
        ("plusgiro", "1", "2–8 siffror"),
        ("plusgiro", "123456789", "2–8 siffror"),
        ("plusgiro", "12", "Kontrollsiffran"),
    ],
)
def test_malformed_numbers_are_refused(method: str, digits: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_giro_number(method, digits)


def test_numbers_are_shown_as_people_write_them() -> None:
    assert format_giro_number("bankgiro", "9990011") == "999-0011"
    assert format_giro_number("bankgiro", "56781234") == "5678-1234"
    assert format_giro_number("plusgiro", "4100012") == "410001-2"


def test_setting_payment_details_is_validated_and_in_the_history(official: object) -> None:
    partner = make_partner("alfa")
    assert not partner.has_payment_details
    services.set_payment_details(
        partner=partner, method=PaymentMethod.BANKGIRO, account="999-0011", by=None
    )
    partner.refresh_from_db()
    assert (partner.payment_method, partner.payment_account) == ("bankgiro", "9990011")
    assert partner.has_payment_details
    assert partner.payment_account_display == "999-0011"
    event = AuditEvent.objects.get(action=AuditAction.PARTNER_PAYMENT_DETAILS_SET)
    assert event.changes["payment_account"] == ["", "9990011"]

    with pytest.raises(ValidationError) as refused:
        services.set_payment_details(
            partner=partner, method=PaymentMethod.BANKGIRO, account="999-0012", by=None
        )
    assert "Kontrollsiffran" in refused.value.message_dict["payment_account"][0]
    with pytest.raises(ValidationError) as half:
        services.set_payment_details(partner=partner, method="", account="9990011", by=None)
    assert "payment_method" in half.value.message_dict
    partner.refresh_from_db()
    assert partner.payment_account == "9990011"  # nothing changed


def test_the_database_refuses_half_or_malformed_details() -> None:
    partner = make_partner("beta")
    for values in (
        {"payment_method": "bankgiro", "payment_account": ""},
        {"payment_method": "", "payment_account": "9990011"},
        {"payment_method": "bankgiro", "payment_account": "12-3456"},
        {"payment_method": "plusgiro", "payment_account": "12a4"},
        {"payment_method": "swish", "payment_account": "9990011"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Partner.objects.filter(pk=partner.pk).update(**values)


def test_the_demo_partners_have_valid_example_bankgiro_numbers(demo: None) -> None:
    for partner in Partner.objects.filter(is_active=True, is_example_data=False):
        assert partner.has_payment_details, partner
        assert partner.payment_details_are_example_data


def test_the_admin_sets_payment_details_through_the_service(demo: None) -> None:
    from django.test import Client

    from tests.helpers import login, text

    client = Client()
    login(client, "admin")
    partner = Partner.objects.get(slug="highfive")
    url = f"/admin/partners/partner/{partner.pk}/change/"
    data = {**client.get(url).context["adminform"].form.initial}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(payment_method="plusgiro", payment_account="410001-1")
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Kontrollsiffran stämmer inte" in text(refused)
    data["payment_account"] = "410001-2"
    assert client.post(url, data).status_code == 302
    partner.refresh_from_db()
    assert (partner.payment_method, partner.payment_account) == ("plusgiro", "4100012")
    event = AuditEvent.objects.filter(action=AuditAction.PARTNER_PAYMENT_DETAILS_SET).latest("id")
    assert event.actor is not None
    assert event.actor.username == "admin"
