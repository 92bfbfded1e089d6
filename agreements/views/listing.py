"""The agreement list's rows, rendered once per recorded change (issue 18).

With three thousand agreements the page cost six times the session floor: the count, fifty rows
with each one's next reporting date and late reports, and their template. Like the payments
page, the table with its pager (and, for officials, the decided allocations still without an
agreement) is rendered once per revision (audit.cache), filters, page, day (what is late
depends on it), language and scope: every agreement for region staff, their own partner's for a
partner user. The filter form stays live; it holds what the address bar says.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from accounts.permissions import AnyUser, is_region_staff
from agreements.filters import AgreementFilter
from agreements.permissions import can_draft_agreements
from agreements.selectors import agreement_list, allocations_awaiting_agreement
from audit.cache import per_revision
from core.filters import list_page_key, page_number
from partners.permissions import membership_of

# Officials see every agreement of every year: thousands after a decade. Fifty a page keeps
# the page fast and readable; the search and filters narrow it further.
AGREEMENTS_PER_PAGE = 50


def _scope(user: AnyUser) -> str:
    """Whose agreements the list holds: the rule of `visible_agreements`, as a key."""
    if is_region_staff(user):
        return "region"
    membership = membership_of(user)
    return f"partner-{membership.partner_id}" if membership is not None else "none"


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


def agreement_rows(user: AnyUser, choices: QueryDict, *, filters: str, page: str | None) -> Rows:
    """The list's table and pager for the `choices` (the address's), within what the user may
    see, and the allocations awaiting an agreement for those who draft. The query is built
    only when the rows are rendered: building it cost more than reading the cache."""
    number = page_number(page)
    drafts = can_draft_agreements(user)

    def render() -> Rows:
        listed = AgreementFilter(choices, queryset=agreement_list(user=user))
        paged = Paginator(listed.qs, AGREEMENTS_PER_PAGE).get_page(number)
        context = {
            "agreements": paged.object_list,
            "page": paged,
            "filters": filters,
            "awaiting": allocations_awaiting_agreement(user) if drafts else [],
        }
        html = render_to_string("agreements/list.html#rows", context)
        return Rows(html, paged.number, paged.paginator.count, paged.paginator.num_pages)

    key = list_page_key(
        "agreement-list", filters=filters, page=number, scope=f"{_scope(user)}:{drafts}"
    )
    return per_revision(key, render)
