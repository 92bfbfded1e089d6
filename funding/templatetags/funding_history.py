"""Show history changes of budgets and allocations in words: `Belopp: 1 000 kr → 1 500 kr`."""

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from core.money import format_amount
from funding.models import AllocationStatus, BudgetYearStatus, DecisionStatus

register = template.Library()

MONEY = {"amount", "ceiling"}
LABELS = {
    "amount": _("Belopp"),
    "ceiling": _("Tak"),
    "status": _("Status"),
    "name": _("Namn"),
    "source_rule_override_reason": _("Motivering för undantag"),
    "ceiling_is_public": _("Taket är offentligt"),
    "amount_is_public": _("Beloppet är offentligt"),
}
# Status values repeat across models ("decided"), so the event's action says whose they are.
STATUS_LABELS = {
    "allocation": dict(AllocationStatus.choices),
    "decision": dict(DecisionStatus.choices),
    "budget_year": dict(BudgetYearStatus.choices),
}


@dataclass
class Change:
    label: str
    old: str
    new: str


def _show(kind: str, field: str, value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nej"))
    if field in MONEY:
        return format_amount(value)
    if field == "status":
        return str(STATUS_LABELS.get(kind, {}).get(value, value))
    return str(value)


@register.filter
def describe_changes(event: AuditEvent) -> list[Change]:
    """The event's changes in words, without a field that did not change: events recorded before
    `record_event` left those out still hold some ("1 850 000 kr → 1 850 000 kr")."""
    kind = event.action.partition(".")[0]
    changes = [
        Change(
            label=str(LABELS.get(field, field)),
            old=_show(kind, field, old),
            new=_show(kind, field, new),
        )
        for field, (old, new) in event.changes.items()
    ]
    return [change for change in changes if change.old != change.new]
