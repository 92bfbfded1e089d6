"""Budget years, funding sources, programmes, allocations and committee decisions (design §3).

What one row can say is a database constraint here. What spans rows (ceilings, the source rule
for basic funding, deciding) is enforced by `funding.services` inside a locked transaction.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import KronorField
from core.validators import multi_line, single_line
from partners.models import Partner


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
    ceiling = KronorField(_("ram"))
    source_rule_override_reason = models.TextField(
        _("motivering för undantag från källans regel"),
        blank=True,
        help_text=_(
            "Krävs om grundfinansiering tas ur en källa som inte får bära verksamhetsstöd."
        ),
        validators=[multi_line],
    )
    is_example_data = models.BooleanField(_("exempeldata"), default=False)

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


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    DECIDED = "decided", _("Beslutat")
    APPROVED = "approved", _("Justerat")


# Design §3: draft → decided → approved (justerat). The lifecycle as data, like agreements'
# TRANSITIONS: services, views, the admin and templates ask the decision, never its status.
DECISION_TRANSITIONS: dict[str, frozenset[str]] = {
    DecisionStatus.DRAFT: frozenset({DecisionStatus.DECIDED}),
    DecisionStatus.DECIDED: frozenset({DecisionStatus.APPROVED}),
    DecisionStatus.APPROVED: frozenset(),
}
# Only a draft changes: its record and the allocations it lists. Deciding fixes the amounts.
DECISION_EDITABLE = frozenset({DecisionStatus.DRAFT})
# The fields of the record a draft may change (the service, the admin and the form).
DECISION_FIELDS = (
    "body",
    "meeting_date",
    "paragraph",
    "registration_number",
    "title",
    "text",
    "legal_basis",
    "is_example_data",
)

DEFAULT_DECISION_BODY = "Regionstyrelsens tillväxtutskott"


class Decision(models.Model):
    """A committee decision; deciding it turns the allocations it lists into decided money."""

    body = models.CharField(
        _("beslutsorgan"), max_length=200, default=DEFAULT_DECISION_BODY, validators=[single_line]
    )
    meeting_date = models.DateField(_("sammanträdesdatum"))
    paragraph = models.PositiveIntegerField(_("paragraf (§)"), null=True, blank=True)
    registration_number = models.CharField(
        _("diarienummer"), max_length=32, blank=True, validators=[single_line]
    )
    title = models.CharField(_("rubrik"), max_length=300, validators=[single_line])
    text = models.TextField(_("beslutstext"), max_length=20000, validators=[multi_line])
    legal_basis = models.TextField(
        _("rättslig grund"),
        blank=True,
        max_length=5000,
        help_text=_("T.ex. bidrag (inte upphandling) och bedömning av statsstöd."),
        validators=[multi_line],
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    decided_at = models.DateTimeField(_("beslutat"), null=True, blank=True)
    approved_on = models.DateField(_("justerat den"), null=True, blank=True)
    is_example_data = models.BooleanField(_("exempeldata"), default=False)
    allocations: "models.ManyToManyField[Allocation, DecisionItem]" = models.ManyToManyField(
        "Allocation",
        through="DecisionItem",
        related_name="decisions",
        verbose_name=_("fördelningar"),
    )

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ("-meeting_date", "-paragraph")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DecisionStatus.values), name="decision_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=DecisionStatus.DRAFT)
                | (
                    Q(paragraph__isnull=False)
                    & ~Q(registration_number="")
                    & Q(decided_at__isnull=False)
                ),
                name="decision_decided_has_paragraph_and_number",
            ),
            models.CheckConstraint(
                condition=~Q(status=DecisionStatus.APPROVED) | Q(approved_on__isnull=False),
                name="decision_approved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True)
                | Q(approved_on__gte=models.F("meeting_date")),
                name="decision_approved_after_meeting",
            ),
            models.UniqueConstraint(
                fields=["body", "meeting_date", "paragraph"],
                condition=Q(paragraph__isnull=False),
                name="decision_paragraph_unique",
            ),
        ]

    def __str__(self) -> str:
        paragraph = f" § {self.paragraph}" if self.paragraph else ""
        return f"{self.body} {self.meeting_date:%Y-%m-%d}{paragraph}: {self.title}"

    @property
    def is_decided(self) -> bool:
        return self.status in (DecisionStatus.DECIDED, DecisionStatus.APPROVED)

    @property
    def is_editable(self) -> bool:
        """A draft: its record and its list of allocations may change."""
        return self.status in DECISION_EDITABLE

    @property
    def can_be_decided(self) -> bool:
        return self.can_become(DecisionStatus.DECIDED)

    @property
    def can_be_approved(self) -> bool:
        return self.can_become(DecisionStatus.APPROVED)

    def can_become(self, status: str) -> bool:
        return status in DECISION_TRANSITIONS[self.status]


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
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AllocationStatus.choices,
        default=AllocationStatus.DRAFT,
    )
    decision = models.ForeignKey(
        Decision,
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
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

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


class DecisionItem(models.Model):
    """One allocation as a decision lists it, with the amount the decision is about.

    The amount is frozen when the decision is decided: the extract (protokollsutdrag) shows what
    the committee decided, even after a later amending decision.
    """

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="items")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="items")
    amount = KronorField(_("belopp"))
    # The stubs cannot express a nullable subclass of a generic field; the value is Decimal | None.
    previous_amount = KronorField(  # type: ignore[misc]
        _("tidigare beslutat belopp"),
        null=True,
        blank=True,
        help_text=_("Vid ändringsbeslut: det belopp som gällde före beslutet."),
    )

    class Meta:
        verbose_name = _("beslutad fördelning")
        verbose_name_plural = _("beslutade fördelningar")
        constraints = [
            models.UniqueConstraint(fields=["decision", "allocation"], name="decision_item_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="decision_item_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.allocation}: {self.amount}"


class DecisionDocument(models.Model):
    """The certified extract (protokollsutdrag) of an approved decision, sealed and stored once."""

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="document", verbose_name=_("beslut")
    )
    file = models.FileField(_("fil"), upload_to="decisions/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("protokollsutdrag")
        verbose_name_plural = _("protokollsutdrag")
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="decision_document_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} ({self.sha256[:12]})"
