"""What the list pages share for search, filters and sort (django-filter, issue 19).

A list's choices live in its address (a GET form), so a link or a bookmark shows the same rows.
A choice that does not parse is ignored, never an error: django-filter filters only with the
form's valid fields. Filters narrow the queryset they are given, which is already scoped to the
user by a selector; they never widen it.
"""

import hashlib
from collections.abc import Iterable
from functools import cached_property
from typing import Any

import django_filters
from django import forms
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.forms import DateField
from core.generation_cache import released
from core.validators import single_line

PAGE_PARAM = "sida"
# A rendered filter form depends on nothing that changes: the timeout only bounds memory.
FILTER_FORM_SECONDS = 60 * 60
SEARCH_MAX_LENGTH = 100


class YearField(forms.CharField):
    """A year as four ASCII digits: "²⁰²⁴", "٢٠٢٤" and "2024 " are not years (str.isdigit and
    int() would take them), so they are ignored like any other bad choice."""

    default_validators = [RegexValidator(r"\A[0-9]{4}\Z")]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(strip=False, max_length=4, **kwargs)


class YearFilter(django_filters.Filter):
    field_class = YearField


class IsoDateFilter(django_filters.DateFilter):
    """A date as the date picker sends it (ISO), so "05/06/2024" is not read as 6 May."""

    field_class = DateField


class SearchFilter(django_filters.CharFilter):
    """One search box over several columns: each word must be found in one of them."""

    def __init__(self, *, fields: Iterable[str], **kwargs: Any) -> None:
        self.search_fields = tuple(fields)
        kwargs.setdefault("label", _("Sök"))
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        kwargs.setdefault("validators", [single_line])
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        for word in search_words(value):
            qs = qs.filter(self.matching(word))
        return qs

    def matching(self, word: str) -> Q:
        """Where one word may be found; a list adds its own places by overriding this."""
        match = Q()
        for field in self.search_fields:
            match |= Q(**{f"{field}__icontains": word})
        return match


def search_words(value: str) -> list[str]:
    """The words of a search, at most ten: each narrows the list."""
    return value.split()[:10]


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sort by one whitelisted choice, then by `tie_break`, so that rows with equal values keep
    their place from one page to the next. No choice, or one not on the list: the selector's
    own order."""

    descending_fmt = _("%s (fallande)")

    def __init__(self, *, tie_break: Iterable[str], **kwargs: Any) -> None:
        self.tie_break = list(tie_break)
        kwargs.setdefault("label", _("Sortera"))
        kwargs.setdefault("empty_label", _("Standardordning"))
        kwargs.setdefault("help_text", "")
        super().__init__(**kwargs)
        # One choice, from a select: not django-filter's comma-separated list, which would
        # let "belopp,belopp,…" through as thousands of valid sort keys.
        self.field_class = django_filters.fields.ChoiceField

    def filter(self, qs: QuerySet[Any], value: str | None) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.order_by(self.get_ordering_value(value), *self.tie_break)


class ListChoices:
    """A list's choices as its address holds them, for its pager (`query`) and its filter form
    (`{% list_filters choices %}`), the FilterSet built only when needed. A plain visit (no
    choice; at most a page number) needs none: building the FilterSet and validating its form
    took ≈ 0.5 ms, a sixth of a list page served from the cache (issue 18)."""

    def __init__(
        self,
        filterset_class: type[django_filters.FilterSet],
        model: type[Model],
        data: QueryDict,
        *,
        filterset: django_filters.FilterSet | None = None,
    ) -> None:
        self.filterset_class, self.model, self.data = filterset_class, model, data
        self.nothing_chosen = all(name == PAGE_PARAM for name in data)
        if filterset is not None:
            self.__dict__["filterset"] = filterset

    @cached_property
    def filterset(self) -> django_filters.FilterSet:
        return self.filterset_class(self.data, queryset=self.model._default_manager.none())

    @cached_property
    def query(self) -> str:
        """The valid choices as a query string, without the page (`query_without_page`)."""
        return "" if self.nothing_chosen else query_without_page(self.filterset)


def filtered_page(
    request: HttpRequest, listed: django_filters.FilterSet, per_page: int
) -> dict[str, Any]:
    """What a list page shows of its filtered rows: the page asked for (`page`), the choices
    its pager's links keep (`filters`) and for its filter form (`choices`)."""
    page = Paginator(listed.qs, per_page).get_page(request.GET.get(PAGE_PARAM))
    choices = ListChoices(type(listed), listed.queryset.model, request.GET, filterset=listed)
    return {"page": page, "filters": choices.query, "choices": choices}


def query_without_page(filterset: django_filters.FilterSet) -> str:
    """The list's valid choices as a query string, without the page: what the pager's links
    and the way back from an action keep. Choices that did not parse are dropped."""
    form = filterset.form
    form.is_valid()
    kept = []
    for name in form.fields:
        value = form.cleaned_data.get(name)
        raw = form.data.get(name, "")
        if value not in (None, "", []) and raw:
            kept.append((name, raw))
    return urlencode(kept)


def page_number(value: object) -> str:
    """The page asked for in the address, as a cache key and the paginator take it: "1" for
    anything but a short run of ASCII digits."""
    number = str(value or "1")
    return number if number.isascii() and number.isdigit() and len(number) < 7 else "1"


def list_page_key(name: str, *, filters: str, page: str, scope: str = "") -> str:
    """The cache key of one rendered page of a filtered list (with audit.cache.per_revision):
    `filters` holds only valid choices (query_without_page), so two spellings of one choice are
    one key, hashed since a search may be long; the day is in it, since what is late depends on
    it, and the language."""
    digest = hashlib.sha256(filters.encode()).hexdigest()[:32]
    return f"{name}:{scope}:{digest}:{page}:{timezone.localdate()}:{get_language()}"


def filter_form_html(choices: ListChoices) -> SafeString:
    """A list's search and filter form (templates/includes/list_filters.html), rendered once
    per list, submitted choices and language (issue 18: rendering its fields cost as much as
    the middleware stack). A form with errors is rendered each time, with them."""
    if choices.nothing_chosen:
        shown = repr((choices.filterset_class.__qualname__, "nothing chosen", get_language()))
    else:
        form = choices.filterset.form
        if not form.is_valid():
            return mark_safe(render_to_string("includes/list_filters.html", _form_context(choices)))  # noqa: S308
        data = form.data
        submitted = [
            (name, data.getlist(name) if isinstance(data, QueryDict) else data.get(name))
            for name in form.fields
        ]
        shown = repr((type(form).__qualname__, submitted, choices.query, get_language()))
    key = released(f"filter-form:{hashlib.sha256(shown.encode()).hexdigest()[:32]}")
    html: str | None = cache.get(key)
    if html is None:
        html = render_to_string("includes/list_filters.html", _form_context(choices))
        cache.set(key, html, FILTER_FORM_SECONDS)
    return mark_safe(html)  # noqa: S308 - our template's output, escaped when rendered


def _form_context(choices: ListChoices) -> dict[str, Any]:
    return {"filter_form": choices.filterset.form, "filters": choices.query}
