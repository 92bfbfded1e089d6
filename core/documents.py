"""Seal a rendered PDF and put it in document storage: the one way issued documents are made;
and the responses that serve a stored document or show a preview."""

import hashlib
import time
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.metrics import SEAL_SECONDS
from core.sealing import SealingUnavailable, seal_pdf

# Cache-Control of every stored document: private, never stored, never reused (issue 13); what
# django.utils.cache.patch_cache_control(private=True, no_store=True, no_cache=True, max_age=0)
# writes on a fresh response, as a constant (the download is on the hot path: issue 18).
NEVER_KEPT = "private, no-store, no-cache, max-age=0"


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
    started = time.perf_counter()
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
    SEAL_SECONDS.observe(time.perf_counter() - started)
    return StoredPdf(name=name, sha256=digest, size=len(sealed))


def preview_response(pdf: bytes, *, filename: str) -> HttpResponse:
    """A PDF rendered for this request (a preview marked UTKAST: never sealed, never stored),
    shown in the browser."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class Stored(Protocol):
    """A document in storage: a model's FieldFile, or anything that knows its name and opens it."""

    @property
    def name(self) -> str | None: ...

    def open(self, mode: str = "rb") -> File[bytes]: ...


def stored_file_response(
    file: Stored, *, sha256: str, filename: str, content_type: str = "application/pdf"
) -> HttpResponseBase:
    """A stored document as a download, byte for byte as stored, never re-rendered: its SHA-256
    in `X-Content-SHA256` for the receiver to check, and never kept by a cache (private,
    no-store: issue 13).

    Called only after the view has checked access. Behind nginx (DOCUMENT_ACCEL_REDIRECT set to
    its internal location) the app sends only the headers and nginx sends the file from the
    shared document folder (`X-Accel-Redirect`), so no app worker is held for the transfer; the
    location is `internal`, so no client reaches a document without this check."""
    accel_prefix: str = settings.DOCUMENT_ACCEL_REDIRECT
    response: HttpResponseBase
    if accel_prefix:
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response["X-Accel-Redirect"] = f"/{accel_prefix.strip('/')}/{quote(str(file.name))}"
    else:
        response = FileResponse(
            file.open("rb"), content_type=content_type, as_attachment=True, filename=filename
        )
    response["X-Content-SHA256"] = sha256
    response["Cache-Control"] = NEVER_KEPT
    return response
