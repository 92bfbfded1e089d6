"""Partner organisations and the users who act for them (design §3, partners)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.validators import multi_line, single_line
from partners.validators import (
    format_giro_number,
    normalise_giro_number,
    validate_giro_number,
    validate_organisation_number,
)


class LegalForm(models.TextChoices):
    ECONOMIC_ASSOCIATION = "ekonomisk_forening", _("Ekonomisk förening")
    NON_PROFIT_ASSOCIATION = "ideell_forening", _("Ideell förening")
    LIMITED_COMPANY = "aktiebolag", _("Aktiebolag")
    MUNICIPAL_COMPANY = "kommunalt_bolag", _("Kommunalt bolag")
    FOUNDATION = "stiftelse", _("Stiftelse")
    PUBLIC_BODY = "offentlig", _("Offentlig verksamhet")
    OTHER = "annan", _("Annan")
    UNKNOWN = "", _("Okänd")


class PartnerQuerySet(models.QuerySet["Partner"]):
    def active(self) -> "PartnerQuerySet":
        return self.filter(is_active=True)


class PaymentMethod(models.TextChoices):
    BANKGIRO = "bankgiro", _("Bankgiro")
    PLUSGIRO = "plusgiro", _("Plusgiro")


class Partner(models.Model):
    display_name = models.CharField(
        _("namn"), max_length=120, unique=True, validators=[single_line]
    )
    legal_name = models.CharField(
        _("juridiskt namn"),
        max_length=200,
        help_text=_("Motparten i överenskommelsen; kan skilja sig från varumärket."),
        validators=[single_line],
    )
    slug = models.SlugField(_("kortnamn"), max_length=60, unique=True)
    organisation_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        blank=True,
        validators=[validate_organisation_number],
        help_text=_("NNNNNN-NNNN. Lämnas tomt om det inte är känt."),
    )
    legal_form = models.CharField(
        _("associationsform"),
        max_length=32,
        choices=LegalForm.choices,
        blank=True,
        validators=[single_line],
    )
    street_address = models.CharField(
        _("gatuadress"), max_length=200, blank=True, validators=[single_line]
    )
    postal_code = models.CharField(
        _("postnummer"), max_length=10, blank=True, validators=[single_line]
    )
    city = models.CharField(_("ort"), max_length=100, blank=True, validators=[single_line])
    website = models.URLField(_("webbplats"), blank=True)
    description = models.TextField(
        _("beskrivning"), blank=True, max_length=2000, validators=[multi_line]
    )
    # Where the region pays the partner's instalments (design §3, Partner payment details).
    payment_method = models.CharField(
        _("betalningssätt"), max_length=16, choices=PaymentMethod.choices, blank=True
    )
    payment_account = models.CharField(
        _("bankgiro- eller plusgironummer"),
        max_length=8,
        blank=True,
        help_text=_("Bara siffror; kontrollsiffran prövas."),
    )
    payment_details_are_example_data = models.BooleanField(
        _("betalningsuppgifterna är exempeldata"),
        default=False,
        help_text=_("Påhittade för demonstration: märks Exempeldata där de visas."),
    )
    # Invented for the demo (issue 19): an agreement is sent only to a partner with an
    # organisation number, and the demo's are made up, so the PDF marks them Exempeldata.
    legal_details_are_example_data = models.BooleanField(
        _("organisationsnummer och adress är exempeldata"),
        default=False,
        help_text=_("Påhittade för demonstration: märks Exempeldata där de visas."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_example_data = models.BooleanField(
        _("exempeldata"),
        default=False,
        help_text=_("Uppgifterna är påhittade för demonstration och ska märkas så i gränssnittet."),
    )

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partner")
        ordering = ("display_name",)
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_number"],
                condition=~models.Q(organisation_number=""),
                name="partner_organisation_number_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(organisation_number="")
                | models.Q(organisation_number__regex=r"^[0-9]{6}-[0-9]{4}$"),
                name="partner_organisation_number_format",
            ),
            models.CheckConstraint(
                condition=~models.Q(display_name="")
                & ~models.Q(legal_name="")
                & ~models.Q(slug=""),
                name="partner_names_present",
            ),
            models.CheckConstraint(
                condition=models.Q(legal_form__in=LegalForm.values), name="partner_legal_form_valid"
            ),
            # Both or neither, and only digits of a length the method allows; the check digit
            # is the validator's (partners.validators.validate_giro_number).
            models.CheckConstraint(
                condition=models.Q(payment_method="", payment_account="")
                | models.Q(payment_method="bankgiro", payment_account__regex=r"^[0-9]{7,8}$")
                | models.Q(payment_method="plusgiro", payment_account__regex=r"^[0-9]{2,8}$"),
                name="partner_payment_details_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        self.payment_account = normalise_giro_number(self.payment_account)
        if bool(self.payment_method) != bool(self.payment_account):
            field = "payment_account" if self.payment_method else "payment_method"
            raise ValidationError(
                {field: _("Ange både betalningssätt och nummer, eller inget av dem.")}
            )
        if self.payment_method:
            try:
                validate_giro_number(self.payment_method, self.payment_account)
            except ValidationError as error:
                raise ValidationError({"payment_account": error.messages}) from error

    @property
    def has_payment_details(self) -> bool:
        """Whether an instalment can be paid: a giro number whose check digit holds."""
        if not self.payment_method:
            return False
        try:
            validate_giro_number(self.payment_method, self.payment_account)
        except ValidationError:
            return False
        return True

    @property
    def payment_account_display(self) -> str:
        return format_giro_number(self.payment_method, self.payment_account)


class PartnerMembership(models.Model):
    """A user acting for a partner. A user belongs to at most one partner."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_membership",
        verbose_name=_("användare"),
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("partner")
    )
    is_signatory = models.BooleanField(
        _("firmatecknare"),
        default=False,
        help_text=_("Får skriva under överenskommelser för partnern."),
    )

    class Meta:
        verbose_name = _("partneranvändare")
        verbose_name_plural = _("partneranvändare")

    def __str__(self) -> str:
        return f"{self.user} – {self.partner}"


phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{4,}$",
    _("Skriv telefonnumret med siffror, t.ex. 035-13 48 00 eller +46 35 13 48 00."),
)


class PartnerContact(models.Model):
    """A contact person at the partner (design §3): kept with the partner, edited by officials."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    position = models.PositiveSmallIntegerField(_("ordning"))
    name = models.CharField(_("namn"), max_length=200, validators=[single_line])
    role = models.CharField(_("roll"), max_length=200, blank=True, validators=[single_line])
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(
        _("telefon"), max_length=40, blank=True, validators=[single_line, phone_validator]
    )
    is_example_data = models.BooleanField(_("exempeldata"), default=False)

    class Meta:
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")
        ordering = ("partner", "position")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "position"], name="partner_contact_position_unique"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="partner_contact_has_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner})"
