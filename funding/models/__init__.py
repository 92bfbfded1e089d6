"""Budget years, funding sources, programmes, allocations and committee decisions (design §3).

What one row can say is a database constraint here. What spans rows (ceilings, the source rule
for basic funding, deciding) is enforced by `funding.services` inside a locked transaction.
One module per sub-domain; import from here.
"""

from funding.models.allocations import Allocation, AllocationQuerySet, AllocationStatus
from funding.models.amendments import PENDING, AmendmentProposal, ProposalStatus
from funding.models.budget import (
    BudgetYear,
    BudgetYearStatus,
    FundingSource,
    Programme,
    ProgrammeKind,
    SourceKind,
)
from funding.models.decisions import (
    DECISION_EDITABLE,
    DECISION_FIELDS,
    DECISION_TRANSITIONS,
    DEFAULT_DECISION_BODY,
    Decision,
    DecisionDocument,
    DecisionItem,
    DecisionStatus,
    LegalBasis,
)

__all__ = [
    "DECISION_EDITABLE",
    "DECISION_FIELDS",
    "DECISION_TRANSITIONS",
    "DEFAULT_DECISION_BODY",
    "PENDING",
    "Allocation",
    "AllocationQuerySet",
    "AllocationStatus",
    "AmendmentProposal",
    "BudgetYear",
    "BudgetYearStatus",
    "Decision",
    "DecisionDocument",
    "DecisionItem",
    "DecisionStatus",
    "FundingSource",
    "LegalBasis",
    "Programme",
    "ProgrammeKind",
    "ProposalStatus",
    "SourceKind",
]
