"""Users and their roles (design §1 and §5).

A user has one role. Partner users are linked to their organisation by a membership in the
partners app (which depends on this one, not the other way round); the signatory flag lives
there too. Who may sign for the region is a Django permission (`agreements.sign_for_region`),
given to individual officials.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from core.validators import single_line


class Role(models.TextChoices):
    OFFICIAL = "official", _("Handläggare")
    SECRETARY = "secretary", _("Nämndsekreterare")
    PARTNER = "partner", _("Kontaktperson hos partner")
    # Another of the region's systems (the finance system, the registry) reading the API with
    # a token: not a person, never logs in to the site (accounts.backends refuses it).
    SERVICE = "service", _("Systemkonto")
    NONE = "", _("Ingen roll")


class AccountStatus(models.TextChoices):
    """Where a person's account stands: invited (no password chosen yet), active, inactive."""

    INVITED = "invited", _("Inbjuden")
    ACTIVE = "active", _("Aktiv")
    INACTIVE = "inactive", _("Inaktiverad")


class User(AbstractUser):
    role = models.CharField(_("roll"), max_length=16, choices=Role.choices, blank=True)
    title = models.CharField(
        _("titel"),
        max_length=120,
        blank=True,
        help_text=_("Visas vid underskrift."),
        validators=[single_line],
    )
    # Printed under a region official's signature in the sealed agreement: the delegation
    # decision (delegationsbeslut) that lets them sign for the region (issue 19).
    delegation_reference = models.CharField(
        _("delegationsbeslut"),
        max_length=200,
        blank=True,
        help_text=_(
            "För tjänstepersoner som skriver under för regionen: delegationsbeslutet som ger "
            "rätten, t.ex. Regionstyrelsens delegationsordning, RS230012, punkt 4.2."
        ),
        validators=[single_line],
    )
    language = models.CharField(
        _("språk"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="sv",
        help_text=_("Språket i e-post från systemet."),
    )

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
        ]

    @property
    def is_official(self) -> bool:
        return self.is_active and self.role == Role.OFFICIAL

    @property
    def is_secretary(self) -> bool:
        return self.is_active and self.role == Role.SECRETARY

    @property
    def is_partner_user(self) -> bool:
        return self.is_active and self.role == Role.PARTNER

    @property
    def is_service_account(self) -> bool:
        return self.is_active and self.role == Role.SERVICE

    @property
    def is_region_staff(self) -> bool:
        """Officials, secretaries and administrators: the region's own people; and the
        region's own systems (service accounts), which read what staff read, through the API
        only: they can never log in to the site."""
        return self.is_active and (
            self.role in (Role.OFFICIAL, Role.SECRETARY, Role.SERVICE) or self.is_superuser
        )

    @property
    def account_status(self) -> AccountStatus:
        if not self.is_active:
            return AccountStatus.INACTIVE
        if not self.has_usable_password():
            return AccountStatus.INVITED
        return AccountStatus.ACTIVE

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


def user_reference(
    verbose_name: StrOrPromise | None = None, *, help_text: StrOrPromise = ""
) -> "models.ForeignKey[User | None, User | None]":
    """The user a record names (who drafted, released, proposed, submitted it …): optional,
    PROTECT because users are deactivated, never deleted, and no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        help_text=help_text,
    )
