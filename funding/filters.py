"""Search, filters and sort of the decision list (issue 19): they narrow `decision_list`, which
is already scoped to the user; a choice that does not parse is ignored (core.filters)."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.filters import SearchFilter, StableOrderingFilter, YearFilter
from funding.models import DecisionItem, DecisionStatus


class DecisionSearch(SearchFilter):
    """Title, registration number, text, paragraph ("§ 101" or "101") and the partners the
    decision lists. The partners through a subquery: a join would multiply the decision's rows
    and its item totals."""

    def matching(self, word: str) -> Q:
        match = super().matching(word) | Q(
            Exists(
                DecisionItem.objects.filter(
                    decision=OuterRef("pk"), allocation__partner__display_name__icontains=word
                )
            )
        )
        number = word.removeprefix("§")
        if number.isascii() and number.isdigit() and len(number) < 9:
            match |= Q(paragraph=int(number))
        return match


class DecisionFilter(django_filters.FilterSet):
    q = DecisionSearch(
        fields=("title", "registration_number", "text"),
        help_text=_("Rubrik, diarienummer, paragraf, text eller partner."),
    )
    ar = YearFilter(field_name="meeting_date__year", label=_("År"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=DecisionStatus.choices, empty_label=_("Alla")
    )
    sortera = StableOrderingFilter(
        fields=(
            ("meeting_date", "datum"),
            ("paragraph", "paragraf"),
            ("title", "rubrik"),
            ("item_total", "belopp"),
            ("status", "status"),
        ),
        field_labels={
            "meeting_date": _("Sammanträde"),
            "paragraph": _("Paragraf"),
            "title": _("Rubrik"),
            "item_total": _("Fördelat"),
            "status": _("Status"),
        },
        tie_break=("-meeting_date", "-pk"),
    )
