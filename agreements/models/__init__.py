"""The agreements app's models, one module per part of an agreement's life; import from here."""

from agreements.models.agreements import (
    TERMS_EDITABLE,
    TRANSITIONS,
    Agreement,
    AgreementQuerySet,
    AgreementStatus,
    Party,
    Signature,
    SignedDocument,
    reference_validator,
)
from agreements.models.amendments import (
    AMENDMENT_AWAITING_SIGNATURES,
    AMENDMENT_OPEN,
    AMENDMENT_TRANSITIONS,
    AgreementAmendment,
    AmendmentStatus,
)
from agreements.models.payments import INSTALMENT_TRANSITIONS, Instalment, InstalmentStatus
from agreements.models.reports import (
    REPORT_DELIVERED,
    REPORT_EDITABLE,
    REPORT_TRANSITIONS,
    AttachmentKind,
    Indicator,
    IndicatorValue,
    Report,
    ReportAttachment,
    ReportingRequirement,
    ReportStatus,
)
from agreements.models.terms import Clause, StandardTerms, StandardTermsQuerySet

__all__ = [
    "AMENDMENT_AWAITING_SIGNATURES",
    "AMENDMENT_OPEN",
    "AMENDMENT_TRANSITIONS",
    "INSTALMENT_TRANSITIONS",
    "REPORT_DELIVERED",
    "REPORT_EDITABLE",
    "REPORT_TRANSITIONS",
    "TERMS_EDITABLE",
    "TRANSITIONS",
    "Agreement",
    "AgreementAmendment",
    "AgreementQuerySet",
    "AgreementStatus",
    "AmendmentStatus",
    "AttachmentKind",
    "Clause",
    "Indicator",
    "IndicatorValue",
    "Instalment",
    "InstalmentStatus",
    "Party",
    "Report",
    "ReportAttachment",
    "ReportStatus",
    "ReportingRequirement",
    "Signature",
    "SignedDocument",
    "StandardTerms",
    "StandardTermsQuerySet",
    "reference_validator",
]
