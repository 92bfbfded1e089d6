"""Instalments (utbetalningar) of an agreement's payment plan and their status."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import user_reference
from agreements.models.agreements import Agreement
from core.fields import KronorField
from core.models import Lifecycle
from core.validators import single_line


class InstalmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planerad")
    RELEASED = "released", _("Attesterad för utbetalning")
    PAID = "paid", _("Utbetald")


# Design §3, Instalment status: an official releases (attests) a planned instalment, the finance
# system pays it, the payment is booked. Nothing goes back: a mistake is corrected in finance.
INSTALMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    InstalmentStatus.PLANNED: frozenset({InstalmentStatus.RELEASED}),
    InstalmentStatus.RELEASED: frozenset({InstalmentStatus.PAID}),
    InstalmentStatus.PAID: frozenset(),
}


class Instalment(Lifecycle, models.Model):
    """One payment (utbetalning) of the plan. The plan adds up exactly to the agreement amount."""

    transitions = INSTALMENT_TRANSITIONS

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("nummer"))
    due_date = models.DateField(_("utbetalas"))
    amount = KronorField(_("belopp"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InstalmentStatus.choices,
        default=InstalmentStatus.PLANNED,
    )
    released_on = models.DateField(_("attesterad den"), null=True, blank=True)
    released_by = user_reference(_("attesterad av"))
    paid_on = models.DateField(_("utbetald den"), null=True, blank=True)
    finance_reference = models.CharField(
        _("referens i ekonomisystemet"),
        max_length=64,
        blank=True,
        validators=[single_line],
    )
    # Paid only after this report is approved (e.g. the final instalment after the final
    # report). Checked when the instalment is released.
    after_report = models.ForeignKey(
        "agreements.ReportingRequirement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tied_instalments",
        verbose_name=_("efter godkänd återrapport"),
    )

    class Meta:
        verbose_name = _("utbetalning")
        verbose_name_plural = _("utbetalningar")
        ordering = ("agreement", "number")
        indexes = [
            models.Index(fields=["due_date", "agreement", "number"], name="instalment_due_order")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="instalment_number_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="instalment_amount_nonneg"),
            models.CheckConstraint(condition=Q(number__gte=1), name="instalment_number_pos"),
            models.CheckConstraint(
                condition=Q(status__in=InstalmentStatus.values), name="instalment_status_valid"
            ),
            # What each status says, the row says too: released with a date, paid with one.
            models.CheckConstraint(
                condition=Q(status=InstalmentStatus.PLANNED, released_on__isnull=True)
                | (~Q(status=InstalmentStatus.PLANNED) & Q(released_on__isnull=False)),
                name="instalment_released_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status=InstalmentStatus.PAID, paid_on__isnull=False)
                | (~Q(status=InstalmentStatus.PAID) & Q(paid_on__isnull=True)),
                name="instalment_paid_has_date",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(paid_on__gte=models.F("released_on")),
                name="instalment_paid_after_release",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} #{self.number}"
