"""Standard terms (allmänna villkor) as versioned data, edited by administrators (issue 19).

An agreement takes the version in force when it is sent for signing (`terms_for_sending`) and
keeps it through its amendments; each sealed document records the version it prints. A version
an agreement or a document already carries is never changed: the change is a new version.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.models import StandardTerms
from agreements.standard_terms import CLAUSES, TITLE
from audit.actions import AuditAction
from audit.services import UNCHANGED, Maybe, audited_update, create_audited, given


@transaction.atomic
def create_standard_terms(
    *,
    valid_from: date,
    clauses: list[dict[str, str]],
    title: str = TITLE,
    by: User | None,
) -> StandardTerms:
    """A new version, numbered after the last one."""
    # Serialise numbering: two administrators adding a version at once get 2 and 3.
    StandardTerms.objects.select_for_update().order_by("pk").first()
    last = StandardTerms.objects.aggregate(n=Max("version"))["n"] or 0
    terms = StandardTerms(version=last + 1, title=title, valid_from=valid_from, clauses=clauses)
    return create_audited(
        terms, action=AuditAction.STANDARD_TERMS_CREATED, by=by, fields=["version", "valid_from"]
    )


def is_used(terms: StandardTerms) -> bool:
    return terms.agreements.exists() or terms.signed_documents.exists()


@transaction.atomic
def update_standard_terms(
    *,
    terms: StandardTerms,
    by: User | None,
    title: Maybe[str] = UNCHANGED,
    valid_from: Maybe[date] = UNCHANGED,
    clauses: Maybe[list[dict[str, str]]] = UNCHANGED,
) -> StandardTerms:
    """Correct a version no agreement carries yet; a used one is frozen."""
    terms = StandardTerms.objects.select_for_update().get(pk=terms.pk)
    if is_used(terms):
        raise ValidationError(
            _(
                "Version %(version)s av de allmänna villkoren finns redan i överenskommelser och "
                "kan inte ändras. Lägg till en ny version i stället."
            )
            % {"version": terms.version},
            code="terms_in_use",
        )
    values: dict[str, Any] = given(title=title, valid_from=valid_from, clauses=clauses)
    audited_update(terms, values=values, action=AuditAction.STANDARD_TERMS_UPDATED, by=by)
    return terms


def terms_for_sending(on: date | None = None) -> StandardTerms:
    """The version an agreement sent today carries. With none at all (a database emptied
    after migrating), version 1 as shipped, so an agreement never goes out without terms."""
    terms = StandardTerms.objects.in_force(on or timezone.localdate())
    if terms is None:
        terms = StandardTerms.objects.order_by("valid_from", "version").first()
    if terms is None:
        terms = create_standard_terms(valid_from=date(2023, 1, 1), clauses=CLAUSES, by=None)
    return terms
