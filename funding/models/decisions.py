"""Committee decisions, the allocations each lists, and its sealed extract (protokollsutdrag)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import KronorField
from core.models import SHA256_HEX, Lifecycle
from core.validators import multi_line, single_line
from funding.appeal import appeal_period_end
from funding.models.allocations import Allocation


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
    "state_aid",
    "eur_rate",
    "eur_rate_date",
    "is_example_data",
    # The protokollsutdrag (issue 19): structured legal basis, what the decision rests on, and
    # to whom it is sent. Justering's fields (adjusters, chair, posted_on) are set by approving.
    "legal_bases",
    "memo_date",
    "memo_registration_number",
    "distribution",
)

DEFAULT_DECISION_BODY = "Regionstyrelsens tillväxtutskott"


class LegalBasis(models.TextChoices):
    """The statutes a funding decision rests on; the labels are the citations the extract
    prints, word for word (issue 19)."""

    LOCAL_GOVERNMENT_ACT_2_1 = "kl_2_1", _("2 kap. 1 § kommunallagen (2017:725)")
    LOCAL_GOVERNMENT_ACT_2_8 = "kl_2_8", _("2 kap. 8 § kommunallagen (2017:725)")
    REGIONAL_DEVELOPMENT_ACT = (
        "sfs_2010_630",
        _("lagen (2010:630) om regionalt utvecklingsansvar"),
    )
    # Only for the state 1:1 funds (statliga medel för regional tillväxt).
    REGIONAL_GROWTH_ORDINANCE = (
        "sfs_2017_583",
        _("förordningen (2017:583) om regionalt tillväxtarbete"),
    )


def validate_legal_bases(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        raise ValidationError(_("Ange den rättsliga grunden som en lista av val."))
    unknown = [key for key in value if key not in LegalBasis.values]
    if unknown or len(set(value)) != len(value):
        raise ValidationError(_("Välj den rättsliga grunden bland alternativen."))


# The extract has an appendix (Bilaga) for the allocations when the decision text refers to it.
APPENDIX_REFERENCE = re.compile(r"\bbilagan?\b", re.IGNORECASE)


class StateAid(models.TextChoices):
    """How the decision assesses the grant under the EU state-aid rules (issue 19)."""

    NONE = "none", _("Inte statsstöd")
    # Commission Regulation (EU) 2023/2831: de minimis aid, at most EUR 300 000 per undertaking
    # over three years; the agreement then carries the statement the regulation requires.
    DE_MINIMIS = "de_minimis", _("Stöd av mindre betydelse (de minimis)")


class Decision(Lifecycle, models.Model):
    """A committee decision; deciding it turns the allocations it lists into decided money."""

    transitions = DECISION_TRANSITIONS

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
    # State aid (issue 19): the assessment, and for de minimis aid the rate (kronor per euro)
    # at the decision date that the agreement's statement converts the amount with.
    state_aid = models.CharField(
        _("statsstöd"), max_length=16, choices=StateAid.choices, default=StateAid.NONE
    )
    eur_rate = models.DecimalField(
        _("eurokurs (kronor per euro)"),
        max_digits=9,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Kursen vid beslutsdagen, t.ex. 11,5430."),
    )
    eur_rate_date = models.DateField(_("eurokursens datum"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    decided_at = models.DateTimeField(_("beslutat"), null=True, blank=True)
    approved_on = models.DateField(_("justerat den"), null=True, blank=True)
    is_example_data = models.BooleanField(_("exempeldata"), default=False)
    # --- The protokollsutdrag (issue 19) -------------------------------------------------
    legal_bases = models.JSONField(
        _("rättslig grund (lagrum)"),
        default=list,
        blank=True,
        validators=[validate_legal_bases],
        help_text=_("Lagrummen beslutet grundar sig på."),
    )
    memo_date = models.DateField(_("tjänsteskrivelsens datum"), null=True, blank=True)
    memo_registration_number = models.CharField(
        _("tjänsteskrivelsens diarienummer"), max_length=32, blank=True, validators=[single_line]
    )
    distribution = models.TextField(
        _("beslutet skickas till"),
        blank=True,
        max_length=2000,
        help_text=_("En mottagare per rad."),
        validators=[multi_line],
    )
    adjusters = models.CharField(
        _("justerare"), max_length=300, blank=True, validators=[single_line]
    )
    chair = models.CharField(_("ordförande"), max_length=200, blank=True, validators=[single_line])
    # The day the approval was posted on the notice board (anslag): the three weeks for
    # laglighetsprövning run from it (13 kap. 5 § kommunallagen).
    posted_on = models.DateField(_("anslaget den"), null=True, blank=True)
    # "Rätt utdraget intygar": the secretary who recorded the approval, as named then.
    certifier_name = models.CharField(
        _("utdraget intygas av"), max_length=200, blank=True, validators=[single_line]
    )
    certifier_title = models.CharField(
        _("intygarens titel"), max_length=200, blank=True, validators=[single_line]
    )
    # ---------------------------------------------------------------------------------------
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
            models.CheckConstraint(
                condition=Q(posted_on__isnull=True)
                | Q(approved_on__isnull=False, posted_on__gte=models.F("approved_on")),
                name="decision_posted_after_approval",
            ),
            models.CheckConstraint(
                condition=Q(state_aid__in=StateAid.values), name="decision_state_aid_valid"
            ),
            models.CheckConstraint(
                condition=Q(eur_rate__isnull=True) | Q(eur_rate__gt=0),
                name="decision_eur_rate_positive",
            ),
            models.CheckConstraint(
                condition=~Q(state_aid=StateAid.DE_MINIMIS)
                | Q(eur_rate__isnull=False, eur_rate_date__isnull=False),
                name="decision_de_minimis_has_rate",
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

    def clean(self) -> None:
        """De minimis aid needs the euro rate and its date (the agreement states the amount in
        euro); a rate is more than 0."""
        errors = {}
        if self.eur_rate is not None and self.eur_rate <= 0:
            errors["eur_rate"] = _("Eurokursen måste vara större än 0.")
        if self.state_aid == StateAid.DE_MINIMIS:
            if self.eur_rate is None:
                errors["eur_rate"] = _(
                    "Ange eurokursen vid beslutsdagen för stöd av mindre betydelse."
                )
            if self.eur_rate_date is None:
                errors["eur_rate_date"] = _("Ange vilket datum eurokursen gäller.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_decided(self) -> bool:
        return self.status in (DecisionStatus.DECIDED, DecisionStatus.APPROVED)

    @property
    def is_de_minimis(self) -> bool:
        return self.state_aid == StateAid.DE_MINIMIS

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

    @property
    def legal_basis_citations(self) -> list[str]:
        """The chosen statutes' citations, in the order of the law list."""
        chosen = set(self.legal_bases or ())
        return [str(basis.label) for basis in LegalBasis if basis.value in chosen]

    @property
    def has_appendix(self) -> bool:
        """The text refers to an appendix (bilagan): the allocation table is printed as one."""
        return bool(APPENDIX_REFERENCE.search(self.text))

    @property
    def appeal_period_ends(self) -> date | None:
        return appeal_period_end(self.posted_on) if self.posted_on else None


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
    # The allocation's version when it was listed: deciding refuses a row whose allocation has
    # changed since, so the committee decides the amount the decision shows (issue 17).
    allocation_version = models.PositiveIntegerField(_("fördelningens version"), default=0)

    class Meta:
        verbose_name = _("beslutad fördelning")
        verbose_name_plural = _("beslutade fördelningar")
        constraints = [
            models.UniqueConstraint(fields=["decision", "allocation"], name="decision_item_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="decision_item_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.allocation}: {self.amount}"

    @property
    def is_stale(self) -> bool:
        """The allocation changed after it was listed (read with the allocation)."""
        return bool(self.allocation.version != self.allocation_version)


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
                condition=Q(sha256__regex=SHA256_HEX), name="decision_document_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} ({self.sha256[:12]})"
