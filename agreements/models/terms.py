"""Standard terms (allmänna villkor): the clauses every agreement carries, as versioned data.

Administrators edit them (issue 19); each agreement keeps the version it was sent with, and each
sealed document the version printed in it, so a later edit never changes an issued document. A
version already used by an agreement is never changed: a change is a new version.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.validators import multi_line, single_line

MAX_HEADING = 200
MAX_TEXT = 5000


@dataclass(frozen=True)
class Clause:
    heading: str
    text: str


def validate_clauses(value: Any) -> None:
    """A list of {"heading": …, "text": …}, both filled in, without control characters."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Ange minst en villkorspunkt med rubrik och text."))
    for number, clause in enumerate(value, start=1):
        if (
            not isinstance(clause, dict)
            or set(clause) != {"heading", "text"}
            or not all(isinstance(v, str) and v.strip() for v in clause.values())
        ):
            raise ValidationError(
                _("Villkorspunkt %(n)s ska ha en rubrik (heading) och en text (text).")
                % {"n": number}
            )
        if len(clause["heading"]) > MAX_HEADING or len(clause["text"]) > MAX_TEXT:
            raise ValidationError(
                _("Villkorspunkt %(n)s är för lång.") % {"n": number}, code="max_length"
            )
        single_line(clause["heading"])
        multi_line(clause["text"])


class StandardTermsQuerySet(models.QuerySet["StandardTerms"]):
    def in_force(self, on: date) -> "StandardTerms | None":
        """The version that applies to an agreement sent on `on`: the latest valid by then."""
        return self.filter(valid_from__lte=on).order_by("-valid_from", "-version").first()


class StandardTerms(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(
        _("rubrik"),
        max_length=200,
        default="Allmänna villkor för grundfinansiering",
        validators=[single_line],
    )
    valid_from = models.DateField(
        _("gäller från"),
        help_text=_("Överenskommelser som skickas från detta datum får villkoren."),
    )
    clauses = models.JSONField(
        _("villkorspunkter"),
        default=list,
        validators=[validate_clauses],
        help_text=_('En lista av punkter: [{"heading": "Rubrik", "text": "Text"}, …].'),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    objects = StandardTermsQuerySet.as_manager()

    class Meta:
        verbose_name = _("allmänna villkor")
        verbose_name_plural = _("allmänna villkor")
        ordering = ("-valid_from", "-version")
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="standard_terms_version_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.title}, version {self.version}"

    @property
    def clause_list(self) -> list[Clause]:
        return [Clause(heading=c["heading"], text=c["text"]) for c in self.clauses]
