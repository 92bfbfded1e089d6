"""Budget years, the funding sources of a year, and the programmes (ramar) drawn on them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import KronorField
from core.validators import multi_line, single_line


class BudgetYearStatus(models.TextChoices):
    PREPARATION = "preparation", _("Under beredning")
    ACTIVE = "active", _("Pågående")
    CLOSED = "closed", _("Avslutat")


class BudgetYear(models.Model):
    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=BudgetYearStatus.choices,
        default=BudgetYearStatus.PREPARATION,
    )

    class Meta:
        verbose_name = _("budgetår")
        verbose_name_plural = _("budgetår")
        ordering = ("-year",)
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="budget_year_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=BudgetYearStatus.values), name="budget_year_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class SourceKind(models.TextChoices):
    REGIONAL_DEVELOPMENT = "regional_development", _("Utvecklingsmedel för regional utveckling")
    STATE_GROWTH = "state_growth", _("Statliga medel för regional tillväxt (1:1-medel)")
    OTHER = "other", _("Övriga medel")


class FundingSource(models.Model):
    budget_year = models.ForeignKey(
        BudgetYear, on_delete=models.PROTECT, related_name="sources", verbose_name=_("budgetår")
    )
    kind = models.CharField(_("slag"), max_length=32, choices=SourceKind.choices)
    name = models.CharField(_("namn"), max_length=200, validators=[single_line])
    amount = KronorField(_("belopp"))
    allows_operating_support = models.BooleanField(
        _("får bära verksamhetsstöd"),
        help_text=_(
            "Om grundfinansiering (verksamhetsstöd) får tas ur källan. De statliga 1:1-medlen "
            "får inte det (förordning 2003:596 om bidrag för projektverksamhet inom den "
            "regionala tillväxtpolitiken)."
        ),
    )
    notes = models.TextField(_("anteckningar"), blank=True, validators=[multi_line])

    class Meta:
        verbose_name = _("finansieringskälla")
        verbose_name_plural = _("finansieringskällor")
        ordering = ("budget_year", "kind", "name")
        constraints = [
            models.UniqueConstraint(fields=["budget_year", "name"], name="source_name_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="source_amount_nonnegative"),
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="source_kind_valid"
            ),
            # State funds may never be marked as allowed to carry operating support.
            models.CheckConstraint(
                condition=~Q(kind=SourceKind.STATE_GROWTH) | Q(allows_operating_support=False),
                name="source_state_funds_no_operating_support",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.budget_year}"


class ProgrammeKind(models.TextChoices):
    BASIC_FUNDING = "basic_funding", _("Grundfinansiering (verksamhetsstöd)")
    PROJECTS = "projects", _("Projektmedel")
    BUSINESS_SUPPORT = "business_support", _("Företagsstöd")


class Programme(models.Model):
    """A funding frame: a named use of one source in one year, with a ceiling."""

    budget_year = models.ForeignKey(
        BudgetYear,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("budgetår"),
    )
    source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("finansieringskälla"),
    )
    kind = models.CharField(_("slag"), max_length=32, choices=ProgrammeKind.choices)
    name = models.CharField(_("namn"), max_length=200, validators=[single_line])
    slug = models.SlugField(_("kortnamn"), max_length=80)
    ceiling = KronorField(_("tak"))
    source_rule_override_reason = models.TextField(
        _("motivering för undantag från källans regel"),
        blank=True,
        help_text=_(
            "Krävs om grundfinansiering tas ur en källa som inte får bära verksamhetsstöd."
        ),
        validators=[multi_line],
    )
    is_example_data = models.BooleanField(_("exempeldata"), default=False)
    ceiling_is_public = models.BooleanField(
        _("taket är offentligt"),
        default=False,
        help_text=_(
            "För exempeldata: taket är en offentlig uppgift och sägs vara det på "
            "budgetöversikten. Förs inte över till nästa år."
        ),
    )

    class Meta:
        verbose_name = _("ram")
        verbose_name_plural = _("ramar")
        ordering = ("budget_year", "name")
        constraints = [
            models.UniqueConstraint(fields=["budget_year", "slug"], name="programme_slug_unique"),
            models.CheckConstraint(condition=Q(ceiling__gte=0), name="programme_ceiling_nonneg"),
            models.CheckConstraint(
                condition=Q(kind__in=ProgrammeKind.values), name="programme_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_basic_funding(self) -> bool:
        return self.kind == ProgrammeKind.BASIC_FUNDING
