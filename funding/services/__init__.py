"""Every write to budgets, allocations and decisions, one module per sub-domain.

Each function is one atomic unit of work that checks the rules of design §3, writes history
(audit.services.record_event) and returns what it changed. Invariants that span rows are checked
after locking the rows they depend on, always in the same order (source → programme →
allocations, each by primary key) so that concurrent writers queue instead of deadlocking:

* Σ decided allocations of a programme ≤ its ceiling (drafts may be over, with a warning);
* Σ ceilings of a source's programmes ≤ the source's amount;
* basic funding (operating support) never draws on a source whose rule forbids it, unless an
  official recorded a reason for the exception;
* a decided allocation changes only through a decision; drafts carry an optimistic version.

`rules` holds the checks and locks; `budget` years, sources and programmes; `allocations` the
amounts per partner; `decisions` the committee's decisions. Callers import from here.
"""

from funding.services.allocations import (
    AllocationResult,
    Conflict,
    PartnerAmountError,
    StaleAllocationsError,
    set_allocations,
)
from funding.services.amendments import list_amendment, propose_amendment
from funding.services.approval import approve_decision
from funding.services.budget import (
    create_budget_year,
    create_funding_source,
    create_programme,
    set_budget_year_status,
    start_next_budget_year,
    update_funding_source,
    update_programme,
)
from funding.services.decisions import (
    NOT_EDITABLE,
    create_decision,
    decide,
    update_decision,
    validate_registration_number,
)
from funding.services.listing import (
    add_allocations_to_decision,
    add_to_decision,
    refresh_in_decision,
    remove_from_decision,
)

__all__ = [
    "NOT_EDITABLE",
    "AllocationResult",
    "Conflict",
    "PartnerAmountError",
    "StaleAllocationsError",
    "add_allocations_to_decision",
    "add_to_decision",
    "approve_decision",
    "create_budget_year",
    "create_decision",
    "create_funding_source",
    "create_programme",
    "decide",
    "list_amendment",
    "propose_amendment",
    "refresh_in_decision",
    "remove_from_decision",
    "set_allocations",
    "set_budget_year_status",
    "start_next_budget_year",
    "update_decision",
    "update_funding_source",
    "update_programme",
    "validate_registration_number",
]
