"""The stored PDF download without a query (issue 18).

What the download needs — the current version's file name, SHA-256 and size, and the
agreement's partner to check access — is read once and kept in the shared cache under the
agreement's generation (`core.generation_cache`); every save or delete of the agreement or of
one of its signed documents removes that generation, so a new version, a new seal or a deleted
row is seen on the next request on every server. Access is checked on every request, in Python,
against the user of this request (`selectors.may_see_agreement_of`, the rule of
`visible_agreements`): the cached row says whose the agreement is, never who may read it, and the
user comes with their own invalidation (`accounts.session_cache`). Another partner's agreement is
a 404 exactly like one that does not exist.

Without a shared cache the row is read from the database on each request (one query, as before).
An agreement's reference is set when it is drafted and never changes, so the reference is the key.
"""

from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save

from accounts.permissions import AnyUser
from agreements.models import Agreement, SignedDocument
from agreements.selectors import may_see_agreement_of
from core.generation_cache import cached, forget, is_shared, read_by


@dataclass(frozen=True)
class Download:
    """The current signed version of an agreement, as the download serves it."""

    reference: str
    version: int
    partner_id: int
    name: str
    sha256: str
    size: int

    def open(self, mode: str = "rb") -> File[bytes]:
        """The stored file, opened (without nginx). Behind nginx only `name` is sent; no model
        instance is made, whose signals cost more than the rest of the download."""
        return SignedDocument._meta.get_field("file").storage.open(self.name, mode)

    @property
    def filename(self) -> str:
        return f"{self.reference}-v{self.version}.pdf"


def _generation_key(reference: str) -> str:
    return f"agreements:download:generation:{reference}"


def _entry_key(reference: str) -> str:
    return f"agreements:download:{reference}"


def download_keys(reference: str) -> list[str]:
    """What `current_download` reads from the shared cache, for the agreement's URL: the session
    store reads it with the session (`core.generation_cache.reads_ahead` on the view)."""
    return read_by(_generation_key(reference), _entry_key(reference))


def _load(reference: str) -> Download | None:
    row = (
        SignedDocument.objects.filter(
            agreement__reference=reference, agreement_version=F("agreement__version")
        )
        # No ordering: at most one row, and the default ordering would join the partner.
        .order_by()
        .values_list("agreement_version", "agreement__partner_id", "file", "sha256", "size")
        .first()
    )
    if row is None:
        return None
    version, partner_id, name, sha256, size = row
    return Download(reference, version, partner_id, name, sha256, size)


def current_download(*, user: AnyUser, reference: str) -> Download | None:
    """The sealed PDF of the agreement's current version, if the user may see the agreement;
    None (a 404) otherwise. From the shared cache while the agreement and its documents are
    unchanged: no query."""
    download = cached(_generation_key(reference), _entry_key(reference), lambda: _load(reference))
    if download is None or not may_see_agreement_of(user, partner_id=download.partner_id):
        return None
    return download


def _forget_agreement(sender: type[Model], instance: Agreement, **kwargs: Any) -> None:
    forget(_generation_key(instance.reference))


def _forget_document(sender: type[Model], instance: SignedDocument, **kwargs: Any) -> None:
    if is_shared():  # the agreement is usually in hand; if not, one query on a write
        forget(_generation_key(instance.agreement.reference))


def connect_invalidation() -> None:
    """Called from AgreementsConfig.ready()."""
    for signal in (post_save, post_delete):
        signal.connect(_forget_agreement, sender=Agreement, dispatch_uid="download-agreement")
        signal.connect(_forget_document, sender=SignedDocument, dispatch_uid="download-document")
