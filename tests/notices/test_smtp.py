"""Sending through a real SMTP server the test starts (aiosmtpd): what arrives, that it arrives
once, and that a mail server that is down neither breaks the page nor loses the notice
(issue 16, "Sending")."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import User
from notices.models import Notice, NoticeKind, NoticeStatus
from notices.sending import requeue, send_due_notices, send_notice
from notices.tasks import deliver_notices
from tests.helpers import at_once, login
from tests.notices.conftest import SmtpServer, body

pytestmark = pytest.mark.django_db(transaction=True)

DRAFT = "GF-2024-LEAP-FOR-LIFE"


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """The demo data: Leap for Life's agreement is a draft, ready to be sent. The notices
    loading it queued (when the demo is loaded rather than read back) are not these tests'."""
    Notice.objects.all().delete()


def send_for_signing(reference: str = DRAFT) -> "Client":
    client = login(Client(), "handlaggare")
    response = client.post(f"/agreements/{reference}/send/")
    assert response.status_code == 302, response.content[:500]
    return client


def test_sending_for_signing_e_mails_the_partner_signatory_once(smtp: SmtpServer) -> None:
    send_for_signing()

    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "leap-for-life@demo.example"
    assert "grundfinansiering" in message["From"].lower()
    assert message["Subject"] == f"Överenskommelse {DRAFT} att skriva under"
    assert message["Auto-Submitted"] == "auto-generated"
    notice = Notice.objects.get(kind=NoticeKind.AGREEMENT_SENT)
    assert message["Message-ID"] == notice.message_id
    link = f"https://grundfinansiering.example.se/agreements/{DRAFT}/"
    text = body(message, "plain")
    assert "Hej Demo Firmatecknare Leap for Life!" in text
    assert "skriva under den eftersom du är firmatecknare" in text
    assert link in text
    assert "https://grundfinansiering.example.se/accounts/notices/" in text  # how to stop it
    html = body(message, "html")
    assert f'href="{link}"' in html
    assert "Stäng av den här sortens meddelanden" in html
    assert "<script" not in html
    assert "http://" not in html
    assert smtp.inbox.envelopes[0].rcpt_tos == ["leap-for-life@demo.example"]
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.SENT, 1)
    assert notice.sent_at is not None

    # A second run of the task, and the periodic sweep, send nothing more.
    assert deliver_notices.call([notice.pk]) == 0
    assert send_due_notices(now=timezone.now() + timedelta(days=1)).sent == 0
    assert len(smtp.messages) == 1


def test_a_mail_server_that_is_down_leaves_the_notice_queued_and_the_page_working(
    smtp: SmtpServer,
) -> None:
    smtp.stop()
    client = send_for_signing()
    page = client.get(f"/agreements/{DRAFT}/")
    assert "Skickad för underskrift" in page.content.decode()

    notice = Notice.objects.get(kind=NoticeKind.AGREEMENT_SENT)
    assert (notice.status, notice.attempts) == (NoticeStatus.QUEUED, 1)
    assert "Connection refused" in notice.last_error or "Errno" in notice.last_error
    waited = notice.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < waited <= timedelta(minutes=1)

    # Still down a minute later: tried again, and the wait doubles.
    later = timezone.now() + timedelta(minutes=1, seconds=5)
    assert send_due_notices(now=later).sent == 0
    notice.refresh_from_db()
    assert notice.attempts == 2
    assert notice.next_attempt_at - later == timedelta(minutes=2)

    smtp.start()
    assert send_due_notices(now=later).sent == 0  # not due yet: the back-off holds
    assert smtp.messages == []
    again = later + timedelta(minutes=2)
    assert send_due_notices(now=again).sent == 1
    assert send_due_notices(now=again + timedelta(hours=1)).sent == 0
    assert len(smtp.messages) == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.last_error) == (NoticeStatus.SENT, 3, "")


def test_it_gives_up_after_the_last_attempt_and_staff_can_queue_it_again(
    smtp: SmtpServer, settings: object
) -> None:
    settings.NOTICE_MAX_ATTEMPTS = 2  # type: ignore[attr-defined]
    smtp.stop()
    send_for_signing()
    notice = Notice.objects.get(kind=NoticeKind.AGREEMENT_SENT)
    send_due_notices(now=timezone.now() + timedelta(minutes=2))
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.FAILED, 2)
    assert send_due_notices(now=timezone.now() + timedelta(days=2)).sent == 0

    smtp.start()
    assert requeue(notice)
    assert send_due_notices().sent == 1
    assert len(smtp.messages) == 1


def test_a_notice_whose_sender_stopped_mid_way_is_not_sent_again_by_the_system(
    smtp: SmtpServer,
) -> None:
    """A crash between handing the e-mail over and recording it leaves the row `sending`: the
    system never sends it again on its own (at most once); staff see it and may requeue it."""
    smtp.stop()
    send_for_signing()
    notice = Notice.objects.get(kind=NoticeKind.AGREEMENT_SENT)
    # What a sender that died right after the mail server took the message leaves behind.
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.SENDING)
    smtp.start()
    assert send_due_notices(now=timezone.now() + timedelta(days=1)).sent == 0
    assert send_notice(notice.pk) is False
    assert smtp.messages == []


@pytest.mark.postgres
def test_two_workers_sending_the_same_notices_send_each_once(smtp: SmtpServer) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two connections claiming the same rows at once")
    smtp.stop()
    send_for_signing()
    for reference in ("GF-2024-HIGHFIVE",):
        client = login(Client(), "handlaggare")
        client.post(f"/agreements/{reference}/withdraw/", {"reason": "Fel belopp"})
    queued = list(Notice.objects.values_list("pk", flat=True))
    assert len(queued) >= 2
    smtp.start()
    later = timezone.now() + timedelta(minutes=5)
    results = at_once(2, lambda: send_due_notices(now=later).sent)
    assert sum(results) == len(queued)
    assert len(smtp.messages) == len(queued)
    assert sorted(m["Message-ID"] for m in smtp.messages) == sorted(
        n.message_id for n in Notice.objects.all()
    )


def test_a_user_who_chose_english_gets_english(smtp: SmtpServer) -> None:
    User.objects.filter(username="leap-for-life").update(language="en")
    send_for_signing()
    message = smtp.messages[0]
    assert message["Subject"] == f"Agreement {DRAFT} to sign"
    text = body(message, "plain")
    assert "Hello Demo Firmatecknare Leap for Life!" in text
    assert "Överenskommelse" not in text


def test_a_recipient_deactivated_before_sending_gets_nothing(smtp: SmtpServer) -> None:
    smtp.stop()
    send_for_signing()
    User.objects.filter(username="leap-for-life").update(is_active=False)
    smtp.start()
    assert send_due_notices(now=timezone.now() + timedelta(minutes=5)).sent == 0
    notice = Notice.objects.get(kind=NoticeKind.AGREEMENT_SENT)
    assert notice.status == NoticeStatus.CANCELLED
    assert smtp.messages == []
