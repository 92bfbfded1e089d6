"""Seal a rendered PDF and put it in document storage: the one way issued documents are made."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.cache import patch_cache_control
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


def stored_file_response(
    file: File[bytes], *, sha256: str, filename: str, content_type: str = "application/pdf"
) -> FileResponse:
    """A stored document as a download, byte for byte as stored, never re-rendered: its SHA-256
    in `X-Content-SHA256` for the receiver to check, and never kept by a cache (private,
    no-store: issue 13)."""
    response = FileResponse(
        file.open("rb"), content_type=content_type, as_attachment=True, filename=filename
    )
    response["X-Content-SHA256"] = sha256
    patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
    return response
