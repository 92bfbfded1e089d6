"""A list's filter form, rendered once per list, submitted choices and language (core.filters,
issue 18): what was submitted shows, whatever another request filled the cache with."""

from django.db.models import Model
from django.http import QueryDict
from django.test.signals import template_rendered
from django.utils import translation
from django_filters import FilterSet

from agreements.filters import AgreementFilter
from agreements.models import Agreement
from core.filters import filter_form_html, query_without_page
from funding.filters import DecisionFilter
from funding.models import Decision


def _html(
    query: str, filterset: type[FilterSet] = AgreementFilter, model: type[Model] = Agreement
) -> str:
    listed = filterset(QueryDict(query), queryset=model._default_manager.none())
    return str(filter_form_html(listed.form, query_without_page(listed)))


def _renders(query: str) -> int:
    """How often the form's template was rendered (the test runner's rendering reports it)."""
    rendered: list[object] = []

    def count(sender: object, **kwargs: object) -> None:
        rendered.append(kwargs["template"])

    template_rendered.connect(count)
    try:
        _html(query)
    finally:
        template_rendered.disconnect(count)
    return len([t for t in rendered if "list_filters" in str(getattr(t, "name", ""))])


def test_the_same_choices_render_the_form_once() -> None:
    assert _renders("q=Coompanion&ar=2024") == 1
    assert _renders("q=Coompanion&ar=2024") == 0


def test_each_choice_shows_what_was_submitted() -> None:
    assert 'value="Coompanion"' in _html("q=Coompanion")
    assert 'value="Matgille"' in _html("q=Matgille")
    assert 'value="Matgille"' not in _html("q=Coompanion")


def test_each_list_and_each_language_has_its_own_form() -> None:
    assert _html("", AgreementFilter, Agreement) != _html("", DecisionFilter, Decision)
    with translation.override("en"):
        english = _html("")
    with translation.override("sv"):
        swedish = _html("")
    assert "Search" in english or "Show" in english
    assert english != swedish


def test_a_form_with_errors_is_rendered_each_time() -> None:
    assert _renders("ar=20x4") == 1
    assert _renders("ar=20x4") == 1
