"""Reporting (återrapportering): what the agreement asks for, and the partner's reports.

Design §3 (Report) and §4 workflow 7. An agreement names its reporting requirements and its key
figures (indicators) while it is a draft. Once it is signed, the partner answers each
requirement with one report: a narrative, a value for each key figure, attachments. The
lifecycle is data (`REPORT_TRANSITIONS`); `agreements.services.reports` refuses anything else
and writes each step to the history.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import user_reference
from agreements.models.agreements import Agreement, AgreementStatus
from core.models import SHA256_HEX, Lifecycle
from core.validators import multi_line, single_line


class ReportingRequirement(models.Model):
    """What the partner reports back (återrapportering), and when."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="reporting_requirements"
    )
    description = models.CharField(_("vad"), max_length=500, validators=[single_line])
    due_date = models.DateField(_("senast"))

    class Meta:
        verbose_name = _("återrapportering")
        verbose_name_plural = _("återrapporteringar")
        ordering = ("agreement", "due_date", "pk")
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""), name="reporting_requirement_description"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.due_date})"

    @property
    def current_report(self) -> "Report | None":
        """The report answering this requirement, if the partner has started one."""
        try:
            return self.report
        except Report.DoesNotExist:
            return None

    def is_overdue(self, today: date) -> bool:
        """Past its date and not with the region, for a signed agreement (read the agreement's
        status and the report with the requirement: select_related)."""
        report = self.current_report
        return (
            self.agreement.status == AgreementStatus.SIGNED
            and self.due_date < today
            and (report is None or report.status not in REPORT_DELIVERED)
        )


class Indicator(models.Model):
    """A key figure (nyckeltal) the partner reports on, e.g. "antal rådgivna företag"."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("ordning"))
    name = models.CharField(_("nyckeltal"), max_length=200, validators=[single_line])
    unit = models.CharField(_("enhet"), max_length=40, validators=[single_line])
    target = models.DecimalField(_("mål"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("nyckeltal")
        verbose_name_plural = _("nyckeltal")
        ordering = ("agreement", "position")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "position"], name="indicator_position_unique"
            ),
            models.UniqueConstraint(fields=["agreement", "name"], name="indicator_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="indicator_has_name"),
            models.CheckConstraint(condition=~Q(unit=""), name="indicator_has_unit"),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gte=0), name="indicator_target_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Inlämnad")
    RETURNED = "returned", _("Returnerad för komplettering")
    APPROVED = "approved", _("Godkänd")


# Design §3: draft → submitted → returned (with the official's comment) → submitted → approved.
REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.DRAFT: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.SUBMITTED: frozenset({ReportStatus.RETURNED, ReportStatus.APPROVED}),
    ReportStatus.RETURNED: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.APPROVED: frozenset(),
}
# The partner writes while the report is a draft or returned; the official reviews it submitted.
REPORT_EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})
# With the region: a requirement whose report is submitted or approved waits for nobody but the
# official. Any other requirement of a signed agreement is outstanding, and past its due date it
# is late, *försenad* (design §4 workflow 7), a returned report included.
REPORT_DELIVERED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


class Report(Lifecycle, models.Model):
    """The partner's answer to one reporting requirement (återrapport)."""

    transitions = REPORT_TRANSITIONS

    requirement = models.OneToOneField(
        ReportingRequirement,
        on_delete=models.PROTECT,
        related_name="report",
        verbose_name=_("återrapportering"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    narrative = models.TextField(
        _("redogörelse"), blank=True, max_length=50000, validators=[multi_line]
    )
    review_comment = models.TextField(
        _("handläggarens kommentar"), blank=True, max_length=10000, validators=[multi_line]
    )
    submitted_at = models.DateTimeField(_("inlämnad"), null=True, blank=True)
    submitted_by = user_reference()
    reviewed_at = models.DateTimeField(_("granskad"), null=True, blank=True)
    reviewed_by = user_reference()
    # The approved report as PDF/A, rendered once at approval and archived with its hash.
    document = models.FileField(_("dokument"), upload_to="reports/approved/%Y/", blank=True)
    document_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    document_size = models.PositiveIntegerField(_("storlek (byte)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("återrapport")
        verbose_name_plural = _("återrapporter")
        ordering = ("requirement__due_date", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="report_handed_in_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.RETURNED) | ~Q(review_comment=""),
                name="report_returned_has_comment",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.APPROVED)
                | (Q(reviewed_at__isnull=False) & Q(document_sha256__regex=SHA256_HEX)),
                name="report_approved_has_document",
            ),
        ]

    def __str__(self) -> str:
        return str(self.requirement)

    @property
    def is_editable(self) -> bool:
        return self.status in REPORT_EDITABLE

    @property
    def can_be_reviewed(self) -> bool:
        return self.status == ReportStatus.SUBMITTED

    def key_figures(self) -> list[tuple[Indicator, Decimal | None]]:
        """The agreement's key figures in order, each with this report's value (None: not
        given). Reads the report's values and the agreement's indicators as loaded."""
        values = {v.indicator_id: v.value for v in self.values.all()}
        return [(i, values.get(i.pk)) for i in self.requirement.agreement.indicators.all()]


class IndicatorValue(models.Model):
    """The value a report gives for one of the agreement's key figures."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(_("utfall"), max_digits=14, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("utfall")
        verbose_name_plural = _("utfall")
        ordering = ("report", "indicator__position")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="indicator_value_once_per_report"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="indicator_value_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class AttachmentKind(models.TextChoices):
    """What core.uploads accepts, decided by content. Legacy .doc/.xls and macro-enabled files
    are refused (they cannot be told from other OLE files, or carry code)."""

    PDF = "pdf", "PDF"
    DOCX = "docx", _("Word")
    XLSX = "xlsx", _("Excel")


class ReportAttachment(models.Model):
    """A file the partner attached to a report. Never public: served after an access check."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("fil"), upload_to="reports/attachments/%Y/")
    name = models.CharField(_("filnamn"), max_length=120, validators=[single_line])
    kind = models.CharField(_("typ"), max_length=8, choices=AttachmentKind.choices)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    uploaded_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ("report", "uploaded_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AttachmentKind.values), name="attachment_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=SHA256_HEX), name="attachment_sha256_hex"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="attachment_has_name"),
        ]

    def __str__(self) -> str:
        return self.name
