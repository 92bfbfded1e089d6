"""Amendments (tillägg): the next version of a signed agreement, signed again by both parties.

Design §3 invariant 6 and §4 workflow 9. While an amendment is open the agreement's own row keeps
the version in force (its terms, payments and reports go on); the amendment holds the proposed
terms. When the region signs, `agreements.services.amendments` applies them to the agreement,
whose version becomes the amendment's, and seals the new version's PDF, which names the version
it replaces and that document's SHA-256. The lifecycle is data, like the agreement's.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import user_reference
from agreements.models.agreements import SIGNING_TRANSITIONS, Agreement, SignedDocument
from core.fields import KronorField
from core.models import Lifecycle
from core.validators import multi_line


class AmendmentStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SENT = "sent", _("Skickad för underskrift")
    PARTNER_SIGNED = "partner_signed", _("Underskriven av partnern")
    SIGNED = "signed", _("Underskriven och gällande")
    DISCARDED = "discarded", _("Makulerad")


# Signed like the agreement (its statuses have the same values); once signed, it is in force.
AMENDMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    **SIGNING_TRANSITIONS,
    AmendmentStatus.SIGNED: frozenset(),
}

# Not yet decided either way: at most one such amendment per agreement (a database rule).
AMENDMENT_OPEN = frozenset(
    {AmendmentStatus.DRAFT, AmendmentStatus.SENT, AmendmentStatus.PARTNER_SIGNED}
)
# Out for signature: the agreement's planned payments wait until it is signed or withdrawn.
AMENDMENT_AWAITING_SIGNATURES = frozenset({AmendmentStatus.SENT, AmendmentStatus.PARTNER_SIGNED})


class AgreementAmendment(Lifecycle, models.Model):
    transitions = AMENDMENT_TRANSITIONS

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="amendments",
        verbose_name=_("överenskommelse"),
    )
    version = models.PositiveIntegerField(_("version"))
    replaces = models.ForeignKey(
        SignedDocument,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ersätter dokumentet"),
    )
    reason = models.TextField(_("skäl till ändringen"), max_length=5000, validators=[multi_line])
    status = models.CharField(
        _("status"), max_length=16, choices=AmendmentStatus.choices, default=AmendmentStatus.DRAFT
    )
    period_start = models.DateField(_("period från"))
    period_end = models.DateField(_("period till"))
    amount = KronorField(_("belopp"))
    purpose = models.TextField(_("syfte"), max_length=10000, validators=[multi_line])
    conditions = models.TextField(
        _("villkor"), blank=True, max_length=20000, validators=[multi_line]
    )
    # The payments still to be released under the new version ({due_date, amount, after_report}:
    # the report's number among the new version's reports in date order). Released and paid
    # instalments carry over unchanged.
    instalments = models.JSONField(_("planerade utbetalningar"), default=list, blank=True)
    # The reporting requirements no report has started on ({id or null, description, due_date}).
    # Those with a report carry over unchanged.
    reports = models.JSONField(_("återrapporteringar"), default=list, blank=True)
    # What changed, in words, frozen when the new version is sealed (the PDF says the same).
    changes = models.JSONField(_("ändringar"), default=list, blank=True)
    discard_reason = models.TextField(
        _("skäl till makulering"), blank=True, max_length=2000, validators=[multi_line]
    )
    created_by = user_reference(_("upprättad av"))
    created_at = models.DateTimeField(_("upprättad"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tillägg")
        verbose_name_plural = _("tillägg")
        ordering = ("agreement", "version")
        constraints = [
            # A discarded amendment gives its number back: the next one is that version again.
            models.UniqueConstraint(
                fields=["agreement", "version"],
                condition=~Q(status=AmendmentStatus.DISCARDED),
                name="amendment_one_per_version",
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status__in=sorted(AMENDMENT_OPEN)),
                name="amendment_one_open_per_agreement",
            ),
            models.CheckConstraint(condition=Q(version__gte=2), name="amendment_version_after_1"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="amendment_amount_nonneg"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="amendment_period_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AmendmentStatus.values), name="amendment_status_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_has_reason"),
            models.CheckConstraint(
                condition=~Q(status=AmendmentStatus.DISCARDED) | ~Q(discard_reason=""),
                name="amendment_discarded_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.version}"

    @property
    def is_open(self) -> bool:
        return self.status in AMENDMENT_OPEN

    @property
    def terms_editable(self) -> bool:
        return self.status == AmendmentStatus.DRAFT

    @property
    def awaiting_signatures(self) -> bool:
        return self.status in AMENDMENT_AWAITING_SIGNATURES
