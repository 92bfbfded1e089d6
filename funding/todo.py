"""What the committee secretary must do next (design §4 workflow 10): decisions in draft, and
decisions taken whose minutes are not yet approved (justerade)."""

from django.db.models import QuerySet

from accounts.permissions import AnyUser
from funding.models import Decision, DecisionStatus
from funding.selectors import decisions_for

TODO_LIST_LIMIT = 20


def decisions_in(user: AnyUser, status: str) -> QuerySet[Decision]:
    return decisions_for(user).filter(status=status).order_by("meeting_date", "paragraph", "pk")


def secretary_todo(user: AnyUser) -> dict[str, tuple[int, list[Decision]]]:
    """{"draft": (count, first rows), "decided": (count, first rows)}."""
    result = {}
    for status in (DecisionStatus.DRAFT, DecisionStatus.DECIDED):
        decisions = decisions_in(user, status)
        result[str(status)] = (decisions.count(), list(decisions[:TODO_LIST_LIMIT]))
    return result
