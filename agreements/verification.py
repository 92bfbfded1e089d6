"""Is this PDF an authentic, unaltered document issued by this system? (design §6 /verify/)

Two independent answers, both required: the seal (the region's certificate, intact, covering
the whole file) and the register (the file's SHA-256 is one we stored when we sealed it, which
also says which agreement and version it is).
"""

import hashlib
from dataclasses import dataclass

from agreements.models import SignedDocument
from core.sealing import SealCheck, check_seal


@dataclass
class Verification:
    sha256: str
    seal: SealCheck
    document: SignedDocument | None

    @property
    def authentic(self) -> bool:
        return self.seal.authentic_seal and self.document is not None

    @property
    def is_pdf(self) -> bool:
        return self.seal.readable


def verify_pdf(pdf: bytes) -> Verification:
    digest = hashlib.sha256(pdf).hexdigest()
    document = (
        SignedDocument.objects.select_related("agreement__partner").filter(sha256=digest).first()
    )
    return Verification(sha256=digest, seal=check_seal(pdf), document=document)
