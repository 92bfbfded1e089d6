"""Every kind of notice goes to the people it is for, and to nobody of another partner
(issue 16, "Notices"; design §4 workflow 11). The services queue; nothing is sent here."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from agreements import services
from agreements.models import Agreement, Instalment, Party, ReportingRequirement
from demo.follow_up import example_pdf
from notices.models import Notice, NoticeKind, NoticeOptOut, NoticeStatus
from notices.sending import email_for
from partners import services as partners
from partners.models import Partner
from tests.conftest import make_user
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _people(demo: None) -> None:
    """The demo, a second (not signing) user at each partner, a second official who may not
    sign for the region, and a secretary with an address; no notices yet."""
    for partner in Partner.objects.all():
        user = make_user(f"{partner.slug}-staff", Role.PARTNER, email=f"{partner.slug}2@x.example")
        partners.set_partner_membership(user=user, partner=partner, is_signatory=False, by=None)
    make_user("official2", Role.OFFICIAL, email="official2@region.example")
    User.objects.filter(username="sekreterare").update(email="sekreterare@region.example")
    Notice.objects.all().delete()


def user(username: str) -> User:
    return User.objects.get(username=username)


def agreement(slug: str) -> Agreement:
    return Agreement.objects.get(reference=f"GF-2024-{slug.upper()}")


def recipients(kind: NoticeKind) -> set[str]:
    return set(Notice.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def partner_users(slug: str) -> set[str]:
    return {slug, f"{slug}-staff"}


def test_sent_for_signing_goes_to_the_partners_signatories_only() -> None:
    services.send_for_signing(agreement=agreement("leap-for-life"), by=user("handlaggare"))
    assert recipients(NoticeKind.AGREEMENT_SENT) == {"leap-for-life"}
    notice = Notice.objects.get()
    assert notice.status == NoticeStatus.QUEUED
    assert notice.about_repr.startswith("GF-2024-LEAP-FOR-LIFE")


def test_signed_by_the_partner_goes_to_officials_who_may_sign_for_the_region() -> None:
    services.sign_agreement(
        agreement=agreement("highfive"), party=Party.PARTNER, by=user("highfive")
    )
    assert recipients(NoticeKind.AGREEMENT_PARTNER_SIGNED) == {"handlaggare"}


def test_fully_signed_goes_to_both_parties_with_a_link_to_the_sealed_pdf() -> None:
    services.sign_agreement(
        agreement=agreement("connect-vast"), party=Party.REGION, by=user("handlaggare")
    )
    assert recipients(NoticeKind.AGREEMENT_SIGNED) == partner_users("connect-vast") | {
        "handlaggare"
    }
    notice = Notice.objects.filter(kind=NoticeKind.AGREEMENT_SIGNED).first()
    assert notice is not None
    assert "/agreements/GF-2024-CONNECT-VAST/pdf/" in notice.body_text
    assert "/agreements/GF-2024-CONNECT-VAST/pdf/" in notice.body_html


def test_withdrawn_and_terminated_go_to_the_partners_users() -> None:
    official = user("handlaggare")
    services.withdraw_from_signing(agreement=agreement("highfive"), by=official, reason="Fel")
    services.terminate_agreement(agreement=agreement("coompanion"), by=official, reason="Konkurs")
    assert recipients(NoticeKind.AGREEMENT_WITHDRAWN) == partner_users("highfive")
    assert recipients(NoticeKind.AGREEMENT_TERMINATED) == partner_users("coompanion")
    terminated = Notice.objects.filter(kind=NoticeKind.AGREEMENT_TERMINATED).first()
    assert terminated is not None
    assert "Konkurs" not in terminated.body_text  # the page says it, to those who may read it


def test_report_submitted_goes_to_officials_and_returned_to_the_partner() -> None:
    final = ReportingRequirement.objects.filter(agreement__reference="GF-2024-MATGILLE").order_by(
        "due_date"
    )[1]
    partner = user("matgille")
    report = services.save_report(
        requirement=final,
        narrative="Klart.",
        values={i.pk: Decimal(7) for i in final.agreement.indicators.all()},
        files=[ContentFile(example_pdf("Slutrapport"), name="slutrapport.pdf")],
        by=partner,
    )
    services.submit_report(report=report, by=partner)
    assert recipients(NoticeKind.REPORT_SUBMITTED) == {"handlaggare", "official2"}
    services.return_report(report=report, comment="Hemligt internt ord", by=user("handlaggare"))
    assert recipients(NoticeKind.REPORT_RETURNED) == partner_users("matgille")
    returned = Notice.objects.filter(kind=NoticeKind.REPORT_RETURNED).first()
    assert returned is not None
    assert f"/agreements/GF-2024-MATGILLE/reports/{final.pk}/" in returned.body_text


def test_instalment_paid_goes_to_the_partner_with_amount_and_date() -> None:
    released = Instalment.objects.get(agreement__reference="GF-2024-COOMPANION", number=2)
    services.book_instalment_paid(
        instalment=released, paid_on=timezone.localdate(), by=user("handlaggare")
    )
    assert recipients(NoticeKind.INSTALMENT_PAID) == partner_users("coompanion")
    notice = Notice.objects.filter(kind=NoticeKind.INSTALMENT_PAID).first()
    assert notice is not None
    assert notice.subject == "Utbetalning 2 för GF-2024-COOMPANION är gjord"


def test_no_notice_ever_reaches_a_user_of_another_partner() -> None:
    official = user("handlaggare")
    services.send_for_signing(agreement=agreement("leap-for-life"), by=official)
    services.withdraw_from_signing(agreement=agreement("highfive"), by=official, reason="Fel")
    services.terminate_agreement(agreement=agreement("coompanion"), by=official, reason="Skäl")
    for notice in Notice.objects.select_related("recipient__partner_membership__partner"):
        if notice.recipient.role == Role.PARTNER:
            reference = notice.about_repr.split(" ")[0]
            partner_slug = notice.recipient.partner_membership.partner.slug
            assert reference == f"GF-2024-{partner_slug.upper()}"


def test_a_user_who_turned_a_kind_off_does_not_get_it_but_others_do() -> None:
    NoticeOptOut.objects.create(user=user("highfive-staff"), kind=NoticeKind.AGREEMENT_WITHDRAWN)
    services.withdraw_from_signing(
        agreement=agreement("highfive"), by=user("handlaggare"), reason="Fel"
    )
    assert recipients(NoticeKind.AGREEMENT_WITHDRAWN) == {"highfive"}


def test_users_without_an_address_or_inactive_get_nothing() -> None:
    User.objects.filter(username="highfive").update(email="")
    User.objects.filter(username="highfive-staff").update(is_active=False)
    services.withdraw_from_signing(
        agreement=agreement("highfive"), by=user("handlaggare"), reason="Fel"
    )
    assert recipients(NoticeKind.AGREEMENT_WITHDRAWN) == set()


def test_the_email_says_how_to_stop_that_kind_and_has_an_html_alternative() -> None:
    services.send_for_signing(agreement=agreement("leap-for-life"), by=user("handlaggare"))
    email = email_for(Notice.objects.get())
    assert "/accounts/notices/" in email.body
    assert email.alternatives[0][1] == "text/html"
    assert email.extra_headers["List-Unsubscribe"].endswith("/accounts/notices/>")


def test_staff_see_the_agreements_notices_and_partners_do_not() -> None:
    services.withdraw_from_signing(
        agreement=agreement("highfive"), by=user("handlaggare"), reason="Fel"
    )
    staff_page = login(Client(), "handlaggare").get("/agreements/GF-2024-HIGHFIVE/")
    body = staff_page.content.decode()
    assert "Meddelanden" in body
    assert "highfive2@x.example" in body
    assert "Överenskommelse dragen tillbaka" in body
    partner_page = login(Client(), "highfive").get("/agreements/GF-2024-HIGHFIVE/")
    assert "highfive2@x.example" not in partner_page.content.decode()
    assert 'id="notices-heading"' not in partner_page.content.decode()


def test_settings_page_turns_kinds_off_and_on_and_sets_the_language() -> None:
    client = login(Client(), "highfive")
    page = client.get("/accounts/notices/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Återrapport är försenad" in body
    assert "Inbjudan" not in body  # always sent: not offered
    wanted = [k.value for k in (NoticeKind.AGREEMENT_SENT, NoticeKind.REPORT_OVERDUE)]
    response = client.post("/accounts/notices/", {"wanted": wanted, "language": "en"})
    assert response.status_code == 302
    off = set(NoticeOptOut.objects.filter(user=user("highfive")).values_list("kind", flat=True))
    assert NoticeKind.REPORT_DUE_30 in off
    assert NoticeKind.AGREEMENT_SENT not in off
    assert user("highfive").language == "en"
    bad = client.post("/accounts/notices/", {"wanted": ["account.invitation"], "language": "xx"})
    assert bad.status_code == 400
    assert "error-summary" in bad.content.decode()


def test_reminder_dates_line_up_with_the_windows() -> None:
    from agreements.reminders import reminder_kind

    today = date(2025, 3, 1)
    assert reminder_kind(today + timedelta(days=31), today) is None
    assert reminder_kind(today + timedelta(days=30), today) == NoticeKind.REPORT_DUE_30
    assert reminder_kind(today + timedelta(days=8), today) == NoticeKind.REPORT_DUE_30
    assert reminder_kind(today + timedelta(days=7), today) == NoticeKind.REPORT_DUE_7
    assert reminder_kind(today, today) == NoticeKind.REPORT_DUE_7
    assert reminder_kind(today - timedelta(days=1), today) == NoticeKind.REPORT_OVERDUE


def test_the_footer_language_switch_becomes_the_users_e_mail_language() -> None:
    client = login(Client(), "highfive")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert user("highfive").language == "en"
    Client().post("/i18n/setlang/", {"language": "en", "next": "/"})  # anonymous: just a cookie
    services.withdraw_from_signing(
        agreement=agreement("highfive"), by=user("handlaggare"), reason="Fel"
    )
    english = Notice.objects.get(recipient__username="highfive")
    assert english.subject == "Agreement GF-2024-HIGHFIVE has been withdrawn"
    assert english.language == "en"
    assert '<html lang="en">' in english.body_html
    swedish = Notice.objects.get(recipient__username="highfive-staff")
    assert swedish.subject == "Överenskommelse GF-2024-HIGHFIVE har dragits tillbaka"
