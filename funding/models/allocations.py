"""Allocations: one partner's amount in one programme, draft until a decision decides it."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import user_reference
from core.fields import KronorField
from funding.models.budget import Programme
from partners.models import Partner


class AllocationStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    DECIDED = "decided", _("Beslutad")


class AllocationQuerySet(models.QuerySet["Allocation"]):
    def decided(self) -> "AllocationQuerySet":
        return self.filter(status=AllocationStatus.DECIDED)

    def total(self) -> Decimal:
        return self.aggregate(total=models.Sum("amount"))["total"] or Decimal(0)


class Allocation(models.Model):
    """One partner's amount in one programme.

    A draft is edited by officials. A decided allocation is changed only by a new decision; its
    amount is then the amount of the latest decision, and history keeps the earlier ones.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("ram")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("partner")
    )
    amount = KronorField(_("belopp"))
    amount_is_public = models.BooleanField(
        _("beloppet är offentligt"),
        default=False,
        help_text=_(
            "För exempeldata: beloppet är en offentlig uppgift (t.ex. i pressen) och sägs vara "
            "det på budgetöversikten. Förs inte över till nästa år."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AllocationStatus.choices,
        default=AllocationStatus.DRAFT,
    )
    decision = models.ForeignKey(
        "funding.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_allocations",
        verbose_name=_("beslut"),
        help_text=_("Det senaste beslutet som fastställde beloppet."),
    )
    version = models.PositiveIntegerField(
        default=1, help_text=_("Ökar vid varje ändring; skyddar mot att två skriver över varandra.")
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = user_reference()

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("fördelning")
        verbose_name_plural = _("fördelningar")
        ordering = ("programme", "partner__display_name")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "partner"], name="allocation_one_per_partner"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_amount_nonneg"),
            models.CheckConstraint(
                condition=Q(status__in=AllocationStatus.values), name="allocation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=AllocationStatus.DRAFT, decision__isnull=True)
                | Q(status=AllocationStatus.DECIDED, decision__isnull=False),
                name="allocation_decided_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.partner}"

    @property
    def is_decided(self) -> bool:
        return self.status == AllocationStatus.DECIDED
