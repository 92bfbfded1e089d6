"""A list's filter form, rendered once per list, submitted choices and language (core.filters,
issue 18): what was submitted shows, whatever another request filled the cache with."""

from typing import Any

import pytest
from django.db.models import Model
from django.http import QueryDict
from django.test.signals import template_rendered
from django.utils import translation
from django_filters import FilterSet

from agreements.filters import AgreementFilter
from agreements.models import Agreement
from core.filters import ListChoices, filter_form_html
from funding.filters import DecisionFilter
from funding.models import Decision


def _html(
    query: str, filterset: type[FilterSet] = AgreementFilter, model: type[Model] = Agreement
) -> str:
    return str(filter_form_html(ListChoices(filterset, model, QueryDict(query))))


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


def test_a_plain_visit_builds_no_filter_form_once_it_is_cached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No choice in the address (at most a page): nothing to validate, and the form as it
    shows with nothing chosen comes from the cache (building it took ≈ 0.5 ms a request)."""
    built: list[object] = []
    original = AgreementFilter.__init__

    def counted(self: AgreementFilter, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(AgreementFilter, "__init__", counted)
    first = _html("")
    assert len(built) == 1  # rendered once, from a form
    assert _html("") == first
    assert _html("sida=3") == first
    assert len(built) == 1, "a plain visit built the FilterSet again"
    assert ListChoices(AgreementFilter, Agreement, QueryDict("sida=3")).query == ""
    assert 'value="Coompanion"' in _html("q=Coompanion")
    assert len(built) == 2
