"""Seal a rendered PDF and put it in document storage: the one way issued documents are made."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from core.sealing import SealingUnavailable, seal_pdf


@dataclass(frozen=True)
class StoredPdf:
    name: str
    sha256: str
    size: int


def seal_and_store(pdf: bytes, *, stem: str, reason: str) -> StoredPdf:
    """Seal `pdf`, store it as `<stem>-<hash prefix>.pdf`, return where and its SHA-256.

    The stored bytes are never rewritten: what was sealed is what is served. A missing
    certificate is a ValidationError, so the calling service's transaction changes nothing.
    """
    try:
        sealed = seal_pdf(pdf, reason=reason)
    except SealingUnavailable as exc:
        raise ValidationError(
            _(
                "Dokumentet kunde inte förseglas: sigillcertifikatet saknas. "
                "Kontakta systemförvaltaren."
            )
        ) from exc
    digest = hashlib.sha256(sealed).hexdigest()
    name = default_storage.save(f"{stem}-{digest[:12]}.pdf", ContentFile(sealed))
    return StoredPdf(name=name, sha256=digest, size=len(sealed))
