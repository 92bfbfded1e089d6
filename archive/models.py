"""Archive bundles: one ZIP per budget year with every issued document and an index."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from funding.models import BudgetYear


class BundleStatus(models.TextChoices):
    QUEUED = "queued", _("I kö")
    RUNNING = "running", _("Pågår")
    DONE = "done", _("Klart")
    FAILED = "failed", _("Misslyckades")


class ArchiveBundle(models.Model):
    budget_year = models.ForeignKey(
        BudgetYear, on_delete=models.PROTECT, related_name="archive_bundles"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("beställt"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BundleStatus.choices, default=BundleStatus.QUEUED
    )
    task_id = models.CharField(max_length=64, blank=True)
    # Every build claims the bundle by moving `attempt` on; its writes only land while the
    # bundle is still running under that attempt, so a build that was given up on (see
    # services.recover_stalled_bundles) can never overwrite the one that replaced it.
    attempt = models.PositiveIntegerField(_("byggförsök"), default=0)
    # The running build's last sign of life: set when it starts and with every progress report.
    progressed_at = models.DateTimeField(_("senaste framsteg"), null=True, blank=True)
    total = models.PositiveIntegerField(_("dokument totalt"), default=0)
    done = models.PositiveIntegerField(_("dokument klara"), default=0)
    file = models.FileField(_("fil"), upload_to="archive/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("storlek (byte)"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klart"), null=True, blank=True)
    error = models.TextField(_("fel"), blank=True)

    class Meta:
        verbose_name = _("arkivpaket")
        verbose_name_plural = _("arkivpaket")
        ordering = ("-requested_at", "-pk")
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="bundle_progress"),
            models.CheckConstraint(
                condition=Q(status__in=BundleStatus.values), name="bundle_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=BundleStatus.DONE) | (~Q(file="") & ~Q(sha256="")),
                name="bundle_done_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"Arkivpaket {self.budget_year} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return 100 if self.status == BundleStatus.DONE else int(100 * self.done / (self.total or 1))
