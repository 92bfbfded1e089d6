"""Adding and removing rows in the edit pages' tables, without JavaScript (issue 19).

Each table (payment plan, reporting, key figures) has a "Lägg till rad" submit button named
`add_<prefix>` and a "Ta bort" checkbox per row (the formset's DELETE field). Pressing the
button saves nothing: the page comes back as it was typed, without error messages, with the
rows ticked "Ta bort" gone and one more empty row in that table. Saving ignores ticked rows.
"""

from typing import Any

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME

from core.forms import is_removed

ADD_BUTTONS = {"add_plan": "plan", "add_reports": "reports", "add_indicators": "indicators"}


def row_to_add(data: Any) -> str | None:
    """The table whose "Lägg till rad" was pressed, if any (its formset prefix)."""
    if data is None:
        return None
    return next((prefix for button, prefix in ADD_BUTTONS.items() if button in data), None)


def with_row_added(page_forms: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The page's posted forms again as typed, unbound (so nothing is validated or shown as an
    error), with one more empty row in the formset `prefix`."""
    return {
        key: _retyped_formset(form, add=form.prefix == prefix)
        if isinstance(form, forms.BaseFormSet)
        else _retyped_form(form)
        for key, form in page_forms.items()
    }


def _typed(form: forms.Form) -> dict[str, Any]:
    return {name: form[name].value() for name in form.fields if name != DELETION_FIELD_NAME}


def _retyped_form(form: forms.Form) -> forms.Form:
    return type(form)(initial=_typed(form))


def _retyped_formset(formset: Any, *, add: bool) -> Any:
    rows = [_typed(f) for f in formset.forms if not is_removed(f)]
    if add:
        rows.append({})
    return type(formset)(initial=rows[: formset.max_num], prefix=formset.prefix)
