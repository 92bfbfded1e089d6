"""Is this PDF an authentic, unaltered document issued by this system? (design §6 /verify/)

Two independent answers, both required: the seal (the region's certificate, intact, covering
the whole file) and the register (the file's SHA-256 is one we stored when we sealed it: a
signed agreement or a decision extract, which also says which one and which version).
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from io import BytesIO
from typing import Any

from django.conf import settings

from agreements.models import SignedDocument
from core.sealing import SealCheck, check_seal_within
from funding.models import DecisionDocument


class Verdict(StrEnum):
    """The three answers /verify/ gives, which must never look alike (issue 19)."""

    AUTHENTIC = "authentic"  # our seal, intact over the whole file, and in the register
    BROKEN = "broken"  # sealed, but changed since: bytes altered or added after sealing
    UNKNOWN = "unknown"  # no seal, someone else's, not a PDF, or not a document we issued


@dataclass(frozen=True)
class SealedAgreement:
    """What a sealed agreement says about itself, read from the record inside the file: the
    facts to compare with the paper, as they were sealed (a partner renamed since still
    appears under the name it signed with)."""

    reference: str
    version: int
    region_name: str
    region_organisation_number: str
    partner_name: str
    partner_organisation_number: str
    amount: Decimal
    period_start: date
    period_end: date


@dataclass
class Verification:
    sha256: str
    seal: SealCheck
    agreement_document: SignedDocument | None
    decision_document: DecisionDocument | None
    sealed_record: dict[str, Any] | None = field(default=None)

    @property
    def verdict(self) -> Verdict:
        if self.authentic:
            return Verdict.AUTHENTIC
        seal = self.seal
        if seal.signed and not (seal.intact and seal.valid and seal.covers_whole_file):
            return Verdict.BROKEN
        return Verdict.UNKNOWN

    @property
    def sealed_agreement(self) -> SealedAgreement | None:
        record = self.sealed_record
        if not self.authentic or self.agreement_document is None or record is None:
            return None
        return SealedAgreement(
            reference=record["reference"],
            version=int(record["version"]),
            region_name=record["region"]["name"],
            region_organisation_number=record["region"]["organisation_number"] or "",
            partner_name=record["partner"]["name"],
            partner_organisation_number=record["partner"]["organisation_number"] or "",
            amount=Decimal(record["amount_sek"]),
            period_start=date.fromisoformat(record["period"]["start"]),
            period_end=date.fromisoformat(record["period"]["end"]),
        )

    @property
    def issued(self) -> bool:
        return self.agreement_document is not None or self.decision_document is not None

    @property
    def authentic(self) -> bool:
        return self.seal.authentic_seal and self.issued

    @property
    def is_pdf(self) -> bool:
        return self.seal.readable

    @property
    def newer_version(self) -> SignedDocument | None:
        """The latest version of the same agreement, when this document is an older one: an
        amendment (tillägg) replaced it."""
        document = self.agreement_document
        if document is None:
            return None
        return (
            SignedDocument.objects.filter(
                agreement_id=document.agreement_id,
                agreement_version__gt=document.agreement_version,
            )
            .order_by("-agreement_version")
            .first()
        )


def verify_pdf(pdf: bytes) -> Verification:
    digest = hashlib.sha256(pdf).hexdigest()
    result = Verification(
        sha256=digest,
        seal=check_seal_within(pdf, seconds=settings.VERIFY_CHECK_SECONDS),
        agreement_document=SignedDocument.objects.select_related("agreement__partner")
        .filter(sha256=digest)
        .first(),
        decision_document=DecisionDocument.objects.select_related("decision")
        .filter(sha256=digest)
        .first(),
    )
    if result.authentic and result.agreement_document is not None:
        # Only now is the file read in this process: its SHA-256 is in the register, so these
        # are bytes this system wrote, not whatever someone uploaded.
        result.sealed_record = embedded_record(pdf)
    return result


def embedded_record(pdf: bytes) -> dict[str, Any] | None:
    """The JSON record a document of ours carries as its attachment (core.pdf), or None."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        names = PdfFileReader(BytesIO(pdf), strict=False).root["/Names"]["/EmbeddedFiles"]
        entries = names["/Names"]  # name, file specification, name, ...
        for index in range(0, len(entries) - 1, 2):
            if str(entries[index]).endswith(".json"):
                record: dict[str, Any] = json.loads(entries[index + 1]["/EF"]["/F"].data)
                return record
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return None
    return None
