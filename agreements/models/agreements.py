"""Agreements (överenskommelser), their signatures and signed PDFs.

The lifecycle is data (`TRANSITIONS` below); `agreements.services` refuses any change that is not
in it and writes each change to the history.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import user_reference
from agreements.models.terms import StandardTerms
from core.fields import KronorField
from core.models import SHA256_HEX, Lifecycle
from core.validators import multi_line, single_line
from funding.models import Allocation
from partners.models import Partner


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SENT = "sent", _("Skickad för underskrift")
    PARTNER_SIGNED = "partner_signed", _("Underskriven av partnern")
    SIGNED = "signed", _("Underskriven")
    COMPLETED = "completed", _("Avslutad")
    TERMINATED = "terminated", _("Hävd")
    DISCARDED = "discarded", _("Makulerad")


# Design §3: an agreement, and each amendment to it, is signed the same way: draft → sent for
# signing → signed by partner → signed. Withdrawing a sent one returns it to draft. Nothing binds
# either party until both have signed, so one not yet in force is discarded (makulerad). What
# may follow the signature is the agreement's and the amendment's own.
SIGNING_TRANSITIONS: dict[str, frozenset[str]] = {
    AgreementStatus.DRAFT: frozenset({AgreementStatus.SENT, AgreementStatus.DISCARDED}),
    AgreementStatus.SENT: frozenset(
        {AgreementStatus.PARTNER_SIGNED, AgreementStatus.DRAFT, AgreementStatus.DISCARDED}
    ),
    AgreementStatus.PARTNER_SIGNED: frozenset({AgreementStatus.SIGNED, AgreementStatus.DISCARDED}),
    AgreementStatus.DISCARDED: frozenset(),
}

# A signed agreement is completed, or terminated (hävd; never one not yet in force), with a
# reason and perhaps an amount to recover (design §4 workflow 9).
TRANSITIONS: dict[str, frozenset[str]] = {
    **SIGNING_TRANSITIONS,
    AgreementStatus.SIGNED: frozenset({AgreementStatus.COMPLETED, AgreementStatus.TERMINATED}),
    AgreementStatus.COMPLETED: frozenset(),
    AgreementStatus.TERMINATED: frozenset(),
}

# Once the partner has signed, the terms are frozen for this version.
TERMS_EDITABLE = frozenset({AgreementStatus.DRAFT})

# Checked twice: by the validator (a message on the form) and by the database constraint.
REFERENCE_FORMAT = r"^[A-Z0-9]+(-[A-Z0-9]+)*$"
reference_validator = RegexValidator(
    REFERENCE_FORMAT,
    _("Referensen består av versaler, siffror och bindestreck, t.ex. GF-2024-COOMPANION."),
)


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def for_partner(self, partner: Partner) -> "AgreementQuerySet":
        return self.filter(partner=partner)


class Agreement(Lifecycle, models.Model):
    transitions = TRANSITIONS

    reference = models.CharField(
        _("referens"), max_length=60, unique=True, validators=[reference_validator]
    )
    allocation = models.OneToOneField(
        Allocation,
        on_delete=models.PROTECT,
        related_name="agreement",
        verbose_name=_("fördelning"),
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("partner")
    )
    period_start = models.DateField(_("period från"))
    period_end = models.DateField(_("period till"))
    amount = KronorField(_("belopp"))
    purpose = models.TextField(_("syfte"), max_length=10000, validators=[multi_line])
    conditions = models.TextField(
        _("villkor"), blank=True, max_length=20000, validators=[multi_line]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Ökar när en underskriven överenskommelse ändras.")
    )
    termination_reason = models.TextField(
        _("skäl till hävning"), blank=True, validators=[multi_line]
    )
    # What the partner pays back when a signed agreement is terminated (återkrav): at most what
    # was paid out, by a due date. Both empty when nothing is recovered.
    # The stubs cannot express a nullable subclass of a generic field; the value is Decimal | None.
    recovery_amount = KronorField(_("återkrav"), null=True, blank=True)  # type: ignore[misc]
    recovery_due_date = models.DateField(_("återkrav senast"), null=True, blank=True)
    discard_reason = models.TextField(
        _("skäl till makulering"), blank=True, validators=[multi_line]
    )
    is_example_data = models.BooleanField(_("exempeldata"), default=False)
    # Fixed when the agreement is sent for signing (issue 19): the standard terms the partner
    # signs, and the region's contact person printed beside the partner's.
    standard_terms = models.ForeignKey(
        StandardTerms,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("allmänna villkor"),
    )
    region_contact = user_reference(_("regionens kontaktperson"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("överenskommelse")
        verbose_name_plural = _("överenskommelser")
        ordering = ("-period_start", "partner__display_name")
        permissions = [("sign_for_region", _("Får skriva under överenskommelser för regionen"))]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="agreement_amount_nonneg"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="agreement_period_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AgreementStatus.values), name="agreement_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=AgreementStatus.TERMINATED) | ~Q(termination_reason=""),
                name="agreement_terminated_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=AgreementStatus.DISCARDED) | ~Q(discard_reason=""),
                name="agreement_discarded_has_reason",
            ),
            # An amount to recover is more than 0 kr and has a due date; a due date has an amount.
            # (`isnull=False` spelled out: `amount > 0` alone is NULL, not false, for no amount,
            # and a CHECK lets NULL through.)
            models.CheckConstraint(
                condition=Q(recovery_amount__isnull=True, recovery_due_date__isnull=True)
                | Q(
                    recovery_amount__isnull=False,
                    recovery_amount__gt=0,
                    recovery_due_date__isnull=False,
                ),
                name="agreement_recovery_amount_with_due_date",
            ),
            models.CheckConstraint(
                condition=Q(status=AgreementStatus.TERMINATED) | Q(recovery_amount__isnull=True),
                name="agreement_recovery_only_when_terminated",
            ),
            models.CheckConstraint(
                condition=Q(reference__regex=REFERENCE_FORMAT),
                name="agreement_reference_format",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="agreement_version_pos"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def terms_editable(self) -> bool:
        return self.status in TERMS_EDITABLE

    # The steps an official takes, for pages to ask (the lifecycle is TRANSITIONS above).
    @property
    def can_be_sent(self) -> bool:
        return self.can_become(AgreementStatus.SENT)

    @property
    def can_be_withdrawn(self) -> bool:
        return self.can_become(AgreementStatus.DRAFT)  # back to draft: only from sent

    @property
    def can_be_completed(self) -> bool:
        return self.can_become(AgreementStatus.COMPLETED)

    @property
    def can_be_terminated(self) -> bool:
        return self.can_become(AgreementStatus.TERMINATED)  # only a signed one: it is in force

    @property
    def can_be_discarded(self) -> bool:
        return self.can_become(AgreementStatus.DISCARDED)  # not yet in force

    @property
    def awaiting_signatures(self) -> bool:
        """Sent and not yet signed by both: the text the parties are signing is fixed."""
        return self.status in (AgreementStatus.SENT, AgreementStatus.PARTNER_SIGNED)


class Party(models.TextChoices):
    PARTNER = "partner", _("Partnern")
    REGION = "region", _("Region Halland")


class Signature(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    agreement_version = models.PositiveIntegerField(_("version"))
    party = models.CharField(_("part"), max_length=16, choices=Party.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures"
    )
    signer_name = models.CharField(_("namn"), max_length=200, validators=[single_line])
    signer_title = models.CharField(
        _("titel"), max_length=200, blank=True, validators=[single_line]
    )
    # From the signing user's record when they signed, never typed at signing (issue 19).
    signer_delegation = models.CharField(
        _("delegationsbeslut"), max_length=200, blank=True, validators=[single_line]
    )
    signed_at = models.DateTimeField(_("tidpunkt"))
    method = models.CharField(
        _("sätt"),
        max_length=64,
        default="password_reauthentication",
        help_text=_("Hur undertecknaren styrkte sin identitet vid underskriften."),
    )

    class Meta:
        verbose_name = _("underskrift")
        verbose_name_plural = _("underskrifter")
        ordering = ("agreement", "agreement_version", "signed_at")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "agreement_version", "party"],
                name="signature_one_per_party_and_version",
            ),
            models.CheckConstraint(condition=Q(party__in=Party.values), name="signature_party"),
            models.CheckConstraint(condition=~Q(signer_name=""), name="signature_has_name"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.agreement_version}: {self.get_party_display()}"


class SignedDocument(models.Model):
    """The sealed PDF as stored. Never re-rendered: what was signed is what is served."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="signed_documents"
    )
    agreement_version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("fil"), upload_to="agreements/signed/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    # The standard terms printed in this document: frozen with it (issue 19).
    standard_terms = models.ForeignKey(
        StandardTerms,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_documents",
        verbose_name=_("allmänna villkor"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("underskrivet dokument")
        verbose_name_plural = _("underskrivna dokument")
        ordering = ("agreement", "-agreement_version")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "agreement_version"], name="signed_document_one_per_version"
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=SHA256_HEX), name="signed_document_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.agreement_version} ({self.sha256[:12]})"
