"""The agreement and partner lists' rows, rendered once per recorded change (issue 18).

With three thousand agreements the agreement list cost six times the session floor: the count,
fifty rows with each one's next reporting date and late reports, and their template. The
partner list's hundred rows, each with three counts and sums over a decade of agreements, cost
twelve times the floor. Like the payments page, each table with its pager (and, for officials,
the decided allocations still without an agreement) is rendered once per revision
(audit.cache), filters, page, day (what is late depends on it), language and scope: everything
for region staff, their own partner's for a partner user. The filter form stays live; it holds
what the address bar says.
"""

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django_filters import FilterSet

from accounts.permissions import AnyUser
from agreements.filters import AgreementFilter, PartnerFilter
from agreements.partners import partner_list
from agreements.permissions import can_draft_agreements
from agreements.selectors import (
    agreement_list,
    allocations_awaiting_agreement,
    visibility_scope,
)
from audit.cache import per_revision
from core.filters import list_page_key, page_number
from funding.selectors import current_budget_year

# Officials see every partner: some three hundred. A hundred a page, with search and filters.
PARTNERS_PER_PAGE = 100

# Officials see every agreement of every year: thousands after a decade. Fifty a page keeps
# the page fast and readable; the search and filters narrow it further.
AGREEMENTS_PER_PAGE = 50


@dataclass(frozen=True)
class Rows:
    """One page of the list, rendered, with where it stands."""

    html: str
    number: int
    count: int
    num_pages: int

    def __html__(self) -> str:  # {{ rows }} in the page: our template's output, already escaped
        return self.html

    def __str__(self) -> SafeString:
        return mark_safe(self.html)  # noqa: S308 - our template's output, escaped when rendered


def _rendered(template: str, listed: FilterSet, per_page: int, number: str, **context: Any) -> Rows:
    paged = Paginator(listed.qs, per_page).get_page(number)
    html = render_to_string(template, {"page": paged, **context})
    return Rows(html, paged.number, paged.paginator.count, paged.paginator.num_pages)


def agreement_rows(user: AnyUser, choices: QueryDict, *, filters: str, page: str | None) -> Rows:
    """The list's table and pager for the `choices` (the address's), within what the user may
    see, and the allocations awaiting an agreement for those who draft. The query is built
    only when the rows are rendered: building it cost more than reading the cache."""
    number = page_number(page)
    drafts = can_draft_agreements(user)

    def render() -> Rows:
        listed = AgreementFilter(choices, queryset=agreement_list(user=user))
        awaiting = allocations_awaiting_agreement(user) if drafts else []
        return _rendered(
            "agreements/list.html#rows",
            listed,
            AGREEMENTS_PER_PAGE,
            number,
            filters=filters,
            awaiting=awaiting,
        )

    key = list_page_key(
        "agreement-list", filters=filters, page=number, scope=f"{visibility_scope(user)}:{drafts}"
    )
    return per_revision(key, render)


def partner_rows(user: AnyUser, choices: QueryDict, *, filters: str, page: str | None) -> Rows:
    """The partner list's table and pager for the `choices`, within what the user may see
    (every partner for region staff, their own for a partner user), with the current year's
    decided amounts."""
    number = page_number(page)

    def render() -> Rows:
        year = current_budget_year(user)
        queryset = partner_list(user=user, year=year.year if year else None)
        listed = PartnerFilter(choices, queryset=queryset)
        return _rendered(
            "partners/list.html#rows",
            listed,
            PARTNERS_PER_PAGE,
            number,
            filters=filters,
            year=year,
        )

    key = list_page_key("partner-list", filters=filters, page=number, scope=visibility_scope(user))
    return per_revision(key, render)
