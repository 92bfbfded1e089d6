"""Is this PDF an authentic, unaltered document issued by this system? (design §6 /verify/)

Two independent answers, both required: the seal (the region's certificate, intact, covering
the whole file) and the register (the file's SHA-256 is one we stored when we sealed it: a
signed agreement or a decision extract, which also says which one and which version).
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings

from agreements.models import SignedDocument
from core.sealing import SealCheck, check_seal_within
from funding.models import DecisionDocument


@dataclass
class Verification:
    sha256: str
    seal: SealCheck
    agreement_document: SignedDocument | None
    decision_document: DecisionDocument | None

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
    return Verification(
        sha256=digest,
        seal=check_seal_within(pdf, seconds=settings.VERIFY_CHECK_SECONDS),
        agreement_document=SignedDocument.objects.select_related("agreement__partner")
        .filter(sha256=digest)
        .first(),
        decision_document=DecisionDocument.objects.select_related("decision")
        .filter(sha256=digest)
        .first(),
    )
