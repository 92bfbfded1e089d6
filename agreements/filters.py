"""Search, filters and sort of the agreement, payment and partner lists (issue 19).

Each FilterSet narrows the queryset a selector gives it (already scoped to the user) and never
widens it; a choice that does not parse is ignored (core.filters).
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agreements.models import AgreementStatus, InstalmentStatus
from core.filters import IsoDateFilter, SearchFilter, StableOrderingFilter, YearFilter

YEAR = "allocation__programme__budget_year__year"


class LateReportsFilter(django_filters.BooleanFilter):
    """A tick box: only the rows with an overdue report (`overdue_reports`, the annotation the
    list's selector adds)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Bara med försenad återrapportering"))
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet[Any], value: bool | None) -> QuerySet[Any]:
        return qs.filter(overdue_reports__gt=0) if value else qs


class AgreementFilter(django_filters.FilterSet):
    q = SearchFilter(
        fields=("reference", "partner__display_name", "partner__legal_name", "purpose"),
        help_text=_("Referens, partner eller text i syftet."),
    )
    ar = YearFilter(field_name=YEAR, label=_("År"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AgreementStatus.choices, empty_label=_("Alla")
    )
    forsenade = LateReportsFilter()
    sortera = StableOrderingFilter(
        fields=(
            ("reference", "referens"),
            ("partner__display_name", "partner"),
            (YEAR, "ar"),
            ("amount", "belopp"),
            ("status", "status"),
            ("next_report", "aterrapportering"),
        ),
        field_labels={
            "reference": _("Referens"),
            "partner__display_name": _("Partner"),
            YEAR: _("År"),
            "amount": _("Belopp"),
            "status": _("Status"),
            "next_report": _("Nästa återrapportering"),
        },
        tie_break=("reference",),
    )


class PaymentFilter(django_filters.FilterSet):
    q = SearchFilter(
        fields=("agreement__reference", "agreement__partner__display_name", "finance_reference"),
        help_text=_("Överenskommelse, partner eller referens i ekonomisystemet."),
    )
    ar = YearFilter(field_name=f"agreement__{YEAR}", label=_("År"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=InstalmentStatus.choices, empty_label=_("Alla")
    )
    fran = IsoDateFilter(field_name="due_date", lookup_expr="gte", label=_("Förfaller från"))
    till = IsoDateFilter(field_name="due_date", lookup_expr="lte", label=_("Förfaller till"))
    sortera = StableOrderingFilter(
        fields=(
            ("due_date", "forfaller"),
            ("agreement__reference", "referens"),
            ("agreement__partner__display_name", "partner"),
            ("amount", "belopp"),
            ("status", "status"),
        ),
        field_labels={
            "due_date": _("Förfaller"),
            "agreement__reference": _("Överenskommelse"),
            "agreement__partner__display_name": _("Partner"),
            "amount": _("Belopp"),
            "status": _("Status"),
        },
        tie_break=("due_date", "agreement_id", "number"),
    )


class PartnerFilter(django_filters.FilterSet):
    q = SearchFilter(
        fields=("display_name", "legal_name", "organisation_number", "city"),
        help_text=_("Namn, organisationsnummer eller ort."),
    )
    aktiv = django_filters.ChoiceFilter(
        label=_("Visa"),
        choices=(("ja", _("Aktiva")), ("nej", _("Inaktiva"))),
        empty_label=_("Alla"),
        method="by_activity",
    )
    forsenade = LateReportsFilter()
    sortera = StableOrderingFilter(
        fields=(
            ("display_name", "namn"),
            ("active_agreements", "aktiva"),
            ("year_amount", "beslutat"),
            ("overdue_reports", "forsenade"),
        ),
        field_labels={
            "display_name": _("Namn"),
            "active_agreements": _("Aktiva överenskommelser"),
            "year_amount": _("Beslutat i år"),
            "overdue_reports": _("Försenade återrapporter"),
        },
        tie_break=("display_name", "pk"),
    )

    def by_activity(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(is_active=value == "ja") if value else qs
