"""A proposed change of decided money (ändringsförslag): decided money changes only by a new
decision (design §3, invariant 6), so an official proposes, a secretary lists the proposal in a
draft decision, and deciding it changes the allocation (issue 17)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import user_reference
from core.fields import KronorField
from core.validators import multi_line
from funding.models.allocations import Allocation
from funding.models.decisions import Decision


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Föreslagen")
    LISTED = "listed", _("Upptagen i ett beslutsutkast")
    DECIDED = "decided", _("Beslutad")


# Not yet decided: an allocation has at most one of these (a database constraint).
PENDING = (ProposalStatus.OPEN, ProposalStatus.LISTED)


class AmendmentProposal(models.Model):
    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="amendment_proposals"
    )
    amount = KronorField(_("nytt belopp"))
    reason = models.TextField(_("skäl"), max_length=2000, validators=[multi_line])
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendment_proposals",
        verbose_name=_("beslut"),
    )
    proposed_by = user_reference(_("föreslagen av"))
    proposed_at = models.DateTimeField(_("föreslagen"), default=timezone.now)

    class Meta:
        verbose_name = _("ändringsförslag")
        verbose_name_plural = _("ändringsförslag")
        ordering = ("-proposed_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["allocation"],
                condition=Q(status__in=["open", "listed"]),
                name="amendment_proposal_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="amendment_proposal_amount_nonneg"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_proposal_reason"),
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="amendment_proposal_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation}: → {self.amount}"
