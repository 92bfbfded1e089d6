"""Template helpers for the design system's markup (GOV.UK Frontend, see
static/vendor/govuk-frontend/README.md): field controls with the system's classes, and status
tags, one look for a status wherever it shows; a list's filter form."""

from typing import Any

from django import template
from django.core.paginator import Page
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.filters import ListChoices, filter_form_html

register = template.Library()

_CONTROL_CLASS = {
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "textarea": "govuk-textarea",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
    "multiplefile": "govuk-file-upload",
}
_NO_CLASS = {"radioselect", "checkboxselectmultiple", "hidden", "multiplehidden"}


@register.filter
def with_class(field: BoundField, extra: str = "") -> SafeString:
    """`{{ field|with_class:"" }}`: the control with the design system's class for its kind
    (`govuk-input`, `govuk-select`, ...), its error state, and any class the widget already has."""
    kind = field.widget_type
    own = str(field.field.widget.attrs.get("class", ""))
    if extra:
        system = extra
    elif kind in _NO_CLASS:
        system = ""
    else:
        system = _CONTROL_CLASS.get(kind, "govuk-input")
        if field.errors:
            system += f" {system}--error"
    classes = " ".join(c for c in (own, system) if c)
    attrs: dict[str, Any] = {"class": classes} if classes else {}
    return field.as_widget(attrs=attrs)


# Status → colour of the tag. Everything not listed is the system's default (blue).
_COLOURS = {
    "planned": "grey",
    "draft": "grey",
    "queued": "grey",
    "discarded": "grey",
    "released": "yellow",
    "submitted": "yellow",
    "sent": "yellow",
    "partner_signed": "yellow",
    "sending": "yellow",
    "paid": "green",
    "approved": "green",
    "signed": "green",
    "decided": "green",
    "adjusted": "green",
    "completed": "grey",
    "returned": "orange",
    "terminated": "red",
    "failed": "red",
    "overdue": "red",
    "replaced": "red",
    "inactive": "grey",
    # Where one status word means different things: a notice sent is done, an agreement sent
    # still waits for the partner; an account invited waits for the person.
    "notice-sent": "green",
    "account-invited": "yellow",
    "account-active": "green",
}


@register.simple_tag
def status_tag(status: str, label: str, kind: str = "") -> SafeString:
    """`{% status_tag i.status i.get_status_display %}`: a status as the design system's tag.
    `kind` prefixes the old class name (`tag-report-approved`) that tests and print CSS know."""
    colour = _COLOURS.get(f"{kind}-{status}") or _COLOURS.get(status, "")
    modifier = f" govuk-tag--{colour}" if colour else ""
    name = f"tag-{kind}-{status}" if kind else f"tag-{status}"
    return format_html('<strong class="govuk-tag{} tag {}">{}</strong>', modifier, name, label)


@register.simple_tag
def page_numbers(page: Page[Any]) -> list[int | None]:
    """`{% page_numbers page as numbers %}`: the page numbers the pager links, the first and
    last and one either side of the current; None where the pager shows an ellipsis."""
    elided = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return [n if isinstance(n, int) else None for n in elided]


@register.simple_tag
def list_filters(choices: ListChoices) -> SafeString:
    """A list's search and filter form, cached by what was submitted (core.filters)."""
    return filter_form_html(choices)
