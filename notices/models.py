"""E-mail the system sent or will send (design §3, Notice; §4 workflow 11).

A notice is written in the same transaction as the change that causes it, rendered then in the
recipient's language, and sent afterwards by a background task (notices.services). It is sent at
most once: a sender claims the row (queued → sending) in its own committed update before it
talks to the mail server, so a retried task, a second worker or a crash after sending cannot
send it again. A notice whose sender died while it was `sending` is never sent again by the
system; staff see it and decide.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    AGREEMENT_SENT = "agreement.sent", _("Överenskommelse att skriva under")
    AGREEMENT_PARTNER_SIGNED = (
        "agreement.partner_signed",
        _("Partnern har skrivit under en överenskommelse"),
    )
    AGREEMENT_SIGNED = "agreement.signed", _("Överenskommelse underskriven av båda parter")
    AGREEMENT_WITHDRAWN = "agreement.withdrawn", _("Överenskommelse dragen tillbaka")
    AGREEMENT_TERMINATED = "agreement.terminated", _("Överenskommelse hävd")
    AGREEMENT_DISCARDED = "agreement.discarded", _("Överenskommelse makulerad")
    REPORT_DUE_30 = "report.due_30", _("Återrapport ska lämnas inom 30 dagar")
    REPORT_DUE_7 = "report.due_7", _("Återrapport ska lämnas inom 7 dagar")
    REPORT_OVERDUE = "report.overdue", _("Återrapport är försenad")
    REPORT_SUBMITTED = "report.submitted", _("Återrapport inlämnad")
    REPORT_RETURNED = "report.returned", _("Återrapport returnerad för komplettering")
    INSTALMENT_PAID = "instalment.paid", _("Utbetalning gjord")
    INVITATION = "account.invitation", _("Inbjudan")
    PASSWORD_RESET = "account.password_reset", _("Nytt lösenord")


# Sent whatever the user chose: without them nobody could start or get back into an account.
ALWAYS_SENT = frozenset({NoticeKind.INVITATION, NoticeKind.PASSWORD_RESET})
# Their link carries a one-time token, made when the e-mail is sent and never stored.
SECRET_LINK_KINDS = ALWAYS_SENT
# Where the one-time link goes in a stored body, until the sender replaces it.
SECRET_LINK_PLACEHOLDER = "[[one-time-link]]"  # noqa: S105 (a marker, not a secret)


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", _("I kö")
    SENDING = "sending", _("Skickas")
    SENT = "sent", _("Skickat")
    FAILED = "failed", _("Kunde inte skickas")
    CANCELLED = "cancelled", _("Skickas inte")


class Notice(models.Model):
    kind = models.CharField(_("slag"), max_length=40, choices=NoticeKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mottagare"),
        on_delete=models.PROTECT,
        related_name="notices",
    )
    to_address = models.EmailField(_("till adress"))
    language = models.CharField(_("språk"), max_length=8, default="sv")
    about_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    about_id = models.CharField(max_length=64, blank=True)
    about_repr = models.CharField(_("avser"), max_length=255, blank=True)
    subject = models.CharField(_("ämne"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    # Once per recipient and occasion, where an occasion can come round again (a reminder the
    # daily run finds twice): the database refuses the second row.
    once_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED
    )
    queued_at = models.DateTimeField(_("köat"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("nästa försök"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    claimed_at = models.DateTimeField(_("påbörjat"), null=True, blank=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)
    last_error = models.CharField(_("senaste fel"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("e-postmeddelande")
        verbose_name_plural = _("e-postmeddelanden")
        ordering = ("-queued_at", "-id")
        indexes = [
            models.Index(fields=["about_type", "about_id", "queued_at"]),
            models.Index(
                fields=["next_attempt_at"],
                name="notice_due",
                condition=Q(status="queued"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NoticeStatus.values), name="notice_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="notice_sent_at_iff_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_address}"

    @property
    def message_id(self) -> str:
        """The same Message-ID for every attempt, so a receiving system can drop a duplicate."""
        return f"<notice-{self.pk}@{settings.NOTICE_MESSAGE_ID_DOMAIN}>"


class NoticeOptOut(models.Model):
    """A kind of notice a user has turned off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_opt_outs"
    )
    kind = models.CharField(_("slag"), max_length=40, choices=NoticeKind.choices)

    class Meta:
        verbose_name = _("avstängt e-postmeddelande")
        verbose_name_plural = _("avstängda e-postmeddelanden")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notice_opt_out_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.kind}"
